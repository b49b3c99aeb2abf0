"""Claiming due people from a large PostgreSQL store, and opening it.

`python bench/postgres_claim.py [--people 100000] [--per-person 10] [--rounds 500]` makes a
throwaway database on the server named by COACH_BENCH_POSTGRES_URL (default: the local
`postgres` account), seeds it straight through COPY (people, interviews and nudges in every
state), then measures opening the store and `claim_due` + `release` as delivery uses them. It
prints `name: value unit` lines and drops the database at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench import startup  # noqa: E402
from bench.common import START, Report, percentile  # noqa: E402
from bot.domain.interview import Interview, Interviewer, Person, Profile  # noqa: E402
from bot.domain.nudge import Nudge, NudgeState  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402
from bot.storage.postgres_store import PostgresStore  # noqa: E402
from bot.storage.records import WAITING, next_attempt  # noqa: E402

ADMIN_URL = os.environ.get("COACH_BENCH_POSTGRES_URL") or (
    "postgresql://postgres@127.0.0.1:5432/postgres"
)
#: One person in this many has a nudge due at START; the rest wait for days ahead.
DUE_ONE_IN = 100
LEASE = timedelta(seconds=60)
#: COPY's text format for a missing value.
NULL = "\\N"


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))


def copy_text(value: str) -> str:
    """A value as COPY's text format wants it."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def person_rows(index: int, per_person: int) -> tuple[list[str], list[str], str]:
    """One person's nudge lines, interview lines and people line, in COPY text format."""
    person = Person(f"T{index % 100:03d}", f"U{index:07d}")
    key = f"{person.team_id}\t{person.user_id}"
    states = [NudgeState.DONE, NudgeState.SENT, NudgeState.CANCELLED, NudgeState.SKIPPED]
    nudges, waiting = [], []
    for number in range(1, per_person + 1):
        if number <= len(states):
            state, due = states[number - 1], START - timedelta(days=number)
        else:
            state, due = NudgeState.SCHEDULED, START + timedelta(days=number, minutes=index % 600)
        if number == per_person and index % DUE_ONE_IN == 0:
            due = START - timedelta(minutes=1)
        nudge = Nudge(
            number=number,
            interview_id=1 + number % 3,
            rule="follow-up",
            title=f"Follow up with Acme {index}",
            text="Hiring often takes longer than planned. A short, friendly note helps.",
            tip="Keep it to three sentences.",
            due_at=due,
            state=state,
            message_ts=f"{int(due.timestamp())}.{number:06d}" if state is NudgeState.SENT else None,
            key=f"follow-up/1/{number}",
        )
        record = nudge.to_record()
        at = next_attempt(record)
        if record["state"] in WAITING:
            waiting.append(at)
        nudges.append(
            f"{key}\t{number}\t{nudge.interview_id}\t{record['state']}\t"
            f"{nudge.message_ts or NULL}\t{at!r}\t{copy_text(json.dumps(record))}\n"
        )
    interviews = [
        f"{key}\t{i}\t"
        + copy_text(
            json.dumps(
                Interview(
                    i,
                    "Acme",
                    "Staff Engineer",
                    START - timedelta(days=10),
                    START - timedelta(days=10, hours=-1),
                    "America/Los_Angeles",
                    (Interviewer("Jane Doe"), Interviewer("Bob Smith")),
                    created_at=START - timedelta(days=11),
                ).to_record()
            )
        )
        + "\n"
        for i in (1, 2, 3)
    ]
    profile = Profile(tz="America/Los_Angeles", next_interview_id=4, next_nudge_number=11)
    line = (
        f"{key}\ttrue\t{copy_text(json.dumps(profile.to_record()))}\t"
        f"{min(waiting)!r}\t{len(waiting)}\n"
    )
    return nudges, interviews, line


