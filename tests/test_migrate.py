"""`interview-coach migrate --to postgresql://…`: every person arrives as they were, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.__main__ as entry
from bot.domain.interview import Interview, Interviewer, Person, Process, Profile
from bot.domain.nudge import Nudge, NudgeState
from bot.storage.postgres_schema import schema_url
from bot.storage.postgres_store import PostgresStore
from bot.storage.protocol import Installation
from bot.storage.tinydb_store import TinyStore

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
PEOPLE = [Person("T1", "U1"), Person("T1", "U2"), Person("T2", "U1")]
NOTICE = "I couldn't read what I had saved for you."
INSTALLED = Installation(
    team_id="T1", bot_token="xoxb-t1-token", installed_at=NOW, bot_scopes=("commands",)
)
LEAVING = NOW + timedelta(days=30)


def seed(root: Path) -> None:
    """Three people with interviews, processes, nudges in every state, undo records."""
    store = TinyStore(root)
    try:
        for n, person in enumerate(PEOPLE, start=1):
            with store.transaction(person) as book:
                book.save_profile(Profile(tz="Europe/Berlin", my_name=f"Sam {n}", dm_channel="D1"))
                for interview_id in (1, 2):
                    book.save_interview(
                        Interview(
                            interview_id,
                            f"Acme {n}",
                            "Dev",
                            NOW,
                            NOW + timedelta(hours=1),
                            "Europe/Berlin",
                            (Interviewer("Jane Doe"),),
                            created_at=NOW,
                        )
                    )
                book.save_process(Process(1, f"Acme {n}", "Dev"))
                book.save_nudges(
                    [
                        Nudge(
                            number=number,
                            interview_id=1 + number % 2,
                            rule="thank-you",
                            title=f"#{number}",
                            text="x",
                            tip="y",
                            due_at=NOW + timedelta(hours=number),
                            state=state,
                            message_ts=f"17000000{number}.000100"
                            if state is not NudgeState.SCHEDULED
                            else None,
                        )
                        for number, state in enumerate(NudgeState, start=1)
                    ]
                )
                book.save_undo_record({"description": f"adding {n}", "at": 1.5, "before": {}})
    finally:
        store.close()
    workspaces = TinyStore(root)
    try:
        workspaces.save_installation(INSTALLED)
        workspaces.schedule_workspace_forget("T2", LEAVING)
    finally:
        workspaces.close()
    aside = root / "quarantine" / "T2"
    aside.mkdir(parents=True)
    (aside / "U1.notice").write_text(NOTICE, encoding="utf-8")


def snapshot(store: TinyStore | PostgresStore, person: Person) -> dict[str, object]:
    with store.transaction(person) as book:
        return {
            "profile": book.profile,
            "interviews": book.interviews(),
            "processes": book.processes(),
            "nudges": book.nudges(),
            "undo": book.undo_record(),
        }


def test_migrate_copies_every_person_with_their_states_and_a_second_run_changes_nothing(
    tmp_path: Path,
    postgres_url: str,
    postgres_schema: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "data"
    seed(root)
    schema = postgres_schema()
    url = schema_url(postgres_url, schema)
    monkeypatch.setenv("COACH_DB_PATH", str(root))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)

    assert entry.main(["migrate", "--to", url]) == 0
    first = capsys.readouterr().out
    assert "people: 3 (3 changed)" in first
    assert "interviews: 6" in first and "processes: 3" in first
    assert "nudges: 18 (cancelled 3, done 3, scheduled 3, sending 3, sent 3, skipped 3)" in first
    assert "notices: 1" in first
    assert "installations: 1" in first and "departures: 1" in first

    source, target = TinyStore(root), PostgresStore(url)
    try:
        assert set(target.people()) == set(PEOPLE)
        for person in PEOPLE:
            assert snapshot(target, person) == snapshot(source, person)
        assert target.pending_count() == source.pending_count() == 6
        assert target.next_due_at() == source.next_due_at() == NOW + timedelta(hours=1)
        assert target.find_installation("T1") == INSTALLED
        assert target.workspace_forget_at("T2") == LEAVING
    finally:
        source.close()
        target.close()

    assert entry.main(["migrate", "--to", url]) == 0
    assert "people: 3 (0 changed)" in capsys.readouterr().out
    target = PostgresStore(url)
    try:
        assert target.take_notice(Person("T2", "U1")) == NOTICE
        assert target.take_notice(Person("T1", "U1")) is None
    finally:
        target.close()


def test_migrate_without_a_target_or_a_store_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_DB_PATH", str(tmp_path / "nothing-here"))
    assert entry.main(["migrate"]) == 2
    assert "--to postgresql://" in capsys.readouterr().err
    assert entry.main(["migrate", "--to", "postgresql://coach@127.0.0.1:9/coach"]) == 2
    assert "no store at" in capsys.readouterr().err
    assert not (tmp_path / "nothing-here").exists()
