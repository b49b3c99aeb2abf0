"""The Slack Web API calls the coach makes outside a listener: DMs, updates, time zones."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.slack.blocks import NUDGE_EVENT

LOGGER = logging.getLogger(__name__)


class Messenger(Protocol):
    """What delivery needs from Slack; the real one is `SlackMessenger`."""

    def open_dm(self, user_id: str) -> str: ...

    def post(self, channel: str, message: dict[str, Any]) -> str: ...

    def update(self, channel: str, ts: str, message: dict[str, Any]) -> None: ...

    def timezone(self, user_id: str) -> str | None: ...

    def find_marked(self, channel: str, marks: set[str]) -> dict[str, str]: ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None: ...

    def upload(self, channel: str, filename: str, content: bytes, comment: str) -> None: ...


def retry_handlers(*, on_connection_errors: bool = True) -> list[RetryHandler]:
    """Retry 429s (honouring Retry-After) and 5xx with backoff, and dropped connections.

    These sleep in the calling thread, so they are only used after a request was acknowledged.
    Delivery does not retry a dropped connection blindly: the message may have arrived, so it
    checks the DM first (see bot.coach.delivery).
    """
    handlers: list[RetryHandler] = [
        RateLimitErrorRetryHandler(max_retry_count=5),
        ServerErrorRetryHandler(max_retry_count=3),
    ]
    if on_connection_errors:
        handlers.append(ConnectionErrorRetryHandler(max_retry_count=3))
    return handlers


def make_client(
    token: str, base_url: str, *, timeout: int = 10, on_connection_errors: bool = True
) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=retry_handlers(on_connection_errors=on_connection_errors),
    )


class SlackMessenger:
    """Messenger over a slack_sdk WebClient."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def open_dm(self, user_id: str) -> str:
        response = self.client.conversations_open(users=user_id)
        return str(response["channel"]["id"])

    def post(self, channel: str, message: dict[str, Any]) -> str:
        response = self.client.chat_postMessage(
            channel=channel,
            text=message["text"],
            blocks=message["blocks"],
            metadata=message.get("metadata"),
        )
        return str(response["ts"])

    def update(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        self.client.chat_update(
            channel=channel, ts=ts, text=message["text"], blocks=message["blocks"]
        )

    def timezone(self, user_id: str) -> str | None:
        response = self.client.users_info(user=user_id)
        tz = response["user"].get("tz")
        return str(tz) if tz else None

    def find_marked(self, channel: str, marks: set[str]) -> dict[str, str]:
        """Which of `marks` recent coach messages in the DM carry: mark -> message ts."""
        response = self.client.conversations_history(
            channel=channel, limit=100, include_all_metadata=True
        )
        found: dict[str, str] = {}
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") != NUDGE_EVENT:
                continue
            for mark in metadata.get("event_payload", {}).get("nudges", []):
                if mark in marks and mark not in found:
                    found[mark] = str(message["ts"])
        return found

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.client.views_publish(user_id=user_id, view=view)

    def upload(self, channel: str, filename: str, content: bytes, comment: str) -> None:
        self.client.files_upload_v2(
            channel=channel, filename=filename, content=content, initial_comment=comment
        )
