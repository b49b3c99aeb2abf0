"""What a person sees of their data: the list, the calendar file, drafts, their export."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calendar import build_calendar
from bot.domain.draft_check import DraftContext
from bot.domain.drafts import Author, DraftBook, follow_up_draft, follow_up_kind, thank_you_draft
from bot.domain.export import readable_export
from bot.domain.interview import Person
from bot.domain.lifecycle import FOLLOW_UP
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


def draft(book: PersonBook, number: int, drafts: DraftBook, now: datetime) -> str:
    """The draft that fits a nudge: a thank-you for its interviewer, or a follow-up."""
    nudge = book.nudge(number)
    interview = book.interview(nudge.interview_id) if nudge else None
    process = book.process(interview.process_id) if interview else None
    if nudge is None or interview is None or process is None:
        raise NudgeChangeRefused(f"You have no item #{number} with a draft.")
    profile = book.profile
    author = Author(profile.my_name, profile.strengths)
    if nudge.rule in DRAFTED_THANKS:
        who = next((i for i in interview.interviewers if i.name == nudge.interviewer), None)
        return thank_you_draft(drafts, interview, who, author)
    today = now.astimezone(zone(interview.tz)).date()
    after = process.expected_on is not None and today > process.expected_on
    return follow_up_draft(drafts, follow_up_kind(process, after), interview, author)


def draft_context(book: PersonBook, text: str) -> DraftContext:
    """The names a draft should use (those of the interview it names, else the latest), and
    every name of the person's that the checker must not flag."""
    interviews = sorted(book.interviews(), key=lambda i: i.starts_at)
    named = [i for i in interviews if i.company.casefold() in text.casefold()]
    latest = (named or interviews or [None])[-1]
    others = tuple(
        name for i in interviews for name in (i.company, i.role, *(x.name for x in i.interviewers))
    )
    return DraftContext(
        company=latest.company if latest else "",
        role=latest.role if latest else "",
        interviewers=tuple(x.name for x in latest.interviewers) if latest else (),
        sender=book.profile.my_name,
        others=others,
    )
