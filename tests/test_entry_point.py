"""`interview-coach` as a person starts it: `--version`, `serve` on Slack, `console` offline."""

from __future__ import annotations

import importlib.metadata
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from harness.processes import free_port, wait_healthy

import bot.__main__ as entry
from bot.local.console import GREETING
from bot.local.standin import SlackStandIn

ROOT = Path(__file__).resolve().parent.parent
PROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
GREETING_START = GREETING.splitlines()[0]


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "COACH_")) and key not in ("LOG_LEVEL", "PORT")
    }
    # this checkout's bot package, whichever copy is installed
    env.update(PYTHONPATH=str(ROOT), COACH_DB_PATH=str(tmp_path / "data"), **settings)
    return env


def _run(
    tmp_path: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(tmp_path, **settings),
        timeout=60,
    )


def test_version_prints_the_package_version_and_exits_cleanly(tmp_path: Path) -> None:
    result = _run(tmp_path, "--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"interview-coach {PROJECT_VERSION}"
    assert GREETING_START not in result.stdout


def test_an_uninstalled_checkout_reads_its_version_from_pyproject(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)

    assert entry.version() == PROJECT_VERSION


def test_serve_without_credentials_says_what_to_set_and_never_starts_the_console(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, "serve", stdin="/interview help\n")

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr
    assert GREETING_START not in result.stdout
    assert "/interview list" not in result.stdout
    assert not (tmp_path / "data" / "console").exists()


def test_serve_with_an_unreachable_database_names_the_server_never_the_password(
    tmp_path: Path,
) -> None:
    result = _run(
        tmp_path,
        "serve",
        SLACK_BOT_TOKEN="xoxb-1-serve",
        SLACK_SIGNING_SECRET="serve-secret",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        COACH_DATABASE_URL="postgresql://coach:pg-secret-pw@127.0.0.1:9/coach",
    )

    assert result.returncode == 2
    message = result.stderr.strip()
    assert message.startswith("interview-coach: Cannot reach the PostgreSQL database at ")
    assert "127.0.0.1:9/coach" in message and len(message.splitlines()) == 1
    assert "pg-secret-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_console_is_forced_even_with_slack_credentials_set(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "console",
        stdin="/interview help\n",
        SLACK_BOT_TOKEN="xoxb-1-not-used",
        SLACK_SIGNING_SECRET="not-used",
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )

    assert result.returncode == 0, result.stderr
    assert GREETING_START in result.stdout
    assert "/interview list" in result.stdout
    assert "No Slack credentials" not in result.stderr


@pytest.mark.parametrize(
    ("lease", "timeout"), [("12", None), ("5", "3"), ("1", "1")], ids=["default", "3s", "1s"]
)
def test_serve_refuses_a_lease_a_post_could_outlast(
    tmp_path: Path, lease: str, timeout: str | None
) -> None:
    """A replica whose post may outlast its lease would lose the person mid-post."""
    settings = {"COACH_SLACK_TIMEOUT": timeout} if timeout else {}
    result = _run(
        tmp_path,
        "serve",
        SLACK_BOT_TOKEN="xoxb-1-serve",
        SLACK_SIGNING_SECRET="serve-secret",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        COACH_LEASE_SECONDS=lease,
        **settings,
    )

    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert message.startswith(f"interview-coach: COACH_LEASE_SECONDS is {lease}, but a post")
    assert f"up to {timeout or 10} s (COACH_SLACK_TIMEOUT)" in message
    assert f"above {int(timeout or 10) + 2}" in message and len(message.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists(), "refused before the store was opened"


def test_serve_with_credentials_runs_on_slack_over_http_until_stopped(tmp_path: Path) -> None:
    port = free_port()
    with SlackStandIn() as standin:
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=_environment(
                tmp_path,
                SLACK_BOT_TOKEN="xoxb-1-serve",
                SLACK_SIGNING_SECRET="serve-secret",
                SLACK_API_URL=standin.base_url,
                PORT=str(port),
            ),
        )
        try:
            wait_healthy(server, port, why_stopped=lambda: server.communicate()[1])
            server.send_signal(signal.SIGTERM)
            out, err = server.communicate(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
                server.communicate()

    assert server.returncode == 0, err
    assert GREETING_START not in out
    assert not (tmp_path / "data" / "console").exists()