def seed(url: str, people: int, per_person: int) -> None:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        batch = 5_000
        for first in range(0, people, batch):
            nudges, interviews, lines = io.StringIO(), io.StringIO(), io.StringIO()
            for index in range(first, min(first + batch, people)):
                n, i, p = person_rows(index, per_person)
                nudges.writelines(n)
                interviews.writelines(i)
                lines.write(p)
            with cursor.copy(
                "COPY people (team_id, user_id, kept, profile, next_due, waiting) FROM STDIN"
            ) as copy:
                copy.write(lines.getvalue())
            with cursor.copy("COPY interviews (team_id, user_id, id, record) FROM STDIN") as copy:
                copy.write(interviews.getvalue())
            with cursor.copy(
                "COPY nudges (team_id, user_id, number, interview_id, state, message_ts,"
                " next_attempt, record) FROM STDIN"
            ) as copy:
                copy.write(nudges.getvalue())
            conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def measure(report: Report, url: str, people: int, rounds: int) -> None:
    started = time.perf_counter()
    store = PostgresStore(url)
    opened = time.perf_counter() - started
    report.figure("postgres open store", opened * 1000, "ms", "migrations checked, pool open")
    try:
        started = time.perf_counter()
        first_due = store.next_due_at()
        report.figure("postgres next_due_at", (time.perf_counter() - started) * 1000, "ms")
        started = time.perf_counter()
        pending = store.pending_count()
        report.figure("postgres pending_count", (time.perf_counter() - started) * 1000, "ms")
        report.note(f"{pending} nudges waiting; first due at {first_due}")
        for limit in (1, 100):
            times, claims, handed = [], [], 0
            for n in range(rounds):
                began = time.perf_counter()
                claimed = store.claim_due(START, owner=f"bench-{n}", lease=LEASE, limit=limit)
                claims.append(time.perf_counter() - began)
                for person in claimed:
                    store.release(person, owner=f"bench-{n}")
                times.append(time.perf_counter() - began)
                handed += len(claimed)
            per_round = f"{handed / rounds:.0f} people claimed and released per round"
            for q in (50, 99):
                report.figure(
                    f"postgres claim_due(limit={limit}) + release p{q}",
                    percentile(times, q) * 1000,
                    "ms",
                    per_round,
                )
            claim_p99 = percentile(claims, 99) * 1000
            report.figure(f"postgres claim_due(limit={limit}) alone p99", claim_p99, "ms")
            report.target(f"postgres claim_due(limit={limit}) p99", claim_p99, "ms", "<", 20)
        times = []
        for n in range(rounds):
            began = time.perf_counter()
            claimed = store.claim_due(START - timedelta(days=1), owner=f"idle-{n}", lease=LEASE)
            times.append(time.perf_counter() - began)
            assert claimed == []
        report.figure("postgres claim_due with nobody due p99", percentile(times, 99) * 1000, "ms")
        times = []
        for n in range(rounds):
            person = Person(f"T{n % 100:03d}", f"U{(n * 7919) % people:07d}")
            began = time.perf_counter()
            with store.transaction(person) as book:
                due = book.due_nudges(START)
                book.save_nudges(due)
            times.append(time.perf_counter() - began)
        report.figure(
            "postgres person transaction p99",
            percentile(times, 99) * 1000,
            "ms",
            "lock, due query, write back, next_due kept",
        )
    finally:
        store.close()


def measure_startup(report: Report, url: str) -> None:
    """`interview-coach serve` on the seeded database, to /healthz 200: nothing is loaded up
    front, so the number of people stored should not show."""
    folder = Path(tempfile.mkdtemp(prefix="coach-pg-startup-"))
    try:
        with SlackStandIn() as standin:
            started = startup.measure(
                standin, folder / "store", folder / "coach.log", database_url=url
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report.figure("postgres start-up to /healthz 200", started.seconds, "s")
    report.figure("postgres resident memory after start-up", started.rss_mb, "MB")
    report.target("postgres start-up to /healthz 200", started.seconds, "s", "<", 5)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args(argv)
    report = Report()
    name = f"coach_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = database_url(name)
    try:
        PostgresStore(url).close()  # the schema, as a replica's first start makes it
        report.section(f"seeding {args.people} people, {args.people * args.per_person} nudges")
        started = time.perf_counter()
        seed(url, args.people, args.per_person)
        report.figure("postgres seed", time.perf_counter() - started, "s", "COPY, then ANALYZE")
        with psycopg.connect(url) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            count = conn.execute("SELECT count(*) FROM nudges").fetchone()
        report.figure("postgres nudges stored", count[0] if count else 0, "")
        report.figure("postgres database size", (size[0] if size else 0) / 2**20, "MB")
        report.section("claims")
        measure(report, url, args.people, args.rounds)
        report.section("start-up")
        measure_startup(report, url)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    report.summary()
    return 0 if all(t.passed for t in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
