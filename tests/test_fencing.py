"""A replica stopped between its last check and its post, for longer than its lease.

Real `interview-coach serve` processes on one PostgreSQL schema and one Slack stand-in. A
replica is told to stop itself (SIGSTOP) right before posting to one person, the way a long
pause would catch it there. While it is stopped the person records a rejection, or another
replica takes the person over and delivers; then it gets SIGCONT and its post lands late.
Within seconds the DM must hold no live message about the employer who said no, and exactly
one live message per nudge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness.replicas import TEAM, Replica, ask, midday_zone, posted, seed_person, until

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.local.standin import SlackStandIn
from bot.storage.postgres_schema import schema_url
from bot.storage.postgres_store import PostgresStore

#: Short enough for a quick test; the stand-in answers at once, so a 1 s Slack timeout holds.
LEASE = 4
SLACK_TIMEOUT = 1


@pytest.fixture
def url(postgres_url: str, postgres_schema: Callable[[], str]) -> str:
    return schema_url(postgres_url, postgres_schema())


@pytest.fixture
def seeding(url: str) -> Iterator[PostgresStore]:
    store = PostgresStore(url, pool_size=2)
    yield store
    store.close()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def start(
    url: str, standin: SlackStandIn, tmp_path: Path
) -> Iterator[Callable[..., list[Replica]]]:
    """Starts replicas together and waits until each is ready; all are stopped afterwards."""
    started: list[Replica] = []

    def start_some(*names: str, stop_before_post: tuple[str, ...] = ()) -> list[Replica]:
        replicas = [
            Replica(
                url,
                standin,
                lease_seconds=LEASE,
                slack_timeout=SLACK_TIMEOUT,
                store_path=tmp_path / name,
                log_level="WARNING",
                stop_before_post=stop_before_post,
            )
            for name in names
        ]
        started.extend(replicas)
        for replica in replicas:
            replica.wait_ready()
        return replicas

    yield start_some
    for replica in started:
        replica.stop()


def caught(replicas: list[Replica]) -> Replica:
    """The replica that stopped itself between its last check and its post."""
    assert until(lambda: any(r.stopped for r in replicas), 30), "a replica reached the post"
    return next(r for r in replicas if r.stopped)


def live_marks(standin: SlackStandIn, user: str) -> list[str]:
    """The nudge marks of the messages in the person's DM now (deleted ones are gone)."""
    return [
        mark
        for message in standin.messages(f"D{user}")
        if message.metadata
        for mark in message.metadata.get("event_payload", {}).get("nudges", [])
    ]


def posted_marks(standin: SlackStandIn) -> list[str]:
    """The nudge marks of every post Slack received, deleted or not."""
    return [
        mark
        for call in standin.calls_to("chat.postMessage")
        for mark in (call.params.get("metadata") or {}).get("event_payload", {}).get("nudges", [])
    ]


def deleted_marks(standin: SlackStandIn, user: str) -> list[str]:
    return [
        mark
        for message in standin.deleted(f"D{user}")
        for mark in (message.metadata or {}).get("event_payload", {}).get("nudges", [])
    ]


def test_a_post_held_up_past_a_rejection_is_deleted_as_soon_as_it_lands(
    start: Callable[..., list[Replica]], seeding: PostgresStore, standin: SlackStandIn
) -> None:
    user, tz = "UFN00001", midday_zone()
    person = Person(TEAM, user)
    standin.open_dms([user])
    # Either may claim the person; whichever does stops before its post, and the person
    # answers on the other.
    pair = start("one", "two", stop_before_post=(user,))
    (follow_up,) = seed_person(
        seeding, person, tz=tz, due=[datetime.now(UTC) - timedelta(minutes=1)], follow_up=True
    )
    first = caught(pair)
    (second,) = [r for r in pair if r is not first]
    with seeding.transaction(person) as book:
        assert book.nudge(follow_up.number).state == NudgeState.SENDING, "checked, not posted"
    assert standin.calls_to("chat.postMessage") == []
    assert "sorry about Acme" in ask(second, standin, user, "status acme rejected")
    with seeding.transaction(person) as book:
        assert book.nudge(follow_up.number).state == NudgeState.CANCELLED
    time.sleep(LEASE + 0.5)  # the pause outlives the lease: the second may claim the person

    first.resume()
    resumed = time.monotonic()
    assert until(lambda: follow_up.mark in posted_marks(standin), 10), (
        "the held-up follow-up went out when the replica went on"
    )
    assert until(lambda: deleted_marks(standin, user) == [follow_up.mark], 5), "then was deleted"
    taken_back = time.monotonic() - resumed
    assert taken_back < 3, f"it stayed in the DM {taken_back:.1f} s"
    time.sleep(0.5)
    assert follow_up.mark not in live_marks(standin, user), "no follow-up to Acme is in the DM"
    assert posted(standin).duplicated() == 0, "what the rejection brought came once each"
    with seeding.transaction(person) as book:
        assert book.nudge(follow_up.number).state == NudgeState.CANCELLED, "and stays so"
    assert "taken back since start" in first.log()
    assert first.process.poll() is None and second.process.poll() is None


def test_a_post_held_up_past_a_takeover_leaves_one_live_message_per_nudge(
    start: Callable[..., list[Replica]], seeding: PostgresStore, standin: SlackStandIn
) -> None:
    user, tz = "UFN00002", midday_zone()
    person = Person(TEAM, user)
    now = datetime.now(UTC)
    standin.open_dms([user])
    (first,) = start("first", stop_before_post=(user,))
    nudges = seed_person(
        seeding, person, tz=tz, due=[now - timedelta(minutes=2), now - timedelta(minutes=1)]
    )
    assert caught([first]) is first
    (second,) = start("second")  # starts after the first was caught, and takes over

    assert until(lambda: len(standin.messages(f"D{user}")) == 1, LEASE + 10), (
        "the second replica took the person over once the lease ran out, and delivered"
    )
    (delivered,) = standin.messages(f"D{user}")
    with seeding.transaction(person) as book:
        assert {book.nudge(n.number).message_ts for n in nudges} == {delivered.ts}

    first.resume()
    resumed = time.monotonic()
    marks = sorted(n.mark for n in nudges)
    assert until(lambda: sorted(posted_marks(standin)) == sorted(marks * 2), 10), (
        "the held-up post went out when the replica went on",
        posted_marks(standin),
        first.log()[-600:],
        second.log()[-600:],
    )
    assert until(lambda: deleted_marks(standin, user) == marks, 5), "and it was deleted"
    assert time.monotonic() - resumed < 3
    time.sleep(0.5)
    assert sorted(live_marks(standin, user)) == marks, "exactly one live message carries each nudge"
    assert [m.ts for m in standin.messages(f"D{user}")] == [delivered.ts]
    with seeding.transaction(person) as book:
        for nudge in nudges:
            current = book.nudge(nudge.number)
            assert (current.state, current.message_ts) == (NudgeState.SENT, delivered.ts)
    assert "its lease passed to another replica" in first.log()
    assert first.process.poll() is None and second.process.poll() is None
