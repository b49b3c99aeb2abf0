"""Interviews: adding one (a new process or its next round), editing it, removing it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.coach.plans import (
    KEEP_HUNTING_ID,
    number_new,
    open_process_for,
    paused_until,
    person_day,
    settle,
    withdraw_follow_ups,
)
from bot.domain.changes import Plan
from bot.domain.interview import Interview, Interviewer, Outcome, Process
from bot.domain.lifecycle import FOLLOW_UP, follow_up_wording, latest_round, next_follow_up_at
from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState, cancel
from bot.domain.parsing import (
    AddInputError,
    InterviewRequest,
    read_company,
    read_interviewers,
    read_length,
    read_role,
    read_start,
)
from bot.domain.playbook import Playbook, placeholders, plan_nudges, plan_rule, reword, rule_moment
from bot.domain.text import escape, match_key
from bot.domain.timing import format_local, place
from bot.storage.protocol import PersonBook

#: Open interviews one person may keep: enough for any search, a bound on abuse.
MAX_OPEN_INTERVIEWS = 200
#: Fields `/interview edit` can change.
EDITABLE = ("company", "role", "when", "with", "for")


def add(book: PersonBook, playbook: Playbook, request: InterviewRequest, now: datetime) -> Plan:
    """Store the interview and its planned nudges.

    An interview with a company that already has an open process is a round of it. Rounds
    follow their dates, not typing order: the new one gets its place among them, earlier
    rounds' follow-ups give way to it, and an interview with a later round already planned
    brings no follow-up of its own. The same interview twice is refused as a duplicate.
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
    starts_at = request.starts_at.astimezone(UTC)
    rounds = [i for i in interviews if process and i.process_id == process.id]
    twin = next((i for i in rounds if i.starts_at == starts_at), None)
    if twin is not None:
        raise NudgeChangeRefused(
            f"That looks like the interview you already have: `i{twin.id}` "
            f"{escape(twin.company)} on {format_local(twin.starts_at, twin.tz)}. Nothing was "
            "added; `/interview edit` changes it."
        )
    interview_id = profile.next_interview_id
    interview = Interview(
        id=interview_id,
        company=request.company,
        role=request.role,
        starts_at=starts_at,
        ends_at=(request.starts_at + request.duration).astimezone(UTC),
        tz=tz,
        interviewers=request.interviewers,
        process_id=process.id if process else interview_id,
        created_at=now,
        notes=request.notes,
    )
    book.save_profile(replace(profile, next_interview_id=interview.id + 1))
    later_round = any(i.starts_at > starts_at for i in rounds)
    superseded: list[Nudge] = []
    if process is None:
        book.save_process(Process(interview_id, request.company, request.role))
    else:
        book.save_process(replace(process, outcome=Outcome.WAITING, outcome_at=now, cold_at=None))
        if not later_round:
            superseded = withdraw_follow_ups(book, {i.id for i in rounds}, now)
    book.save_interview(interview)
    renumber_rounds(book, interview.process_id)
    interview = book.interview(interview.id) or interview
    if not book.profile.searching:
        book.save_profile(replace(book.profile, searching=True))
    planned = plan_nudges(
        playbook,
        interview,
        now=now,
        day=person_day(profile, playbook),
        paused_until=paused_until(book, now),
        later_round=later_round,
    )
    nudges = number_new(book, _new_keys(book, interview.process_id, planned))
    settled, changed = settle(book, playbook, now, {interview.process_id})
    earlier = {i.id for i in rounds}
    superseded += [
        n for n in changed if n.interview_id in earlier and n.state == NudgeState.CANCELLED
    ]
    # The plan shown is this interview's; advice about the whole search stays in `list`.
    about_it = [n for n in settled if n.interview_id != KEEP_HUNTING_ID]
    everything = sorted(nudges + about_it, key=lambda n: (n.due_at, n.number))
    stored = book.interview(interview.id) or interview
    return Plan(stored, everything, superseded, remark=request.remark)


