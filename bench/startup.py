"""Start-up of `python -m bot` in HTTP mode on a large store: time to /healthz 200, and memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import SECRET, TOKEN, rss_of
from bot.local.standin import SlackStandIn


@dataclass
class Startup:
    seconds: float
    rss_mb: float
    peak_mb: float
    exit_code: int | None
    stop_seconds: float
    posts_during_start: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
            seconds = _wait_healthy(process, port, began, timeout)
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


def _wait_healthy(process: subprocess.Popen[bytes], port: int, began: float, limit: float) -> float:
    while True:
        if healthy(port):
            return time.perf_counter() - began
        if process.poll() is not None:
            raise RuntimeError(f"the coach exited with {process.returncode} before it was healthy")
        if time.perf_counter() - began > limit:
            raise RuntimeError(f"/healthz did not answer 200 within {limit:.0f} s")
        time.sleep(0.01)
