"""The TinyDB store's files: journal lines, compaction, torn and corrupt files, full disks.

What every backend promises is in tests/contract/; this file is about the files on disk.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.interview import Interview, Person, Profile
from bot.domain.nudge import Nudge, NudgeState, mark_done
from bot.storage import journal
from bot.storage.journal import CorruptPersonFile, read_person
from bot.storage.protocol import StoreError, StoreLocked, StoreWriteFailed
from bot.storage.tinydb_store import COMPACT_AFTER, COMPACT_BYTES, TinyStore

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ALICE = Person("T1", "U1")
BOB = Person("T1", "U2")


def nudge(number: int, **changes: object) -> Nudge:
    base = Nudge(
        number=number, interview_id=1, rule="thank-you", title="t", text="x", tip="y", due_at=NOW
    )
    return Nudge(**{**base.__dict__, **changes})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(root: Path):
    opened = TinyStore(root)
    yield opened
    opened.close()


def files(root: Path, person: Person = ALICE) -> tuple[Path, Path]:
    snapshot = root / "people" / person.team_id / f"{person.user_id}.json"
    return snapshot, snapshot.with_suffix(".log")


def write_nudges(store: TinyStore, person: Person, numbers: range) -> None:
    for number in numbers:
        with store.transaction(person) as book:
            book.save_nudges([nudge(number)])


def numbers_of(store: TinyStore, person: Person = ALICE) -> list[int]:
    with store.transaction(person) as book:
        return [n.number for n in book.nudges()]


def test_each_change_is_one_journal_line_and_the_snapshot_is_compacted(
    store: TinyStore, root: Path
) -> None:
    folder = root / "people" / "T1"
    write_nudges(store, ALICE, range(1, 11))
    assert sorted(p.name for p in folder.iterdir()) == ["U1.log"]
    assert len(files(root)[1].read_bytes().splitlines()) == 10

    write_nudges(store, ALICE, range(11, 3 * COMPACT_AFTER))

    assert sorted(p.name for p in folder.iterdir()) == ["U1.json", "U1.log"], "no temp files"
    log = files(root)[1].read_bytes()
    assert len(log.splitlines()) < COMPACT_AFTER
    assert len(log) <= max(files(root)[0].stat().st_size, COMPACT_BYTES)
    assert oct(os.stat(files(root)[0]).st_mode & 0o777) == "0o600"
    tables, lines, _, torn = read_person(*files(root))
    assert (lines, torn) == (len(log.splitlines()), False)
    assert sorted(map(int, tables["nudges"])) == list(range(1, 3 * COMPACT_AFTER))


def test_only_a_torn_last_line_is_dropped_and_it_is_cut_before_the_next_append(
    root: Path,
) -> None:
    store = TinyStore(root)
    write_nudges(store, ALICE, range(1, 3))
    store.close()
    log = files(root)[1]
    with log.open("ab") as torn:
        torn.write(log.read_bytes().splitlines()[0][:25])

    reopened = TinyStore(root)
    assert numbers_of(reopened) == [1, 2]
    write_nudges(reopened, ALICE, range(3, 4))
    reopened.close()
    again = TinyStore(root)
    assert numbers_of(again) == [1, 2, 3], "no torn line in the middle"
    again.close()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda snap, log: log.write_bytes(_flip(log.read_bytes(), 1)), "line 1 of 4"),
        (lambda snap, log: snap.write_bytes(b"null"), "holds NoneType"),
        (lambda snap, log: snap.write_bytes(b""), "empty"),
        (lambda snap, log: snap.write_bytes(b"\x00\xff\xfe binary"), "not valid JSON"),
        (lambda snap, log: snap.write_bytes(b'{"nudges": [1, 2]}'), "not a mapping"),
        (lambda snap, log: snap.write_bytes(b"[" * 100_000), "not valid JSON"),
        (lambda snap, log: log.write_bytes(b'{"a": 1}\n' + log.read_bytes()), "line 1 of 5"),
    ],
    ids=["flipped-byte", "null", "empty", "binary", "wrong-shape", "deep", "foreign-line"],
)
def test_a_damaged_person_file_is_set_aside_and_everyone_else_is_served(
    root: Path, damage, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = TinyStore(root)
    write_nudges(store, ALICE, range(1, 4))
    write_nudges(store, BOB, range(1, 3))
    with store.transaction(ALICE) as book:
        book.save_profile(Profile(tz="UTC"))
    store.close()
    snapshot, log = files(root)
    if not snapshot.exists():
        snapshot.write_text(json.dumps({"nudges": {}}))
    original = (snapshot.read_bytes(), log.read_bytes())
    damage(snapshot, log)
    damaged = {p.suffix: p.read_bytes() for p in (snapshot, log)}

    with caplog.at_level(logging.ERROR):
        reopened = TinyStore(root)
    assert original != (damaged[".json"], damaged[".log"])
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "T1/U1" in errors[0] and str(snapshot.parent) in errors[0]
    assert problem in errors[0], errors[0]
    kept = sorted((root / "quarantine" / "T1").glob("U1.*.*"))
    assert {p.suffix: p.read_bytes() for p in kept} == damaged, "the bytes are kept"
    assert numbers_of(reopened, BOB) == [1, 2], "everyone else is served"
    assert numbers_of(reopened, ALICE) == [], "the damaged person starts afresh"
    notice = reopened.take_notice(ALICE)
    assert notice and "set it aside" in notice
    assert reopened.take_notice(ALICE) is None, "told once"
    reopened.close()
    assert TinyStore(root).take_notice(ALICE) is None, "still told once after a restart"


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]


def test_files_that_are_not_the_stores_are_ignored(root: Path) -> None:
    store = TinyStore(root)
    write_nudges(store, ALICE, range(1, 2))
    store.close()
    people = root / "people"
    (people / ".DS_Store").write_bytes(b"\x00\x01")
    (people / "T1.bak").mkdir()
    (people / "T1.bak" / "U1.json").write_text("not json")
    (people / "T1" / ".DS_Store").write_bytes(b"\x00")
    (people / "T1" / "notes.txt").write_text("hello")
    (people / "T1" / ".U1.json.123.tmp").write_text("{")

    reopened = TinyStore(root)
    assert list(reopened.people()) == [ALICE]
    assert numbers_of(reopened) == [1]
    assert not (root / "quarantine").exists()
    reopened.close()


def test_a_person_file_that_is_a_folder_is_set_aside(root: Path) -> None:
    snapshot, _ = files(root)
    snapshot.mkdir(parents=True)
    store = TinyStore(root)
    assert numbers_of(store) == []
    write_nudges(store, ALICE, range(1, 2))
    assert numbers_of(store) == [1]
    assert any((root / "quarantine" / "T1").glob("U1.*.json"))
    store.close()


def test_a_lock_path_that_is_a_folder_is_named_in_a_clear_error(root: Path) -> None:
    (root / "store.lock").mkdir(parents=True)
    with pytest.raises(StoreError, match=r"store\.lock is a folder"):
        TinyStore(root)


def test_a_second_process_on_the_same_store_is_refused(store: TinyStore, root: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from bot.storage.tinydb_store import TinyStore\n"
        "from bot.storage.protocol import StoreLocked\n"
        "try:\n    TinyStore(Path(sys.argv[1]))\nexcept StoreLocked as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert result.returncode == 3
    assert "already using the store" in result.stdout
    with pytest.raises(StoreLocked):
        TinyStore(root)


# -- full disks: short writes and failing writes ----------------------------------------------


class ShortWrites:
    """Writes as a full or flaky disk does them: part of the buffer, the short count returned
    without an error, then (optionally) ENOSPC. `only` limits it to files named so."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        *,
        chunk: int,
        fail_after: int | None,
        only: str = "",
    ) -> None:
        self.chunk = chunk
        self.fail_after = fail_after
        self.only = only
        self.written = 0
        monkeypatch.setattr(journal, "raw_write", self.write)

    def write(self, fd: int, data: bytes) -> int:
        if self.only and not os.readlink(f"/proc/self/fd/{fd}").endswith(self.only):
            return os.write(fd, data)
        if self.fail_after is not None and self.written >= self.fail_after:
            raise OSError(errno.ENOSPC, "No space left on device")
        count = os.write(fd, bytes(data[: self.chunk]))
        self.written += count
        return count


