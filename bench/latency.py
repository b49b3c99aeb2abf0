"""`/interview add` and a Done click over real HTTP, against a no-op slash command as baseline."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import LA, FullCollections, MessageCounter, Running
from bench.seeding import Seeded
from bot.domain.interview import Person
from bot.local.standin import Message, SlackStandIn
from bot.runtime import CoachRuntime
from bot.slack.blocks import DONE_ACTION

#: On the benchmark's Thursday (START, 20 Nov 2036) `next tue` is Tue 25 Nov, the Tuesday of
#: next week (weeks run Monday to Sunday), as every `/interview add` reads it.
ADD_TEXTS = (
    "Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith",
    "Globex | Backend Developer | next tue 10:30 | with Ann Lee",
    "Initech, Product Manager, Dec 3 at 9am, for 45m, with Chris Park & Dana Wu",
)
#: Each add person gets this many measured adds, in the large and the small store alike.
ADDS_PER_PERSON = 3


@dataclass
class Click:
    person: Person
    message: Message
    value: str


@dataclass
class Latencies:
    """Milliseconds per request, warm-up excluded."""

    noop: list[float] = field(default_factory=list)
    add: list[float] = field(default_factory=list)
    done: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    clicks: int = 0
    full_collections: list[float] = field(default_factory=list)


def add_text(i: int, people: int) -> str:
    """The i-th add's text: each pass over the people takes the next one, so nobody adds the
    same interview twice (the coach refuses a duplicate, which is not the add being timed)."""
    return ADD_TEXTS[(i // people) % len(ADD_TEXTS)]


def register_noop(runtime: CoachRuntime) -> None:
    """The baseline: a slash command whose listener only acknowledges."""
    runtime.app.command("/noop")(lambda ack: ack())


def prepare_people(standin: SlackStandIn, seeded: Seeded) -> None:
    """What users.info says about the measured people (only asked if their zone were stale)."""
    for person in seeded.add_people + seeded.click_people:
        standin.set_user(person.user_id, tz=LA, team_id=person.team_id)


def clickable(standin: SlackStandIn, people: list[Person]) -> list[Click]:
    """Every Done button in the people's DMs, taking turns between people."""
    per_person: list[list[Click]] = []
    for person in people:
        found = []
        for message in standin.messages("D" + person.user_id):
            for block in message.blocks:
                if block.get("type") != "actions":
                    continue
                for element in block["elements"]:
                    if element["action_id"] == DONE_ACTION:
                        found.append(Click(person, message, element["value"]))
        per_person.append(found)
    ordered: list[Click] = []
    for turn in range(max((len(c) for c in per_person), default=0)):
        ordered.extend(c[turn] for c in per_person if turn < len(c))
    return ordered


def measure(
    standin: SlackStandIn,
    running: Running,
    seeded: Seeded,
    *,
    rounds: int,
    warmup: int,
) -> Latencies:
    """Interleaved rounds of (no-op, add, Done), the order turning each round."""
    runtime, endpoint = running.runtime, running.endpoint
    result = Latencies()
    runtime.services.delivery.deliver_due(wait_for_all=True)
    clicks = clickable(standin, seeded.click_people)
    result.clicks = len(clicks)
    coach = runtime.services.coach
    stale = [p for p in seeded.add_people if not coach.knows_timezone(p)]
    if stale:
        result.problems.append(f"{len(stale)} add people without a known zone")
    pool = seeded.add_people
    rounds = min(rounds, len(clicks), len(pool) * ADDS_PER_PERSON)
    counter = MessageCounter()
    standin.on_message = counter

    def noop(i: int) -> float:
        began = time.perf_counter()
        status, _ = endpoint.command(
            text="",
            user_id=pool[i % len(pool)].user_id,
            team_id=pool[i % len(pool)].team_id,
            channel_id="C0001",
            response_url=standin.response_url(f"noop-{i}"),
            command="/noop",
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200:
            result.problems.append(f"noop {i}: HTTP {status}")
        return elapsed

    def add(i: int) -> float:
        person = pool[i % len(pool)]
        began = time.perf_counter()
        status, body = endpoint.command(
            text="add " + add_text(i, len(pool)),
            user_id=person.user_id,
            team_id=person.team_id,
            channel_id="C0001",
            response_url=standin.response_url(f"add-{i}"),
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200 or b"Saved your" not in body:
            result.problems.append(f"add {i}: HTTP {status}, not answered in the ack")
        return elapsed

    def done(i: int) -> float:
        click = clicks[i]
        before = counter.count
        began = time.perf_counter()
        status, _ = endpoint.action(
            user_id=click.person.user_id,
            team_id=click.person.team_id,
            channel_id=click.message.channel,
            message_ts=click.message.ts,
            action_id=DONE_ACTION,
            value=click.value,
            block_id=f"nudge-{click.value.partition(':')[2]}",
            message={"text": click.message.text or "", "blocks": click.message.blocks},
            response_url=standin.response_url(f"click-{i}"),
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status != 200:
            result.problems.append(f"done {i}: HTTP {status}")
        elif not counter.wait_beyond(before):
            result.problems.append(f"done {i}: the message was never redrawn")
        return elapsed

    operations: list[tuple[list[float], Callable[[int], float]]] = [
        (result.noop, noop),
        (result.add, add),
        (result.done, done),
    ]
    gc.collect()
    try:
        with FullCollections() as collections:
            for i in range(rounds):
                turn = i % len(operations)
                for samples, operation in operations[turn:] + operations[:turn]:
                    elapsed = operation(i)
                    if i >= warmup:
                        samples.append(elapsed)
        result.full_collections = collections.pauses
    finally:
        standin.on_message = None
    return result
