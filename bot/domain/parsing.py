"""Turn what people type into interviews and nudge replies, without Slack, storage or the clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dateparser

from bot.domain.dates import (
    WEEKDAY_NAMES,
    coming_weekday,
    normalise_weekdays,
    read_day_of_month,
    read_week,
    read_weekday,
    weekdays_named,
)
from bot.domain.interview import Interviewer, Outcome
from bot.domain.text import match_key
from bot.domain.timing import DAY_NAMES

__all__ = [
    "ADD_EXAMPLE",
    "REPLY_VERBS",
    "AddInputError",
    "InterviewRequest",
    "Interviewer",
    "Reply",
    "parse_add",
    "parse_duration",
    "parse_reply",
    "warm_up",
]

ADD_EXAMPLE = "/interview add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith"

DEFAULT_DURATION = timedelta(hours=1)
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=12)
MAX_SNOOZE = timedelta(days=60)
MAX_TEXT_LENGTH = 2000
MAX_COMPANY_LENGTH = 100
MAX_ROLE_LENGTH = 100
MAX_INTERVIEWER_NAME_LENGTH = 80
MAX_INTERVIEWERS = 20
MAX_WHEN_LENGTH = 100
FLIP_TO_PAST_AFTER = timedelta(days=180)
MAX_DISTANCE = timedelta(days=365)
_WARM_UP_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

REPLY_VERBS = (
    "done",
    "skip",
    "snooze",
    "list",
    "help",
    "outcome",
    "followed-up",
    "expect",
    "undo",
    "check",
    "references",
    "searching",
    "unknown",
)


@dataclass(frozen=True)
class InterviewRequest:
    """Everything `/interview add` needs to schedule the follow-up nudges."""

    company: str
    role: str
    starts_at: datetime
    duration: timedelta
    interviewers: tuple[Interviewer, ...]
    notes: str = ""
    #: Something the person should know about how their words were read (a clock time
    #: that does not exist on a summer-time night), shown with the reply.
    remark: str = ""


class AddInputError(ValueError):
    """What was wrong with the text, in words a person understands."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Reply:
    """What a person meant by a DM to the bot; `number` None means their latest nudge."""

    verb: str
    number: int | None = None
    snooze_for: timedelta | None = None
    snooze_until_morning: bool = False
    text: str = ""
    outcome: Outcome | None = None
    target: str = ""
    when_text: str = ""


_MENTION = re.compile(r"<@([A-Za-z0-9]+)(?:\|([^<>]*))?>")
_SLACK_LINK = re.compile(r"<(?!@)([^<>|]*)(?:\|([^<>]*))?>")
_FIELD_SEPARATOR = re.compile(r"[,|]")
_INTERVIEWER_SEPARATOR = re.compile(r"[,&|]|\band\b", re.IGNORECASE)
_WITH = re.compile(r"\bwith\b", re.IGNORECASE)
_FOR_CLAUSE = re.compile(r"\bfor\s+([^,|]*?)\s*(?=$|[,|]|\bwith\b)", re.IGNORECASE)
_STRAY_PUNCTUATION = " \t\r\n.,;:!?\"'`()[]{}*_~"

_AM_PM_TIME = re.compile(
    r"(?<![0-9:])([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?\s?m(?![a-z])\.?", re.IGNORECASE
)
_CLOCK_TIME = re.compile(r"(?<![0-9:])([0-9]{1,2}):([0-9]{2})(?![0-9])")
_NAMED_TIME = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_IMPOSSIBLE_TIME = (-1, -1)
_EXPLICIT_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")

_DURATION_PART = re.compile(
    r"(?:(?P<number>[0-9]{1,6}(?:\.[0-9]{1,4})?)\s*|(?P<word>half\s+an?|half|an?|one)\s+)"
    r"(?P<unit>weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])"
    r"(?P<half>\s+and\s+a\s+half)?"
)
_DURATION_JOINER = re.compile(r"\s*(?:,\s*)?(?:and\s+)?")
_TRAILING_MINUTES = re.compile(r"\s*([0-9]{1,2})")
_UNIT_SIZES = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}

_NUMBER = re.compile(r"#?\s*([0-9]{1,6})")
_REPLY_EDGE_PUNCTUATION = " \t\r\n.!?,;:*_~\"'`()[]{}"
_DONE_WORDS = frozenset({"done", "finished", "complete", "completed", "did it"})
_SKIP_WORDS = frozenset({"skip", "skipped", "pass"})
_LIST_PHRASES = frozenset(
    {"list", "ls", "what's open", "whats open", "what is open", "open", "show open", "status"}
)
_HELP_PHRASES = frozenset(
    {"help", "?", "commands", "help me", "what can you do", "how does this work"}
)
_MORNING_WORDS = re.compile(
    r"(?:(?:until|till|til|to)\s+)?(?:tomorrow(?:\s+morning)?|(?:the\s+)?morning|tmrw|tmr)"
)


