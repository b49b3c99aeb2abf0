"""The real bot process killed with SIGKILL at random moments: nothing acknowledged is lost.

Each round starts `python -m bot` in HTTP mode against the Slack stand-in, streams adds,
Done clicks and DM replies at it from another thread, and kills it mid-stream. At the end the
store must load, hold every change the bot acknowledged, and Slack must have seen no nudge
twice. Rounds are bounded (COACH_KILL_ROUNDS, default 50) and each one lasts under a second
of traffic.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.local.processes import free_port, wait_healthy
from bot.local.signer import BotEndpoint
from bot.local.standin import SlackStandIn
from bot.slack.blocks import DONE_ACTION
from bot.storage.tinydb_store import TinyStore

ROOT = Path(__file__).resolve().parent.parent
SECRET = "kill-test-secret"
USERS = ("U1", "U2", "U3")
#: Kill rounds, and the wall time after which no new round starts (each round starts a real
#: process, about two seconds on two cores); both can be raised for a longer hunt.
ROUNDS = int(os.environ.get("COACH_KILL_ROUNDS", "20"))
ROUND_BUDGET = float(os.environ.get("COACH_KILL_SECONDS", "45"))
#: Kills of the compacting writer: a small process, so enough of them to land mid-snapshot.
COMPACTION_ROUNDS = int(os.environ.get("COACH_COMPACTION_KILLS", "25"))


@dataclass
class Acknowledged:
    """What the bot told a person it had done, so it must survive any crash."""

    companies: set[tuple[str, str]] = field(default_factory=set)
    done: set[tuple[str, int]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class BotProcess:
    def __init__(self, store: Path, standin: SlackStandIn) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-kill-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.base_url,
            "PORT": str(self.port),
            "COACH_DB_PATH": str(store),
            "COACH_CLOCK_START": "2026-11-26T17:00:00+00:00",
            "LOG_LEVEL": "ERROR",
        }
        env.pop("SLACK_APP_TOKEN", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.endpoint = BotEndpoint(f"http://127.0.0.1:{self.port}/slack/events", SECRET)

    def wait_ready(self, timeout: float = 30.0) -> None:
        wait_healthy(
            self.process,
            self.port,
            timeout=timeout,
            why_stopped=lambda: self.process.stderr.read().decode(),
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(20)


def open_buttons(standin: SlackStandIn, user: str) -> list[tuple[object, str, int]]:
    found = []
    for message in standin.messages(f"D{user}"):
        for block in message.blocks:
            if block.get("type") == "actions":
                value = block["elements"][0]["value"]
                found.append((message, value, int(value.split(":")[1])))
    return found


def traffic(
    bot: BotProcess, standin: SlackStandIn, seen: Acknowledged, round_no: int, stop: threading.Event
) -> None:
    """Adds, clicks and DM replies, recording only what the bot acknowledged."""
    chooser = random.Random(round_no)
    step = 0
    while not stop.is_set():
        step += 1
        user = chooser.choice(USERS)
        kind = chooser.random()
        try:
            if kind < 0.5:
                company = f"R{round_no}N{step}"
                key = f"{round_no}-{step}"
                status, body = bot.endpoint.command(
                    text=f"add {company}, Engineer, today 7am, with Jane Doe",
                    user_id=user,
                    team_id="T1",
                    channel_id="C1",
                    response_url=standin.response_url(key),
                )
                if status == 200 and (b"Saved" in body or "Saved" in str(standin.responses(key))):
                    with seen.lock:
                        seen.companies.add((user, company))
            elif kind < 0.85:
                buttons = open_buttons(standin, user)
                if buttons:
                    message, value, number = chooser.choice(buttons)
                    status, _ = bot.endpoint.action(
                        user_id=user,
                        team_id="T1",
                        channel_id=message.channel,
                        message_ts=message.ts,
                        action_id=DONE_ACTION,
                        value=value,
                        response_url=standin.response_url(f"c{round_no}-{step}"),
                    )
                    if status == 200:
                        with seen.lock:
                            seen.done.add((user, number))
            else:
                buttons = open_buttons(standin, user)
                if buttons:
                    number = chooser.choice(buttons)[2]
                    before = len(standin.messages(f"D{user}"))
                    bot.endpoint.message(
                        user_id=user,
                        team_id="T1",
                        channel_id=f"D{user}",
                        text=f"done {number}",
                        event_id=f"Ev{round_no}x{step}",
                        ts=f"{time.time():.6f}",
                        event_time=int(time.time()),
                    )
                    confirmed = standin.wait_for(
                        lambda s, u=user, b=before, n=number: any(
                            f"`#{n}`" in (m.text or "") for m in s.messages(f"D{u}")[b:]
                        ),
                        timeout=1.0,
                    )
                    if confirmed:
                        with seen.lock:
                            seen.done.add((user, number))
        except (OSError, http.client.HTTPException):
            time.sleep(0.01)


def test_sigkill_at_random_moments_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store"
    seen = Acknowledged()
    killer = random.Random(2026)
    with SlackStandIn() as standin:
        for user in USERS:
            standin.set_user(user, tz="America/Los_Angeles", team_id="T1")
        started = time.monotonic()
        for round_no in range(ROUNDS):
            if round_no >= 5 and time.monotonic() - started > ROUND_BUDGET:
                break
            bot = BotProcess(store_path, standin)
            bot.wait_ready()
            stop = threading.Event()
            worker = threading.Thread(target=traffic, args=(bot, standin, seen, round_no, stop))
            worker.start()
            time.sleep(killer.uniform(0.05, 0.6))
            bot.kill()
            stop.set()
            worker.join(30)

        final = BotProcess(store_path, standin)
        final.wait_ready()
        time.sleep(1.0)
        final.stop()
        posted = {
            user: [
                mark
                for message in standin.messages(f"D{user}")
                if message.metadata
                for mark in message.metadata["event_payload"]["nudges"]
            ]
            for user in USERS
        }

    store = TinyStore(store_path)
    try:
        assert seen.companies, "adds were acknowledged before the kills"
        assert seen.done, "Done clicks and replies were acknowledged before the kills"
        for user in USERS:
            with store.transaction(Person("T1", user)) as book:
                companies = {i.company for i in book.interviews()}
                nudges = {n.number: n for n in book.nudges()}
            for owner, company in seen.companies:
                if owner == user:
                    assert company in companies, f"acknowledged add {company} was lost"
            for owner, number in seen.done:
                if owner == user:
                    assert nudges[number].state == NudgeState.DONE, f"done #{number} was lost"
            twice = [mark for mark, count in Counter(posted[user]).items() if count > 1]
            assert twice == [], f"{user} was sent {twice} twice"
    finally:
        store.close()


COMPACTING_WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path

import bot.storage.tinydb_store as tinydb_store
from bot.domain.interview import Person
from bot.domain.nudge import Nudge

tinydb_store.COMPACT_AFTER = 2  # compact every other transaction
store = tinydb_store.TinyStore(Path(sys.argv[1]))
person = Person("T1", "U1")
filler = "x" * 20_000  # a snapshot of a few MB takes a while to write and fsync
start = int(sys.argv[2])
for number in range(start, start + 10_000):
    with store.transaction(person) as book:
        book.save_nudges([Nudge(number, 1, "thank-you", "t", filler, "y", datetime.now(UTC))])
    print(number, flush=True)
"""


