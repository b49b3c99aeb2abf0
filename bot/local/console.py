"""The offline console: the real app and listeners, a local Slack stand-in, a clock you move.

Lines are slash commands (`/interview add ...`), `advance 2d` to move time, `click done 2`
to press a button, `quit`, or anything else as a DM reply to the bot. Each request goes over
real HTTP, signed as Slack signs it, so the console exercises exactly what Slack would.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from bot.clock import ManualClock
from bot.coach.delivery import CHANNEL_GAP
from bot.config import Settings
from bot.domain.interview import Person
from bot.domain.parsing import parse_duration
from bot.domain.text import unescape
from bot.domain.timing import format_local
from bot.local.signer import BotEndpoint
from bot.local.standin import Message, SlackStandIn
from bot.runtime import CoachRuntime, open_coach
from bot.slack.blocks import NUDGE_ACTIONS

TEAM_ID = "T0CONSOLE"
USER_ID = "U0CONSOLE"
CHANNEL_ID = f"D{USER_ID}"
PERSON = Person(TEAM_ID, USER_ID)

GREETING = """\
Interview Coach (offline console): the real bot, talking to a stand-in of Slack on this machine.
Try:  /interview add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith
Then: advance 1d   (move the clock; due nudges arrive)   done 2   click skip 3   list   quit
"""

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_CLICK = re.compile(r"^click\s+(done|snooze|skip)\s+#?(\d+)$", re.IGNORECASE)


def render(blocks: list[dict[str, Any]], fallback: str) -> str:
    """Block Kit as a terminal shows it: sections, tips, and buttons in brackets."""
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "section":
            lines.append(_plain(block["text"]["text"]))
        elif kind == "context":
            lines.extend("  " + _plain(e.get("text", "")) for e in block.get("elements", []))
        elif kind == "actions":
            labels = [e["text"]["text"] for e in block.get("elements", []) if "text" in e]
            lines.append("  " + " ".join(f"[{label}]" for label in labels))
        elif kind == "divider":
            lines.append("  ---")
    return "\n".join(lines) if lines else _plain(fallback)


def _plain(text: str) -> str:
    return unescape(_LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text))


class Console:
    """Reads lines, turns them into signed Slack requests, prints what Slack would show."""

    def __init__(self, settings: Settings, out: TextIO, *, start: datetime, tz: str) -> None:
        self.out = out
        self._print_lock = threading.Lock()
        self.clock = ManualClock(start)
        self.standin = SlackStandIn().start()
        self.standin.set_user(USER_ID, tz=tz, name="you", team_id=TEAM_ID)
        self.standin.on_message = self._show
        secret = secrets.token_hex(16)
        settings = replace(
            settings,
            bot_token="xoxb-offline-console",
            signing_secret=secret,
            app_token=None,
            api_url=self.standin.base_url,
            port=0,
            db_path=settings.db_path / "console",
            flood_limit=0,  # the gate is for Slack traffic, not a script piped in
        )
        self.runtime = open_coach(settings, self.clock)
        server = self.runtime.serve_http(host="127.0.0.1")
        self.endpoint = BotEndpoint(
            url=f"{server.url}/slack/events",
            signing_secret=secret,
        )
        self._events = 0

    def close(self) -> None:
        self.runtime.close()
        self.standin.stop()

    def say(self, text: str) -> None:
        with self._print_lock:
            print(text, file=self.out, flush=True)

    def handle(self, line: str) -> bool:
        """One line of input; False when the person asked to quit."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in ("quit", "exit"):
            return False
        if line.lower().startswith("advance"):
            self._advance(line[len("advance") :].strip())
        elif line.lower() == "now":
            self.say(f"🕒 {format_local(self.clock.now(), self._tz())} ({self._tz()})")
        elif line.startswith("/"):
            self._command(line)
        elif match := _CLICK.match(line):
            self._click(match.group(1).lower(), int(match.group(2)))
        else:
            self._message(line)
        self._settle()
        return True

    def _tz(self) -> str:
        return self.runtime.services.coach.timezone(PERSON)

    def _advance(self, amount: str) -> None:
        delta = parse_duration(amount)
        if delta is None:
            self.say("Say how far, like `advance 2d`, `advance 3h` or `advance 30m`.")
            return
        self.say(f"🕒 It is now {format_local(self.clock.now() + delta, self._tz())}.")
        let_time_pass(self.runtime, self.clock, delta)

    def _command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        key = secrets.token_hex(4)
        status, body = self.endpoint.command(
            command=command,
            text=text,
            user_id=USER_ID,
            team_id=TEAM_ID,
            channel_id=CHANNEL_ID,
            response_url=self.standin.response_url(key),
        )
        self._show_ack(status, body)

    def _click(self, verb: str, number: int) -> None:
        action_id = next(a for a in NUDGE_ACTIONS if a.endswith(verb))
        for message in reversed(self.standin.messages(CHANNEL_ID)):
            for block in message.blocks or []:
                if block.get("block_id") == f"nudge-{number}" and block.get("type") == "actions":
                    button = next(e for e in block["elements"] if e["action_id"] == action_id)
                    status, body = self.endpoint.action(
                        user_id=USER_ID,
                        team_id=TEAM_ID,
                        channel_id=CHANNEL_ID,
                        message_ts=message.ts,
                        action_id=action_id,
                        value=button["value"],
                        block_id=block["block_id"],
                        response_url=self.standin.response_url(secrets.token_hex(4)),
                    )
                    self._show_ack(status, body)
                    return
        self.say(f"There is no message with buttons for #{number} right now.")

    def _message(self, text: str) -> None:
        self._events += 1
        now = self.clock.now().timestamp()
        status, body = self.endpoint.message(
            user_id=USER_ID,
            team_id=TEAM_ID,
            channel_id=CHANNEL_ID,
            text=text,
            event_id=f"Ev{self._events:08d}",
            ts=f"{now:.6f}",
            event_time=int(now),
        )
        if status != 200:
            self.say(f"(the bot answered HTTP {status}: {body.decode(errors='replace')})")

    def _show_ack(self, status: int, body: bytes) -> None:
        if status != 200:
            self.say(f"(the bot answered HTTP {status})")
            return
        if body.strip():
            try:
                reply = json.loads(body)
            except ValueError:
                self.say(body.decode(errors="replace"))
                return
            self.say(_framed("only you", render(reply.get("blocks", []), reply.get("text", ""))))

    def _show(self, message: Message) -> None:
        label = "only you" if message.channel.startswith("response:") else "Interview Coach DM"
        if message.updated:
            label += ", updated"
        self.say(_framed(label, render(message.blocks, message.text or "")))

    def _settle(self, quiet: float = 0.25, limit: float = 5.0) -> None:
        """Wait until the bot has stopped talking to Slack, so output follows input in order."""
        deadline = time.monotonic() + limit
        seen = len(self.standin.calls)
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            count = len(self.standin.calls)
            if count != seen:
                seen, last_change = count, time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return


