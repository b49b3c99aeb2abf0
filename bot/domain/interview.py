"""An interview as the coach remembers it, and who it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from bot.domain.timing import Day


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
    #: The person took the offer: the search is over.
    ACCEPTED = "accepted"
    #: The person turned the offer down: the search goes on.
    DECLINED = "declined"


#: Outcomes after which the coach never suggests following up with the employer again.
#: An offer is among them: what follows it is the offer plan, not the follow-up cadence.
CLOSED_OUTCOMES = frozenset(
    {Outcome.OFFER, Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.ACCEPTED, Outcome.DECLINED}
)


@dataclass(frozen=True)
class Interviewer:
    """Someone who interviewed the person; a thank-you note goes to each."""

    name: str
    slack_id: str | None = None
    contact: str | None = None

    @property
    def linkedin(self) -> str | None:
        """Their LinkedIn profile, when the person gave one."""
        if self.contact and "linkedin.com/" in self.contact:
            return self.contact if self.contact.startswith("http") else f"https://{self.contact}"
        return None


@dataclass(frozen=True)
class Debrief:
    """What the person said about an interview right after it ("How did it go?").

    Each answer feeds what follows: the topics the thank-you's specific sentence, the date
    they gave the follow-up's timing, and anyone else met a thank-you of their own.
    """

    topics: str = ""
    next_step: str = ""
    decision_on: date | None = None
    others_met: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {
            "topics": self.topics,
            "next_step": self.next_step,
            "decision_on": None if self.decision_on is None else self.decision_on.isoformat(),
            "others_met": list(self.others_met),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Debrief:
        decided = record.get("decision_on")
        return cls(
            topics=record.get("topics", ""),
            next_step=record.get("next_step", ""),
            decision_on=None if decided is None else date.fromisoformat(decided),
            others_met=tuple(record.get("others_met", [])),
        )


@dataclass(frozen=True)
class Interview:
    """One interview, a round of a hiring process, with its times in UTC."""

    id: int
    company: str
    role: str
    starts_at: datetime
    ends_at: datetime
    tz: str
    interviewers: tuple[Interviewer, ...] = ()
    process_id: int = 0
    round: int = 1
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    notes: str = ""
    #: The person's answers to "How did it go?", once given.
    debrief: Debrief | None = None

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict: the shape the store keeps."""
        record = self._core_record()
        if self.debrief is not None:
            record["debrief"] = self.debrief.to_record()
        return record

    def _core_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "company": self.company,
            "role": self.role,
            "starts_at": self.starts_at.timestamp(),
            "ends_at": self.ends_at.timestamp(),
            "tz": self.tz,
            "interviewers": [[i.name, i.slack_id, i.contact] for i in self.interviewers],
            "notes": self.notes,
            "process_id": self.process_id or self.id,
            "round": self.round,
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
            interviewers=tuple(Interviewer(*fields) for fields in record["interviewers"]),
            notes=record.get("notes", ""),
            process_id=int(record.get("process_id") or record["id"]),
            round=int(record.get("round", 1)),
            created_at=_utc(record["created_at"]),
            debrief=None
            if record.get("debrief") is None
            else Debrief.from_record(record["debrief"]),
        )


