"""Moving to PostgreSQL: every person of the TinyDB store copied as they are, once.

Each person is copied in one transaction on the target: profile, interviews, processes, nudges
in whatever state they are, the undo record, their calendar feed (its address still sealed)
and any message the old store still owed them.
Workspaces come along too, in one transaction: each team's installation and any departure
still pending (OAuth states are not: they live for minutes).

A copy goes into an empty database only. Once the coach runs on PostgreSQL the target is newer
than the old files: copying again would bring back a forgotten person, reopen a rejected
employer's follow-up, make a sent nudge due again or restore a token of a workspace that
uninstalled. So a target that holds anything is refused, and the refusal says what it holds.
`--resume` continues a copy that was cut short (the target records it, `store_copies`): the
workspaces are copied once, and a person the target knows in any way (copied already, or
seen, changed or forgotten by the coach since) is left as the target has them.

The source is only read (see bot.storage.tinydb_source): a file that cannot be read is named
among what was not copied, the copy stays unfinished, and the command fails.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from bot.domain.interview import Person
from bot.domain.text import plural
from bot.storage.postgres_feeds import write_feed
from bot.storage.postgres_schema import connect
from bot.storage.postgres_store import PostgresStore
from bot.storage.protocol import StoreError
from bot.storage.tinydb_source import UNREADABLE, EmbeddedSource


class TargetNotEmpty(StoreError):
    """The target holds data a copy could overwrite: nothing was written to it."""


@dataclass
class Copied:
    """What a run copied, for the operator to check against the old store."""

    people: int = 0
    kept: int = 0
    interviews: int = 0
    processes: int = 0
    nudges: Counter[str] = field(default_factory=Counter)
    notices: int = 0
    feeds: int = 0
    installations: int = 0
    departures: int = 0
    workspaces_earlier: bool = False
    #: One line per thing left out: a file that could not be read, say.
    not_copied: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        states = ", ".join(f"{state} {count}" for state, count in sorted(self.nudges.items()))
        lines = [f"people: {self.people}"]
        if self.kept:
            lines[0] += f" ({self.kept} already in the target, left as they are)"
        lines += [
            f"interviews: {self.interviews}",
            f"processes: {self.processes}",
            f"nudges: {sum(self.nudges.values())}" + (f" ({states})" if states else ""),
            f"notices: {self.notices}",
            f"calendar feeds: {self.feeds}",
        ]
        if self.workspaces_earlier:
            lines.append("installations and departures: copied by the earlier run")
        else:
            lines += [f"installations: {self.installations}", f"departures: {self.departures}"]
        return lines


@dataclass(frozen=True)
class Holdings:
    """What a database already holds, in the words a refusal names it."""

    people: int
    kept: int
    interviews: int
    installations: int
    departures: int

    def __bool__(self) -> bool:
        return any((self.people, self.interviews, self.installations, self.departures))

    def describe(self) -> str:
        parts = [plural(self.kept, "person", "people") + " with data"]
        if self.people > self.kept:
            parts.append(f"{self.people - self.kept} more known (forgotten, or never saved)")
        parts += [
            plural(self.interviews, "interview", "interviews"),
            plural(self.installations, "installation", "installations"),
        ]
        if self.departures:
            parts.append(plural(self.departures, "pending departure", "pending departures"))
        return ", ".join(parts)


def copy_store(folder: Path, url: str, *, resume: bool = False) -> Copied:
    """Copy the TinyDB store in `folder` into the empty PostgreSQL database at `url` (or
    continue an interrupted copy there, with `resume`); both are closed whatever happened."""
    source = EmbeddedSource(folder)
    try:
        target = PostgresStore(url)  # brings the schema up to date, store_copies with it
        try:
            with connect(url, None) as conn:
                workspaces_done = _begin(conn, folder, resume=resume)
                copied = Copied(workspaces_earlier=workspaces_done)
                if not workspaces_done:
                    _copy_workspaces(source, conn, copied)
                for person in source.people():
                    _copy_person(source, target, conn, person, copied)
                copied.not_copied += source.problems
                if not copied.not_copied:
                    conn.execute("UPDATE store_copies SET finished_at = %s", (time.time(),))
                    conn.commit()
            return copied
        finally:
            target.close()
    finally:
        source.close()


def holdings(conn: psycopg.Connection) -> Holdings:
    """Count what the database holds (people are counted however little is kept of them)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM people WHERE kept),"
        " (SELECT count(*) FROM interviews), (SELECT count(*) FROM installations),"
        " (SELECT count(*) FROM workspace_departures)"
    ).fetchone()
    assert row is not None
    return Holdings(*(int(n) for n in row))


