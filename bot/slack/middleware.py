"""Bolt middleware, one job each, run in this order before any listener.

What a request is allowed to be (signed, parsed, of the shape its kind needs) is settled at
its transport's door (`bot.slack.http` for HTTP, `bot.runtime.SocketModeLink` for Socket
Mode) before Bolt sees it; what is done here holds for both transports alike.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.domain.interview import Person
from bot.slack.listeners import STORE_BUSY
from bot.slack.payloads import person_of
from bot.slack.services import Services
from bot.storage.deadline import Deadline, waiting_until
from bot.storage.protocol import StoreBusy, StoreError

LOGGER = logging.getLogger(__name__)

Next = Callable[[], None]
Middleware = Callable[..., BoltResponse | None]

#: How long an event id is remembered: Slack's last retry comes about 5 minutes after the first.
EVENT_KEEP = timedelta(hours=1)
#: The flood gate's window: a person may make `flood_limit` requests in it.
FLOOD_WINDOW = timedelta(seconds=10)
#: Seconds a request may spend before it is answered: Slack gives up after 3, counted from
#: when it sent the request, so some is left for the way there and back.
ANSWER_WITHIN = 2.5

SLOW_DOWN = {
    "response_type": "ephemeral",
    "text": "You're going faster than I can keep up with. Give me a few seconds, then try again.",
}


def install(app: App, services: Services, *, flood_limit: int) -> None:
    """Register the middleware on `app`, in the order a request meets them."""
    app.middleware(keep_to_deadline)
    if flood_limit:
        app.middleware(slow_floods(services, flood_limit))
    app.middleware(skip_repeats(services))
    app.middleware(welcome_people(services))
    app.middleware(provide_services(services))


def keep_to_deadline(context: BoltContext, next: Next) -> None:
    """Give the request its deadline: every wait for the store, in the middleware below and in
    the listener, keeps to it until the request is acknowledged, since past it Slack tells the
    person the request failed. (Bolt runs each middleware after the previous one returned, so
    each sets it for its own store calls: `_keeping_to`.)"""
    ack = context.ack
    context["deadline"] = Deadline.within(
        ANSWER_WITHIN, lambda: ack is None or ack.response is not None
    )
    next()


def _keeping_to(context: BoltContext) -> AbstractContextManager[None]:
    return waiting_until(context.get("deadline"))


def slow_floods(services: Services, limit: int) -> Middleware:
    """One person's flood of requests is slowed, counted in the store across replicas."""

    def slow_floods(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse | None:
        who = person_of(body)
        with _keeping_to(context):
            admitted = who is None or _admitted(services, who, limit)
        if who is not None and not admitted:
            LOGGER.warning("Slowing down %s: too many requests", who.user_id)
            reply = json.dumps(SLOW_DOWN) if "command" in body else ""
            return BoltResponse(
                status=200, body=reply, headers={"content-type": "application/json"}
            )
        next()
        return None

    return slow_floods


def skip_repeats(services: Services) -> Middleware:
    """Slack retries an event it thinks was lost; each event id is handled once."""

    def skip_repeats(body: dict[str, Any], context: BoltContext, next: Next) -> BoltResponse | None:
        event_id = body.get("event_id")
        with _keeping_to(context):
            repeat = isinstance(event_id, str) and not _first_time(services, event_id)
        if repeat:
            LOGGER.info("Event %s was already handled; ignoring the repeat", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return skip_repeats


def welcome_people(services: Services) -> Middleware:
    """Someone used the coach: resume a delivery Slack had parked, and say what the store owes
    them (their data had to be set aside) once, in the DM, without delaying the answer."""

    def welcome_people(body: dict[str, Any], context: BoltContext, next: Next) -> None:
        who = person_of(body)
        with _keeping_to(context):
            held = who is not None and _from_a_person(body) and not _welcome(services, who)
        if held:
            # Their data stayed locked: the listener tells them the coach is busy, without
            # waiting for the lock a second time.
            context[STORE_BUSY] = True
        next()

    return welcome_people


def provide_services(services: Services) -> Middleware:
    """Listeners find the coach and its helpers in `context["services"]`."""

    def provide_services(context: BoltContext, next: Next) -> None:
        context["services"] = services
        next()

    return provide_services


def _first_time(services: Services, event_id: str) -> bool:
    """Asked of the store, so every replica agrees; when it cannot answer, handle the event
    (a rare repeat is better than a lost message)."""
    try:
        return services.coach.store.first_time(event_id, services.clock.now(), keep=EVENT_KEEP)
    except StoreError as error:
        LOGGER.warning("Could not check whether event %s is a repeat: %s", event_id, error)
        return True


def _admitted(services: Services, person: Person, limit: int) -> bool:
    """The flood gate opens when the store fails: refusing everyone would be worse."""
    try:
        return services.coach.store.allow_request(
            person, services.clock.now(), limit=limit, window=FLOOD_WINDOW
        )
    except StoreError as error:
        LOGGER.warning("Could not count the requests of %s: %s", person.user_id, error)
        return True


def _from_a_person(body: dict[str, Any]) -> bool:
    """A command, a click, a form, or a person's own words or visit (not a bot's post)."""
    event = body.get("event")
    if isinstance(event, dict):
        return not event.get("bot_id") and not event.get("subtype")
    return True


def _welcome(services: Services, person: Person) -> bool:
    """False when their data stayed locked: the request is then answered that the coach is
    busy, without waiting for the lock a second time."""
    try:
        services.coach.welcome_back(person)
        notice = services.coach.store.take_notice(person)
    except StoreBusy as error:
        LOGGER.warning("The data of %s is held elsewhere: %s", person.user_id, error)
        return False
    except StoreError as error:
        LOGGER.error("Could not read the state of %s: %s", person.user_id, error)
        return True
    if notice:
        threading.Thread(
            target=services.surfaces.tell, args=(person, notice), name="notice", daemon=True
        ).start()
    return True
