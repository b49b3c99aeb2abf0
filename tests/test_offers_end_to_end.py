"""An offer starts the offer plan, over signed HTTP to the real app: no follow-ups and no
"apply elsewhere" while it is open, the answer by button or in words, and what each answer
brings (acceptance ends the search and thanks the references; a decline goes back to it)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import Bot

from bot.domain.interview import Outcome, Person
from bot.domain.nudge import NudgeState
from bot.domain.timing import zone
from bot.slack.blocks import ACCEPTED_ACTION, DECLINED_ACTION

LA = "America/Los_Angeles"
ME = Person("T1", "U1")
APPLY_ELSEWHERE = ("apply", "job boards", "nothing is in progress", "no application in progress")


@pytest.fixture
def la(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def process(bot: Bot, company: str):
    with bot.store.transaction(ME) as book:
        return next(p for p in book.processes() if p.company == company)


def nudge_messages(bot: Bot) -> list:
    return [m for m in bot.dms() if m.metadata]


def all_text(message) -> str:
    return json.dumps(message.blocks).lower()


def searching(bot: Bot) -> bool:
    with bot.store.transaction(ME) as book:
        return book.profile.searching


def message_with(bot: Bot, rule: str):
    """The latest DM holding the nudge of `rule`."""
    (nudge,) = [n for n in bot.nudges() if n.rule == rule and n.message_ts]
    return next(m for m in bot.dms() if m.ts == nudge.message_ts), nudge


def three_processes(la: Bot) -> None:
    """Umbrella made an offer while Globex and Initech are still in process."""
    la.command("add Umbrella, Staff Engineer, today 7am, with Ada Wong")
    la.command("add Globex, Engineer, today 8am, with Hank Scorpio")
    la.command("add Initech, QA, yesterday 10am, with Bill Lumbergh")
    la.dm("umbrella asked for my references")
    la.advance(timedelta(hours=3))


def test_an_offer_starts_the_offer_plan_instead_of_follow_ups_and_keep_applying(la: Bot) -> None:
    three_processes(la)
    before = len(nudge_messages(la))

    reply = la.command("status umbrella offer")

    text = json.dumps(reply)
    assert "Congratulations on the offer from Umbrella" in text
    assert "No more follow-ups or keep-applying tips while you decide" in text
    rules = {n.rule for n in la.nudges() if n.is_open}
    assert {"offer-in-writing", "offer-ask-for-time", "offer-decide"} <= rules
    tell = [n for n in la.nudges() if n.rule == "offer-tell" and n.is_open]
    assert sorted(n.title for n in tell) == [
        "Tell Globex you have another offer",
        "Tell Initech you have another offer",
    ]
    assert not [n for n in la.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert not [n for n in la.nudges() if n.rule == "update-references"], (
        "references are thanked after acceptance, not the morning after the offer"
    )

    la.advance(timedelta(days=14))
    sent = nudge_messages(la)[before:]
    assert sent, "the offer plan's messages came"
    for message in sent:
        words = all_text(message)
        assert not any(phrase in words for phrase in APPLY_ELSEWHERE), words
    offer_process = process(la, "Umbrella")
    assert offer_process.outcome == Outcome.OFFER
    assert not [
        n
        for n in la.nudges()
        if n.rule == "follow-up" and n.interview_id == offer_process.id and n.is_open
    ]
    reminder_message, _ = message_with(la, "offer-decide")
    labels = [
        e["text"]["text"]
        for b in reminder_message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]
    assert "Accepted" in labels and "Declined" in labels


def test_accepting_by_button_ends_the_search_and_brings_withdrawals_and_thanks(la: Bot) -> None:
    three_processes(la)
    la.command("status umbrella offer")
    la.advance(timedelta(minutes=5))
    message, congratulations = message_with(la, "offer-in-writing")

    answer = la.press(message, "Accepted")

    assert "Congratulations on your new role at Umbrella" in json.dumps(answer)
    assert process(la, "Umbrella").outcome == Outcome.ACCEPTED
    assert not searching(la)
    by_number = {n.number: n for n in la.nudges()}
    assert by_number[congratulations.number].state == NudgeState.DONE
    withdraw = sorted(
        (n for n in la.nudges() if n.rule == "offer-withdraw" and n.is_open),
        key=lambda n: n.title,
    )
    assert [n.title for n in withdraw] == [
        "Withdraw from Globex, courteously",
        "Withdraw from Initech, courteously",
    ]
    assert not [n for n in la.nudges() if n.rule == "offer-tell" and n.is_open], (
        "no need to tell them of an offer already accepted"
    )
    assert [n.rule for n in la.nudges() if n.rule == "accept-offer" and n.is_open]
    (thanks,) = [n for n in la.nudges() if n.rule == "update-references"]
    assert thanks.due_at > la.clock.now()

    # Done on a withdrawal records it, without a second "let them know" item.
    la.dm(f"done {withdraw[0].number}")
    assert process(la, "Globex").outcome == Outcome.WITHDRAWN
    assert not [n for n in la.nudges() if n.rule == "courteous-withdrawal"]
    la.advance(timedelta(days=21))
    assert not [n for n in la.nudges() if n.rule == "keep-hunting" and n.is_open]


def test_a_second_press_and_a_foreign_press_record_nothing(la: Bot) -> None:
    la.command("add Umbrella, Staff Engineer, today 7am, with Ada Wong")
    la.command("status umbrella offer")
    la.advance(timedelta(minutes=5))
    message, nudge = message_with(la, "offer-in-writing")

    status, _ = la.click(message, ACCEPTED_ACTION, f"U2:{nudge.number}", user="U2")
    assert status == 200
    assert process(la, "Umbrella").outcome == Outcome.OFFER
    la.press(message, "Declined")
    assert process(la, "Umbrella").outcome == Outcome.DECLINED
    status, _ = la.click(message, ACCEPTED_ACTION, f"U1:{nudge.number}")
    assert status == 200
    assert process(la, "Umbrella").outcome == Outcome.DECLINED
    assert DECLINED_ACTION != ACCEPTED_ACTION


def test_declining_in_words_goes_back_to_the_search(la: Bot) -> None:
    la.command("add Umbrella, Staff Engineer, today 7am, with Ada Wong")
    la.command("add Globex, Engineer, today 8am, with Hank Scorpio")
    la.command("status done searching")
    la.command("status umbrella offer")

    answer = la.confirm("I turned down the umbrella offer", "Umbrella")

    assert "turned down the Umbrella offer" in json.dumps(answer)
    assert process(la, "Umbrella").outcome == Outcome.DECLINED
    assert searching(la)
    assert [n for n in la.nudges() if n.rule == "decline-offer" and n.is_open]
    hunting = [n for n in la.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert hunting and hunting[0].key.startswith("keep-hunting/declined/"), "back to the search"
    assert "Globex" in hunting[0].text
    assert not [n for n in la.nudges() if n.rule == "update-references"]


def test_accepting_in_words_and_the_date_the_answer_is_due(la: Bot) -> None:
    la.command("add Umbrella, Staff Engineer, today 7am, with Ada Wong")
    la.command("status umbrella offer")

    reply = la.dm("umbrella needs an answer by dec 4")

    assert "needs your answer on the offer by Fri 4 Dec" in reply.text or "Fri 4 Dec" in json.dumps(
        reply.blocks
    )
    reminders = [n for n in la.nudges() if n.rule == "offer-decide" and n.is_open]
    assert len(reminders) == 1
    assert reminders[0].due_at.astimezone(zone(LA)).strftime("%a %d %b %H:%M") == "Thu 03 Dec 10:00"
    listing = json.dumps(la.command("list"))
    assert "offer: waiting for your answer (due Fri 4 Dec)" in listing

    answer = la.confirm("signed the offer letter", "Umbrella")

    assert "Congratulations on your new role at Umbrella" in json.dumps(answer)
    assert process(la, "Umbrella").outcome == Outcome.ACCEPTED
    assert not searching(la)
    assert not [n for n in la.nudges() if n.rule == "offer-decide" and n.is_open]


def test_undoing_an_acceptance_puts_the_offer_and_the_search_back(la: Bot) -> None:
    la.command("add Umbrella, Staff Engineer, today 7am, with Ada Wong")
    la.command("add Globex, Engineer, today 8am, with Hank Scorpio")
    la.command("status umbrella offer")
    la.command("status umbrella accepted")
    assert not searching(la)

    la.command("undo")

    assert process(la, "Umbrella").outcome == Outcome.OFFER
    assert searching(la)
    assert not [n for n in la.nudges() if n.rule == "offer-withdraw" and n.is_open]
    assert [n for n in la.nudges() if n.rule == "offer-tell" and n.is_open]


def test_the_offer_plans_items_draft_the_note_each_asks_for(la: Bot) -> None:
    la.command("profile name Sam Lee")
    three_processes(la)
    drafts = la.runtime.services.drafts
    heads_up = next(n for n in la.nudges() if n.rule == "references")
    assert "they may get in touch with you soon" in la.coach.draft(ME, heads_up.number, drafts)
    la.command("status umbrella offer")
    la.advance(timedelta(minutes=5))
    expected = {
        "offer-ask-for-time": "come back to you with my answer by",
        "offer-tell": "I have received an offer from another company",
    }
    for rule, words in expected.items():
        nudge = next(n for n in la.nudges() if n.rule == rule and n.message_ts)
        message = next(m for m in la.dms() if m.ts == nudge.message_ts)
        blocks = [b for b in message.blocks if b.get("block_id") == f"nudge-{nudge.number}"]
        draft_button = [
            e for e in blocks[0]["elements"] if e.get("text", {}).get("text") == "Draft it"
        ]
        assert draft_button, rule
        key = f"draft-{nudge.number}"
        la.endpoint.action(
            user_id="U1",
            team_id="T1",
            channel_id=message.channel,
            message_ts=message.ts,
            action_id=draft_button[0]["action_id"],
            value=draft_button[0]["value"],
            response_url=la.standin.response_url(key),
        )
        assert la.standin.wait_for(lambda s, key=key: bool(s.responses(key)))
        shown = json.dumps(la.standin.responses(key)[-1])
        assert words in shown, (rule, shown)
        assert "Sam Lee" in shown

    la.command("status umbrella accepted")
    accepting = next(n for n in la.nudges() if n.rule == "accept-offer")
    assert "delighted to accept" in la.coach.draft(ME, accepting.number, drafts)
    withdrawal = next(n for n in la.nudges() if n.rule == "offer-withdraw")
    assert "accepted an offer elsewhere" in la.coach.draft(ME, withdrawal.number, drafts)
    thanks = next(n for n in la.nudges() if n.rule == "update-references")
    assert "I have accepted the Staff Engineer role" in la.coach.draft(ME, thanks.number, drafts)
