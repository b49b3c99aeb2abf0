"""The debrief over a person's book: the answers kept with the interview, and what each
changes (the decision date, the people to thank); the thank-you drafts read the topics."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.coach import interviews, outcomes
from bot.coach.plans import one_process
from bot.domain.debriefs import new_people
from bot.domain.interview import Debrief, Interview, Process
from bot.domain.nudge import Nudge, NudgeChangeRefused
from bot.domain.playbook import Playbook
from bot.domain.text import escape
from bot.domain.timing import zone
from bot.storage.protocol import PersonBook


@dataclass(frozen=True)
class DebriefChange:
    """The interview with its debrief, and what the answers changed."""

    interview: Interview
    #: People met who now have a thank-you of their own.
    added: tuple[str, ...]
    #: The process, when the decision date moved its follow-up.
    expected: Process | None
    planned: list[Nudge]
    #: Messages to redraw (follow-ups the date replaced).
    refresh: list[Nudge]


def interview_meant(book: PersonBook, target: str, now: datetime) -> Interview:
    """The interview a debrief is about: `i3`, a company (its latest round that has ended),
    or, with nothing named, the latest interview that has ended."""
    ended = [i for i in book.interviews() if i.ends_at <= now]
    wanted = target.strip().lstrip("#")
    if wanted[:1] in ("i", "I") and wanted[1:].isdigit():
        found = book.interview(int(wanted[1:]))
        if found is None:
            raise NudgeChangeRefused(f"You have no interview `{escape(wanted)}`.")
        return found
    if wanted:
        process = one_process(book.processes(), book.interviews(), wanted)
        ended = [i for i in ended if i.process_id == process.id]
    if not ended:
        raise NudgeChangeRefused(
            "Tell me about an interview once it has happened, like `debrief acme: talked "
            "about the roadmap; next: a case study; decide by friday; met Sam Lee`."
        )
    return max(ended, key=lambda i: (i.ends_at, i.id))


def record(
    book: PersonBook,
    playbook: Playbook,
    interview_id: int,
    debrief: Debrief,
    *,
    now: datetime,
    tz: str,
) -> DebriefChange:
    """Keep the answers, and let each change what it feeds.

    A decision date moves the process's next follow-up after it (as `expect` does, and only
    while the process is open); anyone else met joins the interviewers with a thank-you of
    their own.
    """
    interview = book.interview(interview_id)
    if interview is None:
        raise NudgeChangeRefused(f"You have no interview `i{interview_id}`.")
    merged = _merged(interview.debrief, debrief)
    book.save_interview(replace(interview, debrief=merged))
    planned: list[Nudge] = []
    refresh: list[Nudge] = []
    added = new_people(debrief, tuple(i.name for i in interview.interviewers))
    if added:
        names = [*(i.name for i in interview.interviewers), *added]
        plan = interviews.edit(
            book, playbook, interview_id, "with", " | ".join(names), now=now, tz=tz
        )
        planned += plan.added
    expected = None
    process = book.process(interview.process_id)
    day = interview.starts_at.astimezone(zone(tz)).date()
    if (
        debrief.decision_on is not None
        and process is not None
        and not process.closed
        and debrief.decision_on >= day
    ):
        try:
            change = outcomes.expect_decision(
                book,
                playbook,
                f"#{process.id}",
                debrief.decision_on.isoformat(),
                now=now,
                tz=tz,
            )
        except NudgeChangeRefused:
            change = None  # a date before a later round: kept with the answers only
        if change is not None:
            expected = change.process
            planned += change.planned
            refresh += change.withdrawn
    fresh = book.interview(interview_id) or interview
    return DebriefChange(fresh, added, expected, planned, refresh)


def _merged(before: Debrief | None, after: Debrief) -> Debrief:
    """A second debrief adds to the first: answers left empty keep what was said before."""
    if before is None:
        return after
    return Debrief(
        topics=after.topics or before.topics,
        next_step=after.next_step or before.next_step,
        decision_on=after.decision_on or before.decision_on,
        others_met=tuple(dict.fromkeys((*before.others_met, *after.others_met))),
    )