@dataclass(frozen=True)
class Process:
    """A hiring process with one employer: its rounds, where it stands, and follow-ups made.

    Its id is the id of its first interview, so people only ever see one kind of number.
    """

    id: int
    company: str
    role: str
    outcome: Outcome = Outcome.WAITING
    outcome_at: datetime | None = None
    expected_on: date | None = None
    followed_up: tuple[datetime, ...] = ()
    #: When the person skipped a suggested follow-up: a suggestion used without contact.
    skipped: tuple[datetime, ...] = ()
    #: Since when the process has gone quiet: follow-ups used up with no news. Any news
    #: (an outcome, a date they named, a new round) warms it up again.
    cold_at: datetime | None = None
    #: When the person said the employer asked for their references.
    references_at: datetime | None = None

    @property
    def closed(self) -> bool:
        """True once the employer said no, made an offer, or the person withdrew."""
        return self.outcome in CLOSED_OUTCOMES

    @property
    def offer_open(self) -> bool:
        """An offer is on the table and the person has not answered it yet."""
        return self.outcome == Outcome.OFFER

    @property
    def cold(self) -> bool:
        return self.cold_at is not None and not self.closed

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "company": self.company,
            "role": self.role,
            "outcome": self.outcome.value,
            "outcome_at": None if self.outcome_at is None else self.outcome_at.timestamp(),
            "expected_on": None if self.expected_on is None else self.expected_on.isoformat(),
            "followed_up": [moment.timestamp() for moment in self.followed_up],
            "skipped": [moment.timestamp() for moment in self.skipped],
            "cold_at": None if self.cold_at is None else self.cold_at.timestamp(),
            "references_at": None if self.references_at is None else self.references_at.timestamp(),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Process:
        outcome_at = record.get("outcome_at")
        expected = record.get("expected_on")
        return cls(
            id=int(record["id"]),
            company=record["company"],
            role=record["role"],
            outcome=Outcome(record["outcome"]),
            outcome_at=None if outcome_at is None else _utc(outcome_at),
            expected_on=None if expected is None else date.fromisoformat(expected),
            followed_up=tuple(_utc(stamp) for stamp in record.get("followed_up", [])),
            skipped=tuple(_utc(stamp) for stamp in record.get("skipped", [])),
            cold_at=None if record.get("cold_at") is None else _utc(record["cold_at"]),
            references_at=None
            if record.get("references_at") is None
            else _utc(record["references_at"]),
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
    window: Day | None = None
    paused_until: datetime | None = None
    home_opened: bool = False
    my_name: str = ""
    strengths: str = ""
    #: Why delivery to this person stopped (Slack said they cannot be reached), until they
    #: next use the coach; None while delivery runs.
    delivery_parked: str | None = None
    #: A zone name Slack gave that is not a real zone (already told to the person).
    tz_unknown: str | None = None
    #: Whose public holidays are days off; None: the country of the person's time zone;
    #: "": none at all.
    country: str | None = None
    #: False once the person said they are done searching: no more keep-applying nudges
    #: until they add an interview again.
    searching: bool = True

    def to_record(self) -> dict[str, Any]:
        checked = self.tz_checked_at
        window = self.window
        return {
            "window": None
            if window is None
            else {
                "days": sorted(window.days),
                "starts": f"{window.starts:%H:%M}",
                "ends": f"{window.ends:%H:%M}",
            },
            "paused_until": None if self.paused_until is None else self.paused_until.timestamp(),
            "home_opened": self.home_opened,
            "my_name": self.my_name,
            "strengths": self.strengths,
            "tz": self.tz,
            "tz_checked_at": None if checked is None else checked.timestamp(),
            "dm_channel": self.dm_channel,
            "next_interview_id": self.next_interview_id,
            "next_nudge_number": self.next_nudge_number,
            "delivery_parked": self.delivery_parked,
            "tz_unknown": self.tz_unknown,
            "country": self.country,
            "searching": self.searching,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Profile:
        checked = record.get("tz_checked_at")
        window = record.get("window")
        paused = record.get("paused_until")
        return cls(
            window=None
            if window is None
            else Day(
                starts=time.fromisoformat(window["starts"]),
                ends=time.fromisoformat(window["ends"]),
                morning=time.fromisoformat(window["starts"]),
                days=frozenset(window["days"]),
            ),
            paused_until=None if paused is None else _utc(paused),
            home_opened=bool(record.get("home_opened", False)),
            my_name=record.get("my_name", ""),
            strengths=record.get("strengths", ""),
            tz=record.get("tz"),
            tz_checked_at=None if checked is None else _utc(checked),
            dm_channel=record.get("dm_channel"),
            next_interview_id=int(record.get("next_interview_id", 1)),
            next_nudge_number=int(record.get("next_nudge_number", 1)),
            delivery_parked=record.get("delivery_parked"),
            tz_unknown=record.get("tz_unknown"),
            country=record.get("country"),
            searching=bool(record.get("searching", True)),
        )
