"""The TinyDB store: the embedded default, one small TinyDB per person, crash-safe.

Each person's data is a TinyDB database (`people/<team>/<user>.json`, TinyDB's own layout of
tables and records) kept as a snapshot plus an append-only journal (`<user>.log`, see
`bot.storage.journal`). TinyDB's `Table` rewrites a whole table on every write, so records are
written through the storage instead: one changed record costs one small journal line, however
much the person keeps. Reads by id go through TinyDB's tables; the person's nudges are also
indexed (open ones by interview, by message, the due ones) so no query scans them all.

Each person has a lock of their own: one person's slow transaction never holds up another's.
The due index (when each person next needs delivery) lives in memory and is rebuilt from the
files at start-up, so nothing the scheduler needs lives anywhere else. A person file that
cannot be read is set aside (quarantined, bytes kept) and logged, and everyone else is served.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import logging
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage

from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge
from bot.storage.feed_files import FeedFiles
from bot.storage.journal import (
    CorruptPersonFile,
    Tables,
    append_line,
    empty_journal,
    encode_line,
    fsync_folder,
    read_person,
    trim_torn_tail,
    write_atomically,
)
from bot.storage.protocol import (
    Installation,
    Lease,
    StoreError,
    StoreLocked,
    StoreWriteFailed,
)
from bot.storage.records import OPEN as _OPEN
from bot.storage.records import SLACK_ID as _SLACK_ID
from bot.storage.records import WAITING as _WAITING
from bot.storage.records import check_person, next_attempt
from bot.storage.requests import RequestWindows, SeenEvents
from bot.storage.workspace_files import WorkspaceFiles

LOGGER = logging.getLogger(__name__)

_SINGLETON = "1"

#: Journal lines after which a person's snapshot is rewritten and the journal emptied.
COMPACT_AFTER = 64
#: ...or journal bytes, once the journal outgrows the snapshot: reading replays it all.
COMPACT_BYTES = 16_384

T = TypeVar("T")


class NudgeIndex:
    """Where a person's nudges are, by what the coach asks: kept in step with every write."""

    def __init__(self, nudges: dict[str, dict[str, Any]]) -> None:
        self.open_by_interview: dict[int, set[int]] = {}
        self.by_interview: dict[int, set[int]] = {}
        self.by_message: dict[str, set[int]] = {}
        self.waiting: dict[int, float] = {}
        self.latest_message: str | None = None
        for record in nudges.values():
            self.add(record)

    def add(self, record: dict[str, Any]) -> None:
        number, interview = int(record["number"]), int(record["interview_id"])
        self.by_interview.setdefault(interview, set()).add(number)
        state = record["state"]
        if state in _OPEN:
            self.open_by_interview.setdefault(interview, set()).add(number)
        if state in _WAITING:
            self.waiting[number] = next_attempt(record)
        ts = record.get("message_ts")
        if ts:
            self.by_message.setdefault(ts, set()).add(number)
            if self.latest_message is None or float(ts) > float(self.latest_message):
                self.latest_message = ts

    def remove(self, record: dict[str, Any]) -> None:
        number, interview = int(record["number"]), int(record["interview_id"])
        self.by_interview.get(interview, set()).discard(number)
        self.open_by_interview.get(interview, set()).discard(number)
        self.waiting.pop(number, None)
        ts = record.get("message_ts")
        if ts and ts in self.by_message:
            self.by_message[ts].discard(number)
            if not self.by_message[ts]:
                del self.by_message[ts]
                if ts == self.latest_message:
                    self.latest_message = max(self.by_message, key=float, default=None)


def next_due_of(tables: Tables) -> float | None:
    """A person's next due moment, from their records (see the Store protocol)."""
    profile = tables.get("profile", {}).get(_SINGLETON) or {}
    if profile.get("delivery_parked"):
        return None
    moments = [next_attempt(r) for r in tables.get("nudges", {}).values() if r["state"] in _WAITING]
    return min(moments) if moments else None


