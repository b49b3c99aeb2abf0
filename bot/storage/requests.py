"""Requests remembered in one process's memory: the embedded store's repeats and flood gate.

The embedded store runs one process per folder, so memory is the whole truth there. The
PostgreSQL store keeps the same two things in small tables, shared by every replica. Time
always comes from the caller, so the clock stays injected.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque

from bot.domain.interview import Person


class SeenEvents:
    """Event ids seen recently, because Slack re-delivers events it thinks were missed."""

    def __init__(self, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def first_time(self, event_id: str, now: float, keep: float) -> bool:
        with self._lock:
            while self._seen and (
                len(self._seen) > self._limit or next(iter(self._seen.values())) < now - keep
            ):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


class RequestWindows:
    """Each person's recent requests, to slow a flood from one person before it starves others."""

    def __init__(self, people_limit: int = 50_000) -> None:
        self._recent: dict[Person, deque[float]] = {}
        self._people_limit = people_limit
        self._lock = threading.Lock()

    def allow(self, person: Person, now: float, *, limit: int, window: float) -> bool:
        with self._lock:
            if len(self._recent) > self._people_limit:
                self._recent.clear()
            recent = self._recent.setdefault(person, deque())
            while recent and recent[0] < now - window:
                recent.popleft()
            if len(recent) >= limit:
                return False
            recent.append(now)
            return True
