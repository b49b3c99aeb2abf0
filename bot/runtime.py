"""Putting the coach together from settings, and taking it apart again cleanly."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.clock import Clock
from bot.coach.calendar_watch import CalendarWatch
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.coach.workspaces import Workspaces
from bot.config import Settings
from bot.domain.draft_check import DraftChecker
from bot.domain.drafts import load_drafts
from bot.domain.interview import Person
from bot.domain.parsing import warm_up
from bot.domain.playbook import load_playbook
from bot.domain.reply_words import english_words, load_reply_words
from bot.feeds.fetch import FeedFetcher, FetchPolicy
from bot.feeds.sealing import Sealer
from bot.scheduler import NudgeScheduler
from bot.slack.app import build_app
from bot.slack.feed_news import FeedRound
from bot.slack.http import CoachServer
from bot.slack.installations import oauth_flow
from bot.slack.messenger import InstalledClients, SlackMessenger, make_client
from bot.slack.payloads import shape_problem
from bot.slack.services import Services
from bot.slack.surfaces import Surfaces
from bot.storage.protocol import Store
from bot.storage.tinydb_store import TinyStore

LOGGER = logging.getLogger(__name__)

#: Seconds between the Socket Mode client's pings; a connection that answers none for four of
#: them is taken for dead and replaced.
PING_INTERVAL = 10.0
#: Seconds the old connection's reader waits per receive once Slack asked for a new connection.
REFRESH_POLL = 0.05


def _one_workspace(client: WebClient) -> Callable[[str], WebClient]:
    """The client of the one workspace a bot token from the settings serves, whatever team."""

    def clients(_team: str) -> WebClient:
        return client

    return clients


class _CheckedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler behind the same shape check as the HTTP front: an envelope
    whose payload lacks what its kind must carry is acknowledged empty and never dispatched."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        payload = req.payload
        problem = shape_problem(payload) if isinstance(payload, dict) else "not an object"
        if problem is not None:
            LOGGER.warning("Refused a malformed Socket Mode envelope: %s", problem)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)


class SocketModeRefused(RuntimeError):
    """Slack would not open a Socket Mode connection, said in words a person can act on."""


class SocketModeLink:
    """The coach's Socket Mode connection: Slack sends commands, clicks and events down it.

    Bolt's handler acknowledges each envelope with what the listener acknowledged, and
    slack-sdk's client reconnects by itself when Slack asks it to or the connection dies.
    There are no HTTP requests to sign, so nothing checks signatures in this mode.
    """

    def __init__(self, app: App, settings: Settings, *, ping_interval: float) -> None:
        if not settings.app_token:
            raise SocketModeRefused("Socket Mode needs SLACK_APP_TOKEN, an app-level token.")
        self._api_url = settings.api_url
        self._handler = _CheckedSocketModeHandler(
            app,
            settings.app_token,
            web_client=make_client("", settings.api_url, retries=False),
            ping_interval=ping_interval,
        )
        self._handler.client.on_message_listeners.append(self._hurry_refresh)
        self._closed = False

    @property
    def connected(self) -> bool:
        """Whether a connection is open now; between a drop and the reconnect it is not."""
        return self._handler.client.is_connected()

    def start(self) -> None:
        """Ask Slack for a connection address and connect; a refused token stops start-up."""
        try:
            self._handler.connect()  # type: ignore[no-untyped-call]
        except SlackApiError as refused:
            self.close()
            error = refused.response.get("error", "unknown_error")
            raise SocketModeRefused(
                f"Slack refused SLACK_APP_TOKEN ({error}) when asked for a Socket Mode "
                "connection. Use this app's app-level token (xapp-…) with the connections:write "
                "scope, from Basic Information → App-Level Tokens."
            ) from None
        except (SlackClientError, OSError) as unreachable:
            self.close()
            raise SocketModeRefused(
                f"Could not reach Slack at {self._api_url} to open a Socket Mode connection: "
                f"{unreachable}"
            ) from None
        if self.connected:
            LOGGER.info("Connected to Slack in Socket Mode")
        else:
            LOGGER.warning("The Socket Mode connection did not open yet; trying again shortly")

    def _hurry_refresh(self, message: str) -> None:
        """Slack asked for a new connection: make the old one's reader wake often.

        The client opens the new connection at once, but reads it only after closing the old
        one, which waits for the old reader's receive to time out (3 s): envelopes sent on the
        new connection meanwhile would be acknowledged at Slack's 3-second limit. Called in
        that reader's own thread, between two receives, so the next one already times out
        sooner; envelopes still sent on the old connection are read as before.
        """
        if '"disconnect"' not in message:
            return
        try:
            kind = json.loads(message).get("type")
        except (ValueError, AttributeError):
            return
        session = self._handler.client.current_session
        if kind == "disconnect" and session is not None and session.sock is not None:
            with contextlib.suppress(OSError):
                session.sock.settimeout(REFRESH_POLL)

    def close(self) -> None:
        """Disconnect and stop the client's threads; envelopes under way are finished first."""
        if self._closed:
            return
        self._closed = True
        self._handler.client.auto_reconnect_enabled = False
        session = self._handler.client.current_session
        if session is not None and session.sock is not None:
            # The client's reader holds the socket in a receive that times out only after 3 s;
            # shutting the socket down ends that receive now, so closing takes no wait.
            with contextlib.suppress(OSError):
                session.sock.shutdown(socket.SHUT_RDWR)
        self._handler.close()  # type: ignore[no-untyped-call]


