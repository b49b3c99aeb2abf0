"""What a person sees of their data: the list, the calendar file, drafts, their export."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calendar import build_calendar
from bot.domain.draft_check import DraftContext, context_for
from bot.domain.drafts import (
    Author,
    DraftBook,
    follow_up_draft,
    follow_up_kind,
    note_draft,
    note_kind,
    thank_you_draft,
)
from bot.domain.export import readable_export
from bot.domain.interview import Person
from bot.domain.lifecycle import FOLLOW_UP, latest_round, news_since, unanswered
from bot.domain.nudge import NudgeChangeRefused, NudgeState
from bot.domain.overview import Overview, build_overview
from bot.domain.timing import zone
from bot.storage.protocol import PersonBook

#: Nudges whose "Draft it" gives a thank-you note (the others give a follow-up).
DRAFTED_THANKS = frozenset({"thank-you", "thank-you-team"})


def overview(book: PersonBook, now: datetime) -> Overview:
    return build_overview(
        book.interviews(),
        book.processes(),
        book.open_nudges(),
        tz=book.profile.tz or "UTC",
        now=now,
    )


def calendar(book: PersonBook, person: Person, now: datetime) -> bytes:
    """The person's interviews and coming follow-ups as an .ics file."""
    follow_ups = [
        n
        for n in book.open_nudges()
        if n.rule == FOLLOW_UP and n.state == NudgeState.SCHEDULED and n.due_at >= now
    ]
    tz = book.profile.tz or "UTC"
    return build_calendar(person, book.interviews(), follow_ups, tz=tz, now=now)


def export(book: PersonBook, person: Person, now: datetime) -> bytes:
    """Everything the coach stores about the person, as JSON they can keep."""
    return readable_export(book.export(), person, book.profile.tz or "UTC", now)


def draft(
    book: PersonBook, number: int, drafts: DraftBook, now: datetime, *, follow_ups: int
) -> str:
    """The draft that fits a nudge: a thank-you for its interviewer, or a follow-up worded
    for its place in the sequence (the count the nudge's own wording uses)."""
    nudge = book.nudge(number)
    interview = book.interview(nudge.interview_id) if nudge else None
    process = book.process(interview.process_id) if interview else None
    if nudge is None or interview is None or process is None:
        raise NudgeChangeRefused(f"You have no item #{number} with a draft.")
    profile = book.profile
    author = Author(profile.my_name, profile.strengths)
    if nudge.rule in DRAFTED_THANKS:
        who = next((i for i in interview.interviewers if i.name == nudge.interviewer), None)
        return thank_you_draft(drafts, interview, who, author, now)
    note = note_kind(nudge.rule, process.outcome)
    if note is not None:
        return note_draft(drafts, note, interview, author, now)
    rounds = [i for i in book.interviews() if i.process_id == process.id] or [interview]
    ordinal = len(unanswered(process, news_since(process, latest_round(rounds))))
    today = now.astimezone(zone(interview.tz)).date()
    kind = follow_up_kind(process, ordinal, today, interview.tz, of=follow_ups)
    return follow_up_draft(drafts, kind, interview, author, now)


def draft_context(book: PersonBook, text: str) -> DraftContext:
    """The names a draft should use (those of the interview it is about), every name of the
    person's that the checker must not flag, and their other employers."""
    companies = [p.company for p in book.processes()]
    return context_for(book.interviews(), companies, book.profile.my_name, text)
