"""The App Home tab: drawn when opened, kept current after changes, bounded for heavy users."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from conftest import Bot

from bot.domain.interview import Interview, Person, Process
from bot.domain.nudge import Nudge, NudgeState
from bot.domain.overview import Overview, Standing
from bot.domain.timing import Day
from bot.slack.blocks import DONE_ACTION, SECTION_LIMIT, VIEW_BLOCK_LIMIT, build_home

ME = Person("T1", "U1")


def open_home(bot: Bot, event: str = "EvHome1") -> dict:
    before = len(bot.standin.views())
    status, _ = bot.endpoint.app_home_opened(
        user_id="U1", team_id="T1", event_id=event, event_time=1
    )
    assert status == 200
    assert bot.standin.wait_for(lambda s: len(s.views()) > before)
    return bot.standin.views()[-1]


def test_opening_home_shows_pipeline_processes_items_and_settings(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    bot.command("add Globex, Analyst, today 11am")
    bot.command("status globex rejected")
    bot.advance(timedelta(hours=3, minutes=5))

    published = open_home(bot)

    assert published["method"] == "views.publish"
    view = published["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home"
    assert "*Pipeline* · 1 active · 1 waiting to hear back · 1 closed" in shown
    assert "*Acme* · Engineer · round 1 · waiting" in shown
    assert "*Globex* · Analyst · round 1 · rejected" in shown
    assert DONE_ACTION in shown, "open items carry their buttons"
    assert "Mon–Fri 09:00–18:00 (America/Los_Angeles" in shown


def test_home_is_redrawn_after_every_change_once_opened(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    assert bot.standin.views() == [], "never opened: nothing published"
    open_home(bot)

    bot.command("add Initech, QA, tomorrow 2pm")
    assert bot.standin.wait_for(lambda s: "Initech" in json.dumps(s.views()[-1]["view"])), (
        "the latest Home shows the interview just added"
    )

    bot.confirm("acme rejected", "Acme")
    assert bot.standin.wait_for(lambda s: "rejected" in json.dumps(s.views()[-1]["view"]))


def test_done_on_the_home_tab_marks_the_item_and_redraws(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    bot.advance(timedelta(hours=3, minutes=5))
    view = open_home(bot)["view"]
    actions = next(b for b in view["blocks"] if b["type"] == "actions")
    done = next(e for e in actions["elements"] if e["action_id"] == DONE_ACTION)
    number = int(done["value"].split(":")[1])
    count = len(bot.standin.views())

    status, _ = bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id="",
        message_ts="",
        action_id=DONE_ACTION,
        value=done["value"],
        block_id=actions["block_id"],
    )

    assert status == 200
    assert next(n for n in bot.nudges() if n.number == number).state == NudgeState.DONE
    assert bot.standin.wait_for(lambda s: len(s.views()) > count)
    assert f"nudge-{number}" not in json.dumps(bot.standin.views()[-1]["view"])


def test_a_heavy_users_home_stays_within_slacks_limits() -> None:
    now = datetime(2026, 11, 26, 17, tzinfo=UTC)
    long = "Ω" * 300
    interviews = [
        Interview(i, long, long, now, now + timedelta(hours=1), "UTC", process_id=i)
        for i in range(1, 201)
    ]
    nudges = [
        Nudge(n, 1, "thank-you", long, long, long, now, state=NudgeState.SENT)
        for n in range(1, 501)
    ]
    standings = [
        Standing(Process(i.id, i.company, i.role), i, nudges[0], nudges[:2]) for i in interviews
    ]
    view = build_home(ME, Overview(interviews, nudges, "UTC", standings), Day(), None)

    assert len(view["blocks"]) <= VIEW_BLOCK_LIMIT
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert all(len(text) <= SECTION_LIMIT for text in sections)
    assert "…and" in json.dumps(view, ensure_ascii=False)
    assert len(json.dumps(view)) < 250_000
