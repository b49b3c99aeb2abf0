"""Time zones as invitations write them: "Central European Time - Berlin", "(UTC+05:30)
Chennai, Kolkata", "Pacific Time (US & Canada)", "11:00 AM London", "PST", "UTC+1".

Abbreviations name a region more than an offset: a recruiter who writes "PST" in July means
Pacific time, so they resolve to the region's zone (with its summer time), and the reading
says it was unsure when the abbreviation's own offset disagrees with the date. The few that
name several regions (CST, IST, BST, AST, MST) go to the person's own region when it is one
of them. Pure: no clock, no I/O.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, available_timezones

__all__ = ["ZoneMention", "find_stated_zone", "find_zone", "person_zone", "zone_key"]

#: Long names, lower case, as Google, Outlook, Zoom and Calendly write them.
_LONG_NAMES: dict[str, str] = {
    "pacific time": "America/Los_Angeles",
    "pacific standard time": "America/Los_Angeles",
    "pacific daylight time": "America/Los_Angeles",
    "mountain time": "America/Denver",
    "mountain standard time": "America/Denver",
    "mountain daylight time": "America/Denver",
    "central time": "America/Chicago",
    "central standard time": "America/Chicago",
    "central daylight time": "America/Chicago",
    "eastern time": "America/New_York",
    "eastern standard time": "America/New_York",
    "eastern daylight time": "America/New_York",
    "atlantic time": "America/Halifax",
    "alaska time": "America/Anchorage",
    "hawaii time": "Pacific/Honolulu",
    "hawaii-aleutian time": "Pacific/Honolulu",
    "greenwich mean time": "UTC",
    "coordinated universal time": "UTC",
    "british summer time": "Europe/London",
    "british time": "Europe/London",
    "uk time": "Europe/London",
    "irish standard time": "Europe/Dublin",
    "western european time": "Europe/Lisbon",
    "western european summer time": "Europe/Lisbon",
    "central european time": "Europe/Berlin",
    "central european standard time": "Europe/Berlin",
    "central european summer time": "Europe/Berlin",
    "eastern european time": "Europe/Helsinki",
    "eastern european standard time": "Europe/Helsinki",
    "eastern european summer time": "Europe/Helsinki",
    "moscow time": "Europe/Moscow",
    "moscow standard time": "Europe/Moscow",
    "india standard time": "Asia/Kolkata",
    "india time": "Asia/Kolkata",
    "pakistan standard time": "Asia/Karachi",
    "gulf standard time": "Asia/Dubai",
    "arabian standard time": "Asia/Riyadh",
    "israel standard time": "Asia/Jerusalem",
    "israel daylight time": "Asia/Jerusalem",
    "china standard time": "Asia/Shanghai",
    "hong kong time": "Asia/Hong_Kong",
    "singapore time": "Asia/Singapore",
    "singapore standard time": "Asia/Singapore",
    "japan standard time": "Asia/Tokyo",
    "korea standard time": "Asia/Seoul",
    "korean standard time": "Asia/Seoul",
    "philippine time": "Asia/Manila",
    "indochina time": "Asia/Bangkok",
    "western indonesia time": "Asia/Jakarta",
    "australian eastern time": "Australia/Sydney",
    "australian eastern standard time": "Australia/Sydney",
    "australian eastern daylight time": "Australia/Sydney",
    "australian central time": "Australia/Adelaide",
    "australian western time": "Australia/Perth",
    "new zealand time": "Pacific/Auckland",
    "new zealand standard time": "Pacific/Auckland",
    "new zealand daylight time": "Pacific/Auckland",
    "south africa standard time": "Africa/Johannesburg",
    "south africa time": "Africa/Johannesburg",
    "east africa time": "Africa/Nairobi",
    "west africa time": "Africa/Lagos",
    "central africa time": "Africa/Maputo",
    "brasilia time": "America/Sao_Paulo",
    "brasilia standard time": "America/Sao_Paulo",
    "argentina time": "America/Argentina/Buenos_Aires",
}

#: Abbreviation -> (zone, whether it names summer time, or None when it says neither).
_ABBREVIATIONS: dict[str, tuple[str, bool | None]] = {
    "PT": ("America/Los_Angeles", None),
    "PST": ("America/Los_Angeles", False),
    "PDT": ("America/Los_Angeles", True),
    "MT": ("America/Denver", None),
    "MST": ("America/Denver", False),
    "MDT": ("America/Denver", True),
    "CT": ("America/Chicago", None),
    "CST": ("America/Chicago", False),
    "CDT": ("America/Chicago", True),
    "ET": ("America/New_York", None),
    "EST": ("America/New_York", False),
    "EDT": ("America/New_York", True),
    "AKST": ("America/Anchorage", False),
    "AKDT": ("America/Anchorage", True),
    "HST": ("Pacific/Honolulu", False),
    "AST": ("America/Halifax", False),
    "ADT": ("America/Halifax", True),
    "NST": ("America/St_Johns", False),
    "NDT": ("America/St_Johns", True),
    "GMT": ("UTC", None),
    "UTC": ("UTC", None),
    "BST": ("Europe/London", True),
    "IST": ("Asia/Kolkata", None),
    "WET": ("Europe/Lisbon", False),
    "WEST": ("Europe/Lisbon", True),
    "CET": ("Europe/Berlin", False),
    "CEST": ("Europe/Berlin", True),
    "MEZ": ("Europe/Berlin", False),
    "MESZ": ("Europe/Berlin", True),
    "EET": ("Europe/Helsinki", False),
    "EEST": ("Europe/Helsinki", True),
    "MSK": ("Europe/Moscow", None),
    "GST": ("Asia/Dubai", None),
    "PKT": ("Asia/Karachi", None),
    "ICT": ("Asia/Bangkok", None),
    "WIB": ("Asia/Jakarta", None),
    "SGT": ("Asia/Singapore", None),
    "HKT": ("Asia/Hong_Kong", None),
    "PHT": ("Asia/Manila", None),
    "JST": ("Asia/Tokyo", None),
    "KST": ("Asia/Seoul", None),
    "AEST": ("Australia/Sydney", False),
    "AEDT": ("Australia/Sydney", True),
    "AET": ("Australia/Sydney", None),
    "ACST": ("Australia/Adelaide", False),
    "ACDT": ("Australia/Adelaide", True),
    "AWST": ("Australia/Perth", None),
    "NZST": ("Pacific/Auckland", False),
    "NZDT": ("Pacific/Auckland", True),
    "NZT": ("Pacific/Auckland", None),
    "SAST": ("Africa/Johannesburg", None),
    "WAT": ("Africa/Lagos", None),
    "EAT": ("Africa/Nairobi", None),
    "CAT": ("Africa/Maputo", None),
    "BRT": ("America/Sao_Paulo", None),
    "ART": ("America/Argentina/Buenos_Aires", None),
}
#: Abbreviations several regions use: the person's own region wins when it is one of them.
_SHARED: dict[str, tuple[str, ...]] = {
    "CST": ("Asia/Shanghai", "Asia/Taipei", "America/Havana", "America/Regina"),
    "IST": ("Europe/Dublin", "Asia/Jerusalem"),
    "BST": ("Asia/Dhaka",),
    "AST": ("Asia/Riyadh", "Asia/Baghdad", "Asia/Kuwait", "Asia/Qatar", "America/Puerto_Rico"),
    "MST": ("America/Phoenix",),
    "EST": ("America/Cancun", "America/Panama", "America/Jamaica"),
    "AEST": ("Australia/Brisbane",),
}
#: Cities that invitations name but that are not IANA zone names.
_CITIES: dict[str, str] = {
    "new delhi": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "boston": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "milan": "Europe/Rome",
    "barcelona": "Europe/Madrid",
    "edinburgh": "Europe/London",
    "manchester": "Europe/London",
    "geneva": "Europe/Zurich",
    "kyiv": "Europe/Kyiv",
    "brasilia": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "osaka": "Asia/Tokyo",
    "canberra": "Australia/Sydney",
    "abu dhabi": "Asia/Dubai",
    "tel aviv": "Asia/Jerusalem",
    "cape town": "Africa/Johannesburg",
    "pretoria": "Africa/Johannesburg",
    "us & canada": "",
    "us and canada": "",
}
_REGIONS = ("Europe/", "America/", "Asia/", "Africa/", "Australia/", "Pacific/", "Atlantic/")


@dataclass(frozen=True)
class ZoneMention:
    """A zone found in the text: where, what it resolved to, and whether to trust it."""

    zone: tzinfo
    start: int
    end: int
    #: False when the writing and the date disagree ("PST" on a summer date).
    sure: bool = True
    abbreviation: str = ""
    summer: bool | None = None


def zone_key(zone: tzinfo) -> str:
    """An IANA name for ZoneInfo, "UTC+05:30" for a fixed offset."""
    key = getattr(zone, "key", None)
    if key:
        return str(key)
    offset = zone.utcoffset(None) or timedelta()
    return "UTC" + _offset_text(offset) if offset else "UTC"


def person_zone(tz: str) -> tzinfo:
    """The person's zone; an unknown name is UTC rather than a failure."""
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError, OSError):
        return ZoneInfo("UTC")


