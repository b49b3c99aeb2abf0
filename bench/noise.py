"""The noise budget: personas replayed over six weeks through the real coach, counting the
direct messages each person gets: `python bench/noise.py`.

A coach that writes too often is muted, and then its good advice is lost with the rest. So
each persona acts as a person would, through signed slash commands and button clicks over
HTTP, while a manual clock moves in half-hour steps and delivery runs at each one; every
direct message is a real chat.postMessage to the Slack stand-in, counted there.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import secrets
import sys
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the checkout is not on the path yet
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import LA, Report, Running, fresh_dir, running_coach
from bot.clock import ManualClock
from bot.domain.text import shorten
from bot.domain.timing import country_of, working_day, zone
from bot.local.console import let_time_pass
from bot.local.standin import TEAM_ID, Message, SlackStandIn
from bot.runtime import CoachRuntime
from bot.slack.blocks import DONE_ACTION

TITLE = "10. noise: personas replayed over six weeks"
#: Monday 2 March 2037, 09:00 in Los Angeles: six ordinary weeks follow (no US public holiday
#: until late May), with the clocks going forward on 8 March as they do for everyone there.
LOCAL_START = datetime(2037, 3, 2, 9, 0, tzinfo=zone(LA))
WEEKS = 6
STEP = timedelta(minutes=30)
#: Everyone's budget: DMs on one working day.
WORKING_DAY_LIMIT = 2

_ITEM = re.compile(r"^\*#(\d+) · (.+)\*$", re.MULTILINE)


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """`day` days after the start, at a local wall-clock time."""
    moment = LOCAL_START.date() + timedelta(days=day)
    return datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=zone(LA))


@dataclass(frozen=True)
class Act:
    """A slash command the person types at a local moment."""

    at: datetime
    command: str


@dataclass(frozen=True)
class Dm:
    """One direct message as the person got it."""

    at: datetime
    titles: tuple[str, ...]
    items: int
    body: str


@dataclass
class Persona:
    """Who the person is, what they type and when; and what reached them."""

    key: str
    name: str
    user: str
    acts: list[Act]
    story: str
    #: Budgets of their own, in DMs: in the first week, and in all the weeks replayed.
    week_one_budget: int | None = None
    total_budget: int | None = None
    dms: list[Dm] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    done: int = 0
    #: How far the replay got: commands typed, DM messages read.
    acted: int = 0
    seen: int = 0

    @property
    def started(self) -> datetime:
        return self.acts[0].at

    def dms_within(self, days: int) -> int:
        until = self.started + timedelta(days=days)
        return sum(1 for dm in self.dms if dm.at < until)

    def per_working_day(self) -> Counter[date]:
        """DMs per local calendar day, working days only (the person's country's)."""
        country = country_of(LA)
        days = (dm.at.astimezone(zone(LA)).date() for dm in self.dms)
        return Counter(day for day in days if working_day(day, country))

    def repeated_bodies(self) -> int:
        """DMs whose body, as the person reads it, came before word for word."""
        counts = Counter(dm.body for dm in self.dms)
        return sum(count - 1 for count in counts.values())


def personas() -> list[Persona]:
    """P1 has one interview and then silence; P2 has four interviews in one week, hears
    nothing from three of them, and is turned down by one mid-way. Both tick off every item
    the moment it arrives."""
    one = Persona(
        key="P1",
        name="one interview",
        user="UNOISE1",
        acts=[
            Act(
                _local(0, 9),
                "add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith",
            )
        ],
        story="Acme on Tue 3 Mar 14:00 with two interviewers, then silence",
        week_one_budget=4,
        total_budget=9,
    )
    four = Persona(
        key="P2",
        name="four interviews in one week",
        user="UNOISE2",
        acts=[
            Act(_local(0, 9), "add Globex, Backend Developer, Mar 3 at 10am, with Ann Lee"),
            Act(
                _local(0, 9),
                "add Initech, Product Manager, Mar 4 at 2pm, with Chris Park and Dana Wu",
            ),
            Act(_local(0, 9), "add Hooli, Data Analyst, Mar 5 at 11am, with Eli Cohen"),
            Act(_local(0, 9), "add Umbrella, Designer, Mar 6 at 3pm, with Fay Moss and Jane Doe"),
            Act(_local(16, 10), "status initech rejected"),
        ],
        story=(
            "Globex Tue 3, Initech Wed 4, Hooli Thu 5, Umbrella Fri 6 Mar; Initech says no on "
            "Wed 18 Mar (the person records it), the others stay silent"
        ),
    )
    return [one, four]


class Inbox:
    """Every message the stand-in posts or redraws, as it happens (before Slack's answer goes
    back), so the replay reads what is new without copying every message at each step."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._posted: dict[str, list[Message]] = defaultdict(list)
        self._latest: dict[str, Message] = {}
        self._redraws: Counter[str] = Counter()

    def __call__(self, message: Message) -> None:
        with self._lock:
            if message.updated:
                self._redraws[message.ts] += 1
            else:
                self._posted[message.channel].append(message)
            self._latest[message.ts] = message

    def posted(self, channel: str, after: int) -> list[Message]:
        """Messages posted in `channel` after the first `after`, as first posted."""
        with self._lock:
            return list(self._posted[channel][after:])

    def latest(self, ts: str) -> Message:
        """The message as it looks now."""
        with self._lock:
            return self._latest[ts]

    def redraws(self, ts: str) -> int:
        with self._lock:
            return self._redraws[ts]


