"""What the coach says and when, end to end over HTTP: thank-yous within a day, public
holidays, references when they matter, one message a day, examples in the person's words.

The clock starts on Thursday 26 Nov 2026 at 09:00 in Los Angeles: US Thanksgiving.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import Bot

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.domain.timing import zone
from bot.local.standin import Message

LA = "America/Los_Angeles"
ME = Person("T1", "U1")
PROOFREAD = "Before you hit send"


@pytest.fixture
def la(bot: Bot) -> Bot:
    """A person in Los Angeles with the holidays of their country (the default)."""
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    return bot


def said(reply: dict) -> str:
    """What the person reads in a reply."""
    return "\n".join(b["text"]["text"] for b in reply.get("blocks", []) if "text" in b)


def local(bot: Bot) -> str:
    return bot.clock.now().astimezone(zone(LA)).strftime("%a %d %b %H:%M")


def body(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def rules_in(bot: Bot, message: Message) -> list[str]:
    marks = {int(mark.split(".")[0]) for mark in message.metadata["event_payload"]["nudges"]}
    return sorted(n.rule for n in bot.nudges() if n.number in marks)


def arrivals(bot: Bot, until: timedelta, step: timedelta) -> dict[str, list[str]]:
    """Walk the clock; for each new DM, the local moment and the rules it carried."""
    seen = len(bot.dms())
    found: dict[str, list[str]] = {}
    walked = timedelta()
    while walked < until:
        bot.advance(step)
        walked += step
        for message in bot.dms()[seen:]:
            if message.metadata:
                found[local(bot)] = rules_in(bot, message)
        seen = len(bot.dms())
    return found


def test_a_late_friday_interview_is_thanked_that_evening_not_on_monday(la: Bot) -> None:
    la.command("add Acme, Engineer, tomorrow 4:30pm, with Jane Doe and Bob Smith")

    came = arrivals(la, timedelta(days=2), timedelta(minutes=30))

    assert came["Fri 27 Nov 18:30"] == ["thank-you", "thank-you"], came
    thanks = next(m for m in la.dms() if m.metadata and "thank-you" in rules_in(la, m))
    assert body(thanks).count(PROOFREAD) == 1, "the proofread advice inside, once"
    assert "Monday" not in body(thanks)
    assert not [t for t in came if t.startswith(("Sat", "Sun"))], "nothing else at the weekend"


def test_a_night_interview_is_thanked_the_next_morning_never_in_quiet_hours(la: Bot) -> None:
    la.command("add Acme, Engineer, tomorrow 8pm, with Jane Doe")

    came = arrivals(la, timedelta(days=2), timedelta(minutes=30))

    assert came == {"Sat 28 Nov 08:00": ["thank-you"]}, "not at 22:00, and not on Monday"


def test_on_a_public_holiday_only_a_thank_you_that_cannot_wait_arrives(la: Bot) -> None:
    la.command("add Acme, Engineer, yesterday 2pm, with Jane Doe")

    came = arrivals(la, timedelta(days=1, hours=2), timedelta(minutes=30))

    assert came == {
        "Thu 26 Nov 09:30": ["thank-you"],
        "Fri 27 Nov 09:00": ["be-patient", "linkedin"],
    }, "Thanksgiving holds LinkedIn for Friday; the thank-you is due within a day"


def test_the_holidays_follow_the_country_the_person_names(la: Bot) -> None:
    settings = said(la.command("settings"))
    assert "days off: United States (US)" in settings, "the country comes from the time zone"

    assert "days off: United Kingdom (GB)" in said(la.command("settings country the UK"))
    la.command("add Acme, Engineer, yesterday 2pm, with Jane Doe")
    linkedin = next(n for n in la.nudges() if n.rule == "linkedin")
    assert linkedin.due_at.astimezone(zone(LA)).strftime("%a %H:%M") == "Thu 10:00", (
        "Thanksgiving is a working day in Britain"
    )

    la.clock.advance(timedelta(days=31))  # Sat 26 Dec 2026: Boxing Day is on Monday 28th
    la.command("add Globex, Analyst, yesterday 2pm, with Ann Lee")
    globex = next(n for n in la.nudges() if n.rule == "linkedin" and n.interviewer == "Ann Lee")
    assert globex.due_at.astimezone(zone(LA)).strftime("%a %d %b") == "Tue 29 Dec"


def test_an_unknown_country_is_explained_and_changes_nothing(la: Bot) -> None:
    before = said(la.command("settings"))
    reply = said(la.command("settings country Narnia <!channel>"))
    assert "holidays of 'Narnia &lt;!channel&gt;'" in reply and "two-letter code" in reply
    assert said(la.command("settings")) == before
    assert "days off: Germany (DE)" in said(la.command("settings country germany"))
    assert "No public holidays" in said(la.command("settings country none"))
    assert "days off: United States (US)" in said(la.command("settings country auto"))


def test_references_wait_for_a_late_stage_round(la: Bot) -> None:
    la.without_holidays()
    la.command("add Globex, Analyst, today 7am, with Ann Lee")
    assert not [n for n in la.nudges() if n.rule == "references"], "a first round is too early"

    la.command("add Globex, Analyst, tomorrow 10am, with Sam Roe")

    (heads_up,) = [n for n in la.nudges() if n.rule == "references"]
    assert heads_up.due_at.astimezone(zone(LA)).strftime("%a %H:%M") == "Fri 13:00"
    assert "Globex may call your references now" in heads_up.text


def test_references_asked_for_bring_a_heads_up_and_thanks_after_the_outcome(la: Bot) -> None:
    la.without_holidays()
    la.command("add Acme, Engineer, today 7am, with Jane Doe")
    la.command("add Initech, QA, today 8am, with Jo Lee")

    answer = la.dm("acme asked for my references").text

    assert "references" in answer.lower()
    (heads_up,) = [n for n in la.nudges() if n.rule == "references"]
    assert heads_up.due_at - la.clock.now() == timedelta(hours=2)
    la.advance(timedelta(hours=3))
    assert heads_up.number in {n.number for n in la.nudges() if n.state == NudgeState.SENT}, (
        "the heads-up went out"
    )

    la.command("status acme offer")
    assert not [n for n in la.nudges() if n.rule == "update-references"], (
        "an offer is not the end: references are thanked once it is accepted"
    )
    la.command("status acme accepted")
    la.command("status initech rejected")
    updates = [n for n in la.nudges() if n.rule == "update-references"]
    assert [n.interview_id for n in updates] == [1], "only where references were involved"
    (update,) = updates
    assert update.due_at.astimezone(zone(LA)).strftime("%a %H:%M") == "Fri 10:00"
    assert "thank" in update.text.lower()


def test_after_a_rejection_one_polite_feedback_request_is_allowed(la: Bot) -> None:
    la.without_holidays()
    la.command("add Acme, Engineer, today 7am, with Jane Doe")
    la.command("status acme rejected")
    (reply,) = [n for n in la.nudges() if n.rule == "gracious-reply"]
    assert "feedback" in reply.text and "one feedback request at most" in reply.tip
    assert not [n for n in la.nudges() if n.contacts_employer and n.is_open and n != reply]


def test_what_falls_on_the_same_day_comes_as_one_message_across_companies(la: Bot) -> None:
    la.without_holidays()
    la.command("add Acme, Engineer, yesterday 2pm, with Jane Doe")
    la.command("add Globex, Analyst, Nov 30 9am, with Ann Lee")
    seen = len(la.dms())
    by_day: dict[str, list[Message]] = {}

    for _ in range(8 * 24):
        la.advance(timedelta(hours=1))
        for message in la.dms()[seen:]:
            if message.metadata:
                by_day.setdefault(local(la)[:10], []).append(message)
        seen = len(la.dms())

    advice = {
        day: [m for m in messages if "thank-you" not in rules_in(la, m)]
        for day, messages in by_day.items()
    }
    assert all(len(messages) <= 1 for messages in advice.values()), by_day
    (wednesday,) = by_day["Wed 02 Dec"]
    assert rules_in(la, wednesday) == ["be-patient", "follow-up"]
    assert "Acme" in body(wednesday) and "Globex" in body(wednesday), "per day, not per company"


def test_help_speaks_of_the_persons_own_company_and_interview(la: Bot) -> None:
    la.command("add Hooli, Designer, tomorrow 2pm, with Gavin Belson")
    la.command("add Pied Piper, Engineer, tomorrow 4pm")

    help_text = said(la.command("help"))

    assert "/interview status pied piper rejected" in help_text
    assert "/interview edit 2 when tomorrow 3pm" in help_text
    assert "acme" not in help_text.lower().replace("/interview add acme", "")


def test_patience_never_comes_with_or_the_day_before_a_follow_up(la: Bot) -> None:
    la.without_holidays()
    la.command("add Acme, Engineer, today 7am, with Jane Doe")
    patience = next(n for n in la.nudges() if n.rule == "be-patient")
    assert patience.due_at.astimezone(zone(LA)).strftime("%a %H:%M") == "Mon 09:00"

    la.command("expect acme nov 27")  # they decide Friday: the follow-up comes Monday

    follow_up = next(n for n in la.nudges() if n.rule == "follow-up" and n.is_open)
    assert follow_up.due_at.astimezone(zone(LA)).strftime("%a") == "Mon"
    assert next(n for n in la.nudges() if n.number == patience.number).state == (
        NudgeState.CANCELLED
    ), "'too early to chase' and 'time to follow up' never arrive together"
    la.advance(timedelta(days=5))
    sent = [n.rule for n in la.nudges() if n.state == NudgeState.SENT]
    assert "be-patient" not in sent and "follow-up" in sent


def test_two_quiet_weeks_bring_keep_applying_advice_to_someone_who_did_nothing(la: Bot) -> None:
    la.command("add Acme, Engineer, tomorrow 10am, with Jane Doe")

    came = arrivals(la, timedelta(days=17), timedelta(hours=1))

    advice = [moment for moment, rules in came.items() if "keep-hunting" in rules]
    assert advice == ["Fri 11 Dec 11:00"], came
    days = [moment[:10] for moment in came]
    assert len(days) == len(set(days)), f"one message a day: {came}"
