"""The TinyDB store read as a copy's source: nothing under its folder is written, moved or made.

The store itself repairs what it opens (a torn journal line is trimmed, an unreadable file is
set aside, missing folders are made). A copy must leave its source as it found it, so this
reads the same files without any of that, and reports a file it cannot read instead.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain.interview import Person
from bot.storage.journal import CorruptPersonFile
from bot.storage.protocol import Installation, StoreError, StoreLocked
from bot.storage.records import SLACK_ID
from bot.storage.tinydb_store import PersonFile, TinyPersonBook, people_under

#: What reading a person's files can raise: the file is then left out of the copy, and named.
UNREADABLE = (CorruptPersonFile, OSError, UnicodeDecodeError, ValueError)


class EmbeddedSource:
    """A TinyDB store folder, read only, held against a coach starting on it meanwhile."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock_fd = _share_lock(root)
        self._notices: dict[Person, str] | None = None
        #: What could not be read besides people's files and workspace records.
        self.problems: list[str] = []

    def people(self) -> list[Person]:
        """Everyone with a file of their own, and everyone still owed a notice."""
        folder = self.root / "people"
        found = set(people_under(folder)) if folder.is_dir() else set()
        found.update(self.notices())
        return sorted(found, key=lambda p: (p.team_id, p.user_id))

    def book(self, person: Person) -> TinyPersonBook:
        """The person's data as the store would read it; raises one of UNREADABLE."""
        path = self.root / "people" / person.team_id / f"{person.user_id}.json"
        return TinyPersonBook(person, PersonFile(path, read_only=True))

    def notices(self) -> dict[Person, str]:
        """Messages the store still owes people whose files it set aside earlier (read once)."""
        if self._notices is None:
            aside = self.root / "quarantine"
            owed: dict[Person, str] = {}
            for notice in sorted(aside.glob("*/*.notice")) if aside.is_dir() else ():
                if not (SLACK_ID.fullmatch(notice.parent.name) and SLACK_ID.fullmatch(notice.stem)):
                    continue
                try:
                    owed[Person(notice.parent.name, notice.stem)] = notice.read_text("utf-8")
                except UNREADABLE as problem:
                    self.problems.append(f"notice {notice.parent.name}/{notice.stem}: {problem}")
            self._notices = owed
        return self._notices

    def installations(self) -> tuple[list[Installation], list[str]]:
        """Each team's installation, and a line for each file that could not be read."""
        found: list[Installation] = []
        problems: list[str] = []
        for path in self._records("installations"):
            try:
                found.append(Installation.from_record(_read(path)))
            except (*UNREADABLE, KeyError, TypeError) as problem:
                problems.append(f"installation {path.stem}: {problem}")
        return found, problems

    def departures(self) -> tuple[list[tuple[str, datetime]], list[str]]:
        """Teams that left and when their people are to be forgotten, and unreadable files."""
        found: list[tuple[str, datetime]] = []
        problems: list[str] = []
        for path in self._records("leaving"):
            try:
                at = datetime.fromtimestamp(float(_read(path)["forget_at"]), UTC)
            except (*UNREADABLE, KeyError, TypeError) as problem:
                problems.append(f"departure of {path.stem}: {problem}")
                continue
            found.append((path.stem, at))
        return found, problems

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _records(self, kind: str) -> list[Path]:
        folder = self.root / "workspaces" / kind
        if not folder.is_dir():
            return []
        return [p for p in sorted(folder.glob("*.json")) if SLACK_ID.fullmatch(p.stem)]


def _read(path: Path) -> dict[str, Any]:
    record = json.loads(path.read_bytes())
    if not isinstance(record, dict):
        raise ValueError(f"holds {type(record).__name__}, not a record")
    return record


def _share_lock(root: Path) -> int | None:
    """Share the store's lock if it has one (never made here): a coach serving from the
    folder holds it alone, so a copy is refused while one runs, and one cannot start during."""
    try:
        fd = os.open(root / "store.lock", os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot open {root / 'store.lock'}: {error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreLocked(
            f"An Interview Coach is using the store at {root}: stop it before copying."
        ) from None
    return fd
