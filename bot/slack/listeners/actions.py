"""The Done, Snooze and Skip buttons on nudge messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain.changes import NudgeChange
from bot.domain.interview import Person
from bot.domain.nudge import NudgeChangeRefused
from bot.domain.text import escape
from bot.slack import answers
from bot.slack.blocks import (
    ACCEPTED_ACTION,
    DEBRIEF_ACTION,
    DONE_ACTION,
    DRAFT_ACTION,
    FORGET_ACTION,
    KEEP_ACTION,
    KEEP_DATA_ACTION,
    NUDGE_ACTIONS,
    OFFER_ACTIONS,
    OUTCOME_ACTION,
    REMOVE_ACTION,
    SNOOZE_ACTION,
    SNOOZE_CHOICE_ACTION,
    build_debrief_form,
    build_draft,
    build_notice,
    build_outcome_reply,
    read_button_value,
    read_outcome_value,
    read_snooze_choice,
)
from bot.slack.listeners import tells_failures
from bot.slack.payloads import interaction_person
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    for action_id in NUDGE_ACTIONS:
        app.action(action_id)(tells_failures(nudge_button))
    app.action(SNOOZE_CHOICE_ACTION)(tells_failures(snooze_choice))
    app.action(DRAFT_ACTION)(tells_failures(draft_it))
    app.action(OUTCOME_ACTION)(tells_failures(heard_back))
    for action_id in OFFER_ACTIONS:
        app.action(action_id)(tells_failures(answer_offer))
    app.action(DEBRIEF_ACTION)(tells_failures(open_debrief))
    app.action(REMOVE_ACTION)(tells_failures(remove_interview))
    app.action(KEEP_ACTION)(tells_failures(keep_interview))
    app.action(FORGET_ACTION)(tells_failures(forget_everything))
    app.action(KEEP_DATA_ACTION)(tells_failures(keep_data))


def _refuse_foreign(ack: Ack, respond: Respond, person: Person) -> None:
    LOGGER.warning("Refused a click by %s on an item that is not theirs", person.user_id)
    ack()
    _tell(respond, "That item isn't one of yours, so I left it alone.")


def draft_it(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """A draft for the nudge, shown only to the person; nothing is stored."""
    services: Services = context["services"]
    person = _clicker(body)
    number = _own_number(ack, respond, person, action)
    if number is None:
        return
    ack()
    try:
        draft = services.coach.draft(person, number, services.drafts)
    except NudgeChangeRefused as refusal:
        _tell(respond, str(refusal))
        return
    respond(response_type="ephemeral", replace_original=False, **build_draft(draft))


def snooze_choice(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Later today, tomorrow morning or next week, from the menu beside Snooze."""
    services: Services = context["services"]
    person = _clicker(body)
    choice = _own_choice(ack, respond, person, action, read_snooze_choice)
    if choice is None:
        return
    try:
        change = services.coach.snooze(person, choice[1], choice=choice[2])
    except NudgeChangeRefused as refusal:
        ack()
        _tell(respond, str(refusal))
        return
    ack()
    services.surfaces.refresh_messages(person, [change.nudge])
    services.surfaces.publish_home(person)


