"""Building the Bolt app: its middleware, the coach's listeners and one error handler."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient

from bot.slack import middleware
from bot.slack.listeners import (
    actions,
    capture,
    commands,
    events,
    home,
    replies,
    views,
    workspaces,
)
from bot.slack.redaction import redact_slack_debug
from bot.slack.services import Services

__all__ = ["Services", "build_app"]

LOGGER = logging.getLogger(__name__)


def build_app(
    *,
    client: WebClient,
    signing_secret: str | None,
    services: Services,
    flood_limit: int = 30,
    oauth_flow: OAuthFlow | None = None,
) -> App:
    """The real Bolt app.

    Bolt's own signature check is off: the HTTP front verifies every request once, before its
    body is parsed (a check after parsing would let unsigned bodies reach the parser), and a
    Socket Mode connection is opened with the app-level token.

    With `oauth_flow` the app serves Bolt's install flow and authorizes each request with
    the bot token of the workspace it comes from (`context.client`); without, `client`'s one
    token serves the one workspace.
    """
    app = App(
        client=client,
        logger=redact_slack_debug(),
        signing_secret=signing_secret,
        request_verification_enabled=False,
        token_verification_enabled=False,
        oauth_flow=oauth_flow,
    )

    middleware.install(app, services, flood_limit=flood_limit)
    commands.register(app)
    actions.register(app)
    capture.register(app)  # before `events`: an .ics shared in the DM is a message event too
    events.register(app)
    replies.register(app)
    home.register(app)
    views.register(app)
    workspaces.register(app)

    @app.error
    def report_error(error: Exception, body: dict[str, Any]) -> None:
        LOGGER.error(
            "Unhandled error for a %s request",
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    return app
