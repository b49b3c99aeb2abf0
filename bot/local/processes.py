"""The coach as a process of its own, as the tests and benchmarks start it: a free port to
serve on, and waiting until `/healthz` says it is ready."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from bot.slack.http import HEALTH_PATH


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    """Whether the coach on `port` answers `/healthz` with 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=1) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_healthy(
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    port: int,
    *,
    timeout: float = 30.0,
    poll: float = 0.02,
    why_stopped: Callable[[], str] = lambda: "",
) -> None:
    """Return once the coach is ready; a process that stops first, or never gets ready, is an
    error that says so (with `why_stopped()`, e.g. its log, when it stopped)."""
    deadline = time.monotonic() + timeout
    while not healthy(port):
        code = process.poll()
        if code is not None:
            raise RuntimeError(f"the coach exited with {code} before it was ready: {why_stopped()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the coach did not answer {HEALTH_PATH} within {timeout:.0f} s")
        time.sleep(poll)
