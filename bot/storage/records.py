"""What every backend shares about records: valid person ids and which nudges wait or are open.

Records themselves are the domain's own encoding (`to_record` / `from_record` on Interview,
Process, Profile and Nudge), so every backend keeps exactly the same shapes and an export or a
migration from one backend to another carries them unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain.interview import Person

#: Team and user ids as Slack makes them; anything else could escape a folder or a key.
SLACK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: Team ids as workspace records name them, and OAuth states as Bolt makes them (a UUID).
TEAM_ID = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,40}")
OAUTH_STATE = re.compile(r"[A-Za-z0-9_-]{8,128}")
#: Nudge states waiting for delivery, and those still open for the person.
WAITING = frozenset({"scheduled", "sending"})
OPEN = frozenset({"scheduled", "sending", "sent"})


def check_person(person: Person) -> None:
    """Refuse ids Slack would never make, before they reach a path or a query."""
    for part in (person.team_id, person.user_id):
        if not isinstance(part, str) or not SLACK_ID.fullmatch(part):
            raise ValueError(f"not a Slack id: {part!r}")


def check_team(team_id: str) -> str:
    """A workspace's team id, or ValueError: it names files and rows."""
    if not isinstance(team_id, str) or not TEAM_ID.fullmatch(team_id):
        raise ValueError(f"not a Slack team id: {team_id!r}")
    return team_id


def next_attempt(record: dict[str, Any]) -> float:
    """When delivery should next try a waiting nudge record."""
    return float(record.get("retry_at") or record["due_at"])