def remove(book: PersonBook, playbook: Playbook, interview_id: int, now: datetime) -> Interview:
    """Delete an interview and its nudges (and its process, when it was the only round)."""
    interview = book.interview(interview_id)
    if interview is None:
        raise NudgeChangeRefused(f"You have no interview `i{interview_id}`.")
    book.delete_nudges([n.number for n in book.nudges_of([interview.id])])
    book.delete_interview(interview.id)
    if any(i.process_id == interview.process_id for i in book.interviews()):
        renumber_rounds(book, interview.process_id)
    else:
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
    """Change one field of an interview, and only what depends on it.

    Every item still pending keeps its number; texts follow a new company, role or names;
    items planned from the interview's time move with it; a new interviewer gets their own
    thank-you and one who was removed loses theirs.
    """
    interview = book.interview(interview_id)
    if interview is None:
        raise NudgeChangeRefused(f"You have no interview `i{interview_id}`.")
    field = field.lower().strip()
    if field not in EDITABLE:
        raise NudgeChangeRefused(
            f"I can change {', '.join(EDITABLE)}. For example: `/interview edit {interview.id} "
            f"when tomorrow 3pm` or `/interview edit {interview.id} with Jane Doe and Bob`."
        )
    try:
        edited, remark = _edited(interview, field, value, now=now, tz=tz)
    except AddInputError as problem:
        raise NudgeChangeRefused(escape(problem.problem)) from None
    twin = next(
        (
            i
            for i in book.interviews()
            if i.process_id == edited.process_id
            and i.id != edited.id
            and i.starts_at == edited.starts_at
        ),
        None,
    )
    if twin is not None:
        raise NudgeChangeRefused(
            f"`i{twin.id}` is your other {escape(twin.company)} interview at that time; two "
            "rounds cannot start at the same minute. Nothing was changed."
        )
    book.save_interview(edited)
    process = book.process(edited.process_id)
    if process is not None and field in ("company", "role"):
        book.save_process(replace(process, company=edited.company, role=edited.role))
    if field == "when":
        renumber_rounds(book, edited.process_id)
        edited = book.interview(edited.id) or edited
    moves = field in ("when", "for")
    mine = [n for n in book.open_nudges([edited.id]) if n.rule != FOLLOW_UP]
    changed: list[Nudge] = []
    for nudge in mine:
        if field == "with" and _interviewer_left(nudge, edited):
            changed.append(cancel(nudge, now))
            continue
        fresh = reword(playbook, nudge, edited)
        rule = playbook.rule(nudge.rule)
        if moves and rule is not None and nudge.state == NudgeState.SCHEDULED and not nudge.touched:
            moment = rule_moment(rule, edited)
            due = place(
                moment,
                person_day(book.profile, playbook),
                now=now,
                tz=edited.tz,
                paused_until=paused_until(book, now),
            )
            fresh = replace(fresh, due_at=due, planned_for=moment)
        if fresh != nudge:
            changed.append(fresh)
    changed += _reword_follow_ups(book, playbook, edited, now, moves=moves)
    book.save_nudges(changed)
    added: list[Nudge] = []
    if field == "with":
        added = number_new(
            book,
            _new_keys(
                book, edited.process_id, _for_new_names(book, playbook, interview, edited, now)
            ),
        )
    settle(book, playbook, now, {edited.process_id})
    rounds = [i.id for i in book.interviews() if i.process_id == edited.process_id]
    shown = [
        n for n in book.open_nudges(rounds) if n.interview_id == edited.id or n.rule == FOLLOW_UP
    ]
    plan = sorted(shown, key=lambda n: (n.due_at, n.number))
    withdrawn = [n for n in changed if n.state == NudgeState.CANCELLED]
    return Plan(edited, plan, withdrawn, remark=remark, added=added)


def _edited(
    interview: Interview, field: str, value: str, *, now: datetime, tz: str
) -> tuple[Interview, str]:
    """The interview with one field changed, read the way that field is read when adding."""
    length = interview.ends_at - interview.starts_at
    if field == "company":
        return replace(interview, company=read_company(value)), ""
    if field == "role":
        return replace(interview, role=read_role(value)), ""
    if field == "with":
        return replace(interview, interviewers=_merged(interview, read_interviewers(value))), ""
    if field == "for":
        return replace(interview, ends_at=interview.starts_at + read_length(value)), ""
    starts, remark = read_start(value, now=now, tz=tz)
    return (
        replace(
            interview,
            starts_at=starts.astimezone(UTC),
            ends_at=(starts + length).astimezone(UTC),
            tz=str(getattr(starts.tzinfo, "key", tz)),
        ),
        remark,
    )


