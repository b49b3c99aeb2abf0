"""The one place that reads the environment; bad settings stop start-up with a clear message."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from bot.domain.timing import is_known_zone

DEFAULT_API_URL = "https://slack.com/api/"
#: The bot scopes an install asks for: the manifest's, checked by tests/test_manifest.py.
DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "files:read",
    "im:write",
    "im:history",
    "users:read",
)
#: Days a workspace's people's data is kept after it uninstalls the app (reinstalling keeps it).
DEFAULT_UNINSTALL_GRACE_DAYS = 30
#: Seconds a delivery lease lasts by default (see README, "Running at scale").
DEFAULT_LEASE_SECONDS = 60
#: Seconds a Slack call may take by default before it counts as failed.
DEFAULT_SLACK_TIMEOUT = 10
#: The most the PostgreSQL store waits, in seconds (see README, Settings); the store's own
#: defaults (bot.storage.postgres_waits.Waits) are the same.
DEFAULT_DB_LOCK_TIMEOUT = 1.0
DEFAULT_DB_STATEMENT_TIMEOUT = 1.5
DEFAULT_DB_IDLE_TIMEOUT = 5.0
DEFAULT_DB_POOL_TIMEOUT = 1.0
DEFAULT_DB_PERSON_CONNECTIONS = 2
#: A clock set outside these years is a typo, and far-off dates overflow date arithmetic.
EARLIEST_START = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_START = datetime(2100, 12, 31, tzinfo=UTC)


class SettingsError(ValueError):
    """A setting that cannot work, explained."""


def _default_rules() -> Path:
    """The playbook shipped with the package (`rules/` in a checkout, `bot/rules` in a wheel).

    Installed packages are plain folders on disk, so the resource is a real path the loaders
    can read; COACH_RULES_PATH points at a coach's own playbook instead.
    """
    return Path(str(resources.files("bot.rules")))


@dataclass(frozen=True)
class Settings:
    """Everything configurable; secrets are kept out of repr so they never reach a log."""

    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    port: int = 3000
    db_path: Path = Path("data")
    rules_path: Path = field(default_factory=_default_rules)
    log_level: str = "INFO"
    console_tz: str = "UTC"
    #: Where the console writes files the bot uploads; None: `<db_path>/console/files`.
    console_files: Path | None = None
    clock_start: datetime | None = None
    #: Requests one person may make in 10 seconds before being asked to slow down; 0: no gate.
    flood_limit: int = 30
    #: A PostgreSQL URL: the store shared by every replica. None: TinyDB under `db_path`.
    #: Out of repr, because it may carry a password.
    database_url: str | None = field(default=None, repr=False)
    #: The app's OAuth credentials: with them (and no bot token) the coach installs anywhere.
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    #: Where Slack sends the browser back; None: the Redirect URL set in the app's settings.
    redirect_uri: str | None = None
    uninstall_grace_days: int = DEFAULT_UNINSTALL_GRACE_DAYS
    #: Seconds a replica holds a person it claimed for delivery: how soon another replica
    #: takes over the people of one that died.
    lease_seconds: int = DEFAULT_LEASE_SECONDS
    #: Seconds a Slack Web API call may take before it counts as failed.
    slack_timeout: int = DEFAULT_SLACK_TIMEOUT
    #: Fault tests only: the process stops itself (SIGSTOP) right before its first post to
    #: each of these users ("*": anyone), as a pause between delivery's last check and its
    #: post would.
    stop_before_post: frozenset[str] = frozenset()
    #: The key(s) calendar feed addresses are sealed with (COACH_FEED_KEY); None: no feeds.
    feed_key: str | None = field(default=None, repr=False)
    #: Non-public networks feeds may be fetched from (COACH_FEED_ALLOW_NETWORKS): for tests
    #: on loopback only; empty in production, where only public addresses are fetched.
    feed_networks: tuple[str, ...] = ()
    #: PostgreSQL waits, in seconds: for a row lock, for one statement, before an idle open
    #: transaction is ended with its locks, and for a pooled connection.
    db_lock_timeout: float = DEFAULT_DB_LOCK_TIMEOUT
    db_statement_timeout: float = DEFAULT_DB_STATEMENT_TIMEOUT
    db_idle_timeout: float = DEFAULT_DB_IDLE_TIMEOUT
    db_pool_timeout: float = DEFAULT_DB_POOL_TIMEOUT
    #: Pooled connections one person may hold at once in a process (0: no limit).
    db_person_connections: int = DEFAULT_DB_PERSON_CONNECTIONS

    @property
    def mode(self) -> str:
        """'socket', 'http', 'oauth' (HTTP, many workspaces) or 'console' (no credentials)."""
        if self.bot_token and self.app_token:
            return "socket"
        if self.bot_token and self.signing_secret:
            return "http"
        if self.client_id and self.client_secret and self.signing_secret:
            return "oauth"
        return "console"

    @property
    def serves_http(self) -> bool:
        return self.mode in ("http", "oauth")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token, signing_secret, app_token = (
        get("SLACK_BOT_TOKEN"),
        get("SLACK_SIGNING_SECRET"),
        get("SLACK_APP_TOKEN"),
    )
    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        raise SettingsError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both to install the coach "
            "in many workspaces, or neither."
        )
    if client_id:
        if bot_token:
            raise SettingsError(
                "Both SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET "
                "(installs through Slack's OAuth) are set: keep one of them."
            )
        if app_token:
            raise SettingsError(
                "Installs through Slack's OAuth are served over HTTP: unset SLACK_APP_TOKEN."
            )
        if not signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is missing: installs through Slack's OAuth are served over "
                "HTTP, and every request is verified with it."
            )
    elif (signing_secret or app_token) and not bot_token:
        raise SettingsError(
            "SLACK_BOT_TOKEN is missing: the bot cannot post without it (or set "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install it in many workspaces)."
        )
    if bot_token and not (signing_secret or app_token):
        raise SettingsError(
            "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor "
            "SLACK_APP_TOKEN (Socket Mode) is: set one of them."
        )
    if bot_token and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN should be a bot token starting with xoxb-.")
    if app_token and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN should be an app-level token starting with xapp-.")
    port_text = get("PORT") or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a port number, not {port_text!r}.")
    api_url = get("SLACK_API_URL") or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_API_URL must be an http(s) address, not {api_url!r}.")
    rules = get("COACH_RULES_PATH")
    clock_start = None
    if start_text := get("COACH_CLOCK_START"):
        try:
            clock_start = datetime.fromisoformat(start_text)
        except ValueError:
            clock_start = None
        if (
            clock_start is None
            or clock_start.tzinfo is None
            or not EARLIEST_START.year <= clock_start.year <= LATEST_START.year
        ):
            raise SettingsError(
                "COACH_CLOCK_START must be an ISO date and time with a zone, between "
                f"{EARLIEST_START.year} and {LATEST_START.year}, like 2026-11-26T09:00:00-08:00, "
                f"not {start_text!r}."
            )
    flood_text = get("COACH_FLOOD_LIMIT") or "30"
    if not flood_text.isdigit():
        raise SettingsError(
            f"COACH_FLOOD_LIMIT must be a whole number of requests (0: no limit), not "
            f"{flood_text!r}."
        )
    database_url = get("COACH_DATABASE_URL")
    if database_url and not database_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError(
            "COACH_DATABASE_URL must be a PostgreSQL address starting with postgresql://, "
            "like postgresql://coach@db.internal:5432/coach (or leave it empty for the "
            "embedded store under COACH_DB_PATH)."
        )
    grace_text = get("COACH_UNINSTALL_GRACE_DAYS") or str(DEFAULT_UNINSTALL_GRACE_DAYS)
    if not grace_text.isdigit():
        raise SettingsError(
            f"COACH_UNINSTALL_GRACE_DAYS must be a whole number of days (0: at once), not "
            f"{grace_text!r}."
        )
    lease_text = get("COACH_LEASE_SECONDS") or str(DEFAULT_LEASE_SECONDS)
    if not lease_text.isdigit() or int(lease_text) < 1:
        raise SettingsError(
            f"COACH_LEASE_SECONDS must be a whole number of seconds, 1 or more, not {lease_text!r}."
        )
    timeout_text = get("COACH_SLACK_TIMEOUT") or str(DEFAULT_SLACK_TIMEOUT)
    if not timeout_text.isdigit() or int(timeout_text) < 1:
        raise SettingsError(
            f"COACH_SLACK_TIMEOUT must be a whole number of seconds, 1 or more, not "
            f"{timeout_text!r}."
        )
    stop_text = get("COACH_FAULT_STOP_BEFORE_POST") or ""
    waits = {
        name: _seconds(get(variable), default, variable)
        for name, variable, default in (
            ("db_lock_timeout", "COACH_DB_LOCK_TIMEOUT", DEFAULT_DB_LOCK_TIMEOUT),
            ("db_statement_timeout", "COACH_DB_STATEMENT_TIMEOUT", DEFAULT_DB_STATEMENT_TIMEOUT),
            ("db_idle_timeout", "COACH_DB_IDLE_TIMEOUT", DEFAULT_DB_IDLE_TIMEOUT),
            ("db_pool_timeout", "COACH_DB_POOL_TIMEOUT", DEFAULT_DB_POOL_TIMEOUT),
        )
    }
    if waits["db_lock_timeout"] > waits["db_statement_timeout"]:
        raise SettingsError(
            "COACH_DB_LOCK_TIMEOUT must not be longer than COACH_DB_STATEMENT_TIMEOUT: a "
            "statement's time includes its wait for a lock."
        )
    share_text = get("COACH_DB_PERSON_CONNECTIONS") or str(DEFAULT_DB_PERSON_CONNECTIONS)
    if not share_text.isdigit():
        raise SettingsError(
            "COACH_DB_PERSON_CONNECTIONS must be a whole number of connections (0: no limit), "
            f"not {share_text!r}."
        )
    scopes_text = get("SLACK_SCOPES")
    scopes = (
        tuple(s.strip() for s in scopes_text.split(",") if s.strip())
        if scopes_text
        else DEFAULT_SCOPES
    )
    redirect_uri = get("SLACK_REDIRECT_URI")
    if redirect_uri and not redirect_uri.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_REDIRECT_URI must be an http(s) address, not {redirect_uri!r}.")
    console_files = get("COACH_CONSOLE_FILES")
    console_tz = get("COACH_CONSOLE_TZ") or "UTC"
    if not is_known_zone(console_tz):
        raise SettingsError(
            f"COACH_CONSOLE_TZ must be a time zone name like Europe/Berlin, not {console_tz!r}."
        )
    networks_text = get("COACH_FEED_ALLOW_NETWORKS") or ""
    feed_networks = tuple(n.strip() for n in networks_text.split(",") if n.strip())
    for network in feed_networks:
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise SettingsError(
                "COACH_FEED_ALLOW_NETWORKS must be networks like 127.0.0.0/8, comma separated, "
                f"not {network!r}."
            ) from None
    return Settings(
        feed_key=get("COACH_FEED_KEY"),
        feed_networks=feed_networks,
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        port=int(port_text),
        db_path=Path(get("COACH_DB_PATH") or "data"),
        rules_path=Path(rules) if rules else _default_rules(),
        log_level=(get("LOG_LEVEL") or "INFO").upper(),
        console_tz=console_tz,
        console_files=Path(console_files) if console_files else None,
        flood_limit=int(flood_text),
        clock_start=clock_start,
        database_url=database_url,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        redirect_uri=redirect_uri,
        uninstall_grace_days=int(grace_text),
        lease_seconds=int(lease_text),
        slack_timeout=int(timeout_text),
        stop_before_post=frozenset(u.strip() for u in stop_text.split(",") if u.strip()),
        db_person_connections=int(share_text),
        **waits,
    )


def _seconds(text: str | None, default: float, variable: str) -> float:
    """A wait in seconds, like `1` or `0.5`: more than none, and under a minute."""
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 60:
        raise SettingsError(
            f"{variable} must be a number of seconds above 0 and at most 60, like 1 or 0.5, "
            f"not {text!r}."
        )
    return value
