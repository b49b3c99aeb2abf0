"""A watched calendar feed: what the coach keeps about it, and what one poll changes.

Only events that looked like interviews are kept (their key, a fingerprint and the start),
never the rest of the calendar. An event once offered stays recorded, so it is not offered
again; one the person tracked names its interview, so a move or a cancellation in the
calendar follows it there. Pure: `now` is passed in, the caller fetches and stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.calendar_feed import (
    LOOK_BACK,
    PERSONAL_MAIL_DOMAINS,
    SERVICE_DOMAINS,
    FeedEvent,
    InterviewMatch,
    Seen,
    compare,
    find_interviews,
    interview_signs,
)
from bot.domain.feed_polling import PollState
from bot.domain.interview import Interviewer
from bot.domain.invitation import Invitation, form_values, read_invitation
from bot.domain.text import match_key

__all__ = [
    "CalendarFeed",
    "FeedPoll",
    "FollowedEvent",
    "event_invitation",
    "offer_values",
    "poll_changes",
]

#: Recorded events this far in the past are dropped: the feed is no longer read that far back.
FORGET_AFTER = LOOK_BACK + timedelta(days=16)


@dataclass(frozen=True)
class FollowedEvent:
    """An event offered to the person; `interview_id` once they tracked it."""

    fingerprint: str
    starts_at: datetime
    interview_id: int = 0
    cancelled: bool = False

    def to_record(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "starts_at": self.starts_at.timestamp(),
            "interview_id": self.interview_id,
            "cancelled": self.cancelled,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FollowedEvent:
        return cls(
            fingerprint=str(record["fingerprint"]),
            starts_at=datetime.fromtimestamp(float(record["starts_at"]), UTC),
            interview_id=int(record.get("interview_id") or 0),
            cancelled=bool(record.get("cancelled")),
        )


@dataclass(frozen=True)
class CalendarFeed:
    """One person's calendar feed: the sealed address, how polling goes, the offered events."""

    #: The address sealed with the feed key (see bot.feeds.sealing); never the address itself.
    sealed: str = field(repr=False)
    poll: PollState
    events: Mapping[str, FollowedEvent] = field(default_factory=dict)
    #: The person's own work domains (their employer's), and words that mark an interview
    #: for them: `/interview calendar domain …` and `/interview calendar words …`.
    own_domains: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """Plain JSON values, the same in every backend (the address only sealed)."""
        poll = self.poll
        return {
            "sealed": self.sealed,
            "poll": {
                "next_at": poll.next_at.timestamp(),
                "failures": poll.failures,
                "etag": poll.etag,
                "last_modified": poll.last_modified,
                "problem": poll.problem,
                "told": poll.told,
            },
            "events": {key: event.to_record() for key, event in self.events.items()},
            "own_domains": list(self.own_domains),
            "keywords": list(self.keywords),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CalendarFeed:
        poll = record.get("poll") or {}
        return cls(
            sealed=str(record["sealed"]),
            poll=PollState(
                next_at=datetime.fromtimestamp(float(poll.get("next_at") or 0), UTC),
                failures=int(poll.get("failures") or 0),
                etag=poll.get("etag"),
                last_modified=poll.get("last_modified"),
                problem=str(poll.get("problem") or ""),
                told=bool(poll.get("told")),
            ),
            events={
                str(key): FollowedEvent.from_record(value)
                for key, value in (record.get("events") or {}).items()
            },
            own_domains=tuple(str(d) for d in record.get("own_domains") or ()),
            keywords=tuple(str(k) for k in record.get("keywords") or ()),
        )

    def tracking(self, key: str, interview_id: int) -> CalendarFeed:
        """The feed with the offered event `key` now followed by interview `interview_id`."""
        event = self.events.get(key)
        if event is None:
            return self
        return replace(self, events={**self.events, key: replace(event, interview_id=interview_id)})


@dataclass(frozen=True)
class FeedPoll:
    """What one successful read of the feed means for the person."""

    events: Mapping[str, FollowedEvent]
    #: Interview-like events seen for the first time: offered once.
    offers: tuple[InterviewMatch, ...] = ()
    #: Tracked events whose start or length changed: (interview id, the event now).
    moved: tuple[tuple[int, FeedEvent], ...] = ()
    #: Tracked events cancelled or gone from the calendar: interview ids.
    cancelled: tuple[int, ...] = ()


def poll_changes(
    recorded: Mapping[str, FollowedEvent],
    events: Iterable[FeedEvent],
    *,
    now: datetime,
    own_domains: Iterable[str] = (),
    keywords: Iterable[str] = (),
) -> FeedPoll:
    """New interview-like events to offer, and the tracked ones that moved or were cancelled.

    An offered event that was not tracked is still followed in the record (so it is never
    offered again), silently.
    """
    events = tuple(events)
    seen = {key: Seen(e.fingerprint, e.starts_at) for key, e in recorded.items() if not e.cancelled}
    changes = compare(seen, events, now=now)
    matches = {
        m.event.key: m for m in find_interviews(events, own_domains=own_domains, keywords=keywords)
    }
    kept = {
        key: event
        for key, event in recorded.items()
        if event.starts_at >= now - FORGET_AFTER or key in {e.key for e in events}
    }
    offers: list[InterviewMatch] = []
    for event in changes.new:
        match = matches.get(event.key)
        if match is None or event.key in kept:
            continue
        offers.append(match)
        kept[event.key] = FollowedEvent(event.fingerprint, event.starts_at.astimezone(UTC))
    moved: list[tuple[int, FeedEvent]] = []
    for event in changes.moved:
        before = kept[event.key]
        kept[event.key] = replace(
            before, fingerprint=event.fingerprint, starts_at=event.starts_at.astimezone(UTC)
        )
        if before.interview_id:
            moved.append((before.interview_id, event))
    cancelled: list[int] = []
    for key in changes.cancelled:
        followed = kept.get(key)
        if followed is None or followed.cancelled:
            continue
        kept[key] = replace(followed, cancelled=True)
        if followed.interview_id:
            cancelled.append(followed.interview_id)
    return FeedPoll(
        events=kept, offers=tuple(offers), moved=tuple(moved), cancelled=tuple(cancelled)
    )


#: An organisation that organises this share of the calendar's events (and at least
#: MIN_OWN_EVENTS of them) is the person's own: its hiring loops are not their interviews.
OWN_SHARE = 1 / 3
MIN_OWN_EVENTS = 5


def own_domains_of(events: Iterable[FeedEvent]) -> tuple[str, ...]:
    """The person's own work domain, as the calendar shows it: the organiser of most events
    is its owner, and the owner's domain (unless a personal mail provider) is their
    employer's. Events that look like interviews are not counted."""
    counts: dict[str, int] = {}
    organised = 0
    for event in events:
        if interview_signs(event):
            continue  # three rounds with one employer do not make it the person's own
        domain = event.organizer.domain if event.organizer else None
        if domain:
            organised += 1
            if not _personal(domain):
                counts[domain] = counts.get(domain, 0) + 1
    if not counts:
        return ()
    domain, count = max(counts.items(), key=lambda item: (item[1], item[0]))
    return (domain,) if count >= MIN_OWN_EVENTS and count >= organised * OWN_SHARE else ()


def event_invitation(event: FeedEvent, *, now: datetime, tz: str) -> Invitation:
    """The event read as an invitation: its start and length are certain, the words give the
    company, role and names; attendees from another organisation are the interviewers."""
    people = [p for p in event.people if p.domain and not _personal(p.domain)]
    lines = [event.summary, event.description]
    if event.location:
        lines.append(f"Location: {event.location}")
    text = "\n".join(line for line in lines if line)
    read = read_invitation(text, now=now, tz=tz)
    emails = {match_key(p.name): p.email for p in people if p.name and p.email}
    interviewers = tuple(
        i if i.contact else Interviewer(i.name, None, emails.get(match_key(i.name)))
        for i in read.interviewers
    ) or tuple(
        Interviewer(p.name or p.email or "", None, p.email) for p in people if p.name or p.email
    )
    company = read.company
    unsure = set(read.unsure) - {"date", "time", "duration"}
    if company is None and people and people[0].domain:
        company = people[0].domain.split(".")[-2].capitalize() if "." in people[0].domain else None
        unsure.add("company")
    if interviewers and not read.interviewers:
        unsure.discard("interviewers")
    return Invitation(
        company=company,
        role=read.role,
        starts_at=event.starts_at,
        duration=event.duration,
        interviewers=interviewers[:10],
        unsure=frozenset(unsure),
    )


def _personal(domain: str) -> bool:
    if domain in PERSONAL_MAIL_DOMAINS:
        return True
    return any(domain == d or domain.endswith("." + d) for d in SERVICE_DOMAINS)


def offer_values(event: FeedEvent, *, now: datetime, tz: str) -> dict[str, str]:
    """The add form's values for an offered event, in the person's zone `tz`."""
    return form_values(event_invitation(event, now=now, tz=tz), tz=tz)
