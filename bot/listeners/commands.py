"""`/interview`: add, list and help."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks import build_add_problem, build_help, build_notice, build_overview, build_plan_reply
from bot.interview import Person
from bot.messenger import SlackMessenger
from bot.parsing import AddInputError, parse_add
from bot.text import escape, shorten

if TYPE_CHECKING:
    from bot.app import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.command("/interview")(interview_command)


def interview_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """Answers in the acknowledgement when it can; fetching a time zone waits until after."""
    services: Services = context["services"]
    person = Person(command["team_id"], command["user_id"])
    verb, _, rest = str(command.get("text", "")).strip().partition(" ")
    verb = verb.lower()
    if verb in ("", "help"):
        ack(response_type="ephemeral", **build_help())
    elif verb in ("list", "ls"):
        overview = services.coach.overview(person)
        message = build_overview(overview.upcoming, overview.open_nudges, overview.tz)
        ack(response_type="ephemeral", **message)
    elif verb == "add":
        if services.coach.knows_timezone(person):
            ack(response_type="ephemeral", **_add(services, person, rest))
        else:
            ack()
            _learn_timezone(services, person, client)
            respond(response_type="ephemeral", **_add(services, person, rest))
    else:
        text = f"I don't know `{escape(shorten(verb, 40))}`. Here is what I can do:"
        help_message = build_help()
        ack(
            response_type="ephemeral",
            text=text,
            blocks=build_notice(text)["blocks"] + help_message["blocks"],
        )


def _add(services: Services, person: Person, text: str) -> dict[str, Any]:
    coach = services.coach
    try:
        request = parse_add(text, now=coach.clock.now(), tz=coach.timezone(person))
    except AddInputError as problem:
        return build_add_problem(problem.problem)
    plan = coach.add_interview(person, request)
    return build_plan_reply(plan.interview, plan.nudges)


def _learn_timezone(services: Services, person: Person, client: WebClient) -> None:
    """Ask Slack for the person's zone; keep the last known one (or UTC) if Slack can't say."""
    try:
        tz = SlackMessenger(client).timezone(person.user_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("users.info failed for %s, keeping the last known zone: %s", person, error)
        tz = None
    services.coach.remember_timezone(person, tz)
