"""The TinyDB store's workspace records: installations, OAuth states and departures.

They are few and small, and change only when a workspace installs, leaves or starts an
install, so each is a file of its own, replaced atomically (temp file, fsync, rename, fsync the
folder) like a person's snapshot: a crash leaves the old record or the new one, never half of
either. Deleting one fsyncs the folder too, so a consumed state or a deleted token stays gone.

    workspaces/installations/<team>.json   one bot installation per team
    workspaces/oauth-states/<state>.json   one-time states, with their expiry
    workspaces/leaving/<team>.json         when a team that left is to be forgotten
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage.journal import fsync_folder, write_atomically
from bot.storage.protocol import Installation, StoreWriteFailed
from bot.storage.records import OAUTH_STATE, check_team

LOGGER = logging.getLogger(__name__)


class WorkspaceFiles:
    """Workspace records under `<root>/workspaces`, with installations cached in memory."""

    def __init__(self, root: Path) -> None:
        self.root = root / "workspaces"
        self._installations_dir = self.root / "installations"
        self._states_dir = self.root / "oauth-states"
        self._leaving_dir = self.root / "leaving"
        for folder in (self._installations_dir, self._states_dir, self._leaving_dir):
            folder.mkdir(parents=True, exist_ok=True)
            for leftover in folder.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        self._lock = threading.Lock()
        self._installations: dict[str, Installation] = {}
        for path in sorted(self._installations_dir.glob("*.json")):
            record = _read(path)
            if record is None:
                continue
            try:
                installation = Installation.from_record(record)
            except (KeyError, TypeError, ValueError) as problem:
                LOGGER.error("Ignoring an unreadable installation %s: %s", path.name, problem)
                continue
            self._installations[installation.team_id] = installation

    # -- installations -----------------------------------------------------------------------

    def save_installation(self, installation: Installation) -> None:
        path = self._installations_dir / f"{check_team(installation.team_id)}.json"
        with self._lock:
            _write(path, installation.to_record())
            self._installations[installation.team_id] = installation

    def installations(self) -> list[Installation]:
        """Every team's installation, by team id (a migration copies them)."""
        with self._lock:
            return [self._installations[team] for team in sorted(self._installations)]

    def find_installation(
        self, team_id: str, *, enterprise_id: str | None = None
    ) -> Installation | None:
        with self._lock:
            found = self._installations.get(team_id)
        if found is None or (enterprise_id is not None and found.enterprise_id != enterprise_id):
            return None
        return found

    def delete_installation(self, team_id: str) -> None:
        path = self._installations_dir / f"{check_team(team_id)}.json"
        with self._lock:
            _delete(path)
            self._installations.pop(team_id, None)

    # -- OAuth states ------------------------------------------------------------------------

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        if not OAUTH_STATE.fullmatch(state):
            raise ValueError("not an OAuth state this store can keep")
        with self._lock:
            _write(self._states_dir / f"{state}.json", {"expires_at": expires_at.timestamp()})

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        if not isinstance(state, str) or not OAUTH_STATE.fullmatch(state):
            return False
        path = self._states_dir / f"{state}.json"
        with self._lock:
            record = _read(path)
            if record is not None:
                _delete(path)
            self._drop_expired_states(now)
        return record is not None and now.timestamp() < float(record.get("expires_at", 0))

    def _drop_expired_states(self, now: datetime) -> None:
        """States never used (an install abandoned half way) would otherwise pile up."""
        for path in self._states_dir.glob("*.json"):
            record = _read(path)
            if record is None or float(record.get("expires_at", 0)) <= now.timestamp():
                path.unlink(missing_ok=True)

    # -- departures --------------------------------------------------------------------------

    def schedule_forget(self, team_id: str, at: datetime) -> datetime:
        path = self._leaving_dir / f"{check_team(team_id)}.json"
        with self._lock:
            record = _read(path)
            if record is not None:
                return datetime.fromtimestamp(float(record["forget_at"]), UTC)
            _write(path, {"team_id": team_id, "forget_at": at.timestamp()})
        return at

    def cancel_forget(self, team_id: str) -> bool:
        path = self._leaving_dir / f"{check_team(team_id)}.json"
        with self._lock:
            if not path.exists():
                return False
            _delete(path)
        return True

    def forget_at(self, team_id: str) -> datetime | None:
        record = _read(self._leaving_dir / f"{check_team(team_id)}.json")
        return datetime.fromtimestamp(float(record["forget_at"]), UTC) if record else None

    def to_forget(self, now: datetime) -> list[str]:
        due: list[str] = []
        for path in sorted(self._leaving_dir.glob("*.json")):
            record = _read(path)
            if record is not None and float(record["forget_at"]) <= now.timestamp():
                due.append(path.stem)
        return due


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as problem:
        LOGGER.error("Cannot read %s: %s", path, problem)
        return None
    return record if isinstance(record, dict) else None


def _write(path: Path, record: dict[str, Any]) -> None:
    try:
        write_atomically(path, json.dumps(record, separators=(",", ":")).encode())
    except OSError as error:
        raise StoreWriteFailed(f"could not write {path.name}: {error}") from error


def _delete(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        fsync_folder(path.parent)
    except OSError as error:
        raise StoreWriteFailed(f"could not delete {path.name}: {error}") from error