def _merged(interview: Interview, named: tuple[Interviewer, ...]) -> tuple[Interviewer, ...]:
    """The new list of interviewers, keeping what was known of those named again."""
    known = {match_key(i.name): i for i in interview.interviewers}
    return tuple(known.get(match_key(i.name), i) for i in named)


def _interviewer_left(nudge: Nudge, edited: Interview) -> bool:
    names = {match_key(i.name) for i in edited.interviewers}
    if nudge.interviewer is not None:
        return match_key(nudge.interviewer) not in names
    return nudge.rule == "thank-you-team" and bool(names)


def _for_new_names(
    book: PersonBook, playbook: Playbook, before: Interview, edited: Interview, now: datetime
) -> list[Nudge]:
    """Per-interviewer items for people newly named, and the team note when none is left."""
    window, paused = person_day(book.profile, playbook), paused_until(book, now)
    old = {match_key(i.name) for i in before.interviewers}
    fresh: list[Nudge] = []
    process = book.process(edited.process_id)
    closed = process is not None and process.closed
    for rule in playbook.rules:
        if rule.anchor == "outcome" or (rule.contacts_employer and closed):
            continue
        if rule.audience == "each interviewer":
            for person in edited.interviewers:
                if match_key(person.name) not in old:
                    fresh.append(
                        plan_rule(
                            playbook, rule, edited, person, now=now, day=window, paused=paused
                        )
                    )
        elif rule.only_without_interviewers and not edited.interviewers and before.interviewers:
            fresh.append(
                plan_rule(playbook, rule, edited, None, now=now, day=window, paused=paused)
            )
    return fresh


def _reword_follow_ups(
    book: PersonBook, playbook: Playbook, edited: Interview, now: datetime, *, moves: bool
) -> list[Nudge]:
    """Open follow-ups of the process say the new company and role; untouched scheduled ones
    move with the latest round's time."""
    process = book.process(edited.process_id)
    if process is None:
        return []
    rounds = [i for i in book.interviews() if i.process_id == process.id]
    last = latest_round(rounds)
    values = placeholders(last, None)
    wording = follow_up_wording(playbook.follow_ups, process, last)
    changed = []
    for nudge in book.open_nudges([i.id for i in rounds]):
        if nudge.rule != FOLLOW_UP:
            continue
        fresh = replace(
            nudge,
            title=wording.title.format_map(values),
            text=wording.text.format_map(values),
            tip=f"{wording.tip.format_map(values)} {playbook.proofread}",
        )
        if moves and nudge.state == NudgeState.SCHEDULED and not nudge.touched:
            moment = next_follow_up_at(playbook.follow_ups, process, last)
            if moment is not None:
                due = place(
                    moment,
                    person_day(book.profile, playbook),
                    now=now,
                    tz=last.tz,
                    paused_until=paused_until(book, now),
                )
                fresh = replace(fresh, interview_id=last.id, due_at=due, planned_for=moment)
        if fresh != nudge:
            changed.append(fresh)
    return changed


def renumber_rounds(book: PersonBook, process_id: int) -> None:
    """Rounds are numbered by date, so "round 2" is always the second interview in time."""
    rounds = sorted(
        (i for i in book.interviews() if i.process_id == process_id),
        key=lambda i: (i.starts_at, i.id),
    )
    for number, interview in enumerate(rounds, start=1):
        if interview.round != number:
            book.save_interview(replace(interview, round=number))


def _new_keys(book: PersonBook, process_id: int, planned: list[Nudge]) -> list[Nudge]:
    """Leave out items the process already has (open, or resolved by the person)."""
    ids = [i.id for i in book.interviews() if i.process_id == process_id]
    existing = {n.key for n in book.nudges_of(ids) if n.state != NudgeState.CANCELLED}
    return [n for n in planned if n.key not in existing]
