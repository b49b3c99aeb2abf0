"""Slack misbehaving (429s, 500s, dropped and lost answers) and many hands at once."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from conftest import Bot, eventually

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.local.standin import FaultPlan, SlackStandIn
from bot.slack.blocks import DONE_ACTION

USERS = ("U1", "U2", "U3", "U4")


def marks_posted(standin: SlackStandIn, user: str) -> list[str]:
    """Every nudge mark in the order the person's DM received them."""
    marks: list[str] = []
    for message in standin.messages(f"D{user}"):
        if message.metadata:
            marks.extend(message.metadata["event_payload"]["nudges"])
    return marks


def sent_marks(bot: Bot, user: str) -> set[str]:
    return {n.mark for n in bot.nudges(user) if n.state == NudgeState.SENT}


@pytest.fixture
def busy_bot(bot: Bot) -> Bot:
    """Four people in different zones, each with two interviews' worth of nudges."""
    zones = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "America/New_York")
    for user, tz in zip(USERS, zones, strict=True):
        bot.standin.set_user(user, tz=tz, team_id="T1")
        bot.command("add Acme, Engineer, yesterday 4pm, with Jane Doe and Bob Smith", user=user)
        bot.command("add Globex, Analyst, tomorrow 11am, with Ann Lee", user=user)
    return bot


def test_every_nudge_arrives_once_and_in_order_despite_slack_faults(busy_bot: Bot) -> None:
    standin = busy_bot.standin
    methods = frozenset({"chat.postMessage", "conversations.open", "conversations.history"})
    standin.faults = FaultPlan(
        rate_429=0.1, retry_after=0, rate_500=0.1, rate_drop=0.1, rate_lost=0.1,
        methods=methods, seed=11,
    )  # fmt: skip

    for _ in range(12 * 24):
        busy_bot.advance(timedelta(hours=1))

    assert all(standin.stats[kind] > 0 for kind in ("429", "500", "drop", "lost"))
    for user in USERS:
        nudges = [
            n
            for n in busy_bot.nudges(user)
            if n.due_at <= busy_bot.clock.now() and n.state != NudgeState.CANCELLED
        ]
        assert len(nudges) >= 12 and all(n.state == NudgeState.SENT for n in nudges), user
        posted = marks_posted(standin, user)
        assert Counter(posted).most_common(1)[0][1] == 1, f"{user} got a nudge twice"
        assert set(posted) == sent_marks(busy_bot, user)
        due_order = [n.due_at for n in sorted(nudges, key=lambda n: posted.index(n.mark))]
        assert due_order == sorted(due_order), f"{user}'s nudges arrived out of order"


def test_a_send_whose_answer_was_lost_is_found_in_the_dm_not_sent_again(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.standin.fail_next("chat.postMessage", "lost")
    bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    assert eventually(lambda: any(n.attempts for n in bot.nudges()), 10)

    for _ in range(5):
        bot.advance(timedelta(seconds=30))

    assert len(bot.standin.messages("DU1")) == 1
    sent = [n for n in bot.nudges() if n.state == NudgeState.SENT]
    assert sent and {n.message_ts for n in sent} == {bot.standin.messages("DU1")[0].ts}
    assert bot.standin.calls_to("conversations.history"), "delivery looked before resending"


def test_a_failed_send_stays_due_and_is_retried_not_dropped(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.standin.fail_next("chat.postMessage", "500", count=2)
    bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    assert eventually(lambda: any(n.attempts for n in bot.nudges()), 10)

    for _ in range(10):
        bot.advance(timedelta(minutes=1))

    assert len(bot.standin.calls_to("chat.postMessage")) == 3
    assert len(bot.standin.messages("DU1")) == 1
    sent = [n for n in bot.nudges() if n.state == NudgeState.SENT]
    assert {n.rule for n in sent} == {"thank-you", "proofread"}
    assert all(n.attempts == 2 for n in sent), "both failures were recorded, none dropped"


def test_parallel_clicks_and_adds_while_delivering_lose_nothing(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    for user in USERS:
        bot.standin.set_user(user, tz="America/Los_Angeles", team_id="T1")
        bot.command("add Acme, Engineer, today 7am, with Jane Doe and Bob Smith", user=user)
    assert bot.standin.wait_for(lambda s: all(s.messages(f"D{u}") for u in USERS), timeout=20)
    caplog.set_level(logging.ERROR)
    statuses: list[int] = []
    stop = threading.Event()

    def deliver_forever() -> None:
        while not stop.is_set():
            bot.advance(timedelta(minutes=7))

    def person(user: str) -> None:
        for round_number in range(6):
            reply = bot.command(f"add Co{round_number}, Role, today 8am, with Al Bo", user=user)
            statuses.append(200 if "Saved" in str(reply) else 500)
            message = bot.standin.messages(f"D{user}")[0]
            for block in message.blocks:
                if block["type"] == "actions":
                    value = block["elements"][0]["value"]
                    status, _ = bot.click(message, DONE_ACTION, value, user=user)
                    statuses.append(status)

    deliverer = threading.Thread(target=deliver_forever)
    deliverer.start()
    workers = [threading.Thread(target=person, args=(u,)) for u in USERS for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    stop.set()
    deliverer.join(60)

    assert statuses and set(statuses) == {200}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    for user in USERS:
        with bot.store.transaction(Person("T1", user)) as book:
            companies = Counter(i.company for i in book.interviews())
            numbers = sorted(n.number for n in book.nudges())
        assert companies["Acme"] == 1
        assert all(companies[f"Co{r}"] == 2 for r in range(6)), companies
        assert numbers == list(range(1, len(numbers) + 1)), "numbers stay unique and dense"
        posted = marks_posted(bot.standin, user)
        assert len(posted) == len(set(posted)), "no nudge was sent twice"


def test_a_backlog_for_one_person_is_paced_to_slacks_per_channel_rate(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.standin.faults = FaultPlan(per_channel_limit=True)
    bot.runtime.scheduler.stop()
    for company in ("Acme", "Globex", "Initech", "Umbrella"):
        bot.command(f"add {company}, Engineer, Nov 10 at 9am, with Jane Doe and Bob Smith")

    delivered = bot.runtime.services.delivery.deliver_due(wait_for_all=True)
    assert len(bot.standin.messages("DU1")) == 1, "the next message waits for the channel"
    for _ in range(10):
        delivered += bot.advance(timedelta(seconds=1))

    messages = bot.standin.messages("DU1")
    assert delivered == sum(len(m.metadata["event_payload"]["nudges"]) for m in messages) > 20
    assert len(messages) >= 3
    assert bot.standin.stats.get("429", 0) == 0, "paced, not refused"
    posts = [c.at for c in bot.standin.calls_to("chat.postMessage")]
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(posts)), "on the clock"
