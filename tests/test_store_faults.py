"""The store's faults through the real app: full disks, short writes, damaged files.

Every acknowledged change survives; a change that could not be saved is answered as such
(never "Saved"); one person's damaged file never takes the bot down for anyone else.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import Bot, BotFactory, stop

from bot.domain.interview import Person
from bot.storage import journal
from bot.storage.tinydb_store import TinyStore

LA = "America/Los_Angeles"


def text_of(reply: dict) -> str:
    return json.dumps(reply)


class FullDisk:
    """Writes to files whose path ends with `suffix` stop part-way, as on a full disk: the
    first call writes a few bytes and returns the short count, the next raises ENOSPC."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.failing = False

    def write(self, fd: int, data: bytes) -> int:
        if self.failing and os.readlink(f"/proc/self/fd/{fd}").endswith(self.suffix):
            if len(data) > 8:
                return os.write(fd, bytes(data[:8]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(fd, data)


@pytest.fixture
def la_bot(bot: Bot) -> Bot:
    for user in ("U1", "U2"):
        bot.standin.set_user(user, tz=LA, team_id="T1")
        bot.without_holidays(user)
    return bot


def test_an_add_that_could_not_be_written_is_answered_as_not_saved_and_is_not_kept(
    la_bot: Bot, bot_factory: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FullDisk("/U1.log")
    monkeypatch.setattr(journal, "raw_write", disk.write)
    assert "Saved" in text_of(la_bot.command("add Acme, Engineer, tomorrow 2pm, with Jo Lee"))

    disk.failing = True
    reply = text_of(la_bot.command("add Globex, Analyst, tomorrow 4pm, with Al Bo"))
    assert "Saved" not in reply and "couldn't save that" in reply
    assert "Saved" in text_of(la_bot.command("add Initech, Dev, tomorrow 3pm", user="U2"))
    disk.failing = False
    assert "Saved" in text_of(la_bot.command("add Umbrella, Dev, tomorrow 5pm"))

    stop(la_bot)
    again = bot_factory()
    companies = {i.company for i in again.coach.overview(Person("T1", "U1")).upcoming}
    assert companies == {"Acme", "Umbrella"}, "acknowledged adds kept, the refused one gone"


def test_a_click_whose_change_cannot_be_saved_is_told_so_without_waiting(
    la_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    la_bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    la_bot.advance(timedelta(minutes=1))
    message = la_bot.dms()[0]
    button = next(b for b in message.blocks if b["type"] == "actions")["elements"][0]
    disk = FullDisk("/U1.log")
    disk.failing = True
    monkeypatch.setattr(journal, "raw_write", disk.write)

    began = time.monotonic()
    status, _ = la_bot.click(message, button["action_id"], button["value"])

    assert status == 200 and time.monotonic() - began < 2.5
    assert la_bot.standin.wait_for(
        lambda s: any("couldn't save that" in json.dumps(r) for r in s.responses())
    )


def test_an_add_after_an_early_ack_that_cannot_be_saved_is_told_so(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first command acks at once (the time zone is fetched after): the failure still gets
    a plain answer, not Bolt's "didn't call ack()" 404 three seconds later."""
    bot.standin.set_user("U9", tz=LA, team_id="T1")
    disk = FullDisk("/U9.log")
    disk.failing = True
    monkeypatch.setattr(journal, "raw_write", disk.write)
    began = time.monotonic()

    reply = text_of(bot.command("add Acme, Engineer, tomorrow 2pm", user="U9"))

    assert "couldn't save that" in reply
    assert time.monotonic() - began < 2.5


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB filesystem (tmpfs): writes there end in ENOSPC like on a full disk."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip()}); run as root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_on_a_really_full_disk_every_acknowledged_add_survives(
    tiny_disk: Path, bot_factory: BotFactory, standin
) -> None:
    standin.set_user("U1", tz=LA, team_id="T1")
    store = tiny_disk / "store"
    bot = bot_factory(db=store, flood_limit=0)
    ballast = tiny_disk / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(ballast, max(ballast.stat().st_size - 96 * 1024, 0))

    saved, refused = [], 0
    for number in range(200):
        reply = text_of(bot.command(f"add Co{number}, Engineer, tomorrow 2pm, with Jo Lee"))
        if "Saved" in reply:
            saved.append(f"Co{number}")
        else:
            assert "couldn't save that" in reply, reply
            refused += 1
            if refused >= 3:
                break
    assert saved and refused, "the disk filled up during the adds"
    stop(bot)
    ballast.unlink()

    reopened = TinyStore(store)
    try:
        with reopened.transaction(Person("T1", "U1")) as book:
            companies = [i.company for i in book.interviews()]
    finally:
        reopened.close()
    assert companies == saved, "exactly the acknowledged adds, in order"


def test_a_damaged_person_file_is_set_aside_and_everyone_else_is_served(
    bot_factory: BotFactory, standin, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for user in ("U1", "U2"):
        standin.set_user(user, tz=LA, team_id="T1")
    first = bot_factory()
    first.command("add Acme, Engineer, tomorrow 2pm, with Jo Lee")
    first.command("add Globex, Analyst, tomorrow 3pm", user="U2")
    stop(first)
    log = tmp_path / "store" / "people" / "T1" / "U1.log"
    log.write_bytes(b"\x00garbage\n" + log.read_bytes())
    (tmp_path / "store" / "people" / ".DS_Store").write_bytes(b"\x00")
    shutil.copytree(tmp_path / "store" / "people" / "T1", tmp_path / "store" / "people" / "T1.bak")

    with caplog.at_level(logging.ERROR):
        second = bot_factory()

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and str(log.parent) in errors[0] and "line 1 of" in errors[0]
    assert "Globex" in text_of(second.command("list", user="U2")), "U2 is served as before"
    assert "Saved" in text_of(second.command("add Initech, Dev, tomorrow 4pm"))
    assert standin.wait_for(
        lambda s: any("set it aside" in json.dumps(m.blocks) for m in s.messages("DU1"))
    )
    second.command("list")
    notices = [m for m in standin.messages("DU1") if "set it aside" in json.dumps(m.blocks)]
    assert len(notices) == 1, "told once"
    assert any((tmp_path / "store" / "quarantine" / "T1").glob("U1.*.log"))
