"""The durable write behind a Done click, against a committed SQLite update on the same disk."""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import START
from bot.coach.coach import Coach
from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.lifecycle import FOLLOW_UP, follow_up_refusal, latest_round
from bot.domain.nudge import OPEN_STATES
from bot.domain.playbook import FollowUpCadence
from bot.storage.journal import read_person


@dataclass
class Durability:
    """Milliseconds per durable write."""

    mark: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    syncing: list[float] = field(default_factory=list)
    syncs: list[int] = field(default_factory=list)
    sqlite: list[float] = field(default_factory=list)
    rows: int = 0
    people: int = 0


def open_nudges(
    store_root: Path,
    people: list[Person],
    count: int,
    seed: int,
    *,
    cadence: FollowUpCadence,
    now: datetime,
) -> list[tuple[Person, int]]:
    """(person, number) of open nudges of `count` people picked at random, one each.

    Only nudges a person can tick off now: a follow-up whose interview is still ahead (or one
    that would be too soon after the last) is refused by the coach, so it is not a write.
    Read from the files, not through the store, so the store's cache of open people is left
    as the HTTP phase left it: most of these people are not in it, as in a large population.
    """
    rng = random.Random(seed)
    chosen: list[tuple[Person, int]] = []
    for person in rng.sample(people, len(people)):
        path = store_root / "people" / person.team_id / f"{person.user_id}.json"
        tables = person_data(path)
        records = tables.get("nudges", {}).values()
        numbers = [
            int(r["number"])
            for r in records
            if r["state"] in OPEN_STATES and _markable(tables, r, cadence, now)
        ]
        if numbers:
            chosen.append((person, rng.choice(numbers)))
        if len(chosen) == count:
            break
    return chosen


def _markable(
    tables: dict[str, Any], record: dict[str, Any], cadence: FollowUpCadence, now: datetime
) -> bool:
    """Whether Done on this open nudge is accepted: the coach's own follow-up refusal."""
    if record["rule"] != FOLLOW_UP:
        return True
    interviews = [Interview.from_record(r) for r in tables.get("interviews", {}).values()]
    interview = next((i for i in interviews if i.id == int(record["interview_id"])), None)
    process_record = (
        tables.get("processes", {}).get(str(interview.process_id)) if interview else None
    )
    if interview is None or process_record is None:
        return True
    process = Process.from_record(process_record)
    rounds = [i for i in interviews if i.process_id == process.id]
    profiles = [Profile.from_record(r) for r in tables.get("profile", {}).values()]
    tz = (profiles[0].tz if profiles else None) or "UTC"
    return follow_up_refusal(cadence, process, latest_round(rounds), now, tz) is None


def person_data(path: Path) -> dict[str, Any]:
    """A person's records as the store reads them (the snapshot with its journal)."""
    tables, _, _, _ = read_person(path, path.with_suffix(".log"))
    return tables


def sqlite_table(path: Path, rows: int, seed: int) -> sqlite3.Connection:
    """A nudges table of `rows` rows in WAL mode, every commit fsynced (synchronous=FULL)."""
    rng = random.Random(seed)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE nudges (number INTEGER PRIMARY KEY, person TEXT NOT NULL, "
        "state TEXT NOT NULL, due_at REAL NOT NULL, closed_at REAL, body TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX nudges_due ON nudges (state, due_at)")
    filler = "x" * 500
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO nudges VALUES (?, ?, 'scheduled', ?, NULL, ?)",
        (
            (n, f"U{n // 36:06d}", START.timestamp() + rng.randint(0, 3_000_000), filler)
            for n in range(rows)
        ),
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def measure(
    coach: Coach,
    store_root: Path,
    people: list[Person],
    sqlite_dir: Path,
    *,
    rows: int,
    samples: int,
) -> Durability:
    """Alternate one coach.mark(..., "done") and one committed SQLite update per sample.

    Every other mark first has the person's file read (untimed), so its figure is the write
    itself, like SQLite's update of a row in pages it has cached; the others also pay the
    cold read of the person's file and are reported apart.
    """
    result = Durability()
    now = coach.clock.now()
    targets = open_nudges(
        store_root, people, samples, seed=7, cadence=coach.playbook.follow_ups, now=now
    )
    result.people = len(targets)
    result.rows = rows
    db = sqlite_table(sqlite_dir / "nudges.sqlite", rows, seed=7)
    rng = random.Random(11)
    gc.collect()
    try:
        with timed_syncs() as synced:
            for index, (person, number) in enumerate(targets):
                if index % 2:
                    result.sqlite.append(_sqlite_update(db, rng.randrange(rows)))
                warm = bool(index % 2)
                if warm:
                    coach.profile(person)
                synced.clear()
                began = time.perf_counter()
                coach.mark(person, number, "done")
                spent = (time.perf_counter() - began) * 1000
                if not warm:
                    result.cold.append(spent)
                    continue
                result.mark.append(spent)
                result.syncing.append(sum(synced))
                result.syncs.append(len(synced))
                if not index % 2:
                    result.sqlite.append(_sqlite_update(db, rng.randrange(rows)))
    finally:
        db.close()
    return result


@contextmanager
def timed_syncs() -> Iterator[list[float]]:
    """Milliseconds of each os.fsync / os.fdatasync call made while inside (SQLite's are C)."""
    spent: list[float] = []
    fsync, fdatasync = os.fsync, os.fdatasync

    def timing(sync: Callable[[int], None]) -> Callable[[int], None]:
        def timed(fd: int) -> None:
            began = time.perf_counter()
            sync(fd)
            spent.append((time.perf_counter() - began) * 1000)

        return timed

    os.fsync, os.fdatasync = timing(fsync), timing(fdatasync)
    try:
        yield spent
    finally:
        os.fsync, os.fdatasync = fsync, fdatasync


def _sqlite_update(db: sqlite3.Connection, number: int) -> float:
    began = time.perf_counter()
    db.execute("BEGIN")
    db.execute(
        "UPDATE nudges SET state = 'done', closed_at = ? WHERE number = ?",
        (START.timestamp(), number),
    )
    db.execute("COMMIT")
    return (time.perf_counter() - began) * 1000
