"""The store: per-person files written atomically, one process at a time, a due index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.interview import Interview, Person, Profile
from bot.domain.nudge import Nudge, NudgeState, mark_done, retry_later
from bot.storage.tinydb_store import (
    COMPACT_AFTER,
    COMPACT_BYTES,
    Store,
    StoreLocked,
    load_person_file,
)

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ALICE = Person("T1", "U1")
BOB = Person("T2", "U1")


def nudge(number: int, due: datetime, **changes) -> Nudge:
    base = Nudge(
        number=number, interview_id=1, rule="thank-you", title="t", text="x", tip="y", due_at=due
    )
    return Nudge(**{**base.__dict__, **changes})


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "store")
    yield opened
    opened.close()


def test_a_transaction_is_one_durable_write_that_survives_reopening(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with store.transaction(ALICE) as book:
        book.save_profile(Profile(tz="Europe/Berlin", next_nudge_number=3))
        book.save_interview(
            Interview(1, "Acme", "Dev", NOW, NOW + timedelta(hours=1), "Europe/Berlin")
        )
        book.save_nudges([nudge(1, NOW), nudge(2, NOW + timedelta(days=1))])
    store.close()

    reopened = Store(tmp_path / "store")
    with reopened.transaction(ALICE) as book:
        assert book.profile.tz == "Europe/Berlin"
        assert [i.company for i in book.interviews()] == ["Acme"]
        assert [n.number for n in book.nudges()] == [1, 2]
    assert reopened.pending_count() == 2
    assert reopened.next_due_at() == NOW
    reopened.close()


def test_a_failed_transaction_changes_nothing_on_disk_or_in_memory(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW)])
    with pytest.raises(RuntimeError), store.transaction(ALICE) as book:
        book.save_nudges([mark_done(nudge(1, NOW), NOW)])
        raise RuntimeError("crash in the middle")
    with store.transaction(ALICE) as book:
        assert book.nudge(1).state == NudgeState.SCHEDULED


def test_workspaces_never_mix(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW, title="Alice's")])
    with store.transaction(BOB) as book:
        assert book.nudges() == []
        book.save_nudges([nudge(1, NOW, title="Bob's")])
    with store.transaction(ALICE) as book:
        assert book.nudge(1).title == "Alice's"
    assert set(store.people()) == {ALICE, BOB}


def test_ids_that_are_not_slack_ids_are_refused(store: Store) -> None:
    with (
        pytest.raises(ValueError, match="not a Slack id"),
        store.transaction(Person("T1", "../../etc/passwd")),
    ):
        pass


def test_due_index_hands_out_what_is_due_and_honours_retry_times(store: Store) -> None:
    later = NOW + timedelta(hours=2)
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW), nudge(2, later), retry_later(nudge(3, NOW), NOW)])
    assert store.take_due(NOW) == [(ALICE, 1)]
    assert store.take_due(NOW + timedelta(seconds=5)) == [(ALICE, 3)]
    assert store.take_due(NOW + timedelta(hours=1)) == []
    assert store.take_due(later) == [(ALICE, 2)]


def test_watchers_hear_of_new_due_times_after_the_write(store: Store) -> None:
    heard: list[datetime] = []
    store.watch_due(heard.append)
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW), nudge(2, NOW, state=NudgeState.DONE)])
        assert heard == [], "nothing is announced before it is durable"
    assert heard == [NOW]


def test_each_change_is_one_journal_line_and_the_snapshot_is_compacted(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "store" / "people" / "T1"
    for number in range(1, 11):
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(number, NOW)])
    assert sorted(p.name for p in folder.iterdir()) == ["U1.log"]
    assert len((folder / "U1.log").read_bytes().splitlines()) == 10

    for number in range(11, 3 * COMPACT_AFTER):
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(number, NOW)])

    assert sorted(p.name for p in folder.iterdir()) == ["U1.json", "U1.log"], "no temp files"
    journal = (folder / "U1.log").read_bytes()
    assert len(journal.splitlines()) < COMPACT_AFTER
    assert len(journal) <= max((folder / "U1.json").stat().st_size, COMPACT_BYTES)
    assert oct(os.stat(folder / "U1.json").st_mode & 0o777) == "0o600"
    data, lines = load_person_file(folder / "U1.json")
    assert lines == len(journal.splitlines())
    assert sorted(map(int, data["nudges"])) == list(range(1, 3 * COMPACT_AFTER))


def test_a_torn_last_journal_line_loses_only_that_transaction(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    for number in (1, 2):
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(number, NOW)])
    store.close()
    journal = tmp_path / "store" / "people" / "T1" / "U1.log"
    whole = journal.read_bytes()
    with journal.open("ab") as torn:
        torn.write(whole.splitlines()[0][:25])

    reopened = Store(tmp_path / "store")
    with reopened.transaction(ALICE) as book:
        assert [n.number for n in book.nudges()] == [1, 2]
    reopened.close()


def test_a_crash_between_snapshot_and_emptying_the_journal_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replaying the whole old journal over the new snapshot ends in the same data."""

    def crash(*_: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr("bot.storage.tinydb_store.os.truncate", crash)
    store = Store(tmp_path / "store")
    for number in range(1, 2 * COMPACT_AFTER):
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(number, NOW)])
            if number > 1:
                book.save_nudges([mark_done(nudge(number - 1, NOW), NOW)])
    store.close()
    folder = tmp_path / "store" / "people" / "T1"
    assert len((folder / "U1.log").read_bytes().splitlines()) == 2 * COMPACT_AFTER - 1
    snapshot = json.loads((folder / "U1.json").read_text())

    replayed, _ = load_person_file(folder / "U1.json")
    assert replayed == snapshot
    assert len(replayed["nudges"]) == 2 * COMPACT_AFTER - 1
    states = [replayed["nudges"][str(n)]["state"] for n in range(1, 2 * COMPACT_AFTER)]
    assert states == ["done"] * (2 * COMPACT_AFTER - 2) + ["scheduled"]


def test_a_second_process_on_the_same_store_is_refused(store: Store, tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from bot.storage.tinydb_store import Store, StoreLocked\n"
        "try:\n    Store(Path(sys.argv[1]))\nexcept StoreLocked as e:\n    print(e); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "store")], capture_output=True, text=True
    )
    assert result.returncode == 3
    assert "already using the store" in result.stdout
    with pytest.raises(StoreLocked):
        Store(tmp_path / "store")
