"""Three real replicas on one PostgreSQL schema and one Slack stand-in, with no leader.

Each replica is `interview-coach serve` in HTTP mode with the same settings but its port. The
crowd is written through the store; what Slack received is read by the marks the coach puts in
each message's metadata, so a nudge posted twice, by any replica, is seen.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from harness.replicas import (
    TEAM,
    Crowd,
    Replica,
    Tally,
    midday_zone,
    posted,
    seed_crowd,
    seed_person,
    start_replicas,
    stop_all,
)

from bot.coach.delivery import HELD_PER_WORKER, WORKERS
from bot.domain.interview import Outcome, Person
from bot.domain.nudge import NudgeState
from bot.local.standin import SlackStandIn
from bot.storage.postgres_schema import connection_kwargs, schema_url
from bot.storage.postgres_store import PostgresStore


@pytest.fixture
def schema(postgres_schema: Callable[[], str]) -> str:
    return postgres_schema()


@pytest.fixture
def seeding(postgres_url: str, schema: str) -> Iterator[PostgresStore]:
    """The store as the replicas open it, so its writes wake them; the test seeds people and
    reads states through it."""
    store = PostgresStore(schema_url(postgres_url, schema), pool_size=4)
    yield store
    store.close()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.hang_seconds = 8.0  # under the coach's 10 s timeout: no test waits on a hang
        yield server


@pytest.fixture
def trio(
    postgres_url: str, schema: str, standin: SlackStandIn, tmp_path: Path
) -> Iterator[Callable[[int], list[Replica]]]:
    """Starts three replicas with a given lease; every one is stopped afterwards."""
    started: list[Replica] = []

    def start(lease_seconds: int) -> list[Replica]:
        replicas = start_replicas(
            3,
            schema_url(postgres_url, schema),
            standin,
            lease_seconds=lease_seconds,
            folder=tmp_path,
        )
        started.extend(replicas)
        return replicas

    yield start
    standin.release_hangs()
    stop_all(started)


def query(url: str, schema: str, text: str, *params: object) -> list[tuple]:
    with psycopg.connect(url, **connection_kwargs(schema), autocommit=True) as conn:
        return conn.execute(text, params).fetchall()


def states(url: str, schema: str) -> dict[str, int]:
    rows = query(url, schema, "SELECT state, count(*) FROM nudges GROUP BY state")
    return {state: count for state, count in rows}


def until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def ask(replica: Replica, standin: SlackStandIn, user: str, text: str) -> str:
    """`/interview <text>` from `user`, signed as Slack signs it; the reply, as JSON text."""
    key = secrets.token_hex(6)
    status, body = replica.endpoint.command(
        text=text,
        user_id=user,
        team_id=TEAM,
        channel_id="C1",
        response_url=standin.response_url(key),
    )
    assert status == 200, body
    if body.strip():
        return json.dumps(json.loads(body))
    assert standin.wait_for(lambda s: bool(s.responses(key)), timeout=10), "no reply came"
    return json.dumps(standin.responses(key)[-1])


def check_exactly_once_in_order(standin: SlackStandIn, crowd: Crowd) -> None:
    seen = posted(standin)
    assert seen.duplicated() == 0, "a nudge was posted twice"
    assert seen.unexpected(crowd) == 0, "a nudge nobody planned was posted"
    assert seen.missing(crowd) == 0, "a due nudge was never posted"
    late = [u for u, marks in seen.order.items() if not crowd.in_due_order(u, marks)]
    assert late == [], f"{len(late)} people got their nudges out of due order"


def test_thousands_due_at_once_go_out_once_each_in_order_while_all_three_answer(
    trio: Callable[[int], list[Replica]],
    seeding: PostgresStore,
    standin: SlackStandIn,
    postgres_url: str,
    schema: str,
) -> None:
    due_by = datetime.now(UTC) + timedelta(seconds=8)  # after seeding, once all three are up
    crowd = seed_crowd(
        seeding, 300, 10, due_by=due_by, tz=midday_zone(), extra_every=10, spread=1.0
    )
    assert crowd.nudges == 3090
    standin.open_dms(p.user_id for p in crowd.people)
    tally = Tally(standin)
    replicas = trio(20)
    answers: list[tuple[int, str]] = []

    def ask_around() -> None:
        """Signed requests, round-robin over the replicas, while delivery runs."""
        tally.wait_for(1, timeout=30)
        for index, person in enumerate(crowd.people[::10]):
            answers.append((index, ask(replicas[index % 3], standin, person.user_id, "list")))

    holders: dict[str, int] = {}
    done = threading.Event()

    def watch_leases() -> None:
        """Who holds how many people while delivery runs: no replica leads, all three take a
        share, and none holds more than its workers serve soon."""
        while not done.wait(0.05):
            rows = query(
                postgres_url,
                schema,
                "SELECT claimed_by, count(*) FROM people WHERE claimed_by IS NOT NULL GROUP BY 1",
            )
            for owner, count in rows:
                holders[owner] = max(holders.get(owner, 0), count)

    asking = threading.Thread(target=ask_around)
    watching = threading.Thread(target=watch_leases)
    asking.start()
    watching.start()
    try:
        assert tally.wait_for(crowd.nudges, timeout=60), f"only {tally.marks} went out"
    finally:
        done.set()
        asking.join(30)
        watching.join(10)
    assert all(any(r.holds(owner) for owner in holders) for r in replicas), holders
    assert max(holders.values()) <= HELD_PER_WORKER * WORKERS, holders
    assert len(answers) == 30 and all("Acme" in text for _, text in answers)
    assert until(lambda: states(postgres_url, schema) == {"sent": crowd.nudges}, 10)
    time.sleep(0.5)  # a late duplicate would arrive now
    check_exactly_once_in_order(standin, crowd)
    assert all(r.process.poll() is None for r in replicas)


def test_a_replica_killed_mid_delivery_leaves_its_people_to_the_others_none_sent_twice(
    trio: Callable[[int], list[Replica]],
    seeding: PostgresStore,
    standin: SlackStandIn,
    postgres_url: str,
    schema: str,
) -> None:
    lease = 6  # a post may take 3 s (COACH_SLACK_TIMEOUT), the lease holds it and 2 s more
    crowd = seed_crowd(seeding, 120, 10, due_by=datetime.now(UTC), tz=midday_zone())
    standin.open_dms(p.user_id for p in crowd.people)
    hung = [p.user_id for p in crowd.people[5::12]]
    for user in hung:  # the post is held, then carried out: Slack took it, nobody recorded it
        standin.fail_next("chat.postMessage", "hang", channel=f"D{user}")
    tally = Tally(standin)
    replicas = trio(lease)

    def first_hang() -> str | None:
        held = [c for c in standin.calls_to("chat.postMessage") if c.fault == "hang"]
        return str(held[0].params["channel"])[1:] if held else None

    assert until(lambda: first_hang() is not None, 30), "a hung post began"
    user = first_hang()
    owner = query(postgres_url, schema, "SELECT claimed_by FROM people WHERE user_id = %s", user)
    victim = next(r for r in replicas if r.holds(owner[0][0]))
    victim_owner = owner[0][0]
    victim.kill()
    killed_at = time.monotonic()
    standin.release_hangs()
    held = {
        row[0]
        for row in query(
            postgres_url, schema, "SELECT user_id FROM people WHERE claimed_by = %s", victim_owner
        )
    }
    assert user in held, "the victim held the person whose post it was making"

    def delivered(users: set[str]) -> bool:
        rows = query(
            postgres_url,
            schema,
            "SELECT count(*) FROM nudges WHERE user_id = ANY(%s) AND state <> 'sent'",
            list(users),
        )
        return rows[0][0] == 0

    assert until(lambda: delivered(held), lease + 10), "the victim's people were delivered"
    failover = time.monotonic() - killed_at
    assert failover < lease + 5, f"its people waited {failover:.1f} s for a {lease} s lease"
    assert tally.wait_for(crowd.nudges, timeout=30), f"only {tally.marks} went out"
    assert until(lambda: states(postgres_url, schema) == {"sent": crowd.nudges}, 10)
    time.sleep(0.5)
    check_exactly_once_in_order(standin, crowd)
    (message,) = [m for m in standin.messages(f"D{user}") if m.metadata]
    with seeding.transaction(Person(TEAM, user)) as book:
        assert {n.message_ts for n in book.nudges()} == {message.ts}, (
            "the post the victim never recorded was found by its marks, not sent again"
        )


def test_a_rejection_on_one_replica_stops_the_follow_up_another_replica_holds(
    trio: Callable[[int], list[Replica]],
    seeding: PostgresStore,
    standin: SlackStandIn,
    postgres_url: str,
    schema: str,
) -> None:
    user, tz = "URJ00001", midday_zone()
    standin.set_user(user, tz=tz, team_id=TEAM)
    (follow_up,) = seed_person(
        seeding,
        Person(TEAM, user),
        tz=tz,
        due=[datetime.now(UTC) - timedelta(minutes=5)],
        dm_open=False,
        follow_up=True,
    )
    standin.fail_next("conversations.open", "hang", channel=user)
    replicas = trio(30)

    assert until(
        lambda: any(c.fault == "hang" for c in standin.calls_to("conversations.open")), 30
    ), "a replica claimed the person and is opening their DM"
    ((owner, state),) = query(
        postgres_url,
        schema,
        "SELECT p.claimed_by, n.state FROM people p JOIN nudges n USING (team_id, user_id)"
        " WHERE p.user_id = %s",
        user,
    )
    assert state == NudgeState.SENDING
    holder = next(r for r in replicas if r.holds(owner))
    other = next(r for r in replicas if r is not holder)

    def claimed_by() -> str | None:
        return query(postgres_url, schema, "SELECT claimed_by FROM people")[0][0]

    reply = ask(other, standin, user, "status acme rejected")
    assert "sorry about Acme" in reply
    with seeding.transaction(Person(TEAM, user)) as book:
        assert book.process(1).outcome == Outcome.REJECTED
        assert book.nudge(follow_up.number).state == NudgeState.CANCELLED, "cancelled at once"
    assert holder.holds(claimed_by()), "while the other replica still holds the person"
    standin.release_hangs()

    assert until(lambda: claimed_by() is None, 10), "the holder looked again and let go"
    time.sleep(0.5)
    assert posted(standin).counts[(user, follow_up.mark)] == 0, "the follow-up was never posted"
    with seeding.transaction(Person(TEAM, user)) as book:
        assert book.nudge(follow_up.number).state == NudgeState.CANCELLED
    assert holder.process.poll() is None and other.process.poll() is None
