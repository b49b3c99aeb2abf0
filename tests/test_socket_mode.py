"""Socket Mode end to end: the real bot connects to the stand-in's WebSocket side, Slack pushes
commands, clicks and events down it, and the bot acknowledges each envelope and answers."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import RULES, TEAM
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.local.console import let_time_pass
from bot.local.socket_standin import APP_TOKEN, Acknowledgement, SocketModeStandIn
from bot.local.standin import Message, SlackStandIn
from bot.runtime import CoachRuntime, SocketModeLink, SocketModeRefused, open_coach
from bot.slack.blocks import ADD_FORM, DONE_ACTION

ROOT = Path(__file__).resolve().parent.parent
LA = "America/Los_Angeles"
#: Short pings, so a connection cut without a word is noticed within about a second.
PING = 0.2


@pytest.fixture
def slack(standin: SlackStandIn) -> Iterator[SocketModeStandIn]:
    """The stand-in's Socket Mode side, beside its Web API."""
    with SocketModeStandIn(standin) as side:
        yield side


@dataclass
class SocketBot:
    """The real coach connected in Socket Mode, with helpers that act as Slack and a person."""

    runtime: CoachRuntime
    link: SocketModeLink
    standin: SlackStandIn
    slack: SocketModeStandIn
    clock: ManualClock
    _events: int = field(default=0)

    def command(self, text: str, *, user: str = "U1") -> tuple[Acknowledgement, dict[str, Any]]:
        """`/interview <text>`: its acknowledgement, and the reply (in the ack or by URL)."""
        key = secrets.token_hex(6)
        envelope = self.slack.slash_command(
            text=text,
            user_id=user,
            team_id=TEAM,
            channel_id="C1",
            response_url=self.standin.response_url(key),
        )
        ack = self.slack.wait_for_ack(envelope)
        assert ack is not None, "the command was never acknowledged"
        if ack.payload:
            return ack, ack.payload
        assert self.standin.wait_for(lambda s: bool(s.responses(key))), "no reply came"
        return ack, self.standin.responses(key)[-1]

    def dm(
        self, text: str, *, user: str = "U1", event_id: str | None = None, retry: int = 0
    ) -> str:
        """A DM to the bot, as a `message.im` event; the envelope's id."""
        self._events += 1
        return self.slack.message(
            user_id=user,
            team_id=TEAM,
            channel_id=f"D{user}",
            text=text,
            event_id=event_id or f"Ev{self._events:06d}{user}",
            ts=f"{self.clock.now().timestamp() + self._events / 1000:.6f}",
            event_time=int(self.clock.now().timestamp()),
            retry_attempt=retry,
            retry_reason="timeout" if retry else "",
        )

    def click(self, message: Message, action_id: str, value: str, *, user: str = "U1") -> str:
        return self.slack.block_action(
            user_id=user,
            team_id=TEAM,
            channel_id=message.channel,
            message_ts=message.ts,
            action_id=action_id,
            value=value,
            response_url=self.standin.response_url(f"click-{secrets.token_hex(4)}"),
        )

    def replies(self, user: str = "U1") -> list[Message]:
        """What the bot wrote in the DM in answer to the person (not nudges)."""
        return [m for m in self.standin.messages(f"D{user}") if not m.metadata]

    def nudges(self, user: str = "U1") -> list[Any]:
        with self.runtime.store.transaction(Person(TEAM, user)) as book:
            return sorted(book.nudges(), key=lambda n: n.number)


def _settings(api_url: str, tmp_path: Path, app_token: str = APP_TOKEN) -> Settings:
    return Settings(
        bot_token="xoxb-test",
        app_token=app_token,
        api_url=api_url,
        db_path=tmp_path / "store",
        rules_path=RULES,
    )


@pytest.fixture
def socket_bot(
    tmp_path: Path, standin: SlackStandIn, slack: SocketModeStandIn, clock: ManualClock
) -> Iterator[SocketBot]:
    standin.set_user("U1", tz=LA, team_id=TEAM)
    runtime = open_coach(_settings(standin.base_url, tmp_path), clock)
    try:
        link = runtime.socket_mode(ping_interval=PING)
        link.start()
        assert slack.wait_connected(), "the bot never connected"
        yield SocketBot(runtime, link, standin, slack, clock)
    finally:
        runtime.close()


