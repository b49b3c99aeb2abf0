"""The offer plan over a person's book: what an offer, an acceptance or a decline changes
beyond the offer's own process (the other employers, the search), and the answer's date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.coach.plans import number_new, paused_until, person_day
from bot.domain.changes import OutcomeChange
from bot.domain.interview import Interview, Outcome, Process
from bot.domain.lifecycle import latest_round
from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState, cancel, mark_done
from bot.domain.offers import (
    REMINDER,
    TELL_OTHERS,
    WITHDRAW_OTHERS,
    offer_of,
    plan_for_others,
    plan_reminder,
)
from bot.domain.playbook import Playbook
from bot.domain.text import escape
from bot.storage.protocol import PersonBook


def after_outcome(
    book: PersonBook, playbook: Playbook, process: Process, now: datetime
) -> tuple[list[Nudge], list[Nudge]]:
    """The offer plan's part of a newly recorded outcome: (items planned, items cancelled).

    An offer brings an item per other open employer and the reminder before the answer is
    due; accepting ends the search and brings a withdrawal per other open employer;
    declining goes back to the search. Any outcome after an offer withdraws the "tell them
    you have an offer" items it had not seen acted on.
    """
    plan = playbook.offers
    cancelled = _stale_news(book, process, now) if process.outcome != Outcome.OFFER else []
    if process.outcome == Outcome.ACCEPTED and book.profile.searching:
        book.save_profile(replace(book.profile, searching=False))
    if process.outcome == Outcome.DECLINED and not book.profile.searching:
        book.save_profile(replace(book.profile, searching=True))
    if plan is None:
        return [], cancelled
    day, paused = person_day(book.profile, playbook), paused_until(book, now)
    others = _others(book, process)
    wanted: list[Nudge] = []
    if process.outcome == Outcome.OFFER:
        last = latest_round(_rounds(book, process.id))
        wanted = plan_for_others(
            plan.tell_others, TELL_OTHERS, process, others, now=now, day=day, paused_until=paused
        )
        wanted.append(plan_reminder(plan, process, last, now=now, day=day, paused_until=paused))
    elif process.outcome == Outcome.ACCEPTED:
        wanted = plan_for_others(
            plan.withdraw_others,
            WITHDRAW_OTHERS,
            process,
            others,
            now=now,
            day=day,
            paused_until=paused,
        )
    existing = {n.key for n in book.nudges_of([i.id for _, i in others] + _ids(book, process))}
    return number_new(book, [n for n in wanted if n.key not in existing]), cancelled


def answer_due(
    book: PersonBook, playbook: Playbook, process: Process, due: date, now: datetime
) -> tuple[Process, list[Nudge], list[Nudge]]:
    """They need the answer by `due`: the reminder moves to the working day before.

    Returns the process, the reminder planned and the reminders it replaces (untouched ones;
    one the person snoozed stays theirs)."""
    updated = replace(process, expected_on=due)
    book.save_process(updated)
    stale = [
        cancel(n, now)
        for n in book.open_nudges(_ids(book, process))
        if n.rule == REMINDER and not n.touched and n.state == NudgeState.SCHEDULED
    ]
    book.save_nudges(stale)
    planned: list[Nudge] = []
    if playbook.offers is not None:
        last = latest_round(_rounds(book, process.id))
        day, paused = person_day(book.profile, playbook), paused_until(book, now)
        reminder = plan_reminder(
            playbook.offers, updated, last, now=now, day=day, paused_until=paused
        )
        if not any(n.key == reminder.key for n in book.nudges_of(_ids(book, process))):
            planned = number_new(book, [reminder])
    return updated, planned, stale


def answer(
    book: PersonBook, playbook: Playbook, number: int, accepted: bool, now: datetime
) -> OutcomeChange:
    """Accepted or Declined, pressed on item `number`: it is done, and the offer answered."""
    from bot.coach import outcomes  # outcomes plans the offer plan through this module

    nudge = book.nudge(number)
    interview = book.interview(nudge.interview_id) if nudge else None
    process = book.process(interview.process_id) if interview else None
    if nudge is None or process is None:
        raise NudgeChangeRefused(f"You have no item #{number} about an offer.")
    outcome = Outcome.ACCEPTED if accepted else Outcome.DECLINED
    if process.outcome in (Outcome.ACCEPTED, Outcome.DECLINED, Outcome.WITHDRAWN):
        raise NudgeChangeRefused(
            f"{escape(process.company)} is already marked {process.outcome.value}; nothing "
            "was changed. `undo` takes back a press made by mistake."
        )
    pressed = []
    if nudge.state == NudgeState.SENT:
        pressed = [mark_done(nudge, now)]
        book.save_nudges(pressed)
    change = outcomes.record(book, playbook, process, outcome, now)
    # The pressed item's message is redrawn with the others that changed.
    return replace(change, withdrawn=[*change.withdrawn, *pressed])


def withdrawn_elsewhere(nudge: Nudge) -> bool:
    """Marking this item done means the person withdrew from its process."""
    return nudge.rule == WITHDRAW_OTHERS and nudge.state == NudgeState.DONE


def _stale_news(book: PersonBook, process: Process, now: datetime) -> list[Nudge]:
    """ "Tell them you have an offer" items for this offer that nobody acted on: withdrawn once
    the offer is answered (or gone)."""
    stale = [
        cancel(n, now)
        for n in book.open_nudges()
        if n.rule == TELL_OTHERS
        and offer_of(n.key) == process.id
        and not n.touched
        and n.state != NudgeState.SENDING
    ]
    book.save_nudges(stale)
    return stale


def _others(book: PersonBook, process: Process) -> list[tuple[Process, Interview]]:
    """The person's other processes still open, each with its latest round."""
    interviews = book.interviews()
    found = []
    for other in book.processes():
        rounds = [i for i in interviews if i.process_id == other.id]
        if other.id != process.id and not other.closed and rounds:
            found.append((other, latest_round(rounds)))
    return found


def _rounds(book: PersonBook, process_id: int) -> list[Interview]:
    return [i for i in book.interviews() if i.process_id == process_id]


def _ids(book: PersonBook, process: Process) -> list[int]:
    return [i.id for i in _rounds(book, process.id)]