class Player:
    """Plays the people against the running coach: types their commands, reads their DMs,
    and clicks Done on every open item in a message as soon as it arrives."""

    def __init__(
        self, standin: SlackStandIn, inbox: Inbox, running: Running, clock: ManualClock
    ) -> None:
        self.standin = standin
        self.inbox = inbox
        self.running = running
        self.clock = clock

    def act(self, persona: Persona) -> None:
        """Type the commands whose moment has come."""
        while persona.acted < len(persona.acts):
            act = persona.acts[persona.acted]
            if act.at > self.clock.now():
                return
            reply = self._command(persona.user, act.command)
            if act.command.startswith("add ") and "Saved" not in reply:
                raise RuntimeError(f"{persona.key}: `{act.command}` was not saved: {reply}")
            persona.acted += 1

    def read(self, persona: Persona) -> int:
        """Take in the DMs that arrived since the last look, then tick off their items;
        returns how many arrived."""
        arrived = self.inbox.posted("D" + persona.user, persona.seen)
        persona.seen += len(arrived)
        for message in arrived:
            body = body_of(message)
            marks = (message.metadata or {}).get("event_payload", {}).get("nudges", [])
            titles = tuple(t for _, t in _ITEM.findall(body)) or (
                shorten((message.text or "").split("\n")[0], 60),
            )
            persona.dms.append(Dm(self.clock.now(), titles, len(marks), body))
        for message in arrived:
            for value in done_buttons(message):
                self._click_done(persona, message.ts, value)
        return len(arrived)

    def _command(self, user: str, text: str) -> str:
        key = secrets.token_hex(6)
        status, body = self.running.endpoint.command(
            text=text,
            user_id=user,
            team_id=TEAM_ID,
            channel_id="C0001",
            response_url=self.standin.response_url(key),
        )
        if status != 200:
            raise RuntimeError(f"`/interview {text}`: HTTP {status}")
        if body.strip():
            return body.decode()
        if not self.standin.wait_for(lambda s: bool(s.responses(key)), timeout=10):
            raise RuntimeError(f"`/interview {text}` got no reply")
        return json.dumps(self.standin.responses(key)[-1])

    def _click_done(self, persona: Persona, ts: str, value: str) -> None:
        """Click Done in the message as it looks now; wait for its redraw or a refusal."""
        message = self.inbox.latest(ts)
        before = self.inbox.redraws(ts)
        key = secrets.token_hex(6)
        status, _ = self.running.endpoint.action(
            user_id=persona.user,
            team_id=TEAM_ID,
            channel_id=message.channel,
            message_ts=ts,
            action_id=DONE_ACTION,
            value=value,
            block_id=f"nudge-{value.partition(':')[2]}",
            message={"text": message.text or "", "blocks": message.blocks},
            response_url=self.standin.response_url(key),
        )
        if status != 200:
            raise RuntimeError(f"{persona.key}: Done on {value}: HTTP {status}")

        def answered(standin: SlackStandIn) -> bool:
            return self.inbox.redraws(ts) > before or bool(standin.responses(key))

        if not self.standin.wait_for(answered, timeout=10):
            raise RuntimeError(f"{persona.key}: Done on {value} was neither shown nor refused")
        replies = self.standin.responses(key)
        if replies:
            persona.refused.append(_reply_text(replies[-1]))
        else:
            persona.done += 1


def body_of(message: Message) -> str:
    """The message as the person reads it: its text and every block's text."""
    parts = [message.text or ""]
    for block in message.blocks:
        if block.get("type") == "section":
            parts.append(block["text"]["text"])
        elif block.get("type") == "context":
            parts.extend(e.get("text", "") for e in block.get("elements", []))
    return "\n".join(parts)


