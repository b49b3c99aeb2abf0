"""A pasted interview invitation read into what the add form needs, and what is unsure.

Google Calendar, Outlook, Zoom, Teams, Calendly, GoodTime, Greenhouse, Lever and Workday
emails, and recruiters' plain messages (email, Slack, LinkedIn) all say the same few
things in different places. The start is read where a line says when (a "When:" or
"Time:" line, a date beside a time), in the zone written next to it (else the person's),
with `parsing.read_start` doing the date words; the length comes from the time range or a
stated length; company, role and interviewers from labels first, then from the phrases such
messages use. Whatever was not found, or was found without confidence, is listed in
`unsure` so the caller can open the add form filled with the rest. Pure: `now` is passed in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from bot.domain.interview import Interviewer
from bot.domain.invitation_people import (
    NAME,
    candidate_names,
    find_people,
    is_name,
    signature,
)
from bot.domain.parsing import AddInputError, parse_duration, read_start
from bot.domain.text import match_key
from bot.domain.zones import find_stated_zone, find_zone, person_zone, zone_key


def _words(text: str) -> list[str]:
    """A word list written as prose, one word per space."""
    return text.split()


__all__ = ["FIELDS", "Invitation", "form_values", "read_invitation"]

#: The fields an invitation can give, in the add form's terms.
FIELDS = ("company", "role", "date", "time", "duration", "interviewers")
MAX_INVITATION_LENGTH = 20_000
#: Longer runs without a space are cut to this: nothing the form needs is that long (a long
#: meeting link loses only its tail), and the phrase patterns slow down with word length.
MAX_WORD_LENGTH = 100
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_LENGTH + 1},}}")


@dataclass(frozen=True)
class Invitation:
    """What an invitation says; None where it does not say, `unsure` where it may be wrong."""

    company: str | None = None
    role: str | None = None
    #: The start in the event's own zone (its offset is the one the invitation meant).
    starts_at: datetime | None = None
    duration: timedelta | None = None
    interviewers: tuple[Interviewer, ...] = ()
    unsure: frozenset[str] = field(default_factory=frozenset)
    #: Something to tell the person about how the time was read (a summer-time gap).
    remark: str = ""

    @property
    def zone(self) -> str | None:
        """The event's zone name ("Europe/Berlin", "UTC+05:30"), when a start was found."""
        return None if self.starts_at is None else zone_key(_tz(self.starts_at))

    @property
    def complete(self) -> bool:
        """Everything the add needs was found and nothing is unsure: it can go straight in."""
        found = self.company and self.role and self.starts_at is not None
        return bool(found) and not self.unsure

    @property
    def missing(self) -> tuple[str, ...]:
        """The form fields the invitation did not give at all."""
        gaps = []
        if not self.company:
            gaps.append("company")
        if not self.role:
            gaps.append("role")
        if self.starts_at is None:
            gaps.extend(["date", "time"])
        if self.duration is None:
            gaps.append("duration")
        if not self.interviewers:
            gaps.append("interviewers")
        return tuple(gaps)


def form_values(invitation: Invitation, *, tz: str) -> dict[str, str]:
    """The add form's values (see `parsing.read_add_form`): date and time in the person's
    zone `tz`, which is the zone the form is read in."""
    values: dict[str, str] = {}
    if invitation.company:
        values["company"] = invitation.company
    if invitation.role:
        values["role"] = invitation.role
    if invitation.starts_at is not None:
        local = invitation.starts_at.astimezone(person_zone(tz))
        values["date"] = local.date().isoformat()
        values["time"] = f"{local:%H:%M}"
    if invitation.duration is not None:
        values["duration"] = str(int(invitation.duration.total_seconds() // 60))
    if invitation.interviewers:
        values["interviewers"] = "\n".join(
            f"{i.name} {i.contact}" if i.contact else i.name for i in invitation.interviewers
        )
    return values


def read_invitation(text: str, *, now: datetime, tz: str) -> Invitation:
    """Read a pasted invitation; never raises for what it cannot find (the form asks)."""
    text = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD_LENGTH], text[:MAX_INVITATION_LENGTH])
    text = normalize(text)
    unsure: set[str] = set()
    starts_at, remark, start_line, start_sure = _start(text, now=now, tz=tz)
    if starts_at is None:
        unsure.update({"date", "time"})
    elif not start_sure:
        unsure.add("time")
    duration = _duration(text, starts_at, start_line)
    company, company_sure = _company(text)
    role, role_sure = _role(text, company)
    people, people_sure = find_people(text, exclude=tuple(x for x in (company, role) if x))
    if company is None or not company_sure:
        unsure.add("company")
    if role is None or not role_sure:
        unsure.add("role")
    if duration is None:
        unsure.add("duration")
    if not people or not people_sure:
        unsure.add("interviewers")
    return Invitation(
        company=company,
        role=role,
        starts_at=starts_at,
        duration=duration,
        interviewers=tuple(Interviewer(p.name, None, p.email) for p in people),
        unsure=frozenset(unsure),
        remark=remark,
    )


