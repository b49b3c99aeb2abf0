"""The PostgreSQL store's workspace records: installations, OAuth states and departures.

Small tables beside people's data, so every replica sees the same installs, a state issued by
one replica is consumed once by whichever replica Slack sends the browser back to, and a
departure is scheduled once.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import psycopg
from psycopg.types.json import Jsonb

from bot.storage.protocol import Installation
from bot.storage.records import OAUTH_STATE, check_team

Connect = Callable[[], AbstractContextManager[psycopg.Connection]]


class PostgresWorkspaces:
    """Each call is one committed transaction on a connection `connect` lends."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    def save_installation(self, installation: Installation) -> None:
        check_team(installation.team_id)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO installations (team_id, enterprise_id, record) VALUES (%s, %s, %s)"
                " ON CONFLICT (team_id) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id,"
                " record = EXCLUDED.record",
                (installation.team_id, installation.enterprise_id, Jsonb(installation.to_record())),
            )

    def find_installation(
        self, team_id: str, *, enterprise_id: str | None = None
    ) -> Installation | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT record FROM installations WHERE team_id = %s", (team_id,)
            ).fetchone()
        found = Installation.from_record(row[0]) if row else None
        if found is None or (enterprise_id is not None and found.enterprise_id != enterprise_id):
            return None
        return found

    def delete_installation(self, team_id: str) -> None:
        check_team(team_id)
        with self._connect() as conn:
            conn.execute("DELETE FROM installations WHERE team_id = %s", (team_id,))

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        if not OAUTH_STATE.fullmatch(state):
            raise ValueError("not an OAuth state this store can keep")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO oauth_states (state, expires_at) VALUES (%s, %s)"
                " ON CONFLICT (state) DO UPDATE SET expires_at = EXCLUDED.expires_at",
                (state, expires_at.timestamp()),
            )

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        """One DELETE: of replicas racing for the same state, exactly one gets its row."""
        if not isinstance(state, str) or not OAUTH_STATE.fullmatch(state):
            return False
        with self._connect() as conn:
            row = conn.execute(
                "DELETE FROM oauth_states WHERE state = %s RETURNING expires_at", (state,)
            ).fetchone()
            # States never used (an install abandoned half way) would otherwise pile up.
            conn.execute("DELETE FROM oauth_states WHERE expires_at <= %s", (now.timestamp(),))
        return row is not None and now.timestamp() < float(row[0])

    def schedule_forget(self, team_id: str, at: datetime) -> datetime:
        check_team(team_id)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO workspace_departures (team_id, forget_at) VALUES (%s, %s)"
                " ON CONFLICT (team_id) DO NOTHING",
                (team_id, at.timestamp()),
            )
            row = conn.execute(
                "SELECT forget_at FROM workspace_departures WHERE team_id = %s", (team_id,)
            ).fetchone()
        return datetime.fromtimestamp(row[0], UTC) if row else at

    def cancel_forget(self, team_id: str) -> bool:
        check_team(team_id)
        with self._connect() as conn:
            row = conn.execute(
                "DELETE FROM workspace_departures WHERE team_id = %s RETURNING 1", (team_id,)
            ).fetchone()
        return row is not None

    def forget_at(self, team_id: str) -> datetime | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT forget_at FROM workspace_departures WHERE team_id = %s", (team_id,)
            ).fetchone()
        return datetime.fromtimestamp(row[0], UTC) if row else None

    def to_forget(self, now: datetime) -> list[str]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT team_id FROM workspace_departures WHERE forget_at <= %s ORDER BY team_id",
                (now.timestamp(),),
            ).fetchall()
        return [team for (team,) in rows]
