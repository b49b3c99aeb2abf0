"""One person's data inside their PostgreSQL transaction: the PersonBook protocol over SQL.

Every query names the person's key first, so it runs on that person's rows through the
indexes (by number, by interview, by message, the waiting ones by next attempt), whatever
anyone else keeps.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge
from bot.storage.records import OPEN, WAITING, next_attempt

#: The person's key in every query.
KEY = "team_id = %(team)s AND user_id = %(user)s"
WAITING_STATES = sorted(WAITING)
OPEN_STATES = sorted(OPEN)


def person_key(person: Person) -> dict[str, Any]:
    return {"team": person.team_id, "user": person.user_id}


class PostgresPersonBook:
    """A person's data inside their transaction (the PersonBook protocol over SQL)."""

    def __init__(self, person: Person, conn: psycopg.Connection, row: tuple[Any, ...]) -> None:
        self.person = person
        self.connection = conn
        self._key = person_key(person)
        self._profile_record: dict[str, Any] | None = row[1]
        self._undo: dict[str, Any] | None = row[2]
        self._profile: Profile | None = None
        self.wrote = False
        #: A change made on this connection outside the book (a notice taken, say): it must
        #: reach the disk before the commit returns, although `wrote` stays False.
        self.wrote_aside = False

    @property
    def profile(self) -> Profile:
        if self._profile is None:
            record = self._profile_record
            self._profile = Profile.from_record(record) if record is not None else Profile()
        return self._profile

    def save_profile(self, profile: Profile) -> None:
        self._profile_record, self._profile = profile.to_record(), profile
        self._run(f"UPDATE people SET profile = %(r)s WHERE {KEY}", r=Jsonb(self._profile_record))

    def interview(self, interview_id: int) -> Interview | None:
        rows = self._records("interviews", "id = %(id)s", id=interview_id)
        return Interview.from_record(rows[0]) if rows else None

    def interviews(self) -> list[Interview]:
        return [Interview.from_record(r) for r in self._records("interviews")]

    def save_interview(self, interview: Interview) -> None:
        self._put("interviews", interview.id, interview.to_record())

    def delete_interview(self, interview_id: int) -> None:
        self._run(f"DELETE FROM interviews WHERE {KEY} AND id = %(id)s", id=interview_id)

    def process(self, process_id: int) -> Process | None:
        rows = self._records("processes", "id = %(id)s", id=process_id)
        return Process.from_record(rows[0]) if rows else None

    def processes(self) -> list[Process]:
        return [Process.from_record(r) for r in self._records("processes")]

    def save_process(self, process: Process) -> None:
        self._put("processes", process.id, process.to_record())

    def delete_process(self, process_id: int) -> None:
        self._run(f"DELETE FROM processes WHERE {KEY} AND id = %(id)s", id=process_id)

    def nudge(self, number: int) -> Nudge | None:
        found = self._nudges("number = %(n)s", n=number)
        return found[0] if found else None

    def open_nudges(self, interview_ids: Collection[int] | None = None) -> list[Nudge]:
        if interview_ids is None:
            return self._nudges("state = ANY(%(s)s)", s=OPEN_STATES)
        return self._nudges(
            "state = ANY(%(s)s) AND interview_id = ANY(%(i)s)", s=OPEN_STATES, i=list(interview_ids)
        )

    def nudges_of(self, interview_ids: Collection[int]) -> list[Nudge]:
        return self._nudges("interview_id = ANY(%(i)s)", i=list(interview_ids))

    def nudges_in_message(self, message_ts: str) -> list[Nudge]:
        return self._nudges("message_ts = %(ts)s", ts=message_ts)

    def latest_message(self) -> str | None:
        row = self.connection.execute(
            f"SELECT message_ts FROM nudges WHERE {KEY} AND message_ts IS NOT NULL"
            " ORDER BY message_ts::numeric DESC LIMIT 1",
            self._key,
        ).fetchone()
        return row[0] if row else None

    def due_nudges(self, now: datetime) -> list[Nudge]:
        return self._nudges(
            "state = ANY(%(s)s) AND next_attempt <= %(t)s", s=WAITING_STATES, t=now.timestamp()
        )

    def waiting_nudges(self) -> list[Nudge]:
        return self._nudges("state = ANY(%(s)s)", s=WAITING_STATES)

    def nudges(self) -> list[Nudge]:
        return self._nudges("true")

    def save_nudges(self, nudges: Collection[Nudge]) -> None:
        if not nudges:
            return
        rows = []
        for nudge in nudges:
            record = nudge.to_record()
            rows.append(
                {
                    **self._key,
                    "n": nudge.number,
                    "i": nudge.interview_id,
                    "s": record["state"],
                    "ts": nudge.message_ts,
                    "at": next_attempt(record),
                    "r": Jsonb(record),
                }
            )
        self.wrote = True
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO nudges"
                " (team_id, user_id, number, interview_id, state, message_ts, next_attempt, record)"
                " VALUES (%(team)s, %(user)s, %(n)s, %(i)s, %(s)s, %(ts)s, %(at)s, %(r)s)"
                " ON CONFLICT (team_id, user_id, number) DO UPDATE SET"
                " interview_id = EXCLUDED.interview_id, state = EXCLUDED.state,"
                " message_ts = EXCLUDED.message_ts, next_attempt = EXCLUDED.next_attempt,"
                " record = EXCLUDED.record",
                rows,
            )

    def delete_nudges(self, numbers: Collection[int]) -> None:
        if numbers:
            self._run(f"DELETE FROM nudges WHERE {KEY} AND number = ANY(%(n)s)", n=list(numbers))

    def undo_record(self) -> dict[str, Any] | None:
        return self._undo

    def save_undo_record(self, record: dict[str, Any] | None) -> None:
        self._undo = record
        value = None if record is None else Jsonb(record)
        self._run(f"UPDATE people SET undo = %(r)s WHERE {KEY}", r=value)

    def export(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "interviews": self._records("interviews"),
            "nudges": [n.to_record() for n in self.nudges()],
            "processes": self._records("processes"),
            "profile": [] if self._profile_record is None else [self._profile_record],
            "undo": [] if self._undo is None else [self._undo],
        }

    def _run(self, query: str, **params: Any) -> None:
        self.wrote = True
        self.connection.execute(query.encode(), {**self._key, **params})

    def _put(self, table: str, record_id: int, record: dict[str, Any]) -> None:
        self._run(
            f"INSERT INTO {table} (team_id, user_id, id, record)"
            " VALUES (%(team)s, %(user)s, %(id)s, %(r)s)"
            " ON CONFLICT (team_id, user_id, id) DO UPDATE SET record = EXCLUDED.record",
            id=record_id,
            r=Jsonb(record),
        )

    def _records(self, table: str, where_: str = "true", **params: Any) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            f"SELECT record FROM {table} WHERE {KEY} AND {where_} ORDER BY id".encode(),
            {**self._key, **params},
        ).fetchall()
        return [row[0] for row in rows]

    def _nudges(self, where_: str, **params: Any) -> list[Nudge]:
        rows = self.connection.execute(
            f"SELECT record FROM nudges WHERE {KEY} AND {where_} ORDER BY number".encode(),
            {**self._key, **params},
        ).fetchall()
        return [Nudge.from_record(row[0]) for row in rows]