_SLACK_MAILTO = re.compile(r"<mailto:([^|<>]+)\|([^<>]+)>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|<>]+)(?:\|([^<>]+))?>")
_SLACK_MENTION = re.compile(r"<@[A-Z0-9]+\|([^<>]+)>")
_EMOJI = re.compile(r":[a-z0-9_+-]{2,30}:")


def normalize(text: str) -> str:
    """One shape for every paste: Slack markup unwrapped, odd spaces and dots made plain."""
    text = _SLACK_MAILTO.sub(lambda m: f"{m.group(2)} <{m.group(1)}>", text)
    text = _SLACK_MENTION.sub(lambda m: m.group(1), text)
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _EMOJI.sub(" ", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    for odd, plain in (("\u00a0", " "), ("\u202f", " "), ("\u2009", " "), ("⋅", " "),
                       ("\u200b", ""), ("\ufeff", ""), ("’", "'"), ("‘", "'"), ("“", '"'),
                       ("”", '"'), ("\r\n", "\n"), ("\r", "\n"), ("\t", " ")):  # fmt: skip
        text = text.replace(odd, plain)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# -- when -------------------------------------------------------------------------------------

_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?)\.?"
)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
_DATE_PATTERNS = (
    # Thursday 3 Dec 2026, 14th December 2026, Mon, 7 Dec 2026, 10 Dec
    ("dmy", re.compile(
        rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_ORDINAL}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?(?!\d|:\d)",
        re.I)),
    # Dec 3, 2026, Wednesday, December 9th, 2026, Thursday, December 3
    ("mdy", re.compile(
        rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_ORDINAL}(?!\d|:\d)(?:,?\s+{_YEAR})?", re.I)),
    ("iso", re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")),
    ("numeric", re.compile(
        r"(?<![\d/.:-])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?(?![\d/:])(?!\s?[ap]\.?m\b)",
        re.I)),
    ("relative", re.compile(
        rf"\b(today|tonight|tomorrow|tmrw|tmr|day after tomorrow|(?:next|this)\s+{_WEEKDAY}|"
        rf"{_WEEKDAY})\b", re.I)),
)  # fmt: skip
_TIME = re.compile(
    r"(?<![\d:./+#])(?:(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?|([01]?\d|2[0-3])[:h](\d{2})"
    r"(?![\d:])(?:\s?(?:hrs|hours|h)\b)?|(noon|midday))",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|until|till)\s*$", re.IGNORECASE)
_START_LABEL = re.compile(
    r"^\s*(?:when|time|date|date\s*(?:&|and|/)\s*time|event date/time|start(?: time)?|"
    r"interview (?:date|time)|scheduled(?: for)?|time slot|slot)\s*:",
    re.IGNORECASE,
)
_END_LABEL = re.compile(r"^\s*(?:end(?: time)?|ends?|finish(?: time)?)\s*:", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Zones whose countries write dates month first.
_MONTH_FIRST = ("America/", "US/", "Pacific/Honolulu", "Asia/Manila")
_MONTH_FIRST_EXCEPT = ("America/Sao_Paulo", "America/Argentina", "America/Bogota",
                       "America/Mexico_City", "America/Lima", "America/Santiago")  # fmt: skip


@dataclass(frozen=True)
class _Clock:
    start: int
    end: int
    hour: int
    minute: int
    meridiem: str  # "a", "p" or ""
    line: int


@dataclass(frozen=True)
class _Day:
    start: int
    end: int
    words: str  # what read_start is given: "December 3 2026", "tomorrow", "2026-12-03"
    weekday: int | None
    line: int
    sure: bool = True


def _clocks(text: str, line_starts: list[int]) -> list[_Clock]:
    found = []
    for match in _TIME.finditer(text):
        if match.group(6):
            hour, minute, meridiem = 12, 0, "p"
        elif match.group(1):
            hour, minute, meridiem = (
                int(match.group(1)),
                int(match.group(2) or 0),
                match.group(3).lower(),
            )
            if not 1 <= hour <= 12 or minute > 59:
                continue
            hour = hour % 12 + (12 if meridiem == "p" else 0)
        else:
            hour, minute, meridiem = int(match.group(4)), int(match.group(5)), ""
            if minute > 59:
                continue
        found.append(
            _Clock(
                match.start(),
                match.end(),
                hour,
                minute,
                meridiem,
                _line_of(line_starts, match.start()),
            )
        )
    return found


def _days(text: str, line_starts: list[int], tz: str) -> list[_Day]:
    found: list[_Day] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            day = _day(kind, match, tz, _line_of(line_starts, match.start()))
            if day is not None:
                found.append(day)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def _day(kind: str, match: re.Match[str], tz: str, line: int) -> _Day | None:
    groups = match.groups()
    weekday = None
    if kind in ("dmy", "mdy"):
        name, first, second, year = groups
        weekday = _WEEKDAYS.index(name[:3].lower()) if name else None
        day, month = (first, second) if kind == "dmy" else (second, first)
        if not 1 <= int(day) <= 31:
            return None
        month_number = _MONTHS.index(month[:3].lower()) + 1
        words = f"{date(2000, month_number, 1):%B} {int(day)}" + (f" {year}" if year else "")
        return _Day(match.start(), match.end(), words, weekday, line)
    if kind == "iso":
        year, month, day = (int(g) for g in groups)
        try:
            return _Day(match.start(), match.end(), date(year, month, day).isoformat(), None, line)
        except ValueError:
            return None
    if kind == "numeric":
        first, second, year_text = int(groups[0]), int(groups[1]), groups[2]
        if year_text is None and "." in match.group(0):
            return None  # "9.30" is a time of day, not the 30th of September
        month_first = tz.startswith(_MONTH_FIRST) and not tz.startswith(_MONTH_FIRST_EXCEPT)
        if first > 12 >= second:
            month_first = False
        elif second > 12 >= first:
            month_first = True
        month, day = (first, second) if month_first else (second, first)
        sure = first == second or first > 12 or second > 12
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        if year_text is None:
            return _Day(
                match.start(), match.end(), f"{date(2000, month, 1):%B} {day}", None, line, sure
            )
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            return _Day(
                match.start(), match.end(), date(year, month, day).isoformat(), None, line, sure
            )
        except ValueError:
            return None
    words = " ".join(match.group(1).lower().split())
    if words in ("tmrw", "tmr"):
        words = "tomorrow"
    if words == "tonight":
        words = "today"
    return _Day(match.start(), match.end(), words, None, line)


def _line_of(line_starts: list[int], position: int) -> int:
    low, high = 0, len(line_starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if line_starts[middle] <= position:
            low = middle
        else:
            high = middle - 1
    return low


def _start(text: str, *, now: datetime, tz: str) -> tuple[datetime | None, str, int, bool]:
    """(start in its own zone, remark, the line it was read on, sure) — None when no date
    and time of day can be paired."""
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    clocks = _ranges(text, _clocks(text, line_starts))
    days = _days(text, line_starts, tz)
    if not clocks or not days:
        return None, "", -1, False
    blocks = schedule_blocks(lines)
    scored = []
    for clock, end in clocks:
        line = lines[clock.line]
        if _END_LABEL.match(line) or _is_mail_header(lines, clock.line):
            continue
        day = _nearest_day(days, clock, lines)
        if day is None:
            continue
        score = 0
        if _START_LABEL.match(line) or (
            clock.line
            and _START_LABEL.match(lines[clock.line - 1])
            and not lines[clock.line - 1].split(":", 1)[1].strip()
        ):
            score += 4
        if day.line == clock.line:
            score += 3
        elif abs(day.line - clock.line) <= 2:
            score += 2
        if end is not None:
            score += 1
        if any(first == clock.line for first, _ in blocks):
            score += 3  # the first slot of an itinerary: where the interview starts
        elif any(first < clock.line <= last for first, last in blocks):
            score -= 3  # a later slot in a schedule, not the interview's start
        scored.append((-score, clock.start, clock, end, day))
    if not scored:
        return None, "", -1, False
    _, _, clock, end, day = min(scored, key=lambda s: (s[0], s[1]))
    near = (end or clock).end
    wall = time(clock.hour, clock.minute)
    naive_on = _guess_naive(day, wall, now=now, tz=tz)
    mention = find_zone(text, near=near, person_tz=tz, on=naive_on)
    if mention is None and clock.line + 1 < len(lines):
        # Google puts the zone on the line under the time; Calendly in brackets at the end.
        mention = find_zone(
            text,
            near=line_starts[clock.line],
            reach=len(lines[clock.line]) + 80,
            person_tz=tz,
            on=naive_on,
        )
    if mention is None:
        mention = find_stated_zone(text, person_tz=tz, on=naive_on)
    zone = mention.zone if mention is not None else person_zone(tz)
    starts_at, remark = _resolve(day, wall, zone=zone, now=now)
    if starts_at is None:
        return None, "", -1, False
    sure = day.sure and (mention is None or mention.sure)
    if day.weekday is not None and starts_at.weekday() != day.weekday:
        sure = False
    return starts_at, remark, clock.line, sure


_SLOT = re.compile(
    r"^\s*(?:[-•*]\s*)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:-|–|—|to)\s*"
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?=\s|$|[|:,])",
    re.IGNORECASE,
)
_MAIL_HEADER = re.compile(r"^\s*(?:from|to|cc|subject|sent|date)\s*:", re.IGNORECASE)


def schedule_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Itineraries: two or more lines in a row (blank lines aside) that each start with a
    time range, as (first line, last line)."""
    blocks: list[tuple[int, int]] = []
    first = last = -1
    for index, line in enumerate(lines):
        if _SLOT.match(line):
            if first == -1:
                first = index
            last = index
        elif line.strip() and first != -1:
            if last > first:
                blocks.append((first, last))
            first = last = -1
    if first != -1 and last > first:
        blocks.append((first, last))
    return blocks


def _is_mail_header(lines: list[str], index: int) -> bool:
    """A forwarded message's "Date: Fri, 4 Dec 2026 at 10:12": when it was sent, not met."""
    if not re.match(r"^\s*(?:date|sent)\s*:", lines[index], re.IGNORECASE):
        return False
    near = lines[max(index - 2, 0) : index] + lines[index + 1 : index + 3]
    return any(_MAIL_HEADER.match(line) for line in near)


def _ranges(text: str, clocks: list[_Clock]) -> list[tuple[_Clock, _Clock | None]]:
    """Each time with the end of its range when one follows ("2pm – 2:45pm", "14:00-15:00"),
    the start taking the end's am/pm when it has none ("1:00 - 2:30 PM")."""
    paired: list[tuple[_Clock, _Clock | None]] = []
    skip: set[int] = set()
    for index, clock in enumerate(clocks):
        if index in skip:
            continue
        following = clocks[index + 1] if index + 1 < len(clocks) else None
        if following is not None and _RANGE_JOIN.match(text[clock.end : following.start]):
            start = clock
            if not clock.meridiem and following.meridiem and clock.hour <= 12:
                hour = clock.hour % 12 + (12 if following.meridiem == "p" else 0)
                if hour * 60 + clock.minute > following.hour * 60 + following.minute:
                    hour = clock.hour % 12
                start = _Clock(
                    clock.start, clock.end, hour, clock.minute, following.meridiem, clock.line
                )
            paired.append((start, following))
            skip.add(index + 1)
        else:
            paired.append((clock, None))
    return paired


def _nearest_day(days: list[_Day], clock: _Clock, lines: list[str]) -> _Day | None:
    """The date that goes with a time: on its line, else just above, else just below, else
    the first date that is not a relative word."""
    same = [d for d in days if d.line == clock.line]
    if same:
        return min(same, key=lambda d: abs(d.start - clock.start))
    for distance in (1, 2, 3):
        above = [d for d in days if d.line == clock.line - distance]
        if above:
            return above[-1]
        below = [d for d in days if d.line == clock.line + distance]
        if below and distance == 1:
            return below[0]
    absolute = [d for d in days if d.words[0].isdigit() or d.words.split()[0].istitle()]
    return absolute[0] if absolute else None


def _guess_naive(day: _Day, wall: time, *, now: datetime, tz: str) -> datetime | None:
    """The wall time roughly (in the person's zone), only to judge summer-time names."""
    try:
        starts_at, _ = read_start(f"{day.words} {wall:%H:%M}", now=now, tz=tz)
    except AddInputError:
        return None
    return starts_at.replace(tzinfo=None)


def _resolve(day: _Day, wall: time, *, zone: tzinfo, now: datetime) -> tuple[datetime | None, str]:
    """The start in `zone`, the date words read by `parsing.read_start`."""
    when = f"{day.words} {wall:%H:%M}"
    key = getattr(zone, "key", None)
    try:
        if key:
            return read_start(when, now=now, tz=key)
        offset = zone.utcoffset(None) or timedelta()
        starts_at, remark = read_start(when, now=now + offset, tz="UTC")
        return starts_at.replace(tzinfo=zone), remark
    except AddInputError:
        return None, ""


def _tz(moment: datetime) -> tzinfo:
    assert moment.tzinfo is not None
    return moment.tzinfo


# -- how long ---------------------------------------------------------------------------------

_NUMBER_WORDS = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "four": "4",
                 "half an": "0.5", "half a": "0.5", "ninety": "90", "forty-five": "45",
                 "thirty": "30", "sixty": "60", "fifteen": "15", "twenty": "20"}  # fmt: skip
_LENGTH = re.compile(
    r"(?<![\w:.-])(\d{1,3}(?:\.\d)?|an?|one|two|three|four|half an?|ninety|forty-five|thirty|"
    r"sixty|fifteen|twenty)[ -]?(hours?|hrs?|h|minutes?|mins?)\b(?:[ ,]+(?:and )?(\d{1,2})"
    r"[ -]?(?:minutes?|mins?)\b|\s+(and a half))?(?:\s+(early|before|prior|ahead|late|"
    r"beforehand|in advance|notice|to travel|from|away|after))?",
    re.IGNORECASE,
)
_LENGTH_LABEL = re.compile(r"^\s*(?:duration|length|how long|estimated duration)\s*:", re.I)
MAX_LENGTH = timedelta(hours=12)


def _duration(text: str, starts_at: datetime | None, start_line: int) -> timedelta | None:
    """From a "Duration:" line, the start's time range, an "End Time:" line, or a stated
    length ("for one hour", "a 45-minute call"), in that order."""
    lines = text.split("\n")
    for line in lines:
        if _LENGTH_LABEL.match(line):
            length = _first_length(line)
            if length is not None:
                return length
    for first, last in schedule_blocks(lines):
        if first == start_line and starts_at is not None:
            slots = _ranges(lines[last], _clocks(lines[last], [0]))
            opening = _ranges(lines[first], _clocks(lines[first], [0]))
            closing = slots[0][1] if slots else None
            if closing is not None and opening:
                opens = opening[0][0]
                minutes = (closing.hour * 60 + closing.minute) - (opens.hour * 60 + opens.minute)
                if 0 < minutes <= MAX_LENGTH.total_seconds() // 60:
                    return timedelta(minutes=minutes)
    if start_line >= 0 and starts_at is not None:
        line = lines[start_line]
        ranges = _ranges(line, _clocks(line, [0]))
        for start, end in ranges:
            if end is not None and (start.hour, start.minute) == (starts_at.hour, starts_at.minute):
                minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                if minutes <= 0:
                    minutes += 24 * 60
                if 0 < minutes <= MAX_LENGTH.total_seconds() // 60:
                    return timedelta(minutes=minutes)
        for other in lines:
            if _END_LABEL.match(other):
                clocks = _clocks(other, [0])
                if clocks:
                    minutes = (
                        (clocks[0].hour - starts_at.hour) * 60 + clocks[0].minute - starts_at.minute
                    )
                    if 0 < minutes <= MAX_LENGTH.total_seconds() // 60:
                        return timedelta(minutes=minutes)
    return _first_length(text)


def _first_length(text: str) -> timedelta | None:
    for match in _LENGTH.finditer(text):
        if match.group(5):
            continue  # "arrive 10 minutes early"
        number = _NUMBER_WORDS.get(match.group(1).lower(), match.group(1))
        words = f"{number} {match.group(2)}"
        length = _length_of(words)
        if length is None:
            continue
        if match.group(3):
            length += timedelta(minutes=int(match.group(3)))
        if match.group(4) and match.group(2).lower().startswith("h"):
            length += length // 2  # "an hour and a half"
        if timedelta(minutes=5) <= length <= MAX_LENGTH:
            return length
    return None


def _length_of(words: str) -> timedelta | None:
    number, unit = words.split(" ", 1)
    if "." in number:
        minutes = float(number) * (60 if unit.lower().startswith("h") else 1)
        return timedelta(minutes=round(minutes))
    return parse_duration(f"{number} {unit}")


# -- who and what -----------------------------------------------------------------------------

_CO_WORD = r"(?:St\.|Mt\.|Co\.|[A-Z0-9](?:[\w'-]|\.(?=\w))*+)"
#: At most eight words: no employer's name is longer, and an unbounded run made each search
#: start over the rest of a long line (seconds on a pasted wall of capitals).
_COMPANY = rf"((?:{_CO_WORD}|&)(?:[ ](?:{_CO_WORD}|&|of|de|du|la|and(?=[ ][A-Z]))){{0,7}})"
_LEGAL = re.compile(
    r"(?:,?\s+(?:Inc|Inc\.|Ltd|Ltd\.|Limited|LLC|L\.L\.C\.|GmbH|AG|SA|S\.A\.|BV|B\.V\.|Pvt\.? "
    r"Ltd\.?|Pvt|PLC|plc|Corp\.?|Corporation|Co\.?\s+Ltd\.?|Pty Ltd))+\.?$"
)
_NOT_COMPANIES = frozenset(
    """google meet|zoom|microsoft teams|teams|webex|skype|slack|linkedin|calendly|greenhouse|
    lever|workday|goodtime|the team|our team|reception|the front desk|hr|hr team|me|us|
    interview|interviews|video|phone|onsite|the office|our office|first interview|
    final interview|technical interview|interview scheduled|interview confirmation|
    interview invitation|interview details|your interview|invitation|confirmed|
    details|subject|topic|when|where|date|time|join|powered by goodtime|new event|
    updated event|event|canceled event|cancelled event|updated invitation|invitation from
    google calendar|i|we|you|they|he|she|it|hi|hello|hey|dear|thanks|regards|best|kind
    regards|best regards|forwarded message|original message|good news|great news""".replace(
        "\n", ""
    ).split("|")
)
_COMPANY_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.MULTILINE), weight)
    for pattern, weight in (
        (rf"^\s*(?:Company|Employer|Organi[sz]ation|Client)\s*:\s*{_COMPANY}", 12),
        (rf"\bon behalf of\s+{_COMPANY}", 7),
        (rf"\b(?:role|position|opening|job|vacancy|post)\s+with\s+{_COMPANY}", 5),
        (rf"(?:^|\s)[-–—]\s*{NAME}\s+@\s+{_COMPANY}\s*$", 5),
        (
            rf"\b(?:role|position|opening|job|vacancy|post|recruiter|team|people|engineer|"
            rf"manager)\s+at\s+{_COMPANY}",
            6,
        ),
        (rf"\b(?:[Ii]nterview|[Oo]nsite|[Ii]nterviewing|[Ww]ork|[Cc]areer)\s+at\s+{_COMPANY}", 5),
        (rf"\b(?:applying|applied|application)\s+(?:to|with|at)\s+{_COMPANY}", 5),
        (rf"\b(?:interest|interested)\s+in\s+(?:joining\s+)?{_COMPANY}", 4),
        (rf"\bjoin(?:ing)?\s+{_COMPANY}", 2),
        (
            rf"\b[Tt]he\s+{_COMPANY}\s+(?:[Tt]alent|[Rr]ecruiting|[Rr]ecruitment|[Hh]iring|[Pp]eople|"
            rf"HR)?\s*[Tt]eam\b",
            4,
        ),
        (
            rf"{_COMPANY}\s+(?:Talent Acquisition|Talent Team|Recruiting(?: Team)?|Recruitment"
            rf"(?: Team)?|Hiring Team|People Team|Resourcing(?: Team)?|HR Team|Careers)\b",
            5,
        ),
        (rf"{_COMPANY}\s+(?:has scheduled|would like to invite|invites you)", 5),
        (rf"(?:[Ii]nterview|[Cc]all|[Cc]hat|[Mm]eeting|[Ss]creen)\s+with\s+{_COMPANY}", 3),
        (rf"\b(?:[Gg]reetings|[Uu]pdate|[Hh]ello|[Nn]ews)\s+from\s+{_COMPANY}", 3),
        (rf"\bfrom\s+{_COMPANY}'s\b", 3),
        (rf"\bat\s+{_COMPANY}", 1),
        (rf"\bfrom\s+{_COMPANY}", 1),
    )
)
_SIGNATURE_TITLE = re.compile(
    r"(?:recruit\w*|talent[\w ]*|coordinator|partner|acquisition|people team|hr[\w ]*|"
    r"sourcer|resourcing|business partner|team)$",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:@/]\s+|\s*<>\s*|\s*[|–—]\s*|:\s+")
