"""Moving to PostgreSQL: every person of the TinyDB store copied as they are, repeatably.

Each person is copied in one transaction on each side: profile, interviews, processes, nudges
in whatever state they are, the undo record and any message the old store still owed them.
Workspaces come along too: each team's installation and any departure still pending (OAuth
states are not: they live for minutes).
The copy replaces what the target holds for that person, so running it again changes nothing,
and a run cut short is finished by running it again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.interview import Person
from bot.storage.postgres_store import PostgresStore
from bot.storage.tinydb_store import TinyStore


@dataclass
class Copied:
    """What a run copied, for the operator to check against the old store."""

    people: int = 0
    changed: int = 0
    interviews: int = 0
    processes: int = 0
    nudges: Counter[str] = field(default_factory=Counter)
    notices: int = 0
    installations: int = 0
    departures: int = 0

    def lines(self) -> list[str]:
        states = ", ".join(f"{state} {count}" for state, count in sorted(self.nudges.items()))
        return [
            f"people: {self.people} ({self.changed} changed)",
            f"interviews: {self.interviews}",
            f"processes: {self.processes}",
            f"nudges: {sum(self.nudges.values())}" + (f" ({states})" if states else ""),
            f"notices: {self.notices}",
            f"installations: {self.installations}",
            f"departures: {self.departures}",
        ]


def copy_store(folder: Path, url: str) -> Copied:
    """Open the TinyDB store in `folder` and the PostgreSQL one at `url`, copy everyone
    across, and close both, whatever happened."""
    source = TinyStore(folder)
    try:
        target = PostgresStore(url)
        try:
            return copy_everyone(source, target)
        finally:
            target.close()
    finally:
        source.close()


def copy_everyone(source: TinyStore, target: PostgresStore) -> Copied:
    """Copy every person of `source` into `target`, replacing what `target` held for them."""
    copied = Copied()
    for installation in source.workspaces.installations():
        target.save_installation(installation)
        copied.installations += 1
    for team in source.workspaces_to_forget(datetime.max.replace(tzinfo=UTC)):
        at = source.workspace_forget_at(team)
        if at is not None:
            target.schedule_workspace_forget(team, at)
            copied.departures += 1
    for person in source.people():
        if copy_person(source, target, person, copied):
            copied.changed += 1
        copied.people += 1
    return copied


def copy_person(source: TinyStore, target: PostgresStore, person: Person, copied: Copied) -> bool:
    """One person, whole; True when the target held anything else for them before."""
    with source.transaction(person) as old, target.transaction(person) as new:
        before = new.export()
        kept = old.export()
        if kept.get("profile"):
            new.save_profile(old.profile)
        interviews, processes, nudges = old.interviews(), old.processes(), old.nudges()
        for interview in new.interviews():
            if interview.id not in {i.id for i in interviews}:
                new.delete_interview(interview.id)
        for process in new.processes():
            if process.id not in {p.id for p in processes}:
                new.delete_process(process.id)
        numbers = {n.number for n in nudges}
        new.delete_nudges([n.number for n in new.nudges() if n.number not in numbers])
        for interview in interviews:
            new.save_interview(interview)
        for process in processes:
            new.save_process(process)
        new.save_nudges(nudges)
        new.save_undo_record(old.undo_record())
        after = new.export()
    notice = source.owed_notice(person)
    if notice is not None:
        target.leave_notice(person, notice)
        copied.notices += 1
    copied.interviews += len(interviews)
    copied.processes += len(processes)
    copied.nudges.update(n.state.value for n in nudges)
    return before != after
