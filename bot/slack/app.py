"""Building the Bolt app: the coach's services, its listeners and one error handler."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient

from bot.clock import Clock
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.coach.workspaces import Workspaces
from bot.domain.draft_check import DraftChecker
from bot.domain.drafts import DraftBook
from bot.domain.interview import Person
from bot.slack.listeners import actions, commands, events, home, views, workspaces
from bot.slack.payloads import person_of, shape_problem
from bot.slack.surfaces import Surfaces
from bot.storage.protocol import StoreError

LOGGER = logging.getLogger(__name__)


@dataclass
class Services:
    """What listeners need, handed to them through Bolt's context."""

    coach: Coach
    delivery: Delivery
    surfaces: Surfaces
    clock: Clock
    drafts: DraftBook
    checker: DraftChecker
    #: Installs and departures; None with a single workspace's token from the settings.
    workspaces: Workspaces | None = None


class EventLedger:
    """Remembers recent event ids, because Slack re-delivers events it thinks were missed.

    Retries are not simply dropped: the first delivery may never have arrived.
    """

    def __init__(self, ttl_seconds: float = 3600, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._ttl = ttl_seconds
        self._limit = limit
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (
                len(self._seen) > self._limit or next(iter(self._seen.values())) < now - self._ttl
            ):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


class FloodGate:
    """Slows a person who sends a flood of requests, so they cannot starve everyone else."""

    def __init__(self, limit: int = 30, per_seconds: float = 10.0) -> None:
        self._limit = limit
        self._window = per_seconds
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: tuple[str, str]) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._recent) > 50_000:
                self._recent.clear()
            recent = self._recent.setdefault(who, deque())
            while recent and recent[0] < now - self._window:
                recent.popleft()
            if len(recent) >= self._limit:
                return False
            recent.append(now)
            return True


SLOW_DOWN = {
    "response_type": "ephemeral",
    "text": "You're going faster than I can keep up with. Give me a few seconds, then try again.",
}


def _from_a_person(body: dict[str, Any]) -> bool:
    """A command, a click, a form, or a person's own words or visit (not a bot's post)."""
    event = body.get("event")
    if isinstance(event, dict):
        return not event.get("bot_id") and not event.get("subtype")
    return True


def _welcome(services: Services, person: Person) -> None:
    """Someone used the coach: resume a delivery Slack had parked, and say what the store owes
    them (their data had to be set aside) once, in the DM, without delaying the answer."""
    try:
        services.coach.welcome_back(person)
        notice = services.coach.store.take_notice(person)
    except StoreError as error:
        LOGGER.error("Could not read the state of %s: %s", person.user_id, error)
        return
    if notice:
        threading.Thread(
            target=services.surfaces.tell, args=(person, notice), name="notice", daemon=True
        ).start()


def build_app(
    *,
    client: WebClient,
    signing_secret: str | None,
    services: Services,
    flood_limit: int = 30,
    oauth_flow: OAuthFlow | None = None,
) -> App:
    """The real Bolt app; request signatures are verified whenever a signing secret is set.

    With `oauth_flow` the app serves Bolt's install flow and authorizes each request with
    the bot token of the workspace it comes from (`context.client`); without, `client`'s one
    token serves the one workspace.
    """
    app = App(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
        token_verification_enabled=False,
        oauth_flow=oauth_flow,
    )
    ledger = EventLedger()
    gate = FloodGate(limit=flood_limit) if flood_limit else None

    @app.middleware
    def provide_services(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        """Refuse malformed requests, slow floods, skip repeated events; then hand over."""
        problem = shape_problem(body)
        if problem is not None:
            LOGGER.warning("Refused a malformed request: %s", problem)
            return BoltResponse(status=400, body="malformed request")
        who = person_of(body)
        if who is not None and gate is not None and not gate.allow(who):
            LOGGER.warning("Slowing down %s: too many requests", who[1])
            reply = json.dumps(SLOW_DOWN) if "command" in body else ""
            return BoltResponse(
                status=200, body=reply, headers={"content-type": "application/json"}
            )
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not ledger.first_time(event_id):
            LOGGER.info("Event %s was already handled; ignoring the repeat", event_id)
            return BoltResponse(status=200, body="")
        if who is not None and _from_a_person(body):
            _welcome(services, Person(*who))
        context["services"] = services
        next()
        return None

    commands.register(app)
    actions.register(app)
    events.register(app)
    home.register(app)
    views.register(app)
    workspaces.register(app)

    @app.error
    def report_error(error: Exception, body: dict[str, Any]) -> None:
        LOGGER.error(
            "Unhandled error for a %s request",
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    return app
