"""The PostgreSQL store's calendar feeds, shared by every replica and leased one at a time.

A claim takes the due feeds nobody holds (or whose holder's lease ran out) with
`FOR UPDATE SKIP LOCKED`, so two replicas claiming at once never take the same feed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import psycopg
from psycopg.types.json import Jsonb

from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Person
from bot.storage.records import check_person

KEY = "team_id = %(team_id)s AND user_id = %(user_id)s"


def write_feed(
    conn: psycopg.Connection, person: Person, feed: CalendarFeed, *, overwrite: bool = True
) -> None:
    """The person's feed row, in the caller's transaction; without `overwrite` a row already
    there is left as it is (a copy never replaces what the target holds)."""
    on_conflict = (
        "DO UPDATE SET record = excluded.record, next_at = excluded.next_at"
        if overwrite
        else "DO NOTHING"
    )
    conn.execute(
        "INSERT INTO calendar_feeds (team_id, user_id, record, next_at)"
        " VALUES (%(team_id)s, %(user_id)s, %(record)s, %(next_at)s)"
        f" ON CONFLICT (team_id, user_id) {on_conflict}",
        {
            **_key(person),
            "record": Jsonb(feed.to_record()),
            "next_at": feed.poll.next_at.timestamp(),
        },
    )


class PostgresFeeds:
    """Calendar feeds in the `calendar_feeds` table."""

    def __init__(self, committed: Callable[[], AbstractContextManager[psycopg.Connection]]) -> None:
        self._committed = committed

    def feed(self, person: Person) -> CalendarFeed | None:
        check_person(person)
        with self._committed() as conn:
            row = conn.execute(
                f"SELECT record FROM calendar_feeds WHERE {KEY}", _key(person)
            ).fetchone()
        return None if row is None else CalendarFeed.from_record(row[0])

    def save(self, person: Person, feed: CalendarFeed | None) -> None:
        check_person(person)
        with self._committed() as conn:
            if feed is None:
                conn.execute(f"DELETE FROM calendar_feeds WHERE {KEY}", _key(person))
                return
            write_feed(conn, person, feed)

    def claim(self, now: datetime, *, owner: str, lease: timedelta, limit: int) -> list[Person]:
        params = {
            "now": now.timestamp(),
            "owner": owner,
            "until": (now + lease).timestamp(),
            "limit": limit,
        }
        with self._committed() as conn:
            rows = conn.execute(
                "UPDATE calendar_feeds SET claimed_by = %(owner)s, lease_until = %(until)s"
                " WHERE (team_id, user_id) IN ("
                "  SELECT team_id, user_id FROM calendar_feeds"
                "  WHERE next_at <= %(now)s"
                "   AND (claimed_by IS NULL OR lease_until <= %(now)s)"
                "  ORDER BY next_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                " RETURNING team_id, user_id",
                params,
            ).fetchall()
        return sorted(Person(team, user) for team, user in rows)

    def release(self, person: Person, *, owner: str) -> None:
        """End the lease without waiting for the disk: a release lost in a crash only makes
        the feed wait for its lease to run out."""
        check_person(person)
        with self._committed() as conn:
            conn.execute("SET LOCAL synchronous_commit TO off")
            conn.execute(
                "UPDATE calendar_feeds SET claimed_by = NULL, lease_until = NULL"
                f" WHERE {KEY} AND claimed_by = %(owner)s",
                {**_key(person), "owner": owner},
            )

    def forget_team(self, team_id: str) -> None:
        with self._committed() as conn:
            conn.execute("DELETE FROM calendar_feeds WHERE team_id = %s", (team_id,))


def _key(person: Person) -> dict[str, str]:
    return {"team_id": person.team_id, "user_id": person.user_id}
