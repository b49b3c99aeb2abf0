"""Start-up of `python -m bot` in HTTP mode on a large store: time to /healthz 200, and memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import SECRET, TOKEN, rss_of
from bot.local.standin import SlackStandIn
from tests.harness.processes import free_port, wait_healthy


@dataclass
class Startup:
    seconds: float
    rss_mb: float
    peak_mb: float
    exit_code: int | None
    stop_seconds: float
    posts_during_start: int


def measure(
    standin: SlackStandIn,
    store: Path,
    log: Path,
    *,
    timeout: float = 60.0,
    database_url: str | None = None,
) -> Startup:
    """Run the coach as it runs in production, poll /healthz, then stop it with SIGTERM.

    With `database_url` the coach runs on that PostgreSQL database (`store` is then only its
    working folder)."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SLACK_APP_TOKEN", "COACH_RULES_PATH")
    }
    env.update(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=standin.base_url,
        PORT=str(port),
        COACH_DB_PATH=str(store),
        LOG_LEVEL="WARNING",
    )
    if database_url is not None:
        env["COACH_DATABASE_URL"] = database_url
    posts_before = len(standin.calls_to("chat.postMessage"))
    with log.open("wb") as output:
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=store.parent,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(process, port, timeout=timeout, poll=0.01)
            seconds = time.perf_counter() - began
            memory = rss_of(process.pid)
            posts = len(standin.calls_to("chat.postMessage")) - posts_before
            stopping = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            try:
                code: int | None = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                code = None
            stop_seconds = time.perf_counter() - stopping
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return Startup(
        seconds=seconds,
        rss_mb=memory.get("VmRSS", float("nan")),
        peak_mb=memory.get("VmHWM", float("nan")),
        exit_code=code,
        stop_seconds=stop_seconds,
        posts_during_start=posts,
    )
