"""`/interview add` and a Done click on the PostgreSQL store, next to the TinyDB one, in one run.

Both stores hold the same people: the TinyDB store is seeded through the coach (bench.seeding),
then copied into a throwaway PostgreSQL schema by the code behind `interview-coach migrate`.
Each is then served by the real app over HTTP and measured as bench.latency measures the large
store, each against its own no-op slash command, so a slower machine moves both sides alike.
The schema is dropped at the end, whatever happened.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from bench import latency
from bench.common import START, running_coach
from bench.seeding import Seeded
from bot.clock import ManualClock
from bot.local.standin import SlackStandIn
from bot.storage.postgres_schema import schema_url, where, without_password
from bot.storage.transfer import copy_store

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: How many nudges the shared population holds: a busy team's worth, not the large store's.
STORE_NUDGES = 4_000
#: The coach's tables, analysed after the copy as autovacuum would in a while.
TABLES = ("people", "interviews", "processes", "nudges")


def server_url() -> str:
    return os.environ.get("COACH_BENCH_DATABASE_URL", "").strip() or DEFAULT_URL


def unreachable(url: str) -> str | None:
    """Why the server cannot be used for the phase, or None when it can."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {where(url)} cannot be reached: {without_password(str(error), url)}"
    return None


@contextmanager
def throwaway_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server, as the URL the coach opens it with; dropped afterwards."""
    name = f"coach_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield schema_url(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def copy_into(root: Path, url: str) -> int:
    """Copy the seeded TinyDB store into PostgreSQL, then ANALYZE; the nudges copied."""
    copied = copy_store(root, url)
    with psycopg.connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    return sum(copied.nudges.values())


def measure_one(
    standin: SlackStandIn,
    seeded: Seeded,
    *,
    rounds: int,
    warmup: int,
    database_url: str | None = None,
) -> latency.Latencies:
    """The latency rounds against one store, on a fresh stand-in and a fresh coach."""
    standin.reset()
    latency.prepare_people(standin, seeded)
    with running_coach(
        standin,
        seeded.root,
        ManualClock(START),
        before_serving=latency.register_noop,
        database_url=database_url,
    ) as running:
        return latency.measure(standin, running, seeded, rounds=rounds, warmup=warmup)
