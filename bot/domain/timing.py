"""Local time: turning rule offsets into sensible moments in a person's own day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKING_WEEK = frozenset(range(5))


@dataclass(frozen=True)
class Day:
    """A person's working window: the days and hours in which the coach may nudge them.

    `morning` is where a moment outside the window lands: the window's opening by default.
    """

    starts: time = time(9, 0)
    ends: time = time(18, 0)
    morning: time = time(9, 0)
    days: frozenset[int] = WORKING_WEEK

    def describe(self) -> str:
        """'Mon–Fri 09:00–18:00' or 'Mon, Wed, Sat 08:30–17:00'."""
        ordered = sorted(self.days)
        if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
            days = f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
        else:
            days = ", ".join(DAY_NAMES[d] for d in ordered)
        return f"{days} {self.starts:%H:%M}–{self.ends:%H:%M}"


def zone(tz: str | None) -> tzinfo:
    """The IANA zone by name (DST-correct); UTC when unknown, as Slack may not tell us."""
    if not tz:
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def is_known_zone(tz: str) -> bool:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def wall_clock(local: datetime) -> datetime:
    """Normalise a local datetime after wall-clock arithmetic (fixes times skipped by DST)."""
    return local.astimezone(UTC).astimezone(local.tzinfo)


def settle_in_day(local: datetime, day: Day) -> datetime:
    """Keep a moment inside the window; move one outside it to the window's next opening.

    Never dropped, never at 3 a.m.: a nudge due on Saturday night comes on Monday morning.
    """
    clock = local.timetz().replace(tzinfo=None)
    if local.weekday() in day.days:
        if day.starts <= clock < day.ends:
            return local
        if clock < day.starts:
            return at_time(local, day.morning)
    return next_morning(local, day)


def place(
    moment: datetime,
    day: Day,
    *,
    now: datetime,
    tz: str,
    paused_until: datetime | None = None,
) -> datetime:
    """Where a planned moment lands for a person: not in the past, not during their pause,
    and inside their working window (the next opening when it falls outside)."""
    earliest = max(moment, now, paused_until or moment)
    return settle_in_day(earliest.astimezone(zone(tz)), day)


def next_morning(local: datetime, day: Day) -> datetime:
    """The window's opening on the next day it is open, in the same zone."""
    following = local + timedelta(days=1)
    for _ in range(7):
        if following.weekday() in day.days:
            break
        following += timedelta(days=1)
    return at_time(following, day.morning)


def format_local(moment: datetime, tz: str) -> str:
    """How the coach writes a time to a person: 'Fri 27 Nov, 15:00'."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def add_working_days(local: datetime, days: int) -> datetime:
    """`days` Monday-to-Friday days later, same wall-clock time (public holidays not known)."""
    moved = local
    while days > 0:
        moved += timedelta(days=1)
        if moved.weekday() < 5:
            days -= 1
    return wall_clock(moved)


def on_working_day(local: datetime) -> datetime:
    """The same moment, pushed past a weekend: nobody wants a follow-up drafted on Sunday."""
    while local.weekday() >= 5:
        local += timedelta(days=1)
    return wall_clock(local)


def working_days_between(earlier: date, later: date) -> int:
    """How many working days after `earlier` `later` is (0 for the same day or before)."""
    count, day = 0, earlier
    while day < later:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def at_time(local: datetime, clock: time) -> datetime:
    """The same local day at `clock`."""
    return wall_clock(local.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0))


def read_days(names: list[object]) -> frozenset[int] | None:
    """Weekday numbers from names like ["mon", "Tuesday", "fri"]; None if one is not a day."""
    found = set()
    for name in names:
        key = str(name).strip().lower()[:3]
        if key.title() not in DAY_NAMES:
            return None
        found.add(DAY_NAMES.index(key.title()))
    return frozenset(found)


def next_week(local: datetime, day: Day) -> datetime:
    """The window's first opening in the coming week (from next Monday on)."""
    monday = local + timedelta(days=7 - local.weekday())
    return settle_in_day(at_time(monday, time(0, 0)), day)