def parse_add(text: str, *, now: datetime, tz: str) -> InterviewRequest:
    """Read `/interview add` text so a person can type naturally instead of filling a form."""
    text = _unwrap_slack_markup(text).strip()
    if not text:
        raise AddInputError("Tell me the company, the role and when the interview is.")
    if len(text) > MAX_TEXT_LENGTH:
        raise AddInputError(
            f"That's more than I can read in one go; keep it under {MAX_TEXT_LENGTH} characters."
        )

    company, role, rest = _split_company_role_rest(text)
    duration, rest = _take_duration(rest)
    when_part, interviewer_part = _split_when_and_interviewers(rest)
    when_text = " ".join(" ".join(_split_outside_mentions(when_part, _FIELD_SEPARATOR)).split())
    if not when_text:
        raise AddInputError("When is the interview? Put the date and time after the role.")

    starts_at, remark = read_start(when_text, now=now, tz=tz)
    interviewers = _parse_interviewers(interviewer_part)
    return InterviewRequest(
        company=company,
        role=role,
        starts_at=starts_at,
        duration=duration,
        interviewers=interviewers,
        remark=remark,
    )


def read_company(text: str) -> str:
    """A company name as typed (commas and all), checked like `add` checks it."""
    company = _clean_field(text)
    if not company:
        raise AddInputError("The company is missing.")
    if len(company) > MAX_COMPANY_LENGTH:
        raise AddInputError(
            f"The company name is too long; keep it to {MAX_COMPANY_LENGTH} characters."
        )
    return company


def read_role(text: str) -> str:
    """A role as typed (commas and all), checked like `add` checks it."""
    role = _clean_field(text)
    if not role:
        raise AddInputError("The role is missing.")
    if len(role) > MAX_ROLE_LENGTH:
        raise AddInputError(f"The role is too long; keep it to {MAX_ROLE_LENGTH} characters.")
    return role


def read_start(text: str, *, now: datetime, tz: str) -> tuple[datetime, str]:
    """When an interview starts, from words in the person's zone, and a remark on how they
    were read when the person should know: how `next <day>` was taken, or a clock time that
    does not exist that night (summer time begins) and was moved."""
    when_text = " ".join(text.split())
    if not when_text:
        raise AddInputError("When is the interview? Give a date and a time.")
    zone = _zone(tz)
    starts_at = _parse_when(when_text, now=now, zone=zone)
    written = _find_time_of_day(when_text)
    remarks = [_weekday_reading(when_text, starts_at, now.astimezone(zone).date())]
    if written is not None and (starts_at.hour, starts_at.minute) != written:
        remarks.append(
            f"{written[0]:02d}:{written[1]:02d} does not exist on "
            f"{starts_at:%a} {starts_at.day} {starts_at:%b} in {zone.key} (the clocks go "
            f"forward that night), so I took {starts_at:%H:%M}. Edit it if that is wrong."
        )
    return starts_at, "\n".join(r for r in remarks if r)


def _weekday_reading(when_text: str, starts_at: datetime, today: date) -> str:
    """How `next <day>` was read, with the date the day alone would have meant when that
    is another one."""
    weekday = read_weekday(_without_time(when_text), today)
    if weekday is None or not weekday[1]:
        return ""
    written = " ".join(_without_time(when_text).split()).removeprefix("on ")
    day = written.split()[-1].rstrip(".")
    coming = coming_weekday(today, starts_at.weekday())
    reading = (
        f"`{written}` is {_day_label(starts_at.date())}: the "
        f"{WEEKDAY_NAMES[starts_at.weekday()]} of next week (weeks run Monday to Sunday)"
    )
    if coming == starts_at.date():
        return f"{reading}."
    return f"{reading}; `{day}` alone would be {_day_label(coming)}."


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def read_length(text: str) -> timedelta:
    """How long an interview lasts: "45m", "1h30", "90 minutes"."""
    written = text.strip().lower().removeprefix("for ").strip()
    length = parse_duration(written)
    if length is None:
        raise AddInputError(f"I couldn't tell how long the interview is: {_quote(written)}.")
    if not MIN_DURATION <= length <= MAX_DURATION:
        raise AddInputError(
            "An interview should last between 5 minutes and 12 hours; "
            f"I read {_quote(written)} as {_describe(length)}."
        )
    return length


def read_interviewers(text: str) -> tuple[Interviewer, ...]:
    """Interviewers as `with` takes them: "Jane Doe and Bob Smith", "A, B & C", mentions."""
    return _parse_interviewers(text)


def warm_up() -> None:
    """Pay dateparser's slow first parse at start-up instead of on someone's first command."""
    parse_add(ADD_EXAMPLE.removeprefix("/interview add "), now=_WARM_UP_NOW, tz="UTC")