@functools.cache
def _city_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if key.startswith(_REGIONS):
            city = key.rsplit("/", 1)[1].replace("_", " ").lower()
            index.setdefault(city, key)
    index.update({k: v for k, v in _CITIES.items() if v})
    return index


_OFFSET = r"([+-−–])\s?(\d{1,2})(?::?(\d{2}))?"
_WINDOWS = re.compile(rf"\((?:UTC|GMT)\s?(?:{_OFFSET})?\)\s*([^\n()]*(?:\([^\n()]*\))?)")
_BARE_OFFSET = re.compile(rf"\b(?:UTC|GMT)\s?{_OFFSET}(?!\d)")
_IANA = re.compile(r"\b((?:Europe|America|Asia|Africa|Australia|Pacific|Atlantic)/[A-Za-z_/]+)")
_LONG = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(n) for n in _LONG_NAMES), key=len, reverse=True))
    + r")\b(?:\s*[-–(,]\s*([A-Z][\w .'&-]*?)(?:\)|$|[,.\n]))?",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?<![\w/])(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w/])"
)
_CITY_LIST = re.compile(r"([A-Z][\w'.-]*(?:[ -][A-Z][\w'.-]*)*)")


def find_zone(
    text: str, *, near: int = 0, reach: int = 90, person_tz: str, on: datetime | None = None
) -> ZoneMention | None:
    """The zone written within `reach` characters after position `near` (the start time),
    on that line or the next; `on` is the naive wall time, to judge summer-time names."""
    end = min(len(text), near + reach)
    line_end = text.find("\n", near)
    if line_end != -1:
        following = text.find("\n", line_end + 1)
        end = min(end, following if following != -1 else len(text))
    window = text[near:end]
    for finder in (_windows_zone, _offset_zone, _iana_zone, _long_zone, _abbreviation_zone):
        found = finder(window, person_tz=person_tz, on=on)
        if found is not None:
            return ZoneMention(
                zone=found.zone,
                start=found.start + near,
                end=found.end + near,
                sure=found.sure,
                abbreviation=found.abbreviation,
                summer=found.summer,
            )
    city = _city_zone(window.split("\n", 1)[0])
    if city is not None:
        return ZoneMention(zone=city[0], start=near + city[1], end=near + city[2])
    return None


