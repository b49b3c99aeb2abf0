"""The App Home tab: shown when a person opens it, and kept current after every change."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.domain.interview import Person
from bot.slack.listeners import tells_failures
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(tells_failures(home_opened))


def home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """Opening Home is a good moment to refresh the person's time zone, then draw the tab."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    services: Services = context["services"]
    person = Person(context.team_id or event.get("team", ""), event["user"])
    if not services.coach.knows_timezone(person):
        services.surfaces.learn_timezone(person)
    services.coach.remember_home_opened(person)
    services.surfaces.publish_home(person)
