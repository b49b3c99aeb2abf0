"""Time zones, working windows, digests, snooze choices, pause and resume, over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import Bot

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.domain.timing import zone
from bot.slack.blocks import SNOOZE_CHOICE_ACTION

ZONES = {
    "ULA": "America/Los_Angeles",
    "UBER": "Europe/Berlin",
    "UKOL": "Asia/Kolkata",
    "UAKL": "Pacific/Auckland",
}


def text(reply: dict) -> str:
    return "\n".join(b["text"]["text"] for b in reply["blocks"] if b.get("type") == "section")


def sent(bot: Bot, user: str) -> set[int]:
    return {n.number for n in bot.nudges(user) if n.state == NudgeState.SENT}


def local(moment: datetime, tz: str) -> str:
    return moment.astimezone(zone(tz)).strftime("%a %d %b %H:%M")


def test_nobody_is_nudged_outside_their_own_working_window(bot: Bot) -> None:
    for user, tz in ZONES.items():
        bot.standin.set_user(user, tz=tz, team_id="T1")
        bot.command("add Acme, Engineer, today 10am, with Jane Doe and Bob Smith", user=user)
        bot.command("add Globex, Analyst, tomorrow 5pm, with Ann Lee", user=user)
        bot.without_holidays(user)
    seen = {user: set() for user in ZONES}
    arrivals: dict[str, list[str]] = {user: [] for user in ZONES}

    for _ in range(10 * 48):
        bot.advance(timedelta(minutes=30))
        for user, tz in ZONES.items():
            now_sent = sent(bot, user)
            if now_sent - seen[user]:
                arrivals[user].append(local(bot.clock.now(), tz))
                moment = bot.clock.now().astimezone(zone(tz))
                fresh = [n for n in bot.nudges(user) if n.number in now_sent - seen[user]]
                if all(n.anytime for n in fresh):
                    assert all(n.rule == "thank-you" for n in fresh), "only thanks keep a day"
                    assert 8 <= moment.hour < 21, f"{user} thanked at night: {arrivals[user]}"
                else:
                    assert moment.weekday() < 5, f"{user} nudged on a weekend: {arrivals[user]}"
                    assert 9 <= moment.hour < 18, f"{user} nudged at night: {arrivals[user]}"
            seen[user] = now_sent

    for user in ZONES:
        assert len(seen[user]) >= 10, f"{user} got {arrivals[user]}"


def test_a_person_can_move_their_window_and_is_only_nudged_inside_it(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="Europe/Berlin", team_id="T1")
    reply = bot.command("settings days sat-sun hours 10-12")
    assert "Sat–Sun 10:00–12:00" in text(reply) or "Sat, Sun 10:00–12:00" in text(reply)
    bot.command("add Acme, Engineer, today 11am, with Jane Doe")

    arrivals, thanks = [], []
    seen: set[int] = set()
    for _ in range(7 * 24):
        bot.advance(timedelta(hours=1))
        fresh = [n for n in bot.nudges() if n.number in sent(bot, "U1") - seen]
        if fresh and all(n.rule == "thank-you" for n in fresh):
            thanks.append(local(bot.clock.now(), "Europe/Berlin"))
        elif fresh:
            arrivals.append(local(bot.clock.now(), "Europe/Berlin"))
        seen = sent(bot, "U1")

    assert arrivals and all(a.startswith(("Sat", "Sun")) for a in arrivals), arrivals
    assert all("10:00" <= a[-5:] < "12:00" for a in arrivals), arrivals
    assert thanks == ["Thu 26 Nov 19:00"], "added at 18:00, a thank-you cannot wait till Saturday"


@pytest.mark.parametrize(
    ("setting", "problem"),
    [("days blursday", "blursday"), ("hours 18-9", "end after"), ("colour blue", "Start with")],
)
def test_bad_settings_are_explained_and_change_nothing(bot: Bot, setting: str, problem: str):
    before = text(bot.command("settings"))
    assert problem in text(bot.command(f"settings {setting}"))
    assert text(bot.command("settings")) == before
    assert "Mon–Fri 09:00–18:00" in before


def test_the_window_follows_summer_time_by_zone_name(bot: Bot) -> None:
    """Berlin moves to summer time on Sunday 28 March 2027: 09:00 is 07:00 UTC, not 08:00."""
    bot.standin.set_user("U1", tz="Europe/Berlin", team_id="T1")
    bot.clock.advance(datetime(2027, 3, 26, 8, 0, tzinfo=UTC) - bot.clock.now())

    bot.command("add Acme, Engineer, today 2pm, with Jane Doe")

    linkedin = next(n for n in bot.nudges() if n.rule == "linkedin")
    assert linkedin.due_at == datetime(2027, 3, 30, 7, 0, tzinfo=UTC), "after Easter Monday"
    assert local(linkedin.due_at, "Europe/Berlin") == "Tue 30 Mar 09:00"
    thank_you = next(n for n in bot.nudges() if n.rule == "thank-you")
    assert thank_you.due_at == datetime(2027, 3, 26, 15, 0, tzinfo=UTC), "16:00 CET"


def test_what_falls_due_over_the_weekend_arrives_as_one_digest_on_monday(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.command("add Acme, Engineer, tomorrow 5pm, with Jane Doe and Bob Smith")
    planned = bot.nudges()
    monday = [n for n in planned if local(n.due_at, "America/Los_Angeles") == "Mon 30 Nov 09:00"]
    assert {n.rule for n in monday} == {"linkedin", "be-patient"} and len(monday) == 3
    thanks = [local(n.due_at, "America/Los_Angeles") for n in planned if n.rule == "thank-you"]
    assert thanks == ["Fri 27 Nov 19:00"] * 2, "thank-yous do not wait for Monday"

    for _ in range(5 * 24):
        bot.advance(timedelta(hours=1))

    messages = [
        m
        for m in bot.dms()
        if m.metadata
        and {f"{n.number}.0" for n in monday} & set(m.metadata["event_payload"]["nudges"])
    ]
    assert len(messages) == 1, "one digest, not a burst"
    assert set(messages[0].metadata["event_payload"]["nudges"]) >= {f"{n.number}.0" for n in monday}
    assert f"*{len(messages[0].metadata['event_payload']['nudges'])} things" in json.dumps(
        messages[0].blocks
    )


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("later", "Wed 02 Dec 12:05"),
        ("tomorrow", "Thu 03 Dec 09:00"),
        ("next-week", "Mon 07 Dec 09:00"),
    ],
)
def test_snooze_choices_resolve_in_the_persons_zone(bot: Bot, choice: str, expected: str) -> None:
    """In Kolkata (UTC+05:30) on Wednesday 2 Dec at 09:05."""
    bot.standin.set_user("U1", tz="Asia/Kolkata", team_id="T1")
    bot.clock.advance(datetime(2026, 12, 2, 3, 35, tzinfo=UTC) - bot.clock.now())
    bot.command("add Acme, Engineer, yesterday 3pm, with Jane Doe")
    bot.runtime.services.delivery.deliver_due(wait_for_all=True)
    assert bot.standin.wait_for(lambda s: bool(s.messages("DU1")))
    message = bot.dms()[0]
    number = json.loads(json.dumps(message.metadata))["event_payload"]["nudges"][0].split(".")[0]

    status, _ = bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id=message.channel,
        message_ts=message.ts,
        action_id=SNOOZE_CHOICE_ACTION,
        value=f"U1:{number}:{choice}",
        selected=True,
    )

    assert status == 200
    snoozed = next(n for n in bot.nudges() if n.number == int(number))
    assert snoozed.state == NudgeState.SCHEDULED
    assert local(snoozed.due_at, "Asia/Kolkata") == expected


def test_nothing_arrives_while_paused_and_resume_brings_one_digest(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.command("add Acme, Engineer, tomorrow 10am, with Jane Doe and Bob Smith")
    assert "Paused until Thu 10 Dec" in text(bot.command("pause 2w"))
    assert "Paused until" in text(bot.command("settings"))

    for _ in range(4 * 24):
        bot.advance(timedelta(hours=1))
    assert bot.dms() == [], "nothing while paused"
    held = [n for n in bot.nudges() if n.due_at <= bot.clock.now() + timedelta(days=10)]

    assert "6 held reminders arrive" in text(bot.command("resume"))
    bot.advance(timedelta(hours=1))

    assert len(bot.dms()) == 1
    delivered = set(bot.dms()[0].metadata["event_payload"]["nudges"])
    assert len(delivered) >= 5
    assert {n.number for n in held} >= {int(m.split(".")[0]) for m in delivered}
    assert bot.coach.profile(Person("T1", "U1")).paused_until is None


def test_a_zone_slack_gives_that_does_not_exist_is_named_once_and_utc_is_used(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="Mars/Olympus_Mons", team_id="T1")

    reply = json.dumps(bot.command("add Acme, Engineer, tomorrow 2pm"))
    settings = json.dumps(bot.command("settings"))
    bot.clock.advance(timedelta(days=2))  # the zone is asked for again
    bot.command("add Globex, Analyst, tomorrow 3pm")
    assert len(bot.standin.calls_to("users.info")) == 2

    assert "(UTC)" in reply and "Mars" not in reply
    assert "(UTC, from your Slack profile)" in settings and "Mars" not in settings
    assert bot.standin.wait_for(lambda s: bool(s.messages("DU1")))
    notes = [m for m in bot.dms() if "Mars/Olympus_Mons" in json.dumps(m.blocks)]
    assert len(notes) == 1, "said once"
    assert "using UTC" in json.dumps(notes[0].blocks)