_STATED = re.compile(
    r"\b(?:all\s+)?times?\s+(?:are|is|shown|listed|given)?\s*(?:in\s+)?(?:the\s+)?"
    r"(pacific|mountain|central|eastern|atlantic|[A-Z]{2,5})\b",
    re.IGNORECASE,
)
_REGION_WORDS = {
    "pacific": "America/Los_Angeles",
    "mountain": "America/Denver",
    "central": "America/Chicago",
    "eastern": "America/New_York",
    "atlantic": "America/Halifax",
}


def find_stated_zone(
    text: str, *, person_tz: str, on: datetime | None = None
) -> ZoneMention | None:
    """A zone stated anywhere, away from the time ("All times are Central", a line
    "(Eastern Time)", "(UTC+01:00) Amsterdam…"): unambiguous forms only, no bare
    abbreviation except after "times are"."""
    for finder in (_windows_zone, _iana_zone, _long_zone):
        found = finder(text, person_tz=person_tz, on=on)
        if found is not None:
            return found
    stated = _STATED.search(text)
    if stated is not None:
        word = stated.group(1)
        if word.lower() in _REGION_WORDS:
            zone = _same_as_person(_ZONES(_REGION_WORDS[word.lower()]), person_tz, on)
            return ZoneMention(zone=zone, start=stated.start(), end=stated.end())
        if word in _ABBREVIATIONS:
            return _abbreviation_zone(word, person_tz=person_tz, on=on)
    return None