def heard_back(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The "Heard back?" menu on a follow-up: record the news, then say what changed."""
    services: Services = context["services"]
    person = _clicker(body)
    choice = _own_choice(ack, respond, person, action, read_outcome_value)
    if choice is None:
        return
    answer = answers.set_outcome(services.coach, person, f"#{choice[1]}", choice[2])
    ack()
    respond(response_type="ephemeral", replace_original=False, **answer.message)
    services.surfaces.refresh_messages(person, answer.refresh)
    services.surfaces.publish_home(person)


def answer_offer(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Accepted or Declined on an offer plan's item: record the answer, then say what follows."""
    services: Services = context["services"]
    person = _clicker(body)
    number = _own_number(ack, respond, person, action)
    if number is None:
        return
    accepted = action["action_id"] == ACCEPTED_ACTION
    try:
        change = services.coach.answer_offer(person, number, accepted)
    except NudgeChangeRefused as refusal:
        ack()
        _tell(respond, str(refusal))
        return
    ack()
    tz = services.coach.timezone(person)
    respond(response_type="ephemeral", replace_original=False, **build_outcome_reply(change, tz))
    services.surfaces.refresh_messages(person, change.withdrawn)
    services.surfaces.publish_home(person)


def open_debrief(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
) -> None:
    """ "How did it go?": the debrief form for the item's interview, filled with any answers
    given before. The form opens right away: its trigger lasts about three seconds."""
    services: Services = context["services"]
    person = _clicker(body)
    number = _own_number(ack, respond, person, action)
    if number is None:
        return
    ack()
    interview = services.coach.nudge_interview(person, number)
    if interview is None:
        _tell(respond, "That interview is no longer in your list, so there is nothing to note.")
        return
    try:
        client.views_open(
            trigger_id=body.get("trigger_id", ""),
            view=build_debrief_form(interview, interview.debrief),
        )
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("Could not open the debrief form for %s: %s", person.user_id, error)
        _tell(
            respond,
            "I couldn't open the form. Tell me in words instead, like `debrief "
            f"{escape(interview.company)}: talked about the roadmap; next: a case study; "
            "decide by friday; met Sam Lee`.",
        )


def remove_interview(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The confirm button of `/interview remove`."""
    services: Services = context["services"]
    person = _clicker(body)
    number = _own_number(ack, respond, person, action)
    if number is None:
        return
    try:
        interview = services.coach.remove_interview(person, number)
    except NudgeChangeRefused as refusal:
        ack()
        respond(replace_original=True, **build_notice(str(refusal)))
        return
    ack()
    respond(
        replace_original=True,
        **build_notice(
            f"Removed `i{interview.id}` {escape(interview.company)} and its reminders. "
            "`/interview undo` brings it back within a few minutes."
        ),
    )
    services.surfaces.publish_home(person)


def keep_interview(ack: Ack, respond: Respond) -> None:
    ack()
    respond(replace_original=True, **build_notice("Kept it. Nothing was removed."))


def forget_everything(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The confirm button of `/interview forget`: only ever the clicker's own data."""
    services: Services = context["services"]
    person = _clicker(body)
    if action.get("value") != person.user_id:
        _refuse_foreign(ack, respond, person)
        return
    services.coach.forget(person)
    ack()
    respond(
        replace_original=True,
        **build_notice(":wastebasket: Done: I deleted everything I kept about you."),
    )


def keep_data(ack: Ack, respond: Respond) -> None:
    ack()
    respond(replace_original=True, **build_notice("Kept. Nothing was deleted."))


def _own_choice(
    ack: Ack,
    respond: Respond,
    person: Person,
    action: dict[str, Any],
    read: Callable[[str], tuple[Any, ...] | None],
) -> tuple[Any, ...] | None:
    """A menu choice read by `read`, if the menu is the clicker's own; else refuse (and ack)."""
    choice = read(str((action.get("selected_option") or {}).get("value", "")))
    if choice is None or choice[0] != person.user_id:
        _refuse_foreign(ack, respond, person)
        return None
    return choice


def _tell(respond: Respond, text: str) -> None:
    """An ephemeral note beside the message clicked, which stays as it is."""
    respond(response_type="ephemeral", replace_original=False, **build_notice(text))


def _own_number(ack: Ack, respond: Respond, person: Person, action: dict[str, Any]) -> int | None:
    """The number a button names, if the button is the clicker's own; else refuse (and ack)."""
    target = read_button_value(str(action.get("value", "")))
    if target is None or target[0] != person.user_id:
        _refuse_foreign(ack, respond, person)
        return None
    return target[1]


def _clicker(body: dict[str, Any]) -> Person:
    return interaction_person(body)


def nudge_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Change the stored item first, then acknowledge, then redraw the message in place."""
    services: Services = context["services"]
    person = _clicker(body)
    number = _own_number(ack, respond, person, action)
    if number is None:
        return
    try:
        change = _apply(services, person, action["action_id"], number)
    except NudgeChangeRefused as refusal:
        ack()
        _tell(respond, str(refusal))
        return
    ack()
    services.surfaces.refresh_messages(person, [change.nudge])
    services.surfaces.publish_home(person)


def _apply(services: Services, person: Person, action_id: str, number: int) -> NudgeChange:
    if action_id == DONE_ACTION:
        return services.coach.mark(person, number, "done")
    if action_id == SNOOZE_ACTION:
        return services.coach.snooze(person, number)
    return services.coach.mark(person, number, "skip")
