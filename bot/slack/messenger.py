"""The Slack Web API calls made outside a listener: DMs for delivery, redraws, Home, files.

Delivery's client has no retry handlers: slack-sdk's would sleep inside the call (for a
`Retry-After`, or between 5xx retries), holding up everyone behind it. Instead each failure is
read for what it means and raised as one of delivery's problems, and delivery decides when to
try again.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import urllib.error
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.coach.delivery import (
    DeliveryProblem,
    MaybeSent,
    PersonUnreachable,
    TryLater,
    WorkspaceUnreachable,
)
from bot.domain.interview import Person
from bot.domain.nudge import Nudge
from bot.slack.blocks import DIGEST_SIZE, NUDGE_EVENT, build_notice, build_nudge_message

LOGGER = logging.getLogger(__name__)

#: Errors that mean the workspace's token no longer works: nothing will reach anyone there.
WORKSPACE_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "team_access_not_granted",
        "team_is_restricted",
        "not_allowed_token_type",
        "ekm_access_denied",
        "org_login_required",
    }
)
#: Errors that mean this one person cannot be written to (gone, deactivated, DM closed).
PERSON_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "channel_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "is_archived",
        "not_in_channel",
        "user_is_bot",
    }
)
#: Seconds a Web API call may take before it counts as failed (COACH_SLACK_TIMEOUT).
SLACK_TIMEOUT = 10
#: The longest `Retry-After` taken at its word; anything longer is read as this.
MAX_RETRY_AFTER = 3600.0


def retry_handlers() -> list[RetryHandler]:
    """For listeners' own calls (after the request was acknowledged): 429s, 5xx, drops."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=5),
        ServerErrorRetryHandler(max_retry_count=3),
        ConnectionErrorRetryHandler(max_retry_count=3),
    ]