_KIND_WORDS = re.compile(
    r"\b(?:final|first|second|third|next|initial|intro(?:ductory)?|technical|tech|phone|video|"
    r"onsite|on-site|virtual|panel|behavioural|behavioral|hiring manager|recruiter|hr|culture|"
    r"coding|system design)?\s*(?:interview(?:s|ing)?|screen(?:ing)?|round|call|chat|"
    r"conversation|meeting|invitation|confirmation|scheduled|details|loop|session)\b",
    re.IGNORECASE,
)
_ROLE_HEADS = frozenset(
    _words(
        """
        engineer developer programmer manager designer analyst scientist lead director
        architect specialist consultant coordinator associate intern internship
        administrator officer researcher technician nurse representative executive head vp
        president accountant actuary writer editor marketer strategist owner supervisor
        assistant student teacher partner counsel attorney lawyer pharmacist chef operator
        agent advisor adviser sre devops clerk auditor economist controller buyer planner
        producer therapist physician electrician mechanic recruiter trainee apprentice
        fellow principal founder paralegal solicitor barrister hygienist dentist surgeon
        pilot captain steward cook barista cashier bartender server waiter receptionist
        secretary librarian curator scientist biologist chemist physicist statistician
        mathematician translator interpreter journalist reporter photographer artist
        animator illustrator copywriter ambassador evangelist instructor tutor lecturer
        professor coach trainer guard inspector surveyor estimator foreman welder
        carpenter plumber machinist technologist sonographer radiographer midwife
        caregiver worker handler courier dispatcher merchandiser salesperson seller
        generalist expert
        """
    )
)
_ROLE_TOKEN = r"(?:[A-Z][\w+#/.'-]*,?|i[A-Z]\w*|of|and|&|for|[-–/]|\([^()\n]{1,30}\))"
_ROLE = rf"({_ROLE_TOKEN}(?:[ ]{_ROLE_TOKEN}){{0,8}})"
_ROLE_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.MULTILINE | re.IGNORECASE if flags else re.MULTILINE), weight)
    for pattern, weight, flags in (
        (r"^\s*(?:position|role|job(?: title)?|job posting|job requisition|requisition|"
         r"vacancy|opening|title|applying for)\s*:\s*(.+)$", 12, True),
        (rf"\bposition of\s+(?:an?\s+)?{_ROLE}", 8, False),
        (rf"\b(?:the|a|an|our|your)\s+{_ROLE}\s+(?:role|position|opening|job|vacancy|post)\b",
         7, False),
        (rf"\b(?:interview|interviewing|application|apply|applied)\s+(?:for|as)\s+"
         rf"(?:the\s+|an?\s+)?{_ROLE}", 5, False),
        (rf"\bas\s+(?:an?|our)\s+{_ROLE}", 3, False),
    )
)  # fmt: skip
_INTERVIEWER_KINDS = frozenset(
    {"recruiter", "hiring manager", "manager", "team", "hr", "founder", "ceo", "cto",
     "engineering manager", "talent", "people"}
)  # fmt: skip