@dataclass
class CoachRuntime:
    """A running coach: its store, app, scheduler and its HTTP server or Socket Mode link."""

    settings: Settings
    store: Store
    services: Services
    app: App
    scheduler: NudgeScheduler
    server: CoachServer | None = None
    link: SocketModeLink | None = None
    _serving: threading.Thread | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        if self.server is None:
            raise RuntimeError("this coach serves no HTTP")
        return self.server.url

    def serve_http(self, host: str = "0.0.0.0") -> CoachServer:
        """Start the HTTP server (waitress) in the background; /healthz answers once ready."""
        self.server = CoachServer(
            (host, self.settings.port),
            self.app,
            self.settings.signing_secret,
            store_ready=self.store.ready,
        )
        self._serving = threading.Thread(
            target=self.server.serve_forever, name="coach-http", daemon=True
        )
        self._serving.start()
        self.server.ready.set()
        LOGGER.info("Listening on %s/slack/events", self.server.url)
        if self.settings.mode == "oauth":
            LOGGER.info("Add to Slack: %s/slack/install", self.server.url)
        return self.server

    def socket_mode(self, *, ping_interval: float = PING_INTERVAL) -> SocketModeLink:
        """The Socket Mode link (not yet started), through the Web API at SLACK_API_URL;
        closing the coach closes it."""
        self.link = SocketModeLink(self.app, self.settings, ping_interval=ping_interval)
        return self.link

    def close(self) -> None:
        """Stop taking requests, let the scheduler finish its pass, release the store."""
        if self._closed:
            return
        self._closed = True
        if self.link is not None:
            self.link.close()
        if self.server is not None:
            self.server.ready.clear()
            self.server.shutdown()
        self.scheduler.stop()
        if self.services.watch is not None:
            self.services.watch.fetcher.close()
        self.services.delivery.close()
        self.store.close()


