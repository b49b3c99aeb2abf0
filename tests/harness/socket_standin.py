"""Slack's Socket Mode side of the stand-in: WebSocket connections that envelopes are pushed down.

Attached to a `SlackStandIn`, it answers `apps.connections.open` (with an app-level token) with a
`ws://` address on loopback, greets each connection with `hello` as Slack does, pushes envelopes
a test builds, records each acknowledgement, and drops connections or asks for a refresh so that
reconnection can be checked.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from bot.local.signer import (
    DEFAULT_API_APP_ID,
    app_home_opened_payload,
    block_action_payload,
    message_event_payload,
    slash_command_fields,
    view_submission_payload,
)
from bot.local.standin import SlackStandIn

LOGGER = logging.getLogger(__name__)

APP_TOKEN = "xapp-1-A0001-1700000000000-standin"
#: What Slack says when it asks for a new connection: soon (`warning`) or now.
DISCONNECT_REASONS = frozenset({"warning", "refresh_requested", "link_disabled"})


@dataclass(frozen=True)
class Acknowledgement:
    """What the app sent back for one envelope: its id and, for commands and forms, a reply."""

    envelope_id: str
    payload: dict[str, Any] | None
    link: int


@dataclass
class Link:
    """One WebSocket connection an app opened with a ticket from apps.connections.open."""

    number: int
    ticket: str
    connection: ServerConnection = field(repr=False)
    greeted: bool = False
    closed: bool = False


class SocketModeStandIn:
    """The Socket Mode side of a running `SlackStandIn`, on a loopback port of its own."""

    def __init__(
        self,
        standin: SlackStandIn,
        *,
        app_tokens: Iterable[str] = (APP_TOKEN,),
        app_id: str = DEFAULT_API_APP_ID,
        host: str = "127.0.0.1",
    ) -> None:
        self._standin = standin
        self._app_tokens = frozenset(app_tokens)
        self._app_id = app_id
        self._host = host
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._admitted: dict[ServerConnection, str] = {}
        self._links: list[Link] = []
        self._acks: list[Acknowledgement] = []
        self._opened = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SocketModeStandIn:
        """Listen on loopback and let the Web API stand-in hand out addresses to it."""
        if self._server is not None:
            return self
        self._server = serve(
            self._serve_link,
            self._host,
            0,
            process_request=self._admit,
            compression=None,
            ping_interval=None,
            close_timeout=1,
            logger=LOGGER,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="socket-mode-standin", daemon=True
        )
        self._thread.start()
        self._standin.answer("apps.connections.open", self._connections_open)
        return self

    def stop(self) -> None:
        """Cut every connection and stop listening."""
        server, thread = self._server, self._thread
        if server is None:
            return
        for link in self.links():
            if not link.closed:
                self._cut(link)
        server.shutdown()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SocketModeStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("the Socket Mode stand-in is not started")
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}"

    # -- what happened ---------------------------------------------------------------------

    @property
    def opened(self) -> int:
        """How many times apps.connections.open handed out an address."""
        with self._cond:
            return self._opened

    def links(self) -> list[Link]:
        """Every connection so far, oldest first."""
        with self._cond:
            return list(self._links)

    def acks(self, envelope_id: str | None = None) -> list[Acknowledgement]:
        """Acknowledgements received, in order; those of one envelope when given."""
        with self._cond:
            return [a for a in self._acks if envelope_id in (None, a.envelope_id)]

    def wait_for(
        self, predicate: Callable[[SocketModeStandIn], bool], timeout: float = 5.0
    ) -> bool:
        """Block until `predicate` holds, re-checking whenever a connection or an ack changes."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
            return True

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Acknowledgement | None:
        """The acknowledgement of one envelope, or None if none came in time."""
        if not self.wait_for(lambda s: bool(s.acks(envelope_id)), timeout):
            return None
        return self.acks(envelope_id)[0]

    def wait_connected(self, count: int = 1, timeout: float = 5.0) -> bool:
        """True once `count` connections were greeted and the newest is still open."""

        def ready(side: SocketModeStandIn) -> bool:
            links = side.links()
            return len(links) >= count and links[-1].greeted and not links[-1].closed

        return self.wait_for(ready, timeout)

    # -- pushing envelopes -----------------------------------------------------------------

    def push(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send one envelope down the newest open connection, as Slack does; its id."""
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id or secrets.token_hex(8),
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self._send(envelope, timeout)
        return str(envelope["envelope_id"])

    def slash_command(self, **fields: Any) -> str:
        """A slash command; takes slash_command_fields' arguments. Its ack may carry the reply."""
        return self.push(
            "slash_commands", slash_command_fields(**fields), accepts_response_payload=True
        )

    def block_action(self, **fields: Any) -> str:
        """A click or a menu choice; takes block_action_payload's arguments."""
        return self.push("interactive", block_action_payload(**fields))

    def view_submission(self, **fields: Any) -> str:
        """A form submitted; takes view_submission_payload's arguments."""
        return self.push(
            "interactive", view_submission_payload(**fields), accepts_response_payload=True
        )

    def message(self, *, retry_attempt: int = 0, retry_reason: str = "", **fields: Any) -> str:
        """A DM to the bot; takes message_event_payload's arguments. A retry keeps its event_id."""
        return self.push(
            "events_api",
            message_event_payload(**fields),
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def app_home_opened(self, **fields: Any) -> str:
        """The Home tab opened; takes app_home_opened_payload's arguments."""
        return self.push("events_api", app_home_opened_payload(**fields))

    # -- connection trouble ----------------------------------------------------------------

    def disconnect(self, reason: str = "refresh_requested") -> Link:
        """Ask the app to reconnect, as Slack does before it refreshes a connection."""
        if reason not in DISCONNECT_REASONS:
            raise ValueError(f"Slack sends no disconnect with reason {reason!r}")
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "stand-in"}}
        return self._send(message, timeout=5.0)

    def drop(self) -> Link:
        """Cut the newest open connection without a word, as a failing network does."""
        link = self._newest_open(timeout=5.0)
        self._cut(link)
        return link

    # -- internals -------------------------------------------------------------------------

    def _connections_open(self, token: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """apps.connections.open: an address with a single-use ticket, for an app-level token."""
        if self._server is None:
            return {"ok": False, "error": "service_unavailable"}
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if token not in self._app_tokens:
            return {"ok": False, "error": "invalid_auth"}
        ticket = secrets.token_hex(16)
        with self._cond:
            self._tickets.add(ticket)
            self._opened += 1
            self._cond.notify_all()
        return {"ok": True, "url": f"{self._origin}/link/?ticket={ticket}&app_id={self._app_id}"}

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Only a ticket handed out and not used yet opens a connection."""
        url = urlsplit(request.path)
        ticket = (parse_qs(url.query).get("ticket") or [""])[0]
        with self._cond:
            known = url.path == "/link/" and ticket in self._tickets
            self._tickets.discard(ticket)
            if known:
                self._admitted[connection] = ticket
        if not known:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")
        return None

    def _serve_link(self, connection: ServerConnection) -> None:
        """Greet the app, then record what it sends until the connection ends."""
        with self._cond:
            link = Link(len(self._links) + 1, self._admitted.pop(connection), connection)
            self._links.append(link)
        hello = {
            "type": "hello",
            "num_connections": sum(not other.closed for other in self.links()),
            "debug_info": {"host": "stand-in", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self._app_id},
        }
        try:
            connection.send(json.dumps(hello))
            with self._cond:
                link.greeted = True
                self._cond.notify_all()
            for message in connection:
                self._record(link, message)
        except (ConnectionClosed, OSError):
            LOGGER.debug("Socket Mode connection %s ended", link.number)
        finally:
            with self._cond:
                link.closed = True
                self._cond.notify_all()

    def _record(self, link: Link, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            LOGGER.warning("Socket Mode connection %s sent something that is not JSON", link.number)
            return
        if not isinstance(data, dict) or not isinstance(data.get("envelope_id"), str):
            LOGGER.warning("Socket Mode connection %s sent no envelope_id", link.number)
            return
        payload = data.get("payload")
        ack = Acknowledgement(
            data["envelope_id"], payload if isinstance(payload, dict) else None, link.number
        )
        with self._cond:
            self._acks.append(ack)
            self._cond.notify_all()

    def _newest_open(self, timeout: float) -> Link:
        if not self.wait_connected(timeout=timeout):
            raise TimeoutError("no Socket Mode connection is open")
        return self.links()[-1]

    def _send(self, message: dict[str, Any], timeout: float) -> Link:
        link = self._newest_open(timeout)
        link.connection.send(json.dumps(message))
        return link

    @staticmethod
    def _cut(link: Link) -> None:
        """Reset the TCP connection: no close frame, no goodbye."""
        raw = link.connection.socket
        try:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            LOGGER.debug("Socket Mode connection %s was already gone", link.number)