def _company(text: str) -> tuple[str | None, bool]:
    """The employer: labels, the phrases invitations use, the title line, the signature;
    names that several places agree on, or that match the interviewers' email domain, win."""
    scores: dict[str, float] = defaultdict(float)
    shown: dict[str, str] = {}

    def add(raw: str, weight: float) -> None:
        name = _clean_company(raw)
        if not name:
            return
        key = match_key(name)
        scores[key] += weight
        if key not in shown or len(name) < len(shown[key]):
            shown[key] = name

    for pattern, weight in _COMPANY_PATTERNS:
        for match in pattern.finditer(text):
            add(match.group(1), weight)
    for line in _title_lines(text):
        for part in _TITLE_SEPARATORS.split(line):
            part = re.sub(r"\([^()]*\)", "", part).strip()
            if (
                part
                and not _KIND_WORDS.search(part)
                and not _looks_like_role(part)
                and not re.search(r"\d", part)
                and len(part.split()) <= 5
            ):
                add(part, 4)
            interview_at = re.match(rf"^[Ii]nterview (?:at|with)\s+{_COMPANY}$", part)
            if interview_at:
                add(interview_at.group(1), 2)
    for line in text.split("\n"):
        pieces = [p.strip() for p in re.split(r"\s*[|,]\s*", line.strip()) if p.strip()]
        if (
            len(pieces) >= 2
            and len(line) < 90
            and any(_SIGNATURE_TITLE.search(p) for p in pieces[:-1])
        ):
            add(pieces[-1], 5)
        if re.fullmatch(
            r"[A-Z][\w&'. -]{1,60}\s(?:Pvt\.? Ltd\.?|Ltd\.?|Inc\.?|LLC|GmbH|PLC)", line.strip()
        ):
            add(line.strip(), 4)
    pieces = signature(text)
    for index, piece in enumerate(pieces):
        if index and index == len(pieces) - 1 and not _SIGNATURE_TITLE.search(piece):
            add(piece, 4)
    domains = {d.split(".")[0] for d in re.findall(r"@([\w-]+(?:\.[\w-]+)+)", text)}
    domains |= {
        d.split(".")[-2] for d in re.findall(r"@((?:[\w-]+\.)+[\w-]+)", text) if d.count(".") >= 2
    }
    in_domains: set[str] = set()
    for key in list(scores):
        compact = re.sub(r"[^a-z0-9]", "", key)
        if compact and any(compact == re.sub(r"[^a-z0-9]", "", d) or
                           (len(compact) >= 5 and re.sub(r"[^a-z0-9]", "", d).startswith(compact))
                           for d in domains):  # fmt: skip
            scores[key] += 4
            in_domains.add(key)
    people_keys = {match_key(p) for p in _people_names(text) | candidate_names(text)}
    for key in list(scores):
        # A name that is also the email domain is the employer, however person-like it looks.
        if (key in people_keys and key not in in_domains) or key in _NOT_COMPANIES:
            del scores[key]
    if not scores:
        return None, False
    ranked = sorted(scores.items(), key=lambda item: (-item[1], text.find(shown[item[0]])))
    best_key, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return shown[best_key], best >= 4 and best > runner_up


