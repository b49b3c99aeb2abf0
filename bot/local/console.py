"""The offline console: the real app and listeners, a local Slack stand-in, a clock you move.

Lines are slash commands (`/interview add ...`), `advance 2d` to move time, `click done 2`
to press a button or `click heard-back 8 rejected` to choose from a menu, `quit`, or anything
else as a DM reply to the bot. A form the bot opens is asked field by field. Each request goes
over real HTTP, signed as Slack signs it, so the console exercises exactly what Slack would.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.clock import ManualClock
from bot.coach.delivery import CHANNEL_GAP
from bot.config import Settings
from bot.domain.interview import Person
from bot.domain.parsing import parse_duration
from bot.domain.text import unescape
from bot.domain.timing import format_local, zone
from bot.feeds.sealing import generate_key
from bot.local.form import CANCEL, TextForm
from bot.local.signer import BotEndpoint
from bot.local.standin import Message, SlackStandIn
from bot.runtime import CoachRuntime, open_coach
from bot.slack.blocks import DONE_ACTION, OUTCOME_ACTION, SNOOZE_CHOICE_ACTION

TEAM_ID = "T0CONSOLE"
USER_ID = "U0CONSOLE"
CHANNEL_ID = f"D{USER_ID}"
PERSON = Person(TEAM_ID, USER_ID)

GREETING = """\
Interview Coach (offline console): the real bot, talking to a stand-in of Slack on this machine.
Try:   /interview add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith
       /interview add    (the form: each field is asked in turn; `cancel` closes it)
