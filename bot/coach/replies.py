"""A person's situation as replies are read against it, and outcomes said in words, recorded
once the person confirmed them."""

from __future__ import annotations

from datetime import datetime

from bot.coach import outcomes, settings
from bot.coach.undo import UndoRecorder
from bot.domain.changes import OutcomeChange
from bot.domain.interview import Outcome
from bot.domain.nudge import NudgeChangeRefused, NudgeState
from bot.domain.playbook import Playbook
from bot.domain.text import escape, match_key
from bot.domain.understanding import Employer, Item, Situation
from bot.storage.protocol import PersonBook


def situation(book: PersonBook, now: datetime) -> Situation:
    """Open items (delivered or still to come), processes, and what the coach's latest
    message left open: everything a reply may refer to."""
    interviews = {i.id: i for i in book.interviews()}
    processes = book.processes()
    people: dict[int, tuple[str, ...]] = {}
    for interview in sorted(interviews.values(), key=lambda i: i.starts_at):
        named = people.get(interview.process_id, ())
        seen = {match_key(n) for n in named}
        more = tuple(p.name for p in interview.interviewers if match_key(p.name) not in seen)
        people[interview.process_id] = named + tuple(dict.fromkeys(more))
    company = {p.id: p.company for p in processes}
    items = []
    for nudge in sorted(book.open_nudges(), key=lambda n: n.number):
        if nudge.state == NudgeState.SENDING:
            continue
        meeting = interviews.get(nudge.interview_id)
        process_id = meeting.process_id if meeting else 0
        round_people = tuple(p.name for p in meeting.interviewers) if meeting else ()
        items.append(
            Item(
                number=nudge.number,
                kind=nudge.rule,
                company=company.get(process_id, ""),
                process_id=process_id,
                interviewer=nudge.interviewer or "",
                people=round_people,
                title=nudge.title,
                sent=nudge.state == NudgeState.SENT,
            )
        )
    latest = book.latest_message()
    shown = book.nudges_in_message(latest) if latest else []
    return Situation(
        items=tuple(items),
        employers=tuple(
            Employer(p.id, p.company, p.outcome.value, p.closed, people.get(p.id, ()))
            for p in sorted(processes, key=lambda p: p.id)
        ),
        latest=tuple(n.number for n in shown if n.state == NudgeState.SENT),
        now=now,
        tz=book.profile.tz or "UTC",
    )


def record_confirmed(
    book: UndoRecorder,
    playbook: Playbook,
    process_id: int,
    outcome: Outcome,
    searching: bool | None,
    now: datetime,
    *,
    said: str,
) -> OutcomeChange:
    """Record an outcome the person confirmed, and what it does to their search.

    An outcome already recorded is not recorded again (accepting an offer keeps the offer
    and ends the search); with nothing to change at all, the person is told so.
    """
    process = book.process(process_id)
    if process is None:
        raise NudgeChangeRefused(
            "That process is no longer in your list (removed?), so I changed nothing."
        )
    if process.outcome == outcome and searching is None:
        raise NudgeChangeRefused(f"{escape(process.company)} is already marked {outcome.value}.")
    change = OutcomeChange(process, [], [])
    if process.outcome != outcome:
        change = outcomes.record(book, playbook, process, outcome, now)
        book.finish(f"marking {process.company} {said}")
    if searching is not None and book.profile.searching != searching:
        settings.searching(book, playbook, searching, now)
    return change
