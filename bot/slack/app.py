"""Building the Bolt app: the coach's services, its listeners and one error handler."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient

from bot.clock import Clock
from bot.coach.capture import CalendarWatch
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.coach.workspaces import Workspaces
from bot.domain.draft_check import DraftChecker
from bot.domain.drafts import DraftBook
from bot.domain.interview import Person
from bot.domain.reply_words import ReplyWords
from bot.slack.listeners import (
    actions,
    capture,
    commands,
    events,
    home,
    replies,
    views,
    workspaces,
)
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
    #: The words of replies in the DM (`rules/replies.yml`).
    replies: ReplyWords
    #: Installs and departures; None with a single workspace's token from the settings.
    workspaces: Workspaces | None = None
    #: The people's calendar feeds (`/interview calendar <address>`).
    watch: CalendarWatch | None = None


#: How long an event id is remembered: Slack's last retry comes about 5 minutes after the first.
EVENT_KEEP = timedelta(hours=1)
#: The flood gate's window: a person may make `flood_limit` requests in it.
FLOOD_WINDOW = timedelta(seconds=10)


def _first_time(services: Services, event_id: str) -> bool:
    """Asked of the store, so every replica agrees; when it cannot answer, handle the event
    (a rare repeat is better than a lost message)."""
    try:
        return services.coach.store.first_time(event_id, services.clock.now(), keep=EVENT_KEEP)
    except StoreError as error:
        LOGGER.warning("Could not check whether event %s is a repeat: %s", event_id, error)
        return True


def _admitted(services: Services, person: Person, limit: int) -> bool:
    """The flood gate, counted in the store across replicas; it opens when the store fails."""
    try:
        return services.coach.store.allow_request(
            person, services.clock.now(), limit=limit, window=FLOOD_WINDOW
        )
    except StoreError as error:
        LOGGER.warning("Could not count the requests of %s: %s", person.user_id, error)
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
        if who is not None and flood_limit and not _admitted(services, who, flood_limit):
            LOGGER.warning("Slowing down %s: too many requests", who.user_id)
            reply = json.dumps(SLOW_DOWN) if "command" in body else ""
            return BoltResponse(
                status=200, body=reply, headers={"content-type": "application/json"}
            )
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not _first_time(services, event_id):
            LOGGER.info("Event %s was already handled; ignoring the repeat", event_id)
            return BoltResponse(status=200, body="")
        if who is not None and _from_a_person(body):
            _welcome(services, who)
        context["services"] = services
        next()
        return None

    commands.register(app)
    actions.register(app)
    capture.register(app)  # before `events`: an .ics shared in the DM is a message event too
    events.register(app)
    replies.register(app)
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