def open_coach(settings: Settings, clock: Clock, *, sweep: timedelta | None = None) -> CoachRuntime:
    """Check the playbook and open the store before anything talks to Slack.

    A broken playbook or a store in use by another process stops start-up right here. With
    the app's OAuth credentials (mode "oauth") every Web API call uses the token of the
    workspace it is for: listeners get it from Bolt's authorization of each request, and
    delivery and redraws look it up in the workspace's installation.
    """
    playbook = load_playbook(settings.rules_path)
    rules_folder = (
        settings.rules_path.parent if settings.rules_path.is_file() else settings.rules_path
    )
    drafts = load_drafts(rules_folder)
    replies = load_reply_words(rules_folder)
    store = open_store(settings)
    try:
        warm_up()
        english_words()  # the word list replies are read with, loaded before the first DM
        coach = Coach(store, playbook, clock)
        proofread = playbook.proofread
        many = settings.mode == "oauth"
        timeout = settings.slack_timeout
        if many:
            # Bolt gives each request a client of its own with the workspace's token; this
            # one has none, and lends Bolt its base URL and retry handlers.
            listener_client = make_client(None, settings.api_url, timeout=timeout)
            listener_clients: Callable[[str], WebClient] = InstalledClients(
                _token_finder(store), settings.api_url, timeout=timeout
            )
            delivery_clients: Callable[[str], WebClient] = InstalledClients(
                _token_finder(store), settings.api_url, retries=False, timeout=timeout
            )
        else:
            token = settings.bot_token or ""
            listener_client = make_client(token, settings.api_url, timeout=timeout)
            delivery_client = make_client(token, settings.api_url, retries=False, timeout=timeout)

            listener_clients = _one_workspace(listener_client)
            delivery_clients = _one_workspace(delivery_client)

        delivery = Delivery(
            store,
            playbook,
            clock,
            SlackMessenger(delivery_clients, proofread=proofread),
            lease=timedelta(seconds=settings.lease_seconds),
            post_timeout=timedelta(seconds=timeout),
            before_post=_stop_before_post(settings.stop_before_post),
        )
        surfaces = Surfaces(coach, SlackMessenger(listener_clients, proofread=proofread))
        workspaces = (
            Workspaces(store, clock, delivery, grace=timedelta(days=settings.uninstall_grace_days))
            if many
            else None
        )
        watch = CalendarWatch(
            coach,
            FeedFetcher(FetchPolicy.allowing(*settings.feed_networks)),
            sealer=Sealer(settings.feed_key) if settings.feed_key else None,
        )
        services = Services(
            watch=watch,
            coach=coach,
            delivery=delivery,
            surfaces=surfaces,
            clock=clock,
            drafts=drafts,
            checker=DraftChecker(drafts.known_words),
            replies=replies,
            workspaces=workspaces,
        )
        signing = settings.signing_secret if settings.mode != "socket" else None
        oauth = None
        if workspaces is not None:
            oauth = oauth_flow(
                store=store,
                clock=clock,
                api_url=settings.api_url,
                client_id=settings.client_id or "",
                client_secret=settings.client_secret or "",
                scopes=settings.scopes,
                redirect_uri=settings.redirect_uri,
                on_installed=workspaces.installed,
            )
        app = build_app(
            client=listener_client,
            signing_secret=signing,
            services=services,
            flood_limit=settings.flood_limit,
            oauth_flow=oauth,
        )
        scheduler = NudgeScheduler(
            delivery,
            store,
            clock,
            sweep=sweep or timedelta(seconds=30),
            forget_departed=workspaces.forget_due if workspaces is not None else None,
            poll_feeds=FeedRound(watch, surfaces) if watch.sealer is not None else None,
        )
        scheduler.start()
    except BaseException:
        store.close()
        raise
    return CoachRuntime(settings, store, services, app, scheduler)


def _stop_before_post(users: frozenset[str]) -> Callable[[Person], None] | None:
    """For fault tests (COACH_FAULT_STOP_BEFORE_POST): the whole process stops itself between
    delivery's last check and its first post to each of these people, as a long pause would
    stop it there; it goes on when it is sent SIGCONT."""
    if not users:
        return None

    stopped: set[Person] = set()

    def stop(person: Person) -> None:
        if person in stopped or not ("*" in users or person.user_id in users):
            return
        stopped.add(person)
        LOGGER.warning("Stopping before the post to %s, as asked", person.user_id)
        os.kill(os.getpid(), signal.SIGSTOP)

    return stop


def _token_finder(store: Store) -> Callable[[str], str | None]:
    """The bot token of a workspace's installation, looked up at each call."""

    def token_of(team_id: str) -> str | None:
        installation = store.find_installation(team_id)
        return installation.bot_token if installation is not None else None

    return token_of


def open_store(settings: Settings) -> Store:
    """The store the settings name: PostgreSQL (shared by replicas) when COACH_DATABASE_URL is
    set, else the embedded TinyDB one under COACH_DB_PATH.

    An unreachable database stops start-up with a StoreError naming the server, never the
    password.
    """
    if settings.database_url:
        from bot.storage.postgres_schema import where
        from bot.storage.postgres_store import PostgresStore
        from bot.storage.postgres_waits import Waits

        waits = Waits(
            lock=settings.db_lock_timeout,
            statement=settings.db_statement_timeout,
            idle_in_transaction=settings.db_idle_timeout,
            pool=settings.db_pool_timeout,
            per_person=settings.db_person_connections,
        )
        store = PostgresStore(settings.database_url, waits=waits)
        LOGGER.info("Store: PostgreSQL at %s", where(settings.database_url))
        return store
    return TinyStore(settings.db_path)
