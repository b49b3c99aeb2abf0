"""Replies in the bot's DM, in any words (`dnoe 2`, `they said no`, `sent it`), and events the
coach ignores."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, Say

from bot.domain.debriefs import is_debrief
from bot.domain.interview import Person
from bot.domain.parsing import plain_text
from bot.domain.understanding import understand
from bot.slack import answers, understood
from bot.slack.listeners import tells_failures
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("message")(tells_failures(direct_message))


def direct_message(event: dict[str, Any], context: BoltContext, say: Say) -> None:
    """Only a person's own new DM text counts; edits, deletions and bot posts are ignored.

    The change is stored before the confirmation is posted, so a confirmed reply is durable.
    """
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    user_id = event.get("user")
    team_id = context.team_id or event.get("team")
    if not user_id or not team_id:
        return
    services: Services = context["services"]
    person = Person(team_id, user_id)
    if not services.coach.knows_timezone(person):
        services.surfaces.learn_timezone(person)  # times in the answer are in their zone
    text = plain_text(str(event.get("text", "")))
    coach = services.coach
    if is_debrief(text):
        answer = answers.debrief_in_words(coach, person, text)
    else:
        meant = understand(text, coach.situation(person), services.replies)
        answer = understood.answer(coach, services.checker, services.replies, person, text, meant)
    say(**answer.message)
    services.surfaces.refresh_messages(person, answer.refresh)
    services.surfaces.publish_home(person)
