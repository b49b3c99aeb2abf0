"""Block Kit builders: the shapes Slack expects, its limits, and escaping of typed text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.domain.interview import Interview, Interviewer, Person, Process
from bot.domain.nudge import Nudge, NudgeState
from bot.domain.overview import Overview, Standing
from bot.slack.blocks import (
    DIGEST_SIZE,
    DONE_ACTION,
    MESSAGE_BLOCK_LIMIT,
    NUDGE_EVENT,
    SECTION_LIMIT,
    build_add_problem,
    build_nudge_message,
    build_overview,
    build_plan_reply,
    read_button_value,
    read_snooze_choice,
)

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ME = Person("T1", "U1")
HOSTILE = "<!channel> <!here> <@U999> <http://evil.example|click me> &lt;b&gt;"


def nudge(number: int, state: NudgeState = NudgeState.SENT, **changes) -> Nudge:
    base = dict(
        number=number,
        interview_id=1,
        rule="thank-you",
        title=f"Thank person {number}",
        text="Write a note.",
        tip="Keep it short.",
        due_at=NOW,
        state=state,
    )
    return Nudge(**{**base, **changes})


def section_texts(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def test_a_sent_nudge_has_done_snooze_skip_buttons_that_name_its_owner() -> None:
    message = build_nudge_message(ME, [nudge(4)], "UTC")
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    buttons = [e for e in actions["elements"] if e["type"] == "button"]
    assert [e["text"]["text"] for e in buttons] == ["Done", "Snooze", "Skip", "Draft it"]
    assert {e["value"] for e in buttons} == {"U1:4"}
    (menu,) = [e for e in actions["elements"] if e["type"] == "overflow"]
    assert [o["value"] for o in menu["options"]] == [
        "U1:4:later",
        "U1:4:tomorrow",
        "U1:4:next-week",
    ]
    assert read_snooze_choice("U1:4:next-week") == ("U1", 4, "next-week")
    assert read_snooze_choice("U1:4:never") is None
    assert read_button_value("U1:4") == ("U1", 4)
    assert read_button_value("U1:x") is None and read_button_value("garbage") is None
    assert message["metadata"] == {"event_type": NUDGE_EVENT, "event_payload": {"nudges": ["4.0"]}}
    assert message["text"] == "Thank person 4"


def test_closed_items_show_their_state_instead_of_buttons() -> None:
    message = build_nudge_message(
        ME,
        [nudge(1, NudgeState.DONE), nudge(2, NudgeState.SKIPPED), nudge(3, NudgeState.SCHEDULED)],
        "Europe/Berlin",
    )
    dumped = json.dumps(message)
    assert DONE_ACTION not in dumped
    assert "Done. Nice work." in dumped and "Skipped." in dumped
    assert "Snoozed until Thu 26 Nov, 18:00" in dumped


def test_a_digest_stays_within_slacks_message_limits() -> None:
    long_text = "word " * 2000
    nudges = [nudge(n, text=long_text) for n in range(1, DIGEST_SIZE + 1)]
    message = build_nudge_message(ME, nudges, "UTC")
    assert len(message["blocks"]) <= MESSAGE_BLOCK_LIMIT
    assert all(len(t) <= SECTION_LIMIT for t in section_texts(message))
    assert section_texts(message)[0] == f"*{DIGEST_SIZE} things for today*"


def test_the_plan_reply_escapes_what_the_person_typed() -> None:
    interview = Interview(
        id=1,
        company=HOSTILE,
        role=HOSTILE,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        tz="UTC",
        interviewers=(Interviewer(HOSTILE),),
    )
    reply = json.dumps(build_plan_reply(interview, [nudge(1, NudgeState.SCHEDULED)]))
    for dangerous in ("<!channel>", "<!here>", "<@U999>", "<http://evil"):
        assert dangerous not in reply
    assert "&lt;!channel&gt;" in reply
    assert "&amp;lt;b&amp;gt;" in reply


def test_the_add_problem_escapes_the_echoed_text_and_shows_an_example() -> None:
    message = build_add_problem(f"I couldn't tell when: '{HOSTILE}'")
    text = section_texts(message)[0]
    assert "<!channel>" not in text
    assert "/interview add Acme, Staff Engineer, tomorrow 2pm" in text


def test_the_overview_of_a_heavy_user_is_summarised_within_limits() -> None:
    interviews = [
        Interview(i, "C" * 100, "R" * 100, NOW, NOW + timedelta(hours=1), "UTC", process_id=i)
        for i in range(1, 201)
    ]
    nudges = [nudge(n, title="T" * 200) for n in range(1, 500)]
    standings = [
        Standing(Process(i.id, i.company, i.role), i, nudges[0], nudges[:3]) for i in interviews
    ]
    message = build_overview(Overview(interviews, nudges, "UTC", standings))
    sections = section_texts(message)
    assert len(message["blocks"]) <= MESSAGE_BLOCK_LIMIT
    assert all(len(t) <= SECTION_LIMIT for t in sections)
    assert [t.split("\n")[0] for t in sections] == [
        "*Upcoming interviews*",
        "*Your processes*",
        "*Open items*",
    ]
    assert all("more" in t.split("\n")[-1] for t in sections)