def _people_names(text: str) -> set[str]:
    """Names that are people ("Jane Doe - organizer", greetings), to keep out of companies."""
    names = set()
    for match in re.finditer(rf"^(?:hi|hello|hey|dear)\s+({NAME})", text, re.I | re.M):
        names.add(match.group(1))
    for match in re.finditer(rf"^({NAME})\s+-\s+organi[sz]er$", text, re.M):
        names.add(match.group(1))
    for match in re.finditer(rf"({NAME})\s*\(([^()\n]{{2,50}})\)", text):
        if _head_in(match.group(2)) and is_name(match.group(1)):
            names.add(match.group(1))  # "Rachel Kim (Engineering Manager)"
    return names


def _clean_company(raw: str) -> str:
    name = " ".join(raw.split()).strip(" .,;:!?'\"")
    name = re.sub(r"'s$", "", name)
    name = _LEGAL.sub("", name).strip(" .,")
    words = name.split()
    while words and (
        words[-1] in ("&", "and", "of", "de", "du", "la")
        or words[-1].lower()
        in ("team", "talent", "recruiting", "recruitment", "hiring", "people", "careers")
    ):
        words.pop()
    while words and words[0].lower() in ("the", "our", "your", "a", "an"):
        words.pop(0)
    name = " ".join(words)
    if (
        not name
        or len(name) > 60
        or len(words) > 6
        or (not name[0].isupper() and not name[0].isdigit())
    ):
        return ""
    if match_key(name) in _NOT_COMPANIES or re.fullmatch(_MONTH + r"|" + _WEEKDAY, name, re.I):
        return ""
    if _looks_like_role(name) or re.search(r"\d\s*[ap]\.?m\b|\d[:.]\d|^\d+$", name, re.I):
        return ""
    return name