class JournalStorage(Storage):
    """TinyDB's storage for one person: tables in memory, each change journaled durably.

    Writes made inside `held()` are collected and appended as one line at its end, fsynced.
    """

    def __init__(self, snapshot: Path, tables: Tables, lines: int) -> None:
        self.snapshot = snapshot
        self.journal = snapshot.with_suffix(".log")
        self.tables = tables
        self.lines = lines
        self.journal_bytes = _size(self.journal)
        self.snapshot_bytes = _size(snapshot)
        self._touched: dict[tuple[str, str | None], None] = {}

    def read(self) -> Tables:
        return self.tables

    def write(self, data: Tables) -> None:
        """TinyDB's own writes hand over everything: journal each table whole."""
        self.tables = data
        for table in data:
            self._touched[(table, None)] = None

    def put(self, table: str, doc_id: str, record: dict[str, Any] | None) -> None:
        """Write (or, with None, delete) one record."""
        if record is None:
            self.tables.get(table, {}).pop(doc_id, None)
        else:
            self.tables.setdefault(table, {})[doc_id] = record
        self._touched[(table, doc_id)] = None

    def commit(self) -> None:
        """Append this transaction's line; raises StoreWriteFailed if it is not durable."""
        if not self._touched:
            return
        changes = []
        for table, doc_id in self._touched:
            rows = self.tables.get(table, {})
            changes.append([table, doc_id, rows if doc_id is None else rows.get(doc_id)])
        self._touched = {}
        line = encode_line(changes)
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            append_line(self.journal, line)
        except OSError as error:
            raise StoreWriteFailed(f"could not write {self.journal}: {error}") from error
        self.lines += 1
        self.journal_bytes += len(line)
        if self.lines >= COMPACT_AFTER or self.journal_bytes > max(
            self.snapshot_bytes, COMPACT_BYTES
        ):
            try:
                self.compact()
            except OSError as error:
                LOGGER.warning("Compacting %s failed, will retry later: %s", self.snapshot, error)

    def compact(self) -> None:
        """Rewrite the snapshot from memory, then empty the journal.

        A crash between the two leaves a journal whose lines the new snapshot already holds:
        replaying them changes nothing.
        """
        snapshot = json.dumps(self.tables, separators=(",", ":")).encode()
        write_atomically(self.snapshot, snapshot)
        self.snapshot_bytes = len(snapshot)
        empty_journal(self.journal)
        self.lines = 0
        self.journal_bytes = 0

    def close(self) -> None:
        """Nothing to flush: every transaction was durable when it returned."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class PersonFile:
    """One person's open TinyDB: tables, the nudge index, and records already decoded."""

    def __init__(self, snapshot: Path, *, read_only: bool = False) -> None:
        """`read_only` leaves a torn last line on disk (it is never read either way): a copy
        made from the store must not change it."""
        tables, lines, good_length, torn = read_person(snapshot, snapshot.with_suffix(".log"))
        if torn and not read_only:
            LOGGER.warning("Dropped a torn last journal line in %s", snapshot.with_suffix(".log"))
            trim_torn_tail(snapshot.with_suffix(".log"), good_length)
        self.storage = JournalStorage(snapshot, tables, lines)
        self.db = TinyDB(storage=lambda: self.storage)
        self.index = NudgeIndex(tables.get("nudges", {}))
        self._decoded: dict[tuple[str, str], Any] = {}

    def record(self, table: str, doc_id: str) -> dict[str, Any] | None:
        document = self.db.table(table).get(doc_id=int(doc_id))
        return dict(document) if document is not None else None

    def decoded(self, table: str, doc_id: str, decode: Callable[[dict[str, Any]], T]) -> T | None:
        key = (table, doc_id)
        if key in self._decoded:
            return self._decoded[key]  # type: ignore[no-any-return]
        raw = self.storage.tables.get(table, {}).get(doc_id)
        value = decode(raw) if raw is not None else None
        self._decoded[key] = value
        return value

    def put(self, table: str, doc_id: str, record: dict[str, Any] | None) -> None:
        if table == "nudges":
            old = self.storage.tables.get("nudges", {}).get(doc_id)
            if old is not None:
                self.index.remove(old)
            if record is not None:
                self.index.add(record)
        self.storage.put(table, doc_id, record)
        self.db.table(table).clear_cache()
        self._decoded.pop((table, doc_id), None)

    def next_due(self) -> float | None:
        profile = self.storage.tables.get("profile", {}).get(_SINGLETON) or {}
        if profile.get("delivery_parked") or not self.index.waiting:
            return None
        return min(self.index.waiting.values())