def test_short_writes_are_resumed_until_every_byte_is_written(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TinyStore(root)
    ShortWrites(monkeypatch, chunk=7, fail_after=None)
    write_nudges(store, ALICE, range(1, 2 * COMPACT_AFTER))
    store.close()
    monkeypatch.undo()
    reopened = TinyStore(root)
    assert numbers_of(reopened) == list(range(1, 2 * COMPACT_AFTER))
    reopened.close()


def test_a_journal_write_that_fails_midway_is_refused_and_leaves_the_journal_whole(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TinyStore(root)
    write_nudges(store, ALICE, range(1, 3))
    before = files(root)[1].read_bytes()
    ShortWrites(monkeypatch, chunk=20, fail_after=40)
    with pytest.raises(StoreWriteFailed), store.transaction(ALICE) as book:
        book.save_nudges([nudge(3, title="x" * 500)])
    assert files(root)[1].read_bytes() == before, "the partial line was cut off again"
    monkeypatch.undo()
    assert numbers_of(store) == [1, 2], "memory forgot the failed change too"
    write_nudges(store, ALICE, range(4, 5))
    store.close()
    reopened = TinyStore(root)
    assert numbers_of(reopened) == [1, 2, 4]
    reopened.close()


def test_a_snapshot_not_written_whole_is_never_renamed_over_the_good_one(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TinyStore(root)
    write_nudges(store, ALICE, range(1, COMPACT_AFTER + 1))
    good = files(root)[0].read_bytes()
    ShortWrites(monkeypatch, chunk=100, fail_after=300, only=".tmp")

    write_nudges(store, ALICE, range(COMPACT_AFTER + 1, 2 * COMPACT_AFTER + 2))

    assert files(root)[0].read_bytes() == good, "the failed compaction left the snapshot alone"
    assert not list(files(root)[0].parent.glob(".*.tmp")), "the half-written temp file is gone"
    store.close()
    monkeypatch.undo()
    reopened = TinyStore(root)
    assert numbers_of(reopened) == list(range(1, 2 * COMPACT_AFTER + 2))
    reopened.close()


def test_a_crash_between_snapshot_and_emptying_the_journal_loses_nothing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replaying the whole old journal over the new snapshot ends in the same data."""

    def power_cut(*_: object) -> None:
        raise OSError(errno.EIO, "power cut")

    monkeypatch.setattr("bot.storage.tinydb_store.empty_journal", power_cut)
    store = TinyStore(root)
    for number in range(1, 2 * COMPACT_AFTER):
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(number)])
            if number > 1:
                book.save_nudges([mark_done(nudge(number - 1), NOW)])
    store.close()
    snapshot, log = files(root)
    assert len(log.read_bytes().splitlines()) == 2 * COMPACT_AFTER - 1
    on_disk = json.loads(snapshot.read_text())
    replayed, _, _, _ = read_person(snapshot, log)
    assert replayed == on_disk
    states = [replayed["nudges"][str(n)]["state"] for n in range(1, 2 * COMPACT_AFTER)]
    assert states == ["done"] * (2 * COMPACT_AFTER - 2) + ["scheduled"]


def test_reading_names_the_file_and_what_is_wrong(root: Path) -> None:
    snapshot, log = files(root)
    snapshot.parent.mkdir(parents=True)
    log.write_bytes(b'[["nudges","1",{"number":1}]]\nnot json\n[]\n')
    with pytest.raises(CorruptPersonFile) as problem:
        read_person(snapshot, log)
    assert str(log) in str(problem.value) and "line 2 of 3" in str(problem.value)


def test_interviews_survive_alongside_nudges(store: TinyStore, root: Path) -> None:
    with store.transaction(ALICE) as book:
        book.save_interview(Interview(1, "Acme", "Dev", NOW, NOW, "UTC"))
        book.save_nudges([nudge(1, state=NudgeState.SENT, message_ts="1.5")])
    tables, _, _, _ = read_person(*files(root))
    assert tables["interviews"]["1"]["company"] == "Acme"
    assert tables["nudges"]["1"]["message_ts"] == "1.5"