Then:  advance 1d   (move the clock; due nudges arrive)   now   done 2   list   quit
Check: check Dear Jane, ...   or `check` alone, the draft on the lines below, then `.`
Find:  add   (alone: paste an invitation on the lines below, then `.`)
       calendar https://…/basic.ics   (your calendar's secret address; `calendar off`)
       ~/Downloads/invite.ics         (a calendar file's path: shared in the DM)
Press: click done 2   click "Draft it" 2   click snooze-choice 3 next week   click remove
       (a button by its label and item number; a menu, shown as ▾ name: choices, by its
       name, the item number and a choice)
"""

#: Names to type for menus, which show no label of their own.
MENU_NAMES = {SNOOZE_CHOICE_ACTION: "snooze-choice", OUTCOME_ACTION: "heard-back"}
#: Other names a button answers to: `click done 8` also presses "I followed up".
ALIASES = {DONE_ACTION: "done"}
MENU_KINDS = frozenset({"overflow", "static_select"})
#: Messages kept for their buttons; older ones scroll out of reach, as in a long DM.
SCREEN_SIZE = 500

_UNQUOTE = str.maketrans("", "", '"“”')
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_WORD = re.compile(r"[a-z0-9#]+")
_NUMBER = re.compile(r"^#?i?(\d{1,9})$")
_NUMBERED_BLOCK = re.compile(r"-(\d+)$")


def render(blocks: list[dict[str, Any]], fallback: str) -> str:
    """Block Kit as a terminal shows it: sections, tips, buttons in brackets, menus with
    their choices."""
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "section":
            lines.append(_plain(block["text"]["text"]))
            if block.get("accessory", {}).get("type") == "button":
                lines.extend(_control_lines([block["accessory"]]))
        elif kind == "header":
            lines.append(f"*{_plain(block['text']['text'])}*")
        elif kind == "context":
            lines.extend("  " + _plain(e.get("text", "")) for e in block.get("elements", []))
        elif kind == "actions":
            lines.extend(_control_lines(block.get("elements", [])))
        elif kind == "divider":
            lines.append("  ---")
    return "\n".join(lines) if lines else _plain(fallback)


def _control_lines(elements: list[dict[str, Any]]) -> list[str]:
    """Buttons on one line, then each menu on its own line with its choices."""
    buttons = [f"[{control_name(e)}]" for e in elements if e.get("type") not in MENU_KINDS]
    lines = ["  " + " ".join(buttons)] if buttons else []
    for menu in (e for e in elements if e.get("type") in MENU_KINDS):
        choices = " | ".join(_plain(o["text"]["text"]) for o in menu.get("options", []))
        lines.append(f"  ▾ {control_name(menu)}: {choices}")
    return lines


def control_name(element: dict[str, Any]) -> str:
    """What the person types after `click`: a button's label, a menu's name."""
    if element.get("type") in MENU_KINDS:
        placeholder = (element.get("placeholder") or {}).get("text", "")
        slug = "-".join(_words(placeholder))
        return MENU_NAMES.get(element.get("action_id", "")) or slug or element["action_id"]
    return str((element.get("text") or {}).get("text", ""))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _plain(text: str) -> str:
    return unescape(_LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text))


@dataclass
class Shown:
    """A message as the person sees it, kept so its buttons and menus can still be pressed."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    ephemeral: bool


@dataclass(frozen=True)
class Control:
    """A button or menu on a message on screen."""

    shown: Shown
    block_id: str
    element: dict[str, Any]

    @property
    def number(self) -> int | None:
        """The item (or interview) the control's block is about: `nudge-3`, `remove-2`."""
        match = _NUMBERED_BLOCK.search(self.block_id)
        return int(match.group(1)) if match else None

    @property
    def is_menu(self) -> bool:
        return self.element.get("type") in MENU_KINDS

    @property
    def names(self) -> list[tuple[str, ...]]:
        names = [tuple(_words(control_name(self.element)))]
        if alias := ALIASES.get(self.element.get("action_id", "")):
            names.append(tuple(_words(alias)))
        return names


class ListenerCount(Executor):
    """The app's listener pool, counting listeners still running: the bot has answered a
    request only when its listener has finished, which may be well after the HTTP reply."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._running = 0
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running > 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self._running += 1
        try:
            future = self._inner.submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._lock:
            self._running -= 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class Console:
    """Reads lines, turns them into signed Slack requests, prints what Slack would show."""

    def __init__(self, settings: Settings, out: TextIO, *, start: datetime, tz: str) -> None:
        self.out = out
        #: The console person's zone, as their Slack profile gives it: what they see in.
        self.tz = tz
        self._print_lock = threading.Lock()
        self._held: list[str] | None = None
        self._lock = threading.Lock()
        self.clock = ManualClock(start)
        self.files_dir = (
            settings.console_files or settings.db_path / "console" / "files"
        ).resolve()
        self._screen: list[Shown] = []
        self._replies_to: dict[str, Shown] = {}
        self._shown_count = 0
        self._opened: dict[str, Any] | None = None
        self._form: TextForm | None = None
        #: Lines of a draft being pasted after `check` on its own line, until a lone `.`.
        self._draft: list[str] | None = None
        #: What the pasted lines are for: "check" (a draft) or "add" (an invitation).
        self._pasting = "check"
        self._waiting_form: TextForm | None = None
        self.standin = SlackStandIn().start()
        self.standin.set_user(USER_ID, tz=tz, name="you", team_id=TEAM_ID)
        self.standin.on_message = self._show
        self.standin.on_view = self._view_opened
        self.standin.on_file = self._save_file
        secret = secrets.token_hex(16)
        settings = replace(
            settings,
            bot_token="xoxb-offline-console",
            signing_secret=secret,
            app_token=None,
            api_url=self.standin.base_url,
            port=0,
            db_path=settings.db_path / "console",
            database_url=None,  # a console's moved clock never writes to the shared store
            flood_limit=0,  # the gate is for Slack traffic, not a script piped in
            feed_key=settings.feed_key or _console_feed_key(settings.db_path / "console"),
        )
        self.runtime = open_coach(settings, self.clock)
        runner = self.runtime.app.listener_runner
        self._listeners = ListenerCount(runner.listener_executor)
        runner.listener_executor = self._listeners
        server = self.runtime.serve_http(host="127.0.0.1")
        self.endpoint = BotEndpoint(
            url=f"{server.url}/slack/events",
            signing_secret=secret,
        )
        self._events = 0
        self._acks = 0

    def close(self) -> None:
        self.runtime.close()
        self.standin.stop()

    def say(self, text: str) -> None:
        with self._print_lock:
            print(text, file=self.out, flush=True)

    def _tell(self, text: str) -> None:
        """Print what the bot sent through the stand-in; held while the console waits for the
        bot's immediate answer, which Slack would show first."""
        with self._print_lock:
            if self._held is not None:
                self._held.append(text)
                return
            print(text, file=self.out, flush=True)

    def _hold(self) -> None:
        with self._print_lock:
            self._held = []

    def _release(self) -> None:
        with self._print_lock:
            held, self._held = self._held or [], None
            for text in held:
                print(text, file=self.out, flush=True)

    @property
    def in_form(self) -> bool:
        """A form is being filled in: lines answer its fields."""
        return self._form is not None

    @property
    def in_draft(self) -> bool:
        """A draft is being pasted: lines are kept as they are until a lone `.`."""
        return self._draft is not None

    def handle(self, line: str) -> bool:
        """One line of input; False when the person asked to quit."""
        if self._draft is not None:
            if line.strip() == ".":
                self.finish_draft()
            else:
                self._draft.append(line.rstrip("\r\n"))
            return True
        line = line.strip()
        if line.lower() in ("quit", "exit"):
            return False
        if self._form is not None:
            self._answer_form(line)
            return True
        if not line:
            return True
        if line.lower() == "check":
            self._draft, self._pasting = [], "check"
            self.say("Paste your draft, then a line with only `.` to have it checked.")
            return True
        if line.lower() == "add":
            self._draft, self._pasting = [], "add"
            self.say("Paste the invitation, then a line with only `.` to have it read.")
            return True
        shown_before = self._shown_count
        if line.lower().startswith("advance"):
            self._advance(line[len("advance") :].strip())
        elif line.lower() == "now":
            self.say(f"🕒 {format_local(self.clock.now(), self._tz())} ({self._tz()})")
        elif line.lower() == "form":
            self._reopen_form()
        elif _ics_path(line) is not None:
            self._share_file(_ics_path(line) or Path())
        elif line.startswith("/"):
            self._command(line)
        elif line.lower().startswith("calendar "):
            self._command(f"/interview {line}")
            self._feed_round()
        elif line.lower() == "click" or line.lower().startswith("click "):
            self._click(line[len("click") :].strip())
        else:
            self._message(line)
        self._settle()
        self._take_opened_form(answered=self._shown_count > shown_before)
        return True

    def finish_draft(self) -> None:
        """Send the pasted draft as one `check` message, blank lines and all; a pasted
        invitation as `/interview add` with its lines."""
        if self._draft is None:
            return
        draft, self._draft = "\n".join(self._draft).strip("\n"), None
        if self._pasting == "add":
            shown_before = self._shown_count
            self._command(f"/interview add {draft}")
            self._settle()
            self._take_opened_form(answered=self._shown_count > shown_before)
            return
        self._message(f"check\n{draft}")
        self._settle()

    def _feed_round(self) -> None:
        """Read the calendar feeds now due, as the scheduler does every minute."""
        self._settle()
        self.runtime.scheduler.feed_round()

    def _share_file(self, path: Path) -> None:
        """A calendar file on this machine, shared in the DM as Slack would share it."""
        try:
            content = path.read_bytes()
        except OSError as error:
            self.say(f"(could not read {path}: {error})")
            return
        shared = self.standin.share_file(path.name, content, user=USER_ID)
        self._events += 1
        now = self.clock.now().timestamp()
        status, body = self.endpoint.file_share(
            user_id=USER_ID,
            team_id=TEAM_ID,
            channel_id=CHANNEL_ID,
            files=[shared],
            event_id=f"Ev{self._events:08d}",
            ts=f"{now:.6f}",
            event_time=int(now),
        )
        if status != 200:
            self.say(f"(the bot answered HTTP {status}: {body.decode(errors='replace')})")

    def _tz(self) -> str:
        """The zone the coach knows for the person, or their profile's before it asked."""
        return self.runtime.services.coach.profile(PERSON).tz or self.tz

    def _advance(self, amount: str) -> None:
        delta = parse_duration(amount)
        if delta is None:
            self.say("Say how far, like `advance 2d`, `advance 3h` or `advance 30m`.")
            return
        self.say(f"🕒 It is now {format_local(self.clock.now() + delta, self._tz())}.")
        let_time_pass(self.runtime, self.clock, delta)
        self._feed_round()

    def _command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        key = secrets.token_hex(4)
        self._hold()
        try:
            status, body = self.endpoint.command(
                command=command,
                text=text,
                user_id=USER_ID,
                team_id=TEAM_ID,
                channel_id=CHANNEL_ID,
                response_url=self.standin.response_url(key),
            )
            self._show_ack(status, body, key)
        finally:
            self._release()

    # -- buttons and menus -----------------------------------------------------------------

    def _controls(self) -> Iterator[Control]:
        """Every button and menu on screen, newest message first."""
        with self._lock:
            screen = list(reversed(self._screen))
        for shown in screen:
            for block in shown.blocks or []:
                accessory = block.get("accessory") or {}
                if block.get("type") == "section" and accessory.get("action_id"):
                    yield Control(shown, str(block.get("block_id", "")), accessory)
                if block.get("type") != "actions":
                    continue
                for element in block.get("elements", []):
                    if element.get("action_id"):
                        yield Control(shown, str(block.get("block_id", "")), element)

    def _click(self, what: str) -> None:
        """`click <button or menu> [number] [choice]`: press it as Slack would."""
        words = _words(what)
        controls = list(self._controls())
        if not words:
            self.say("Say what to press, like `click done 2`." + _on_screen(controls))
            return
        matches = [
            (control, len(name))
            for control in controls
            for name in control.names
            if name and tuple(words[: len(name)]) == name
        ]
        if not matches:
            self.say(
                f"There is no button or menu called “{what.translate(_UNQUOTE)}” on screen."
                + _on_screen(controls)
            )
            return
        longest = max(length for _, length in matches)
        found = [control for control, length in matches if length == longest]
        rest = words[longest:]
        number = _number(rest[0]) if rest else None
        shown_name = _display(found[0])
        if number is not None:
            rest = rest[1:]
            found = [control for control in found if control.number == number]
            if not found:
                self.say(f"There is no {shown_name} for #{number} on screen right now.")
                return
        else:
            numbers = sorted({c.number for c in found if c.number is not None})
            if len(numbers) > 1:
                listed = ", ".join(f"#{n}" for n in numbers)
                self.say(
                    f"Which one? Add its number, like `click {_typed(found[0])} {numbers[0]}`. "
                    f"On screen: {listed}."
                )
                return
        control = found[0]
        if control.is_menu:
            option = self._option(control, rest)
            if option is not None:
                self._press(control, option)
        elif rest:
            self.say(
                f"{shown_name} is a button: say `click {_typed(control)}` and the item number only."
            )
        else:
            self._press(control, None)

    def _option(self, control: Control, words: list[str]) -> dict[str, Any] | None:
        """The menu option `words` name (its label, or the start of it); None after saying why."""
        options = control.element.get("options", [])
        wanted = tuple(words)

        def names(option: dict[str, Any]) -> list[tuple[str, ...]]:
            key = str(option.get("value", "")).rpartition(":")[2]
            return [tuple(_words(option["text"]["text"])), tuple(_words(key))]

        exact = [o for o in options if wanted in names(o)]
        starting = [o for o in options if any(n[: len(wanted)] == wanted for n in names(o))]
        chosen = exact or starting
        if wanted and len(chosen) == 1:
            return dict(chosen[0])
        labels = ", ".join(o["text"]["text"] for o in options)
        number = control.number
        example = f"click {_typed(control)}{f' {number}' if number is not None else ''} <choice>"
        self.say(f"Choose one: `{example}`, where the choice is one of: {labels}.")
        return None

    def _press(self, control: Control, option: dict[str, Any] | None) -> None:
        key = secrets.token_hex(4)
        with self._lock:
            self._replies_to[key] = control.shown
        element, shown = control.element, control.shown
        chosen: dict[str, Any] = {"value": str(element.get("value", ""))}
        if option is not None:
            chosen = {
                "value": str(option["value"]),
                "selected": True,
                "menu_type": element["type"],
                "option_text": option["text"]["text"],
            }
        self._hold()
        try:
            status, body = self.endpoint.action(
                user_id=USER_ID,
                team_id=TEAM_ID,
                channel_id=CHANNEL_ID,
                message_ts=shown.ts,
                action_id=element["action_id"],
                block_id=control.block_id,
                response_url=self.standin.response_url(key),
                message={"text": shown.text, "blocks": shown.blocks},
                ephemeral=shown.ephemeral,
                **chosen,
            )
            self._show_ack(status, body, key)
        finally:
            self._release()

    # -- forms -----------------------------------------------------------------------------

    def _view_opened(self, record: dict[str, Any]) -> None:
        view = record.get("view")
        if record.get("method") == "views.open" and isinstance(view, dict):
            with self._lock:
                self._opened = view

    def _take_opened_form(self, *, answered: bool) -> None:
        """A form the bot opened: asked at once when it is the whole answer; when the bot also
        said something, kept for `form` so the person can read that first."""
        with self._lock:
            view, self._opened = self._opened, None
        if view is None:
            return
        form = TextForm(view, today=self.clock.now().astimezone(zone(self._tz())).date())
        if not form.fields:
            return
        if answered:
            self._waiting_form = form
            self.say(
                f"(The “{form.title}” form opened too, filled in with what I understood: "
                "type `form` to fill it in.)"
            )
            return
        self._start_form(form)

    def _reopen_form(self) -> None:
        form, self._waiting_form = self._waiting_form, None
        if form is None:
            self.say("No form is open. `/interview add` on its own opens the add form.")
            return
        self._start_form(form)

    def _start_form(self, form: TextForm) -> None:
        self._form = form
        self.say(f"┌─ {form.title}: a form, asked field by field; `cancel` closes it\n└─")
        self.say(form.question())

    def _answer_form(self, line: str) -> None:
        form = self._form
        if form is None:
            return
        if line.lower() == CANCEL:
            self._form = None
            self.say("Closed the form. Nothing was saved.")
            return
        problem = form.answer(line)
        if problem:
            self.say(f"  ⚠ {problem}")
        if not form.done:
            self.say(form.question())
            return
        self._submit(form)

    def _submit(self, form: TextForm) -> None:
        """Submit as Slack does; fields the bot refuses are asked again, with its reason."""
        view = form.view
        status, body = self.endpoint.view_submission(
            user_id=USER_ID,
            team_id=TEAM_ID,
            callback_id=str(view.get("callback_id", "")),
            state_values=form.state_values(),
            private_metadata=str(view.get("private_metadata", "")),
            blocks=view.get("blocks", []),
        )
        reply: dict[str, Any] = {}
        if status == 200 and body.strip():
            try:
                reply = json.loads(body)
            except ValueError:
                reply = {}
        if status == 200 and reply.get("response_action") == "errors":
            errors = {str(k): str(v) for k, v in (reply.get("errors") or {}).items()}
            form.ask_again(errors)
            lines = [f"{form.label_of(field)}: {problem}" for field, problem in errors.items()]
            self.say(_framed("form not saved", "\n".join(lines) or "The bot refused the form."))
            self._settle()
            self.say(form.question())
            return
        self._form = None
        if status != 200:
            self.say(f"(the bot answered HTTP {status}; the form stays closed)")
        self._settle()

    # -- files -----------------------------------------------------------------------------

    def _save_file(self, record: dict[str, Any]) -> None:
        """A file the bot uploaded to the DM, written to the files folder; says where."""
        name = Path(str(record.get("name") or "file")).name or "file"
        content = record.get("content") or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        try:
            path = _write_new(self.files_dir, name, content)
        except OSError as error:
            self._tell(f"(could not save {name} in {self.files_dir}: {error})")
            return
        with self._lock:
            self._shown_count += 1
        comment = _plain(str(record.get("initial_comment") or ""))
        text = (comment + "\n" if comment else "") + f"📎 {name} saved to {path}"
        self._tell(_framed("Interview Coach DM, file", text))

    # -- messages --------------------------------------------------------------------------

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

    def _show_ack(self, status: int, body: bytes, key: str) -> None:
        """The bot's immediate answer, shown only to the person; its buttons can be pressed
        and a later reply through `key`'s response URL may replace it."""
        if status != 200:
            self.say(f"(the bot answered HTTP {status})")
            return
        if not body.strip():
            return
        try:
            reply = json.loads(body)
        except ValueError:
            self.say(body.decode(errors="replace"))
            return
        blocks, text = reply.get("blocks") or [], str(reply.get("text") or "")
        self._acks += 1
        ts = f"{self.clock.now().timestamp():.0f}.{self._acks:06d}"
        shown = Shown(CHANNEL_ID, ts, text, blocks, ephemeral=True)
        with self._lock:
            self._remember(shown)
            self._replies_to.setdefault(key, shown)
        self.say(_framed("only you", render(blocks, text)))

    def _show(self, message: Message) -> None:
        """A message the bot posted, updated or sent through a response URL."""
        text, blocks = message.text or "", list(message.blocks or [])
        with self._lock:
            if message.channel.startswith("response:"):
                label = "only you"
                target = self._replies_to.get(message.channel.removeprefix("response:"))
                if message.updated and target is not None:
                    target.text, target.blocks = text, blocks
                    label += ", updated"
                else:
                    self._remember(Shown(CHANNEL_ID, message.ts, text, blocks, ephemeral=True))
            else:
                label = "Interview Coach DM"
                posted = next(
                    (s for s in self._screen if (s.channel, s.ts) == (message.channel, message.ts)),
                    None,
                )
                if message.updated:
                    label += ", updated"
                if posted is not None:
                    posted.text, posted.blocks = text, blocks
                else:
                    self._remember(Shown(message.channel, message.ts, text, blocks, False))
        self._tell(_framed(label, render(blocks, text)))

    def _remember(self, shown: Shown) -> None:
        """Keep a message on screen; callers hold the lock."""
        self._shown_count += 1
        self._screen.append(shown)
        if len(self._screen) > SCREEN_SIZE:
            gone = self._screen.pop(0)
            self._replies_to = {k: s for k, s in self._replies_to.items() if s is not gone}

    def _settle(self, quiet: float = 0.05, limit: float = 5.0) -> None:
        """Wait until the bot has finished answering and stopped talking to Slack, so output
        follows input in order."""
        deadline = time.monotonic() + limit
        seen = len(self.standin.calls)
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.01)
            count = len(self.standin.calls)
            if count != seen or self._listeners.busy:
                seen, last_change = count, time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return


