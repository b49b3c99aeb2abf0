"""Replies in the bot's DM (`done 2`, `snooze 1 2d`, `list`...), and events the coach ignores."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, Say

from bot.blocks import build_change_confirmation, build_notice, build_overview, build_reply_help
from bot.coach import NudgeChange
from bot.interview import Person
from bot.nudge import NudgeChangeRefused
from bot.parsing import parse_reply

if TYPE_CHECKING:
    from bot.app import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("message")(direct_message)


def direct_message(event: dict[str, Any], context: BoltContext, say: Say) -> None:
    """Only a person's own new DM text counts; edits, deletions and bot posts are ignored."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    user_id = event.get("user")
    team_id = context.team_id or event.get("team")
    if not user_id or not team_id:
        return
    services: Services = context["services"]
    person = Person(team_id, user_id)
    reply = parse_reply(str(event.get("text", "")))
    coach = services.coach
    if reply.verb == "list":
        overview = coach.overview(person)
        say(**build_overview(overview.upcoming, overview.open_nudges, overview.tz))
        return
    if reply.verb not in ("done", "skip", "snooze"):
        say(**build_reply_help())
        return
    try:
        change = _apply(coach, person, reply)
    except NudgeChangeRefused as refusal:
        say(**build_notice(str(refusal)))
        return
    say(**build_change_confirmation(change.nudge, coach.timezone(person)))
    if change.nudge.channel and change.nudge.message_ts:
        services.delivery.refresh_message(person, change.nudge.channel, change.nudge.message_ts)


def _apply(coach: Any, person: Person, reply: Any) -> NudgeChange:
    if reply.verb == "snooze":
        delay = None if reply.snooze_until_morning else reply.snooze_for
        return coach.snooze(person, reply.number, delay=delay)
    return coach.mark(person, reply.number, reply.verb)