def parse_duration(text: str) -> timedelta | None:
    """Read "2d", "1h30", "90 minutes" or "an hour"; None means it isn't a length of time."""
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return None
    total = timedelta()
    position = 0
    last_unit = ""
    while position < len(cleaned):
        if position:
            joiner = _DURATION_JOINER.match(cleaned, position)
            if joiner is not None:
                position = joiner.end()
        part = _DURATION_PART.match(cleaned, position)
        if part is None:
            break
        total += _duration_of(part)
        last_unit = part.group("unit")[0]
        position = part.end()
    else:
        return total if last_unit else None
    if last_unit == "h":
        minutes = _TRAILING_MINUTES.fullmatch(cleaned, position)
        if minutes is not None and int(minutes.group(1)) < 60:
            return total + timedelta(minutes=int(minutes.group(1)))
    return None


def parse_reply(text: str) -> Reply:
    """Read a DM reply to a nudge; anything unclear is "unknown" so the caller can show help."""
    unknown = Reply(verb="unknown", text=text)
    stripped = text.strip()
    if stripped[:5].lower() == "check" and (len(stripped) == 5 or not stripped[5].isalnum()):
        return Reply(verb="check", text=stripped[5:].lstrip(" :\n"))
    cleaned = text.replace("\u2019", "'").strip().lower()
    if cleaned and set(cleaned) <= {"?"}:
        return Reply(verb="help")
    cleaned = " ".join(cleaned.strip(_REPLY_EDGE_PUNCTUATION).split())
    if cleaned in _LIST_PHRASES:
        return Reply(verb="list")
    if cleaned in _HELP_PHRASES:
        return Reply(verb="help")

    if _SEARCH_DONE.match(cleaned) or _SEARCH_AGAIN.match(cleaned):
        return _parse_process_words(cleaned) or unknown
    for words, verb in ((_DONE_WORDS, "done"), (_SKIP_WORDS, "skip")):
        for word in words:
            if cleaned == word or cleaned.startswith(word + " ") or cleaned.startswith(word + "#"):
                tail = cleaned[len(word) :].strip()
                if not tail:
                    return Reply(verb=verb)
                number = _nudge_number(tail)
                return unknown if number is None else Reply(verb=verb, number=number)

    if cleaned == "snooze" or cleaned.startswith(("snooze ", "snooze#")):
        return _parse_snooze(cleaned.removeprefix("snooze").strip()) or unknown
    return _parse_process_words(cleaned) or unknown


_UNDO = re.compile(r"^(undo|undo that|revert|oops)$")
_FOLLOWED_UP = re.compile(
    r"^(?:i\s+)?(?:just\s+)?(?:have\s+)?followed[ -]?up(?:\s+(?:with|at|on))?\s+(?P<target>.+)$"
)
_EXPECT = re.compile(r"^expect(?:ing)?\s+(?P<rest>.+)$")
_REFERENCES = re.compile(
    r"^(?:(?P<before>.+?)\s+)?(?:asked|wants?|want|requested|needs?)\s+(?:for\s+|my\s+)*"
    r"references?(?:\s+(?:at|from|for)\s+(?P<after>.+))?$"
    r"|^references?\s+(?:at|from|for)\s+(?P<named>.+)$"
)
_SEARCH_DONE = re.compile(
    r"^(?:i'?m\s+|i\s+am\s+)?(?:done|finished|stopped|stopping)\s+(?:searching|looking|"
    r"job\s+hunting|with\s+my\s+search)$|^(?:stop|pause)\s+keep[- ]applying$"
)
_SEARCH_AGAIN = re.compile(r"^(?:i'?m\s+|i\s+am\s+)?(?:searching|looking|job\s+hunting)\s+again$")
_DECIDES_BY = re.compile(
    r"^(?P<target>.+?)\s+(?:said\s+they(?:'d|\s+would)\s+|will\s+|should\s+|would\s+)?"
    r"(?:decide|get back to me|get back|answer|respond|let me know)\s+(?:by|on|before)\s+"
    r"(?P<date>.+)$"
)


def _parse_process_words(cleaned: str) -> Reply | None:
    """Words about a hiring process: "acme rejected", "followed up with acme", "undo"."""
    if _UNDO.match(cleaned):
        return Reply(verb="undo")
    if _SEARCH_DONE.match(cleaned):
        return Reply(verb="searching", text="done")
    if _SEARCH_AGAIN.match(cleaned):
        return Reply(verb="searching", text="again")
    if match := _REFERENCES.match(cleaned):
        target = match.group("before") or match.group("after") or match.group("named") or ""
        return Reply(verb="references", target=" ".join(_FILLER.sub(" ", target).split()))
    if match := _FOLLOWED_UP.match(cleaned):
        return Reply(verb="followed-up", target=match.group("target"))
    if match := _EXPECT.match(cleaned):
        return Reply(verb="expect", text=match.group("rest"))
    if match := _DECIDES_BY.match(cleaned):
        return Reply(verb="expect", target=match.group("target"), when_text=match.group("date"))
    outcome = read_outcome(cleaned)
    if outcome is not None and len(cleaned.split()) <= 10:
        return Reply(verb="outcome", outcome=outcome, target=outcome_target(cleaned))
    return None


