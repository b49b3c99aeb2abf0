"""The buttons on answers to words in the DM: which item, which company, the confirmation an
outcome needs, and the likeliest actions offered when the words fit nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.domain.interview import Person
from bot.slack import answers, understood
from bot.slack.answers import Answer
from bot.slack.blocks import build_notice, build_reply_help
from bot.slack.listeners import tells_failures
from bot.slack.payloads import interaction_person
from bot.slack.reply_blocks import (
    REPLY_DISMISS_ACTION,
    REPLY_HELP_ACTION,
    REPLY_ITEM_ACTION,
    REPLY_LIST_ACTION,
    REPLY_OUTCOME_ACTION,
    REPLY_PROCESS_ACTION,
    action_pattern,
    read_item_choice,
    read_process_choice,
)
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(action_pattern(REPLY_ITEM_ACTION))(tells_failures(item_chosen))
    app.action(action_pattern(REPLY_OUTCOME_ACTION))(tells_failures(outcome_confirmed))
    app.action(action_pattern(REPLY_PROCESS_ACTION))(tells_failures(process_chosen))
    app.action(action_pattern(REPLY_LIST_ACTION))(tells_failures(list_asked))
    app.action(action_pattern(REPLY_HELP_ACTION))(tells_failures(help_asked))
    app.action(action_pattern(REPLY_DISMISS_ACTION))(tells_failures(dismissed))


def item_chosen(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """One of the items that fitted the words: act on it, then replace the question."""
    services: Services = context["services"]
    person = _clicker(body)
    choice = read_item_choice(str(action.get("value", "")))
    if choice is None or choice.user_id != person.user_id:
        _refuse(ack, respond, person)
        return
    answer = understood.act_on_item(
        services.coach,
        person,
        choice.verb,
        choice.number,
        snooze_for=choice.snooze_for,
        snooze_until=choice.snooze_until,
    )
    _answered(ack, respond, services, person, answer)


def outcome_confirmed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The only way an outcome said in words is recorded: its confirmation, pressed."""
    services: Services = context["services"]
    person = _clicker(body)
    kinds = frozenset(o.name for o in services.replies.outcomes)
    choice = read_process_choice(str(action.get("value", "")), kinds)
    if choice is None or choice.user_id != person.user_id:
        _refuse(ack, respond, person)
        return
    answer = understood.record_outcome(
        services.coach, services.replies, person, choice.process_id, choice.kind
    )
    _answered(ack, respond, services, person, answer)


def process_chosen(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The company a follow-up, references or a decision date was about."""
    services: Services = context["services"]
    person = _clicker(body)
    choice = read_process_choice(str(action.get("value", "")), understood.PROCESS_KINDS)
    if choice is None or choice.user_id != person.user_id:
        _refuse(ack, respond, person)
        return
    answer = understood.process_step(
        services.coach, person, choice.kind, choice.process_id, choice.day
    )
    _answered(ack, respond, services, person, answer)


def list_asked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    _owned(ack, body, action, context, respond, lambda s, p: answers.overview(s.coach, p))


def help_asked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    _owned(ack, body, action, context, respond, lambda s, p: Answer(build_reply_help()))


def dismissed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    _owned(
        ack,
        body,
        action,
        context,
        respond,
        lambda s, p: Answer(build_notice("Nothing changed.")),
    )


def _owned(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    make: Callable[[Services, Person], Answer],
) -> None:
    services: Services = context["services"]
    person = _clicker(body)
    if str(action.get("value", "")) != person.user_id:
        _refuse(ack, respond, person)
        return
    _answered(ack, respond, services, person, make(services, person))


def _answered(
    ack: Ack, respond: Respond, services: Services, person: Person, answer: Answer
) -> None:
    """The change is stored; acknowledge, then put the answer where the question was."""
    ack()
    respond(replace_original=True, **answer.message)
    services.surfaces.refresh_messages(person, answer.refresh)
    services.surfaces.publish_home(person)


def _refuse(ack: Ack, respond: Respond, person: Person) -> None:
    LOGGER.warning("Refused a click by %s on a reply that is not theirs", person.user_id)
    ack()
    respond(
        response_type="ephemeral",
        replace_original=False,
        **build_notice("That isn't one of yours, so I left it alone."),
    )


def _clicker(body: dict[str, Any]) -> Person:
    return interaction_person(body)
