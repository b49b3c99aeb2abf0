"""Realistic stores for the benchmarks, built through the coach's own operations."""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import LA, START
from bot.clock import ManualClock
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.domain.interview import Interviewer, Person
from bot.domain.nudge import NudgeChangeRefused, NudgeState
from bot.domain.parsing import InterviewRequest
from bot.domain.playbook import Playbook
from bot.domain.timing import zone
from bot.local.standin import TEAM_ID
from bot.slack.blocks import DIGEST_SIZE
from bot.storage.tinydb_store import TinyStore

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
PENDING_STATES = frozenset({NudgeState.SCHEDULED.value, NudgeState.SENDING.value})
INTERVIEWS_PER_PERSON = 4
#: The interview that gives a click person nudges due at START; its company is theirs alone.
CLICK_COMPANY = "Northwind"


@dataclass
class Seeded:
    """A seeded store and who in it the benchmarks act as."""

    root: Path
    people: list[Person] = field(default_factory=list)
    add_people: list[Person] = field(default_factory=list)
    click_people: list[Person] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)
    due_now: int = 0
    seconds: float = 0.0

    @property
    def nudges(self) -> int:
        return sum(self.states.values())

    @property
    def pending(self) -> int:
        return sum(self.states[s] for s in PENDING_STATES)


def _no_sync(fd: int) -> None:
    """Stands in for os.fsync and os.fdatasync while seeding."""


@contextmanager
def without_fsync() -> Iterator[None]:
    """The store writes as usual but without waiting for the disk; one sync at the end.

    Each coach operation is one durable write: while seeding, its fsyncs are only cost (a crash
    mid-seed just means seeding again), so they return at once here. Nothing else runs then.
    """
    fsync, fdatasync = os.fsync, os.fdatasync
    os.fsync = os.fdatasync = _no_sync
    try:
        yield
    finally:
        os.fsync, os.fdatasync = fsync, fdatasync
        os.sync()


def interview_request(
    rng: random.Random,
    tz: str,
    day: datetime,
    *,
    interviewers: int | None = None,
    company: str | None = None,
) -> InterviewRequest:
    """What parse_add would return for an interview on `day` between 09:00 and 16:45 local."""
    local = day.astimezone(zone(tz))
    hour, minute = rng.randint(9, 16), rng.choice((0, 15, 30, 45))
    starts = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if interviewers is None:
        interviewers = rng.choices((0, 1, 2, 3), weights=(1, 3, 4, 2))[0]
    return InterviewRequest(
        company=company or rng.choice(COMPANIES),
        role=rng.choice(ROLES),
        starts_at=starts,
        duration=timedelta(minutes=rng.choice((45, 60, 60, 90))),
        interviewers=tuple(Interviewer(n) for n in rng.sample(NAMES, interviewers)),
    )


class _Recorder:
    """Delivery's messenger for seeding: every post is taken, nothing reaches Slack."""

    digest_size = DIGEST_SIZE

    def __init__(self) -> None:
        self.ts = 0

    def open_dm(self, person: Person) -> str:
        return "D" + person.user_id

    def post_nudges(self, channel: str, person: Person, nudges: list, tz: str) -> str:
        self.ts += 1
        return f"{int(START.timestamp()) - 86_400}.{self.ts:06d}"

    def update_nudges(self, channel: str, ts: str, person: Person, nudges: list, tz: str) -> None:
        """Nothing to redraw: no message exists."""

    def find_marked(self, person: Person, channel: str, marks: set[str]) -> dict[str, str]:
        return {}

    def prepare_post(self, channel: str, person: Person, nudges: list, tz: str) -> Callable:
        return lambda: self.post_nudges(channel, person, nudges, tz)

    def delete_message(self, person: Person, channel: str, ts: str) -> None:
        """Nothing to delete: no message exists."""


