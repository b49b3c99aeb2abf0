"""The TinyDB store: the source of truth, one small TinyDB per person, crash-safe.

TinyDB's own JSON storage rewrites one big file in place on every write, which is slow at scale
and leaves a broken file after a crash. Here each person has a TinyDB of their own, kept as a
snapshot (`U1.json`) plus an append-only journal (`U1.log`):

- A transaction holds the store's lock and ends in one journal line naming every record it
  changed, appended and fsynced before the transaction returns (and before Slack is answered).
  A crash mid-append leaves a torn last line, which is ignored on reading: the transaction is
  then all lost or all kept, never half.
- Every few dozen lines the snapshot is rewritten atomically (temp file, fsync, rename, fsync
  the folder) and the journal emptied. Journal lines hold whole records, so replaying one over
  a snapshot that already has it changes nothing.

A change costs one small append, however many people there are. Nudges waiting to be sent are
indexed by due time in memory, rebuilt from the files at start-up, so nothing the scheduler
needs lives anywhere else.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge, NudgeState

LOGGER = logging.getLogger(__name__)

_SLACK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PROFILE_ID = 1


class StoreLocked(RuntimeError):
    """Another process already uses this store; two writers would corrupt it."""


#: Journal lines after which a person's snapshot is rewritten and the journal emptied.
COMPACT_AFTER = 64
#: ...or journal bytes, once the journal outgrows the snapshot: reading replays it all.
COMPACT_BYTES = 16_384


class JournalStorage(Storage):
    """A TinyDB storage: a snapshot plus an append-only journal, kept in memory once read.

    TinyDB hands `write` the whole database; the person's book says which records it changed
    (`touch`), so only those go to the journal.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._journal = path.with_suffix(".log")
        self._cache: dict[str, Any] | None = None
        self._lines = 0
        self._journal_bytes = 0
        self._snapshot_bytes = 0
        self._holding = False
        self._touched: dict[tuple[str, str | None], None] = {}

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            data, self._lines = load_person_file(self._path)
            if data is None:
                return None
            self._cache = data
            self._journal_bytes = _size(self._journal)
            self._snapshot_bytes = _size(self._path)
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if not self._holding:
            self._compact()

    def touch(self, table: str, doc_id: int | None) -> None:
        """A record (or, with None, a whole table) this transaction changed."""
        self._touched[(table, None if doc_id is None else str(doc_id))] = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Collect every write made inside into one durable journal line at the end."""
        self._holding, self._touched = True, {}
        try:
            yield
            if self._touched:
                self._append()
        except BaseException:
            self._cache = None
            raise
        finally:
            self._holding = False

    def _append(self) -> None:
        tables = self._cache or {}
        changes = []
        for table, doc_id in self._touched:
            rows = tables.get(table, {})
            changes.append([table, doc_id, rows if doc_id is None else rows.get(doc_id)])
        line = json.dumps(changes, separators=(",", ":")).encode() + b"\n"
        created = not self._journal.exists()
        self._journal.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fdatasync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(self._journal.parent)
        self._lines += 1
        self._journal_bytes += len(line)
        if self._lines >= COMPACT_AFTER or self._journal_bytes > max(
            self._snapshot_bytes, COMPACT_BYTES
        ):
            try:
                self._compact()
            except OSError as error:
                LOGGER.warning("Compacting %s failed, will retry later: %s", self._path, error)

    def _compact(self) -> None:
        """Rewrite the snapshot from memory, then empty the journal."""
        snapshot = json.dumps(self._cache, separators=(",", ":")).encode()
        write_atomically(self._path, snapshot)
        self._snapshot_bytes = len(snapshot)
        if self._journal.exists():
            os.truncate(self._journal, 0)
            fd = os.open(self._journal, os.O_WRONLY)
            try:
                os.fdatasync(fd)
            finally:
                os.close(fd)
        self._lines = 0
        self._journal_bytes = 0

    def close(self) -> None:
        self._cache = None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def load_person_file(path: Path) -> tuple[dict[str, Any] | None, int]:
    """A person's data (snapshot with the journal replayed) and the journal's line count.

    A torn last line (a crash mid-append) is not valid JSON and is skipped: that
    transaction never returned, so nobody was told it happened.
    """
    try:
        data: dict[str, Any] | None = json.loads(path.read_bytes())
    except FileNotFoundError:
        data = None
    try:
        lines = path.with_suffix(".log").read_bytes().splitlines()
    except FileNotFoundError:
        lines = []
    replayed = 0
    for raw in lines:
        try:
            changes = json.loads(raw)
        except ValueError:
            LOGGER.warning("Skipping a torn journal line in %s", path.with_suffix(".log"))
            continue
        data = data if data is not None else {}
        for table, doc_id, value in changes:
            if doc_id is None:
                data[table] = value
            elif value is None:
                data.get(table, {}).pop(doc_id, None)
            else:
                data.setdefault(table, {})[doc_id] = value
        replayed += 1
    return data, replayed


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
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a new or renamed file's name itself durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: A due-index entry: (due timestamp, team id, user id, nudge number). Plain tuples of
#: atomic values are not tracked by the garbage collector, which matters at 100,000 entries.
DueEntry = tuple[float, str, str, int]


class PersonBook:
    """One person's interviews, processes, nudges and profile, seen inside a transaction."""

    def __init__(self, person: Person, db: TinyDB, storage: JournalStorage) -> None:
        self.person = person
        self._db = db
        self._storage = storage
        self.scheduled: list[Nudge] = []
        self._undo: dict[str, Any] | None = None

    @property
    def profile(self) -> Profile:
        record = self._db.table("profile").get(doc_id=_PROFILE_ID)
        return Profile.from_record(dict(record)) if record else Profile()

    def save_profile(self, profile: Profile) -> None:
        """Counters and settings: not part of undo, so numbers are never handed out twice."""
        self._db.table("profile").upsert(Document(profile.to_record(), doc_id=_PROFILE_ID))
        self._storage.touch("profile", _PROFILE_ID)

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
            self._storage.touch(table, doc_id)
        if present:
            self._db.table(table).remove(doc_ids=present)

    def export(self) -> dict[str, Any]:
        """Every table as plain records, for the person's own copy of their data."""
        return {table: list(map(dict, self._db.table(table).all())) for table in self._db.tables()}

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
                self._storage.touch(table, int(key))
        self.scheduled.extend(n for n in restored if n.state == NudgeState.SCHEDULED)
        self._db.table("undo").remove(doc_ids=[1])
        self._storage.touch("undo", 1)
        return str(record["description"])

    def finish(self) -> None:
        """Store the before-images of a recorded change, replacing the previous ones."""
        if self._undo is not None and self._undo["before"]:
            self._db.table("undo").upsert(Document(self._undo, doc_id=1))
            self._storage.touch("undo", 1)

    def _write(self, table: str, doc_id: int, record: dict[str, Any]) -> None:
        self._remember(table, doc_id)
        self._db.table(table).upsert(Document(record, doc_id=doc_id))
        self._storage.touch(table, doc_id)

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
        self._open: OrderedDict[Person, tuple[TinyDB, JournalStorage]] = OrderedDict()
        self._open_limit = open_people
        self._due: list[DueEntry] = []
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
            book = PersonBook(person, db, storage)
            with storage.held():
                yield book
                book.finish()
            for nudge in book.scheduled:
                moment = nudge.next_attempt_at
                heapq.heappush(
                    self._due, (moment.timestamp(), person.team_id, person.user_id, nudge.number)
                )
        for nudge in book.scheduled:
            for watcher in self._watchers:
                watcher(nudge.next_attempt_at)

    def forget(self, person: Person) -> None:
        """Delete the person's files; their entries in the due index find nothing and lapse."""
        with self._lock:
            cached = self._open.pop(person, None)
            if cached is not None:
                cached[0].close()
            path = self._path(person)
            for file in (path, path.with_suffix(".log")):
                file.unlink(missing_ok=True)
            if path.parent.exists():
                _fsync_folder(path.parent)

    def take_due(self, now: datetime) -> list[tuple[Person, int]]:
        """Nudges whose time has come, by person and number; the caller checks each one.

        Entries may be stale (snoozed, done): the index is only a hint, the person's file says.
        """
        found: list[tuple[Person, int]] = []
        limit = now.timestamp()
        with self._lock:
            while self._due and self._due[0][0] <= limit:
                _, team_id, user_id, number = heapq.heappop(self._due)
                found.append((Person(team_id, user_id), number))
        return list(dict.fromkeys(found))

    def next_due_at(self) -> datetime | None:
        with self._lock:
            return datetime.fromtimestamp(self._due[0][0], UTC) if self._due else None

    def pending_count(self) -> int:
        with self._lock:
            return len(self._due)

    def people(self) -> list[Person]:
        """Everyone with a file, for sweeps across people (listing is rare, so no index)."""
        found = []
        for team in sorted((self.root / "people").iterdir()):
            names = {f.stem for f in team.iterdir() if f.suffix in (".json", ".log")}
            found.extend(Person(team.name, name) for name in sorted(names) if _SLACK_ID.match(name))
        return found

    def _person_db(self, person: Person) -> tuple[TinyDB, JournalStorage]:
        cached = self._open.get(person)
        if cached is not None:
            self._open.move_to_end(person)
            return cached
        storage_holder: list[JournalStorage] = []

        def make_storage(path: Path) -> JournalStorage:
            storage = JournalStorage(path)
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
                data, _ = load_person_file(self._path(person))
            except (OSError, ValueError) as error:
                LOGGER.error("Cannot read the store file of %s/%s: %s", *person, error)
                raise
            for record in (data or {}).get("nudges", {}).values():
                if record["state"] in waiting:
                    moment = record.get("retry_at") or record["due_at"]
                    self._due.append(
                        (moment, person.team_id, person.user_id, int(record["number"]))
                    )
        heapq.heapify(self._due)
        LOGGER.info("Store opened: %d nudges waiting to be sent", len(self._due))
