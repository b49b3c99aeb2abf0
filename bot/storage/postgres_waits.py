"""Bounded waits on PostgreSQL: every connection, lock and statement has a time limit.

A person whose row stays locked (a replica frozen inside their transaction) must cost a request
no more than a moment, and no more than a few of the pool's connections; a database that
refuses connections must cost each request nothing at all once that is known. So:

- every pooled connection carries `lock_timeout`, `statement_timeout` and
  `idle_in_transaction_session_timeout` (the last one ends a frozen replica's transaction, and
  with it the lock it held);
- one person holds at most `per_person` connections of this process at a time; a request
  beyond that is told the coach is busy rather than queueing for the pool;
- a request's deadline (bot.storage.deadline) bounds its waits for a connection and a lock, and
  a commit that would come after it is rolled back instead;
- when the pool cannot hand out any connection, the database is taken for unreachable: calls
  fail at once (one call every `PROBE_EVERY` seconds still tries, so recovery is noticed without
  a restart), and the pool's connections are checked, so none left broken is lent again.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from time import monotonic
from typing import Any

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.domain.interview import Person
from bot.storage import deadline
from bot.storage.protocol import StoreBusy, StoreUnavailable

LOGGER = logging.getLogger(__name__)

#: Seconds between tries while the database is unreachable (calls in between fail at once).
PROBE_EVERY = 0.5
#: Longest wait of a request for one of a person's connections to free up: their changes take
#: milliseconds, so a longer wait means their row is held elsewhere, and waiting would only
#: hold a web thread.
PERSON_WAIT = 0.1
#: A connection idle longer than this is checked (one round trip) before it is lent: after a
#: database restart or a cut network it would fail the request it was lent to.
CHECK_IDLE_AFTER = 5.0
#: Seconds the pool keeps retrying one failed connection attempt before giving it up.
RECONNECT_WITHIN = 2.0
#: Waits of the start-up migration, which may legitimately take a while and waits for another
#: replica's migration under an advisory lock.
MIGRATION_WAIT = 300.0

BUSY = "your data is being changed elsewhere just now"


@dataclass(frozen=True)
class Waits:
    """The most the store waits for the database, in seconds (see README, Settings)."""

    #: For a row lock held by another transaction (`lock_timeout`).
    lock: float = 1.0
    #: For one statement, lock waits included (`statement_timeout`).
    statement: float = 1.5
    #: Before the server ends a transaction left open and idle, with its locks
    #: (`idle_in_transaction_session_timeout`).
    idle_in_transaction: float = 5.0
    #: For a connection from the pool.
    pool: float = 1.0
    #: Connections of this process one person may hold at once (0: no limit).
    per_person: int = 2

    def options(self) -> str:
        """The three server settings as libpq `options`, applied when a connection opens."""
        return (
            f"-c lock_timeout={_ms(self.lock)} -c statement_timeout={_ms(self.statement)}"
            f" -c idle_in_transaction_session_timeout={_ms(self.idle_in_transaction)}"
        )


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class PersonSlots:
    """How many connections each person holds now, so nobody takes more than their share."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._held: dict[Person, int] = {}
        self._changed = threading.Condition()

    @contextmanager
    def taken(self, person: Person | None, *, wait: float) -> Iterator[None]:
        if person is None or self._limit <= 0:
            yield
            return
        with self._changed:
            if not self._changed.wait_for(
                lambda: self._held.get(person, 0) < self._limit, timeout=max(wait, 0.0)
            ):
                raise StoreBusy(f"{BUSY} ({self._limit} of their requests are waiting already)")
            self._held[person] = self._held.get(person, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                left = self._held[person] - 1
                if left:
                    self._held[person] = left
                else:
                    del self._held[person]
                self._changed.notify_all()

    def held(self, person: Person) -> int:
        with self._changed:
            return self._held.get(person, 0)


class Reach:
    """Whether the database answers; while it does not, only one call in a while tries."""

    def __init__(self, where: str, probe_every: float = PROBE_EVERY) -> None:
        self._where = where
        self._probe_every = probe_every
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def admit(self) -> bool:
        """True when a call may try the database now: always while it answers, and one call
        every `probe_every` seconds while it does not."""
        with self._lock:
            if self._down_since is None:
                return True
            now = monotonic()
            if now < self._next_try:
                return False
            self._next_try = now + self._probe_every
            return True

    def lost(self) -> bool:
        """The database did not answer; True when it had been answering until now."""
        with self._lock:
            now = monotonic()
            self._next_try = now + self._probe_every
            if self._down_since is not None:
                return False
            self._down_since = now
        LOGGER.error(
            "The database at %s cannot be reached: requests are answered at once that nothing "
            "could be saved, and it is tried again every %.1f s",
            self._where,
            self._probe_every,
        )
        return True

    def answered(self) -> None:
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is not None:
            LOGGER.warning(
                "The database at %s answers again, after %.1f s", self._where, monotonic() - since
            )


class Lender:
    """Lends the pool's connections with every wait bounded, and maps the waits' errors."""

    def __init__(self, pool: ConnectionPool, waits: Waits, *, where: str) -> None:
        self._pool = pool
        self._waits = waits
        self._slots = PersonSlots(waits.per_person)
        self.reach = Reach(where)
        #: When a connection last did its work without breaking.
        self._served_at = monotonic()
        self._last_used: weakref.WeakKeyDictionary[psycopg.Connection, float] = (
            weakref.WeakKeyDictionary()
        )
        self._checking = threading.Lock()

    def held_by(self, person: Person) -> int:
        return self._slots.held(person)

    @contextmanager
    def connection(
        self, person: Person | None = None, *, timeout: float | None = None
    ) -> Iterator[psycopg.Connection]:
        """A pooled connection for the block, or StoreBusy / StoreUnavailable within the
        request's deadline; psycopg errors raised in the block come out as those two when they
        are a wait that ran out or a connection that broke."""
        left = deadline.remaining()
        if left is not None and left <= 0:
            raise StoreBusy("the request ran out of time before the store was asked")
        if not self.reach.admit():
            raise StoreUnavailable("the database cannot be reached")
        wait = self._waits.pool if timeout is None else timeout
        if left is not None:
            wait = min(wait, left)
        # A request waiting for a person's share would hold a web thread for nothing; work of
        # the coach's own (delivery) may wait as long as it would for their lock.
        share_wait = min(PERSON_WAIT, wait) if left is not None else self._waits.lock
        with self._slots.taken(person, wait=share_wait):
            asked = monotonic()
            try:
                conn = self._checked_out(wait)
            except PoolTimeout:
                if self._served_at < asked:
                    # Nothing was lent to anyone all along: no connection can be made.
                    self._lost()
                    raise StoreUnavailable("the database cannot be reached") from None
                raise StoreBusy(f"every connection stayed in use for {wait:.1f} s") from None
            try:
                left = deadline.remaining()
                if left is not None and left < self._waits.statement:
                    # Wait no longer than the request may (for this transaction only). A lock
                    # wait behind another waiter is two waits, so the statement's cap counts.
                    near = f"{_ms(max(left, 0))}ms"
                    conn.execute(
                        "SELECT set_config('lock_timeout', %s, true),"
                        " set_config('statement_timeout', %s, true)",
                        (near if left < self._waits.lock else f"{_ms(self._waits.lock)}ms", near),
                    )
                yield conn
            except errors.LockNotAvailable:
                raise StoreBusy(f"{BUSY} (a lock stayed held)") from None
            except errors.QueryCanceled:
                raise StoreBusy("the database took too long to answer") from None
            except psycopg.OperationalError:
                if conn.broken:
                    self._check_pool()
                    raise StoreUnavailable("the connection to the database broke") from None
                raise
            finally:
                self._last_used[conn] = monotonic()
                self._pool.putconn(conn)
        self._served_at = monotonic()
        self.reach.answered()

    def _checked_out(self, wait: float) -> psycopg.Connection:
        """A connection from the pool; one idle for a while is checked first, and a broken one
        is dropped (with the rest checked in the background) for the next."""
        until = monotonic() + wait
        while True:
            conn = self._pool.getconn(max(until - monotonic(), 0.0))
            last = self._last_used.get(conn)
            if last is not None and monotonic() - last < CHECK_IDLE_AFTER:
                return conn
            try:
                ConnectionPool.check_connection(conn)
            except psycopg.Error:
                self._pool.putconn(conn)  # broken: the pool drops it and opens another
                self._check_pool()
                continue
            return conn

    def _lost(self) -> None:
        if self.reach.lost():
            self._check_pool()

    def _check_pool(self) -> None:
        """Test the idle connections in the background and drop the broken ones, so a stale
        connection left by an outage or a restarted server is never lent again."""
        if not self._checking.acquire(blocking=False):
            return

        def check() -> None:
            try:
                self._pool.check()
            except Exception:
                LOGGER.exception("Checking the pool's connections failed")
            finally:
                self._checking.release()

        threading.Thread(target=check, name="coach-pool-check", daemon=True).start()


def pool_settings(waits: Waits) -> dict[str, Any]:
    """ConnectionPool arguments: waits and reconnects short, so an outage is noticed at once
    and the end of one soon after."""
    return {
        "timeout": waits.pool,
        # A failing attempt gives up within seconds (its retries are 1 s apart, then 2 s...);
        # the next call starts a fresh one at once, so a database back is found within one.
        "reconnect_timeout": RECONNECT_WITHIN,
    }
