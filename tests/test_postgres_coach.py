"""The real coach on PostgreSQL: end to end, and as two replicas sharing one database."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import Bot, BotFactory, eventually, slowed, stop

from bot.domain.nudge import NudgeState
from bot.slack.blocks import DONE_ACTION
from bot.storage.postgres_schema import schema_url

LA = "America/Los_Angeles"


@pytest.fixture
def database_url(postgres_url: str, postgres_schema: Callable[[], str]) -> str:
    return schema_url(postgres_url, postgres_schema())


def ready(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def buttons(message, number: int) -> dict[str, str]:
    for block in message.blocks:
        if block["type"] == "actions" and block["block_id"] == f"nudge-{number}":
            return {e["action_id"]: e["value"] for e in block["elements"] if "value" in e}
    return {}


def test_the_coach_runs_end_to_end_on_postgresql_and_keeps_everything_across_a_restart(
    bot_factory: BotFactory, database_url: str
) -> None:
    bot = ready(bot_factory(database_url=database_url))
    bot.command("add Acme, Staff Engineer, today 10am, with Jane Doe")
    assert bot.advance(timedelta(hours=3, minutes=5)) == 1
    (message,) = bot.dms()
    thank_you = next(n for n in bot.nudges() if n.rule == "thank-you")
    status, _ = bot.click(message, DONE_ACTION, buttons(message, thank_you.number)[DONE_ACTION])
    assert status == 200
    assert bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    planned = [(n.number, n.state, n.due_at) for n in bot.nudges()]
    stop(bot)

    again = bot_factory(database_url=database_url)
    assert [(n.number, n.state, n.due_at) for n in again.nudges()] == planned
    assert next(n for n in again.nudges() if n.number == thank_you.number).state == (
        NudgeState.DONE
    )
    assert "Acme" in json.dumps(again.command("list"))


def test_two_replicas_deliver_each_nudge_once_and_either_answers_its_buttons(
    bot_factory: BotFactory, database_url: str
) -> None:
    one = ready(bot_factory(database_url=database_url))
    other = bot_factory(database_url=database_url)
    for n in range(3):
        one.command(f"add Acme{n}, Staff Engineer, today 10am, with Jane Doe and Bob Smith")
    racing = threading.Event()

    def deliver_elsewhere() -> None:
        while not racing.is_set():
            other.runtime.services.delivery.deliver_due(wait_for_all=True)

    rival = threading.Thread(target=deliver_elsewhere)
    rival.start()
    try:
        for _ in range(48):
            one.advance(timedelta(hours=1))
    finally:
        racing.set()
        rival.join(30)
    assert eventually(lambda: not [n for n in one.nudges() if n.state == NudgeState.SENDING])
    posted = Counter(
        number
        for message in one.dms()
        for block in message.blocks
        if block["type"] == "actions" and block["block_id"].startswith("nudge-")
        for number in [int(block["block_id"].split("-")[1])]
    )
    sent = [n.number for n in one.nudges() if n.state == NudgeState.SENT]
    assert sent and set(posted) == set(sent)
    assert max(posted.values()) == 1, "a nudge was posted by both replicas"

    message = next(m for m in one.dms() if buttons(m, sent[0]))
    status, _ = other.click(message, DONE_ACTION, buttons(message, sent[0])[DONE_ACTION])
    assert status == 200
    assert eventually(
        lambda: next(n for n in one.nudges() if n.number == sent[0]).state == NudgeState.DONE
    ), "a click handled by the other replica is seen by the first"


def test_the_flood_gate_counts_a_persons_requests_across_replicas_on_the_coachs_clock(
    bot_factory: BotFactory, database_url: str
) -> None:
    one = bot_factory(database_url=database_url, flood_limit=4)
    other = bot_factory(database_url=database_url, flood_limit=4)
    assert [slowed(bot) for bot in (one, other, one, other, one, other)] == [False] * 4 + [True] * 2
    assert not slowed(one, user="U8"), "someone else is not slowed"
    one.clock.advance(timedelta(seconds=11))
    assert not slowed(other), "the window passed on the coach's clock"
