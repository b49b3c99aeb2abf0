"""Settings: the environment decides the mode; broken settings are refused clearly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

BOT = "xoxb-123-secret-token"
SIGNING = "abc123signing"
APP = "xapp-1-secret"
CLIENT = "1111.2222"
CLIENT_SECRET = "client-secret-abc"
OAUTH = {"SLACK_CLIENT_ID": CLIENT, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
         "SLACK_SIGNING_SECRET": SIGNING}  # fmt: skip


def test_no_credentials_means_the_offline_console() -> None:
    settings = load_settings({})
    assert settings.mode == "console"
    assert settings.port == 3000
    assert settings.api_url == "https://slack.com/api/"
    assert settings.db_path == Path("data")


def test_an_app_token_means_socket_mode_and_a_signing_secret_http() -> None:
    assert load_settings({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}).mode == "socket"
    http = load_settings(
        {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SIGNING, "PORT": "8080",
         "SLACK_API_URL": "https://slack-gov.com/api", "COACH_DB_PATH": "/var/coach"}
    )  # fmt: skip
    assert http.mode == "http"
    assert http.port == 8080
    assert http.api_url == "https://slack-gov.com/api/"
    assert http.db_path == Path("/var/coach")


def test_client_credentials_and_a_signing_secret_mean_installs_through_oauth() -> None:
    settings = load_settings(OAUTH)
    assert settings.mode == "oauth"
    assert settings.serves_http
    assert settings.uninstall_grace_days == 30
    assert "chat:write" in settings.scopes
    assert settings.redirect_uri is None
    chosen = load_settings(
        {**OAUTH, "COACH_UNINSTALL_GRACE_DAYS": "7", "SLACK_SCOPES": "commands, chat:write",
         "SLACK_REDIRECT_URI": "https://coach.example.com/slack/oauth_redirect"}
    )  # fmt: skip
    assert chosen.uninstall_grace_days == 7
    assert chosen.scopes == ("commands", "chat:write")
    assert chosen.redirect_uri == "https://coach.example.com/slack/oauth_redirect"


def test_the_delivery_lease_is_a_minute_unless_set() -> None:
    assert load_settings({}).lease_seconds == 60
    assert load_settings({"COACH_LEASE_SECONDS": "5"}).lease_seconds == 5


def test_the_console_files_folder_is_a_setting() -> None:
    assert load_settings({}).console_files is None
    chosen = load_settings({"COACH_CONSOLE_FILES": "/tmp/coach-files"}).console_files
    assert chosen == Path("/tmp/coach-files")


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SLACK_BOT_TOKEN": BOT}, "neither SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": SIGNING}, "SLACK_BOT_TOKEN is missing"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": SIGNING}, "xoxb-"),
        ({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": "nope"}, "xapp-"),
        ({"PORT": "eighty"}, "PORT"),
        ({"SLACK_API_URL": "slack.com"}, "SLACK_API_URL"),
        ({"COACH_CLOCK_START": "2026-11-26 09:00"}, "with a zone"),
        ({"COACH_CLOCK_START": "0001-01-01T00:00:00+00:00"}, "between 2000 and 2100"),
        ({"COACH_CLOCK_START": "9999-12-31T23:59:00+00:00"}, "between 2000 and 2100"),
        ({"COACH_CONSOLE_TZ": "Mars/Olympus_Mons"}, "COACH_CONSOLE_TZ must be a time zone"),
        ({"SLACK_CLIENT_ID": CLIENT, "SLACK_SIGNING_SECRET": SIGNING}, "go together"),
        ({**OAUTH, "SLACK_BOT_TOKEN": BOT}, "keep one of them"),
        ({**OAUTH, "SLACK_APP_TOKEN": APP}, "unset SLACK_APP_TOKEN"),
        ({"SLACK_CLIENT_ID": CLIENT, "SLACK_CLIENT_SECRET": CLIENT_SECRET}, "SIGNING_SECRET"),
        ({**OAUTH, "COACH_UNINSTALL_GRACE_DAYS": "a month"}, "whole number of days"),
        ({**OAUTH, "SLACK_REDIRECT_URI": "coach.example.com/back"}, "SLACK_REDIRECT_URI"),
        ({"COACH_LEASE_SECONDS": "0"}, "COACH_LEASE_SECONDS must be a whole number"),
        ({"COACH_LEASE_SECONDS": "1m"}, "COACH_LEASE_SECONDS must be a whole number"),
    ],
)
def test_broken_settings_are_refused_with_a_clear_message(env: dict, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        load_settings(env)


def test_secrets_never_appear_in_the_settings_repr_or_logs(caplog) -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SIGNING, "SLACK_APP_TOKEN": APP}
    )
    caplog.set_level(logging.DEBUG)
    logging.getLogger("bot").info("Starting with %s", settings)
    logging.getLogger("bot").info("Starting with %s", load_settings(OAUTH))
    for secret in (BOT, SIGNING, APP, CLIENT_SECRET):
        assert secret not in repr(settings)
        assert secret not in caplog.text


def test_a_database_url_is_read_and_kept_out_of_the_logs() -> None:
    url = "postgresql://coach:pg-secret-pw@db.internal:5432/coach"
    settings = load_settings({"COACH_DATABASE_URL": url})
    assert settings.database_url == url
    assert "pg-secret-pw" not in repr(settings)
    assert load_settings({}).database_url is None


def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError, match="postgresql://") as refused:
        load_settings({"COACH_DATABASE_URL": "mysql://coach:pg-secret-pw@db/coach"})
    assert "pg-secret-pw" not in str(refused.value)


def test_the_databases_waits_are_settings_whose_defaults_the_store_shares() -> None:
    from bot.storage.postgres_waits import Waits

    default = load_settings({})
    assert (
        default.db_lock_timeout,
        default.db_statement_timeout,
        default.db_idle_timeout,
        default.db_pool_timeout,
        default.db_person_connections,
    ) == (
        Waits().lock,
        Waits().statement,
        Waits().idle_in_transaction,
        Waits().pool,
        Waits().per_person,
    )
    chosen = load_settings(
        {"COACH_DB_LOCK_TIMEOUT": "0.5", "COACH_DB_STATEMENT_TIMEOUT": "1.5",
         "COACH_DB_IDLE_TIMEOUT": "10", "COACH_DB_POOL_TIMEOUT": "0.25",
         "COACH_DB_PERSON_CONNECTIONS": "3"}
    )  # fmt: skip
    assert (chosen.db_lock_timeout, chosen.db_statement_timeout, chosen.db_idle_timeout) == (
        0.5,
        1.5,
        10.0,
    )
    assert (chosen.db_pool_timeout, chosen.db_person_connections) == (0.25, 3)
    assert Waits(lock=0.5, statement=1.5, idle_in_transaction=10).options() == (
        "-c lock_timeout=500 -c statement_timeout=1500 -c idle_in_transaction_session_timeout=10000"
    )


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"COACH_DB_LOCK_TIMEOUT": "0"}, "COACH_DB_LOCK_TIMEOUT must be a number of seconds"),
        ({"COACH_DB_POOL_TIMEOUT": "soon"}, "COACH_DB_POOL_TIMEOUT must be a number"),
        ({"COACH_DB_IDLE_TIMEOUT": "nan"}, "COACH_DB_IDLE_TIMEOUT must be a number"),
        ({"COACH_DB_STATEMENT_TIMEOUT": "61"}, "at most 60"),
        ({"COACH_DB_LOCK_TIMEOUT": "3"}, "must not be longer than COACH_DB_STATEMENT_TIMEOUT"),
        ({"COACH_DB_PERSON_CONNECTIONS": "-1"}, "COACH_DB_PERSON_CONNECTIONS must be a whole"),
    ],
)
def test_database_waits_that_cannot_work_are_refused(env: dict, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        load_settings(env)
