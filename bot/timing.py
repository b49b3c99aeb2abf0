"""Local time: turning rule offsets into sensible moments in a person's own day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Day:
    """The part of the day in which the coach may nudge someone."""

    starts: time = time(8, 0)
    ends: time = time(20, 0)
    morning: time = time(9, 0)


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
    """Move a moment that falls at night to the next morning; keep it if inside the day."""
    if local.timetz().replace(tzinfo=None) < day.starts:
        return wall_clock(
            local.replace(hour=day.morning.hour, minute=day.morning.minute, second=0, microsecond=0)
        )
    if local.timetz().replace(tzinfo=None) >= day.ends:
        return next_morning(local, day)
    return local


def next_morning(local: datetime, day: Day) -> datetime:
    """The following day at the morning time, in the same zone."""
    following = local + timedelta(days=1)
    return wall_clock(
        following.replace(hour=day.morning.hour, minute=day.morning.minute, second=0, microsecond=0)
    )


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