def _looks_like_role(text: str) -> bool:
    words = [w.strip("().,").lower() for w in text.split()]
    return (
        bool(words)
        and any(w in _ROLE_HEADS for w in words)
        and not any(
            w in ("labs", "inc", "ltd", "group", "bank", "capital", "health", "software")
            for w in words
        )
    )


def _title_lines(text: str) -> list[str]:
    """Lines that are an event's title: the first line, and what follows Subject:, Topic:,
    Event Type: or Invitation:."""
    lines = [line.strip() for line in text.split("\n")]
    titles = []
    first = next((line for line in lines if line), "")
    greeting = re.match(r"^(?:hi|hello|hey|dear|good|hej|greetings)\b", first, re.I)
    if first and not greeting and len(first) <= 200 and not first.endswith((".", "?", "!")):
        titles.append(first)
    for index, line in enumerate(lines):
        label = re.match(
            r"^(?:subject|topic|event type|event name|invitation|title|re|fwd?)\s*:\s*(.*)$",
            line,
            re.I,
        )
        if label:
            value = label.group(1).strip()
            if not value and index + 1 < len(lines):
                value = lines[index + 1]
            value = re.sub(r"\s@\s.*$", "", value)
            if value:
                titles.append(value)
    return titles


def _role(text: str, company: str | None) -> tuple[str | None, bool]:
    """The job: a label, "the X role/position", "interview for X", a question's answer, the
    title line's part that names a job."""
    candidates: dict[str, float] = defaultdict(float)
    shown: dict[str, str] = {}

    def add(raw: str, weight: float, *, need_head: bool = True) -> None:
        role = _clean_role(raw, company)
        if not role or (need_head and not _looks_like_role(role) and not _head_in(role)):
            return
        key = match_key(role)
        candidates[key] += weight
        shown.setdefault(key, role)

    for pattern, weight in _ROLE_PATTERNS:
        for match in pattern.finditer(text):
            add(match.group(1), weight, need_head=weight < 12)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if re.search(r"\b(?:which|what)\s+(?:role|position|job|opening)\b.*\?\s*$", line, re.I):
            answer = next((ln for ln in lines[index + 1 : index + 3] if ln.strip()), "")
            add(answer, 11, need_head=False)
    for title in _title_lines(text):
        for part in _TITLE_SEPARATORS.split(title):
            inner = re.findall(r"\(([^()]+)\)", part)
            for piece in inner:
                add(piece, 5)
            bare = re.sub(r"\([^()]*\)", "", part).strip()
            remainder = _KIND_WORDS.sub("", bare).strip(" -–,")
            if remainder.lower() in _INTERVIEWER_KINDS:
                continue
            add(remainder, 5)
    if not candidates:
        return None, False
    ranked = sorted(candidates.items(), key=lambda item: (-item[1], text.find(shown[item[0]])))
    key, score = ranked[0]
    return shown[key], score >= 5


