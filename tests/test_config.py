"""Settings: the environment decides the mode; broken settings are refused clearly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

BOT = "xoxb-123-secret-token"
SIGNING = "abc123signing"
APP = "xapp-1-secret"


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
    for secret in (BOT, SIGNING, APP):
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
