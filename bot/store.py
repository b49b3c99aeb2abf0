"""The TinyDB store: the source of truth, one small file per person, written atomically.

TinyDB's own JSON storage rewrites one big file in place on every write, which is slow at scale
and leaves a broken file after a crash. Here each person has a TinyDB of their own whose storage
writes a temporary file, fsyncs it, renames it over the old one and fsyncs the folder: a crash
leaves either the old or the new file, never half of one. A change to one person costs a write
of that person's few kilobytes, however many people there are.

A transaction holds the store's lock and turns all its TinyDB writes into one durable write.
Nudges waiting to be sent are indexed by due time in memory; the index is rebuilt from the
files at start-up, so nothing the scheduler needs lives anywhere else.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from bot.interview import Interview, Person, Process, Profile
from bot.nudge import Nudge, NudgeState

LOGGER = logging.getLogger(__name__)

_SLACK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PROFILE_ID = 1


class StoreLocked(RuntimeError):
    """Another process already uses this store; two writers would corrupt it."""


class AtomicJSONStorage(Storage):
    """A TinyDB storage that keeps the data in memory and replaces the file atomically."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._cache: dict[str, Any] | None = None
        self._holding = False
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            try:
                self._cache = json.loads(self._path.read_bytes())
            except FileNotFoundError:
                return None
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self._holding:
            self._dirty = True
        else:
            self._flush()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Collect every write made inside into one durable write at the end."""
        self._holding, self._dirty = True, False
        try:
            yield
        except BaseException:
            self._cache = None
            raise
        finally:
            self._holding = False
        if self._dirty:
            self._flush()

    def _flush(self) -> None:
        try:
            write_atomically(self._path, json.dumps(self._cache, separators=(",", ":")).encode())
        except BaseException:
            self._cache = None
            raise

    def close(self) -> None:
        self._cache = None


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file, fsync, rename, fsync the folder: the file is the old one or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@dataclass(order=True)
class _DueEntry:
    due: float
    person: Person = field(compare=False)
    number: int = field(compare=False)


class PersonBook:
    """One person's interviews, processes, nudges and profile, seen inside a transaction."""

    def __init__(self, person: Person, db: TinyDB) -> None:
        self.person = person
        self._db = db
        self.scheduled: list[Nudge] = []
        self._undo: dict[str, Any] | None = None

    @property
    def profile(self) -> Profile:
        record = self._db.table("profile").get(doc_id=_PROFILE_ID)
        return Profile.from_record(dict(record)) if record else Profile()

    def save_profile(self, profile: Profile) -> None:
        self._db.table("profile").upsert(Document(profile.to_record(), doc_id=_PROFILE_ID))

    def interviews(self) -> list[Interview]:
        return [Interview.from_record(dict(r)) for r in self._db.table("interviews").all()]

    def interview(self, interview_id: int) -> Interview | None:
        record = self._db.table("interviews").get(doc_id=interview_id)
        return Interview.from_record(dict(record)) if record else None

    def save_interview(self, interview: Interview) -> None:
        self._write("interviews", interview.id, interview.to_record())

    def processes(self) -> list[Process]:
        return [Process.from_record(dict(r)) for r in self._db.table("processes").all()]

    def process(self, process_id: int) -> Process | None:
        record = self._db.table("processes").get(doc_id=process_id)
        return Process.from_record(dict(record)) if record else None

    def save_process(self, process: Process) -> None:
        self._write("processes", process.id, process.to_record())

    def nudges(self) -> list[Nudge]:
        return [Nudge.from_record(dict(r)) for r in self._db.table("nudges").all()]

    def nudge(self, number: int) -> Nudge | None:
        record = self._db.table("nudges").get(doc_id=number)
        return Nudge.from_record(dict(record)) if record else None

    def save_nudges(self, nudges: list[Nudge]) -> None:
        for nudge in nudges:
            self._write("nudges", nudge.number, nudge.to_record())
        self.scheduled.extend(n for n in nudges if n.state == NudgeState.SCHEDULED)

    def remove(self, table: str, doc_ids: list[int]) -> None:
        """Delete records ("interviews", "processes" or "nudges") by id."""
        present = [i for i in doc_ids if self._db.table(table).contains(doc_id=i)]
        for doc_id in present:
            self._remember(table, doc_id)
        if present:
            self._db.table(table).remove(doc_ids=present)

    def forget_everything(self) -> None:
        self._db.drop_tables()

    def record_undo(self, description: str, now: datetime) -> None:
        """From here on, keep what each record looked like before, so the change can be undone.

        Delivery's own writes are never recorded: undo is for what the person did.
        """
        self._undo = {"description": description, "at": now.timestamp(), "before": {}}

    def last_change(self) -> tuple[str, datetime] | None:
        record = self._db.table("undo").get(doc_id=1)
        if not record:
            return None
        return record["description"], datetime.fromtimestamp(record["at"], UTC)

    def undo_last_change(self) -> str | None:
        """Put back what the last recorded change replaced; its description, or None."""
        record = self._db.table("undo").get(doc_id=1)
        if not record:
            return None
        restored: list[Nudge] = []
        for table, before in record["before"].items():
            for key, old in before.items():
                current = self._db.table(table).get(doc_id=int(key))
                if table == "nudges" and _delivered_since(old, current):
                    continue
                if old is None:
                    if current is not None:
                        self._db.table(table).remove(doc_ids=[int(key)])
                else:
                    self._db.table(table).upsert(Document(old, doc_id=int(key)))
                    if table == "nudges":
                        restored.append(Nudge.from_record(old))
        self.scheduled.extend(n for n in restored if n.state == NudgeState.SCHEDULED)
        self._db.table("undo").truncate()
        return str(record["description"])

    def finish(self) -> None:
        """Store the before-images of a recorded change, replacing the previous ones."""
        if self._undo is not None and self._undo["before"]:
            self._db.table("undo").upsert(Document(self._undo, doc_id=1))

    def _write(self, table: str, doc_id: int, record: dict[str, Any]) -> None:
        self._remember(table, doc_id)
        self._db.table(table).upsert(Document(record, doc_id=doc_id))

    def _remember(self, table: str, doc_id: int) -> None:
        if self._undo is None:
            return
        before = self._undo["before"].setdefault(table, {})
        key = str(doc_id)
        if key not in before:
            old = self._db.table(table).get(doc_id=doc_id)
            before[key] = dict(old) if old else None


