"""The Done, Snooze and Skip buttons on nudge messages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks import (
    DONE_ACTION,
    NUDGE_ACTIONS,
    SNOOZE_ACTION,
    build_notice,
    read_button_value,
)
from bot.coach import NudgeChange
from bot.interview import Person
from bot.nudge import NudgeChangeRefused

if TYPE_CHECKING:
    from bot.app import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    for action_id in NUDGE_ACTIONS:
        app.action(action_id)(nudge_button)


def nudge_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Change the stored item first, then acknowledge, then redraw the message in place."""
    services: Services = context["services"]
    person = Person(body["user"].get("team_id") or body["team"]["id"], body["user"]["id"])
    target = read_button_value(str(action.get("value", "")))
    if target is None or target[0] != person.user_id:
        LOGGER.warning("Refused a click by %s on an item that is not theirs", person.user_id)
        ack()
        respond(
            response_type="ephemeral",
            replace_original=False,
            **build_notice("That item isn't one of yours, so I left it alone."),
        )
        return
    try:
        change = _apply(services, person, action["action_id"], target[1])
    except NudgeChangeRefused as refusal:
        ack()
        respond(response_type="ephemeral", replace_original=False, **build_notice(str(refusal)))
        return
    ack()
    channel = body.get("channel", {}).get("id") or change.nudge.channel
    ts = body.get("container", {}).get("message_ts") or change.nudge.message_ts
    if channel and ts:
        services.delivery.refresh_message(person, channel, ts)


def _apply(services: Services, person: Person, action_id: str, number: int) -> NudgeChange:
    if action_id == DONE_ACTION:
        return services.coach.mark(person, number, "done")
    if action_id == SNOOZE_ACTION:
        return services.coach.snooze(person, number)
    return services.coach.mark(person, number, "skip")
