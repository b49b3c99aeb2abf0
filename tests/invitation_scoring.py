"""Scoring a reading of an invitation against a corpus entry (CORPORA.md section 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.domain.invitation import Invitation, read_invitation
from bot.domain.text import match_key

HERE = Path(__file__).resolve().parent
OWN = HERE / "invitations_corpus.yml"
HELD_OUT = HERE / "invitations_heldout.yml"
_LEGAL = re.compile(r"(?:,?\s+(?:inc|ltd|llc|gmbh|plc|corp|pvt|limited)\.?)+$", re.IGNORECASE)


def load(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def _company_key(name: str | None) -> str | None:
    return None if not name else match_key(_LEGAL.sub("", name.strip()))


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Scored:
    entry_id: str
    wrong: tuple[str, ...]
    reading: Invitation

    @property
    def right(self) -> bool:
        return not self.wrong


def score(entry: dict[str, Any]) -> Scored:
    """Which fields of the entry the reading got wrong (none: fully right)."""
    tz = entry["tz"]
    received = _when(entry["received"])
    assert received is not None
    now = received.replace(tzinfo=ZoneInfo(tz)) if received.tzinfo is None else received
    reading = read_invitation(entry["text"], now=now, tz=tz)
    expect = entry["expect"]
    wrong = []
    if _company_key(reading.company) != _company_key(expect.get("company")):
        wrong.append("company")
    if (match_key(reading.role) if reading.role else None) != (
        match_key(expect["role"]) if expect.get("role") else None
    ):
        wrong.append("role")
    starts_at = _when(expect.get("starts_at"))
    if starts_at is None:
        if reading.starts_at is not None:
            wrong.append("starts_at")
    elif (
        reading.starts_at is None
        or reading.starts_at != starts_at
        or reading.starts_at.utcoffset() != starts_at.utcoffset()
    ):
        wrong.append("starts_at")
    minutes = None if reading.duration is None else int(reading.duration.total_seconds() // 60)
    if minutes != expect.get("duration_minutes"):
        wrong.append("duration")
    expected_people = {
        (match_key(p["name"]), (p.get("email") or "").lower() or None)
        for p in expect.get("interviewers") or []
    }
    found_people = {
        (match_key(i.name), (i.contact or "").lower() or None) for i in reading.interviewers
    }
    if expected_people != found_people:
        wrong.append("interviewers")
    return Scored(entry_id=str(entry["id"]), wrong=tuple(wrong), reading=reading)


def describe(scored: Scored, entry: dict[str, Any]) -> str:
    r = scored.reading
    people = [(i.name, i.contact) for i in r.interviewers]
    return (
        f"{scored.entry_id}: wrong {', '.join(scored.wrong)}\n"
        f"  read company={r.company!r} role={r.role!r} "
        f"starts_at={r.starts_at and r.starts_at.isoformat()} "
        f"duration={r.duration} interviewers={people} unsure={sorted(r.unsure)}\n"
        f"  want {entry['expect']}"
    )


if __name__ == "__main__":
    entries = load(OWN)
    results = [score(e) for e in entries]
    for result, entry in zip(results, entries, strict=True):
        if not result.right:
            print(describe(result, entry))
    right = sum(r.right for r in results)
    print(f"{right}/{len(results)} fully right ({right / len(results):.0%})")