def make_client(
    token: str | None, base_url: str, *, timeout: int = SLACK_TIMEOUT, retries: bool = True
) -> WebClient:
    """A Web API client; delivery's has no retry handlers (see the module docstring).

    Without a token it serves as the template Bolt copies for each request it authorizes.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=retry_handlers() if retries else [],
    )


class InstalledClients:
    """A Web API client per workspace, with the bot token its installation holds.

    The token is looked up on every call, so an uninstall or a reinstall counts at once (and a
    replica sees another's). A client is kept while its token is the workspace's: a new token
    gets a new client, and an old token is let go. A workspace with no installation cannot be
    reached at all: `WorkspaceUnreachable`, which stops that workspace's delivery as a revoked
    token does.
    """

    #: Clients kept; past this many workspaces the least recently used one is let go.
    LIMIT = 10_000

    def __init__(
        self,
        token_of: Callable[[str], str | None],
        base_url: str,
        *,
        retries: bool = True,
        timeout: int = SLACK_TIMEOUT,
    ) -> None:
        self._token_of = token_of
        self._base_url = base_url
        self._retries = retries
        self._timeout = timeout
        self._clients: OrderedDict[str, WebClient] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        token = self._token_of(team_id)
        with self._lock:
            if token is None:
                self._clients.pop(team_id, None)
                raise WorkspaceUnreachable("not_installed")
            client = self._clients.get(team_id)
            if client is None or client.token != token:
                client = make_client(
                    token, self._base_url, retries=self._retries, timeout=self._timeout
                )
                self._clients[team_id] = client
                if len(self._clients) > self.LIMIT:
                    self._clients.popitem(last=False)
            self._clients.move_to_end(team_id)
            return client


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: a number, or an HTTP date."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)


def read_problem(error: Exception, *, may_have_arrived: bool) -> DeliveryProblem:
    """What a failed Web API call means for delivery."""
    if isinstance(error, SlackApiError):
        response = error.response
        code = str(response.get("error", "")) if hasattr(response, "get") else ""
        status = getattr(response, "status_code", 200)
        if status == 429 or code == "ratelimited":
            headers = getattr(response, "headers", {}) or {}
            value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
            if isinstance(value, list):
                value = value[0] if value else None
            return TryLater("rate limited", retry_after_seconds(value) or 1.0)
        if code in WORKSPACE_ERRORS:
            return WorkspaceUnreachable(code)
        if code in PERSON_ERRORS:
            return PersonUnreachable(code)
        return TryLater(code or f"HTTP {status}")
    refused = isinstance(error, ConnectionRefusedError) or (
        isinstance(error, urllib.error.URLError)
        and isinstance(getattr(error, "reason", None), ConnectionRefusedError)
    )
    if refused or not may_have_arrived:
        return TryLater(f"{type(error).__name__}: {error}")
    return MaybeSent(f"{type(error).__name__}: {error}")


#: Failures of the transport: the request may or may not have reached Slack.
_TRANSPORT = (
    SlackClientError,
    OSError,
    http.client.HTTPException,
    socket.timeout,
    ValueError,
)


@contextmanager
def _reading_problems(*, may_have_arrived: bool = False) -> Iterator[None]:
    try:
        yield
    except SlackApiError as error:
        raise read_problem(error, may_have_arrived=may_have_arrived) from error
    except _TRANSPORT as error:
        raise read_problem(error, may_have_arrived=may_have_arrived) from error


class SlackMessenger:
    """Delivery's Messenger over slack_sdk WebClients, one per workspace."""

    digest_size = DIGEST_SIZE

    def __init__(self, client_for: Callable[[str], WebClient], *, proofread: str = "") -> None:
        self._client_for = client_for
        self._proofread = proofread

    def client(self, team_id: str) -> WebClient:
        return self._client_for(team_id)

    def open_dm(self, person: Person) -> str:
        with _reading_problems():
            response = self.client(person.team_id).conversations_open(users=person.user_id)
        return str(response["channel"]["id"])

    def post_nudges(self, channel: str, person: Person, nudges: list[Nudge], tz: str) -> str:
        return self.prepare_post(channel, person, nudges, tz)()

    def prepare_post(
        self, channel: str, person: Person, nudges: list[Nudge], tz: str
    ) -> Callable[[], str]:
        """Everything a post needs but the call itself: the workspace's token (a database
        read), the client and the message. Delivery makes its last check after this, so
        between that check and the post there is only the request."""
        with _reading_problems():
            client = self.client(person.team_id)
        message = build_nudge_message(person, nudges, tz, self._proofread)

        def post() -> str:
            with _reading_problems(may_have_arrived=True):
                response = client.chat_postMessage(
                    channel=channel,
                    text=message["text"],
                    blocks=message["blocks"],
                    metadata=message.get("metadata"),
                )
            return str(response["ts"])

        return post

    def delete_message(self, person: Person, channel: str, ts: str) -> None:
        """Take back a message that should not be in the DM (a message already gone is
        what was wanted)."""
        try:
            with _reading_problems():
                self.client(person.team_id).chat_delete(channel=channel, ts=ts)
        except DeliveryProblem as problem:
            if problem.reason != "message_not_found":
                raise

    def post_notice(self, person: Person, channel: str, text: str) -> str:
        message = build_notice(text)
        with _reading_problems(may_have_arrived=True):
            response = self.client(person.team_id).chat_postMessage(
                channel=channel, text=message["text"], blocks=message["blocks"]
            )
        return str(response["ts"])

    def update_nudges(
        self, channel: str, ts: str, person: Person, nudges: list[Nudge], tz: str
    ) -> None:
        message = build_nudge_message(person, nudges, tz, self._proofread)
        with _reading_problems():
            self.client(person.team_id).chat_update(
                channel=channel, ts=ts, text=message["text"], blocks=message["blocks"]
            )

    def find_marked(self, person: Person, channel: str, marks: set[str]) -> dict[str, str]:
        """Which of `marks` recent coach messages in the DM carry: mark -> message ts."""
        with _reading_problems():
            response = self.client(person.team_id).conversations_history(
                channel=channel, limit=100, include_all_metadata=True
            )
        found: dict[str, str] = {}
        message: dict[str, Any]
        for message in response.get("messages", []):
            metadata: dict[str, Any] = message.get("metadata") or {}
            if metadata.get("event_type") != NUDGE_EVENT:
                continue
            for mark in metadata.get("event_payload", {}).get("nudges", []):
                if mark in marks and mark not in found:
                    found[mark] = str(message["ts"])
        return found

    def timezone(self, person: Person) -> str | None:
        with _reading_problems():
            response = self.client(person.team_id).users_info(user=person.user_id)
        tz = response["user"].get("tz")
        return str(tz) if tz else None

    def publish_home(self, person: Person, view: dict[str, Any]) -> None:
        with _reading_problems():
            self.client(person.team_id).views_publish(user_id=person.user_id, view=view)

    def upload(
        self, person: Person, channel: str, filename: str, content: bytes, comment: str
    ) -> None:
        with _reading_problems():
            self.client(person.team_id).files_upload_v2(
                channel=channel, filename=filename, content=content, initial_comment=comment
            )
