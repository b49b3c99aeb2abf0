"""The add form (a modal): opened by `/interview add`, checked inline when submitted."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain.debriefs import read_debrief_form
from bot.domain.interview import Person
from bot.domain.nudge import NudgeChangeRefused
from bot.domain.parsing import (
    AddInputError,
    form_field_of,
    parse_add,
    prefill_from_text,
    read_add_form,
)
from bot.slack.blocks import (
    ADD_FORM,
    DEBRIEF_FIELDS,
    DEBRIEF_FORM,
    FORM_FIELDS,
    build_add_form,
    build_debrief_reply,
    build_plan_reply,
)
from bot.slack.capture_blocks import feed_key_of
from bot.slack.listeners import tells_failures
from bot.slack.payloads import interaction_person
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.view(ADD_FORM)(tells_failures(add_form_submitted))
    app.view(DEBRIEF_FORM)(tells_failures(debrief_submitted))


def debrief_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Keep the answers to "How did it go?", close the form, and say what they changed."""
    services: Services = context["services"]
    person = interaction_person(body)
    coach = services.coach
    interview_id = str(view.get("private_metadata", ""))
    if not interview_id.isdigit():
        ack()
        return
    try:
        debrief = read_debrief_form(_values(view, DEBRIEF_FIELDS))
        change = coach.debrief(person, int(interview_id), debrief)
    except NudgeChangeRefused as refusal:
        ack(response_action="errors", errors={"topics": str(refusal)[:150]})
        return
    ack()
    try:
        channel = (
            coach.profile(person).dm_channel
            or client.conversations_open(users=person.user_id)["channel"]["id"]
        )
        client.chat_postMessage(
            channel=channel, **build_debrief_reply(change, coach.timezone(person))
        )
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("Could not send the debrief reply to %s: %s", person.user_id, error)
    services.surfaces.refresh_messages(person, change.refresh)
    services.surfaces.publish_home(person)


def open_add_form(
    services: Services, client: WebClient, person: Person, trigger_id: str, text: str = ""
) -> bool:
    """Open the form, pre-filled from `text`; the field a problem is about carries the hint."""
    coach = services.coach
    now, tz = coach.clock.now(), coach.timezone(person)
    prefill = prefill_from_text(text, now=now, tz=tz) if text.strip() else {}
    problem = None
    if text.strip():
        try:
            parse_add(text, now=now, tz=tz)
        except AddInputError as error:
            problem = (form_field_of(error.problem), error.problem)
    try:
        client.views_open(trigger_id=trigger_id, view=build_add_form(prefill, problem))
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("Could not open the add form for %s: %s", person.user_id, error)
        return False
    return True


def add_form_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Store the interview before closing the form; a problem stays in the form, inline."""
    services: Services = context["services"]
    person = interaction_person(body)
    values = _form_values(view)
    coach = services.coach
    try:
        request = read_add_form(values, now=coach.clock.now(), tz=coach.timezone(person))
    except AddInputError as problem:
        ack(response_action="errors", errors={form_field_of(problem.problem): problem.problem})
        return
    try:
        plan = coach.add_interview(person, request)
    except NudgeChangeRefused as refusal:
        ack(response_action="errors", errors={"company": str(refusal)[:150]})
        return
    ack()
    key = feed_key_of(view)
    if key and services.watch is not None:
        services.watch.tracked(person, key, plan.interview.id)
    try:
        channel = (
            coach.profile(person).dm_channel
            or client.conversations_open(users=person.user_id)["channel"]["id"]
        )
        reply = build_plan_reply(plan.interview, plan.nudges, remark=plan.remark)
        client.chat_postMessage(channel=channel, **reply)
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("Could not send the plan to %s: %s", person.user_id, error)
    services.surfaces.publish_home(person)


def _form_values(view: dict[str, Any]) -> dict[str, str]:
    return _values(view, FORM_FIELDS)


def _values(view: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """Each field's entered value, whatever kind of input holds it."""
    state = view.get("state", {}).get("values", {})
    values: dict[str, str] = {}
    for field in fields:
        entry = state.get(field, {}).get("value", {})
        if not isinstance(entry, dict):
            continue
        value = (
            entry.get("value")
            or entry.get("selected_date")
            or entry.get("selected_time")
            or (entry.get("selected_option") or {}).get("value")
            or ""
        )
        values[field] = str(value)
    return values
