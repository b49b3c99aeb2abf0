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

LOGGER = logging.getLogger(__name__)


class Messenger(Protocol):
    """What delivery needs from Slack; the real one is `SlackMessenger`."""

    def open_dm(self, user_id: str) -> str: ...

    def post(self, channel: str, message: dict[str, Any]) -> str: ...

    def update(self, channel: str, ts: str, message: dict[str, Any]) -> None: ...

    def timezone(self, user_id: str) -> str | None: ...


def retry_handlers() -> list[RetryHandler]:
    """Retry 429s (honouring Retry-After), 5xx and dropped connections, with backoff.

    These sleep in the calling thread, so they are only used after a request was acknowledged.
    """
    return [
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=3),
        ConnectionErrorRetryHandler(max_retry_count=3),
    ]


def make_client(token: str, base_url: str, *, timeout: int = 10) -> WebClient:
    return WebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers()
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
            channel=channel, text=message["text"], blocks=message["blocks"]
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
