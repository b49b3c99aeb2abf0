"""Weekdays as people write them, and the one meaning the coach gives `next <day>`.

`wed`, `this wed` and `on wed` are the coming Wednesday: today when today is a Wednesday,
else the first one after today (0 to 6 days away). `next wed` is the Wednesday of the next
calendar week, weeks running Monday to Sunday (1 to 13 days away). That is what most people
mean, and the rule is the same for every day of the week and every today: `next <day>` is
never today and always falls in the week after this one. On Thursday 3 Dec 2026, next week
runs from Mon 7 to Sun 13 Dec: `fri` is tomorrow and `next fri` Fri 11 Dec, `thu` is today
and `next thu` Thu 10 Dec, and `mon` and `next mon` are both Mon 7 Dec. On a Sunday,
`next mon` is tomorrow.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

__all__ = [
    "WEEKDAY_NAMES",
    "WEEKDAY_SPELLINGS",
    "coming_weekday",
    "named_weekday",
    "next_weeks_weekday",
    "normalise_weekdays",
    "read_day_of_month",
    "read_week",
    "read_weekday",
]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Every spelling of each day people write, by day (Monday is 0), in any case.
WEEKDAY_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)

_DAY_OF = {spelling: day for day, names in enumerate(WEEKDAY_SPELLINGS) for spelling in names}
_SPELLING = "|".join(sorted(_DAY_OF, key=len, reverse=True))
_WEEKDAY_WORD = re.compile(rf"\b({_SPELLING})\b\.?", re.IGNORECASE)
#: A whole "when" that is only a weekday: "wed", "next wed", "this coming wed", "on next wed".
_WEEKDAY_ONLY = re.compile(
    rf"^(?:on\s+)?(?:(?P<which>this(?:\s+coming)?|coming|next)\s+)?(?P<day>{_SPELLING})\.?"
    r"(?:\s+at|\s*@)?$",
    re.IGNORECASE,
)


def named_weekday(word: str) -> int | None:
    """The day (Monday is 0) a spelling names ("weds", "THURS", "Sun."), or None."""
    return _DAY_OF.get(word.strip().rstrip(".").lower())


def coming_weekday(today: date, weekday: int) -> date:
    """The coming `weekday`: today when today is one, else the first after today."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def next_weeks_weekday(today: date, weekday: int) -> date:
    """`weekday` in the calendar week after today's (weeks run Monday to Sunday)."""
    this_monday = today - timedelta(days=today.weekday())
    return this_monday + timedelta(weeks=1, days=weekday)


def read_weekday(text: str, today: date) -> tuple[date, bool] | None:
    """The date a "when" made only of a weekday names, and whether it said `next`.

    None when the text is more than a weekday ("wed dec 9", "tomorrow"): other readers
    take it then.
    """
    match = _WEEKDAY_ONLY.fullmatch(" ".join(text.split()))
    if match is None:
        return None
    weekday = _DAY_OF[match.group("day").lower()]
    if (match.group("which") or "").lower() == "next":
        return next_weeks_weekday(today, weekday), True
    return coming_weekday(today, weekday), False


def normalise_weekdays(text: str) -> str:
    """Every weekday spelling written out in full, so a general date reader knows them all
    ("weds dec 9" becomes "Wednesday dec 9")."""
    return _WEEKDAY_WORD.sub(lambda m: WEEKDAY_NAMES[_DAY_OF[m.group(1).lower()]], text)


def weekdays_named(text: str) -> set[int]:
    """The days (Monday is 0) the text names, in any spelling."""
    return {_DAY_OF[m.group(1).lower()] for m in _WEEKDAY_WORD.finditer(text)}


#: A day of the month alone: "the 10th", "on the 2nd", "by the 31st", "10th".
_DAY_OF_MONTH = re.compile(
    r"^(?:(?:on|by|before|until|till)\s+)?(?:the\s+)?(?P<day>[0-9]{1,2})(?:st|nd|rd|th)"
    r"(?:\s+at|\s*@)?$",
    re.IGNORECASE,
)


def read_day_of_month(text: str, today: date) -> date | None:
    """The next date (today included) with the day of the month named alone: on Thursday
    3 Dec, "the 10th" is 10 Dec, "the 2nd" 2 Jan and "the 31st" 31 Dec.

    General date readers take "10th" for October; people mean the coming 10th. None when the
    text is more than a day of the month.
    """
    match = _DAY_OF_MONTH.fullmatch(" ".join(text.split()))
    if match is None:
        return None
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    while True:
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


#: A part of a week named as a deadline: "next week", "end of the week", "early next week".
_WEEK = re.compile(
    r"^(?:(?:by|before|on|in|within|around|until|till)\s+)?(?:the\s+)?"
    r"(?:(?P<part>end|middle|mid|start|beginning|early|late)(?:\s+of|-)?\s+)?(?:the\s+)?"
    r"(?P<which>this|next)?\s*week$",
    re.IGNORECASE,
)
#: The day each part of a week stands for, as a deadline (Monday is 0).
_WEEK_PARTS = {"start": 0, "beginning": 0, "early": 0, "middle": 2, "mid": 2}


def read_week(text: str, today: date) -> date | None:
    """The day a week named as a deadline stands for: its Friday ("next week", "by the end
    of the week"), or its Monday or Wednesday ("early next week", "mid next week"). Weeks run
    Monday to Sunday, as for `next <day>`; a part of this week already gone is today.
    None when the text is more than that, or names no week ("the week")."""
    match = _WEEK.fullmatch(" ".join(text.split()))
    if match is None or not (match.group("which") or match.group("part")):
        return None
    this_monday = today - timedelta(days=today.weekday())
    monday = this_monday + timedelta(weeks=1 if match.group("which") == "next" else 0)
    day = monday + timedelta(days=_WEEK_PARTS.get((match.group("part") or "").lower(), 4))
    return max(day, today)
