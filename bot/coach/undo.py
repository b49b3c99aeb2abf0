"""Undo: what a person's last change replaced, kept so `/interview undo` can put it back.

Undo is the coach's rule, not the store's: while a change runs, its writes go through an
`UndoRecorder`, which keeps each record's before-image; the store only keeps that record.
Delivery's own writes are never recorded, and counters and settings are never undone, so a
number is never handed out twice.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.domain.interview import Interview, Outcome, Person, Process, Profile
from bot.domain.nudge import Nudge, NudgeState, cancel
from bot.storage.protocol import PersonBook

#: Tables whose records a change may touch and undo may put back.
_TABLES = ("interviews", "processes", "nudges")


class UndoRecorder:
    """A PersonBook that remembers what each record looked like before this change."""

    def __init__(self, book: PersonBook, now: datetime) -> None:
        self._book = book
        self._now = now
        self._before: dict[str, dict[str, dict[str, Any] | None]] = {t: {} for t in _TABLES}

    # Reads go straight to the person's book.

    @property
    def person(self) -> Person:
        return self._book.person

    @property
    def profile(self) -> Profile:
        return self._book.profile

    def save_profile(self, profile: Profile) -> None:
        self._book.save_profile(profile)

    def interview(self, interview_id: int) -> Interview | None:
        return self._book.interview(interview_id)

    def interviews(self) -> list[Interview]:
        return self._book.interviews()

    def process(self, process_id: int) -> Process | None:
        return self._book.process(process_id)

    def processes(self) -> list[Process]:
        return self._book.processes()

    def nudge(self, number: int) -> Nudge | None:
        return self._book.nudge(number)

    def open_nudges(self, interview_ids: Collection[int] | None = None) -> list[Nudge]:
        return self._book.open_nudges(interview_ids)

    def nudges_of(self, interview_ids: Collection[int]) -> list[Nudge]:
        return self._book.nudges_of(interview_ids)

    def nudges_in_message(self, message_ts: str) -> list[Nudge]:
        return self._book.nudges_in_message(message_ts)

    def latest_message(self) -> str | None:
        return self._book.latest_message()

    def due_nudges(self, now: datetime) -> list[Nudge]:
        return self._book.due_nudges(now)

    def waiting_nudges(self) -> list[Nudge]:
        return self._book.waiting_nudges()

    def nudges(self) -> list[Nudge]:
        return self._book.nudges()

    def undo_record(self) -> dict[str, Any] | None:
        return self._book.undo_record()

    def save_undo_record(self, record: dict[str, Any] | None) -> None:
        self._book.save_undo_record(record)

    def export(self) -> dict[str, list[dict[str, Any]]]:
        return self._book.export()

    # Writes to interviews, processes and nudges are remembered first.

    def save_interview(self, interview: Interview) -> None:
        self._remember("interviews", interview.id, self._book.interview(interview.id))
        self._book.save_interview(interview)

    def delete_interview(self, interview_id: int) -> None:
        self._remember("interviews", interview_id, self._book.interview(interview_id))
        self._book.delete_interview(interview_id)

    def save_process(self, process: Process) -> None:
        self._remember("processes", process.id, self._book.process(process.id))
        self._book.save_process(process)

    def delete_process(self, process_id: int) -> None:
        self._remember("processes", process_id, self._book.process(process_id))
        self._book.delete_process(process_id)

    def save_nudges(self, nudges: Collection[Nudge]) -> None:
        for nudge in nudges:
            self._remember("nudges", nudge.number, self._book.nudge(nudge.number))
        self._book.save_nudges(nudges)

    def delete_nudges(self, numbers: Collection[int]) -> None:
        for number in numbers:
            self._remember("nudges", number, self._book.nudge(number))
        self._book.delete_nudges(numbers)

    def finish(self, description: str) -> None:
        """Keep the before-images of this change, replacing those of the previous one."""
        if any(self._before.values()):
            self._book.save_undo_record(
                {
                    "description": description,
                    "at": self._now.timestamp(),
                    "before": self._before,
                }
            )

    def _remember(self, table: str, key: int, old: Interview | Process | Nudge | None) -> None:
        before = self._before[table]
        if str(key) not in before:
            before[str(key)] = None if old is None else old.to_record()


def last_change(book: PersonBook) -> tuple[str, datetime] | None:
    """The description and moment of the person's last undoable change."""
    record = book.undo_record()
    if not record:
        return None
    return str(record["description"]), datetime.fromtimestamp(record["at"], UTC)


def undo_last_change(book: PersonBook, now: datetime) -> list[Nudge]:
    """Put back what the last change replaced; the nudges whose messages need a redraw.

    What the person sees follows: a message the change had marked "no longer needed" shows
    its buttons again, and one the change had sent (a condolence after a "no") says it is no
    longer needed. A nudge delivery sent after the change keeps its delivery: putting the old
    one back would send it twice.
    """
    record = book.undo_record()
    if not record:
        return []
    before = record["before"]
    for key, old in before.get("interviews", {}).items():
        if old is None:
            book.delete_interview(int(key))
        else:
            book.save_interview(Interview.from_record(old))
    for key, old in before.get("processes", {}).items():
        current_process = book.process(int(key))
        if old is None:
            book.delete_process(int(key))
        else:
            book.save_process(Process.from_record(old))
        if (
            current_process is not None
            and current_process.outcome == Outcome.ACCEPTED
            and (old is None or old["outcome"] != Outcome.ACCEPTED.value)
            and not book.profile.searching
        ):
            # The acceptance ended the search; taking it back resumes it.
            book.save_profile(replace(book.profile, searching=True))
    restored: list[Nudge] = []
    removed: list[int] = []
    for key, old in before.get("nudges", {}).items():
        current = book.nudge(int(key))
        if current is None:
            if old is not None:
                restored.append(Nudge.from_record(old))
        elif old is None:
            if current.message_ts or current.state == NudgeState.SENDING:
                restored.append(cancel(current, now))
            elif current.state == NudgeState.SCHEDULED:
                removed.append(current.number)
        elif not _delivered_since(old, current):
            restored.append(Nudge.from_record(old))
    book.delete_nudges(removed)
    book.save_nudges(restored)
    book.save_undo_record(None)
    return [n for n in restored if n.message_ts]


def _delivered_since(old: dict[str, Any], current: Nudge) -> bool:
    """Delivery sent this nudge after the change: putting it back would send it twice."""
    return old["state"] == NudgeState.SCHEDULED.value and current.state in (
        NudgeState.SENDING,
        NudgeState.SENT,
    )
