"""A person's calendar feed read into events, the interviews among them, and what changed.

Pure: the caller fetches the bytes and passes `now`. Recurring series are expanded with
`recurring-ical-events` (RRULE, RDATE, EXDATE and moved occurrences, which are easy to get
subtly wrong by hand), after `x-wr-timezone` has given Google's floating times their zone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

__all__ = [
    "PERSONAL_MAIL_DOMAINS",
    "Attendee",
    "FeedChanges",
    "FeedError",
    "FeedEvent",
    "InterviewMatch",
    "MalformedFeed",
    "NotACalendar",
    "Seen",
    "compare",
    "find_interviews",
    "interview_signs",
    "read_feed",
]

#: How far back and ahead a feed is read: interviews of the last days still need coaching.
LOOK_BACK = timedelta(days=14)
LOOK_AHEAD = timedelta(days=120)
#: More events than this in one window is not a person's calendar (or it is a resource's).
MAX_EVENTS = 20_000
#: Mail providers anyone can use: an attendee there says nothing about an employer.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "fastmail.com",
        "hey.com",
        "zoho.com",
        "yandex.com",
        "qq.com",
        "163.com",
    }
)
#: Services whose addresses appear as organisers or guests without being anyone's employer.
SERVICE_DOMAINS = frozenset(
    {
        "calendar.google.com",
        "group.calendar.google.com",
        "resource.calendar.google.com",
        "calendly.com",
        "zoom.us",
        "goodtime.io",
        "greenhouse.io",
        "lever.co",
        "myworkday.com",
        "ashbyhq.com",
        "teams.microsoft.com",
    }
)

#: Words that name an interview on their own.
_STRONG = re.compile(
    r"\b(interview(?:s|ing)?|phone[ -]?screen(?:ing)?|screening (?:call|interview)|"
    r"(?:tech(?:nical)?|recruiter|hr|initial|intro) screen|recruiter (?:call|chat)|"
    r"hiring manager|final round|on-?site (?:interview|loop)|superday|"
    r"assessment (?:centre|center)|job (?:chat|call|conversation)|candidate)\b",
    re.IGNORECASE,
)
#: Words that hint at one, with someone from another organisation on the event ("call" and
#: "chat" are left out: calls with an accountant or a client are not interviews).
_WEAK = re.compile(
    r"\b(intro(?:duction|ductory)?|round|screen|panel|on-?site|technical|coding|pairing|"
    r"pair programming|system design|case study|take-?home|meet the team|culture|"
    r"behaviou?ral|opportunity|role|position|hiring|recruit(?:er|ing|ment))\b|<>",
    re.IGNORECASE,
)
#: Words that say the person is on the hiring side, or that it is not a meeting at all.
_NOT_AN_INTERVIEW = re.compile(
    r"\b(debrief|interviewer training|interview training|hiring committee|calibration|"
    r"stand-?up|retro(?:spective)?|sprint|1:1|one-on-one|birthday|dentist|doctor|gym|"
    r"out of office|ooo|vacation|holiday|flight)\b",
    re.IGNORECASE,
)
_HTML = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml|<head|<body|<!--)", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)


class FeedError(ValueError):
    """A feed that cannot be read, with what to tell the person."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class NotACalendar(FeedError):
    """The address served something else: a sign-in page, an error page, nothing at all."""


class MalformedFeed(FeedError):
    """A calendar that is broken past reading."""


