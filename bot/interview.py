"""An interview as the coach remembers it, and who it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, order=True)
class Person:
    """A candidate, keyed by workspace and user so two workspaces never mix."""

    team_id: str
    user_id: str


class Outcome(StrEnum):
    """Where the hiring process stands; it decides which nudges may still go out."""

    WAITING = "waiting"
    IN_PROCESS = "in process"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


#: Outcomes after which the coach never suggests contacting the employer again.
CLOSED_OUTCOMES = frozenset({Outcome.OFFER, Outcome.REJECTED, Outcome.WITHDRAWN})


@dataclass(frozen=True)
class Interviewer:
    """Someone who interviewed the person; a thank-you note goes to each."""

    name: str
    slack_id: str | None = None


@dataclass(frozen=True)
class Interview:
    """One interview (a round of a hiring process) with its times in UTC."""

    id: int
    company: str
    role: str
    starts_at: datetime
    ends_at: datetime
    tz: str
    interviewers: tuple[Interviewer, ...] = ()
    outcome: Outcome = Outcome.WAITING
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def closed(self) -> bool:
        """True once the employer said no, made an offer, or the person withdrew."""
        return self.outcome in CLOSED_OUTCOMES

    def with_outcome(self, outcome: Outcome) -> Interview:
        return replace(self, outcome=outcome)

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict: the shape the store keeps."""
        return {
            "id": self.id,
            "company": self.company,
            "role": self.role,
            "starts_at": self.starts_at.timestamp(),
            "ends_at": self.ends_at.timestamp(),
            "tz": self.tz,
            "interviewers": [[i.name, i.slack_id] for i in self.interviewers],
            "outcome": self.outcome.value,
            "created_at": self.created_at.timestamp(),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Interview:
        return cls(
            id=int(record["id"]),
            company=record["company"],
            role=record["role"],
            starts_at=_utc(record["starts_at"]),
            ends_at=_utc(record["ends_at"]),
            tz=record["tz"],
            interviewers=tuple(Interviewer(name, sid) for name, sid in record["interviewers"]),
            outcome=Outcome(record["outcome"]),
            created_at=_utc(record["created_at"]),
        )


def _utc(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


@dataclass(frozen=True)
class Profile:
    """What the coach keeps about a person besides their interviews."""

    tz: str | None = None
    tz_checked_at: datetime | None = None
    dm_channel: str | None = None
    next_interview_id: int = 1
    next_nudge_number: int = 1

    def to_record(self) -> dict[str, Any]:
        checked = self.tz_checked_at
        return {
            "tz": self.tz,
            "tz_checked_at": None if checked is None else checked.timestamp(),
            "dm_channel": self.dm_channel,
            "next_interview_id": self.next_interview_id,
            "next_nudge_number": self.next_nudge_number,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Profile:
        checked = record.get("tz_checked_at")
        return cls(
            tz=record.get("tz"),
            tz_checked_at=None if checked is None else _utc(checked),
            dm_channel=record.get("dm_channel"),
            next_interview_id=int(record.get("next_interview_id", 1)),
            next_nudge_number=int(record.get("next_nudge_number", 1)),
        )
