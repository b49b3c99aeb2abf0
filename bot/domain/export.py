"""The person's data as a file they can read: times in their own zone, names as names.

The store keeps compact records (epoch seconds, interviewers as lists, empty fields); a
person exercising their right to their data should not need a program to read it. Every
field is kept; only empty ones and the store's own encodings are left behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from bot.domain.interview import Person
from bot.domain.timing import zone

#: Record fields holding a moment (epoch seconds) or a list of moments.
MOMENTS = frozenset({"followed_up", "skipped"})
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The order tables appear in: what the person cares about first.
TABLE_ORDER = ("profile", "interviews", "processes", "nudges")


def readable_export(
    tables: Mapping[str, list[dict[str, Any]]], person: Person, tz: str, now: datetime
) -> bytes:
    """Every table of the person's book, made readable, as indented JSON."""
    place = zone(tz)

    def moment(stamp: float) -> str:
        return datetime.fromtimestamp(stamp, UTC).astimezone(place).isoformat()

    def field(key: str, value: Any) -> Any:
        if key in MOMENTS and isinstance(value, list):
            return [moment(v) for v in value]
        if _is_moment(key) and isinstance(value, int | float) and not isinstance(value, bool):
            return moment(value)
        if key == "interviewers" and isinstance(value, list):
            return [_interviewer(entry) for entry in value]
        if key == "before" and isinstance(value, dict):
            return {table: _snapshot(rows, record) for table, rows in value.items()}
        if key == "window" and isinstance(value, dict):
            days = [DAY_NAMES[d] for d in sorted(value.get("days", []))]
            return {**value, "days": days}
        return value

    def record(raw: dict[str, Any]) -> dict[str, Any]:
        return {k: field(k, v) for k, v in raw.items() if v is not None and v != ""}

    data: dict[str, Any] = {
        "person": {"team_id": person.team_id, "user_id": person.user_id},
        "exported_at": moment(now.timestamp()),
        "time_zone": tz,
    }
    names = sorted(tables, key=lambda t: (t not in TABLE_ORDER, _rank(t), t))
    for name in names:
        rows = [record(row) for row in tables[name]]
        data[name] = (rows[0] if rows else {}) if name == "profile" else rows
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def _rank(table: str) -> int:
    return TABLE_ORDER.index(table) if table in TABLE_ORDER else len(TABLE_ORDER)


def _is_moment(key: str) -> bool:
    return key.endswith(("_at", "_until")) or key in ("at", "planned_for")


def _snapshot(
    rows: Any, record: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, list[Any]]:
    """What undo would put back: the earlier rows it restores and the ids it removes."""
    if not isinstance(rows, dict):
        return cast(dict[str, list[Any]], rows)  # kept as stored: nothing to translate
    restores = [record(row) for row in rows.values() if isinstance(row, dict)]
    removes = [int(key) if key.isdigit() else key for key, row in rows.items() if row is None]
    return {k: v for k, v in (("restores", restores), ("removes", removes)) if v}


def _interviewer(entry: Any) -> Any:
    """[name, slack id, contact] as an object with only what is known."""
    if not isinstance(entry, list):
        return entry
    fields = dict(zip(("name", "slack_id", "contact"), entry, strict=False))
    return {k: v for k, v in fields.items() if v}
