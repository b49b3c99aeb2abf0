"""Requests to the bot's HTTP endpoint, built and signed exactly as Slack sends them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"

DEFAULT_TRIGGER_ID = "1700000000000.1000000000001.0123456789abcdef0123456789abcdef"
DEFAULT_API_APP_ID = "A0001"
DEFAULT_BOT_USER_ID = "UBOT"
DEFAULT_BOT_ID = "BBOT"
VERIFICATION_TOKEN = "stand-in"
TEAM_DOMAIN = "stand-in"


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Sign like Slack so the bot's verification runs exactly as in production."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    signing_secret: str, body: bytes, *, timestamp: int, content_type: str
) -> dict[str, str]:
    """The headers Slack attaches to every request it sends an app."""
    ts = str(int(timestamp))
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": slack_signature(signing_secret, ts, body),
        "Content-Type": content_type,
    }


def _user(user_id: str, team_id: str, user_name: str | None) -> dict[str, Any]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _form_payload(payload: dict[str, Any]) -> bytes:
    """Interactivity payloads arrive as a form field holding JSON."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode("utf-8")


def slash_command_fields(
    *,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str = DEFAULT_TRIGGER_ID,
    command: str = "/interview",
    user_name: str | None = None,
    api_app_id: str = DEFAULT_API_APP_ID,
    channel_name: str | None = None,
) -> dict[str, str]:
    """A slash command's fields, with the names and order Slack uses."""
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else channel_id.lower()
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return fields


def slash_command_body(**fields: Any) -> bytes:
    """A form-encoded slash command, as Slack posts it; takes slash_command_fields' arguments."""
    return urlencode(slash_command_fields(**fields)).encode("utf-8")


