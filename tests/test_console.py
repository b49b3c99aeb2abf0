"""The offline console, as a newcomer runs it: piped input, no Slack account, no tty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """\
/interview add Acme, Staff Engineer, today 2pm, with Jane Doe and Bob Smith
advance 6h
done 2
click skip 3
list
what is this?
/interview add Acme
advance 1d
quit
this line is never read
"""


def run_console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "LOG_LEVEL"
    }
    env.update(
        PYTHONPATH=str(ROOT),  # this checkout's bot package, whichever copy is installed
        COACH_DB_PATH=str(tmp_path / "data"),
        COACH_CONSOLE_TZ="Europe/Berlin",
        COACH_CLOCK_START="2026-11-26T10:00:00+01:00",
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_the_console_starts_without_credentials_and_runs_a_whole_day(tmp_path: Path) -> None:
    result = run_console(tmp_path, SCRIPT)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "No Slack credentials set: starting the offline console." in result.stderr
    assert "Saved *Acme* · Staff Engineer" in out
    assert "Thu 26 Nov, 14:00–15:00 (Europe/Berlin)" in out
    assert "`#1` Thu 26 Nov, 15:50 · Proofread before anything goes to Acme" in out
    assert "[Done] [Snooze] [Skip]" not in out.split("> advance 6h")[0], "nothing due before"
    after_advance = out.split("> advance 6h")[1]
    assert "It is now Thu 26 Nov, 16:00." in after_advance
    assert "*3 things to do after your interview*" in after_advance
    assert "Marked `#2` Thank Jane Doe for the Acme interview as done." in out
    assert "Interview Coach DM, updated" in out
    assert ":fast_forward: Skipped." in out
    assert "*Open items*" in out
    assert "I understand these replies" in out
    assert "I couldn't" in out or "missing" in out.lower()
    assert "Connect with Jane Doe on LinkedIn" in out.split("> advance 1d")[1]
    assert "never read" not in out


def test_the_console_ends_cleanly_at_the_end_of_input(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/interview help\n", "console")

    assert result.returncode == 0, result.stderr
    assert "/interview list" in result.stdout
    assert "Traceback" not in result.stderr
