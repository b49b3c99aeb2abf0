"""Reading the filled add form the coach opened, and saving it as the person would."""

from __future__ import annotations

from typing import Any

from conftest import Bot

from bot.slack.blocks import ADD_FORM


def filled(view: dict[str, Any]) -> dict[str, str]:
    """The values the form opened with, field by field (empty fields left out)."""
    values: dict[str, str] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        value = (
            element.get("initial_value")
            or element.get("initial_date")
            or element.get("initial_time")
            or (element.get("initial_option") or {}).get("value")
        )
        if value:
            values[block["block_id"]] = str(value)
    return values


def hint(view: dict[str, Any]) -> tuple[str, str] | None:
    """(field, hint) when the form points at a field to check."""
    for block in view["blocks"]:
        if block.get("hint"):
            return block["block_id"], block["hint"]["text"]
    return None


def save(bot: Bot, view: dict[str, Any], *, user: str = "U1", **changes: str) -> tuple[int, bytes]:
    """Submit the form with what it was filled with (and `changes`), as Slack posts it."""
    values = {**filled(view), **changes}
    kinds = {"date": "selected_date", "time": "selected_time"}
    state: dict[str, Any] = {}
    for field, value in values.items():
        if field == "duration":
            state[field] = {"value": {"type": "static_select", "selected_option": {"value": value}}}
        else:
            state[field] = {"value": {kinds.get(field, "value"): value}}
    return bot.endpoint.view_submission(
        user_id=user,
        team_id="T1",
        callback_id=ADD_FORM,
        state_values=state,
        private_metadata=str(view.get("private_metadata") or ""),
    )


def opened_since(bot: Bot, before: int) -> dict[str, Any]:
    """The one form opened after `before` views were recorded."""
    assert bot.standin.wait_for(lambda s: len(s.views()) > before), "no form was opened"
    opened = [v for v in bot.standin.views()[before:] if v["method"] == "views.open"]
    assert len(opened) == 1, opened
    return opened[0]["view"]