def block_action_payload(
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    message_ts: str,
    action_id: str,
    value: str,
    block_id: str = "actions",
    response_url: str | None = None,
    message: dict[str, Any] | None = None,
    trigger_id: str = DEFAULT_TRIGGER_ID,
    user_name: str | None = None,
    api_app_id: str = DEFAULT_API_APP_ID,
    action_ts: str | None = None,
    state_values: dict[str, Any] | None = None,
    selected: bool = False,
    menu_type: str = "static_select",
    option_text: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A button click on a bot message: the block_actions payload Slack sends.

    With `selected`, a choice from a menu (`menu_type`: static_select or overflow) whose option
    value is `value` and label `option_text`. `ephemeral`: the message was shown only to the
    clicker (a reply to a command), which Slack says in the container.
    """
    shown = dict(message) if message is not None else {}
    shown.setdefault("type", "message")
    shown.setdefault("user", DEFAULT_BOT_USER_ID)
    shown.setdefault("bot_id", DEFAULT_BOT_ID)
    shown.setdefault("text", "")
    shown.setdefault("blocks", [])
    shown.setdefault("team", team_id)
    shown["ts"] = message_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "directmessage"},
        "message": shown,
        "state": {"values": state_values or {}},
        "actions": [
            _action(
                action_id,
                block_id,
                value,
                action_ts,
                selected=selected,
                menu_type=menu_type,
                option_text=option_text,
            )
        ],
    }
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def block_action_body(**fields: Any) -> bytes:
    """A button click as Slack posts it; takes block_action_payload's arguments."""
    return _form_payload(block_action_payload(**fields))


def _action(
    action_id: str,
    block_id: str,
    value: str,
    action_ts: str | None,
    *,
    selected: bool,
    menu_type: str = "static_select",
    option_text: str | None = None,
) -> dict[str, Any]:
    common = {
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": action_ts or f"{time.time():.6f}",
    }
    if selected:
        label = option_text or value
        option = {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": value}
        return {**common, "type": menu_type, "selected_option": option}
    return {
        **common,
        "text": {"type": "plain_text", "text": value, "emoji": True},
        "value": value,
        "type": "button",
    }


def view_submission_payload(
    *,
    user_id: str,
    team_id: str,
    callback_id: str,
    state_values: dict[str, Any],
    private_metadata: str = "",
    view_id: str = "V0001",
    user_name: str | None = None,
    api_app_id: str = DEFAULT_API_APP_ID,
    trigger_id: str = DEFAULT_TRIGGER_ID,
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A modal submission: the view_submission payload Slack sends."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values},
            "hash": "1700000000.stand-in",
            "title": {"type": "plain_text", "text": "Interview Coach", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": {"type": "plain_text", "text": "Save", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": DEFAULT_BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return payload


def view_submission_body(**fields: Any) -> bytes:
    """A modal submission as Slack posts it; takes view_submission_payload's arguments."""
    return _form_payload(view_submission_payload(**fields))


def _event_envelope(
    event: dict[str, Any],
    *,
    team_id: str,
    event_id: str,
    event_time: int,
    api_app_id: str,
    bot_user_id: str,
) -> dict[str, Any]:
    """Wrap an event in the event_callback envelope of the Events API."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-stand-in-{event_id}",
    }
    return envelope


def _json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def message_event_payload(
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    text: str,
    event_id: str,
    ts: str,
    event_time: int,
    api_app_id: str = DEFAULT_API_APP_ID,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
) -> dict[str, Any]:
    """A direct message from a user to the bot, as an Events API callback."""
    event = {
        "type": "message",
        "client_msg_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"slack-stand-in:{event_id}")),
        "text": text,
        "user": user_id,
        "ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "standin",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [{"type": "text", "text": text}],
                    }
                ],
            }
        ],
        "team": team_id,
        "channel": channel_id,
        "event_ts": ts,
        "channel_type": "im",
    }
    return _event_envelope(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=event_time,
        api_app_id=api_app_id,
        bot_user_id=bot_user_id,
    )


def message_event_body(**fields: Any) -> bytes:
    """A DM message event as Slack posts it; takes message_event_payload's arguments."""
    return _json_body(message_event_payload(**fields))


def file_share_event_payload(
    *, files: list[dict[str, Any]], text: str = "", **fields: Any
) -> dict[str, Any]:
    """Files shared in the DM: a message event of subtype `file_share` carrying the files
    (as `SlackStandIn.share_file` describes them); takes message_event_payload's arguments."""
    payload = message_event_payload(text=text, **fields)
    payload["event"]["subtype"] = "file_share"
    payload["event"]["files"] = files
    payload["event"]["upload"] = False
    payload["event"]["display_as_bot"] = False
    return payload


def message_shortcut_payload(
    *,
    user_id: str,
    team_id: str,
    channel_id: str,
    callback_id: str,
    message: dict[str, Any],
    trigger_id: str = DEFAULT_TRIGGER_ID,
    response_url: str | None = None,
    user_name: str | None = None,
    api_app_id: str = DEFAULT_API_APP_ID,
) -> dict[str, Any]:
    """A message shortcut chosen on a message: the message_action payload Slack sends."""
    shown = dict(message)
    shown.setdefault("type", "message")
    shown.setdefault("ts", "1700000000.000100")
    payload: dict[str, Any] = {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id, user_name),
        "channel": {"id": channel_id, "name": "directmessage"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "message_ts": shown["ts"],
        "message": shown,
        "api_app_id": api_app_id,
    }
    payload["response_url"] = response_url or "https://hooks.slack.com/app/stand-in"
    return payload


def app_home_opened_payload(
    *,
    user_id: str,
    team_id: str,
    event_id: str,
    event_time: int,
    api_app_id: str = DEFAULT_API_APP_ID,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    tab: str = "home",
) -> dict[str, Any]:
    """The user opened the bot's Home tab, as an Events API callback."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id,
        "tab": tab,
        "event_ts": f"{event_time}.000000",
    }
    return _event_envelope(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=event_time,
        api_app_id=api_app_id,
        bot_user_id=bot_user_id,
    )


def app_uninstalled_body(
    *, team_id: str, event_id: str, event_time: int, api_app_id: str = DEFAULT_API_APP_ID
) -> bytes:
    """The workspace removed the app, as an Events API callback."""
    return _json_body(
        _event_envelope(
            {"type": "app_uninstalled", "event_ts": f"{event_time}.000000"},
            team_id=team_id,
            event_id=event_id,
            event_time=event_time,
            api_app_id=api_app_id,
            bot_user_id=DEFAULT_BOT_USER_ID,
        )
    )


def tokens_revoked_body(
    *,
    team_id: str,
    event_id: str,
    event_time: int,
    bot: list[str] | None = None,
    oauth: list[str] | None = None,
    api_app_id: str = DEFAULT_API_APP_ID,
) -> bytes:
    """Tokens of the workspace were revoked: `bot` and `oauth` name whose."""
    event = {
        "type": "tokens_revoked",
        "tokens": {"oauth": oauth or [], "bot": bot or []},
        "event_ts": f"{event_time}.000000",
    }
    return _json_body(
        _event_envelope(
            event,
            team_id=team_id,
            event_id=event_id,
            event_time=event_time,
            api_app_id=api_app_id,
            bot_user_id=DEFAULT_BOT_USER_ID,
        )
    )


def app_home_opened_body(**fields: Any) -> bytes:
    """An app_home_opened event as Slack posts it; takes app_home_opened_payload's arguments."""
    return _json_body(app_home_opened_payload(**fields))


def url_verification_body(*, challenge: str) -> bytes:
    """The handshake Slack sends when the request URL is configured."""
    payload = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(payload).encode("utf-8")


@dataclass
class BotEndpoint:
    """The bot's request URL, posted to over real HTTP with Slack's signature."""

    url: str
    signing_secret: str
    clock: Callable[[], float] = field(default=time.time)

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> tuple[int, bytes]:
        """Send a signed request; error statuses are returned, not raised, so tests can assert."""
        headers = signed_headers(
            self.signing_secret, body, timestamp=int(self.clock()), content_type=content_type
        )
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    def command(self, **fields: Any) -> tuple[int, bytes]:
        """Post a slash command; takes slash_command_body's arguments."""
        return self.post(slash_command_body(**fields), content_type=FORM_CONTENT_TYPE)

    def action(self, **fields: Any) -> tuple[int, bytes]:
        """Post a button click; takes block_action_body's arguments."""
        return self.post(block_action_body(**fields), content_type=FORM_CONTENT_TYPE)

    def view_submission(self, **fields: Any) -> tuple[int, bytes]:
        """Post a modal submission; takes view_submission_body's arguments."""
        return self.post(view_submission_body(**fields), content_type=FORM_CONTENT_TYPE)

    def event(
        self, body: bytes, *, retry_num: int | None = None, retry_reason: str = "http_timeout"
    ) -> tuple[int, bytes]:
        """Post an Events API body, optionally marked as one of Slack's redeliveries."""
        extra = None
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post(body, content_type=JSON_CONTENT_TYPE, extra_headers=extra)

    def message(self, **fields: Any) -> tuple[int, bytes]:
        """Post a DM message event; takes message_event_body's arguments."""
        return self.event(message_event_body(**fields))

    def file_share(self, **fields: Any) -> tuple[int, bytes]:
        """Post a DM file_share event; takes file_share_event_payload's arguments."""
        return self.event(_json_body(file_share_event_payload(**fields)))

    def shortcut(self, **fields: Any) -> tuple[int, bytes]:
        """Post a message shortcut; takes message_shortcut_payload's arguments."""
        return self.post(
            _form_payload(message_shortcut_payload(**fields)), content_type=FORM_CONTENT_TYPE
        )

    def app_home_opened(self, **fields: Any) -> tuple[int, bytes]:
        """Post an app_home_opened event; takes app_home_opened_body's arguments."""
        return self.event(app_home_opened_body(**fields))

    def app_uninstalled(self, **fields: Any) -> tuple[int, bytes]:
        """Post an app_uninstalled event; takes app_uninstalled_body's arguments."""
        return self.event(app_uninstalled_body(**fields))

    def tokens_revoked(self, **fields: Any) -> tuple[int, bytes]:
        """Post a tokens_revoked event; takes tokens_revoked_body's arguments."""
        return self.event(tokens_revoked_body(**fields))
