"""A person's file on disk: a snapshot plus an append-only journal, written so nothing is lost.

- Every byte is written or the write fails: `os.write` may write part of a buffer and return
  the short count without raising (a full disk does that), so writes loop until done.
- A transaction is one journal line, fsynced before the transaction returns. A line that could
  not be written whole is cut off again, so the journal never keeps half a transaction.
- The snapshot is replaced atomically (temp file, every byte, fsync, rename, fsync the folder):
  a snapshot that was not fully written and fsynced is never renamed over the good one.
- Reading drops only a torn *last* line (a crash mid-append, whose transaction never returned).
  Anything else unreadable is corruption, reported with the path and what is wrong, never
  skipped: skipping would lose a transaction for good at the next compaction.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path
from typing import Any

Tables = dict[str, dict[str, Any]]

#: The one call that puts bytes on disk; fault tests wrap it to act as a full disk.
raw_write = os.write


class CorruptPersonFile(ValueError):
    """A person's snapshot or journal cannot be read as the store wrote it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data`, or raise: short writes are resumed, never ignored."""
    view = memoryview(data)
    while view:
        written = raw_write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "no space left: the write made no progress")
        view = view[written:]


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file, every byte, fsync, rename, fsync the folder: the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a new, renamed or deleted name in `folder` itself durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_line(path: Path, line: bytes) -> None:
    """Append one journal line durably; on any failure the journal is as it was before."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        before = os.fstat(fd).st_size
        try:
            write_all(fd, line)
            os.fdatasync(fd)
        except OSError:
            _cut_back(fd, before)
            raise
    finally:
        os.close(fd)
    if created:
        fsync_folder(path.parent)


def _cut_back(fd: int, size: int) -> None:
    """Remove a partly written line, so it can never end up in the middle of the journal."""
    try:
        os.ftruncate(fd, size)
        os.fdatasync(fd)
    except OSError:
        # The torn tail stays; `read_person` drops it and `trim_torn_tail` cuts it before the
        # next append, so it is still never followed by another line.
        pass


def empty_journal(path: Path) -> None:
    """Empty the journal after a compaction (replaying it again would change nothing)."""
    if not path.exists():
        return
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, 0)
        os.fdatasync(fd)
    finally:
        os.close(fd)


def trim_torn_tail(path: Path, good_length: int) -> None:
    """Cut a torn last line off the journal before anything is appended after it."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, good_length)
        os.fdatasync(fd)
    finally:
        os.close(fd)


def read_person(snapshot: Path, journal: Path) -> tuple[Tables, int, int, bool]:
    """A person's tables (snapshot with the journal replayed), the journal's line count and
    length up to its last good line, and whether a torn last line was dropped.

    Raises CorruptPersonFile for anything but a torn last line; OSError when unreadable.
    """
    tables = _read_snapshot(snapshot)
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        raw = b""
    lines = raw.split(b"\n")
    tail = lines.pop()  # after the last newline: b"" unless the last line is torn
    good_length = len(raw) - len(tail)
    for number, line in enumerate(lines, start=1):
        changes = _parse_line(line)
        if changes is None:
            raise CorruptPersonFile(journal, f"line {number} of {len(lines)} is not readable")
        apply_changes(tables, changes)
    # Bytes after the last newline are a line whose append never finished (even one that
    # happens to parse: its newline never reached the disk, so its transaction never returned).
    return tables, len(lines), good_length, bool(tail)


def _read_snapshot(path: Path) -> Tables:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    if not raw.strip():
        raise CorruptPersonFile(path, "the snapshot is empty")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise CorruptPersonFile(path, "the snapshot is not valid JSON") from None
    if not isinstance(data, dict):
        raise CorruptPersonFile(path, f"the snapshot holds {type(data).__name__}, not tables")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(r, dict) for r in table.values()):
            raise CorruptPersonFile(path, f"table {name!r} is not a mapping of records")
    return data


def _parse_line(line: bytes) -> list[list[Any]] | None:
    """A journal line's changes, or None when the line is not one the store wrote."""
    try:
        changes = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(changes, list):
        return None
    for change in changes:
        if not (
            isinstance(change, list)
            and len(change) == 3
            and isinstance(change[0], str)
            and (change[1] is None or isinstance(change[1], str))
            and (change[2] is None or isinstance(change[2], dict))
        ):
            return None
    return changes


def apply_changes(tables: Tables, changes: list[list[Any]]) -> None:
    """Replay one journal line: [table, record id, record], id None for a whole table."""
    for table, doc_id, value in changes:
        if doc_id is None:
            tables[table] = value if value is not None else {}
        elif value is None:
            tables.get(table, {}).pop(doc_id, None)
        else:
            tables.setdefault(table, {})[doc_id] = value


def encode_line(changes: list[list[Any]]) -> bytes:
    return json.dumps(changes, separators=(",", ":")).encode() + b"\n"
