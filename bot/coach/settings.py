"""A person's own settings: time zone, working window, pauses, and what drafts sign with."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState
from bot.domain.playbook import Playbook
from bot.domain.text import shorten
from bot.domain.timing import Day, settle_in_day, zone
from bot.storage.protocol import PersonBook

#: The longest pause the coach accepts.
MAX_PAUSE = timedelta(days=90)


def change_window(
    book: PersonBook,
    playbook: Playbook,
    days: frozenset[int] | None,
    starts: time | None,
    ends: time | None,
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
    return window


def pause(book: PersonBook, until: datetime, now: datetime) -> datetime:
    """Hold every nudge until `until` (a holiday, a break); nothing is dropped."""
    if until <= now:
        raise NudgeChangeRefused("A pause has to end in the future.")
    if until - now > MAX_PAUSE:
        raise NudgeChangeRefused(f"I can pause for {MAX_PAUSE.days} days at most.")
    book.save_profile(replace(book.profile, paused_until=until))
    return until


def resume(book: PersonBook, playbook: Playbook, now: datetime) -> list[Nudge]:
    """End a pause: everything held comes at the window's next opening, as one digest."""
    profile = book.profile
    if profile.paused_until is None:
        raise NudgeChangeRefused("You are not paused.")
    window = profile.window or playbook.day
    opening = settle_in_day(now.astimezone(zone(profile.tz)), window)
    held = [
        replace(n, due_at=opening, retry_at=None)
        for n in book.open_nudges()
        if n.state == NudgeState.SCHEDULED and n.due_at <= profile.paused_until
    ]
    book.save_nudges(held)
    book.save_profile(replace(profile, paused_until=None))
    return held


def set_profile(book: PersonBook, *, name: str | None, strengths: str | None) -> None:
    """What drafts sign with and stress: kept short."""
    profile = book.profile
    if name is not None:
        profile = replace(profile, my_name=shorten(name.strip(), 80))
    if strengths is not None:
        profile = replace(profile, strengths=shorten(strengths.strip(), 200))
    book.save_profile(profile)
