"""What the coach answers when a person tells it something, by command or in the DM.

Both ways in (slash commands and DM words) share these answers, so they behave the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.coach.coach import Coach
from bot.domain.debriefs import read_debrief
from bot.domain.draft_check import DraftChecker
from bot.domain.interview import Debrief, Outcome, Person
from bot.domain.nudge import Nudge, NudgeChangeRefused
from bot.domain.parsing import (
    AddInputError,
    Reply,
    parse_date,
    parse_duration,
    parse_window_change,
    plain_text,
)
from bot.domain.text import escape, plural
from bot.domain.timing import format_local, zone
from bot.slack.blocks import (
    Message,
    build_change_confirmation,
    build_debrief_reply,
    build_expect_reply,
    build_follow_up_logged,
    build_notice,
    build_outcome_reply,
    build_overview,
    build_plan_reply,
    build_references_reply,
    build_review,
    build_settings,
)

#: The longest draft the checker reads.
MAX_DRAFT = 10_000


@dataclass(frozen=True)
class Answer:
    """The reply to show, and nudges whose Slack messages should be redrawn."""

    message: Message
    refresh: list[Nudge] = field(default_factory=list)


def overview(coach: Coach, person: Person) -> Answer:
    return Answer(build_overview(coach.overview(person)))


def change_nudge(coach: Coach, person: Person, reply: Reply) -> Answer:
    """done / skip / snooze, by number or for the latest item."""
    try:
        if reply.verb == "snooze":
            delay = None if reply.snooze_until_morning else reply.snooze_for
            change = coach.snooze(person, reply.number, delay=delay)
        else:
            change = coach.mark(person, reply.number, reply.verb)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_change_confirmation(change.nudge, coach.timezone(person)), [change.nudge])


def set_outcome(coach: Coach, person: Person, target: str, outcome: Outcome | None) -> Answer:
    if outcome is None:
        return Answer(
            build_notice(
                "Tell me how it went: `rejected`, `in process`, `offer`, `withdrawn` or "
                "`waiting`, for example `/interview status acme rejected`."
            )
        )
    try:
        change = coach.set_outcome(person, target, outcome)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_outcome_reply(change, coach.timezone(person)), change.withdrawn)


def debrief_in_words(coach: Coach, person: Person, text: str) -> Answer:
    """`debrief acme: talked about X; next: Y; decide by dec 11; met Sam Lee`."""
    said = read_debrief(text, now=coach.clock.now(), tz=coach.timezone(person))
    if said is None or said.debrief == Debrief():
        unread = "; ".join(f"`{escape(part[:80])}`" for part in said.unread) if said else ""
        return Answer(
            build_notice(
                (f"I couldn't read {unread}, so nothing was noted. " if unread else "")
                + "Tell me how it went in parts, like `debrief acme: talked about the roadmap; "
                "next: a case study; decide by friday; met Sam Lee`. Every part is optional."
            )
        )
    try:
        change = coach.debrief(person, None, said.debrief, target=said.target)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    message = build_debrief_reply(change, coach.timezone(person))
    if said.unread:
        unread = "; ".join(f"`{escape(part[:80])}`" for part in said.unread)
        message["blocks"].append(
            build_notice(f"I couldn't read {unread}, so I left it out.")["blocks"][0]
        )
    return Answer(message, change.refresh)


def references_asked(coach: Coach, person: Person, target: str) -> Answer:
    try:
        change = coach.references_asked(person, target)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_references_reply(change, coach.timezone(person)), change.withdrawn)


def searching(coach: Coach, person: Person, active: bool) -> Answer:
    coach.searching(person, active)
    if active:
        return Answer(build_notice("Good luck with the search! Keep-applying tips are back on."))
    return Answer(
        build_notice(
            "Noted: you are done searching, so no more keep-applying tips. Adding an interview "
            "(or saying `searching again`) turns them back on."
        )
    )


def expect_decision(coach: Coach, person: Person, target: str, when_text: str) -> Answer:
    try:
        change = coach.expect_decision(person, target, when_text)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_expect_reply(change, coach.timezone(person)), change.withdrawn)


def log_follow_up(coach: Coach, person: Person, target: str) -> Answer:
    try:
        change = coach.log_follow_up(person, target)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(f":hourglass_flowing_sand: {refusal}"))
    return Answer(build_follow_up_logged(change, coach.timezone(person)), change.withdrawn)


def edit_interview(coach: Coach, person: Person, text: str) -> Answer:
    """`edit 3 when tomorrow 3pm`: an id, a field, then the new value."""
    parts = text.split(maxsplit=2)
    number = interview_number(parts[0]) if parts else None
    if len(parts) < 3 or number is None:
        return Answer(
            build_notice(
                "Say which interview and what to change, like `/interview edit 3 when "
                "tomorrow 3pm` or `/interview edit 3 with Jane Doe and Bob Smith`."
            )
        )
    try:
        plan = coach.edit_interview(person, number, parts[1], plain_text(parts[2]))
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_plan_reply(plan.interview, plan.nudges, remark=plan.remark), plan.nudges)


def interview_number(text: str) -> int | None:
    """An interview's number as people write it: `i3`, `#3` or `3`."""
    wanted = text.strip().lstrip("#")
    if wanted[:1] in ("i", "I"):
        wanted = wanted[1:]
    return int(wanted) if wanted.isdigit() and len(wanted) < 10 else None


