"""Realistic stores for the benchmarks, seeded through the coach's own domain functions.

One Coach.add_interview per interview and one coach call per state change would mean one durable
write per change: far too slow for 100,000 nudges. Here each person is seeded in one store
transaction (held writes, one durable write at the end) with the same domain functions the
coach uses: plan_nudges for the plan, and start_sending/mark_sent, mark_done, mark_skipped,
snooze and cancel for the states a nudge goes through.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import LA, START
from bot.interview import Interview, Interviewer, Outcome, Person
from bot.nudge import (
    Nudge,
    NudgeState,
    cancel,
    mark_done,
    mark_sent,
    mark_skipped,
    snooze,
    start_sending,
)
from bot.parsing import InterviewRequest
from bot.playbook import Playbook, plan_nudges
from bot.slack_standin import TEAM_ID
from bot.store import Store
from bot.timing import settle_in_day, zone

ZONES = (
    LA,
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark & Sons", "Vandelay")
ROLES = ("Staff Engineer", "Backend Developer", "Product Manager", "Data Analyst", "Designer")
NAMES = ("Jane Doe", "Bob Smith", "Ann Lee", "Chris Park", "Dana Wu", "Eli Cohen", "Fay Moss")
PENDING_STATES = frozenset({NudgeState.SCHEDULED, NudgeState.SENDING})
INTERVIEWS_PER_PERSON = 4


@dataclass
class Seeded:
    """A seeded store and who in it the benchmarks act as."""

    root: Path
    people: list[Person] = field(default_factory=list)
    add_people: list[Person] = field(default_factory=list)
    click_people: list[Person] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def nudges(self) -> int:
        return sum(self.states.values())

    @property
    def pending(self) -> int:
        return sum(self.states[s.value] for s in PENDING_STATES)


def interview_request(
    rng: random.Random, tz: str, day: datetime, *, interviewers: int | None = None
) -> InterviewRequest:
    """What parse_add would return for an interview on `day` between 09:00 and 16:45 local."""
    local = day.astimezone(zone(tz))
    starts = local.replace(hour=rng.randint(9, 16), minute=rng.choice((0, 15, 30, 45)))
    starts = starts.replace(second=0, microsecond=0)
    count = (
        rng.choices((0, 1, 2, 3), weights=(1, 3, 4, 2))[0] if interviewers is None else interviewers
    )
    return InterviewRequest(
        company=rng.choice(COMPANIES),
        role=rng.choice(ROLES),
        starts_at=starts,
        duration=timedelta(minutes=rng.choice((45, 60, 60, 90))),
        interviewers=tuple(Interviewer(n) for n in rng.sample(NAMES, count)),
    )


def new_interview(interview_id: int, request: InterviewRequest, created_at: datetime) -> Interview:
    """The interview Coach.add_interview stores for `request`."""
    return Interview(
        id=interview_id,
        company=request.company,
        role=request.role,
        starts_at=request.starts_at.astimezone(UTC),
        ends_at=(request.starts_at + request.duration).astimezone(UTC),
        tz=str(getattr(request.starts_at.tzinfo, "key", "UTC")),
        interviewers=request.interviewers,
        created_at=created_at,
    )


class _Ager:
    """Moves planned nudges to the states they would have reached by START."""

    def __init__(self, playbook: Playbook, person: Person, rng: random.Random) -> None:
        self.playbook = playbook
        self.person = person
        self.rng = rng
        self.ts_counter = 0

    def message_ts(self, due: datetime) -> str:
        self.ts_counter += 1
        return f"{int(due.timestamp())}.{self.ts_counter:06d}"

    def age(self, nudges: list[Nudge], interview: Interview, tz: str) -> list[Nudge]:
        rng = self.rng
        channel = "D" + self.person.user_id
        ts_by_due: dict[datetime, str] = {}
        aged: list[Nudge] = []
        for nudge in nudges:
            if nudge.due_at > START:
                aged.append(self._future(nudge, tz))
                continue
            if nudge.contacts_employer and interview.closed:
                aged.append(cancel(nudge, nudge.due_at + timedelta(hours=1)))
                continue
            ts = ts_by_due.setdefault(nudge.due_at, self.message_ts(nudge.due_at))
            sent = mark_sent(start_sending(nudge), channel, ts)
            later = nudge.due_at + timedelta(minutes=rng.randint(5, 600))
            draw = rng.random()
            if draw < 0.5:
                aged.append(mark_done(sent, min(later, START)))
            elif draw < 0.62:
                aged.append(mark_skipped(sent, min(later, START)))
            elif draw < 0.9:
                aged.append(sent)
            else:
                aged.append(self._snoozed(sent, tz))
        return aged

    def _future(self, nudge: Nudge, tz: str) -> Nudge:
        draw = self.rng.random()
        if draw < 0.85:
            return nudge
        if draw < 0.92:
            return mark_done(nudge, START)
        if draw < 0.96:
            return mark_skipped(nudge, START)
        return self._snoozed(nudge, tz)

    def _snoozed(self, nudge: Nudge, tz: str) -> Nudge:
        base = max(nudge.due_at, START).astimezone(zone(tz))
        delay = timedelta(hours=self.rng.choice((3, 24, 48, 72)))
        until = settle_in_day(base + delay, self.playbook.day)
        return snooze(nudge, until, START)


def seed_person(
    store: Store,
    playbook: Playbook,
    person: Person,
    rng: random.Random,
    *,
    tz: str,
    history: int = INTERVIEWS_PER_PERSON,
    due_now: int = 0,
    day_range: tuple[int, int] = (-25, 20),
) -> Counter[str]:
    """One person's profile and interviews in one durable write; returns their nudge states.

    `history` interviews are spread over `day_range` days around START and aged; `due_now`
    more ended days ago and keep every past nudge scheduled, so they are due at START.
    """
    states: Counter[str] = Counter()
    ager = _Ager(playbook, person, rng)
    with store.transaction(person) as book:
        profile = replace(
            book.profile,
            tz=tz,
            tz_checked_at=START - timedelta(hours=rng.uniform(0, 20)),
            dm_channel="D" + person.user_id,
        )
        plans: list[tuple[InterviewRequest, datetime, bool]] = []
        for _ in range(history):
            day = START + timedelta(days=rng.randint(*day_range))
            request = interview_request(rng, tz, day)
            created = min(request.starts_at - timedelta(days=rng.randint(1, 4)), START)
            plans.append((request, created.astimezone(UTC), False))
        for _ in range(due_now):
            request = interview_request(rng, LA, START - timedelta(days=6), interviewers=2)
            plans.append((request, (START - timedelta(days=7)).astimezone(UTC), True))
        for request, created, keep_due in plans:
            interview = new_interview(profile.next_interview_id, request, created)
            nudges = plan_nudges(
                playbook, interview, now=created, first_number=profile.next_nudge_number
            )
            if not keep_due:
                if interview.starts_at < START and rng.random() < 0.2:
                    interview = interview.with_outcome(
                        rng.choice((Outcome.REJECTED, Outcome.IN_PROCESS, Outcome.OFFER))
                    )
                nudges = ager.age(nudges, interview, tz)
            book.save_interview(interview)
            book.save_nudges(nudges)
            states.update(n.state.value for n in nudges)
            profile = replace(
                profile,
                next_interview_id=interview.id + 1,
                next_nudge_number=profile.next_nudge_number + len(nudges),
            )
        book.save_profile(profile)
    return states


def seed_store(
    root: Path,
    playbook: Playbook,
    *,
    nudges: int,
    add_people: int,
    click_people: int,
    seed: int,
    prefix: str = "U",
) -> Seeded:
    """People until the store holds `nudges` nudges (just over, by at most one person).

    The first `add_people` and the `click_people` after them live in Los Angeles (09:00 at
    START) and know their zone; the click people also have one interview whose eight past
    nudges are due at START. Everyone else lives in one of several zones.
    """
    began = time.perf_counter()
    rng = random.Random(seed)
    seeded = Seeded(root)
    store = Store(root)
    try:
        index = 0
        while seeded.nudges < nudges or index < add_people + click_people:
            person = Person(TEAM_ID, f"{prefix}{index:06d}")
            measured = index < add_people + click_people
            clicker = add_people <= index < add_people + click_people
            tz = LA if measured else rng.choice(ZONES)
            seeded.states += seed_person(
                store, playbook, person, rng, tz=tz, due_now=1 if clicker else 0
            )
            seeded.people.append(person)
            if index < add_people:
                seeded.add_people.append(person)
            elif clicker:
                seeded.click_people.append(person)
            index += 1
    finally:
        store.close()
    seeded.seconds = time.perf_counter() - began
    return seeded


def top_up_pending(
    seeded: Seeded, playbook: Playbook, *, pending: int, seed: int, prefix: str = "P"
) -> float:
    """Add people whose interviews are all ahead until `pending` nudges wait to be sent."""
    began = time.perf_counter()
    rng = random.Random(seed)
    store = Store(seeded.root)
    try:
        index = 0
        while seeded.pending < pending:
            person = Person(TEAM_ID, f"{prefix}{index:06d}")
            seeded.states += seed_person(
                store, playbook, person, rng, tz=rng.choice(ZONES), day_range=(2, 40)
            )
            seeded.people.append(person)
            index += 1
    finally:
        store.close()
    return time.perf_counter() - began
