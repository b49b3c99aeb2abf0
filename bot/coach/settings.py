"""A person's own settings: time zone, working window, pauses, and what drafts sign with."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.coach.plans import person_day, settle
from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState
from bot.domain.playbook import Playbook
from bot.domain.text import escape, shorten
from bot.domain.timing import WAKING_HOURS, Day, place, read_country
from bot.storage.protocol import PersonBook

#: The longest pause the coach accepts.
MAX_PAUSE = timedelta(days=90)


def change_window(
    book: PersonBook,
    playbook: Playbook,
    days: frozenset[int] | None,
    starts: time | None,
    ends: time | None,
    now: datetime,
) -> Day:
    """Set the person's working window; nudges outside it wait for its next opening."""
    profile = book.profile
    current = profile.window or playbook.day
    window = replace(
        current,
        days=days if days is not None else current.days,
        starts=starts or current.starts,
        ends=ends or current.ends,
        morning=starts or current.starts,
    )
    if window.ends <= window.starts:
        raise NudgeChangeRefused("The window has to end after it starts.")
    book.save_profile(replace(profile, window=window))
    place_again(book, playbook, now)
    return window


def pause(book: PersonBook, playbook: Playbook, until: datetime, now: datetime) -> datetime:
    """Hold every nudge until `until` (a holiday, a break); nothing is dropped: what falls
    due meanwhile comes together at the first opening after it."""
    if until <= now:
        raise NudgeChangeRefused("A pause has to end in the future.")
    if until - now > MAX_PAUSE:
        raise NudgeChangeRefused(f"I can pause for {MAX_PAUSE.days} days at most.")
    book.save_profile(replace(book.profile, paused_until=until))
    place_again(book, playbook, now)
    return until


def resume(book: PersonBook, playbook: Playbook, now: datetime) -> list[Nudge]:
    """End a pause: what was held comes at the window's next opening, as one digest; the
    rest at its own time again."""
    profile = book.profile
    if profile.paused_until is None or profile.paused_until <= now:
        raise NudgeChangeRefused("You are not paused.")
    book.save_profile(replace(profile, paused_until=None))
    moved = place_again(book, playbook, now)
    return [n for n in moved if (n.planned_for or n.due_at) <= profile.paused_until]


def place_again(book: PersonBook, playbook: Playbook, now: datetime) -> list[Nudge]:
    """Place every nudge still planned in the person's window and outside their pause, from
    the moment its plan asked for. A change made before can no longer be undone: undo would
    bring back times placed in the old window."""
    profile = book.profile
    window = person_day(profile, playbook)
    paused = profile.paused_until if profile.paused_until and profile.paused_until > now else None
    moved = []
    for nudge in book.waiting_nudges():
        if nudge.state != NudgeState.SCHEDULED or nudge.retry_at is not None:
            continue
        due = place(
            nudge.planned_for or nudge.due_at,
            WAKING_HOURS if nudge.anytime else window,
            now=now,
            tz=profile.tz or "UTC",
            paused_until=paused,
        )
        if due != nudge.due_at:
            moved.append(replace(nudge, due_at=due))
    book.save_nudges(moved)
    settle(book, playbook, now, [p.id for p in book.processes()])
    book.save_undo_record(None)
    return moved


def change_country(book: PersonBook, playbook: Playbook, text: str, now: datetime) -> str:
    """Whose public holidays are days off for the person; "auto" goes back to the country of
    their time zone, "none" keeps none."""
    wanted = text.strip()
    if wanted.upper() == "AUTO":
        book.save_profile(replace(book.profile, country=None))
    elif wanted.upper() == "NONE":
        book.save_profile(replace(book.profile, country=""))
    elif code := read_country(wanted):
        book.save_profile(replace(book.profile, country=code))
    else:
        raise NudgeChangeRefused(
            f"I don't know the holidays of {_quoted(wanted)}. Name a country by its two-letter "
            "code or its name, like `country GB` or `country Germany` (`country auto` follows "
            "your time zone, `country none` keeps no holidays). Nothing was changed."
        )
    place_again(book, playbook, now)
    return person_day(book.profile, playbook).country or "none"


def _quoted(text: str) -> str:
    shown = " ".join(text.split())[:40]
    return f"'{escape(shown)}'" if shown else "that country"


def searching(book: PersonBook, playbook: Playbook, active: bool, now: datetime) -> None:
    """The person says they are done searching (or back at it): keep-applying advice stops
    (or may come again)."""
    book.save_profile(replace(book.profile, searching=active))
    settle(book, playbook, now, ())


def set_profile(book: PersonBook, *, name: str | None, strengths: str | None) -> None:
    """What drafts sign with and stress: kept short."""
    profile = book.profile
    if name is not None:
        profile = replace(profile, my_name=shorten(name.strip(), 80))
    if strengths is not None:
        profile = replace(profile, strengths=shorten(strengths.strip(), 200))
    book.save_profile(profile)