def _number(word: str) -> int | None:
    match = _NUMBER.match(word)
    return int(match.group(1)) if match else None


def _typed(control: Control) -> str:
    """The control's name as typed after `click`, quoted when it has spaces."""
    name = control_name(control.element)
    return f'"{name}"' if " " in name else name


def _display(control: Control) -> str:
    name = control_name(control.element)
    return name if control.is_menu else f"[{name}]"


def _on_screen(controls: list[Control]) -> str:
    """The names that can be pressed now, so a wrong one is easy to correct."""
    names = list(dict.fromkeys(_display(c) for c in controls))
    return f" On screen: {', '.join(names[:12])}." if names else " Nothing on screen has one."


def _write_new(folder: Path, name: str, content: bytes) -> Path:
    """Write `content` under `name` in `folder`, never over an earlier file: `name-2`, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for attempt in range(1, 10_000):
        path = folder / (name if attempt == 1 else f"{stem}-{attempt}{suffix}")
        try:
            with path.open("xb") as file:
                file.write(content)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"too many files called {name}")


def _ics_path(line: str) -> Path | None:
    """The line names a calendar file on this machine."""
    text = line.strip().strip("'\"")
    if not text.lower().endswith(".ics"):
        return None
    path = Path(text).expanduser()
    return path if path.is_file() else None


def _console_feed_key(folder: Path) -> str:
    """The console's own key for calendar addresses, kept beside its data (made once)."""
    path = folder / "feed.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        key = generate_key()
        path.write_text(key + "\n", encoding="ascii")
        path.chmod(0o600)
        return key


def let_time_pass(runtime: CoachRuntime, clock: ManualClock, delta: timedelta) -> int:
    """Move the clock by `delta` and deliver what came due by then, as the scheduler would;
    returns how many nudges went out.

    A message held back for Slack's one-per-second pace is let through too: the clock then
    ends up to a second past `delta`, as it would in real time. A pass already under way (a
    change set one off) finishes first: jumping the clock past its lease would hand its
    nudges to a second pass, which real time never does.
    """
    delivery, store = runtime.services.delivery, runtime.store
    delivered = delivery.deliver_due(wait_for_all=True)
    target = clock.advance(delta)
    delivered += delivery.deliver_due(wait_for_all=True)
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
        console.say(GREETING + f"Files the bot sends you are saved in {console.files_dir}\n")
        interactive = stdin.isatty()
        while True:
            if interactive:
                stdout.write("✎ > " if console.in_form else "… " if console.in_draft else "> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                console.finish_draft()
                break
            if not interactive:
                console.say(f"> {line.rstrip()}")
            if not console.handle(line):
                break
    finally:
        console.close()
    return 0