_OUTCOME_WORDS: tuple[tuple[re.Pattern[str], Outcome], ...] = (
    (re.compile(r"\b(accepted|accept|accepting)\b"), Outcome.ACCEPTED),
    (re.compile(r"\b(declined|decline|declining)\b"), Outcome.DECLINED),
    (re.compile(r"\b(still in (the )?process|in process|next round|moving forward)\b"),
     Outcome.IN_PROCESS),
    (re.compile(r"\b(rejected|rejection|not selected|turned (me )?down|no longer considered|"
                r"didn'?t get it|did not get it)\b"), Outcome.REJECTED),
    (re.compile(r"\b(offer|offered)\b"), Outcome.OFFER),
    (re.compile(r"\b(withdrawn|withdrew|withdraw|pulled out)\b"), Outcome.WITHDRAWN),
    (re.compile(r"\b(waiting|no news|heard nothing)\b"), Outcome.WAITING),
)  # fmt: skip
_FILLER = re.compile(
    r"\b(i|i'm|im|am|was|got|an|a|the|at|from|by|with|for|they|said|me|my|status|still|"
    r"process|in|of|as|to|been|have|has|is|are|we|our|job|from)\b",
    re.IGNORECASE,
)


def read_outcome(text: str) -> Outcome | None:
    """The outcome a person names in words ("not selected", "still in process", "offer")."""
    lowered = text.lower()
    for pattern, outcome in _OUTCOME_WORDS:
        if pattern.search(lowered):
            return outcome
    return None


def outcome_target(text: str) -> str:
    """What is left of "acme rejected" once the outcome words are gone: the company."""
    lowered = text.lower()
    for pattern, _ in _OUTCOME_WORDS:
        lowered = pattern.sub(" ", lowered)
    return " ".join(_FILLER.sub(" ", lowered).replace(",", " ").split())


def _parse_snooze(tail: str) -> Reply | None:
    """Snooze takes an optional nudge number, then a duration or "tomorrow" (the default)."""
    number: int | None = None
    whole_tail_is_a_duration = _snooze_length(tail) is not None
    leading = _NUMBER.match(tail)
    if leading is not None and (tail.startswith("#") or not whole_tail_is_a_duration):
        number = _nudge_number(leading.group(0))
        if number is None:
            return None
        tail = tail[leading.end() :].strip()

    if not tail or _MORNING_WORDS.fullmatch(tail):
        return Reply(verb="snooze", number=number, snooze_until_morning=True)
    length = _snooze_length(tail)
    if length is None:
        return None
    return Reply(verb="snooze", number=number, snooze_for=length)


def _snooze_length(text: str) -> timedelta | None:
    """A snooze must be a real, positive wait of at most 60 days; longer reads as a typo."""
    length = parse_duration(text.removeprefix("for ").strip())
    if length is None or length <= timedelta() or length > MAX_SNOOZE:
        return None
    return length


def _nudge_number(text: str) -> int | None:
    """Nudges are numbered from 1, as the bot shows them (#3)."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


def _duration_of(part: re.Match[str]) -> timedelta:
    """One "90 minutes" or "an hour and a half" piece of a duration."""
    word = part.group("word")
    if word is None:
        amount = float(part.group("number"))
    elif word.startswith("half"):
        amount = 0.5
    else:
        amount = 1.0
    if part.group("half"):
        amount += 0.5
    return _UNIT_SIZES[part.group("unit")[0]] * amount


def plain_text(text: str) -> str:
    """What a person typed, from the text Slack sends (links unwrapped, &, <, > unescaped)."""
    return _unwrap_slack_markup(text)


def _unwrap_slack_markup(text: str) -> str:
    """Slack wraps links as <url|label> and escapes &, < and >; people typed the plain text."""
    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _mask_mentions(text: str) -> str:
    """Hide mentions so separators inside <@U123|label> don't split fields (same length)."""
    return _MENTION.sub(lambda m: "#" * len(m.group(0)), text)


