"""The TinyDB store's calendar feeds: one small file per person, with when each is due.

A feed changes once per poll at most (every 15 minutes), so each is a file of its own,
replaced atomically like a workspace record: `feeds/<team>/<user>.json`. When each feed is
next due, and who holds it, lives in memory, rebuilt from the files at start-up: one process
owns the folder, so its leases need nothing on disk. A poll that changed nothing but the next
fetch moment (a 304) writes nothing either.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Person
from bot.storage.journal import fsync_folder, write_atomically
from bot.storage.protocol import StoreWriteFailed
from bot.storage.records import SLACK_ID, check_person

LOGGER = logging.getLogger(__name__)


class FeedFiles:
    """Calendar feeds under `<root>/feeds`, their due moments and leases in memory."""

    def __init__(self, root: Path) -> None:
        self.root = root / "feeds"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        #: person -> next fetch moment (Unix seconds)
        self._due: dict[Person, float] = {}
        #: person -> (owner, lease end)
        self._leases: dict[Person, tuple[str, float]] = {}
        #: person -> digest of the record last written, its next fetch moment left out
        self._written: dict[Person, bytes] = {}
        for path in sorted(self.root.glob("*/*.json")):
            team, user = path.parent.name, path.stem
            if not (SLACK_ID.fullmatch(team) and SLACK_ID.fullmatch(user)):
                continue
            feed = self._read(path)
            if feed is not None:
                self._due[Person(team, user)] = feed.poll.next_at.timestamp()

    def feed(self, person: Person) -> CalendarFeed | None:
        return self._read(self._path(person))

    def save(self, person: Person, feed: CalendarFeed | None) -> None:
        """Keep the feed (None drops it) durably, and when it is next due."""
        path = self._path(person)
        with self._lock:
            try:
                if feed is None:
                    if path.exists():
                        path.unlink()
                        fsync_folder(path.parent)
                    self._due.pop(person, None)
                    self._leases.pop(person, None)
                    self._written.pop(person, None)
                    return
                record = feed.to_record()
                digest = _digest(record)
                if self._written.get(person) != digest or not path.exists():
                    write_atomically(path, json.dumps(record, separators=(",", ":")).encode())
                    self._written[person] = digest
            except OSError as error:
                raise StoreWriteFailed(f"could not write a calendar feed: {error}") from error
            self._due[person] = feed.poll.next_at.timestamp()

    def claim(self, now: datetime, *, owner: str, lease: timedelta, limit: int) -> list[Person]:
        """Feeds due by `now` that nobody holds, leased to `owner`, earliest first."""
        moment = now.timestamp()
        with self._lock:
            free = [
                (due, person)
                for person, due in self._due.items()
                if due <= moment and self._leases.get(person, ("", 0.0))[1] <= moment
            ]
            free.sort(key=lambda item: (item[0], item[1].team_id, item[1].user_id))
            claimed = [person for _, person in free[:limit]]
            for person in claimed:
                self._leases[person] = (owner, (now + lease).timestamp())
        return claimed

    def release(self, person: Person, *, owner: str) -> None:
        with self._lock:
            held = self._leases.get(person)
            if held is not None and held[0] == owner:
                del self._leases[person]

    def forget_team(self, team_id: str) -> None:
        with self._lock:
            for person in [p for p in self._due if p.team_id == team_id]:
                self._due.pop(person, None)
                self._leases.pop(person, None)
                self._written.pop(person, None)

    def _path(self, person: Person) -> Path:
        check_person(person)
        return self.root / person.team_id / f"{person.user_id}.json"

    @staticmethod
    def _read(path: Path) -> CalendarFeed | None:
        try:
            record = json.loads(path.read_bytes())
            return CalendarFeed.from_record(record)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as problem:
            LOGGER.error("Cannot read the calendar feed %s: %s", path.name, problem)
            return None


def _digest(record: dict[str, Any]) -> bytes:
    """What a save would change on disk besides the next fetch moment: after a 304 only that
    moves, and it is kept in memory alone (a restart fetches each feed once more, early)."""
    poll = {k: v for k, v in record["poll"].items() if k != "next_at"}
    text = json.dumps({**record, "poll": poll}, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()