class Status(StrEnum):
    """An event's STATUS; only CANCELLED changes what the coach does."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Attendee:
    """Someone on an event: a name when the calendar gives one, an email when it does."""

    name: str
    email: str | None

    @property
    def domain(self) -> str | None:
        """The part after @, lower case: what says which organisation they are from."""
        if not self.email or "@" not in self.email:
            return None
        return self.email.rsplit("@", 1)[1].lower()


@dataclass(frozen=True)
class FeedEvent:
    """One occurrence of an event in the feed, at its own zone's local time."""

    uid: str
    #: The occurrence's original start (UTC ISO) for events of a series, else "".
    recurrence_id: str
    summary: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    status: Status
    organizer: Attendee | None
    attendees: tuple[Attendee, ...]

    @property
    def key(self) -> str:
        """A stable identity: the UID, and for a series the occurrence it stands for."""
        return f"{self.uid}|{self.recurrence_id}" if self.recurrence_id else self.uid

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def tz(self) -> str:
        """The event's zone name (an IANA key, or "UTC"), for showing and for the form."""
        zone = self.starts_at.tzinfo
        return getattr(zone, "key", None) or str(zone)

    @property
    def fingerprint(self) -> str:
        """What matters to the coach about the event (start, length, status), hashed, so a
        caller can tell a moved or cancelled event from an unchanged one without keeping it."""
        start = self.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        seen = f"{start}|{int(self.duration.total_seconds())}|{self.status.value}"
        return hashlib.sha256(seen.encode()).hexdigest()[:16]

    @property
    def people(self) -> tuple[Attendee, ...]:
        """The organiser and the attendees, each once."""
        found: list[Attendee] = []
        for person in (self.organizer, *self.attendees):
            if person is not None and not any(_same(person, other) for other in found):
                found.append(person)
        return tuple(found)


def read_feed(
    data: bytes,
    *,
    now: datetime,
    tz: str = "UTC",
    look_back: timedelta = LOOK_BACK,
    look_ahead: timedelta = LOOK_AHEAD,
) -> tuple[FeedEvent, ...]:
    """The timed events of a feed that overlap [now - look_back, now + look_ahead].

    Recurring series are expanded, all-day events left out (a day off is no interview),
    cancelled events kept with their status so a caller can follow a cancellation. Floating
    times take the calendar's X-WR-TIMEZONE, else the person's zone `tz`.
    Raises NotACalendar for an HTML page or anything that is not iCalendar, MalformedFeed for
    a calendar broken past reading.
    """
    calendar = _parse(data)
    _check_readable(calendar)
    default_zone = _zone(tz)
    series = _series_uids(calendar)
    start, end = now - look_back, now + look_ahead
    try:
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
        events: list[FeedEvent] = []
        for component in occurrences:
            event = _event(component, series=series, default_zone=default_zone)
            if event is not None:
                events.append(event)
            if len(events) > MAX_EVENTS:
                raise MalformedFeed(
                    f"This calendar has more than {MAX_EVENTS:,} events in four months; "
                    "it does not look like one person's calendar."
                )
    except FeedError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        raise MalformedFeed(
            f"This calendar is damaged and cannot be read ({_short(error)})."
        ) from error
    events.sort(key=lambda e: (e.starts_at.astimezone(UTC), e.key))
    return tuple(events)