class TinyPersonBook:
    """A person's data inside a transaction (the PersonBook protocol over a PersonFile)."""

    def __init__(self, person: Person, file: PersonFile) -> None:
        self.person = person
        self._file = file

    @property
    def profile(self) -> Profile:
        return self._file.decoded("profile", _SINGLETON, Profile.from_record) or Profile()

    def save_profile(self, profile: Profile) -> None:
        self._file.put("profile", _SINGLETON, profile.to_record())

    def interview(self, interview_id: int) -> Interview | None:
        return self._file.decoded("interviews", str(interview_id), Interview.from_record)

    def interviews(self) -> list[Interview]:
        return self._all("interviews", Interview.from_record)

    def save_interview(self, interview: Interview) -> None:
        self._file.put("interviews", str(interview.id), interview.to_record())

    def delete_interview(self, interview_id: int) -> None:
        self._file.put("interviews", str(interview_id), None)

    def process(self, process_id: int) -> Process | None:
        return self._file.decoded("processes", str(process_id), Process.from_record)

    def processes(self) -> list[Process]:
        return self._all("processes", Process.from_record)

    def save_process(self, process: Process) -> None:
        self._file.put("processes", str(process.id), process.to_record())

    def delete_process(self, process_id: int) -> None:
        self._file.put("processes", str(process_id), None)

    def nudge(self, number: int) -> Nudge | None:
        return self._file.decoded("nudges", str(number), Nudge.from_record)

    def open_nudges(self, interview_ids: Collection[int] | None = None) -> list[Nudge]:
        index = self._file.index.open_by_interview
        keys = index.keys() if interview_ids is None else interview_ids
        return self._nudges(n for key in keys for n in index.get(key, ()))

    def nudges_of(self, interview_ids: Collection[int]) -> list[Nudge]:
        index = self._file.index.by_interview
        return self._nudges(n for key in interview_ids for n in index.get(key, ()))

    def nudges_in_message(self, message_ts: str) -> list[Nudge]:
        return self._nudges(self._file.index.by_message.get(message_ts, ()))

    def latest_message(self) -> str | None:
        return self._file.index.latest_message

    def due_nudges(self, now: datetime) -> list[Nudge]:
        limit = now.timestamp()
        return self._nudges(n for n, at in self._file.index.waiting.items() if at <= limit)

    def waiting_nudges(self) -> list[Nudge]:
        return self._nudges(self._file.index.waiting)

    def nudges(self) -> list[Nudge]:
        return self._all("nudges", Nudge.from_record)

    def save_nudges(self, nudges: Collection[Nudge]) -> None:
        for nudge in nudges:
            self._file.put("nudges", str(nudge.number), nudge.to_record())

    def delete_nudges(self, numbers: Collection[int]) -> None:
        for number in numbers:
            self._file.put("nudges", str(number), None)

    def undo_record(self) -> dict[str, Any] | None:
        return self._file.record("undo", _SINGLETON)

    def save_undo_record(self, record: dict[str, Any] | None) -> None:
        self._file.put("undo", _SINGLETON, record)

    def export(self) -> dict[str, list[dict[str, Any]]]:
        db = self._file.db
        return {table: [dict(r) for r in db.table(table).all()] for table in sorted(db.tables())}

    def _nudges(self, numbers: Iterator[int] | Collection[int]) -> list[Nudge]:
        found = (self.nudge(n) for n in sorted(set(numbers)))
        return [n for n in found if n is not None]

    def _all(self, table: str, decode: Callable[[dict[str, Any]], T]) -> list[T]:
        ids = sorted(self._file.storage.tables.get(table, {}), key=int)
        found = (self._file.decoded(table, doc_id, decode) for doc_id in ids)
        return [value for value in found if value is not None]


