"""Replicas as real processes on one PostgreSQL database, and a crowd with nudges due.

Used by tests/test_replicas.py and bench/replicas.py: each replica is `interview-coach serve`
in HTTP mode, with the same settings but its port, talking to one Slack stand-in; the crowd is
written through the store, as people who used the coach before would have left it.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

from bot.domain.interview import Interview, Interviewer, Person, Process, Profile
from bot.domain.lifecycle import FOLLOW_UP
from bot.domain.nudge import Nudge
from bot.domain.timing import Day
from bot.local.signer import BotEndpoint
from bot.local.standin import Message, SlackStandIn
from bot.storage.protocol import Store

from .processes import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent.parent
TEAM = "T1"
TOKEN = "xoxb-replicas"
SECRET = "replicas-signing-secret"
#: Every day, the whole day: what is due goes out now, whatever the hour the run starts at.
ALWAYS_OPEN = Day(starts=day_time(0, 0), ends=day_time(23, 59), days=frozenset(range(7)))


def midday_zone(now: datetime | None = None) -> str:
    """A fixed-offset zone where it is around noon now, so the crowd's day is well open."""
    moment = now or datetime.now(UTC)
    offset = max(-12, min(14, 12 - moment.hour))
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{-offset:+d}"


class Replica:
    """One `interview-coach serve` process; readiness on /healthz, ended by SIGKILL or SIGTERM."""

    def __init__(
        self,
        database_url: str,
        standin: SlackStandIn,
        *,
        lease_seconds: int,
        store_path: Path,
        log_level: str = "ERROR",
        slack_timeout: int | None = None,
        stop_before_post: Iterable[str] = (),
    ) -> None:
        """`slack_timeout` defaults to the longest the lease allows (10 s at most);
        `stop_before_post` names users whose posts the replica stops itself before."""
        self.port = free_port()
        if slack_timeout is None:
            slack_timeout = max(1, min(10, lease_seconds - 3))
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.base_url,
            "PORT": str(self.port),
            "COACH_DATABASE_URL": database_url,
            "COACH_LEASE_SECONDS": str(lease_seconds),
            "COACH_DB_PATH": str(store_path),
            "LOG_LEVEL": log_level,
            "COACH_SLACK_TIMEOUT": str(slack_timeout),
            "COACH_FAULT_STOP_BEFORE_POST": ",".join(stop_before_post),
        }
        for unwanted in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            env.pop(unwanted, None)
        env.pop("COACH_CLOCK_START", None)  # every replica on the one real clock
        # A file, not a pipe: nobody reads a pipe while the replica runs, and a full one
        # would stop it.
        self.log_path = store_path.with_suffix(".log")
        store_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.endpoint = BotEndpoint(f"http://127.0.0.1:{self.port}/slack/events", SECRET)

    @property
    def pid(self) -> int:
        return self.process.pid

    def holds(self, owner: str | None) -> bool:
        """Whether a lease owner ("host:pid:…") is this process."""
        return owner is not None and owner.split(":")[1:2] == [str(self.pid)]

    def wait_ready(self, timeout: float = 30.0) -> None:
        wait_healthy(
            self.process,
            self.port,
            timeout=timeout,
            poll=0.05,
            why_stopped=lambda: self.log_path.read_text(errors="replace"),
        )

    def kill(self) -> None:
        """SIGKILL: no goodbye, no lease released (a stopped process dies as well)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def pause(self) -> None:
        """SIGSTOP: every thread stops where it is, as in a long GC pause or a frozen VM."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    @property
    def stopped(self) -> bool:
        """Whether the process is stopped (by SIGSTOP, or by itself before a post)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[0] in ("T", "t")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()  # a stopped process would not hear SIGTERM until then
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def until(condition: Callable[[], bool], timeout: float, poll: float = 0.05) -> bool:
    """Whether `condition` came true within `timeout` seconds (looked at every `poll`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return condition()


def ask(replica: Replica, standin: SlackStandIn, user: str, text: str) -> str:
    """`/interview <text>` from `user` to `replica`, signed as Slack signs it; the reply as
    JSON text (from the answer itself, or from the response URL)."""
    key = secrets.token_hex(6)
    status, body = replica.endpoint.command(
        text=text,
        user_id=user,
        team_id=TEAM,
        channel_id="C1",
        response_url=standin.response_url(key),
    )
    if status != 200:
        raise RuntimeError(f"the replica answered {status}: {body[:200]!r}")
    if body.strip():
        return json.dumps(json.loads(body))
    if not standin.wait_for(lambda s: bool(s.responses(key)), timeout=10):
        raise RuntimeError("no reply came")
    return json.dumps(standin.responses(key)[-1])


def start_replicas(
    count: int, database_url: str, standin: SlackStandIn, *, lease_seconds: int, folder: Path
) -> list[Replica]:
    """Start `count` replicas at once and wait until every one is ready."""
    replicas = [
        Replica(database_url, standin, lease_seconds=lease_seconds, store_path=folder / f"r{n}")
        for n in range(count)
    ]
    try:
        for replica in replicas:
            replica.wait_ready()
    except BaseException:
        stop_all(replicas)
        raise
    return replicas


def stop_all(replicas: Iterable[Replica]) -> None:
    for replica in replicas:
        replica.stop()


@dataclass(frozen=True)
class Crowd:
    """Who was seeded, and each nudge's mark and due moment, to check delivery against."""

    people: list[Person]
    due: dict[tuple[str, str], datetime]
    tz: str

    @property
    def nudges(self) -> int:
        return len(self.due)

    def in_due_order(self, user: str, marks: Sequence[str]) -> bool:
        """Whether `marks`, as the person received them, follow due order (ties by number)."""
        keys = [(self.due[(user, mark)], int(mark.split(".")[0])) for mark in marks]
        return keys == sorted(keys)


def seed_person(
    store: Store,
    person: Person,
    *,
    tz: str,
    due: Sequence[datetime],
    dm_open: bool = True,
    follow_up: bool = False,
) -> list[Nudge]:
    """One person with an Acme interview and a nudge due at each of `due` (numbered from 1);
    with `follow_up`, the last is the follow-up to Acme."""
    ends = min(due) - timedelta(days=7)
    interview = Interview(
        id=1,
        company="Acme",
        role="Staff Engineer",
        starts_at=ends - timedelta(hours=1),
        ends_at=ends,
        tz=tz,
        interviewers=(Interviewer("Jane Doe"),),
        process_id=1,
        created_at=ends - timedelta(days=2),
    )
    nudges = [
        Nudge(
            number=number,
            interview_id=1,
            rule="linkedin",
            title=f"Connect with Jane Doe ({number})",
            text="Send a short note with the request.",
            tip="Mention the conversation.",
            due_at=moment,
            interviewer="Jane Doe",
            key=f"linkedin/1/Jane Doe/{number}",
            planned_for=moment,
        )
        for number, moment in enumerate(due, start=1)
    ]
    if follow_up:
        last = nudges[-1]
        nudges[-1] = Nudge(
            number=last.number,
            interview_id=1,
            rule=FOLLOW_UP,
            title="Follow up with Acme",
            text="A short, friendly note.",
            tip="Hiring often takes longer than planned.",
            due_at=last.due_at,
            contacts_employer=True,
            key="follow-up/1/1",
            planned_for=last.due_at,
        )
    with store.transaction(person) as book:
        book.save_profile(
            Profile(
                tz=tz,
                tz_checked_at=datetime.now(UTC) + timedelta(days=30),
                dm_channel=f"D{person.user_id}" if dm_open else None,
                next_interview_id=2,
                next_nudge_number=len(nudges) + 1,
                window=ALWAYS_OPEN,
                country="",
            )
        )
        book.save_process(Process(id=1, company="Acme", role="Staff Engineer"))
        book.save_interview(interview)
        book.save_nudges(nudges)
    return nudges


def seed_crowd(
    store: Store,
    people: int,
    per_person: int,
    *,
    due_by: datetime,
    tz: str,
    extra_every: int = 0,
    spread: float = 60.0,
    seed: int = 7,
    prefix: str = "UC",
) -> Crowd:
    """`people` people with `per_person` nudges each, due over the `spread` seconds before
    `due_by` in shuffled order (so due order is not number order); every `extra_every`-th
    person has three more, which a second message carries."""
    rng = random.Random(seed)
    crowd: list[Person] = []
    due: dict[tuple[str, str], datetime] = {}
    for index in range(people):
        person = Person(TEAM, f"{prefix}{index:05d}")
        count = per_person + (3 if extra_every and index % extra_every == 0 else 0)
        offsets = rng.sample(range(60), count)
        moments = [due_by - timedelta(seconds=spread * (60 - offset) / 60) for offset in offsets]
        for nudge in seed_person(store, person, tz=tz, due=moments):
            due[(person.user_id, nudge.mark)] = nudge.due_at
        crowd.append(person)
    return Crowd(crowd, due, tz)


@dataclass(frozen=True)
class Posted:
    """What the stand-in received, read by the marks the coach puts in each message."""

    #: (user, mark) -> how many messages carried it.
    counts: Counter[tuple[str, str]]
    #: user -> marks in the order the messages were posted.
    order: dict[str, list[str]]
    messages: int

    def duplicated(self) -> int:
        return sum(count - 1 for count in self.counts.values() if count > 1)

    def missing(self, crowd: Crowd) -> int:
        return sum(1 for key in crowd.due if self.counts[key] == 0)

    def unexpected(self, crowd: Crowd) -> int:
        return sum(count for key, count in self.counts.items() if key not in crowd.due)

    def exactly_once(self, crowd: Crowd) -> int:
        return sum(1 for key in crowd.due if self.counts[key] == 1)


def posted(standin: SlackStandIn, channels: Iterable[str] | None = None) -> Posted:
    """Every nudge mark the stand-in's DMs carry, per person."""
    counts: Counter[tuple[str, str]] = Counter()
    order: dict[str, list[str]] = {}
    messages = 0
    wanted = None if channels is None else set(channels)
    for message in standin.messages():
        if not message.metadata or not message.channel.startswith("D"):
            continue
        if wanted is not None and message.channel not in wanted:
            continue
        user = message.channel[1:]
        marks = message.metadata.get("event_payload", {}).get("nudges", [])
        messages += 1
        for mark in marks:
            counts[(user, mark)] += 1
            order.setdefault(user, []).append(mark)
    return Posted(counts, order, messages)


class Tally:
    """Counts the nudge marks posted as they arrive (the stand-in's watcher), to wait on."""

    def __init__(self, standin: SlackStandIn) -> None:
        self._cond = threading.Condition()
        self.marks = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        standin.on_message = self._seen

    def _seen(self, message: Message) -> None:
        if not message.metadata or message.updated:
            return
        count = len(message.metadata.get("event_payload", {}).get("nudges", []))
        with self._cond:
            now = time.monotonic()
            self.first_at = self.first_at or now
            self.last_at = now
            self.marks += count
            self._cond.notify_all()

    def wait_for(self, marks: int, timeout: float) -> bool:
        """Block until at least `marks` marks were posted; bounded by `timeout`."""
        with self._cond:
            return self._cond.wait_for(lambda: self.marks >= marks, timeout)