def undo(coach: Coach, person: Person) -> Answer:
    try:
        description, redraw = coach.undo(person)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    text = f":leftwards_arrow_with_hook: Undone: {escape(description)}."
    return Answer(build_notice(text), redraw)


def from_words(coach: Coach, person: Person, reply: Reply) -> Answer | None:
    """The answer to DM words about a process, or None when the words are not about one."""
    if reply.verb == "outcome":
        return set_outcome(coach, person, reply.target, reply.outcome)
    if reply.verb == "followed-up":
        return log_follow_up(coach, person, reply.target)
    if reply.verb == "expect":
        return expect_decision(coach, person, reply.target, reply.when_text or reply.text)
    if reply.verb == "undo":
        return undo(coach, person)
    if reply.verb == "references":
        return references_asked(coach, person, reply.target)
    if reply.verb == "searching":
        return searching(coach, person, reply.text == "again")
    return None


def settings(coach: Coach, person: Person, text: str) -> Answer:
    """Show the working window, or change it: `days mon-fri`, `hours 9-18`."""
    wanted = text.strip()
    if wanted.lower().startswith("country"):
        try:
            coach.change_country(person, wanted[len("country") :].strip())
        except NudgeChangeRefused as refusal:
            return Answer(build_notice(str(refusal)))
    elif wanted:
        try:
            days, starts, ends = parse_window_change(text)
            coach.change_window(person, days, starts, ends)
        except (AddInputError, NudgeChangeRefused) as problem:
            reason = escape(problem.problem) if isinstance(problem, AddInputError) else str(problem)
            return Answer(build_notice(reason))
    profile = coach.profile(person)
    return Answer(build_settings(coach.window(person), profile.tz or "UTC", profile.paused_until))


def pause(coach: Coach, person: Person, text: str) -> Answer:
    """`pause 2w` or `pause until dec 20`: nothing arrives until then."""
    now = coach.clock.now()
    tz = coach.timezone(person)
    wanted = text.strip().lower().removeprefix("for ").strip()
    until = None
    length = parse_duration(wanted)
    if length is not None:
        until = now + length
    else:
        day = parse_date(
            wanted.removeprefix("until ").removeprefix("till ").strip(), now=now, tz=tz
        )
        if day is not None:
            opening = coach.window(person).starts
            until = datetime.combine(day, opening, tzinfo=zone(tz))
    if until is None:
        return Answer(
            build_notice("Say how long, like `/interview pause 2w` or `pause until dec 20`.")
        )
    try:
        coach.pause(person, until)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(
        build_notice(
            f":palm_tree: Paused until {format_local(until, tz)}. Nothing arrives before then; "
            "whatever comes due waits and arrives together after. "
            "`/interview resume` ends it early."
        )
    )


def resume(coach: Coach, person: Person) -> Answer:
    try:
        held = coach.resume(person)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    count = f"{plural(len(held), 'held reminder')} arrive" if held else "Reminders arrive"
    return Answer(build_notice(f"Welcome back! {count} at the next opening of your window."))


def check_draft(coach: Coach, checker: DraftChecker, person: Person, text: str) -> Answer:
    """Review a pasted draft; the text is read, answered, and not kept."""
    if not text.strip():
        return Answer(build_notice("Send `check` followed by your draft, and I'll review it."))
    if len(text) > MAX_DRAFT:
        return Answer(build_notice(f"That is over {MAX_DRAFT} characters; send a shorter draft."))
    return Answer(build_review(checker.review(text, coach.draft_context(person, text))))


def profile(coach: Coach, person: Person, text: str) -> Answer:
    """`profile name Sam Lee` / `profile strengths distributed systems`: what drafts use."""
    field, _, value = text.strip().partition(" ")
    field = field.lower()
    if field in ("name", "strengths") and value.strip():
        coach.set_profile(
            person,
            name=value if field == "name" else None,
            strengths=value if field == "strengths" else None,
        )
    elif field:
        return Answer(
            build_notice("Set `name` or `strengths`, like `/interview profile name Sam Lee`.")
        )
    current = coach.profile(person)
    return Answer(
        build_notice(
            f"*Your profile for drafts*\n• Name: {escape(current.my_name) or '_not set_'}\n"
            f"• Strengths to stress: {escape(current.strengths) or '_not set_'}\n"
            "Change them with `/interview profile name Sam Lee` and "
            "`/interview profile strengths distributed systems and mentoring`."
        )
    )