def _windows_zone(window: str, *, person_tz: str, on: datetime | None) -> ZoneMention | None:
    """Outlook's "(UTC+01:00) Amsterdam, Berlin, …": the cities decide (the offset written
    is the standard one, also in summer); the offset alone when no city is known."""
    match = _WINDOWS.search(window)
    if match is None:
        return None
    names = match.group(4)
    long = _LONG.search(names)
    if long is not None:
        zone = _ZONES(_LONG_NAMES[long.group(1).lower()])
        return ZoneMention(zone=zone, start=match.start(), end=match.end())
    for city in re.split(r",|;|\band\b", names):
        zone_name = _city_index().get(" ".join(city.split()).strip(". ").lower())
        if zone_name:
            return ZoneMention(zone=_ZONES(zone_name), start=match.start(), end=match.end())
    if match.group(2) is None:
        return ZoneMention(zone=_ZONES("UTC"), start=match.start(), end=match.end())
    return ZoneMention(
        zone=_fixed(match.group(1), match.group(2), match.group(3)),
        start=match.start(),
        end=match.end(),
    )


def _offset_zone(window: str, *, person_tz: str, on: datetime | None) -> ZoneMention | None:
    match = _BARE_OFFSET.search(window)
    if match is None:
        return None
    zone = _fixed(match.group(1), match.group(2), match.group(3))
    return ZoneMention(
        zone=_same_as_person(zone, person_tz, on), start=match.start(), end=match.end()
    )


def _iana_zone(window: str, *, person_tz: str, on: datetime | None) -> ZoneMention | None:
    match = _IANA.search(window)
    if match is None or match.group(1) not in available_timezones():
        return None
    return ZoneMention(zone=_ZONES(match.group(1)), start=match.start(), end=match.end())


def _long_zone(window: str, *, person_tz: str, on: datetime | None) -> ZoneMention | None:
    """ "Central European Time - Berlin", "Pacific Time (US & Canada)", "Eastern Time"."""
    match = _LONG.search(window)
    if match is None:
        return None
    zone_name = _LONG_NAMES[match.group(1).lower()]
    city = (match.group(2) or "").strip().lower()
    if city and _city_index().get(city):
        zone_name = _city_index()[city]
    zone = _ZONES(zone_name)
    if zone_name == "UTC":
        return ZoneMention(zone=zone, start=match.start(), end=match.end())
    return ZoneMention(
        zone=_same_as_person(zone, person_tz, on), start=match.start(), end=match.end()
    )


def _abbreviation_zone(window: str, *, person_tz: str, on: datetime | None) -> ZoneMention | None:
    match = _ABBREVIATION.search(window)
    if match is None:
        return None
    abbreviation = match.group(1)
    zone_name, summer = _ABBREVIATIONS[abbreviation]
    if person_tz in _SHARED.get(abbreviation, ()):
        zone_name = person_tz
        summer = None
    if zone_name == "UTC":
        return ZoneMention(
            zone=UTC, start=match.start(), end=match.end(), abbreviation=abbreviation
        )
    zone = _same_as_person(_ZONES(zone_name), person_tz, on)
    sure = True
    if summer is not None and on is not None:
        in_summer = bool(on.replace(tzinfo=zone).dst())
        sure = in_summer == summer
    return ZoneMention(
        zone=zone,
        start=match.start(),
        end=match.end(),
        sure=sure,
        abbreviation=abbreviation,
        summer=summer,
    )


def _city_zone(line: str) -> tuple[tzinfo, int, int] | None:
    """Zoom's "11:00 AM London": a city name right after the time."""
    stripped = line.lstrip(" ,(")
    offset = len(line) - len(stripped)
    match = _CITY_LIST.match(stripped)
    if match is None:
        return None
    for size in range(len(match.group(1).split()), 0, -1):
        words = " ".join(match.group(1).split()[:size]).lower()
        zone_name = _city_index().get(words)
        if zone_name:
            return _ZONES(zone_name), offset, offset + match.end()
    return None


def _same_as_person(zone: tzinfo, person_tz: str, on: datetime | None) -> tzinfo:
    """The person's own zone when it keeps the same clock as `zone` around that date, so a
    Parisian's "CET" is Europe/Paris and not Europe/Berlin (summer and winter alike)."""
    mine = person_zone(person_tz)
    if on is None:
        return zone
    for moment in (on, on.replace(month=1, day=15), on.replace(month=7, day=15)):
        if moment.replace(tzinfo=mine).utcoffset() != moment.replace(tzinfo=zone).utcoffset():
            return zone
    return mine


def _fixed(sign: str, hours: str, minutes: str | None) -> tzinfo:
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if sign in "-−–":
        offset = -offset
    if offset == timedelta():
        return UTC
    return timezone(offset, "UTC" + _offset_text(offset))


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@functools.cache
def _ZONES(name: str) -> ZoneInfo:  # noqa: N802 - a cached constructor
    return ZoneInfo(name)
