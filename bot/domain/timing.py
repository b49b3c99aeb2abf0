"""Local time: turning rule offsets into sensible moments in a person's own day.

A person's day is their working window, in their zone, without their country's public
holidays (from the `holidays` package; the country is theirs to set, and otherwise the one
their time zone belongs to).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

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
    #: ISO country whose public holidays are days off (None: no holidays).
    country: str | None = None

    def open_on(self, day: date) -> bool:
        """A day the window opens on: one of its weekdays, and not a public holiday."""
        return day.weekday() in self.days and not is_holiday(day, self.country)

    def describe(self) -> str:
        """'Mon–Fri 09:00–18:00' or 'Mon, Wed, Sat 08:30–17:00'."""
        ordered = sorted(self.days)
        if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
            days = f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
        else:
            days = ", ".join(DAY_NAMES[d] for d in ordered)
        return f"{days} {self.starts:%H:%M}–{self.ends:%H:%M}"


#: Any day, 08:00 to 21:00: where a nudge with a deadline may come outside the working window,
#: never in the quiet hours of the night, holidays included: the promise is "within a day".
WAKING_HOURS = Day(starts=time(8), ends=time(21), morning=time(8), days=frozenset(range(7)))


@functools.lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def is_holiday(day: date, country: str | None) -> bool:
    """A public holiday in `country` (none for an unknown country or None)."""
    return country is not None and day in _holidays(country, day.year)


@functools.lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Time zone name -> ISO country, from the IANA table the tzdata package ships."""
    found: dict[str, str] = {}
    table = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab")
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                found[parts[2]] = parts[0]
    return found


def country_of(tz: str | None) -> str | None:
    """The country a time zone belongs to ("America/Los_Angeles" -> "US"), if any."""
    return _zone_countries().get(tz or "")


def is_known_country(code: str) -> bool:
    return code.upper() in holidays.list_supported_countries()


#: Names people use that are not the country's ISO code or its name in the holiday tables.
COUNTRY_ALIASES = {"UK": "GB", "BRITAIN": "GB", "ENGLAND": "GB", "USA": "US", "AMERICA": "US"}


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """ISO code -> English name ("GB" -> "United Kingdom"), from the holiday tables."""
    names: dict[str, str] = {}
    for entry in holidays.registry.COUNTRIES.values():
        names[entry[1]] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0])
    return names


def country_name(code: str) -> str:
    """How the coach names a country to a person: "United Kingdom (GB)"."""
    name = _country_names().get(code.upper())
    return f"{name} ({code.upper()})" if name else code.upper()


def read_country(text: str) -> str | None:
    """A country the person named by ISO code or by name ("gb", "Germany", "the uk")."""
    wanted = " ".join(text.replace("the ", " ").split()).upper()
    wanted = COUNTRY_ALIASES.get(wanted, wanted)
    if is_known_country(wanted):
        return wanted
    squeezed = wanted.replace(" ", "")
    for code, name in _country_names().items():
        if name.upper().replace(" ", "") == squeezed and is_known_country(code):
            return code
    return None


def with_country(day: Day, country: str | None) -> Day:
    return replace(day, country=country) if day.country != country else day


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
    if day.open_on(local.date()):
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
    for _ in range(60):
        if day.open_on(following.date()):
            break
        following += timedelta(days=1)
    return at_time(following, day.morning)


def format_local(moment: datetime, tz: str) -> str:
    """How the coach writes a time to a person: 'Fri 27 Nov, 15:00'."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def working_day(day: date, country: str | None = None) -> bool:
    """Monday to Friday, and not a public holiday of `country`."""
    return day.weekday() < 5 and not is_holiday(day, country)


def add_working_days(local: datetime, days: int, country: str | None = None) -> datetime:
    """`days` working days later (Monday to Friday, public holidays skipped), same clock time."""
    moved = local
    while days > 0:
        moved += timedelta(days=1)
        if working_day(moved.date(), country):
            days -= 1
    return wall_clock(moved)


def working_days_between(earlier: datetime, later: datetime, tz: str, day: Day | None) -> int:
    """Working days strictly between two moments' local dates (the window's open days when
    given, Monday to Friday otherwise); -1 when the later one is not on a later date."""
    start = earlier.astimezone(zone(tz)).date()
    end = later.astimezone(zone(tz)).date()
    if end <= start:
        return -1
    count = 0
    current = start + timedelta(days=1)
    while current < end and count < 30:
        count += day.open_on(current) if day is not None else working_day(current)
        current += timedelta(days=1)
    return count


def on_working_day(local: datetime, country: str | None = None) -> datetime:
    """The same moment, pushed past a weekend or holiday: nobody wants a follow-up drafted
    on Sunday or on Christmas Day."""
    for _ in range(60):
        if working_day(local.date(), country):
            break
        local += timedelta(days=1)
    return wall_clock(local)


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