def _text(reply: dict[str, Any]) -> str:
    return json.dumps(reply, ensure_ascii=False)


def test_the_bot_asks_for_an_address_with_its_app_token_and_is_greeted(
    socket_bot: SocketBot,
) -> None:
    (opened,) = socket_bot.standin.calls_to("apps.connections.open")
    (link,) = socket_bot.slack.links()

    assert socket_bot.slack.opened == 1
    assert link.greeted and not link.closed
    assert socket_bot.link.connected
    assert "token" not in opened.params, "the app token goes in the Authorization header"


def test_a_slash_command_is_acknowledged_answered_and_stored(
    socket_bot: SocketBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    ack, reply = socket_bot.command("add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe")

    assert ack.link == 1
    assert "*Acme* · Staff Engineer" in _text(reply)
    assert "Fri 27 Nov, 14:00–15:00 (America/Los_Angeles)" in _text(reply)
    with socket_bot.runtime.store.transaction(Person(TEAM, "U1")) as book:
        (interview,) = book.interviews()
    assert interview.company == "Acme"
    assert {n.rule for n in socket_bot.nudges()} >= {"thank-you", "follow-up"}

    listing_ack, listing = socket_bot.command("list")

    assert listing_ack.payload == listing, "answered in the acknowledgement itself"
    assert "Upcoming interviews" in _text(listing)
    assert APP_TOKEN not in caplog.text
    assert "xoxb-test" not in caplog.text


def test_a_done_click_is_acknowledged_and_changes_the_store(socket_bot: SocketBot) -> None:
    socket_bot.command("settings country none")
    socket_bot.command("add Acme, Staff Engineer, today 10am, with Jane Doe")
    let_time_pass(socket_bot.runtime, socket_bot.clock, timedelta(hours=3, minutes=5))
    thank_you = next(n for n in socket_bot.nudges() if n.rule == "thank-you")
    assert thank_you.state == NudgeState.SENT
    (message,) = socket_bot.standin.messages("DU1")
    (value,) = [
        element["value"]
        for block in message.blocks
        if block.get("block_id") == f"nudge-{thank_you.number}"
        for element in block["elements"]
        if element.get("action_id") == DONE_ACTION
    ]

    envelope = socket_bot.click(message, DONE_ACTION, value)

    assert socket_bot.slack.wait_for_ack(envelope) is not None
    assert socket_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    done = next(n for n in socket_bot.nudges() if n.number == thank_you.number)
    assert done.state == NudgeState.DONE
    assert DONE_ACTION not in json.dumps(socket_bot.standin.messages("DU1")[0].blocks)


def test_a_direct_message_is_acknowledged_and_answered_in_the_dm(socket_bot: SocketBot) -> None:
    envelope = socket_bot.dm("help")

    ack = socket_bot.slack.wait_for_ack(envelope)
    assert ack is not None and ack.payload is None
    assert socket_bot.standin.wait_for(lambda s: bool(s.messages("DU1")))
    (answer,) = socket_bot.replies()
    assert "done 2" in json.dumps(answer.blocks)


def test_a_form_submission_is_answered_in_its_acknowledgement(socket_bot: SocketBot) -> None:
    socket_bot.command("settings country none")
    state: dict[str, Any] = {
        "company": {"value": {"value": "Acme"}},
        "role": {"value": {"value": "Staff Engineer"}},
        "date": {"value": {"selected_date": "2026-11-27"}},
    }

    def submit() -> Acknowledgement | None:
        envelope = socket_bot.slack.view_submission(
            user_id="U1", team_id=TEAM, callback_id=ADD_FORM, state_values=state
        )
        return socket_bot.slack.wait_for_ack(envelope)

    refused = submit()
    assert refused is not None and refused.payload is not None
    assert refused.payload["response_action"] == "errors"
    assert list(refused.payload["errors"]) == ["time"]
    assert socket_bot.nudges() == []

    state["time"] = {"value": {"selected_time": "14:00"}}
    saved = submit()

    assert saved is not None and saved.payload is None, "an empty acknowledgement closes the form"
    with socket_bot.runtime.store.transaction(Person(TEAM, "U1")) as book:
        (interview,) = book.interviews()
    assert (interview.company, interview.role) == ("Acme", "Staff Engineer")


def test_a_retried_event_is_acknowledged_and_handled_once(
    socket_bot: SocketBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.middleware")
    first = socket_bot.dm("list", event_id="EvRetried")
    assert socket_bot.slack.wait_for_ack(first) is not None
    assert socket_bot.standin.wait_for(lambda s: len(s.messages("DU1")) == 1)

    retry = socket_bot.dm("list", event_id="EvRetried", retry=1)

    assert socket_bot.slack.wait_for_ack(retry) is not None, "a retry is acknowledged too"
    assert "Event EvRetried was already handled" in caplog.text
    socket_bot.dm("help", event_id="EvAfter")
    assert socket_bot.standin.wait_for(lambda s: len(s.messages("DU1")) >= 2)
    replies = socket_bot.replies()
    assert len(replies) == 2, "one answer for the event and its retry, one for the next"
    assert "done 2" in json.dumps(replies[1].blocks)


def test_a_dropped_connection_is_reopened_and_commands_are_answered_after(
    socket_bot: SocketBot,
) -> None:
    socket_bot.slack.drop()

    assert socket_bot.slack.wait_connected(count=2, timeout=10), "no new connection"
    assert socket_bot.slack.opened == 2, "a new address was asked for"
    assert len(socket_bot.standin.calls_to("apps.connections.open")) == 2
    ack, reply = socket_bot.command("help")
    assert ack.link == 2
    assert "/interview add" in _text(reply)


@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_a_disconnect_message_moves_the_bot_to_a_new_connection(
    socket_bot: SocketBot, reason: str
) -> None:
    old = socket_bot.slack.disconnect(reason)

    assert socket_bot.slack.wait_connected(count=2, timeout=5), "no new connection"
    assert socket_bot.slack.opened == 2
    began = time.monotonic()
    ack, reply = socket_bot.command("help")
    assert time.monotonic() - began < 1.5, "acknowledged well within Slack's 3 seconds"
    assert ack.link == 2
    assert "/interview add" in _text(reply)
    assert socket_bot.slack.wait_for(lambda s: s.links()[old.number - 1].closed, timeout=5), (
        "the old connection is let go"
    )


def test_a_wrong_app_token_stops_start_up_with_a_clear_message(
    tmp_path: Path, standin: SlackStandIn, slack: SocketModeStandIn, clock: ManualClock
) -> None:
    wrong = "xapp-1-A0001-not-this-apps-token"
    runtime = open_coach(_settings(standin.base_url, tmp_path, app_token=wrong), clock)
    try:
        link = runtime.socket_mode(ping_interval=PING)
        with pytest.raises(SocketModeRefused) as refused:
            link.start()
    finally:
        runtime.close()

    message = str(refused.value)
    assert "SLACK_APP_TOKEN" in message
    assert "invalid_auth" in message
    assert "connections:write" in message
    assert wrong not in message
    assert not link.connected
    assert slack.links() == []


def test_an_unreachable_slack_stops_start_up_saying_where_it_looked(
    tmp_path: Path, clock: ManualClock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    api_url = f"http://127.0.0.1:{closed_port}/api/"
    runtime = open_coach(_settings(api_url, tmp_path), clock)
    try:
        with pytest.raises(SocketModeRefused) as refused:
            runtime.socket_mode(ping_interval=PING).start()
    finally:
        runtime.close()

    assert f"Could not reach Slack at {api_url}" in str(refused.value)
    assert APP_TOKEN not in str(refused.value)


# -- the stand-in's Socket Mode side itself ----------------------------------------------------


def test_the_stand_in_hands_out_addresses_only_for_an_app_token(
    standin: SlackStandIn, slack: SocketModeStandIn
) -> None:
    def open_with(token: str | None) -> str:
        client = WebClient(token=token, base_url=standin.base_url, timeout=5)
        try:
            return client.api_call("apps.connections.open", http_verb="POST")["url"]
        except SlackApiError as refused:
            return str(refused.response["error"])

    assert open_with(None) == "not_authed"
    assert open_with("xoxb-test") == "invalid_auth"
    assert open_with("xapp-1-someone-else") == "invalid_auth"
    url = open_with(APP_TOKEN)
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url
    assert slack.opened == 1


def test_a_ticket_opens_one_connection_which_is_greeted_and_its_acks_recorded(
    standin: SlackStandIn, slack: SocketModeStandIn
) -> None:
    url = WebClient(base_url=standin.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]

    with connect(url, open_timeout=5) as app:
        hello = json.loads(app.recv(timeout=5))
        envelope = slack.push("events_api", {"event_id": "Ev1"}, retry_attempt=2)
        pushed = json.loads(app.recv(timeout=5))
        app.send(json.dumps({"envelope_id": envelope, "payload": {"text": "ok"}}))
        ack = slack.wait_for_ack(envelope)
        with pytest.raises(InvalidStatus):
            connect(url, open_timeout=5).close()

    assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == "A0001"
    assert pushed == {
        "envelope_id": envelope,
        "payload": {"event_id": "Ev1"},
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 2,
        "retry_reason": "",
    }
    assert ack == Acknowledgement(envelope, {"text": "ok"}, 1)
    assert slack.wait_for(lambda s: s.links()[0].closed)


# -- `interview-coach serve` in Socket Mode --------------------------------------------------------


def _serve(tmp_path: Path, standin: SlackStandIn, app_token: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        COACH_DB_PATH=str(tmp_path / "data"),
        SLACK_BOT_TOKEN="xoxb-1-serve",
        SLACK_APP_TOKEN=app_token,
        SLACK_API_URL=standin.base_url,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def _finish(server: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()


def test_serve_connects_in_socket_mode_answers_and_stops_on_sigterm(
    tmp_path: Path, standin: SlackStandIn, slack: SocketModeStandIn
) -> None:
    server = _serve(tmp_path, standin, APP_TOKEN)
    try:
        deadline = time.monotonic() + 30
        while not slack.wait_connected(timeout=0.5):
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "serve never connected"
        envelope = slack.slash_command(
            text="help",
            user_id="U1",
            team_id=TEAM,
            channel_id="C1",
            response_url=standin.response_url("serve"),
        )
        ack = slack.wait_for_ack(envelope, timeout=10)
        server.send_signal(signal.SIGTERM)
    finally:
        out, err = _finish(server)

    assert ack is not None and "/interview add" in json.dumps(ack.payload)
    assert server.returncode == 0, err
    assert APP_TOKEN not in out + err


def test_serve_with_a_wrong_app_token_says_so_and_exits(
    tmp_path: Path, standin: SlackStandIn, slack: SocketModeStandIn
) -> None:
    server = _serve(tmp_path, standin, "xapp-1-wrong-token")
    _, err = _finish(server)

    assert server.returncode == 2
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in err
    assert "xapp-1-wrong-token" not in err
    assert slack.links() == []


def test_a_malformed_envelope_is_acknowledged_empty_and_never_reaches_a_listener(
    socket_bot: SocketBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The Socket Mode door checks shape as the HTTP front does: a click whose user is no
    object would otherwise fail inside Bolt's own middleware."""
    caplog.set_level(logging.WARNING, logger="bot.runtime")
    envelope = socket_bot.slack.push(
        "interactive",
        {"type": "block_actions", "user": "U1", "team": {"id": TEAM}, "actions": []},
        accepts_response_payload=True,
    )

    ack = socket_bot.slack.wait_for_ack(envelope)

    assert ack is not None and ack.payload is None
    assert "Refused a malformed Socket Mode envelope" in caplog.text
    assert "Unhandled error" not in caplog.text
    socket_bot.dm("help", event_id="EvAfterMalformed")
    assert socket_bot.standin.wait_for(lambda s: len(s.messages("DU1")) >= 1), "still serving"