@dataclass
class _Slot:
    """What the store keeps about one person between transactions."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    file: PersonFile | None = None
    due: float | None = None
    waiting: int = 0
    lease_owner: str | None = None
    lease_until: float = 0.0
    #: The fencing token: one more at every claim of the person.
    fence: int = 0
    not_before: float = 0.0

    def wake(self) -> float | None:
        """When this person should next be looked at by delivery."""
        if self.lease_owner is not None:
            return self.lease_until
        if self.due is None:
            return None
        return max(self.due, self.not_before)


class TinyStore:
    """Every person's data under one folder: a file lock for the process, a lock per person."""

    def __init__(self, root: Path, *, open_people: int = 512) -> None:
        self.root = root
        self.people_root = root / "people"
        self.quarantine_root = root / "quarantine"
        self.people_root.mkdir(parents=True, exist_ok=True)
        self._lock_file = _lock_store(root)
        self._index_lock = threading.Lock()
        self._slots: dict[Person, _Slot] = {}
        self._open: OrderedDict[Person, None] = OrderedDict()
        self._open_limit = open_people
        self._heap: list[tuple[float, str, str]] = []
        self._watchers: list[Callable[[datetime], None]] = []
        self._notices: dict[Person, str] = {}
        #: One process per folder: what requests came in lives in its memory alone.
        self._seen_events = SeenEvents()
        self._request_windows = RequestWindows()
        self._closed = False
        self.workspaces = WorkspaceFiles(root)
        self.feeds = FeedFiles(root)
        self._index_everyone()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self, person: Person) -> Iterator[TinyPersonBook]:
        """One person's data, changed as a unit: all of it is durable at the end, or none."""
        slot = self._slot(person)
        with slot.lock:
            self._check_open()
            file = self._file(person, slot)
            book = TinyPersonBook(person, file)
            try:
                yield book
                file.storage.commit()
            except BaseException:
                # What memory holds may now differ from the disk: read the disk again.
                slot.file = None
                raise
            wake = self._update_due(person, slot, file.next_due(), len(file.index.waiting))
        self._tell_watchers(wake)

    def forget(self, person: Person) -> None:
        """Delete the person's files (and any set aside); nothing is sent to them after."""
        slot = self._slot(person)
        with slot.lock:
            path = self._path(person)
            for file in (path, path.with_suffix(".log")):
                file.unlink(missing_ok=True)
            if path.parent.exists():
                fsync_folder(path.parent)
            aside = self.quarantine_root / person.team_id
            for leftover in aside.glob(f"{person.user_id}.*") if aside.exists() else ():
                _remove(leftover)
            slot.file = None
            self._update_due(person, slot, None, 0)
            self._notices.pop(person, None)
            self.feeds.save(person, None)

    # -- delivery leases ---------------------------------------------------------------------

    def claim_due(
        self,
        now: datetime,
        *,
        owner: str,
        lease: timedelta,
        limit: int = 100,
        skip_teams: Collection[str] = (),
    ) -> list[Person]:
        """People due by `now`, leased to `owner`; a lease that ran out is taken over."""
        moment = now.timestamp()
        until = (now + lease).timestamp()
        claimed: list[Person] = []
        skipped: list[tuple[float, str, str]] = []
        with self._index_lock:
            while self._heap and self._heap[0][0] <= moment and len(claimed) < limit:
                entry = heapq.heappop(self._heap)
                when, team, user = entry
                person = Person(team, user)
                slot = self._slots.get(person)
                if slot is None or slot.wake() != when:
                    continue
                if team in skip_teams:
                    skipped.append(entry)
                    continue
                slot.lease_owner, slot.lease_until = owner, until
                slot.fence += 1
                heapq.heappush(self._heap, (until, team, user))
                claimed.append(person)
            for when, team, user in skipped:
                # Try that workspace again later, without spinning on it meanwhile.
                self._slots[Person(team, user)].not_before = moment + 300
                heapq.heappush(self._heap, (max(when, moment + 300), team, user))
        return claimed

    def release(self, person: Person, *, owner: str, not_before: datetime | None = None) -> None:
        with self._index_lock:
            slot = self._slots.get(person)
            if slot is None or slot.lease_owner != owner:
                return
            slot.lease_owner, slot.lease_until = None, 0.0
            slot.not_before = not_before.timestamp() if not_before else 0.0
            wake = slot.wake()
            if wake is not None:
                heapq.heappush(self._heap, (wake, person.team_id, person.user_id))
        self._tell_watchers(wake)

    def lease(self, person: Person, *, owner: str, now: datetime) -> Lease | None:
        """One process holds the store, so its own clock (`now`) is the one to measure on."""
        with self._index_lock:
            slot = self._slots.get(person)
            if slot is None or slot.lease_owner != owner:
                return None
            return Lease(slot.fence, timedelta(seconds=slot.lease_until - now.timestamp()))

    def renew_lease(
        self, person: Person, *, owner: str, token: int, now: datetime, lease: timedelta
    ) -> bool:
        with self._index_lock:
            slot = self._slots.get(person)
            if slot is None or slot.lease_owner != owner or slot.fence != token:
                return False
            slot.lease_until = (now + lease).timestamp()
            heapq.heappush(self._heap, (slot.lease_until, person.team_id, person.user_id))
        return True

    def next_due_at(self) -> datetime | None:
        with self._index_lock:
            while self._heap:
                when, team, user = self._heap[0]
                slot = self._slots.get(Person(team, user))
                if slot is not None and slot.wake() == when:
                    return datetime.fromtimestamp(when, UTC)
                heapq.heappop(self._heap)
        return None

    def pending_count(self) -> int:
        with self._index_lock:
            return sum(slot.waiting for slot in self._slots.values())

    def watch_due(self, callback: Callable[[datetime], None]) -> None:
        self._watchers.append(callback)

    def people(self) -> Iterator[Person]:
        """Everyone with a file of their own."""
        return people_under(self.people_root)

    def owed_notice(self, person: Person) -> str | None:
        """The message `take_notice` would give, left in place (a migration copies it)."""
        with self._index_lock:
            return self._notices.get(person)

    def take_notice(self, person: Person) -> str | None:
        if not self._notices:
            return None
        with self._index_lock:
            notice = self._notices.pop(person, None)
        if notice is not None:
            (self.quarantine_root / person.team_id / f"{person.user_id}.notice").unlink(
                missing_ok=True
            )
        return notice

    def first_time(self, event_id: str, now: datetime, *, keep: timedelta) -> bool:
        return self._seen_events.first_time(event_id, now.timestamp(), keep.total_seconds())

    def allow_request(
        self, person: Person, now: datetime, *, limit: int, window: timedelta
    ) -> bool:
        return self._request_windows.allow(
            person, now.timestamp(), limit=limit, window=window.total_seconds()
        )

    def ready(self) -> bool:
        """The embedded store lives in this process: open is ready."""
        return not self._closed

    def close(self) -> None:
        with self._index_lock:
            if self._closed:
                return
            self._closed = True
        for slot in list(self._slots.values()):
            with slot.lock:
                slot.file = None
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_file.close()

    # -- workspaces (see bot.storage.workspace_files) -----------------------------------------

    def save_installation(self, installation: Installation) -> None:
        self._check_open()
        self.workspaces.save_installation(installation)

    def find_installation(
        self, team_id: str, *, enterprise_id: str | None = None
    ) -> Installation | None:
        return self.workspaces.find_installation(team_id, enterprise_id=enterprise_id)

    def delete_installation(self, team_id: str) -> None:
        self._check_open()
        self.workspaces.delete_installation(team_id)

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        self._check_open()
        self.workspaces.issue_oauth_state(state, expires_at)

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        self._check_open()
        return self.workspaces.consume_oauth_state(state, now)

    def schedule_workspace_forget(self, team_id: str, at: datetime) -> datetime:
        self._check_open()
        return self.workspaces.schedule_forget(team_id, at)

    def cancel_workspace_forget(self, team_id: str) -> bool:
        self._check_open()
        return self.workspaces.cancel_forget(team_id)

    def workspace_forget_at(self, team_id: str) -> datetime | None:
        return self.workspaces.forget_at(team_id)

    def workspaces_to_forget(self, now: datetime) -> list[str]:
        return self.workspaces.to_forget(now)

    def forget_workspace(self, team_id: str) -> int:
        """Forget each of the team's people as `forget` does, then the team's folders."""
        self._check_open()
        team = self.people_root / team_id
        if not _SLACK_ID.fullmatch(team_id):
            raise ValueError(f"not a Slack id: {team_id!r}")
        people = [p for p in self.people() if p.team_id == team_id]
        for person in people:
            self.forget(person)
        for folder in (team, self.quarantine_root / team_id):
            if folder.exists():
                _remove(folder)
                fsync_folder(folder.parent)
        feeds = self.feeds.root / team_id
        if feeds.exists():
            _remove(feeds)
        self.feeds.forget_team(team_id)
        self.workspaces.cancel_forget(team_id)
        return len(people)

    # -- calendar feeds ----------------------------------------------------------------------

    def calendar_feed(self, person: Person) -> CalendarFeed | None:
        self._check_open()
        return self.feeds.feed(person)

    def save_calendar_feed(self, person: Person, feed: CalendarFeed | None) -> None:
        self._check_open()
        self.feeds.save(person, feed)

    def claim_calendar_feeds(
        self, now: datetime, *, owner: str, lease: timedelta, limit: int = 50
    ) -> list[Person]:
        self._check_open()
        return self.feeds.claim(now, owner=owner, lease=lease, limit=limit)

    def release_calendar_feed(self, person: Person, *, owner: str) -> None:
        self.feeds.release(person, owner=owner)

    # -- inside ------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def _slot(self, person: Person) -> _Slot:
        self._path(person)  # refuses ids that could escape the folder
        with self._index_lock:
            slot = self._slots.get(person)
            if slot is None:
                slot = self._slots[person] = _Slot()
            return slot

    def _file(self, person: Person, slot: _Slot) -> PersonFile:
        """The person's open file (caller holds their lock); bad files are set aside."""
        if slot.file is None:
            path = self._path(person)
            try:
                slot.file = PersonFile(path)
            except (CorruptPersonFile, OSError, UnicodeDecodeError) as problem:
                try:
                    self._set_aside(person, problem)
                    slot.file = PersonFile(path)
                except (CorruptPersonFile, OSError) as error:
                    raise StoreError(f"cannot read or set aside {path}: {error}") from error
        self._keep_open(person)
        return slot.file

    def _keep_open(self, person: Person) -> None:
        """Keep at most `open_people` files in memory; the least recently used are let go."""
        evict: list[Person] = []
        with self._index_lock:
            self._open[person] = None
            self._open.move_to_end(person)
            while len(self._open) > self._open_limit:
                evict.append(self._open.popitem(last=False)[0])
        for other in evict:
            slot = self._slots.get(other)
            if slot is not None and slot.lock.acquire(blocking=False):
                try:
                    slot.file = None
                finally:
                    slot.lock.release()

    def _update_due(
        self, person: Person, slot: _Slot, due: float | None, waiting: int
    ) -> float | None:
        with self._index_lock:
            before = slot.wake()
            slot.due, slot.waiting = due, waiting
            wake = slot.wake()
            if wake is not None and wake != before:
                heapq.heappush(self._heap, (wake, person.team_id, person.user_id))
        return wake if wake != before else None

    def _tell_watchers(self, wake: float | None) -> None:
        if wake is None:
            return
        moment = datetime.fromtimestamp(wake, UTC)
        for watcher in self._watchers:
            watcher(moment)

    def _path(self, person: Person) -> Path:
        check_person(person)
        return self.people_root / person.team_id / f"{person.user_id}.json"

    def _set_aside(self, person: Person, problem: Exception) -> None:
        """Quarantine a person's unreadable files, keeping their bytes, and log it loudly."""
        path = self._path(person)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        aside = self.quarantine_root / person.team_id
        aside.mkdir(parents=True, exist_ok=True)
        moved = []
        for file in (path, path.with_suffix(".log")):
            if file.exists() or file.is_symlink():
                target = aside / f"{person.user_id}.{stamp}{file.suffix}"
                os.replace(file, target)
                moved.append(str(target))
        fsync_folder(path.parent)
        LOGGER.error(
            "The store file of %s/%s could not be read and was set aside: %s (now at %s). "
            "That person starts afresh; everyone else is served as usual.",
            person.team_id,
            person.user_id,
            problem,
            ", ".join(moved) or "nothing to move",
        )
        notice = (
            "I couldn't read what I had saved for you, so I set it aside and started a fresh "
            "list. Please add your current interviews again (`/interview add`). Sorry about "
            "that."
        )
        (aside / f"{person.user_id}.notice").write_text(notice, encoding="utf-8")
        with self._index_lock:
            self._notices[person] = notice

    def _index_everyone(self) -> None:
        """Rebuild the due index from the files: the scheduler's whole state comes from here."""
        for leftover in self.people_root.glob("*/.*.tmp"):
            # A snapshot a crash interrupted: never renamed, so never part of the data.
            leftover.unlink(missing_ok=True)
        for person in self.people():
            slot = self._slot(person)
            path = self._path(person)
            try:
                tables, _, _, _ = read_person(path, path.with_suffix(".log"))
            except (CorruptPersonFile, OSError, UnicodeDecodeError) as problem:
                self._set_aside(person, problem)
                continue
            nudges = tables.get("nudges", {}).values()
            waiting = sum(1 for record in nudges if record.get("state") in _WAITING)
            self._update_due(person, slot, next_due_of(tables), waiting)
        if self.quarantine_root.exists():
            for notice in self.quarantine_root.glob("*/*.notice"):
                person = Person(notice.parent.name, notice.stem)
                self._notices[person] = notice.read_text(encoding="utf-8")
        heapq.heapify(self._heap)
        LOGGER.info("Store opened: %d nudges waiting to be sent", self.pending_count())


def people_under(people_root: Path) -> Iterator[Person]:
    """Everyone with a file of their own under `people_root`, by team, then user."""
    for team in sorted(people_root.iterdir()):
        if not team.is_dir() or not _SLACK_ID.fullmatch(team.name):
            continue
        names = {
            f.stem
            for f in team.iterdir()
            if f.suffix in (".json", ".log") and _SLACK_ID.fullmatch(f.stem)
        }
        yield from (Person(team.name, name) for name in sorted(names))


def _lock_store(root: Path) -> Any:
    """Hold the store's file lock for our lifetime: a second process is refused."""
    lock_path = root / "store.lock"
    try:
        lock_file = open(lock_path, "a+")  # noqa: SIM115 - held for our lifetime
    except IsADirectoryError:
        raise StoreError(
            f"{lock_path} is a folder, so the store cannot be locked. Remove it and start again."
        ) from None
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        raise StoreLocked(
            f"Another Interview Coach is already using the store at {root}. "
            "Stop it first, or set COACH_DB_PATH to another folder."
        ) from None
    return lock_file


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