def test_sigkill_during_compaction_loses_nothing(tmp_path: Path) -> None:
    """A writer that compacts every other transaction, killed at random moments: every
    acknowledged transaction is there after each kill, and some kills land mid-compaction
    (a half-written snapshot left behind, never renamed over the good one)."""
    store_path = tmp_path / "store"
    folder = store_path / "people" / "T1"
    killer = random.Random(7)
    acknowledged: set[int] = set()
    caught_mid_compaction = 0
    start = 1
    for _ in range(COMPACTION_ROUNDS):
        writer = subprocess.Popen(
            [sys.executable, "-c", COMPACTING_WRITER, str(store_path), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        first = writer.stdout.readline()
        assert first.strip().isdigit(), "the writer started"
        acknowledged.add(int(first))
        time.sleep(killer.uniform(0.0, 0.15))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=10)
        acknowledged |= {int(line) for line in out.split()}
        caught_mid_compaction += bool(list(folder.glob(".U1.json.*.tmp")))

        store = TinyStore(store_path)
        try:
            with store.transaction(Person("T1", "U1")) as book:
                kept = {n.number for n in book.nudges()}
            assert not (store_path / "quarantine").exists(), "nothing was damaged"
        finally:
            store.close()
        assert acknowledged <= kept, f"lost {sorted(acknowledged - kept)[:5]}"
        start = max(kept) + 1
    assert caught_mid_compaction, "at least one kill landed while a snapshot was being written"
    assert not list(folder.glob(".U1.json.*.tmp")), "left-over temp files are cleared at start"
