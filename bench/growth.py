"""Per-person growth: a person with 200 interviews is answered as fast as one with 1."""

from __future__ import annotations

import gc
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from bench.common import LA, START, Running
from bench.seeding import interview_request
from bot.domain.interview import Outcome, Person
from bot.local.standin import TEAM_ID, SlackStandIn
from bot.slack.blocks import SNOOZE_ACTION

HEAVY_INTERVIEWS = 200
#: Of those, how many processes already ended (a long search has many): the measured adds
#: must stay under the 200 open interviews a person may keep.
HEAVY_CLOSED = 150


@dataclass
class Growth:
    """Milliseconds per request for the light person and the heavy one."""

    light_add: list[float] = field(default_factory=list)
    heavy_add: list[float] = field(default_factory=list)
    light_snooze: list[float] = field(default_factory=list)
    heavy_snooze: list[float] = field(default_factory=list)
    heavy_nudges: int = 0
    problems: list[str] = field(default_factory=list)


def _snooze_button(standin: SlackStandIn, person: Person) -> tuple[object, str] | None:
    for message in standin.messages("D" + person.user_id):
        for block in message.blocks:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == SNOOZE_ACTION:
                    return message, element["value"]
    return None


def measure(standin: SlackStandIn, running: Running, *, samples: int, warmup: int) -> Growth:
    """Interleaved adds and Snooze clicks by two people: one interview against 200."""
    runtime, endpoint = running.runtime, running.endpoint
    coach = runtime.services.coach
    rng = random.Random(21)
    light, heavy = Person(TEAM_ID, "UGLIGHT"), Person(TEAM_ID, "UGHEAVY")
    result = Growth()
    for person, count in ((light, 1), (heavy, HEAVY_INTERVIEWS)):
        standin.set_user(person.user_id, tz=LA, team_id=TEAM_ID)
        coach.remember_timezone(person, LA)
        for index in range(count):
            day = START - timedelta(days=1) if index == 0 else START + timedelta(days=index % 300)
            request = interview_request(rng, LA, day, interviewers=2, company=f"Co{index}")
            plan = coach.add_interview(person, request)
            if 0 < index <= HEAVY_CLOSED:
                outcome = (Outcome.REJECTED, Outcome.OFFER, Outcome.WITHDRAWN)[index % 3]
                coach.set_outcome(person, f"#{plan.interview.id}", outcome)
    runtime.services.delivery.deliver_due(wait_for_all=True)
    with runtime.store.transaction(heavy) as book:
        result.heavy_nudges = len(book.nudges())
    buttons = {p: _snooze_button(standin, p) for p in (light, heavy)}
    if None in buttons.values():
        result.problems.append("no Snooze button to click")
        return result

    def add(person: Person, i: int) -> float:
        began = time.perf_counter()
        status, body = endpoint.command(
            text=f"add Extra{i}, Engineer, tomorrow 2pm, with Jo Lee",
            user_id=person.user_id,
            team_id=person.team_id,
            channel_id="C0001",
            response_url=standin.response_url(f"growth-add-{person.user_id}-{i}"),
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200 or b"Saved" not in body:
            result.problems.append(f"add {i} for {person.user_id}: HTTP {status}")
        return elapsed

    def snooze(person: Person, i: int) -> float:
        message, value = buttons[person]  # type: ignore[misc]
        began = time.perf_counter()
        status, _ = endpoint.action(
            user_id=person.user_id,
            team_id=person.team_id,
            channel_id=message.channel,  # type: ignore[attr-defined]
            message_ts=message.ts,  # type: ignore[attr-defined]
            action_id=SNOOZE_ACTION,
            value=value,
            response_url=standin.response_url(f"growth-snooze-{person.user_id}-{i}"),
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200:
            result.problems.append(f"snooze {i} for {person.user_id}: HTTP {status}")
        return elapsed

    gc.collect()
    for i in range(warmup + samples):
        order = [(light, result.light_add, result.light_snooze)]
        order.append((heavy, result.heavy_add, result.heavy_snooze))
        if i % 2:
            order.reverse()
        for person, adds, snoozes in order:
            add_ms, snooze_ms = add(person, i), snooze(person, i)
            if i >= warmup:
                adds.append(add_ms)
                snoozes.append(snooze_ms)
    return result
