"""The stand-in's side of Slack's OAuth: codes a workspace's approval hands out, bot tokens.

Slack gives the browser a one-time code when someone approves an install; `oauth.v2.access`
trades it, with the app's client id and secret, for a bot token of that workspace. Here a
test plays the approving person (`approve`), and the tokens issued are remembered per team so
that `auth.test` can say whose a token is and a revoked token is refused as Slack refuses it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

#: What the stand-in grants when no scopes are asked for (the manifest's bot scopes).
DEFAULT_SCOPES = "commands,chat:write,files:write,im:write,im:history,users:read"
APP_ID = "A0COACH"


class OAuthRefused(Exception):
    """`oauth.v2.access` answers ok:false with this error."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class _Grant:
    """An approval waiting to be exchanged: whose workspace, and who approved it."""

    client_id: str
    team_id: str
    team_name: str
    user_id: str
    scopes: str


@dataclass
class _Workspace:
    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    tokens: list[str] = field(default_factory=list)


class OAuthApps:
    """Registered apps, outstanding codes, and the bot tokens issued to each workspace."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        self._grants: dict[str, _Grant] = {}
        self._workspaces: dict[str, _Workspace] = {}
        self._token_team: dict[str, str] = {}
        self._revoked: set[str] = set()

    def register(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self._secrets[client_id] = client_secret

    def approve(
        self,
        client_id: str,
        team_id: str,
        *,
        team_name: str | None = None,
        user_id: str = "U1",
        scopes: str = DEFAULT_SCOPES,
    ) -> str:
        """Someone in `team_id` approved the install: the code Slack redirects them with."""
        code = f"code-{team_id}-{secrets.token_hex(8)}"
        with self._lock:
            self._grants[code] = _Grant(
                client_id, team_id, team_name or f"Workspace {team_id}", user_id, scopes
            )
        return code

    def exchange(self, authorization: str, params: dict[str, Any]) -> dict[str, Any]:
        """`oauth.v2.access`: the code and the app's credentials for a new bot token."""
        client_id, client_secret = _credentials(authorization, params)
        with self._lock:
            if client_id is None or client_id not in self._secrets:
                raise OAuthRefused("invalid_client_id")
            if not secrets.compare_digest(self._secrets[client_id], client_secret or ""):
                raise OAuthRefused("bad_client_secret")
            grant = self._grants.pop(str(params.get("code", "")), None)
            if grant is None or grant.client_id != client_id:
                raise OAuthRefused("invalid_code")
            workspace = self._workspaces.get(grant.team_id)
            if workspace is None:
                workspace = self._workspaces[grant.team_id] = _Workspace(
                    grant.team_id, grant.team_name, f"UB{grant.team_id}", f"BB{grant.team_id}"
                )
            token = f"xoxb-{grant.team_id}-{len(workspace.tokens) + 1}-{secrets.token_hex(6)}"
            workspace.tokens.append(token)
            self._token_team[token] = grant.team_id
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": grant.scopes,
            "bot_user_id": workspace.bot_user_id,
            "app_id": APP_ID,
            "team": {"id": grant.team_id, "name": grant.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": grant.user_id},
        }

    def revoke(self, team_id: str) -> list[str]:
        """The workspace uninstalled the app: every token issued to it stops working."""
        with self._lock:
            workspace = self._workspaces.get(team_id)
            tokens = list(workspace.tokens) if workspace else []
            self._revoked.update(tokens)
        return tokens

    def refusal(self, token: str) -> str | None:
        """Slack's error for a token that no longer works, or None."""
        with self._lock:
            return "token_revoked" if token in self._revoked else None

    def identity(self, token: str) -> dict[str, Any] | None:
        """What `auth.test` says of a token this stand-in issued."""
        with self._lock:
            team = self._token_team.get(token)
            workspace = self._workspaces.get(team) if team else None
            if workspace is None:
                return None
            return {
                "team": workspace.team_name,
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
            }

    def tokens(self, team_id: str) -> list[str]:
        with self._lock:
            workspace = self._workspaces.get(team_id)
            return list(workspace.tokens) if workspace else []


def _credentials(authorization: str, params: dict[str, Any]) -> tuple[str | None, str | None]:
    """HTTP Basic (as slack-sdk sends them) or form fields (as Slack also accepts)."""
    if authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    given_id, given_secret = params.get("client_id"), params.get("client_secret")
    return (
        given_id if isinstance(given_id, str) else None,
        given_secret if isinstance(given_secret, str) else None,
    )