class _Seeder:
    """A coach on the store at START (09:00 in Los Angeles), acting for everyone.

    Interviews are added with Coach.add_interview (processes, rounds and follow-up plans
    included), and nudges reach their states as in production: claim_due and record_sent for
    those whose time has come, then mark and snooze for what people did with them.
    """

    def __init__(self, store: TinyStore, playbook: Playbook, rng: random.Random) -> None:
        self.store = store
        self.playbook = playbook
        self.coach = Coach(store, playbook, ManualClock(START))
        self.rng = rng
        self.ts = 0

    def join(self, person: Person, tz: str, *, days: tuple[int, int] = (-25, 20)) -> None:
        """Someone who has used the coach: zone and DM known, a few interviews added."""
        self.coach.remember_timezone(person, tz)
        self.coach.remember_dm_channel(person, "D" + person.user_id)
        taken: set[tuple[str, datetime]] = set()
        while len(taken) < INTERVIEWS_PER_PERSON:
            day = START + timedelta(days=self.rng.randint(*days))
            request = interview_request(self.rng, tz, day)
            # The same company at the same minute is one interview: the coach refuses it twice.
            if (request.company, request.starts_at) in taken:
                continue
            taken.add((request.company, request.starts_at))
            self.coach.add_interview(person, request)

    def deliver_due(self) -> None:
        """What delivery records for everything due at START, without talking to Slack."""
        delivery = Delivery(
            self.store,
            self.playbook,
            self.coach.clock,
            _Recorder(),
            channel_gap=timedelta(0),
        )
        try:
            delivery.deliver_due(wait_for_all=True)
        finally:
            delivery.close()

    def act(self, person: Person) -> None:
        """What people did with their nudges: most sent ones done or skipped, some snoozed,
        a few scheduled ones ticked off early."""
        rng = self.rng
        for number, state in self.states_of(person):
            draw = rng.random()
            try:
                if state == NudgeState.SENT.value:
                    if draw < 0.5:
                        self.coach.mark(person, number, "done")
                    elif draw < 0.62:
                        self.coach.mark(person, number, "skip")
                    elif draw < 0.72:
                        hours = rng.choice((3, 24, 48))
                        self.coach.snooze(person, number, delay=timedelta(hours=hours))
                elif state == NudgeState.SCHEDULED.value:
                    if draw < 0.07:
                        self.coach.mark(person, number, "done")
                    elif draw < 0.11:
                        self.coach.mark(person, number, "skip")
                    elif draw < 0.15:
                        self.coach.snooze(person, number, delay=timedelta(days=2))
            except NudgeChangeRefused:
                continue

    def add_due_interview(self, person: Person) -> int:
        """An interview six days ago, added only now: its past nudges are due at START."""
        request = interview_request(
            self.rng, LA, START - timedelta(days=6), interviewers=2, company=CLICK_COMPANY
        )
        self.coach.add_interview(person, request)
        return sum(
            1 for number, state in self.states_of(person, due_by=START) if state == "scheduled"
        )

    def states_of(self, person: Person, *, due_by: datetime | None = None) -> list[tuple[int, str]]:
        with self.store.transaction(person) as book:
            return [
                (n.number, n.state.value)
                for n in book.nudges()
                if due_by is None or n.due_at <= due_by
            ]


def seed_store(
    root: Path,
    playbook: Playbook,
    *,
    nudges: int,
    add_people: int,
    clicks: int,
    seed: int,
    prefix: str = "U",
) -> Seeded:
    """People until the store holds `nudges` nudges (just over, by at most one person).

    The first people live in Los Angeles (09:00 at START): `add_people` of them for the
    measured adds and, among them, the click people, who get one more interview, added last,
    whose past nudges are due at START (`clicks` of those in all). Everyone else lives in one
    of several zones.
    """
    began = time.perf_counter()
    rng = random.Random(seed)
    seeded = Seeded(root)
    store = TinyStore(root)
    try:
        with without_fsync():
            seeder = _Seeder(store, playbook, rng)
            measured = max(add_people, clicks // 4 + 2)
            stored = 0
            while stored < nudges or len(seeded.people) < measured:
                index = len(seeded.people)
                person = Person(TEAM_ID, f"{prefix}{index:06d}")
                seeder.join(person, LA if index < measured else rng.choice(ZONES))
                stored += len(seeder.states_of(person))
                seeded.people.append(person)
            seeded.add_people = seeded.people[:add_people]
            seeder.deliver_due()
            for person in seeded.people:
                seeder.act(person)
            for person in seeded.people[:measured]:
                if seeded.due_now >= clicks:
                    break
                seeded.due_now += seeder.add_due_interview(person)
                seeded.click_people.append(person)
            for person in seeded.people:
                seeded.states.update(state for _, state in seeder.states_of(person))
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
    store = TinyStore(seeded.root)
    try:
        with without_fsync():
            seeder = _Seeder(store, playbook, rng)
            index = 0
            while seeded.pending < pending:
                person = Person(TEAM_ID, f"{prefix}{index:06d}")
                seeder.join(person, rng.choice(ZONES), days=(2, 40))
                seeded.states.update(state for _, state in seeder.states_of(person))
                seeded.people.append(person)
                index += 1
    finally:
        store.close()
    return time.perf_counter() - began
