"""Putting the coach together from settings, and taking it apart again cleanly."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from slack_bolt import App

from bot.clock import Clock
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.config import Settings
from bot.domain.draft_check import DraftChecker
from bot.domain.drafts import load_drafts
from bot.domain.parsing import warm_up
from bot.domain.playbook import load_playbook
from bot.scheduler import NudgeScheduler
from bot.slack.app import Services, build_app
from bot.slack.http import CoachServer
from bot.slack.messenger import SlackMessenger, make_client
from bot.slack.surfaces import Surfaces
from bot.storage.protocol import Store
from bot.storage.tinydb_store import TinyStore

LOGGER = logging.getLogger(__name__)


@dataclass
class CoachRuntime:
    """A running coach: its store, app, scheduler and (in HTTP mode) its server."""

    settings: Settings
    store: Store
    services: Services
    app: App
    scheduler: NudgeScheduler
    server: CoachServer | None = None
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
            (host, self.settings.port), self.app, self.settings.signing_secret
        )
        self._serving = threading.Thread(
            target=self.server.serve_forever, name="coach-http", daemon=True
        )
        self._serving.start()
        self.server.ready.set()
        LOGGER.info("Listening on %s/slack/events", self.server.url)
        return self.server

    def close(self) -> None:
        """Stop taking requests, let the scheduler finish its pass, release the store."""
        if self._closed:
            return
        self._closed = True
        if self.server is not None:
            self.server.ready.clear()
            self.server.shutdown()
        self.scheduler.stop()
        self.services.delivery.close()
        self.store.close()


def open_coach(settings: Settings, clock: Clock, *, sweep: timedelta | None = None) -> CoachRuntime:
    """Check the playbook and open the store before anything talks to Slack.

    A broken playbook or a store in use by another process stops start-up right here.
    """
    playbook = load_playbook(settings.rules_path)
    drafts = load_drafts(
        settings.rules_path.parent if settings.rules_path.is_file() else settings.rules_path
    )
    store = open_store(settings)
    try:
        warm_up()
        coach = Coach(store, playbook, clock)
        listener_client = make_client(settings.bot_token or "", settings.api_url)
        delivery_client = make_client(settings.bot_token or "", settings.api_url, retries=False)
        proofread = playbook.proofread
        delivery = Delivery(
            store,
            playbook,
            clock,
            SlackMessenger(lambda _team: delivery_client, proofread=proofread),
        )
        surfaces = Surfaces(
            coach, SlackMessenger(lambda _team: listener_client, proofread=proofread)
        )
        services = Services(
            coach=coach,
            delivery=delivery,
            surfaces=surfaces,
            clock=clock,
            drafts=drafts,
            checker=DraftChecker(drafts.known_words),
        )
        signing = settings.signing_secret if settings.mode != "socket" else None
        app = build_app(
            client=listener_client,
            signing_secret=signing,
            services=services,
            flood_limit=settings.flood_limit,
        )
        scheduler = NudgeScheduler(delivery, store, clock, sweep=sweep or timedelta(seconds=30))
        scheduler.start()
    except BaseException:
        store.close()
        raise
    return CoachRuntime(settings, store, services, app, scheduler)


def open_store(settings: Settings) -> Store:
    """The store the settings name: PostgreSQL (shared by replicas) when COACH_DATABASE_URL is
    set, else the embedded TinyDB one under COACH_DB_PATH.

    An unreachable database stops start-up with a StoreError naming the server, never the
    password.
    """
    if settings.database_url:
        from bot.storage.postgres_schema import where
        from bot.storage.postgres_store import PostgresStore

        store = PostgresStore(settings.database_url)
        LOGGER.info("Store: PostgreSQL at %s", where(settings.database_url))
        return store
    return TinyStore(settings.db_path)
