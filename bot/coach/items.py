"""Items (nudges) a person acts on: done, skip, snooze, by number or in their latest message.

What the person does to an item is final for that item: the engine never cancels, replaces
or repeats it afterwards (see the invariants in `bot.domain.lifecycle`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.coach import offers, outcomes
from bot.coach.plans import settle
from bot.domain.changes import NudgeChange
from bot.domain.interview import Outcome
from bot.domain.lifecycle import FOLLOW_UP, KEEP_HUNTING, follow_up_refusal, latest_round
from bot.domain.nudge import (
    Nudge,
    NudgeChangeRefused,
    NudgeState,
    mark_done,
    mark_skipped,
    snooze,
)
from bot.domain.playbook import Playbook
from bot.domain.timing import format_local
from bot.storage.protocol import PersonBook

#: Longest list of choices offered when it is not clear which item is meant.
CHOICES = 6


def target(book: PersonBook, number: int | None, verb: str) -> Nudge:
    """The item a person means: by number, or (None) the one item open in their latest
    message. When that message holds several, or none, they are asked which."""
    if number is not None:
        nudge = book.nudge(number)
        if nudge is None:
            raise NudgeChangeRefused(f"You have no item #{number}. `list` shows your items.")
        return nudge
    latest = book.latest_message()
    shown = book.nudges_in_message(latest) if latest else []
    still_open = [n for n in shown if n.state == NudgeState.SENT]
    if len(still_open) == 1:
        return still_open[0]
    example = f"`{verb} {still_open[0].number}`" if still_open else f"`{verb} 2`"
    if still_open:
        choices = ", ".join(f"`#{n.number}` {n.title}" for n in still_open[:CHOICES])
        raise NudgeChangeRefused(
            f"My last message has {len(still_open)} items: {choices}. Which one? Say {example}."
        )
    raise NudgeChangeRefused(
        f"Nothing is open in my last message. Add the item's number, like {example}; "
        "`list` shows them."
    )


def mark(
    book: PersonBook, playbook: Playbook, nudge: Nudge, verb: str, now: datetime
) -> NudgeChange:
    """Done or skip. Done on a follow-up means "I followed up": it is logged, and the next
    one is spaced from now; skipping one uses that suggestion without contact."""
    change = mark_done if verb == "done" else mark_skipped
    if nudge.rule == FOLLOW_UP and verb == "done" and nudge.is_open:
        interview = book.interview(nudge.interview_id)
        process = book.process(interview.process_id) if interview else None
        if process is not None:
            rounds = [i for i in book.interviews() if i.process_id == process.id]
            tz = book.profile.tz or "UTC"
            refusal = follow_up_refusal(playbook.follow_ups, process, latest_round(rounds), now, tz)
            if refusal:
                raise NudgeChangeRefused(refusal)
    return _apply(book, playbook, nudge, lambda n: change(n, now), now)


def snooze_until(
    book: PersonBook, playbook: Playbook, nudge: Nudge, until: datetime, now: datetime
) -> NudgeChange:
    """Later, never sooner: an item not yet due keeps its own time when that comes later."""
    if nudge.state == NudgeState.SCHEDULED and nudge.due_at > until:
        tz = book.profile.tz or "UTC"
        raise NudgeChangeRefused(
            f"#{nudge.number} isn't due until {format_local(nudge.due_at, tz)}; I'll remind "
            "you then, so there is nothing to snooze yet."
        )
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
    if offers.withdrawn_elsewhere(changed):
        # "Withdraw from Globex" done after accepting another offer: the person withdrew.
        interview = book.interview(changed.interview_id)
        process = book.process(interview.process_id) if interview else None
        if process is not None and not process.closed:
            recorded = outcomes.record(book, playbook, process, Outcome.WITHDRAWN, now, told=True)
            return NudgeChange(changed, recorded.planned)
    if changed.rule in (FOLLOW_UP, KEEP_HUNTING):
        interview = book.interview(changed.interview_id)
        process = book.process(interview.process_id) if interview else None
        if process is not None and changed.rule == FOLLOW_UP:
            if changed.state == NudgeState.DONE:
                process = replace(process, followed_up=(*process.followed_up, now))
            elif changed.state == NudgeState.SKIPPED:
                process = replace(process, skipped=(*process.skipped, now))
            book.save_process(process)
        planned, _ = settle(book, playbook, now, {process.id} if process else set())
    return NudgeChange(changed, planned)
