"""The follow-up lifecycle, end to end over HTTP with an injected clock.

The clock starts on Thursday 26 Nov 2026 at 09:00 in Los Angeles; interviews are added for
10:00 that day unless a test says otherwise.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from conftest import Bot

from bot.domain.interview import Outcome, Person
from bot.domain.nudge import NudgeState
from bot.domain.timing import zone
from bot.slack.blocks import DONE_ACTION, KEEP_ACTION, OUTCOME_ACTION, REMOVE_ACTION

LA = "America/Los_Angeles"
ME = Person("T1", "U1")


@pytest.fixture
def coach_bot(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def text(reply: dict) -> str:
    return "\n".join(
        b["text"]["text"] for b in reply.get("blocks", []) if b.get("type") == "section"
    )


def local(moment) -> str:
    return moment.astimezone(zone(LA)).strftime("%a %d %b %H:%M")


def follow_ups(bot: Bot, *states: NudgeState) -> list:
    wanted = states or tuple(NudgeState)
    return [n for n in bot.nudges() if n.rule == "follow-up" and n.state in wanted]


def process(bot: Bot, number: int = 1):
    with bot.store.transaction(ME) as book:
        return book.process(number)


def run_days(bot: Bot, days: int, step: timedelta = timedelta(hours=1)) -> None:
    for _ in range(int(timedelta(days=days) / step)):
        bot.advance(step)


def press_done(bot: Bot, number: int) -> None:
    """Click Done (for a follow-up: "I followed up") on the message that holds `number`."""
    for message in bot.dms():
        for block in message.blocks:
            if block.get("block_id") == f"nudge-{number}":
                value = next(e["value"] for e in block["elements"] if e["action_id"] == DONE_ACTION)
                status, _ = bot.click(message, DONE_ACTION, value)
                assert status == 200
                return
    raise AssertionError(f"no buttons for #{number}")


def test_follow_ups_come_on_the_cadence_spaced_from_each_follow_up_and_stop_at_the_cap(
    coach_bot: Bot,
) -> None:
    reply = coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    assert "Thu 3 Dec, 10:00 · A polite follow-up with Acme" in text(reply)

    sent_at = []
    for _ in range(24 * 40):
        coach_bot.advance(timedelta(hours=1))
        for waiting in follow_ups(coach_bot, NudgeState.SENT):
            sent_at.append(local(waiting.due_at))
            press_done(coach_bot, waiting.number)

    assert sent_at == ["Thu 03 Dec 10:00", "Mon 14 Dec 10:00"]
    assert len(process(coach_bot).followed_up) == 2
    assert follow_ups(coach_bot, NudgeState.SCHEDULED, NudgeState.SENT) == []
    titles = [n.title for n in follow_ups(coach_bot)]
    assert titles == ["A polite follow-up with Acme", "A last, short note to Acme"]
    assert process(coach_bot).cold, "two follow-ups without news: it has gone quiet"
    (let_go,) = [n for n in coach_bot.nudges() if n.rule == "let-go"]
    assert let_go.state == NudgeState.SENT and "let this one go" in let_go.text.lower()


def test_follow_ups_never_come_closer_than_five_working_days(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    run_days(coach_bot, 8)
    (first,) = follow_ups(coach_bot, NudgeState.SENT)
    press_done(coach_bot, first.number)

    answer = coach_bot.dm("followed up with acme")

    assert "Give them 5 working days" in answer.text
    assert "fine from" in answer.text
    assert len(process(coach_bot).followed_up) == 1, "the too-soon follow-up was not logged"
    (second,) = follow_ups(coach_bot, NudgeState.SCHEDULED)
    assert second.due_at - first.due_at >= timedelta(days=7)


def test_an_expected_decision_date_moves_the_follow_up_to_the_day_after(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    (planned,) = follow_ups(coach_bot, NudgeState.SCHEDULED)

    reply = coach_bot.command("expect acme dec 12")

    assert "decide by Sat 12 Dec" in text(reply)
    assert "Mon 14 Dec, 10:00" in text(reply)
    states = {n.number: n for n in follow_ups(coach_bot)}
    assert states[planned.number].state == NudgeState.CANCELLED
    (moved,) = follow_ups(coach_bot, NudgeState.SCHEDULED)
    assert local(moved.due_at) == "Mon 14 Dec 10:00"
    assert str(process(coach_bot).expected_on) == "2026-12-12"


def test_a_decision_date_before_the_interview_is_refused_and_changes_nothing(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, dec 3 10am, with Jane Doe")
    before = coach_bot.nudges()

    reply = text(coach_bot.command("expect acme tomorrow"))

    assert "Your Acme interview is on Thu 3 Dec, 10:00" in reply
    assert "Nothing was changed" in reply
    assert coach_bot.nudges() == before
    assert process(coach_bot).expected_on is None
    assert all(n.due_at > datetime(2026, 12, 3, 18, 0, tzinfo=UTC) for n in follow_ups(coach_bot))


def test_the_decision_date_can_be_given_in_words_in_the_dm(coach_bot: Bot) -> None:
    coach_bot.command("add Acme Corp, Engineer, today 10am, with Jane Doe")
    answer = coach_bot.dm("Acme Corp said they would decide by Dec 9")
    assert "decide by Wed 9 Dec" in answer.text
    (moved,) = follow_ups(coach_bot, NudgeState.SCHEDULED)
    assert local(moved.due_at) == "Thu 10 Dec 10:00"


def test_a_rejection_cancels_all_contact_at_once_and_nothing_can_bring_it_back(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe and Bob Smith")
    contact = [n for n in coach_bot.nudges() if n.contacts_employer]
    assert len(contact) == 3, "two thank-you notes and a follow-up"

    reply = coach_bot.command("status acme not selected")

    said = text(reply)
    assert "I'm sorry about Acme" in said
    assert "I cancelled 3 reminders" in said
    assert "I won't suggest contacting them again" in said
    by_number = {n.number: n for n in coach_bot.nudges()}
    assert all(by_number[n.number].state == NudgeState.CANCELLED for n in contact)
    closing = [n for n in coach_bot.nudges() if n.closing]
    assert {n.rule for n in closing} == {"gracious-reply", "stay-connected"}, (
        "no references to thank: they were never told"
    )

    assert "marked rejected" in coach_bot.dm("followed up with acme").text
    assert "marked rejected" in text(coach_bot.command("expect acme dec 20"))
    run_days(coach_bot, 40, step=timedelta(hours=3))

    delivered = [n for n in coach_bot.nudges() if n.state == NudgeState.SENT]
    contacting = [n for n in delivered if n.contacts_employer and not n.closing]
    assert contacting == []
    assert follow_ups(coach_bot, NudgeState.SCHEDULED, NudgeState.SENT) == []
    assert [n.rule for n in delivered if n.closing].count("gracious-reply") == 1


def test_rejection_in_words_redraws_a_sent_thank_you_without_buttons(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.advance(timedelta(hours=3, minutes=5))
    (thank_you,) = [n for n in coach_bot.nudges() if n.rule == "thank-you"]
    assert thank_you.state == NudgeState.SENT

    question = coach_bot.dm("acme rejected me")
    assert process(coach_bot).outcome == Outcome.WAITING, "words alone record nothing"
    answer = coach_bot.press(question, "Yes: Acme said no")

    assert "I'm sorry about Acme" in json.dumps(answer)
    assert coach_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    redrawn = json.dumps(coach_bot.dms()[0].blocks)
    assert "No longer needed" in redrawn


@pytest.mark.parametrize(
    ("words", "closing_rule"),
    [
        ("offer", ["offer-in-writing", "offer-ask-for-time", "offer-decide"]),
        ("withdrawn", ["courteous-withdrawal"]),
    ],
)
def test_an_offer_or_withdrawal_closes_the_process(
    coach_bot: Bot, words: str, closing_rule: list[str]
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command(f"status #1 {words}")

    assert process(coach_bot).closed
    assert follow_ups(coach_bot, NudgeState.SCHEDULED, NudgeState.SENT) == []
    assert [n.rule for n in coach_bot.nudges() if n.closing] == closing_rule


def test_news_recorded_again_does_not_bring_back_a_closing_item_already_done(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("status acme offer")
    (weigh,) = [n for n in coach_bot.nudges() if n.rule == "offer-in-writing"]
    coach_bot.dm(f"done #{weigh.number}")
    coach_bot.command("status acme waiting")
    coach_bot.advance(timedelta(minutes=5))
    coach_bot.command("status acme offer")

    offers = [n for n in coach_bot.nudges() if n.rule == "offer-in-writing"]
    assert [(n.number, n.state) for n in offers] == [(weigh.number, NudgeState.DONE)]
    assert process(coach_bot).outcome == Outcome.OFFER


def test_still_in_process_arms_gentle_check_ins(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.advance(timedelta(days=1))

    answer = coach_bot.confirm("still in process at acme", "Acme")

    assert "still in the running at Acme" in json.dumps(answer)
    (check_in,) = follow_ups(coach_bot, NudgeState.SCHEDULED)
    assert check_in.title == "Check in with Acme about the next step"
    assert local(check_in.due_at) == "Tue 08 Dec 10:00"
    assert process(coach_bot).outcome == Outcome.IN_PROCESS


def test_the_heard_back_menu_on_a_follow_up_sets_the_outcome(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    run_days(coach_bot, 8)
    (sent,) = follow_ups(coach_bot, NudgeState.SENT)
    message = next(m for m in coach_bot.dms() if m.ts == sent.message_ts)
    menu = next(
        e
        for b in message.blocks
        if b.get("block_id") == f"nudge-{sent.number}"
        for e in b["elements"]
        if e["action_id"] == OUTCOME_ACTION
    )
    rejected = next(o for o in menu["options"] if o["value"].endswith(":rejected"))

    status, _ = coach_bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id=message.channel,
        message_ts=message.ts,
        action_id=OUTCOME_ACTION,
        value=rejected["value"],
        response_url=coach_bot.standin.response_url("menu"),
        selected=True,
    )

    assert status == 200
    assert coach_bot.standin.wait_for(lambda s: bool(s.responses("menu")))
    assert "sorry about Acme" in json.dumps(coach_bot.standin.responses("menu"))
    assert process(coach_bot).outcome == Outcome.REJECTED


def test_a_second_interview_with_the_company_is_round_two_and_replaces_follow_ups(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    (round_one,) = follow_ups(coach_bot, NudgeState.SCHEDULED)

    reply = coach_bot.command("add acme, Engineer, tue 10am, with Ann Lee")

    assert "Saved round 2 of *acme*" in text(reply)
    assert "replaces 2 earlier reminders" in json.dumps(reply)
    with coach_bot.store.transaction(ME) as book:
        rounds = sorted(book.interviews(), key=lambda i: i.round)
        assert [(i.round, i.process_id) for i in rounds] == [(1, 1), (2, 1)]
        assert len(book.processes()) == 1
    states = {n.number: n.state for n in coach_bot.nudges()}
    assert states[round_one.number] == NudgeState.CANCELLED
    (round_two,) = follow_ups(coach_bot, NudgeState.SCHEDULED)
    assert local(round_two.due_at) == "Tue 08 Dec 10:00"
    assert round_two.interview_id == rounds[1].id


def test_a_rejection_brings_a_keep_applying_nudge_within_a_day(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("status acme rejected")

    (hunting,) = [n for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert hunting.due_at - coach_bot.clock.now() <= timedelta(days=1)
    assert "no application in progress" in hunting.text
    assert "no open application" not in hunting.text


def test_several_matching_companies_are_asked_about(coach_bot: Bot) -> None:
    coach_bot.command("add Globex Europe, Engineer, today 10am")
    coach_bot.command("add Globex US, Engineer, today 11am")

    question = coach_bot.dm("globex rejected")

    assert "Which company" in question.text
    labels = [
        e["text"]["text"] for b in question.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert labels[:2] == ["Yes: Globex Europe said no", "Yes: Globex US said no"]
    assert all(not p.closed for p in (process(coach_bot, 1), process(coach_bot, 2)))
    coach_bot.press(question, "Yes: Globex US")
    assert process(coach_bot, 2).outcome == Outcome.REJECTED
    assert not process(coach_bot, 1).closed


def test_the_list_shows_each_process_with_state_round_and_next_nudge(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("add Acme, Engineer, tomorrow 10am, with Jane Doe")
    coach_bot.command("add Globex, Analyst, today 11am")
    coach_bot.command("status globex offer")

    listing = text(coach_bot.command("list"))

    assert "*Your processes*" in listing
    assert "`i2` *Acme* · Engineer · round 2 · waiting · next: Thank Jane Doe" in listing
    assert "`i3` *Globex* · Analyst · round 1 · offer" in listing


def test_edit_replans_and_remove_asks_first_and_undo_restores(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")

    edited = text(coach_bot.command("edit 1 when tomorrow 3pm"))
    assert "Fri 27 Nov, 15:00–16:00" in edited
    open_thanks = [
        n for n in coach_bot.nudges() if n.rule == "thank-you" and n.state == NudgeState.SCHEDULED
    ]
    assert [local(n.due_at) for n in open_thanks] == ["Fri 27 Nov 17:00"]

    confirm = coach_bot.command("remove 1")
    actions = next(b for b in confirm["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [REMOVE_ACTION, KEEP_ACTION]
    assert coach_bot.coach.interview(ME, 1) is not None, "nothing removed before the confirm"
    status, _ = coach_bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id="C1",
        message_ts="1.0",
        action_id=REMOVE_ACTION,
        value=actions["elements"][0]["value"],
        response_url=coach_bot.standin.response_url("remove"),
    )
    assert status == 200
    assert coach_bot.coach.interview(ME, 1) is None
    assert [n for n in coach_bot.nudges() if n.is_open] == []

    undone = text(coach_bot.command("undo"))
    assert "Undone: removing the Acme interview" in undone
    assert coach_bot.coach.interview(ME, 1) is not None
    assert len(open_thanks) == len(
        [n for n in coach_bot.nudges() if n.rule == "thank-you" and n.state == NudgeState.SCHEDULED]
    )


def test_undo_only_reaches_back_a_few_minutes(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("status acme rejected")
    coach_bot.clock.advance(timedelta(minutes=11))

    assert "more than 10 minutes old" in text(coach_bot.command("undo"))
    assert process(coach_bot).outcome == Outcome.REJECTED


def test_undo_of_a_status_brings_the_cancelled_follow_up_back(coach_bot: Bot) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.confirm("acme rejected", "Acme")

    assert "Undone: marking Acme rejected" in coach_bot.dm("undo").text
    assert process(coach_bot).outcome == Outcome.WAITING
    assert len(follow_ups(coach_bot, NudgeState.SCHEDULED)) == 1


def test_keep_applying_comes_only_when_something_changed_at_most_weekly(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("add Globex, Analyst, today 11am, with Ann Lee")
    ahead = [n for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert [n.key for n in ahead] == ["keep-hunting/quiet/2/1"], "only the quiet weeks ahead"
    assert local(ahead[0].planned_for) == "Thu 10 Dec 12:00", "two weeks after the last one"

    run_days(coach_bot, 6)
    coach_bot.command("status acme rejected")
    (after_rejection,) = [n for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert after_rejection.key.startswith("keep-hunting/rejected/1@")
    assert "Globex" in after_rejection.text

    coach_bot.command("add Initech, QA, today 4pm")
    coach_bot.command("status initech rejected")
    run_days(coach_bot, 30, step=timedelta(hours=3))

    sent = sorted(
        (n for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.state == NudgeState.SENT),
        key=lambda n: n.due_at,
    )
    assert len(sent) >= 2
    assert all(b.due_at - a.due_at >= timedelta(days=7) for a, b in pairwise(sent))
    assert all(a.text != b.text for a, b in pairwise(sent)), "never the same words twice"


def test_done_searching_stops_keep_applying_advice_until_the_next_interview(
    coach_bot: Bot,
) -> None:
    coach_bot.command("add Acme, Engineer, today 10am, with Jane Doe")
    coach_bot.command("status acme rejected")
    coach_bot.advance(timedelta(minutes=1))
    (hunting,) = [n for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.is_open]
    gracious = next(n for n in coach_bot.nudges() if n.rule == "gracious-reply")
    assert hunting.message_ts == gracious.message_ts, "the same day's advice: one message"

    reply = text(coach_bot.command("status done searching"))

    assert "no more keep-applying tips" in reply
    run_days(coach_bot, 30, step=timedelta(hours=6))
    after = [n.number for n in coach_bot.nudges() if n.rule == "keep-hunting" and n.is_open]
    assert after == [hunting.number], "two quiet weeks bring nothing to someone done searching"
    assert max(n.number for n in coach_bot.nudges() if n.rule == "keep-hunting") == hunting.number
    coach_bot.command("add Globex, Analyst, today 11am")
    with coach_bot.store.transaction(ME) as book:
        assert book.profile.searching, "a new interview means the search is on again"
