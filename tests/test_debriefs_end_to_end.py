"""The debrief over signed HTTP: "How did it go?" right after the interview, in a form or in
words, and what each answer feeds (the thank-you's specific sentence, the follow-up's timing,
a thank-you for anyone else met)."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest
from conftest import Bot

from bot.domain.interview import Person
from bot.domain.timing import zone
from bot.slack.blocks import DEBRIEF_ACTION, DEBRIEF_FORM, DRAFT_ACTION

LA = "America/Los_Angeles"
ME = Person("T1", "U1")


@pytest.fixture
def la(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def the_interview(bot: Bot):
    with bot.store.transaction(ME) as book:
        (interview,) = book.interviews()
        return interview


def draft_of(bot: Bot, number: int) -> str:
    key = f"draft-{secrets.token_hex(4)}"
    status, _ = bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id="DU1",
        message_ts="1.0",
        action_id=DRAFT_ACTION,
        value=f"U1:{number}",
        response_url=bot.standin.response_url(key),
    )
    assert status == 200
    assert bot.standin.wait_for(lambda s: bool(s.responses(key)))
    return json.dumps(bot.standin.responses(key)[-1])


def follow_up_day(bot: Bot) -> str:
    (follow_up,) = [n for n in bot.nudges() if n.rule == "follow-up" and n.is_open]
    return follow_up.due_at.astimezone(zone(LA)).strftime("%a %d %b")


def test_the_thank_you_message_asks_how_it_went_once_and_the_form_feeds_everything(
    la: Bot,
) -> None:
    la.command("add Acme, Staff Engineer, today 7am, with Jane Doe and Bob Smith")
    la.advance(timedelta(hours=2))
    (message,) = [m for m in la.dms() if m.metadata]
    asks = [b for b in message.blocks if b.get("accessory", {}).get("action_id") == DEBRIEF_ACTION]
    assert len(asks) == 1, "one question for the interview, not one per thank-you"
    assert "How did it go?" in asks[0]["text"]["text"]
    before = follow_up_day(la)

    la.click(message, DEBRIEF_ACTION, asks[0]["accessory"]["value"])
    assert la.standin.wait_for(lambda s: any(v["method"] == "views.open" for v in s.views()))
    form = [v for v in la.standin.views() if v["method"] == "views.open"][-1]["view"]
    assert form["callback_id"] == DEBRIEF_FORM
    assert {b["block_id"] for b in form["blocks"] if b["type"] == "input"} == {
        "topics",
        "next_step",
        "decision_on",
        "others_met",
    }

    status, _ = la.endpoint.view_submission(
        user_id="U1",
        team_id="T1",
        callback_id=DEBRIEF_FORM,
        private_metadata=form["private_metadata"],
        state_values={
            "topics": {"value": {"type": "plain_text_input", "value": "the billing rewrite"}},
            "next_step": {"value": {"type": "plain_text_input", "value": "a system design round"}},
            "decision_on": {"value": {"type": "datepicker", "selected_date": "2026-12-11"}},
            "others_met": {"value": {"type": "plain_text_input", "value": "Sam Lee\nJane Doe"}},
        },
    )
    assert status == 200

    assert la.standin.wait_for(
        lambda s: any("noted for your Acme interview" in (m.text or "") for m in s.messages("DU1"))
    )
    interview = the_interview(la)
    assert interview.debrief is not None
    assert interview.debrief.topics == "the billing rewrite"
    assert [i.name for i in interview.interviewers] == ["Jane Doe", "Bob Smith", "Sam Lee"]
    thanks = {n.interviewer: n for n in la.nudges() if n.rule == "thank-you"}
    assert set(thanks) == {"Jane Doe", "Bob Smith", "Sam Lee"}, "anyone else met is thanked"
    assert "the billing rewrite" in draft_of(la, thanks["Jane Doe"].number)
    assert "[one thing you discussed]" not in draft_of(la, thanks["Sam Lee"].number)
    assert before == "Thu 03 Dec"
    assert follow_up_day(la) == "Mon 14 Dec", "the follow-up waits for the date they gave"


def test_a_debrief_in_words_names_the_interview_and_adds_to_the_first(la: Bot) -> None:
    la.command("add Acme, Staff Engineer, today 7am, with Jane Doe")
    la.advance(timedelta(hours=2))

    reply = la.dm("debrief acme: we talked about the data platform migration; next: a case study")

    assert "noted for your Acme interview" in reply.text
    assert "the data platform migration" in json.dumps(reply.blocks)
    again = la.dm("debrief: decide by dec 9; also met Priya Raman")
    text = json.dumps(again.blocks)
    assert "Wed 9 Dec" in text and "Priya Raman" in text
    debrief = the_interview(la).debrief
    assert debrief is not None
    assert debrief.topics == "the data platform migration", "the first answers stay"
    assert debrief.next_step == "a case study"
    assert [n.interviewer for n in la.nudges() if n.rule == "thank-you"] == [
        "Jane Doe",
        "Priya Raman",
    ]
    assert follow_up_day(la) == "Thu 10 Dec"


def test_a_debrief_before_the_interview_or_unread_changes_nothing(la: Bot) -> None:
    la.command("add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe")

    early = la.dm("debrief acme: talked about the roadmap")
    assert "once it has happened" in early.text
    assert the_interview(la).debrief is None

    la.advance(timedelta(days=1, hours=4))
    unread = la.dm("debrief: decide by blorpday")
    assert "I couldn't read `decide by blorpday`, so nothing was noted" in unread.text
    assert the_interview(la).debrief is None
