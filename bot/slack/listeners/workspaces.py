"""A workspace leaving: `app_uninstalled`, and `tokens_revoked` for the bot's token."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    """The app is gone from the workspace: nothing may be sent there any more."""
    _left(context, body, "app_uninstalled")


def tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """Only the bot's token matters: the coach keeps no person's own token."""
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        _left(context, body, "tokens_revoked")


def _left(context: BoltContext, body: dict[str, Any], reason: str) -> None:
    team_id = context.team_id or body.get("team_id")
    if not isinstance(team_id, str) or not team_id:
        LOGGER.warning("A %s event named no workspace; ignored", reason)
        return
    services: Services = context["services"]
    if services.workspaces is None:
        # One workspace, one token from the settings: stop sending with it; the operator
        # decides about the data (`interview-coach forget-workspace`).
        services.delivery.stop_team(team_id, reason)
        LOGGER.critical("Workspace %s: %s; its delivery is stopped", team_id, reason)
        return
    services.workspaces.left(team_id, reason)