def _head_in(role: str) -> bool:
    return any(w.strip("().,").lower() in _ROLE_HEADS for w in role.split())


def _clean_role(raw: str, company: str | None) -> str:
    role = " ".join(raw.split()).strip(" .,;:!?'\"-–—")
    role = re.sub(r"^(?:R|JR|REQ|Req|JOB|ID)[-#]?\s?\d[\w-]*\s*[-–:]?\s*", "", role)
    role = re.sub(
        r"\s*[(\[](?:JR|R|REQ|Req|ID|Job ID|#)?[-#:]?\s?[A-Z]*-?\d[\w-]*[)\]]\s*$", "", role
    )
    role = re.sub(r"\s*[-–]\s*(?:R|JR|REQ)-?\d[\w-]*$", "", role)
    if company:
        role = re.sub(rf"\s+(?:at|@|with)\s+{re.escape(company)}.*$", "", role)
        if match_key(role) == match_key(company):
            return ""
    role = re.sub(r"\s+(?:role|position|opening|job|vacancy)$", "", role, flags=re.I)
    role = re.sub(r",\s*(?:I|We|You|He|She|They|It|Our|My|And|But|So)$", "", role)
    role = re.sub(r"^(?:the|a|an|our|your)\s+", "", role, flags=re.I)
    if not role or len(role) > 80 or len(role.split()) > 9:
        return ""
    if re.search(r"\d{1,2}:\d{2}|\b\d{4}\b", role):
        return ""
    return role
