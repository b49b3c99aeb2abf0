"""Items (nudges) a person acts on: done, skip, snooze, by number or the latest one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.coach.plans import settle
from bot.domain.changes import NudgeChange
from bot.domain.lifecycle import FOLLOW_UP, KEEP_HUNTING
from bot.domain.nudge import (
    Nudge,
    NudgeChangeRefused,
    NudgeState,
    mark_done,
    mark_skipped,
    snooze,
)
from bot.domain.playbook import Playbook
from bot.storage.protocol import PersonBook


def target(book: PersonBook, number: int | None) -> Nudge:
    """The nudge a person means: by number, or (None) the latest one they were sent."""
    nudge = book.nudge(number) if number is not None else _latest_sent(book)
    if nudge is not None:
        return nudge
    if number is None:
        raise NudgeChangeRefused(
            "I'm not sure which item you mean. Add its number, like `done 2`; "
            "`list` shows the numbers."
        )
    raise NudgeChangeRefused(f"You have no item #{number}. `list` shows your items.")


def mark(
    book: PersonBook, playbook: Playbook, nudge: Nudge, verb: str, now: datetime
) -> NudgeChange:
    """Done or skip. Done on a follow-up means "I followed up": it is logged, and the next
    follow-up is spaced from now."""
    change = mark_done if verb == "done" else mark_skipped
    return _apply(book, playbook, nudge, lambda n: change(n, now), now)


def snooze_until(
    book: PersonBook, playbook: Playbook, nudge: Nudge, until: datetime, now: datetime
) -> NudgeChange:
    return _apply(book, playbook, nudge, lambda n: snooze(n, until, now), now)


def _apply(
    book: PersonBook,
    playbook: Playbook,
    nudge: Nudge,
    change: Callable[[Nudge], Nudge],
    now: datetime,
) -> NudgeChange:
    changed = change(nudge)
    book.save_nudges([changed])
    planned: list[Nudge] = []
    if changed.rule in (FOLLOW_UP, KEEP_HUNTING):
        interview = book.interview(changed.interview_id)
        process = book.process(interview.process_id) if interview else None
        if process is not None and changed.rule == FOLLOW_UP and changed.state == NudgeState.DONE:
            book.save_process(replace(process, followed_up=(*process.followed_up, now)))
        planned, _ = settle(book, playbook, now, {process.id} if process else set())
    return NudgeChange(changed, planned)


def _latest_sent(book: PersonBook) -> Nudge | None:
    ts = book.latest_message()
    if ts is None:
        return None
    sent = [n for n in book.nudges_in_message(ts) if n.state == NudgeState.SENT]
    return max(sent, key=lambda n: n.number) if sent else _any_latest_sent(book)


def _any_latest_sent(book: PersonBook) -> Nudge | None:
    """The newest message's items are all resolved: the newest still open elsewhere."""
    sent = [n for n in book.open_nudges() if n.state == NudgeState.SENT]
    return max(sent, key=lambda n: (float(n.message_ts or 0), n.number)) if sent else None
