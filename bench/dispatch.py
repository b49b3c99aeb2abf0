"""Delivery throughput without rate limits, and exactly-once delivery under Slack's limits."""

from __future__ import annotations

import gc
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from bench.common import LA, START, nudge_markers
from bench.seeding import COMPANIES, NAMES, ROLES
from bot.clock import ManualClock
from bot.domain.interview import Interviewer, Person
from bot.domain.nudge import NudgeState
from bot.domain.parsing import InterviewRequest
from bot.domain.timing import zone
from bot.local.standin import TEAM_ID, FaultPlan, SlackStandIn
from bot.runtime import CoachRuntime


@dataclass
class Throughput:
    people: int
    nudges_due: int
    delivered: int
    messages: int
    sent_in_store: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else float("nan")


@dataclass
class ExactlyOnce:
    people: int
    nudges_due: int
    messages: int
    delivered_once: int
    duplicated: int
    unexpected: int
    missing: int
    sent_in_store: int
    faults: dict[str, int] = field(default_factory=dict)
    passes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            self.duplicated == 0
            and self.unexpected == 0
            and self.missing == 0
            and self.delivered_once == self.nudges_due == self.sent_in_store
        )


#: A heavy person's interviews today: two interviewers each, so more thank-yous (each due
#: an hour after its interview, by 14:00) than one message holds.
HEAVY_HOURS = (7, 8, 9, 10, 11, 12)


def _request(rng: random.Random, starts_local_hour: int, day_offset: int = 0) -> InterviewRequest:
    local = (START + timedelta(days=day_offset)).astimezone(zone(LA))
    starts = local.replace(hour=starts_local_hour, minute=0, second=0, microsecond=0)
    return InterviewRequest(
        company=rng.choice(COMPANIES),
        role=rng.choice(ROLES),
        starts_at=starts,
        duration=timedelta(hours=1),
        interviewers=tuple(Interviewer(n) for n in rng.sample(NAMES, rng.choice((1, 2)))),
    )


def _due_numbers(runtime: CoachRuntime, person: Person) -> set[int]:
    now = runtime.services.clock.now()
    with runtime.store.transaction(person) as book:
        return {
            n.number for n in book.nudges() if n.state == NudgeState.SCHEDULED and n.due_at <= now
        }


def _sent(runtime: CoachRuntime, person: Person, numbers: set[int]) -> int:
    with runtime.store.transaction(person) as book:
        return sum(1 for n in book.nudges() if n.number in numbers and n.state == NudgeState.SENT)


def throughput(
    standin: SlackStandIn, runtime: CoachRuntime, clock: ManualClock, *, people: int
) -> Throughput:
    """People who used the coach before (zone and DM known) each get an interview today; at
    15:00 in Los Angeles its thank-yous (one per interviewer) are due, one message each."""
    coach = runtime.services.coach
    rng = random.Random(5)
    crowd = [Person(TEAM_ID, f"UD{i:06d}") for i in range(people)]
    for person in crowd:
        coach.remember_timezone(person, LA)
        coach.remember_dm_channel(person, "D" + person.user_id)
        coach.add_interview(person, _request(rng, starts_local_hour=11))
    clock.advance(timedelta(hours=6))
    due = {p: _due_numbers(runtime, p) for p in crowd}
    gc.collect()
    began = time.perf_counter()
    delivered = runtime.services.delivery.deliver_due(wait_for_all=True)
    seconds = time.perf_counter() - began
    messages = sum(len(standin.messages("D" + p.user_id)) for p in crowd)
    return Throughput(
        people=people,
        nudges_due=sum(len(n) for n in due.values()),
        delivered=delivered,
        messages=messages,
        sent_in_store=sum(_sent(runtime, p, due[p]) for p in crowd),
        seconds=seconds,
    )


def exactly_once(
    standin: SlackStandIn,
    runtime: CoachRuntime,
    clock: ManualClock,
    *,
    light: int,
    heavy: int,
    seed: int,
    max_passes: int = 30,
) -> ExactlyOnce:
    """New people (no DM open yet) with interviews earlier today, all of it due now, delivered
    under a one-message-per-second-per-channel limit and 5% random 429s. A heavy person has
    more than one digest's worth (a thank-you per interviewer of each of their interviews),
    so their second message hits the channel limit."""
    coach = runtime.services.coach
    rng = random.Random(seed)
    crowd = [Person(TEAM_ID, f"UR{i:06d}") for i in range(light + heavy)]
    for index, person in enumerate(crowd):
        coach.remember_timezone(person, LA)
        hours = HEAVY_HOURS if index < heavy else (11,)
        # One employer each: a second round would bring other items, due at other times.
        companies = rng.sample(COMPANIES, len(hours))
        for hour, company in zip(hours, companies, strict=True):
            request = _request(rng, starts_local_hour=hour)
            request = InterviewRequest(
                company=company,
                role=request.role,
                starts_at=request.starts_at,
                duration=request.duration,
                interviewers=tuple(Interviewer(n) for n in NAMES[:2]),
            )
            coach.add_interview(person, request)
    due = {p: _due_numbers(runtime, p) for p in crowd}
    standin.reset()
    standin.faults = FaultPlan(per_channel_limit=True, rate_429=0.05, retry_after=1, seed=seed)
    began = time.perf_counter()
    passes = 0
    try:
        while passes < max_passes:
            passes += 1
            runtime.services.delivery.deliver_due(wait_for_all=True)
            if all(_sent(runtime, p, due[p]) == len(due[p]) for p in crowd):
                break
            clock.advance(timedelta(minutes=5))
    finally:
        faults = standin.stats
        standin.faults = FaultPlan()
    seconds = time.perf_counter() - began
    once = duplicated = unexpected = missing = messages = 0
    for person in crowd:
        posted = standin.messages("D" + person.user_id)
        messages += len(posted)
        seen = Counter(n for m in posted for n in nudge_markers(m.blocks))
        once += sum(1 for n in due[person] if seen[n] == 1)
        duplicated += sum(c - 1 for n, c in seen.items() if c > 1 and n in due[person])
        unexpected += sum(c for n, c in seen.items() if n not in due[person])
        missing += sum(1 for n in due[person] if seen[n] == 0)
    return ExactlyOnce(
        people=len(crowd),
        nudges_due=sum(len(n) for n in due.values()),
        messages=messages,
        delivered_once=once,
        duplicated=duplicated,
        unexpected=unexpected,
        missing=missing,
        sent_in_store=sum(_sent(runtime, p, due[p]) for p in crowd),
        faults=faults,
        passes=passes,
        seconds=seconds,
    )
