"""Replies in words, through the real app over signed HTTP: slips of commands, items named in
words, and outcomes, which are only ever recorded from the confirmation's buttons.

The clock starts on Thursday 26 Nov 2026 at 09:00 in Los Angeles; the person had an Acme
interview (Jane Doe, Bob Smith) and a Globex one (Priya Patel) yesterday.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Bot, BotFactory

from bot.domain.interview import Outcome, Person
from bot.domain.nudge import NudgeState
from bot.local.standin import Message

ME = Person("T1", "U1")
LA = "America/Los_Angeles"
CORPORA = sorted(Path(__file__).resolve().parent.glob("replies_*.yml"))


@pytest.fixture
def me(bot: Bot) -> Bot:
    return coached(bot)


def coached(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    bot.command("add Acme, Staff Engineer, yesterday 2pm, with Jane Doe and Bob Smith")
    bot.command("add Globex, Data Analyst, yesterday 4pm, with Priya Patel")
    bot.advance(timedelta(hours=1))
    return bot


def number(bot: Bot, rule: str, who: str | None = None) -> int:
    (found,) = [n.number for n in bot.nudges() if n.rule == rule and n.interviewer == who]
    return found


def state(bot: Bot, numbered: int) -> NudgeState:
    return next(n.state for n in bot.nudges() if n.number == numbered)


def outcomes(bot: Bot) -> dict[str, Outcome]:
    with bot.store.transaction(ME) as book:
        return {p.company: p.outcome for p in book.processes()}


def buttons(message: Message | dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.blocks if isinstance(message, Message) else message.get("blocks", [])
    return [
        element
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def shown(message: Message | dict[str, Any]) -> str:
    blocks = message.blocks if isinstance(message, Message) else message.get("blocks", [])
    return json.dumps(blocks, ensure_ascii=False)


def press(bot: Bot, message: Message, label: str, *, user: str = "U1") -> dict[str, Any]:
    return bot.press(message, label, user=user)


def test_a_slip_of_done_marks_the_numbered_item(me: Bot) -> None:
    thanks = number(me, "thank-you", "Jane Doe")

    answer = me.dm(f"dnoe {thanks}")

    assert f"Marked `#{thanks}` Thank Jane Doe" in answer.text
    assert state(me, thanks) == NudgeState.DONE
    assert "I understand these replies" not in shown(answer)


def test_skip_and_snooze_slips_act_on_their_items(me: Bot) -> None:
    bob, priya = number(me, "linkedin", "Bob Smith"), number(me, "linkedin", "Priya Patel")

    assert "Skipped" in me.dm(f"skp {bob}").text
    assert "Snoozed" in me.dm(f"snoze {priya} 2d").text

    assert state(me, bob) == NudgeState.SKIPPED
    assert state(me, priya) == NudgeState.SCHEDULED


def test_sent_it_marks_the_one_item_left_open_in_the_latest_message(me: Bot) -> None:
    latest = [n for n in me.nudges() if n.state == NudgeState.SENT]
    assert len(latest) > 1
    *others, last = latest
    for nudge in others:
        me.dm(f"done {nudge.number}")

    answer = me.dm("sent it")

    assert f"Marked `#{last.number}`" in answer.text
    assert state(me, last.number) == NudgeState.DONE


def test_an_item_named_in_words_is_acted_on(me: Bot) -> None:
    bob = number(me, "linkedin", "Bob Smith")

    answer = me.dm("connected with bob on linkedin")

    assert f"Marked `#{bob}`" in answer.text
    assert state(me, bob) == NudgeState.DONE


def test_when_several_items_fit_the_coach_asks_which_with_buttons(me: Bot) -> None:
    thanks = sorted(n.number for n in me.nudges() if n.rule == "thank-you")

    question = me.dm("sent the thank you notes")

    labels = [b["text"]["text"] for b in buttons(question)]
    assert [label.split()[0] for label in labels[:-1]] == [f"#{n}" for n in thanks]
    assert all(state(me, n) == NudgeState.SENT for n in thanks), "nothing done before a click"
    answer = press(me, question, f"#{thanks[0]}")
    assert answer.get("replace_original") is True
    assert f"Marked `#{thanks[0]}`" in shown(answer)
    assert state(me, thanks[0]) == NudgeState.DONE
    assert state(me, thanks[1]) == NudgeState.SENT


def test_they_said_no_asks_which_company_and_changes_nothing_until_a_click(me: Bot) -> None:
    before = outcomes(me)

    question = me.dm("they said no")

    labels = [b["text"]["text"] for b in buttons(question)]
    assert labels[:2] == ["Yes: Acme said no", "Yes: Globex said no"]
    assert "I understand these replies" not in shown(question)
    assert outcomes(me) == before
    answer = press(me, question, "Yes: Globex said no")
    assert "I'm sorry about Globex" in shown(answer)
    assert outcomes(me) == {"Acme": Outcome.WAITING, "Globex": Outcome.REJECTED}
    assert not [
        n
        for n in me.nudges()
        if n.interviewer == "Priya Patel" and n.rule == "thank-you" and n.is_open
    ]


def test_a_named_rejection_with_a_slip_is_confirmed_before_it_is_recorded(me: Bot) -> None:
    question = me.dm("acme rejectd me")

    assert "Acme" in question.text
    assert [b["text"]["text"] for b in buttons(question)] == [
        "Yes: Acme said no",
        "No, keep it as it is",
    ]
    assert outcomes(me)["Acme"] == Outcome.WAITING
    kept = press(me, question, "No, keep it as it is")
    assert "Nothing changed" in shown(kept)
    assert outcomes(me)["Acme"] == Outcome.WAITING

    again = me.dm("acme rejectd me")
    press(me, again, "Yes: Acme said no")
    assert outcomes(me)["Acme"] == Outcome.REJECTED
    second = press(me, again, "Yes: Acme said no")
    assert "already marked rejected" in shown(second), "a second click records nothing twice"


def test_accepting_an_offer_records_it_and_ends_the_search(me: Bot) -> None:
    me.command("status globex offer")

    question = me.dm("accepted the globex offer")

    assert buttons(question)[0]["text"]["text"] == "Yes: I accepted Globex's offer"
    assert "will be marked *accepted*" in shown(question), "the reply says what will happen"
    assert "search is marked done" in shown(question)
    assert me.coach.profile(ME).searching is True
    answer = press(me, question, "Yes: I accepted")
    assert "Congratulations" in shown(answer)
    assert outcomes(me)["Globex"] == Outcome.ACCEPTED
    assert me.coach.profile(ME).searching is False


def test_declining_an_offer_closes_the_process_and_the_search_goes_on(me: Bot) -> None:
    me.command("status globex offer")
    me.command("status done searching")

    question = me.dm("I turned down the offer from globex")

    assert "marked *declined*" in shown(question)
    press(me, question, "Yes: I declined Globex's offer")
    assert outcomes(me)["Globex"] == Outcome.DECLINED
    assert me.coach.profile(ME).searching is True


def test_a_confirmation_pressed_by_someone_else_is_refused(me: Bot) -> None:
    question = me.dm("acme rejected me")

    answer = press(me, question, "Yes: Acme said no", user="U2")

    assert "isn't one of yours" in shown(answer)
    assert outcomes(me)["Acme"] == Outcome.WAITING


def test_words_it_cannot_place_get_a_short_answer_with_the_likeliest_actions(me: Bot) -> None:
    answer = me.dm("what's the weather like")

    assert "I understand these replies" not in shown(answer)
    offered = buttons(answer)
    assert 2 <= len(offered) <= 3
    assert any(b["text"]["text"] == "Show my list" for b in offered)
    listing = press(me, answer, "Show my list")
    assert "*Open items*" in shown(listing)


def test_a_followed_up_with_the_company_named_is_logged(me: Bot) -> None:
    me.advance(timedelta(days=8))

    answer = me.dm("followed up with acme")

    assert "Logged your follow-up with Acme" in answer.text


def test_no_reply_of_any_corpus_records_an_outcome_without_a_click(bot_factory: BotFactory) -> None:
    """Labelled replies sent as DMs: outcomes change only from buttons, and every reply read
    as an outcome is answered with a confirmation naming a company. Every reply labelled an
    outcome, and every fifth of the others, go over HTTP (the whole corpora take half a
    minute); the reading of all of them is checked without HTTP in test_replies_corpus.py."""
    me = coached(bot_factory(flood_limit=0))
    me.command("status globex offer")
    me.clock.advance(timedelta(minutes=11))  # out of undo's reach
    before = outcomes(me)
    confirmations = 0
    entries = [e for c in CORPORA for e in yaml.safe_load(c.read_text(encoding="utf-8"))]
    others = [e for e in entries if e["expect"]["intent"] != "outcome"]
    sent = [e for e in entries if e["expect"]["intent"] == "outcome"] + others[::5]
    for entry in sent:
        answer = me.dm(entry["text"])
        assert outcomes(me) == before, entry["text"]
        for button in buttons(answer):
            if button["action_id"].startswith("reply_outcome"):
                label = button["text"]["text"]
                assert "Acme" in label or "Globex" in label, (entry["text"], label)
                confirmations += 1
    assert confirmations >= 60, "the outcomes of the corpora were answered with confirmations"


def open_states(bot: Bot) -> dict[int, NudgeState]:
    return {n.number: n.state for n in bot.nudges()}


def test_a_question_about_using_the_coach_gets_the_help_and_changes_nothing(me: Bot) -> None:
    before = open_states(me)

    for question in ("how do i snooze something", "what does skip do"):
        answer = me.dm(question)

        assert "I understand these replies" in shown(answer), question
        assert "Snoozed" not in answer.text and "Skipped" not in answer.text
    assert open_states(me) == before


def test_an_advice_question_naming_an_item_is_not_taken_as_doing_it(me: Bot) -> None:
    before = open_states(me)

    answer = me.dm("is it weird to connect with priya on linkedin before she replies")

    assert "Marked" not in answer.text
    assert open_states(me) == before
    assert any(b["text"]["text"] == "Show my list" for b in buttons(answer))


def test_an_interviewers_name_stands_for_their_employer(me: Bot) -> None:
    question = me.dm("priya says they went with someone else")

    assert [b["text"]["text"] for b in buttons(question)] == [
        "Yes: Globex said no",
        "No, keep it as it is",
    ]
    assert outcomes(me)["Globex"] == Outcome.WAITING


def test_an_offer_accepted_without_naming_the_employer_is_the_only_pending_offer(
    me: Bot,
) -> None:
    me.command("status globex offer")

    question = me.dm("signed the offer letter")

    assert [b["text"]["text"] for b in buttons(question)] == [
        "Yes: I accepted Globex's offer",
        "No, keep it as it is",
    ], "the one pending offer is named, not asked about"
    assert outcomes(me)["Globex"] == Outcome.OFFER


def test_telling_of_contact_with_an_employer_logs_a_follow_up(me: Bot) -> None:
    me.advance(timedelta(days=8))

    answer = me.dm("emailed globex to check in on timing")

    assert "Logged your follow-up with Globex" in answer.text


def test_stop_reminding_me_about_an_item_skips_it(me: Bot) -> None:
    bob = number(me, "linkedin", "Bob Smith")

    answer = me.dm("stop reminding me about bob's linkedin")

    assert "Skipped" in answer.text
    assert state(me, bob) == NudgeState.SKIPPED


def test_a_day_of_the_month_is_the_next_such_day(me: Bot) -> None:
    answer = me.dm("globex will let me know by the 10th")

    assert "10 Dec" in shown(answer), "Thursday 26 Nov: the 10th is 10 Dec, not next October"
