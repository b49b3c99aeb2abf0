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
from bot.domain.parsing import InterviewRequest
from bot.domain.timing import zone
from bot.local.standin import TEAM_ID, SlackStandIn


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
    """Each person snoozes one nudge for 1-10 s; the scheduler alone must send it in time.

    The clock starts at 09:00 in Los Angeles and moves in real time, so no quiet hours apply;
    the stand-in answers without limits. Lateness is the stand-in's receipt time minus the due
    time, both on the monotonic clock.
    """
    rng = random.Random(seed)
    clock = RealtimeClock(START)
    crowd = [Person(TEAM_ID, f"UT{i:06d}") for i in range(people)]
    due: dict[tuple[str, int], datetime] = {}
    with running_coach(standin, db, clock, http=False) as running:
        coach = running.runtime.services.coach
        for person in crowd:
            coach.remember_timezone(person, LA)
            coach.remember_dm_channel(person, "D" + person.user_id)
            starts = (START + timedelta(days=2)).astimezone(zone(LA)).replace(hour=10)
            plan = coach.add_interview(
                person,
                InterviewRequest(
                    company="Acme",
                    role="Staff Engineer",
                    starts_at=starts,
                    duration=timedelta(hours=1),
                    interviewers=(Interviewer("Jane Doe"),),
                ),
            )
            first = plan.nudges[0].number
            due[(person.user_id, first)] = plan.nudges[0].due_at
        gc.collect()
        began = time.monotonic()
        for person in crowd:
            (number,) = [n for user, n in due if user == person.user_id]
            delay = timedelta(seconds=rng.uniform(earliest, latest))
            change = coach.snooze(person, number, delay=delay)
            due[(person.user_id, number)] = change.nudge.due_at
        channels = {"D" + p.user_id for p in crowd}

        def posted(s: SlackStandIn) -> int:
            return sum(
                1
                for call in s.calls_to("chat.postMessage")
                if call.fault is None and call.at >= began and call.params["channel"] in channels
            )

        standin.wait_for(lambda s: posted(s) >= len(crowd), timeout=latest + 15)
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