def _begin(conn: psycopg.Connection, folder: Path, *, resume: bool) -> bool:
    """Record the start of a copy, or find the one to continue; True when that one already
    copied the workspaces. Raises TargetNotEmpty (writing nothing) when the copy may not run."""
    with conn.transaction():
        conn.execute("LOCK TABLE store_copies IN EXCLUSIVE MODE")  # one copy at a time
        earlier = conn.execute(
            "SELECT source, started_at, workspaces_copied, finished_at FROM store_copies"
        ).fetchone()
        held = holdings(conn)
        if earlier is not None and earlier[3] is not None:
            raise TargetNotEmpty(
                f"a copy from {earlier[0]} into this database finished at {_moment(earlier[3])}, "
                f"and it holds {held.describe()} now. Copying again would undo what happened "
                "since (a rejection, a forget, a sent nudge, an uninstall): nothing was copied."
            )
        if earlier is not None and not resume:
            raise TargetNotEmpty(
                f"a copy from {earlier[0]} into this database began at {_moment(earlier[1])} "
                f"and did not finish; it holds {held.describe()}. Run migrate again with "
                "--resume to continue it: nothing was copied."
            )
        if earlier is None and held:
            raise TargetNotEmpty(
                f"the database already holds {held.describe()}, and no copy of ours was cut "
                "short there. Copy only into an empty database (or schema): nothing was copied."
            )
        if earlier is None:
            conn.execute(
                "INSERT INTO store_copies (source, started_at) VALUES (%s, %s)",
                (str(folder.resolve()), time.time()),
            )
            return False
        return bool(earlier[2])


def _copy_workspaces(source: EmbeddedSource, conn: psycopg.Connection, copied: Copied) -> None:
    """Installations and departures in one transaction with the note that they are done, so
    a resumed copy never brings back a token of a workspace that uninstalled since."""
    installations, problems = source.installations()
    departures, more = source.departures()
    copied.not_copied += problems + more
    with conn.transaction():
        for installation in installations:
            conn.execute(
                "INSERT INTO installations (team_id, enterprise_id, record) VALUES (%s, %s, %s)"
                " ON CONFLICT (team_id) DO NOTHING",
                (installation.team_id, installation.enterprise_id, Jsonb(installation.to_record())),
            )
            copied.installations += 1
        for team, at in departures:
            conn.execute(
                "INSERT INTO workspace_departures (team_id, forget_at) VALUES (%s, %s)"
                " ON CONFLICT (team_id) DO NOTHING",
                (team, at.timestamp()),
            )
            copied.departures += 1
        conn.execute("UPDATE store_copies SET workspaces_copied = true")


def _copy_person(
    source: EmbeddedSource,
    target: PostgresStore,
    conn: psycopg.Connection,
    person: Person,
    copied: Copied,
) -> None:
    """One person, whole, unless the target knows them already (then it is newer)."""
    copied.people += 1
    known = conn.execute(
        "SELECT 1 FROM people WHERE team_id = %s AND user_id = %s",
        (person.team_id, person.user_id),
    ).fetchone()
    conn.rollback()
    if known is not None:
        copied.kept += 1
        return
    notice = source.notices().get(person)
    try:
        old = source.book(person)
        interviews, processes, nudges = old.interviews(), old.processes(), old.nudges()
        profile, undo = old.profile, old.undo_record()
        has_profile = bool(old.export().get("profile"))
        feed = source.calendar_feed(person)
    except (*UNREADABLE, KeyError, TypeError) as problem:
        copied.not_copied.append(f"{person.team_id}/{person.user_id}: {problem}")
        return
    with target.transaction(person) as new:
        if has_profile:
            new.save_profile(profile)
        for interview in interviews:
            new.save_interview(interview)
        for process in processes:
            new.save_process(process)
        new.save_nudges(nudges)
        new.save_undo_record(undo)
        if feed is not None:
            # In the person's own transaction, so a resumed copy, which leaves a person the
            # target knows as they are, never finds them without their feed.
            write_feed(new.connection, person, feed, overwrite=False)
            new.wrote_aside = True
            copied.feeds += 1
        if notice is not None:
            new.connection.execute(
                "UPDATE people SET kept = true, notice = %s WHERE team_id = %s AND user_id = %s",
                (notice, person.team_id, person.user_id),
            )
            new.wrote_aside = True
            copied.notices += 1
    copied.interviews += len(interviews)
    copied.processes += len(processes)
    copied.nudges.update(n.state.value for n in nudges)


def _moment(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))