def _split_outside_mentions(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split on separators, but never inside a Slack mention."""
    pieces: list[str] = []
    start = 0
    for match in separator.finditer(_mask_mentions(text)):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _split_company_role_rest(text: str) -> tuple[str, str, str]:
    """Company and role are the first two fields; everything after belongs to when and who."""
    separators = list(_FIELD_SEPARATOR.finditer(_mask_mentions(text)))
    company_text, role_text, rest = text, "", ""
    if separators:
        company_text, role_text = text[: separators[0].start()], text[separators[0].end() :]
    if len(separators) >= 2:
        role_text = text[separators[0].end() : separators[1].start()]
        rest = text[separators[1].end() :]
    company, role = _clean_field(company_text), _clean_field(role_text)

    if not company:
        raise AddInputError("The company is missing; put it first, before a comma.")
    if len(company) > MAX_COMPANY_LENGTH:
        raise AddInputError(
            f"The company name is too long; keep it to {MAX_COMPANY_LENGTH} characters."
        )
    if not rest and _find_time_of_day(role) is not None:
        raise AddInputError("The role is missing; put it between the company and the time.")
    if not role:
        raise AddInputError("The role is missing; put it after the company, with a comma.")
    if len(role) > MAX_ROLE_LENGTH:
        raise AddInputError(f"The role is too long; keep it to {MAX_ROLE_LENGTH} characters.")
    return company, role, rest


def _clean_field(text: str) -> str:
    """Collapse spacing; a field with no letters or digits counts as missing."""
    cleaned = " ".join(text.split())
    return cleaned if any(ch.isalnum() for ch in cleaned) else ""


def _take_duration(rest: str) -> tuple[timedelta, str]:
    """Pull "for 45m" out of wherever it was written; the default interview lasts an hour."""
    for match in _FOR_CLAUSE.finditer(_mask_mentions(rest)):
        written = rest[match.start(1) : match.end(1)]
        duration = parse_duration(written)
        if duration is None:
            if written[:1].isdigit():
                raise AddInputError(
                    f"I couldn't tell how long the interview is: {_quote(written)}."
                )
            continue
        if not MIN_DURATION <= duration <= MAX_DURATION:
            raise AddInputError(
                "An interview should last between 5 minutes and 12 hours; "
                f"I read {_quote(written)} as {_describe(duration)}."
            )
        return duration, rest[: match.start()] + " " + rest[match.end() :]
    return DEFAULT_DURATION, rest


def _split_when_and_interviewers(rest: str) -> tuple[str, str]:
    """Interviewers follow the first "with"; before it is the date and time."""
    match = _WITH.search(_mask_mentions(rest))
    if match is None:
        return rest, ""
    return rest[: match.start()], rest[match.end() :]


def _parse_interviewers(text: str) -> tuple[Interviewer, ...]:
    """Names and mentions after "with", in the order given, each person once."""
    found: list[Interviewer] = []
    seen: set[str] = set()
    for piece in _split_outside_mentions(text, _INTERVIEWER_SEPARATOR):
        mentions = list(_MENTION.finditer(piece))
        if mentions:
            candidates = [
                Interviewer(name=_clean_name(m.group(2) or "") or m.group(1), slack_id=m.group(1))
                for m in mentions
            ]
        else:
            name = _clean_name(piece)
            candidates = [Interviewer(name=name)] if name else []
        for person in candidates:
            if len(person.name) > MAX_INTERVIEWER_NAME_LENGTH:
                raise AddInputError(
                    f"An interviewer's name is too long: {_quote(person.name)}. "
                    f"Keep each to {MAX_INTERVIEWER_NAME_LENGTH} characters."
                )
            key = person.slack_id or match_key(person.name)
            if key not in seen:
                seen.add(key)
                found.append(person)
    if len(found) > MAX_INTERVIEWERS:
        raise AddInputError(
            f"That's {len(found)} interviewers; I can keep track of at most {MAX_INTERVIEWERS}."
        )
    return tuple(found)


def _clean_name(text: str) -> str:
    """Trim stray punctuation people leave around names ("Bob Smith." or "(Jane)")."""
    return _clean_field(text).strip(_STRAY_PUNCTUATION)


def _zone(tz: str) -> ZoneInfo:
    """An unknown or malformed zone name falls back to UTC rather than failing the command."""
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError, TypeError, OSError):
        return ZoneInfo("UTC")


def _find_time_of_day(text: str) -> tuple[int, int] | None:
    """The (hour, minute) written in the text, or _IMPOSSIBLE_TIME for "13pm" or "25:00".

    dateparser quietly fills in the current time when none is written, so the time has to be
    found here first.
    """
    am_pm = _AM_PM_TIME.search(text)
    if am_pm is not None:
        hour, minute = int(am_pm.group(1)), int(am_pm.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return _IMPOSSIBLE_TIME
        return (hour % 12 + (12 if am_pm.group(3).lower() == "p" else 0), minute)
    clock = _CLOCK_TIME.search(text)
    if clock is not None:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour > 23 or minute > 59:
            return _IMPOSSIBLE_TIME
        return (hour, minute)
    named = _NAMED_TIME.search(text)
    if named is not None:
        return (0, 0) if named.group(1).lower() == "midnight" else (12, 0)
    return None


def _parse_when(when_text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """Resolve the date and time in the person's zone, insisting on an explicit time of day."""
    unclear = AddInputError(f"I couldn't tell when the interview is: {_quote(when_text)}.")
    if len(when_text) > MAX_WHEN_LENGTH:
        raise unclear
    local_now = now.astimezone(zone)
    time_of_day = _find_time_of_day(when_text)
    if time_of_day == _IMPOSSIBLE_TIME:
        raise unclear
    weekday = read_weekday(_without_time(when_text), local_now.date())
    if weekday is None:
        day_of_month = read_day_of_month(_without_time(when_text), local_now.date())
        weekday = None if day_of_month is None else (day_of_month, False)
    if weekday is not None and time_of_day is not None:
        wall = datetime.combine(weekday[0], time(*time_of_day), tzinfo=zone)
        return wall.astimezone(UTC).astimezone(zone)  # a time skipped by summer time
    readable = normalise_weekdays(when_text)
    if time_of_day is None:
        if weekday is None and _dateparser(readable, local_now, zone, "future") is None:
            raise unclear
        raise AddInputError(
            f"I need the time of day too, like 2pm or 14:00: {_quote(when_text)} has no time."
        )

    candidate = _checked(_dateparser(readable, local_now, zone, "future"), time_of_day)
    if candidate is None:
        raise unclear
    if not _EXPLICIT_YEAR.search(when_text) and candidate - local_now > FLIP_TO_PAST_AFTER:
        past = _checked(_dateparser(readable, local_now, zone, "past"), time_of_day)
        if past is not None and abs(past - local_now) < abs(candidate - local_now):
            candidate = past

    starts_at = candidate.astimezone(UTC).astimezone(zone)  # a time skipped by summer time
    _check_weekday_fits(when_text, starts_at)
    if abs(starts_at - local_now) > MAX_DISTANCE:
        raise AddInputError(
            f"{_quote(when_text)} is more than a year away; "
            "I can only keep track of interviews within a year of today."
        )
    return starts_at


def _check_weekday_fits(when_text: str, starts_at: datetime) -> None:
    """A weekday that does not fit its date ("wed dec 10", a Thursday) is a slip: ask."""
    named = weekdays_named(when_text)
    if named and starts_at.weekday() not in named:
        said = " or ".join(WEEKDAY_NAMES[d] for d in sorted(named))
        raise AddInputError(
            f"{_day_label(starts_at.date())} is a {WEEKDAY_NAMES[starts_at.weekday()]}, not a "
            f"{said}: which did you mean? Give the date or the day alone."
        )


def _without_time(when_text: str) -> str:
    """The words of a "when" once its clock time is taken out: "next wed 9am" -> "next wed"."""
    remainder = _AM_PM_TIME.sub(" ", when_text)
    return " ".join(_NAMED_TIME.sub(" ", _CLOCK_TIME.sub(" ", remainder)).split())


def _dateparser(text: str, local_now: datetime, zone: ZoneInfo, prefer: str) -> datetime | None:
    """Call dateparser; any failure inside it means we couldn't read the date."""
    settings: dict[str, Any] = {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "TIMEZONE": zone.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": prefer,
    }
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:
        # dateparser's own zone table can lag the system's; parse the wall time and attach ours.
        settings.pop("TIMEZONE")
        settings["RETURN_AS_TIMEZONE_AWARE"] = False
        try:
            parsed = dateparser.parse(text, languages=["en"], settings=settings)
        except Exception:
            return None
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=zone)
    return parsed


