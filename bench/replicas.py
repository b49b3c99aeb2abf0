"""Replicas on one PostgreSQL database, as real processes: throughput, exactly once, failover.

`python bench/replicas.py [--quick]` runs, each on a fresh schema of the server named by
COACH_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test, schemas dropped
at the end) and a fresh Slack stand-in:

- dispatch with 1, 2 and 4 replicas, no rate limit: the same crowd, all due at one moment;
- exactly once with three replicas under Slack's per-channel limit and random 429s, one of
  them SIGKILLed in the middle of delivery;
- failover: a replica SIGKILLed while it holds people (one of its posts held by the stand-in,
  then carried out unrecorded), and the time until the others delivered all it held, for
  two lease lengths.

It prints `name: value unit` lines and PASS/FAIL per target, as `bench/run.py` does, where it
is phase 12.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.common import Report  # noqa: E402
from bot.domain.interview import Person  # noqa: E402
from bot.local.standin import FaultPlan, SlackStandIn  # noqa: E402
from bot.storage.postgres_schema import schema_url  # noqa: E402
from bot.storage.postgres_store import PostgresStore  # noqa: E402
from tests.harness.replicas import (  # noqa: E402
    TEAM,
    Crowd,
    Replica,
    Tally,
    midday_zone,
    posted,
    seed_crowd,
    start_replicas,
    stop_all,
)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
TITLE = "12. replicas on one PostgreSQL database (real processes)"
PER_PERSON = 10
#: The lease the throughput and exactly-once runs use: short, so a killed replica's people
#: come back within the run.
LEASE_SECONDS = 5
#: Seconds from the kill to the dead replica's people delivered, beyond the lease.
FAILOVER_SLACK_S = 5.0
#: Seconds of seeding allowed per person before the crowd's due moment.
SEED_BUDGET_S = 0.03


def database_url() -> str:
    return os.environ.get("COACH_BENCH_DATABASE_URL", "").strip() or DEFAULT_URL


def reachable(url: str) -> str | None:
    """None when the server answers, else why not (without the URL's password)."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return type(error).__name__
    return None


@dataclass
class Schema:
    """A throwaway schema: the replicas' URL, and a store on it to seed and read."""

    url: str
    name: str
    store: PostgresStore

    def sent(self) -> int:
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM nudges WHERE state = 'sent'").fetchone()
        return int(row[0]) if row else 0

    def held_by(self, owner: str) -> set[str]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            rows = conn.execute("SELECT user_id FROM people WHERE claimed_by = %s", (owner,))
            return {user for (user,) in rows.fetchall()}

    def held_by_process(self, pid: int) -> int:
        """People whose lease names this process ("host:pid:…")."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM people WHERE split_part(claimed_by, ':', 2) = %s",
                (str(pid),),
            ).fetchone()
        return int(row[0]) if row else 0

    def owner_of(self, user: str) -> str | None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute("SELECT claimed_by FROM people WHERE user_id = %s", (user,))
            found = row.fetchone()
        return found[0] if found else None

    def unsent(self, users: set[str]) -> int:
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM nudges WHERE user_id = ANY(%s) AND state <> 'sent'",
                (list(users),),
            ).fetchone()
        return int(row[0]) if row else 0


@contextmanager
def fresh_schema(url: str) -> Iterator[Schema]:
    name = f"coach_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    replicas_url = schema_url(url, name)
    # Opened as the replicas open it, so its writes wake them on the channel they listen to.
    store = PostgresStore(replicas_url, pool_size=4)
    try:
        yield Schema(replicas_url, name, store)
    finally:
        store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@dataclass
class Run:
    """One crowd delivered by some replicas, as Slack and the store saw it."""

    replicas: int
    nudges: int
    messages: int
    once: int
    duplicated: int
    missing: int
    unexpected: int
    in_order: bool
    sent_in_store: int
    seconds: float
    seeded_in_time: bool
    faults: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.nudges / self.seconds if self.seconds > 0 else math.nan

    @property
    def exactly_once(self) -> bool:
        return (
            self.duplicated == 0
            and self.missing == 0
            and self.unexpected == 0
            and self.once == self.nudges == self.sent_in_store
        )


def _seed_due_soon(
    schema: Schema, standin: SlackStandIn, people: int, *, extra_every: int = 0
) -> tuple[Crowd, float, bool]:
    """Seed a crowd due at one moment a little ahead, so every replica is up and waiting:
    the crowd, that moment on time.monotonic(), and whether seeding finished before it."""
    due_by = datetime.now(UTC) + timedelta(seconds=2 + people * SEED_BUDGET_S)
    crowd = seed_crowd(
        schema.store,
        people,
        PER_PERSON,
        due_by=due_by,
        tz=midday_zone(),
        spread=0.5,
        extra_every=extra_every,
    )
    standin.open_dms(p.user_id for p in crowd.people)
    ahead = (due_by - datetime.now(UTC)).total_seconds()
    return crowd, time.monotonic() + ahead, ahead > 0


def _judge(
    schema: Schema,
    standin: SlackStandIn,
    crowd: Crowd,
    count: int,
    seconds: float,
    seeded_in_time: bool,
) -> Run:
    time.sleep(0.5)  # a late duplicate would arrive now
    seen = posted(standin)
    return Run(
        replicas=count,
        nudges=crowd.nudges,
        messages=seen.messages,
        once=seen.exactly_once(crowd),
        duplicated=seen.duplicated(),
        missing=seen.missing(crowd),
        unexpected=seen.unexpected(crowd),
        in_order=all(crowd.in_due_order(u, marks) for u, marks in seen.order.items()),
        sent_in_store=schema.sent(),
        seconds=seconds,
        seeded_in_time=seeded_in_time,
        faults=standin.stats,
    )


def dispatch(url: str, count: int, people: int, folder: Path) -> Run:
    """`count` replicas, no rate limit: from the crowd's due moment to its last post."""
    with fresh_schema(url) as schema, SlackStandIn() as standin:
        replicas = start_replicas(
            count, schema.url, standin, lease_seconds=LEASE_SECONDS, folder=folder
        )
        try:
            tally = Tally(standin)
            crowd, due_at, in_time = _seed_due_soon(schema, standin, people)
            tally.wait_for(crowd.nudges, timeout=120 + (due_at - time.monotonic()))
            seconds = (tally.last_at or math.inf) - due_at
            return _judge(schema, standin, crowd, count, seconds, in_time)
        finally:
            stop_all(replicas)


def killed_under_429s(url: str, people: int, folder: Path, seed: int = 11) -> tuple[Run, int]:
    """Three replicas under the per-channel limit and 5% 429s; one SIGKILLed once a third
    of the crowd's nudges went out. Also how many people it held when it died."""
    with fresh_schema(url) as schema, SlackStandIn() as standin:
        standin.faults = FaultPlan(per_channel_limit=True, rate_429=0.05, retry_after=1, seed=seed)
        replicas = start_replicas(
            3, schema.url, standin, lease_seconds=LEASE_SECONDS, folder=folder
        )
        try:
            tally = Tally(standin)
            crowd, due_at, in_time = _seed_due_soon(schema, standin, people, extra_every=4)
            tally.wait_for(crowd.nudges // 3, timeout=60 + (due_at - time.monotonic()))
            replicas[1].kill()
            held = schema.held_by_process(replicas[1].pid)
            tally.wait_for(crowd.nudges, timeout=120)
            seconds = (tally.last_at or math.inf) - due_at
            return _judge(schema, standin, crowd, 3, seconds, in_time), held
        finally:
            stop_all(replicas)


@dataclass
class Failover:
    lease: int
    held_people: int
    seconds: float
    #: The held post Slack carried out after the kill was found, not sent again.
    unrecorded_found: bool
    exactly_once: bool


def failover(url: str, lease: int, folder: Path, people: int = 120) -> Failover:
    """Kill the replica making a post the stand-in holds (then carries out, unrecorded), and
    time from the SIGKILL until everyone it held had all their nudges delivered."""
    with fresh_schema(url) as schema, SlackStandIn() as standin:
        standin.hang_seconds = 8.0
        crowd = seed_crowd(
            schema.store, people, PER_PERSON, due_by=datetime.now(UTC), tz=midday_zone()
        )
        standin.open_dms(p.user_id for p in crowd.people)
        for person in crowd.people[5::12]:
            standin.fail_next("chat.postMessage", "hang", channel=f"D{person.user_id}")
        tally = Tally(standin)
        replicas = start_replicas(3, schema.url, standin, lease_seconds=lease, folder=folder)
        try:
            deadline = time.monotonic() + 60
            hung: list[str] = []
            while not hung and time.monotonic() < deadline:
                calls = standin.calls_to("chat.postMessage")
                hung = [str(c.params["channel"])[1:] for c in calls if c.fault == "hang"]
                time.sleep(0.01)
            if not hung:
                raise RuntimeError("no post was held: the crowd was not delivered")
            owner = schema.owner_of(hung[0])
            victim: Replica = next(r for r in replicas if r.holds(owner))
            victim.kill()
            killed = time.monotonic()
            standin.release_hangs()
            held = schema.held_by(owner or "")
            while schema.unsent(held) and time.monotonic() < killed + lease + 60:
                time.sleep(0.05)
            seconds = time.monotonic() - killed if not schema.unsent(held) else math.inf
            tally.wait_for(crowd.nudges, timeout=60)
            time.sleep(0.5)
            seen = posted(standin)
            ok = seen.duplicated() == 0 and seen.missing(crowd) == 0
            (message,) = [m for m in standin.messages(f"D{hung[0]}") if m.metadata]
            with schema.store.transaction(Person(TEAM, hung[0])) as book:
                recorded = {n.message_ts for n in book.nudges()}
            found = hung[0] in held and recorded == {message.ts}
            return Failover(lease, len(held), seconds, found, ok and schema.sent() == crowd.nudges)
        finally:
            stop_all(replicas)


def measure(report: Report, *, people: int, leases: tuple[int, ...]) -> None:
    """Phase 12 of the suite; skipped (and said so) when PostgreSQL cannot be reached."""
    url = database_url()
    report.section(TITLE)
    problem = reachable(url)
    if problem is not None:
        report.note(f"skipped: no PostgreSQL at COACH_BENCH_DATABASE_URL ({problem})")
        return
    report.note(f"{people} people x {PER_PERSON} nudges due at one moment; lease {LEASE_SECONDS} s")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rates: dict[int, float] = {}
        for count in (1, 2, 4):
            run = dispatch(url, count, people, folder)
            rates[count] = run.per_second
            name = f"replicas_{count}_dispatch"
            report.figure(f"{name}_nudges_per_s", run.per_second, "nudges/s")
            report.figure(f"{name}_seconds", run.seconds, "s", f"{run.nudges} nudges")
            report.check(
                f"12 {count} replica(s): every nudge once, in due order",
                run.exactly_once and run.in_order and run.seeded_in_time,
                f"{run.once}/{run.nudges} once, {run.duplicated} twice",
            )
        report.figure("replicas_4_vs_1", rates[4] / rates[1] if rates[1] else math.nan, "x")
        run, held = killed_under_429s(url, people, folder)
        faults = ", ".join(f"{k} {v}" for k, v in sorted(run.faults.items())) or "none"
        report.figure("replicas_429_kill_nudges", run.nudges, "nudges", f"faults: {faults}")
        report.figure("replicas_429_kill_people_held", held, "people", "by the killed replica")
        report.figure("replicas_429_kill_delivered_once", run.once, "nudges")
        report.figure("replicas_429_kill_duplicates", run.duplicated, "nudges")
        report.figure("replicas_429_kill_missing", run.missing, "nudges")
        report.figure("replicas_429_kill_seconds", run.seconds, "s")
        report.check(
            "12 exactly once under 429s with a replica killed",
            run.exactly_once and run.in_order,
            f"{run.once}/{run.nudges} once, {run.duplicated} twice, {run.missing} missing",
        )
        for lease in leases:
            result = failover(url, lease, folder)
            name = f"replicas_failover_lease_{lease}s"
            report.figure(
                f"{name}_seconds", result.seconds, "s", f"{result.held_people} people held"
            )
            report.target(
                f"12 failover, lease {lease} s", result.seconds, "s", "<", lease + FAILOVER_SLACK_S
            )
            report.check(
                f"12 failover, lease {lease} s: the unrecorded post found, nothing twice",
                result.unrecorded_found and result.exactly_once,
                "yes" if result.unrecorded_found and result.exactly_once else "no",
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller crowd, one lease")
    parser.add_argument("--people", type=int, help="people in the crowd (10 nudges each)")
    args = parser.parse_args(argv)
    report = Report()
    people = args.people or (150 if args.quick else 400)
    measure(report, people=people, leases=(5,) if args.quick else (5, 15))
    report.summary()
    return 0 if all(t.passed for t in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