def _parse(data: bytes) -> icalendar.Calendar:
    """The calendar in the bytes, or a typed error saying what came instead."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head):
        raise NotACalendar(
            "That address gave a web page (perhaps a sign-in page), not a calendar. Use the "
            "calendar's secret address in iCal format: it usually ends in .ics."
        )
    if not head.strip():
        raise NotACalendar("That address gave an empty answer, not a calendar.")
    if not head.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        raise NotACalendar(
            "That address did not give a calendar in iCal format (it should begin with "
            "BEGIN:VCALENDAR)."
        )
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise MalformedFeed(
            f"This calendar is damaged and cannot be read ({_short(error)})."
        ) from error
    if not calendars:
        raise MalformedFeed("This calendar is damaged and cannot be read (no VCALENDAR).")
    first: icalendar.Calendar = calendars[0]
    for extra in calendars[1:]:
        for component in extra.subcomponents:
            first.add_component(component)
    return first


def _check_readable(calendar: icalendar.Calendar) -> None:
    """One broken event is skipped (a calendar of years should not fail for it), but a
    calendar none of whose events can be read is damaged, not empty."""
    events = list(calendar.walk("VEVENT"))
    broken = 0
    for component in events:
        try:
            start = component.get("DTSTART")
            if start is None or start.dt is None:
                broken += 1
        except (ValueError, TypeError, AttributeError):
            broken += 1
    if events and broken == len(events):
        raise MalformedFeed(
            "This calendar is damaged and cannot be read: none of its events has a start "
            "that can be read."
        )


def _series_uids(calendar: icalendar.Calendar) -> frozenset[str]:
    """UIDs whose occurrences need a RECURRENCE-ID to be told apart."""
    found: set[str] = set()
    for component in calendar.walk("VEVENT"):
        if any(component.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
            found.add(str(component.get("UID", "")))
    return frozenset(found)


def _event(component: Any, *, series: frozenset[str], default_zone: tzinfo) -> FeedEvent | None:
    """One occurrence as a FeedEvent; None for all-day events."""
    starts = component.get("DTSTART")
    if starts is None:
        return None
    starts_at = starts.dt
    if not isinstance(starts_at, datetime):
        return None  # an all-day event
    ends = component.get("DTEND")
    ends_at = ends.dt if ends is not None else None
    if ends_at is None and component.get("DURATION") is not None:
        ends_at = starts_at + component.get("DURATION").dt
    if not isinstance(ends_at, datetime):
        ends_at = starts_at
    starts_at, ends_at = _zoned(starts_at, default_zone), _zoned(ends_at, default_zone)
    if ends_at < starts_at:
        ends_at = starts_at
    uid = str(component.get("UID", "")).strip()
    recurrence_id = ""
    if uid in series and component.get("RECURRENCE-ID") is not None:
        original = component.get("RECURRENCE-ID").dt
        if isinstance(original, datetime):
            recurrence_id = (
                _zoned(original, default_zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            )
        elif isinstance(original, date):
            recurrence_id = original.strftime("%Y%m%d")
    if not uid:
        # No UID breaks RFC 5545, but such feeds exist: the start and title stand in for it.
        uid = (
            "no-uid:"
            + hashlib.sha256(
                f"{starts_at.isoformat()}|{component.get('SUMMARY', '')}".encode()
            ).hexdigest()[:16]
        )
    try:
        status = Status(str(component.get("STATUS", "CONFIRMED")).strip().lower())
    except ValueError:
        status = Status.CONFIRMED
    return FeedEvent(
        uid=uid,
        recurrence_id=recurrence_id,
        summary=_text(component.get("SUMMARY")),
        description=_text(component.get("DESCRIPTION")),
        location=_text(component.get("LOCATION")),
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        organizer=_attendee(component.get("ORGANIZER")),
        attendees=tuple(
            person for person in map(_attendee, _as_list(component.get("ATTENDEE"))) if person
        ),
    )


def _zoned(moment: datetime, default_zone: tzinfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=default_zone)
    return moment


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _attendee(value: Any) -> Attendee | None:
    """An ORGANIZER or ATTENDEE property as a name and an email."""
    if value is None:
        return None
    address = _MAILTO.sub("", str(value)).strip()
    email = address if "@" in address else None
    params = getattr(value, "params", {})
    name = str(params.get("CN", "")).strip().strip('"')
    if not name or name == email:
        name = ""
    if not name and not email:
        return None
    return Attendee(name=name, email=email.lower() if email else None)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _same(one: Attendee, other: Attendee) -> bool:
    if one.email and other.email:
        return one.email == other.email
    return bool(one.name) and one.name.casefold() == other.name.casefold()


def _zone(tz: str) -> tzinfo:
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError, OSError):
        return UTC


def _short(error: Exception, limit: int = 120) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class InterviewMatch:
    """An event that looks like an interview, and why (shown to the person, and tested)."""

    event: FeedEvent
    reasons: tuple[str, ...]


def interview_signs(
    event: FeedEvent,
    *,
    own_domains: Iterable[str] = (),
    keywords: Iterable[str] = (),
) -> tuple[str, ...]:
    """Why `event` looks like an interview; empty when it does not.

    A word that names an interview ("interview", "phone screen", "hiring manager") or one
    of the person's own keywords is enough. A weaker word ("chat", "intro call", "panel")
    needs someone from another organisation on the event: not the person's own domain, not
    a personal mail provider. Words that put the person on the hiring side ("debrief",
    "interviewer training") or that are plainly something else ("standup") rule it out, and
    so does an interview their own employer organises with nobody from outside: that is the
    person interviewing a candidate.
    """
    words = f"{event.summary}\n{event.description}"
    for keyword in keywords:
        keyword = keyword.strip()
        if keyword and re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", words, re.IGNORECASE):
            return (f"your keyword “{keyword}”",)
    if _NOT_AN_INTERVIEW.search(event.summary):
        return ()
    outsiders = sorted({d for d in map(_outside_domain, event.people) if d} - _domains(own_domains))
    strong = _STRONG.search(words)
    weak = _WEAK.search(words)
    if not strong and not (weak and outsiders):
        return ()
    organizer = event.organizer.domain if event.organizer else None
    if not outsiders and organizer in _domains(own_domains):
        return ()  # their own employer's hiring loop: the person is the interviewer
    found = strong or weak
    assert found is not None
    where = "title" if found.start() < len(event.summary) else "description"
    reasons = [f"“{found.group(0)}” in the {where}"]
    if outsiders:
        reasons.append("someone from " + ", ".join(outsiders))
    return tuple(reasons)


def _domains(own_domains: Iterable[str]) -> set[str]:
    return {d.strip().lower().lstrip("@") for d in own_domains if d.strip()}


def _outside_domain(person: Attendee) -> str | None:
    """The attendee's domain when it can name an employer: not mail for anyone, not a tool."""
    domain = person.domain
    if not domain or domain in PERSONAL_MAIL_DOMAINS:
        return None
    if any(domain == d or domain.endswith("." + d) for d in SERVICE_DOMAINS):
        return None
    return domain