def done_buttons(message: Message) -> list[str]:
    """The values of the Done buttons in a message (one per open item)."""
    return [
        element["value"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == DONE_ACTION
    ]


def _reply_text(reply: dict[str, Any]) -> str:
    texts = [reply.get("text") or ""]
    texts += [b["text"]["text"] for b in reply.get("blocks", []) if b.get("type") == "section"]
    return shorten(" ".join(t for t in texts if t), 160)


def _quiet(runtime: CoachRuntime) -> None:
    """Delivery runs at each step of the replay, on its clock; the scheduler would race it."""
    runtime.scheduler.stop()


def replay(people: list[Persona], *, weeks: int = WEEKS, step: timedelta = STEP) -> None:
    """Six weeks of the people's lives, in steps: at each, what they type, then delivery,
    then what they do with the DMs that came (and whatever their clicks made due at once,
    as the scheduler would send it seconds later).

    Six weeks pass in seconds of real time, so the flood gate (requests per real second) is
    off: nobody here clicks faster than a person would in their own time.
    """
    start = min(p.started for p in people).astimezone(UTC)
    clock = ManualClock(start)
    end = start + timedelta(weeks=weeks)
    # Slack's per-channel pace is judged on the clock delivery paces on.
    with (
        SlackStandIn(clock=lambda: clock.now().timestamp()) as standin,
        running_coach(
            standin, fresh_dir("noise"), clock, before_serving=_quiet, flood_limit=0
        ) as running,
    ):
        for persona in people:
            standin.set_user(persona.user, tz=LA, team_id=TEAM_ID)
        inbox = Inbox()
        standin.on_message = inbox
        player = Player(standin, inbox, running, clock)
        while True:
            for persona in people:
                player.act(persona)
            for _ in range(10):
                let_time_pass(running.runtime, clock, timedelta(0))
                if not sum(player.read(persona) for persona in people):
                    break
            if clock.now() >= end:
                break
            let_time_pass(running.runtime, clock, step)


def _working_days(persona: Persona) -> int:
    """Working days in the replayed weeks, from the person's first command on."""
    first = persona.started.date()
    country = country_of(LA)
    return sum(1 for n in range(7 * WEEKS) if working_day(first + timedelta(days=n), country))


def timeline(persona: Persona) -> list[str]:
    """One short line per DM: local time, and the titles of the items it carried."""
    lines = []
    for dm in persona.dms:
        local = dm.at.astimezone(zone(LA))
        shown = [shorten(t, 46) for t in dm.titles[:3]]
        if len(dm.titles) > 3:
            shown.append(f"+{len(dm.titles) - 3} more")
        lines.append(f"{persona.key} {local:%a %d %b %H:%M}  " + " | ".join(shown))
    return lines


def measure(report: Report) -> list[Persona]:
    """Replay the personas and report each one's figures against the budgets."""
    people = personas()
    replay(people)
    for persona in people:
        report.note(f"{persona.key} {persona.name}: {persona.story}")
        for line in timeline(persona):
            report.note(line)
        key = f"noise_{persona.key.lower()}"
        week_one = persona.dms_within(7)
        total = persona.dms_within(7 * WEEKS)
        days = persona.per_working_day()
        busiest = max(days.values(), default=0)
        worst = [f"{d:%a %d %b}" for d, n in sorted(days.items()) if n == busiest and busiest]
        repeated = persona.repeated_bodies()
        report.figure(f"{key}_dms_week1", week_one, "DMs", "the first 7 days from the add")
        report.figure(f"{key}_dms", total, "DMs", f"{WEEKS} weeks")
        report.figure(f"{key}_items", sum(dm.items for dm in persona.dms), "items")
        report.figure(f"{key}_done_clicks", persona.done, "clicks")
        report.figure(
            f"{key}_max_dms_working_day", busiest, "DMs", ", ".join(worst[:4]) or "no DMs"
        )
        report.figure(
            f"{key}_working_days_with_dms", len(days), "days", f"of {_working_days(persona)}"
        )
        report.figure(f"{key}_repeated_bodies", repeated, "DMs", "same body word for word")
        report.figure(f"{key}_refused_clicks", len(persona.refused), "clicks")
        for refusal in persona.refused[:3]:
            report.note(f"{persona.key} refused: {refusal}")
        label = f"10 {persona.key} {persona.name}:"
        if persona.week_one_budget is not None:
            report.target(f"{label} DMs in week 1", week_one, "DMs", "<=", persona.week_one_budget)
        if persona.total_budget is not None:
            report.target(f"{label} DMs in {WEEKS} weeks", total, "DMs", "<=", persona.total_budget)
        report.target(f"{label} most DMs on a working day", busiest, "DMs", "<=", WORKING_DAY_LIMIT)
        report.target(f"{label} DMs repeating an earlier body", repeated, "DMs", "<=", 0)
    return people


def main(argv: list[str]) -> int:
    """Replay the personas on their own; exit 1 when a budget is exceeded."""
    parser = argparse.ArgumentParser(prog="bench/noise.py", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="show the coach's own logs")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    report = Report()
    report.section(TITLE)
    measure(report)
    report.summary()
    return 0 if all(t.passed for t in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
