"""A nudge: one thing the coach reminds a person to do, and how its state may change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class NudgeState(StrEnum):
    """Every state is stored, so a restart knows exactly what was delivered.

    scheduled -> sending -> sent, and from any open state to done, skipped or cancelled.
    """

    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({NudgeState.SCHEDULED, NudgeState.SENDING, NudgeState.SENT})


class NudgeChangeRefused(ValueError):
    """A change that makes no sense for the nudge's state, told to the person as is."""


@dataclass(frozen=True)
class Nudge:
    """One reminder; its texts are Slack mrkdwn with the person's words already escaped."""

    number: int
    interview_id: int
    rule: str
    title: str
    text: str
    tip: str
    due_at: datetime
    state: NudgeState = NudgeState.SCHEDULED
    interviewer: str | None = None
    link: str | None = None
    contacts_employer: bool = False
    channel: str | None = None
    message_ts: str | None = None
    attempts: int = 0
    closed_at: datetime | None = None
    retry_at: datetime | None = None
    edition: int = 0
    closing: bool = False
    #: The last send may have reached Slack without being recorded: look in the DM first.
    unsure: bool = False
    #: Which delivery run holds this nudge while it is `sending`.
    claim: str | None = None
    #: What this item is ("thank-you/3/Jane Doe", "follow-up/1/2"): the engine never plans a
    #: second item with the same key while one is open or after the person resolved one.
    key: str = ""
    #: The moment the plan asked for, before the person's window and pauses placed it at
    #: `due_at`; a change of window or pause places it again from here.
    planned_for: datetime | None = None
    #: It has a deadline the working window would miss: it may come in waking hours.
    anytime: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def touched(self) -> bool:
        """The person acted on it (snoozed, done, skipped): the engine leaves it alone."""
        return self.edition > 0 or self.state in (NudgeState.DONE, NudgeState.SKIPPED)

    @property
    def next_attempt_at(self) -> datetime:
        """When delivery should next try: the due time, or later after a failed send."""
        return self.retry_at or self.due_at

    @property
    def mark(self) -> str:
        """Names this nudge in one scheduling: a snooze starts a new edition, a retry does not."""
        return f"{self.number}.{self.edition}"

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict: the shape the store keeps.

        Optional fields are left out while they hold their defaults: every person's file is
        read whole, so smaller records make every cold read and every journal line cheaper.
        """
        record: dict[str, Any] = {
            "number": self.number,
            "interview_id": self.interview_id,
            "rule": self.rule,
            "title": self.title,
            "text": self.text,
            "tip": self.tip,
            "due_at": self.due_at.timestamp(),
            "state": self.state.value,
        }
        optional = {
            "interviewer": self.interviewer,
            "link": self.link,
            "contacts_employer": self.contacts_employer,
            "channel": self.channel,
            "message_ts": self.message_ts,
            "attempts": self.attempts,
            "closed_at": _stamp(self.closed_at),
            "retry_at": _stamp(self.retry_at),
            "edition": self.edition,
            "closing": self.closing,
            "unsure": self.unsure,
            "claim": self.claim,
            "key": self.key,
            "planned_for": _stamp(self.planned_for),
            "anytime": self.anytime,
        }
        record.update((key, value) for key, value in optional.items() if value)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Nudge:
        return cls(
            number=int(record["number"]),
            interview_id=int(record["interview_id"]),
            rule=record["rule"],
            title=record["title"],
            text=record["text"],
            tip=record["tip"],
            due_at=datetime.fromtimestamp(record["due_at"], UTC),
            state=NudgeState(record["state"]),
            interviewer=record.get("interviewer"),
            link=record.get("link"),
            contacts_employer=bool(record.get("contacts_employer", False)),
            channel=record.get("channel"),
            message_ts=record.get("message_ts"),
            attempts=int(record.get("attempts", 0)),
            closed_at=_moment(record.get("closed_at")),
            retry_at=_moment(record.get("retry_at")),
            edition=int(record.get("edition", 0)),
            closing=bool(record.get("closing", False)),
            unsure=bool(record.get("unsure", False)),
            claim=record.get("claim"),
            key=record.get("key", ""),
            planned_for=_moment(record.get("planned_for")),
            anytime=bool(record.get("anytime", False)),
        )


def mark_done(nudge: Nudge, now: datetime) -> Nudge:
    """Done is final; doing it twice is harmless and says so."""
    _require_open(nudge, "done")
    return replace(nudge, state=NudgeState.DONE, closed_at=now)


def mark_skipped(nudge: Nudge, now: datetime) -> Nudge:
    _require_open(nudge, "skip")
    return replace(nudge, state=NudgeState.SKIPPED, closed_at=now)


def cancel(nudge: Nudge, now: datetime) -> Nudge:
    """The coach withdraws a nudge itself (e.g. no more contact after a rejection)."""
    return replace(nudge, state=NudgeState.CANCELLED, closed_at=now)


def snooze(nudge: Nudge, until: datetime, now: datetime) -> Nudge:
    """Back to scheduled at a later time; a sent message is re-sent then as a fresh DM."""
    _require_open(nudge, "snooze")
    if until <= now:
        raise NudgeChangeRefused("A snooze has to end in the future.")
    return replace(
        nudge,
        state=NudgeState.SCHEDULED,
        due_at=until,
        planned_for=until,
        attempts=0,
        retry_at=None,
        edition=nudge.edition + 1,
        unsure=False,
        claim=None,
    )


def start_sending(nudge: Nudge, claim: str) -> Nudge:
    """Recorded before the Slack call, so a crash mid-send is known after a restart.

    A nudge that was already `sending` (a crash, a lost answer) may be in the DM already.
    """
    unsure = nudge.unsure or nudge.state == NudgeState.SENDING
    return replace(nudge, state=NudgeState.SENDING, unsure=unsure, claim=claim)


def mark_sent(nudge: Nudge, channel: str, message_ts: str) -> Nudge:
    return replace(
        nudge,
        state=NudgeState.SENT,
        channel=channel,
        message_ts=message_ts,
        retry_at=None,
        unsure=False,
        claim=None,
    )


def retry_later(nudge: Nudge, now: datetime, *, unsure: bool = False) -> Nudge:
    """A failed send stays due: back off (5 s, 10 s, 20 s ... up to 30 min) and try again.

    The due time stays as planned, so the nudge keeps its place in the person's order.
    `unsure`: the failed request may have reached Slack all the same.
    """
    attempts = nudge.attempts + 1
    delay = timedelta(seconds=min(5 * 2 ** min(attempts - 1, 10), 1800))
    return put_back(nudge, now + delay, attempts=attempts, unsure=nudge.unsure or unsure)


def put_back(
    nudge: Nudge,
    retry_at: datetime | None,
    *,
    attempts: int | None = None,
    unsure: bool | None = None,
) -> Nudge:
    """Back to `scheduled`, to be tried at `retry_at` (None: at its due time)."""
    return replace(
        nudge,
        state=NudgeState.SCHEDULED,
        retry_at=retry_at,
        attempts=nudge.attempts if attempts is None else attempts,
        unsure=nudge.unsure if unsure is None else unsure,
        claim=None,
    )


#: How each verb is said when an item can no longer take it.
_VERB_PHRASES = {"done": "mark done", "skip": "skip", "snooze": "snooze"}
#: How each closed state is said.
_STATE_PHRASES = {
    NudgeState.DONE: "already done",
    NudgeState.SKIPPED: "already skipped",
    NudgeState.CANCELLED: "no longer needed",
}


def _require_open(nudge: Nudge, verb: str) -> None:
    if not nudge.is_open:
        raise NudgeChangeRefused(
            f"#{nudge.number} is {_STATE_PHRASES.get(nudge.state, nudge.state.value)}, so there "
            f"is nothing to {_VERB_PHRASES.get(verb, verb)}."
        )


def _stamp(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _moment(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)
