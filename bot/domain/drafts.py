"""Drafts of the notes the coach asks for: a thank-you per interviewer, follow-ups by state.

The wording lives in `rules/drafts.yml` so a coach can rewrite it without code, and the
checker's extra vocabulary in `rules/words.yml`. Drafts are plain text with the person's
words in them; square brackets mark what only the person can write, and the draft checker
reminds them of anything still in brackets.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import product
from pathlib import Path

import yaml

from bot.domain.debriefs import topic_phrase
from bot.domain.interview import Interview, Interviewer, Outcome, Process
from bot.domain.timing import zone

PLACEHOLDERS = frozenset(
    {"first_name", "interviewer", "company", "role", "when", "my_name", "strengths", "feedback"}
)
#: The bracket a debrief's topics fill in.
DISCUSSED = "[one thing you discussed]"
#: A thank-you note is one of each, in this order.
THANK_YOU_PARTS = ("openings", "middles", "closings")
#: Follow-ups while waiting with no date named, by their place in the sequence.
SEQUENCE = ("first", "second", "last")
FOLLOW_UP_KINDS = (*SEQUENCE, "after_expected", "in_process", "rejected")
#: The harder notes (`notes:` in drafts.yml), to references, about an offer, withdrawing.
NOTE_KINDS = (
    "reference_heads_up",
    "thank_reference_hired",
    "thank_reference",
    "in_writing",
    "ask_for_time",
    "accepting",
    "declining",
    "tell_others",
    "withdrawing",
    "withdrawing_after_offer",
)
#: The note each item's "Draft it" gives (thank-you notes and follow-ups aside). Thanks to
#: references depend on how the process ended: see `reference_thanks`.
RULE_NOTES = {
    "references": "reference_heads_up",
    "update-references": "thank_reference",
    "offer-in-writing": "in_writing",
    "offer-ask-for-time": "ask_for_time",
    "accept-offer": "accepting",
    "decline-offer": "declining",
    "offer-tell": "tell_others",
    "courteous-withdrawal": "withdrawing",
    "offer-withdraw": "withdrawing_after_offer",
}
#: An interview lists up to 20 interviewers, and each must get a note of their own.
MIN_VARIANTS = 20
#: Titles before a name that a greeting should not take for the first name.
_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "prof", "prof."})
_KNOWN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class DraftsError(ValueError):
    """Broken draft templates; names the file and the field."""


@dataclass(frozen=True)
class DraftBook:
    openings: tuple[str, ...]
    middles: tuple[str, ...]
    closings: tuple[str, ...]
    follow_up: dict[str, str]
    #: The one polite request for feedback a reply to a rejection may carry.
    feedback: str
    known_words: frozenset[str]
    #: The harder notes, by kind (NOTE_KINDS).
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def variants(self) -> int:
        """How many different thank-you notes the parts make."""
        return len(self.openings) * len(self.middles) * len(self.closings)


@dataclass(frozen=True)
class Author:
    """Who signs the drafts, and what they want to stress (from `/interview profile`)."""

    name: str = ""
    strengths: str = ""


def load_drafts(path: Path) -> DraftBook:
    """Read and check `drafts.yml` (a folder's, or the file itself), with the `words.yml`
    beside it when there is one."""
    file = path / "drafts.yml" if path.is_dir() else path
    raw = _read_yaml(file)
    if not isinstance(raw, dict):
        raise DraftsError(f"{file}: must be a mapping with thank_you and follow_up")

    def template(field: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise DraftsError(f"{file}: field '{field}' must be text")
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value) if n is not None}
        except ValueError as error:
            raise DraftsError(f"{file}: field '{field}' has a broken placeholder") from error
        unknown = sorted(names - PLACEHOLDERS)
        if unknown:
            raise DraftsError(f"{file}: field '{field}' uses unknown placeholder {{{unknown[0]}}}")
        return value.strip()

    thanks = raw.get("thank_you")
    if not isinstance(thanks, dict):
        raise DraftsError(
            f"{file}: field 'thank_you' must map {', '.join(THANK_YOU_PARTS)} to templates"
        )
    parts: list[tuple[str, ...]] = []
    for part in THANK_YOU_PARTS:
        listed = thanks.get(part)
        if not isinstance(listed, list) or not listed:
            raise DraftsError(f"{file}: field 'thank_you.{part}' must list one or more parts")
        parts.append(tuple(template(f"thank_you.{part}[{n}]", t) for n, t in enumerate(listed)))
    openings, middles, closings = parts
    if len(openings) * len(middles) * len(closings) < MIN_VARIANTS:
        raise DraftsError(
            f"{file}: field 'thank_you' makes {len(openings) * len(middles) * len(closings)} "
            f"notes; at least {MIN_VARIANTS} are needed, one per interviewer"
        )
    follow_up = raw.get("follow_up")
    if not isinstance(follow_up, dict):
        raise DraftsError(f"{file}: field 'follow_up' must map {', '.join(FOLLOW_UP_KINDS)}")
    notes = raw.get("notes")
    if not isinstance(notes, dict):
        raise DraftsError(f"{file}: field 'notes' must map {', '.join(NOTE_KINDS)}")
    words = file.parent / "words.yml"
    return DraftBook(
        notes={k: template(f"notes.{k}", notes.get(k)) for k in NOTE_KINDS},
        openings=openings,
        middles=middles,
        closings=closings,
        follow_up={k: template(f"follow_up.{k}", follow_up.get(k)) for k in FOLLOW_UP_KINDS},
        feedback=template("follow_up.feedback", follow_up.get("feedback")),
        known_words=load_words(words) if words.is_file() else frozenset(),
    )


def load_words(file: Path) -> frozenset[str]:
    """Read `words.yml`: lists of words by field, all accepted by the spell checker."""
    raw = _read_yaml(file)
    if not isinstance(raw, dict):
        raise DraftsError(f"{file}: must map fields (data, design...) to lists of words")
    words: set[str] = set()
    for group, listed in raw.items():
        if not isinstance(listed, list):
            raise DraftsError(f"{file}: field '{group}' must be a list of words")
        for word in listed:
            text = str(word).strip().lower()
            if not _KNOWN_WORD.fullmatch(text):
                raise DraftsError(f"{file}: field '{group}' has '{word}', not a single word")
            words.add(text)
    return frozenset(words)


def _read_yaml(file: Path) -> object:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DraftsError(f"{file}: cannot be read as YAML ({error})") from error


def thank_you_variant(book: DraftBook, position: int) -> tuple[int, int, int]:
    """The opening, middle and closing for the interviewer at `position` of an interview.

    Positions get combinations that are all different until the parts run out, and
    neighbours share as few parts as the lists allow.
    """
    sizes = (len(book.openings), len(book.middles), len(book.closings))
    order = _variant_order(sizes)
    opening, middle, closing = order[position % len(order)]
    return opening, middle, closing


@lru_cache(maxsize=16)
def _variant_order(sizes: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Every combination once, each next one using the parts used least so far."""
    left = list(product(*(range(size) for size in sizes)))
    uses: list[Counter[int]] = [Counter() for _ in sizes]
    order: list[tuple[int, ...]] = []
    while left:
        previous = order[-1] if order else ()
        chosen = min(
            left,
            key=lambda combination: (
                sum(uses[k][part] for k, part in enumerate(combination)),
                sum(a == b for a, b in zip(combination, previous, strict=False)),
            ),
        )
        left.remove(chosen)
        for k, part in enumerate(chosen):
            uses[k][part] += 1
        order.append(chosen)
    return tuple(order)


def thank_you_template(book: DraftBook, variant: Sequence[int]) -> str:
    """One thank-you note's template: its opening, middle and closing as paragraphs."""
    opening, middle, closing = variant
    return "\n\n".join((book.openings[opening], book.middles[middle], book.closings[closing]))


def thank_you_draft(
    book: DraftBook,
    interview: Interview,
    interviewer: Interviewer | None,
    author: Author,
    now: datetime,
) -> str:
    """A thank-you note for one interviewer; each interviewer gets a different wording."""
    position = 0
    if interviewer is not None:
        names = [i.name for i in interview.interviewers]
        position = names.index(interviewer.name) if interviewer.name in names else 0
    template = thank_you_template(book, thank_you_variant(book, position))
    note = template.format_map(_values(interview, interviewer, author, now))
    topic = topic_phrase(interview.debrief)
    # What the person said they talked about is the note's specific sentence.
    return note.replace(DISCUSSED, topic) if topic else note


def follow_up_kind(
    process: Process, ordinal: int, today: date, tz: str, *, of: int = len(SEQUENCE)
) -> str:
    """Which follow-up fits where the process stands and how many came before it.

    `ordinal` counts the follow-up suggestions used (sent or skipped) since the process's
    latest news: 0 for the first; `of` is how many the playbook suggests at most, so the
    last one says it is the last. The last of the sequence wins over the date they named,
    which is only brought up once.
    """
    if process.outcome == Outcome.REJECTED:
        return "rejected"
    if process.outcome == Outcome.IN_PROCESS:
        return "in_process"
    if ordinal >= max(of, 1) - 1:
        return SEQUENCE[-1]
    expected = process.expected_on
    if expected is not None and today > expected:
        local = zone(tz)
        used = (*process.followed_up, *process.skipped)
        if not any(moment.astimezone(local).date() > expected for moment in used):
            return "after_expected"
    return SEQUENCE[min(max(ordinal, 0), len(SEQUENCE) - 2)]


def follow_up_draft(
    book: DraftBook,
    kind: str,
    interview: Interview,
    author: Author,
    now: datetime,
    *,
    ask_feedback: bool = True,
) -> str:
    """A follow-up to the first interviewer; a reply to a rejection may ask for feedback once."""
    contact = interview.interviewers[0] if interview.interviewers else None
    values = _values(interview, contact, author, now)
    values["feedback"] = book.feedback if ask_feedback else ""
    text = book.follow_up[kind].format_map(values)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines()))


