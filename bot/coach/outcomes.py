"""Where a hiring process stands: outcomes, the date they said they would decide, follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.coach import offers
from bot.coach.plans import (
    number_new,
    one_process,
    paused_until,
    person_day,
    process_and_date,
    settle,
    withdraw_follow_ups,
)
from bot.domain.changes import OutcomeChange
from bot.domain.interview import Outcome, Process
from bot.domain.lifecycle import FOLLOW_UP, follow_up_refusal, latest_round
from bot.domain.nudge import NudgeChangeRefused, NudgeState, cancel, mark_done
from bot.domain.playbook import Playbook, plan_outcome_nudges, plan_rule
from bot.domain.text import escape
from bot.domain.timing import format_local, zone
from bot.storage.protocol import PersonBook


def find(book: PersonBook, target: str) -> Process:
    """The one process `target` names; refuses with the choices when it is not clear."""
    return one_process(book.processes(), book.interviews(), target)


def record(
    book: PersonBook,
    playbook: Playbook,
    process: Process,
    outcome: Outcome,
    now: datetime,
    *,
    told: bool = False,
) -> OutcomeChange:
    """Record where a process stands, and change the plans to fit at once.

    News withdraws the follow-ups planned before it (those the person has not touched) and
    warms up a process that had gone quiet; a closing outcome brings its closing items, and
    an offer, its acceptance or its decline the offer plan (`bot.coach.offers`). `told`: the
    person already wrote to the employer about it, so no closing item suggests writing.
    """
    if process.outcome == outcome:
        raise NudgeChangeRefused(f"{escape(process.company)} is already marked {outcome.value}.")
    updated = replace(process, outcome=outcome, outcome_at=now, cold_at=None)
    book.save_process(updated)
    rounds = [i for i in book.interviews() if i.process_id == process.id]
    ids = {i.id for i in rounds}
    stale = withdraw_follow_ups(book, ids, now)
    outdated = [
        cancel(n, now)
        for n in book.open_nudges(ids)
        if n.closing and not n.touched and n.state != NudgeState.SENDING
    ]
    book.save_nudges(outdated)
    stale += outdated
    earlier = book.nudges_of(ids)
    # Planned and not dropped: still open, done, or delivered before an earlier outcome (an
    # offer) closed it; a thank-you to references presumes they were told.
    kept = {
        n.rule
        for n in earlier
        if n.state not in (NudgeState.CANCELLED, NudgeState.SKIPPED)
        or (n.state == NudgeState.CANCELLED and n.message_ts)
    }
    acted = {_occasion(n.key) for n in earlier if n.closing and n.touched}
    wanted = plan_outcome_nudges(
        playbook,
        latest_round(rounds),
        outcome,
        now=now,
        day=person_day(book.profile, playbook),
        paused_until=paused_until(book, now),
        planned_rules=kept,
    )
    if told:
        wanted = [n for n in wanted if not n.contacts_employer]
    closing = number_new(book, [n for n in wanted if _occasion(n.key) not in acted])
    plan, elsewhere = offers.after_outcome(book, playbook, updated, now)
    planned, cancelled = settle(book, playbook, now, {process.id})
    withdrawn = [n for n in stale + cancelled if n.interview_id in ids] + elsewhere
    shown = sorted(closing + plan + planned, key=lambda n: (n.due_at, n.number))
    return OutcomeChange(book.process(process.id) or updated, withdrawn, shown)


def _occasion(key: str) -> str:
    """A closing item's rule, process and outcome, without the moment it was recorded: the
    person who already acted on "weigh the Acme offer" is not asked again when the same news
    is recorded a second time."""
    return key.partition("@")[0]


def references_asked(
    book: PersonBook, playbook: Playbook, process: Process, now: datetime
) -> OutcomeChange:
    """The employer asked for references: the heads-up to them comes now (once)."""
    if process.closed:
        raise NudgeChangeRefused(
            f"{escape(process.company)} is marked {process.outcome.value}; no references to "
            "prepare for them."
        )
    updated = replace(process, references_at=now, outcome_at=now, cold_at=None)
    book.save_process(updated)
    rounds = [i for i in book.interviews() if i.process_id == process.id]
    last = latest_round(rounds)
    day, paused = person_day(book.profile, playbook), paused_until(book, now)
    wanted = [
        plan_rule(playbook, rule, last, None, now=now, day=day, paused=paused, since=now)
        for rule in playbook.rules
        if rule.anchor == "references"
    ]
    existing = {
        n.key for n in book.nudges_of([i.id for i in rounds]) if n.state != NudgeState.CANCELLED
    }
    planned = number_new(book, [n for n in wanted if n.key not in existing])
    stale = withdraw_follow_ups(book, {i.id for i in rounds}, now)
    more, _ = settle(book, playbook, now, {process.id})
    return OutcomeChange(book.process(process.id) or updated, stale, planned + more)


def expect_decision(
    book: PersonBook, playbook: Playbook, target: str, when_text: str, *, now: datetime, tz: str
) -> OutcomeChange:
    """Record the date they said they would decide by; the follow-up keys off it."""
    interviews = book.interviews()
    process, decided = process_and_date(book.processes(), interviews, target, when_text, now, tz)
    if process.offer_open:
        if decided < now.astimezone(zone(tz)).date():
            raise NudgeChangeRefused(
                f"{decided:%a} {decided.day} {decided:%b} has passed. When do they need your "
                f"answer on the {escape(process.company)} offer? Nothing was changed."
            )
        updated, planned, stale = offers.answer_due(book, playbook, process, decided, now)
        return OutcomeChange(updated, stale, planned)
    if process.closed:
        raise NudgeChangeRefused(
            f"{escape(process.company)} is marked {process.outcome.value}; no decision to wait for."
        )
    rounds = [i for i in interviews if i.process_id == process.id]
    last = latest_round(rounds)
    if decided < last.starts_at.astimezone(zone(tz)).date():
        raise NudgeChangeRefused(
            f"Your {escape(process.company)} interview is on {format_local(last.starts_at, tz)}: "
            "a decision before it doesn't fit. Tell me the date they give you there. "
            "Nothing was changed."
        )
    updated = replace(process, expected_on=decided, outcome_at=now, cold_at=None)
    book.save_process(updated)
    stale = withdraw_follow_ups(book, {i.id for i in interviews if i.process_id == process.id}, now)
    planned, _ = settle(book, playbook, now, {process.id})
    return OutcomeChange(book.process(process.id) or updated, stale, planned)


def log_follow_up(
    book: PersonBook, playbook: Playbook, process: Process, *, now: datetime, tz: str
) -> OutcomeChange:
    """The person says they followed up: logged, unless it is too early or too soon."""
    rounds = [i for i in book.interviews() if i.process_id == process.id]
    refusal = follow_up_refusal(playbook.follow_ups, process, latest_round(rounds), now, tz)
    if refusal:
        raise NudgeChangeRefused(refusal)
    updated = replace(process, followed_up=(*process.followed_up, now))
    book.save_process(updated)
    answered = [
        (mark_done(n, now) if n.state == NudgeState.SENT else cancel(n, now))
        for n in book.open_nudges({i.id for i in rounds})
        if n.rule == FOLLOW_UP and n.state != NudgeState.SENDING
    ]
    book.save_nudges(answered)
    planned, _ = settle(book, playbook, now, {process.id})
    return OutcomeChange(book.process(process.id) or updated, answered, planned)