def _checked(parsed: datetime | None, time_of_day: tuple[int, int]) -> datetime | None:
    """Reject parses whose clock time isn't the one written ("13pm" silently becomes now)."""
    if parsed is None or (parsed.hour, parsed.minute) != time_of_day:
        return None
    return parsed


def _quote(text: str, limit: int = 60) -> str:
    """Echo the person's words back, short enough to read in a Slack message."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _describe(length: timedelta) -> str:
    """A duration as a person would say it, for error messages."""
    minutes = int(length.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0 and minutes:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def parse_date(text: str, *, now: datetime, tz: str) -> date | None:
    """A calendar date from words ("dec 12", "next friday", "2026-12-12") in the person's zone.

    Used for the date an employer said they would decide by; the future is preferred, and a
    weekday means what it means when adding an interview (see `bot.domain.dates`).
    """
    if not text.strip() or len(text) > MAX_WHEN_LENGTH:
        return None
    local_now = now.astimezone(_zone(tz))
    weekday = read_weekday(text, local_now.date())
    if weekday is not None:
        return weekday[0]
    day_of_month = read_day_of_month(text, local_now.date()) or read_week(text, local_now.date())
    if day_of_month is not None:
        return day_of_month
    settings: dict[str, Any] = {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
    }
    try:
        parsed = dateparser.parse(
            normalise_weekdays(text.strip()), languages=["en"], settings=settings
        )
    except Exception:  # dateparser raises many kinds of error on odd input
        return None
    return None if parsed is None else parsed.date()


_HOURS = re.compile(
    r"^(?P<sh>\d{1,2})(?::(?P<sm>\d{2}))?\s*(?:-|–|to)\s*(?P<eh>\d{1,2})(?::(?P<em>\d{2}))?$"
)
_DAY_RANGE = re.compile(r"^(?P<first>[a-z]{3})[a-z]*\s*(?:-|–|to)\s*(?P<last>[a-z]{3})[a-z]*$")
_WEEKDAYS = tuple(name.lower() for name in DAY_NAMES)


def parse_window_change(text: str) -> tuple[frozenset[int] | None, time | None, time | None]:
    """Read `days mon-fri`, `days mon,wed,fri`, `hours 9-18`, `hours 8:30-17:00` (or both).

    Returns (days, starts, ends), None where the text did not say; raises AddInputError with
    the reason when it says something that cannot be a working window.
    """
    days: frozenset[int] | None = None
    starts: time | None = None
    ends: time | None = None
    words = text.lower().replace(",", " , ").split()
    if not words:
        raise AddInputError("Say which days or hours, like `days mon-fri` or `hours 9-18`.")
    section: list[str] = []
    parts: list[tuple[str, str]] = []
    for word in [*words, "<end>"]:
        if word in ("days", "hours", "<end>"):
            if section:
                parts.append((section[0], " ".join(section[1:])))
            section = [word]
        elif section:
            section.append(word)
        else:
            raise AddInputError("Start with `days` or `hours`, like `days mon-fri hours 9-18`.")
    for kind, value in parts:
        if kind == "days":
            days = _read_weekdays(value)
        else:
            starts, ends = _read_hours(value)
    return days, starts, ends


def _read_weekdays(value: str) -> frozenset[int]:
    value = value.replace(" , ", ",").replace(" ", ",").strip(",")
    if match := _DAY_RANGE.match(value.replace(",", "")):
        first, last = match.group("first"), match.group("last")
        if first in _WEEKDAYS and last in _WEEKDAYS:
            a, b = _WEEKDAYS.index(first), _WEEKDAYS.index(last)
            return (
                frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(b + 1)])
            )
    found = set()
    for name in filter(None, value.split(",")):
        key = name[:3]
        if key not in _WEEKDAYS:
            raise AddInputError(f"I don't know the day {_quote(name, 20)}. Try `days mon-fri`.")
        found.add(_WEEKDAYS.index(key))
    if not found:
        raise AddInputError("Name at least one day, like `days mon-fri`.")
    return frozenset(found)


def _read_hours(value: str) -> tuple[time, time]:
    match = _HOURS.match(value.replace(" ", ""))
    if not match:
        raise AddInputError("Write hours like `hours 9-18` or `hours 8:30-17:00`.")
    sh, eh = int(match.group("sh")), int(match.group("eh"))
    sm, em = int(match.group("sm") or 0), int(match.group("em") or 0)
    if sh > 23 or eh > 24 or sm > 59 or em > 59 or (eh == 24 and em):
        raise AddInputError("Hours run from 0 to 24, like `hours 9-18`.")
    starts, ends = time(sh, sm), time(23, 59) if eh == 24 else time(eh, em)
    if ends <= starts or (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute) < 60:
        raise AddInputError("The window must be at least an hour, and end after it starts.")
    return starts, ends


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.|linkedin\.com/)\S+", re.IGNORECASE)
#: Words in a problem that say which form field it is about.
_FIELD_WORDS = (
    ("company", "company"),
    ("role", "role"),
    ("time", "time"),
    ("interviewer", "interviewers"),
    ("long", "duration"),
    ("when", "date"),
    ("date", "date"),
    ("year away", "date"),
    ("today", "date"),
)
#: The person's own words echoed in a problem, which must not decide the field.
_ECHOED = re.compile(r"(?<!\w)'[^']*'(?!\w)")
_FORM_TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
MAX_NOTES_LENGTH = 2000


def read_add_form(values: dict[str, str], *, now: datetime, tz: str) -> InterviewRequest:
    """The add form's fields, checked exactly as `/interview add` text is checked.

    `values` maps form fields (company, role, date "YYYY-MM-DD", time "HH:MM", duration in
    minutes, interviewers one per line, notes) to what was entered.
    """
    missing = [f for f in ("company", "role", "date", "time") if not values.get(f, "").strip()]
    if missing:
        raise AddInputError(f"Please fill in the {missing[0]}.")
    minutes = values.get("duration", "60").strip() or "60"
    if not minutes.isdigit():
        raise AddInputError("Pick how long the interview is.")
    if not _FORM_TIME.fullmatch(values["time"].strip()):
        raise AddInputError("Write the time of day like 14:00 or 9:30.")
    company, role = read_company(values["company"]), read_role(values["role"])
    starts_at, remark = read_start(
        f"{values['date'].strip()} {values['time'].strip()}", now=now, tz=tz
    )
    duration = read_length(f"{int(minutes)}m")
    notes = values.get("notes", "").strip()
    if len(notes) > MAX_NOTES_LENGTH:
        raise AddInputError(f"Please keep the notes under {MAX_NOTES_LENGTH} characters.")
    return InterviewRequest(
        company=company,
        role=role,
        starts_at=starts_at,
        duration=duration,
        interviewers=read_interviewer_lines(values.get("interviewers", "")),
        notes=notes,
        remark=remark,
    )


def read_interviewer_lines(text: str) -> tuple[Interviewer, ...]:
    """One interviewer a line: a name, then optionally an email or a LinkedIn address."""
    found: list[Interviewer] = []
    for line in text.splitlines():
        contact_match = _EMAIL.search(line) or _URL.search(line)
        contact = contact_match.group(0).strip("<>()[],;") if contact_match else None
        name = line.replace(contact_match.group(0), " ") if contact_match else line
        name = " ".join(name.replace("<", " ").replace(">", " ").split()).strip(" ,;-–")
        if not name:
            continue
        if len(name) > MAX_INTERVIEWER_NAME_LENGTH:
            raise AddInputError(
                f"Interviewer names can be up to {MAX_INTERVIEWER_NAME_LENGTH} characters."
            )
        if match_key(name) not in {match_key(i.name) for i in found}:
            found.append(Interviewer(name, None, contact))
    if len(found) > MAX_INTERVIEWERS:
        raise AddInputError(f"I can keep up to {MAX_INTERVIEWERS} interviewers per interview.")
    return tuple(found)


def form_field_of(problem: str) -> str:
    """Which add-form field a problem is about, so the form can point at it.

    The problems name their subject first ("The role is missing; put it after the
    company"), so the earliest field word wins.
    """
    lowered = _ECHOED.sub("''", problem.lower())
    found = [(lowered.find(word), field) for word, field in _FIELD_WORDS if word in lowered]
    return min(found)[1] if found else "company"


def prefill_from_text(text: str, *, now: datetime, tz: str) -> dict[str, str]:
    """What `/interview add` text already says, as add-form values, for a pre-filled form.

    Each part is read on its own, as `parse_add` reads it, so one part it cannot read (no
    time of day, say) loses none of the others: the date, the length and the names stay.
    """
    head, _, people = _split_with(_unwrap_slack_markup(text))
    parts = [p.strip() for p in _FIELD_SEPARATOR.split(head) if p.strip()]
    values: dict[str, str] = {}
    if parts:
        values["company"] = parts[0]
    if len(parts) > 1:
        values["role"] = parts[1]
    when = " ".join(parts[2:])
    for match in _FOR_CLAUSE.finditer(when):
        length = parse_duration(match.group(1))
        if length is not None and MIN_DURATION <= length <= MAX_DURATION:
            values["duration"] = str(int(length.total_seconds() // 60))
            when = when[: match.start()] + " " + when[match.end() :]
            break
    when = " ".join(when.split())
    if when:
        values.update(_prefill_when(when, now=now, tz=tz))
    if people.strip():
        names = [_clean_name(n) for n in _INTERVIEWER_SEPARATOR.split(people)]
        values["interviewers"] = "\n".join(n for n in names if n)
    return values


def _prefill_when(when: str, *, now: datetime, tz: str) -> dict[str, str]:
    """The form's date and time from a "when": read whole when it can be, else each alone."""
    try:
        starts_at, _ = read_start(when, now=now, tz=tz)
    except AddInputError:
        pass
    else:
        return {"date": starts_at.date().isoformat(), "time": f"{starts_at:%H:%M}"}
    values: dict[str, str] = {}
    day_words = _without_time(when)
    day = parse_date(day_words, now=now, tz=tz) if day_words else None
    if day is not None and re.search(
        r"\d|today|tomorrow|yesterday|mon|tue|wed|thu|fri|sat|sun", day_words, re.I
    ):
        values["date"] = day.isoformat()
    moment = _find_time_of_day(when)
    if moment is not None and moment != _IMPOSSIBLE_TIME:
        values["time"] = f"{moment[0]:02d}:{moment[1]:02d}"
    return values


def _split_with(text: str) -> tuple[str, str, str]:
    pieces = re.split(r"\bwith\b", text, maxsplit=1, flags=re.IGNORECASE)
    return (pieces[0], "with", pieces[1]) if len(pieces) == 2 else (pieces[0], "", "")
