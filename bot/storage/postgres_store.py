"""The PostgreSQL store: every replica on one database, each person locked by their own row.

`transaction(person)` is one database transaction that starts by locking the person's row
(`SELECT … FOR UPDATE`, the row made on first use), so the lock holds across replicas and
nobody else waits. Fields the coach filters on are indexed columns; the rest of each record is
the domain's own encoding as JSONB, the same records the TinyDB store keeps.

Delivery claims people, not nudges: each person's row carries `next_due` (kept up to date by
every write), the lease (`claimed_by`, `lease_until`) and `wake_at`, derived from them, so a
claim is one indexed `SELECT … FOR UPDATE SKIP LOCKED` however many nudges are stored. A write
that changes when someone is next due NOTIFYs the other replicas inside its transaction.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Person
from bot.storage import deadline
from bot.storage.postgres_book import KEY, WAITING_STATES, PostgresPersonBook, person_key
from bot.storage.postgres_feeds import PostgresFeeds
from bot.storage.postgres_schema import (
    CONNECT_TIMEOUT,
    TCP_SETTINGS,
    connect,
    migrate,
    where,
    with_options,
    without_password,
)
from bot.storage.postgres_waits import MIGRATION_WAIT, Lender, Waits, pool_settings
from bot.storage.postgres_watch import DueListener
from bot.storage.postgres_workspaces import PostgresWorkspaces
from bot.storage.protocol import Installation, Lease, StoreBusy, StoreError, StoreWriteFailed
from bot.storage.records import SLACK_ID, check_person

LOGGER = logging.getLogger(__name__)

#: How long a skipped workspace's people are left alone before they are looked at again.
SKIP_FOR = timedelta(seconds=300)
#: The database's clock as it is now (not the transaction's start), in Unix seconds: the one
#: clock every replica shares, for a lease's end.
DB_NOW = "extract(epoch FROM clock_timestamp())"
#: Event ids past their time are deleted once every this many events seen.
PRUNE_EVENTS_EVERY = 500
#: The longest a readiness probe waits for a connection.
READY_WAIT = 0.5


class PostgresStore:
    """Every person's data in one PostgreSQL database, shared by any number of replicas."""

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        pool_size: int = 16,
        waits: Waits | None = None,
    ) -> None:
        self._url = url
        self._schema = schema
        self._id = uuid.uuid4().hex
        self._channel = f"coach_due {schema or 'public'}"
        self.waits = waits or Waits()
        #: Another replica may be migrating: wait for it, but never for a frozen one.
        starting = Waits(
            lock=MIGRATION_WAIT,
            statement=MIGRATION_WAIT,
            idle_in_transaction=self.waits.idle_in_transaction,
        )
        with connect(url, schema, options=starting.options()) as conn:
            applied = migrate(conn)
            owed = conn.execute("SELECT EXISTS (SELECT 1 FROM people WHERE notice IS NOT NULL)")
            row = owed.fetchone()
        #: Only `migrate` (run while the coach is stopped) leaves notices: when none was owed at
        #: start, no request needs to ask the database for one.
        self._notices_owed = bool(row and row[0])
        if applied:
            LOGGER.info("Database schema brought up to version %d", applied[-1])
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={
                **with_options(url, schema, self.waits.options()),
                "application_name": f"interview-coach {schema or ''}".strip(),
                "connect_timeout": CONNECT_TIMEOUT,
                **TCP_SETTINGS,
            },
            open=False,
            name="interview-coach",
            **pool_settings(self.waits),
        )
        try:
            self._pool.open(wait=True, timeout=10.0)
        except psycopg.Error as error:
            self._pool.close()
            raise StoreError(
                f"Cannot reach the PostgreSQL database at {where(url)}: "
                f"{without_password(str(error), url)}"
            ) from None
        self._lender = Lender(self._pool, self.waits, where=where(url))
        self._held = threading.local()
        self._watchers: list[Callable[[datetime], None]] = []
        self._listener: DueListener | None = None
        self._events_seen = 0
        self._closed = False
        self.workspaces = PostgresWorkspaces(self._committed)
        self.feeds = PostgresFeeds(self._committed)

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self, person: Person) -> Iterator[PostgresPersonBook]:
        """One person's data, changed as a unit: committed at the end, or not at all.

        A transaction for the same person inside this one (same thread) joins it, as a
        re-entrant lock would, instead of waiting for itself on a second connection.
        """
        check_person(person)
        books = self._books()
        if person in books:
            yield books[person]
            return
        self._check_open()
        wake: float | None = None
        with self._errors_mapped(), self._lender.connection(person) as conn:
            try:
                row = self._lock_person(conn, person)
                book = PostgresPersonBook(person, conn, row)
                books[person] = book
                try:
                    yield book
                finally:
                    del books[person]
                if book.wrote:
                    wake = self._settle(conn, person, before=row[0])
                elif not book.wrote_aside:
                    self._commit_without_waiting(conn)
            except BaseException:
                self._roll_back(conn)
                raise
            self._commit(conn)
        self._tell_watchers(wake)

    def forget(self, person: Person) -> None:
        """Delete everything kept about the person; a lease on them ends with it."""
        with self._about(person) as conn:
            key = person_key(person)
            row = conn.execute(f"SELECT 1 FROM people WHERE {KEY} FOR UPDATE", key).fetchone()
            if row is not None:
                for table in ("nudges", "interviews", "processes", "request_windows"):
                    conn.execute(f"DELETE FROM {table} WHERE {KEY}".encode(), key)
                conn.execute(
                    "UPDATE people SET kept = false, profile = NULL, undo = NULL, notice = NULL,"
                    " next_due = NULL, waiting = 0, claimed_by = NULL, lease_until = NULL,"
                    " lease_deadline = NULL,"
                    f" not_before = NULL WHERE {KEY}",
                    key,
                )
            conn.execute(f"DELETE FROM calendar_feeds WHERE {KEY}".encode(), key)

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
        """People due by `now`, leased to `owner`; people another replica holds are skipped."""
        moment = now.timestamp()
        params = {
            "now": moment,
            "owner": owner,
            "until": (now + lease).timestamp(),
            "limit": limit,
            "skip": list(skip_teams),
            "later": (now + SKIP_FOR).timestamp(),
            "seconds": lease.total_seconds(),
        }
        with self._errors_mapped(), self._lender.connection() as conn:
            rows = conn.execute(
                "WITH due AS (SELECT team_id, user_id, wake_at FROM people"
                " WHERE wake_at <= %(now)s AND NOT team_id = ANY(%(skip)s)"
                " ORDER BY wake_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                " UPDATE people SET claimed_by = %(owner)s, lease_until = %(until)s,"
                " fence = people.fence + 1,"
                f" lease_deadline = {DB_NOW} + %(seconds)s FROM due"
                " WHERE people.team_id = due.team_id AND people.user_id = due.user_id"
                " RETURNING people.team_id, people.user_id, due.wake_at",
                params,
            ).fetchall()
            if skip_teams:
                # Look at that workspace again later, without spinning on it meanwhile.
                conn.execute(
                    "WITH held AS (SELECT team_id, user_id FROM people"
                    " WHERE wake_at <= %(now)s AND team_id = ANY(%(skip)s)"
                    " FOR UPDATE SKIP LOCKED)"
                    " UPDATE people SET not_before = %(later)s FROM held"
                    " WHERE people.team_id = held.team_id AND people.user_id = held.user_id"
                    " AND people.claimed_by IS NULL",
                    params,
                )
            self._commit(conn)
        return [Person(team, user) for team, user, _ in sorted(rows, key=lambda r: r[2])]

    def release(self, person: Person, *, owner: str, not_before: datetime | None = None) -> None:
        wake = None
        inside = person in self._books()
        with self._about(person, changes_due=True) as conn:
            row = conn.execute(
                "UPDATE people SET claimed_by = NULL, lease_until = NULL, lease_deadline = NULL,"
                " not_before = %(nb)s"
                f" WHERE {KEY} AND claimed_by = %(owner)s RETURNING wake_at",
                {
                    **person_key(person),
                    "owner": owner,
                    "nb": not_before.timestamp() if not_before else None,
                },
            ).fetchone()
            if row is not None and row[0] is not None and not inside:
                wake = row[0]
                self._notify(conn, wake)
        self._tell_watchers(wake)

    def lease(self, person: Person, *, owner: str, now: datetime) -> Lease | None:
        """Read under the person's row lock when inside their transaction; the time left is
        the database clock's (`clock_timestamp()`, not the transaction's start), and never
        more than the claimer's own clock gave."""
        with self._about(person) as conn:
            row = conn.execute(
                f"SELECT fence, lease_until, lease_deadline - {DB_NOW} FROM people"
                f" WHERE {KEY} AND claimed_by = %(owner)s",
                {**person_key(person), "owner": owner},
            ).fetchone()
        if row is None:
            return None
        fence, until, deadline_left = row
        left = (until or 0.0) - now.timestamp()
        if deadline_left is not None:
            left = min(left, deadline_left)
        return Lease(int(fence), timedelta(seconds=left))

    def renew_lease(
        self, person: Person, *, owner: str, token: int, now: datetime, lease: timedelta
    ) -> bool:
        with self._about(person, changes_due=True) as conn:
            row = conn.execute(
                "UPDATE people SET lease_until = %(until)s,"
                f" lease_deadline = {DB_NOW} + %(seconds)s"
                f" WHERE {KEY} AND claimed_by = %(owner)s AND fence = %(fence)s RETURNING 1",
                {
                    **person_key(person),
                    "owner": owner,
                    "fence": token,
                    "until": (now + lease).timestamp(),
                    "seconds": lease.total_seconds(),
                },
            ).fetchone()
        return row is not None

    def next_due_at(self) -> datetime | None:
        with self._errors_mapped(), self._lender.connection() as conn:
            row = conn.execute("SELECT min(wake_at) FROM people WHERE wake_at IS NOT NULL")
            value = row.fetchone()
            conn.rollback()
        if value is None or value[0] is None:
            return None
        return datetime.fromtimestamp(value[0], UTC)

    def pending_count(self) -> int:
        with self._errors_mapped(), self._lender.connection() as conn:
            row = conn.execute("SELECT coalesce(sum(waiting), 0) FROM people").fetchone()
            conn.rollback()
        return int(row[0]) if row else 0

    def watch_due(self, callback: Callable[[datetime], None]) -> None:
        """Hear of due moments from this store at once, and from other replicas by NOTIFY."""
        self._watchers.append(callback)
        if self._listener is None and not self._closed:
            self._listener = DueListener(
                self._url,
                self._schema,
                self._channel,
                own_id=self._id,
                heard=self._heard,
                reconnected=self._caught_up,
                options=self.waits.options(),
            )
            self._listener.start()

    def people(self) -> Iterator[Person]:
        """Everyone with something kept."""
        with self._errors_mapped(), self._lender.connection() as conn:
            rows = conn.execute(
                "SELECT team_id, user_id FROM people WHERE kept ORDER BY team_id, user_id"
            ).fetchall()
            conn.rollback()
        yield from (Person(team, user) for team, user in rows)

    def take_notice(self, person: Person) -> str | None:
        if not self._notices_owed:
            return None
        with self._about(person) as conn:
            row = conn.execute(
                "WITH owed AS (SELECT team_id, user_id, notice FROM people"
                f" WHERE {KEY} AND notice IS NOT NULL FOR UPDATE)"
                " UPDATE people SET notice = NULL FROM owed"
                " WHERE people.team_id = owed.team_id AND people.user_id = owed.user_id"
                " RETURNING owed.notice",
                person_key(person),
            ).fetchone()
        return row[0] if row else None

    def first_time(self, event_id: str, now: datetime, *, keep: timedelta) -> bool:
        """Claimed with one insert: a repeat finds the id there, an expired one is renewed."""
        moment = now.timestamp()
        expired = (now - keep).timestamp()
        with self._errors_mapped(), self._lender.connection() as conn:
            row = conn.execute(
                "INSERT INTO seen_events AS seen (event_id, seen_at) VALUES (%(id)s, %(now)s)"
                " ON CONFLICT (event_id) DO UPDATE SET seen_at = EXCLUDED.seen_at"
                " WHERE seen.seen_at < %(expired)s RETURNING 1",
                {"id": event_id, "now": moment, "expired": expired},
            ).fetchone()
            self._events_seen += 1
            if self._events_seen % PRUNE_EVENTS_EVERY == 0:
                conn.execute("DELETE FROM seen_events WHERE seen_at < %s", (expired,))
            self._commit(conn)
        return row is not None

    def allow_request(
        self, person: Person, now: datetime, *, limit: int, window: timedelta
    ) -> bool:
        """One statement per request: the person's window row is trimmed and counted in place."""
        check_person(person)
        params = {
            **person_key(person),
            "now": now.timestamp(),
            "since": (now - window).timestamp(),
            "limit": limit,
        }
        recent = "ARRAY(SELECT t FROM unnest(w.recent) t WHERE t >= %(since)s ORDER BY t)"
        with self._errors_mapped(), self._lender.connection() as conn:
            self._commit_without_waiting(conn)
            row = conn.execute(
                "INSERT INTO request_windows AS w (team_id, user_id, recent, admitted)"
                " VALUES (%(team)s, %(user)s, ARRAY[%(now)s::float8], %(limit)s > 0)"
                " ON CONFLICT (team_id, user_id) DO UPDATE SET"
                f" admitted = cardinality({recent}) < %(limit)s,"
                f" recent = CASE WHEN cardinality({recent}) < %(limit)s"
                f" THEN {recent} || %(now)s::float8 ELSE {recent} END"
                " RETURNING admitted",
                params,
            ).fetchone()
            self._commit(conn)
        return bool(row and row[0])

    def leave_notice(self, person: Person, notice: str) -> None:
        """Owe the person a message (a migration carries over what the old store owed)."""
        check_person(person)
        with self._errors_mapped(), self._lender.connection() as conn:
            conn.execute(
                "INSERT INTO people (team_id, user_id, kept, notice)"
                " VALUES (%(team)s, %(user)s, true, %(notice)s) ON CONFLICT (team_id, user_id)"
                " DO UPDATE SET kept = true, notice = EXCLUDED.notice",
                {**person_key(person), "notice": notice},
            )
            self._commit(conn)
        self._notices_owed = True

    # -- workspaces (see bot.storage.postgres_workspaces) --------------------------------------

    def save_installation(self, installation: Installation) -> None:
        self.workspaces.save_installation(installation)

    def find_installation(
        self, team_id: str, *, enterprise_id: str | None = None
    ) -> Installation | None:
        return self.workspaces.find_installation(team_id, enterprise_id=enterprise_id)

    def delete_installation(self, team_id: str) -> None:
        self.workspaces.delete_installation(team_id)

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        self.workspaces.issue_oauth_state(state, expires_at)

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        return self.workspaces.consume_oauth_state(state, now)

    def schedule_workspace_forget(self, team_id: str, at: datetime) -> datetime:
        return self.workspaces.schedule_forget(team_id, at)

    def cancel_workspace_forget(self, team_id: str) -> bool:
        return self.workspaces.cancel_forget(team_id)

    def workspace_forget_at(self, team_id: str) -> datetime | None:
        return self.workspaces.forget_at(team_id)

    def workspaces_to_forget(self, now: datetime) -> list[str]:
        return self.workspaces.to_forget(now)

    def forget_workspace(self, team_id: str) -> int:
        """Forget each of the team's people as `forget` does (each under their own lock)."""
        if not SLACK_ID.fullmatch(team_id):
            raise ValueError(f"not a Slack id: {team_id!r}")
        with self._committed() as conn:
            rows = conn.execute(
                "SELECT user_id, kept FROM people WHERE team_id = %s ORDER BY user_id", (team_id,)
            ).fetchall()
        for user_id, _ in rows:
            self.forget(Person(team_id, user_id))
        with self._committed() as conn:
            conn.execute("DELETE FROM request_windows WHERE team_id = %s", (team_id,))
            conn.execute("DELETE FROM workspace_departures WHERE team_id = %s", (team_id,))
        self.feeds.forget_team(team_id)
        return sum(1 for _, kept in rows if kept)

    # -- calendar feeds ----------------------------------------------------------------------

    def calendar_feed(self, person: Person) -> CalendarFeed | None:
        return self.feeds.feed(person)

    def save_calendar_feed(self, person: Person, feed: CalendarFeed | None) -> None:
        self.feeds.save(person, feed)

    def claim_calendar_feeds(
        self, now: datetime, *, owner: str, lease: timedelta, limit: int = 50
    ) -> list[Person]:
        return self.feeds.claim(now, owner=owner, lease=lease, limit=limit)

    def release_calendar_feed(self, person: Person, *, owner: str) -> None:
        self.feeds.release(person, owner=owner)

    def ready(self) -> bool:
        """The database answers a trivial query within a moment; never raises. A busy pool is
        still ready: the database answers, the requests are many."""
        try:
            with self._errors_mapped(), self._lender.connection(timeout=READY_WAIT) as conn:
                conn.execute("SELECT 1")
                conn.rollback()
        except StoreBusy:
            return True
        except StoreError as error:
            LOGGER.info("Not ready: %s", error)
            return False
        return True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._listener is not None:
            self._listener.close()
        self._pool.close()

    # -- inside ------------------------------------------------------------------------------

    def _books(self) -> dict[Person, PostgresPersonBook]:
        books = getattr(self._held, "books", None)
        if books is None:
            books = self._held.books = {}
        return books

    @contextmanager
    def _about(self, person: Person, *, changes_due: bool = False) -> Iterator[psycopg.Connection]:
        """A connection for a change to the person's row, committed when the block ends.

        Inside this thread's own transaction for the person, that transaction's connection
        (it commits, and announces a new due moment, at its end): a second connection would
        wait forever for the lock this thread holds.
        """
        check_person(person)
        held = self._books().get(person)
        if held is not None:
            with self._errors_mapped():
                yield held.connection
            held.wrote = held.wrote or changes_due
            held.wrote_aside = True
            return
        with self._errors_mapped(), self._lender.connection(person) as conn:
            yield conn
            self._commit(conn)

    @contextmanager
    def _committed(self) -> Iterator[psycopg.Connection]:
        """A pooled connection whose work is committed when the block ends."""
        with self._errors_mapped(), self._lender.connection() as conn:
            yield conn
            self._commit(conn)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    @contextmanager
    def _errors_mapped(self) -> Iterator[None]:
        """Database errors become the protocol's: the coach tells the person, not a traceback."""
        self._check_open()
        try:
            yield
        except StoreError:
            raise
        except psycopg.Error as error:
            raise StoreError(
                f"the database at {where(self._url)} failed: "
                f"{without_password(str(error), self._url)}"
            ) from error

    def _commit(self, conn: psycopg.Connection) -> None:
        if deadline.passed():
            # The request is past the moment Slack tells the person it failed: undo, so what
            # they were told stays true.
            self._roll_back(conn)
            raise StoreBusy("the request ran out of time before its change was committed")
        try:
            conn.commit()
        except psycopg.Error as error:
            raise StoreWriteFailed(
                f"could not commit to the database at {where(self._url)}: "
                f"{without_password(str(error), self._url)}"
            ) from error

    @staticmethod
    def _roll_back(conn: psycopg.Connection) -> None:
        """Roll back; on a broken connection there is nothing left to roll back."""
        if conn.broken:
            return
        with suppress(psycopg.OperationalError):
            conn.rollback()

    @staticmethod
    def _commit_without_waiting(conn: psycopg.Connection) -> None:
        """Let this transaction's commit return before its WAL reaches the disk.

        For a transaction that only read (its row lock still takes a transaction id, so a
        plain commit waits for a flush) or only counted a request for the flood gate: a server
        crash could lose nothing worth a disk flush on every request. Durable commits after it
        flush its WAL anyway.
        """
        conn.execute("SET LOCAL synchronous_commit TO off")

    @staticmethod
    def _lock_person(conn: psycopg.Connection, person: Person) -> tuple[Any, ...]:
        """Lock the person's row (made on first use): their lock, across every replica."""
        key = person_key(person)
        select = f"SELECT wake_at, profile, undo FROM people WHERE {KEY} FOR UPDATE"
        row = conn.execute(select, key).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO people (team_id, user_id) VALUES (%(team)s, %(user)s)"
                " ON CONFLICT DO NOTHING",
                key,
            )
            row = conn.execute(select, key).fetchone()
        if row is None:
            raise StoreError(f"could not lock the record of {person.user_id}")
        return tuple(row)

    def _settle(
        self, conn: psycopg.Connection, person: Person, *, before: float | None
    ) -> float | None:
        """Keep `next_due` in step with what was written; tell the replicas of a new moment."""
        row = conn.execute(
            "UPDATE people SET kept = true,"
            " next_due = CASE WHEN coalesce(profile->>'delivery_parked', '') <> '' THEN NULL"
            " ELSE (SELECT min(next_attempt) FROM nudges n WHERE n.team_id = people.team_id"
            " AND n.user_id = people.user_id AND n.state = ANY(%(s)s)) END,"
            " waiting = (SELECT count(*) FROM nudges n WHERE n.team_id = people.team_id"
            " AND n.user_id = people.user_id AND n.state = ANY(%(s)s))"
            f" WHERE {KEY} RETURNING wake_at",
            {**person_key(person), "s": WAITING_STATES},
        ).fetchone()
        wake: float | None = row[0] if row else None
        if wake is None or wake == before:
            return None
        self._notify(conn, wake)
        return wake

    def _notify(self, conn: psycopg.Connection, wake: float) -> None:
        """Inside the writing transaction: PostgreSQL delivers it only once that commits."""
        conn.execute("SELECT pg_notify(%s, %s)", (self._channel, f"{self._id} {wake!r}"))

    def _tell_watchers(self, wake: float | None) -> None:
        if wake is None:
            return
        moment = datetime.fromtimestamp(wake, UTC)
        for watcher in list(self._watchers):
            watcher(moment)

    def _heard(self, wake: float) -> None:
        self._tell_watchers(wake)

    def _caught_up(self) -> None:
        """Notices sent while the listener was away are lost: ask once what is next."""
        moment = self.next_due_at()
        if moment is not None:
            for watcher in list(self._watchers):
                watcher(moment)
