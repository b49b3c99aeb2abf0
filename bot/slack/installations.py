"""Bolt's OAuth over the coach's Store: slack-sdk's installation and state store interfaces.

Why our own records rather than slack-sdk's SQLAlchemy (or file, or sqlite3) stores: the
coach keeps one store of truth per backend, so installations and OAuth states live where
people's data lives, are written as durably, and are shared by every replica without anything
more to set up; the PostgreSQL store holds the same records. slack-sdk's `Installation` and
`Bot` models are kept at this edge, so Bolt sees exactly what it expects.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.clock import Clock
from bot.storage.protocol import Installation, Store

LOGGER = logging.getLogger(__name__)
#: The code exchange's own logger: slack-sdk logs whole answers at DEBUG, and the answer to
#: `oauth.v2.access` is the workspace's new token. Held at INFO so no setting can log it.
EXCHANGE_LOGGER = logging.getLogger(f"{__name__}.exchange")
EXCHANGE_LOGGER.setLevel(logging.INFO)

#: How long an install may take from the Add to Slack page to the redirect back.
STATE_LIFETIME = timedelta(minutes=10)


class CoachInstallationStore(InstallationStore):
    """Bot installations, one per workspace, kept in the coach's Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return LOGGER

    def save(self, installation: SlackInstallation) -> None:
        if installation.is_enterprise_install or not installation.team_id:
            raise BoltError("organisation-wide installs are not offered")
        if not installation.bot_token:
            raise BoltError("the install gave no bot token")
        self.store.save_installation(
            Installation(
                team_id=installation.team_id,
                bot_token=installation.bot_token,
                installed_at=datetime.fromtimestamp(installation.installed_at, UTC),
                enterprise_id=installation.enterprise_id,
                team_name=installation.team_name,
                app_id=installation.app_id,
                bot_id=installation.bot_id,
                bot_user_id=installation.bot_user_id,
                bot_scopes=tuple(installation.bot_scopes or ()),
                installer_user_id=installation.user_id,
            )
        )

    def save_bot(self, bot: Bot) -> None:
        """Only called when tokens rotate, which the manifest leaves off."""
        raise BoltError("token rotation is not enabled for this app")

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self._find(enterprise_id, team_id, is_enterprise_install)
        if found is None:
            return None
        return Bot(
            app_id=found.app_id,
            enterprise_id=found.enterprise_id,
            team_id=found.team_id,
            team_name=found.team_name,
            bot_token=found.bot_token,
            bot_id=found.bot_id or "",
            bot_user_id=found.bot_user_id or "",
            bot_scopes=list(found.bot_scopes),
            is_enterprise_install=False,
            installed_at=found.installed_at.timestamp(),
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> SlackInstallation | None:
        """The workspace's bot installation; no person's own token is ever kept."""
        found = self._find(enterprise_id, team_id, is_enterprise_install)
        if found is None or (user_id is not None and user_id != found.installer_user_id):
            return None
        return SlackInstallation(
            app_id=found.app_id,
            enterprise_id=found.enterprise_id,
            team_id=found.team_id,
            team_name=found.team_name,
            bot_token=found.bot_token,
            bot_id=found.bot_id,
            bot_user_id=found.bot_user_id,
            bot_scopes=list(found.bot_scopes),
            user_id=found.installer_user_id or "",
            is_enterprise_install=False,
            installed_at=found.installed_at.timestamp(),
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            self.store.delete_installation(team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id and user_id is None:
            self.store.delete_installation(team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def _find(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> Installation | None:
        if is_enterprise_install or not team_id:
            return None
        return self.store.find_installation(team_id, enterprise_id=enterprise_id)


class CoachStateStore(OAuthStateStore):
    """One-time OAuth states in the coach's Store, timed on the coach's clock."""

    def __init__(self, store: Store, clock: Clock, lifetime: timedelta = STATE_LIFETIME) -> None:
        self.store = store
        self.clock = clock
        self.lifetime = lifetime

    @property
    def logger(self) -> logging.Logger:
        return LOGGER

    def issue(self, *args: object, **kwargs: object) -> str:
        state = str(uuid.uuid4())
        self.store.issue_oauth_state(state, self.clock.now() + self.lifetime)
        return state

    def consume(self, state: str) -> bool:
        accepted = self.store.consume_oauth_state(state, self.clock.now())
        if not accepted:
            LOGGER.warning("Refused an install with an unknown, used or expired state")
        return accepted


def oauth_flow(
    *,
    store: Store,
    clock: Clock,
    api_url: str,
    client_id: str,
    client_secret: str,
    scopes: tuple[str, ...],
    redirect_uri: str | None,
    on_installed: Callable[[str], None],
) -> OAuthFlow:
    """Bolt's OAuth flow on our stores, trading codes at `api_url`; `on_installed(team_id)`
    runs after each install.

    Each request's authorization finds the workspace's installation in the store, then asks
    `auth.test` about its token once: the answer is kept per token, which is safe because an
    uninstall deletes the installation (so its token is never found again) and a reinstall
    brings a new token. Without that, every request would wait for `auth.test` before `ack()`.
    """

    def installed(args: SuccessArgs) -> BoltResponse:
        if args.installation.team_id:
            on_installed(args.installation.team_id)
        return args.default.success(args)

    def refused(args: FailureArgs) -> BoltResponse:
        LOGGER.warning("An install did not complete: %s", args.reason)
        return args.default.failure(args)

    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(scopes),
        user_scopes=[],
        redirect_uri=redirect_uri,
        authorization_url=_authorization_url(api_url),
        installation_store=CoachInstallationStore(store),
        installation_store_bot_only=True,
        state_store=CoachStateStore(store, clock),
        state_expiration_seconds=int(STATE_LIFETIME.total_seconds()),
        callback_options=CallbackOptions(success=installed, failure=refused),
        logger=LOGGER,
    )
    settings.authorize = InstallationStoreAuthorize(
        logger=LOGGER,
        client_id=client_id,
        client_secret=client_secret,
        installation_store=settings.installation_store,
        bot_only=True,
        cache_enabled=True,
    )
    exchange = WebClient(base_url=api_url, timeout=10, logger=EXCHANGE_LOGGER)
    return OAuthFlow(client=exchange, logger=LOGGER, settings=settings)


def _authorization_url(api_url: str) -> str | None:
    """Slack's approval page beside its Web API (slack.com, GovSlack); Bolt's default else."""
    if api_url.endswith("/api/"):
        return api_url[: -len("api/")] + "oauth/v2/authorize"
    return None