def note_kind(rule: str, outcome: Outcome) -> str | None:
    """The note an item of `rule` drafts, for a process that stands at `outcome`."""
    kind = RULE_NOTES.get(rule)
    if kind == "thank_reference" and outcome == Outcome.ACCEPTED:
        return "thank_reference_hired"
    return kind


def note_draft(
    book: DraftBook, kind: str, interview: Interview, author: Author, now: datetime
) -> str:
    """One of the harder notes, to the interview's first interviewer (or, for a reference,
    to whoever the person names in the greeting)."""
    contact = interview.interviewers[0] if interview.interviewers else None
    return book.notes[kind].format_map(_values(interview, contact, author, now))


def spoken_date(moment: datetime, tz: str, now: datetime) -> str:
    """How the person would name the day on the day they write: today, yesterday, on 21 April."""
    local = zone(tz)
    day = moment.astimezone(local).date()
    today = now.astimezone(local).date()
    if day == today:
        return "today"
    if (today - day).days == 1:
        return "yesterday"
    year = f" {day.year}" if day.year != today.year else ""
    return f"on {day.day} {day:%B}{year}"


def first_name(name: str) -> str:
    """The name a greeting uses: the first word that is not a title."""
    words = name.split()
    given = [w for w in words if w.lower() not in _TITLES]
    return (given or words or [name])[0]


def _values(
    interview: Interview, interviewer: Interviewer | None, author: Author, now: datetime
) -> dict[str, str]:
    name = interviewer.name if interviewer else "[their name]"
    return {
        "first_name": first_name(name) if interviewer else name,
        "interviewer": name,
        "company": interview.company,
        "role": interview.role,
        "when": spoken_date(interview.starts_at, interview.tz, now),
        "my_name": author.name or "[your name]",
        "strengths": author.strengths or "[what you do best]",
        "feedback": "",
    }