def let_time_pass(runtime: CoachRuntime, clock: ManualClock, delta: timedelta) -> int:
    """Move the clock by `delta` and deliver what came due by then, as the scheduler would;
    returns how many nudges went out.

    A message held back for Slack's one-per-second pace is let through too: the clock then
    ends up to a second past `delta`, as it would in real time.
    """
    target = clock.advance(delta)
    delivery, store = runtime.services.delivery, runtime.store
    delivered = delivery.deliver_due(wait_for_all=True)
    for _ in range(1_000):
        following = store.next_due_at()
        if following is None or following > target + CHANNEL_GAP:
            break
        clock.advance_to(following)
        delivered += delivery.deliver_due(wait_for_all=True)
    return delivered


def _framed(label: str, text: str) -> str:
    return f"┌─ {label}\n" + "\n".join(f"│ {line}" for line in text.splitlines()) + "\n└─"


def run_console(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    *,
    start: datetime | None = None,
    tz: str | None = None,
) -> int:
    """Run until `quit` or the end of input (piped input works as well as a terminal)."""
    console = Console(
        settings,
        stdout,
        start=start or datetime.now(UTC),
        tz=tz or settings.console_tz,
    )
    try:
        console.say(GREETING)
        interactive = stdin.isatty()
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            if not interactive:
                console.say(f"> {line.rstrip()}")
            if not console.handle(line):
                break
    finally:
        console.close()
    return 0
