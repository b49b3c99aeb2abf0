"""Interviews: adding one (a new process or its next round), editing it, removing it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.coach.plans import number_new, open_process_for, settle
from bot.domain.changes import Plan
from bot.domain.interview import Interview, Outcome, Process
from bot.domain.lifecycle import SUPERSEDED_BY_NEW_ROUND
from bot.domain.nudge import NudgeChangeRefused, NudgeState, cancel
from bot.domain.parsing import AddInputError, InterviewRequest, parse_add
from bot.domain.playbook import Playbook, plan_nudges
from bot.domain.text import escape
from bot.domain.timing import zone
from bot.storage.protocol import PersonBook

#: Open interviews one person may keep: enough for any search, a bound on abuse.
MAX_OPEN_INTERVIEWS = 200
#: Fields `/interview edit` can change.
EDITABLE = ("company", "role", "when", "with", "for")


def add(book: PersonBook, playbook: Playbook, request: InterviewRequest, now: datetime) -> Plan:
    """Store the interview and its planned nudges.

    An interview with a company that already has an open process is its next round: it joins
    that process and replaces the earlier rounds' pending follow-ups.
    """
    profile = book.profile
    tz = str(getattr(request.starts_at.tzinfo, "key", profile.tz or "UTC"))
    interviews = book.interviews()
    processes = book.processes()
    open_ids = {p.id for p in processes if not p.closed}
    if sum(1 for i in interviews if i.process_id in open_ids) >= MAX_OPEN_INTERVIEWS:
        raise NudgeChangeRefused(
            f"You have {MAX_OPEN_INTERVIEWS} open interviews, the most I keep. Close "
            "some (`/interview status acme rejected`) or remove old ones first."
        )
    process = open_process_for(processes, request.company)
    interview_id = profile.next_interview_id
    rounds = [i for i in interviews if process and i.process_id == process.id]
    interview = Interview(
        id=interview_id,
        company=request.company,
        role=request.role,
        starts_at=request.starts_at.astimezone(UTC),
        ends_at=(request.starts_at + request.duration).astimezone(UTC),
        tz=tz,
        interviewers=request.interviewers,
        process_id=process.id if process else interview_id,
        round=max((i.round for i in rounds), default=0) + 1,
        created_at=now,
        notes=request.notes,
    )
    if process is None:
        book.save_process(Process(interview_id, request.company, request.role))
    else:
        book.save_process(replace(process, outcome=Outcome.WAITING, outcome_at=now))
    superseded = [
        cancel(n, now)
        for n in book.open_nudges({i.id for i in rounds})
        if n.state == NudgeState.SCHEDULED and n.rule in SUPERSEDED_BY_NEW_ROUND
    ]
    book.save_nudges(superseded)
    book.save_interview(interview)
    book.save_profile(replace(book.profile, next_interview_id=interview.id + 1))
    nudges = number_new(
        book, plan_nudges(playbook, interview, now=now, first_number=0, day=profile.window)
    )
    planned, _ = settle(book, playbook, now, {interview.process_id})
    everything = sorted(nudges + planned, key=lambda n: (n.due_at, n.number))
    return Plan(interview, everything, superseded)


def remove(book: PersonBook, playbook: Playbook, interview_id: int, now: datetime) -> Interview:
    """Delete an interview and its nudges (and its process, when it was the only round)."""
    interview = book.interview(interview_id)
    if interview is None:
        raise NudgeChangeRefused(f"You have no interview #{interview_id}.")
    book.delete_nudges([n.number for n in book.nudges_of([interview.id])])
    book.delete_interview(interview.id)
    if not any(i.process_id == interview.process_id for i in book.interviews()):
        book.delete_process(interview.process_id)
    settle(book, playbook, now, {interview.process_id})
    return interview


def edit(
    book: PersonBook,
    playbook: Playbook,
    interview_id: int,
    field: str,
    value: str,
    *,
    now: datetime,
    tz: str,
) -> Plan:
    """Change one field; the interview's nudges not yet sent are planned again."""
    interview = book.interview(interview_id)
    if interview is None:
        raise NudgeChangeRefused(f"You have no interview #{interview_id}.")
    edited = _edited(interview, field, value, now=now, tz=tz)
    book.save_interview(edited)
    process = book.process(edited.process_id)
    if process is not None and field in ("company", "role"):
        book.save_process(replace(process, company=edited.company, role=edited.role))
    mine = book.nudges_of([edited.id])
    kept = {(n.rule, n.interviewer) for n in mine if n.state != NudgeState.SCHEDULED}
    book.save_nudges([cancel(n, now) for n in mine if n.state == NudgeState.SCHEDULED])
    fresh = number_new(
        book,
        [
            n
            for n in plan_nudges(
                playbook,
                edited,
                now=now,
                first_number=0,
                closed=process is not None and process.closed,
                day=book.profile.window,
            )
            if (n.rule, n.interviewer) not in kept
        ],
    )
    planned, _ = settle(book, playbook, now, {edited.process_id})
    return Plan(edited, sorted(fresh + planned, key=lambda n: (n.due_at, n.number)), [])


def _edited(interview: Interview, field: str, value: str, *, now: datetime, tz: str) -> Interview:
    """The interview with one field changed, checked like `/interview add` checks it."""
    field = field.lower().strip()
    value = value.strip()
    if field not in EDITABLE:
        raise NudgeChangeRefused(
            f"I can change {', '.join(EDITABLE)}. For example: `/interview edit {interview.id} "
            f"when tomorrow 3pm` or `/interview edit {interview.id} with Jane Doe and Bob`."
        )
    duration = interview.ends_at - interview.starts_at
    minutes = int(duration.total_seconds() // 60)
    local_start = f"{interview.starts_at.astimezone(zone(interview.tz)):%Y-%m-%d %H:%M}"
    base = f"{interview.company}, {interview.role}, {local_start}, for {minutes}m"
    replaced = {
        "company": f"{value}, {interview.role}, {local_start}, for {minutes}m",
        "role": f"{interview.company}, {value}, {local_start}, for {minutes}m",
        "when": f"{interview.company}, {interview.role}, {value}, for {minutes}m",
        "for": f"{interview.company}, {interview.role}, {local_start}, for {value}",
        "with": base,
    }[field]
    try:
        request = parse_add(
            replaced + (f", with {value}" if field == "with" else ""),
            now=now,
            tz=interview.tz if field != "when" else tz,
        )
    except AddInputError as problem:
        raise NudgeChangeRefused(escape(problem.problem)) from None
    interviewers = request.interviewers if field == "with" else interview.interviewers
    return replace(
        interview,
        company=request.company,
        role=request.role,
        starts_at=request.starts_at.astimezone(UTC),
        ends_at=(request.starts_at + request.duration).astimezone(UTC),
        interviewers=interviewers,
    )