def _delivered_since(old: dict[str, Any] | None, current: Any) -> bool:
    """Delivery sent this nudge after the change: putting it back would send it twice."""
    delivered = {NudgeState.SENDING.value, NudgeState.SENT.value}
    return (
        old is not None
        and current is not None
        and old["state"] == NudgeState.SCHEDULED.value
        and current["state"] in delivered
    )


class Store:
    """Every person's data under one folder, guarded by a thread lock and a file lock."""

    def __init__(self, root: Path, *, open_people: int = 512) -> None:
        self.root = root
        (root / "people").mkdir(parents=True, exist_ok=True)
        self._lock_file = open(root / "store.lock", "a+")  # noqa: SIM115 - held for our lifetime
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreLocked(
                f"Another Interview Coach is already using the store at {root}. "
                "Stop it first, or set COACH_DB_PATH to another folder."
            ) from None
        self._lock = threading.RLock()
        self._open: OrderedDict[Person, tuple[TinyDB, AtomicJSONStorage]] = OrderedDict()
        self._open_limit = open_people
        self._due: list[_DueEntry] = []
        self._watchers: list[Callable[[datetime], None]] = []
        self._index_pending_nudges()

    def close(self) -> None:
        with self._lock:
            for db, _ in self._open.values():
                db.close()
            self._open.clear()
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()

    def watch_due(self, callback: Callable[[datetime], None]) -> None:
        """Be told (after the write is durable) whenever a nudge is scheduled."""
        self._watchers.append(callback)

    @contextmanager
    def transaction(self, person: Person) -> Iterator[PersonBook]:
        """One person's data, changed as a unit: all of it is durable at the end, or none."""
        with self._lock:
            db, storage = self._person_db(person)
            book = PersonBook(person, db)
            with storage.held():
                yield book
                book.finish()
            for nudge in book.scheduled:
                moment = nudge.next_attempt_at
                heapq.heappush(self._due, _DueEntry(moment.timestamp(), person, nudge.number))
        for nudge in book.scheduled:
            for watcher in self._watchers:
                watcher(nudge.next_attempt_at)

    def take_due(self, now: datetime) -> list[tuple[Person, int]]:
        """Nudges whose time has come, by person and number; the caller checks each one.

        Entries may be stale (snoozed, done): the index is only a hint, the person's file says.
        """
        found: list[tuple[Person, int]] = []
        limit = now.timestamp()
        with self._lock:
            while self._due and self._due[0].due <= limit:
                entry = heapq.heappop(self._due)
                found.append((entry.person, entry.number))
        return list(dict.fromkeys(found))

    def next_due_at(self) -> datetime | None:
        with self._lock:
            return datetime.fromtimestamp(self._due[0].due, UTC) if self._due else None

    def pending_count(self) -> int:
        with self._lock:
            return len(self._due)

    def people(self) -> list[Person]:
        """Everyone with a file, for sweeps across people (listing is rare, so no index)."""
        found = []
        for team in sorted((self.root / "people").iterdir()):
            found.extend(Person(team.name, f.stem) for f in sorted(team.glob("*.json")))
        return found

    def _person_db(self, person: Person) -> tuple[TinyDB, AtomicJSONStorage]:
        cached = self._open.get(person)
        if cached is not None:
            self._open.move_to_end(person)
            return cached
        storage_holder: list[AtomicJSONStorage] = []

        def make_storage(path: Path) -> AtomicJSONStorage:
            storage = AtomicJSONStorage(path)
            storage_holder.append(storage)
            return storage

        db = TinyDB(self._path(person), storage=make_storage)
        self._open[person] = (db, storage_holder[0])
        if len(self._open) > self._open_limit:
            _, (old, _) = self._open.popitem(last=False)
            old.close()
        return db, storage_holder[0]

    def _path(self, person: Person) -> Path:
        for part in (person.team_id, person.user_id):
            if not _SLACK_ID.match(part):
                raise ValueError(f"not a Slack id: {part!r}")
        return self.root / "people" / person.team_id / f"{person.user_id}.json"

    def _index_pending_nudges(self) -> None:
        """Rebuild the due index from the files: the scheduler's whole state comes from here."""
        waiting = {NudgeState.SCHEDULED.value, NudgeState.SENDING.value}
        for person in self.people():
            try:
                data = json.loads(self._path(person).read_bytes())
            except (OSError, ValueError) as error:
                LOGGER.error("Cannot read the store file of %s/%s: %s", *person, error)
                raise
            for record in data.get("nudges", {}).values():
                if record["state"] in waiting:
                    moment = record.get("retry_at") or record["due_at"]
                    self._due.append(_DueEntry(moment, person, int(record["number"])))
        heapq.heapify(self._due)
        LOGGER.info("Store opened: %d nudges waiting to be sent", len(self._due))
