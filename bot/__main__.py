"""Start-up: read settings, then run on Slack (Socket Mode, HTTP, or HTTP for many workspaces
through OAuth) or as the offline console; or forget a workspace's data on request."""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import logging
import os
import signal
import sys
import threading
import tomllib
from pathlib import Path

from dotenv import load_dotenv

from bot.clock import ShiftedClock, SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.domain.drafts import DraftsError
from bot.domain.playbook import PlaybookError
from bot.domain.reply_words import ReplyWordsError
from bot.domain.text import plural
from bot.runtime import SocketModeRefused, open_coach, open_store
from bot.slack.payloads import is_slack_id
from bot.storage.protocol import StoreError, StoreLocked

LOGGER = logging.getLogger("bot")

NO_CREDENTIALS = (
    "interview-coach serve: no Slack credentials are set. Set SLACK_BOT_TOKEN and "
    "SLACK_SIGNING_SECRET to serve over HTTP, or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for "
    "Socket Mode, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET to install "
    "it in many workspaces (in the environment or in .env). `interview-coach console` runs the "
    "offline console instead."
)


def version() -> str:
    """The installed version; a checkout that was never installed reads its pyproject."""
    try:
        return importlib.metadata.version("interview-coach")
    except importlib.metadata.PackageNotFoundError:
        return _pyproject_version(Path(__file__).resolve().parent.parent / "pyproject.toml")


def _pyproject_version(pyproject: Path) -> str:
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="interview-coach",
        description="Interview Coach: a Slack bot for the days after an interview.",
    )
    parser.add_argument(
        "mode",
        nargs="?",
        choices=("console", "serve", "migrate", "forget-workspace"),
        help="console: the offline console; serve: run on Slack (needs Slack credentials); "
        "migrate: copy the store under COACH_DB_PATH into PostgreSQL (with --to); "
        "forget-workspace TEAM_ID: delete that workspace's people's data now",
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        help="migrate: the PostgreSQL database to copy into, postgresql://…",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="migrate: continue a copy that was cut short (never redoes a finished one)",
    )
    parser.add_argument("team", nargs="?", help="the workspace (team id) to forget")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    args = parser.parse_args(argv)
    if (args.mode == "forget-workspace") != (args.team is not None):
        parser.error("a team id goes with forget-workspace, and only with it")
    load_dotenv()
    try:
        settings = load_settings()
    except SettingsError as problem:
        print(f"interview-coach: {problem}", file=sys.stderr)
        return 2
    if args.mode == "migrate":
        return _migrate(settings, args.to, resume=args.resume)
    if args.to is not None or args.resume:
        parser.error("--to and --resume only go with migrate")
    if args.mode == "forget-workspace":
        return _forget_workspace(settings, args.team)
    if args.mode == "serve" and settings.mode == "console":
        print(NO_CREDENTIALS, file=sys.stderr)
        return 2
    if args.mode != "console" and settings.mode != "console" and (short := _short_lease(settings)):
        print(f"interview-coach: {short}", file=sys.stderr)
        return 2
    console = args.mode == "console" or (args.mode is None and settings.mode == "console")
    quiet = console and "LOG_LEVEL" not in os.environ
    logging.basicConfig(
        level="WARNING" if quiet else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if console:
            from bot.local.console import run_console

            if args.mode is None:
                print("No Slack credentials set: starting the offline console.", file=sys.stderr)
            return run_console(settings, sys.stdin, sys.stdout, start=settings.clock_start)
        return _run_on_slack(settings)
    except (PlaybookError, DraftsError, ReplyWordsError, StoreError, SocketModeRefused) as problem:
        print(f"interview-coach: {problem}", file=sys.stderr)
        return 2


def _migrate(settings: Settings, url: str | None, *, resume: bool) -> int:
    """Copy every person from the TinyDB store into an empty PostgreSQL database, once.

    Exit 2 when the copy may not run (nothing was written), 1 when something could not be
    copied (listed; the copy stays unfinished), 0 when everything came across."""
    if not url or not url.startswith(("postgresql://", "postgres://")):
        print(
            "interview-coach migrate: say where to copy to, with --to postgresql://…",
            file=sys.stderr,
        )
        return 2
    from bot.storage.postgres_schema import where
    from bot.storage.transfer import TargetNotEmpty, copy_store

    if not (settings.db_path / "people").is_dir():
        print(
            f"interview-coach migrate: there is no store at {settings.db_path} "
            "(set COACH_DB_PATH to the folder the bot used)",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    try:
        copied = copy_store(settings.db_path, url, resume=resume)
    except TargetNotEmpty as problem:
        print(f"interview-coach migrate: refused, at {where(url)} {problem}", file=sys.stderr)
        return 2
    except StoreError as problem:
        print(f"interview-coach migrate: {problem}", file=sys.stderr)
        return 2
    print(f"Copied the store at {settings.db_path} into {where(url)}:")
    for line in copied.lines():
        print(f"  {line}")
    if copied.not_copied:
        print(
            f"interview-coach migrate: not copied ({len(copied.not_copied)}), the store's "
            "files left as they are; the copy is unfinished:",
            file=sys.stderr,
        )
        for line in copied.not_copied:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def _forget_workspace(settings: Settings, team_id: str) -> int:
    """Delete a workspace's people's data at once, as its grace period ending would."""
    if not is_slack_id(team_id) or not team_id.startswith("T"):
        print(f"interview-coach: {team_id!r} is not a Slack team id (T…)", file=sys.stderr)
        return 2
    try:
        store = open_store(settings)
    except StoreLocked as problem:
        print(
            f"interview-coach: {problem} The TinyDB store takes one process at a time: stop "
            "the coach, run forget-workspace, and start it again.",
            file=sys.stderr,
        )
        return 2
    except StoreError as problem:
        print(f"interview-coach: {problem}", file=sys.stderr)
        return 2
    try:
        count = store.forget_workspace(team_id)
        installed = store.find_installation(team_id) is not None
    finally:
        store.close()
    print(f"Deleted the data of {plural(count, 'person', 'people')} of workspace {team_id}.")
    if installed:
        print(f"{team_id} still has the app installed: its people can start afresh.")
    return 0


def _short_lease(settings: Settings) -> str | None:
    """Why the delivery lease cannot hold a post, if it cannot: a replica whose post may
    outlast its lease loses the person to another mid-post, and both could post."""
    from bot.coach.delivery import FENCE_MARGIN

    margin = int(FENCE_MARGIN.total_seconds())
    if settings.lease_seconds > settings.slack_timeout + margin:
        return None
    return (
        f"COACH_LEASE_SECONDS is {settings.lease_seconds}, but a post to Slack may take up to "
        f"{settings.slack_timeout} s (COACH_SLACK_TIMEOUT) and delivery keeps {margin} s more "
        f"in hand: set COACH_LEASE_SECONDS above {settings.slack_timeout + margin} "
        "(the default is 60), or lower COACH_SLACK_TIMEOUT."
    )


def _run_on_slack(settings: Settings) -> int:
    clock = ShiftedClock(settings.clock_start) if settings.clock_start else SystemClock()
    runtime = open_coach(settings, clock)
    gc.collect()
    gc.freeze()  # what start-up built lives for good: keep it out of every later collection
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if settings.mode == "socket":
            runtime.socket_mode().start()
        else:
            runtime.serve_http()
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
