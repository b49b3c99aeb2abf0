"""Small pure checks of Slack payload shapes, made before any listener trusts a field."""

from __future__ import annotations

import re
from typing import Any

from bot.domain.interview import Person

_SLACK_ID = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,40}")


def is_slack_id(value: object) -> bool:
    """A whole Slack id: `fullmatch`, so a trailing newline or anything else is refused."""
    return isinstance(value, str) and bool(_SLACK_ID.fullmatch(value))


def shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a request's shape, or None when listeners can rely on it."""
    if not isinstance(body, dict):
        return "not an object"
    if "command" in body:
        return _command_problem(body)
    kind = body.get("type")
    if kind in ("block_actions", "view_submission"):
        return _interaction_problem(body)
    if kind == "event_callback":
        return _event_problem(body)
    return None


def person_of(body: dict[str, Any]) -> Person | None:
    """Whoever sent a request, when it names them with valid team and user ids."""
    if "command" in body:
        who = (body.get("team_id"), body.get("user_id"))
    elif isinstance(body.get("user"), dict):
        user = body["user"]
        who = (user.get("team_id") or (body.get("team") or {}).get("id"), user.get("id"))
    elif isinstance(body.get("event"), dict):
        who = (body.get("team_id"), body["event"].get("user"))
    else:
        return None
    team_id, user_id = who
    if is_slack_id(team_id) and is_slack_id(user_id):
        return Person(str(team_id), str(user_id))
    return None


def interaction_person(body: dict[str, Any]) -> Person:
    """Who clicked or submitted; the shape check vouched for both ids."""
    user = body["user"]
    return Person(user.get("team_id") or body["team"]["id"], user["id"])


def _command_problem(body: dict[str, Any]) -> str | None:
    for field in ("team_id", "user_id"):
        if not is_slack_id(body.get(field)):
            return f"command without a valid {field}"
    if not isinstance(body.get("text", ""), str):
        return "command text is not text"
    return None


def _interaction_problem(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not is_slack_id(user.get("id")):
        return "interaction without a valid user"
    team = user.get("team_id") or (body.get("team") or {}).get("id")
    if not is_slack_id(team):
        return "interaction without a valid team"
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
            return "block_actions without actions"
    else:
        view = body.get("view")
        state = view.get("state") if isinstance(view, dict) else None
        if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
            return "view_submission without state"
    return None


def _event_problem(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event_callback without an event"
    if event["type"] == "app_home_opened" and not is_slack_id(event.get("user")):
        return "app_home_opened for an invalid user"
    for field in ("team_id",):
        if field in body and not is_slack_id(body[field]):
            return f"event_callback with an invalid {field}"
    if event["type"] == "message" and not event.get("subtype"):
        if "user" in event and not is_slack_id(event["user"]):
            return "message from an invalid user"
        if not isinstance(event.get("text", ""), str):
            return "message text is not text"
    return None
