"""What the coach does for a person: register interviews, keep their nudges, tick them off.

It speaks in product terms and knows nothing of Slack: listeners and the delivery loop call it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.interview import Interview, Person, Profile
from bot.nudge import (
    Nudge,
    NudgeChangeRefused,
    NudgeState,
    cancel,
    mark_done,
    mark_sent,
    mark_skipped,
    retry_later,
    snooze,
    start_sending,
)
from bot.parsing import InterviewRequest
from bot.playbook import Playbook, plan_nudges
from bot.store import Store
from bot.timing import next_morning, settle_in_day, zone

LOGGER = logging.getLogger(__name__)

WAITING_STATES = frozenset({NudgeState.SCHEDULED, NudgeState.SENDING})

#: Slack may change a person's zone (travel, DST rules); ask again after this long.
TIMEZONE_FRESHNESS = timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """A stored interview and the nudges planned for it."""

    interview: Interview
    nudges: list[Nudge]


@dataclass(frozen=True)
class NudgeChange:
    """A nudge after a person acted on it, with the others sharing its Slack message."""

    nudge: Nudge
    message_nudges: list[Nudge]


@dataclass(frozen=True)
class DueBatch:
    """One person's nudges to send now.

    `unsure` holds the numbers whose last send may have reached Slack unrecorded (a crash or
    a lost answer): delivery looks for them in the DM before sending them again.
    """

    person: Person
    nudges: list[Nudge]
    unsure: frozenset[int]
    tz: str
    dm_channel: str | None


@dataclass(frozen=True)
class Overview:
    """What `/interview list` and the `list` reply show."""

    upcoming: list[Interview]
    open_nudges: list[Nudge]
    tz: str


class Coach:
    """The product's operations, each one durable before it returns."""

    def __init__(self, store: Store, playbook: Playbook, clock: Clock) -> None:
        self.store = store
        self.playbook = playbook
        self.clock = clock

    def profile(self, person: Person) -> Profile:
        with self.store.transaction(person) as book:
            return book.profile

    def knows_timezone(self, person: Person) -> bool:
        checked = self.profile(person).tz_checked_at
        return checked is not None and self.clock.now() - checked < TIMEZONE_FRESHNESS

    def remember_timezone(self, person: Person, tz: str | None) -> str:
        """Store what Slack said (UTC when it said nothing) and return the zone to use."""
        with self.store.transaction(person) as book:
            profile = book.profile
            zone_name = tz or profile.tz or "UTC"
            book.save_profile(replace(profile, tz=zone_name, tz_checked_at=self.clock.now()))
        return zone_name

    def timezone(self, person: Person) -> str:
        return self.profile(person).tz or "UTC"

    def remember_dm_channel(self, person: Person, channel: str) -> None:
        with self.store.transaction(person) as book:
            book.save_profile(replace(book.profile, dm_channel=channel))

    def add_interview(self, person: Person, request: InterviewRequest) -> Plan:
        """Store the interview and its planned nudges in one durable write."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            profile = book.profile
            tz = str(getattr(request.starts_at.tzinfo, "key", profile.tz or "UTC"))
            interview = Interview(
                id=profile.next_interview_id,
                company=request.company,
                role=request.role,
                starts_at=request.starts_at.astimezone(zone("UTC")),
                ends_at=(request.starts_at + request.duration).astimezone(zone("UTC")),
                tz=tz,
                interviewers=request.interviewers,
                created_at=now,
            )
            nudges = plan_nudges(
                self.playbook, interview, now=now, first_number=profile.next_nudge_number
            )
            book.save_interview(interview)
            book.save_nudges(nudges)
            book.save_profile(
                replace(
                    profile,
                    next_interview_id=interview.id + 1,
                    next_nudge_number=profile.next_nudge_number + len(nudges),
                )
            )
        LOGGER.info("Interview %s added with %d nudges", interview.id, len(nudges))
        return Plan(interview, nudges)

    def overview(self, person: Person) -> Overview:
        now = self.clock.now()
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            nudges = book.nudges()
            tz = book.profile.tz or "UTC"
        upcoming = sorted((i for i in interviews if i.ends_at >= now), key=lambda i: i.starts_at)
        open_nudges = sorted((n for n in nudges if n.is_open), key=lambda n: (n.due_at, n.number))
        return Overview(upcoming, open_nudges, tz)

    def mark(self, person: Person, number: int | None, verb: str) -> NudgeChange:
        """Done or skip, by number or (None) the latest nudge the person was sent."""
        now = self.clock.now()
        change = mark_done if verb == "done" else mark_skipped
        return self._change(person, number, lambda nudge: change(nudge, now))

    def snooze(
        self, person: Person, number: int | None, *, delay: timedelta | None = None
    ) -> NudgeChange:
        """Snooze for `delay`, or (None) to the next morning; never into the night."""
        now = self.clock.now()
        tz = self.timezone(person)
        local_now = now.astimezone(zone(tz))
        if delay is None:
            until = next_morning(local_now, self.playbook.day)
        else:
            until = settle_in_day(local_now + delay, self.playbook.day)
        return self._change(person, number, lambda nudge: snooze(nudge, until, now))

    def _change(
        self, person: Person, number: int | None, change: Callable[[Nudge], Nudge]
    ) -> NudgeChange:
        with self.store.transaction(person) as book:
            nudge = book.nudge(number) if number is not None else _latest_sent(book.nudges())
            if nudge is None:
                if number is None:
                    raise NudgeChangeRefused(
                        "I'm not sure which item you mean. Add its number, like `done 2`; "
                        "`list` shows the numbers."
                    )
                raise NudgeChangeRefused(f"You have no item #{number}. `list` shows your items.")
            changed = change(nudge)
            book.save_nudges([changed])
            siblings = []
            if nudge.message_ts:
                siblings = [
                    changed if n.number == changed.number else n
                    for n in book.nudges()
                    if n.message_ts == nudge.message_ts
                ]
        return NudgeChange(changed, sorted(siblings, key=lambda n: n.number) or [changed])

    def message_nudges(self, person: Person, message_ts: str) -> list[Nudge]:
        with self.store.transaction(person) as book:
            found = [n for n in book.nudges() if n.message_ts == message_ts]
        return sorted(found, key=lambda n: n.number)

    def claim_due(self) -> list[DueBatch]:
        """Due nudges by person, marked `sending` durably before any Slack call.

        A nudge that would contact an employer after the process closed is cancelled here:
        the guard holds even for nudges planned before the outcome was known. One that comes
        due at night (the bot was down, or time jumped) waits for the person's morning.
        """
        now = self.clock.now()
        due: dict[Person, list[int]] = {}
        for person, number in self.store.take_due(now):
            due.setdefault(person, []).append(number)
        batches = []
        for person, numbers in due.items():
            with self.store.transaction(person) as book:
                profile = book.profile
                local_now = now.astimezone(zone(profile.tz))
                morning = settle_in_day(local_now, self.playbook.day)
                retry_pending = _retry_pending(book.nudges(), now)
                ready: list[Nudge] = []
                held: list[Nudge] = []
                unsure: set[int] = set()
                for number in numbers:
                    nudge = book.nudge(number)
                    if (
                        nudge is None
                        or nudge.state not in WAITING_STATES
                        or nudge.next_attempt_at > now
                    ):
                        continue
                    interview = book.interview(nudge.interview_id)
                    if nudge.contacts_employer and (interview is None or interview.closed):
                        held.append(cancel(nudge, now))
                    elif morning != local_now:
                        held.append(replace(nudge, due_at=morning, retry_at=None))
                    elif retry_pending is not None:
                        held.append(replace(nudge, retry_at=retry_pending))
                    else:
                        if nudge.state == NudgeState.SENDING or nudge.attempts:
                            unsure.add(nudge.number)
                        ready.append(start_sending(nudge))
                book.save_nudges(ready + held)
            if ready:
                ordered = sorted(ready, key=lambda n: (n.due_at, n.number))
                batches.append(
                    DueBatch(
                        person, ordered, frozenset(unsure), profile.tz or "UTC", profile.dm_channel
                    )
                )
        return batches

    def record_sent(self, person: Person, nudges: list[Nudge], channel: str, ts: str) -> None:
        with self.store.transaction(person) as book:
            current = [book.nudge(n.number) for n in nudges]
            book.save_nudges(
                [mark_sent(n, channel, ts) for n in current if n and n.state == NudgeState.SENDING]
            )

    def record_failed(self, person: Person, nudges: list[Nudge]) -> None:
        """The send failed: keep the nudges due and try again later, never drop them."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            current = [book.nudge(n.number) for n in nudges]
            book.save_nudges(
                [retry_later(n, now) for n in current if n and n.state == NudgeState.SENDING]
            )


def _retry_pending(nudges: list[Nudge], now: datetime) -> datetime | None:
    """When a failed send will be retried; later nudges wait for it, so order is kept."""
    waiting = [
        n.retry_at
        for n in nudges
        if n.state == NudgeState.SCHEDULED and n.retry_at is not None and n.retry_at > now
    ]
    return min(waiting) if waiting else None


def _latest_sent(nudges: list[Nudge]) -> Nudge | None:
    sent = [n for n in nudges if n.state == NudgeState.SENT]
    if sent:
        return max(sent, key=lambda n: (float(n.message_ts or 0), n.number))
    return None
