"""How late the real scheduler sends nudges that come due a few seconds from now."""

from __future__ import annotations

import gc
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import LA, START, RealtimeClock, nudge_markers, running_coach
from bot.domain.interview import Interviewer, Person
from bot.domain.nudge import NudgeState
from bot.domain.parsing import InterviewRequest
from bot.domain.timing import zone
from bot.local.standin import TEAM_ID, SlackStandIn
from bot.storage.protocol import Store


@dataclass
class Timeliness:
    expected: int
    lateness: list[float] = field(default_factory=list)
    missing: int = 0


def measure(
    standin: SlackStandIn,
    db: Path,
    *,
    people: int,
    earliest: float,
    latest: float,
    seed: int,
) -> Timeliness:
    """Each person snoozes a nudge they were just sent for 1-10 s; the scheduler alone must
    send it again in time.

    Everyone had an interview yesterday, added at START, so its thank-you is sent at once; a
    nudge not yet due cannot be snoozed (it would only come sooner). The clock starts at
    09:00 in Los Angeles on a working day and moves in real time, so no quiet hours apply;
    the stand-in answers without limits. Lateness is the stand-in's receipt time minus the
    due time, both on the monotonic clock.
    """
    rng = random.Random(seed)
    clock = RealtimeClock(START)
    crowd = [Person(TEAM_ID, f"UT{i:06d}") for i in range(people)]
    channels = {"D" + p.user_id for p in crowd}
    due: dict[tuple[str, int], datetime] = {}
    with running_coach(standin, db, clock, http=False) as running:
        coach = running.runtime.services.coach
        starts = (START - timedelta(days=1)).astimezone(zone(LA)).replace(hour=10)
        for person in crowd:
            coach.remember_timezone(person, LA)
            coach.remember_dm_channel(person, "D" + person.user_id)
            coach.add_interview(
                person,
                InterviewRequest(
                    company="Acme",
                    role="Staff Engineer",
                    starts_at=starts,
                    duration=timedelta(hours=1),
                    interviewers=(Interviewer("Jane Doe"),),
                ),
            )
        sent = _wait_sent(running.runtime.store, crowd, timeout=30)
        gc.collect()
        began = time.monotonic()
        for person in crowd:
            number = sent[person]
            delay = timedelta(seconds=rng.uniform(earliest, latest))
            change = coach.snooze(person, number, delay=delay)
            due[(person.user_id, number)] = change.nudge.due_at
        standin.wait_for(lambda s: _posted(s, channels, began) >= len(crowd), timeout=latest + 15)
        result = Timeliness(expected=len(due))
        seen: set[tuple[str, int]] = set()
        for call in standin.calls_to("chat.postMessage"):
            if call.fault is not None or call.at < began or call.params["channel"] not in channels:
                continue
            user = call.params["channel"][1:]
            for number in nudge_markers(call.params["blocks"]):
                key = (user, number)
                if key in due and key not in seen:
                    seen.add(key)
                    result.lateness.append(call.at - clock.monotonic_at(due[key]))
        result.missing = len(due) - len(seen)
    return result


def _posted(standin: SlackStandIn, channels: set[str], since: float) -> int:
    """Messages the stand-in took in these DMs from `since` (monotonic) on."""
    return sum(
        1
        for call in standin.calls_to("chat.postMessage")
        if call.fault is None and call.at >= since and call.params["channel"] in channels
    )


def _wait_sent(store: Store, crowd: list[Person], *, timeout: float) -> dict[Person, int]:
    """Each person's first nudge, once the store records it sent (after the post returns)."""
    deadline = time.monotonic() + timeout
    while True:
        sent = {person: _first_sent(store, person) for person in crowd}
        found = {person: number for person, number in sent.items() if number is not None}
        if len(found) == len(crowd):
            return found
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(crowd) - len(found)} people were never sent their thank-you")
        time.sleep(0.05)


def _first_sent(store: Store, person: Person) -> int | None:
    """The number of the first nudge in the person's DM (their thank-you), if sent yet."""
    with store.transaction(person) as book:
        sent = [n.number for n in book.nudges() if n.state == NudgeState.SENT]
    return min(sent) if sent else None