def find_interviews(
    events: Iterable[FeedEvent],
    *,
    own_domains: Iterable[str] = (),
    keywords: Iterable[str] = (),
) -> tuple[InterviewMatch, ...]:
    """The events that look like interviews and are not cancelled."""
    domains, words = tuple(own_domains), tuple(keywords)
    found: list[InterviewMatch] = []
    for event in events:
        if event.status is Status.CANCELLED:
            continue
        reasons = interview_signs(event, own_domains=domains, keywords=words)
        if reasons:
            found.append(InterviewMatch(event=event, reasons=reasons))
    return tuple(found)


@dataclass(frozen=True)
class Seen:
    """What a caller recorded about an event it follows: enough to notice any change."""

    fingerprint: str
    starts_at: datetime


@dataclass(frozen=True)
class FeedChanges:
    """How a feed differs from what was recorded, by event key."""

    new: tuple[FeedEvent, ...] = ()
    moved: tuple[FeedEvent, ...] = ()
    #: Keys of recorded events now cancelled, or gone from the feed while still in its window.
    cancelled: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.new or self.moved or self.cancelled)


def compare(
    recorded: Mapping[str, Seen],
    events: Iterable[FeedEvent],
    *,
    now: datetime,
    look_back: timedelta = LOOK_BACK,
    look_ahead: timedelta = LOOK_AHEAD,
) -> FeedChanges:
    """New, moved, cancelled and unchanged events against what the caller recorded.

    An event gone from the feed counts as cancelled only while its recorded start is inside
    the window the feed was read for: one that merely slid out of the window is not.
    A cancelled event that was never recorded is not new.
    """
    new: list[FeedEvent] = []
    moved: list[FeedEvent] = []
    cancelled: list[str] = []
    unchanged: list[str] = []
    present: set[str] = set()
    for event in events:
        present.add(event.key)
        seen = recorded.get(event.key)
        if seen is None:
            if event.status is not Status.CANCELLED:
                new.append(event)
        elif event.status is Status.CANCELLED:
            cancelled.append(event.key)
        elif event.fingerprint != seen.fingerprint:
            moved.append(event)
        else:
            unchanged.append(event.key)
    start, end = now - look_back, now + look_ahead
    for key, seen in recorded.items():
        if key not in present and start <= seen.starts_at <= end:
            cancelled.append(key)
    return FeedChanges(
        new=tuple(new), moved=tuple(moved), cancelled=tuple(cancelled), unchanged=tuple(unchanged)
    )
