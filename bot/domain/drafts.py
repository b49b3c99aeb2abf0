"""Drafts of the notes the coach asks for: a thank-you per interviewer, follow-ups by state.

The wording lives in `rules/drafts.yml` so a coach can rewrite it without code. Drafts are
plain text with the person's words in them; square brackets mark what only the person can
write, and the draft checker reminds them of anything still in brackets.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.domain.interview import Interview, Interviewer, Outcome, Process
from bot.domain.timing import zone

PLACEHOLDERS = frozenset(
    {"first_name", "interviewer", "company", "role", "when", "my_name", "strengths"}
)
FOLLOW_UP_KINDS = ("first", "in_process", "after_expected", "rejected")


class DraftsError(ValueError):
    """Broken draft templates; names the file and the field."""


@dataclass(frozen=True)
class DraftBook:
    thank_you: tuple[str, ...]
    follow_up: dict[str, str]
    known_words: frozenset[str]


@dataclass(frozen=True)
class Author:
    """Who signs the drafts, and what they want to stress (from `/interview profile`)."""

    name: str = ""
    strengths: str = ""


def load_drafts(path: Path) -> DraftBook:
    """Read and check `drafts.yml` (a folder's, or the file itself)."""
    file = path / "drafts.yml" if path.is_dir() else path
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DraftsError(f"{file}: cannot be read as YAML ({error})") from error
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
    if not isinstance(thanks, list) or not thanks:
        raise DraftsError(f"{file}: field 'thank_you' must list one or more templates")
    follow_up = raw.get("follow_up")
    if not isinstance(follow_up, dict):
        raise DraftsError(f"{file}: field 'follow_up' must map {', '.join(FOLLOW_UP_KINDS)}")
    known = raw.get("known_words", [])
    if not isinstance(known, list):
        raise DraftsError(f"{file}: field 'known_words' must be a list of words")
    return DraftBook(
        thank_you=tuple(template(f"thank_you[{n}]", t) for n, t in enumerate(thanks)),
        follow_up={k: template(f"follow_up.{k}", follow_up.get(k)) for k in FOLLOW_UP_KINDS},
        known_words=frozenset(str(w).lower() for w in known),
    )


def thank_you_draft(
    book: DraftBook, interview: Interview, interviewer: Interviewer | None, author: Author
) -> str:
    """A thank-you note for one interviewer; each interviewer gets a different wording."""
    position = 0
    if interviewer is not None:
        names = [i.name for i in interview.interviewers]
        position = names.index(interviewer.name) if interviewer.name in names else 0
    template = book.thank_you[position % len(book.thank_you)]
    return template.format_map(_values(interview, interviewer, author))


def follow_up_kind(process: Process, today_is_after_expected: bool) -> str:
    """Which follow-up fits where the process stands."""
    if process.outcome == Outcome.REJECTED:
        return "rejected"
    if process.outcome == Outcome.IN_PROCESS:
        return "in_process"
    if process.expected_on is not None and today_is_after_expected:
        return "after_expected"
    return "first"


def follow_up_draft(book: DraftBook, kind: str, interview: Interview, author: Author) -> str:
    contact = interview.interviewers[0] if interview.interviewers else None
    return book.follow_up[kind].format_map(_values(interview, contact, author))


def _values(interview: Interview, interviewer: Interviewer | None, author: Author) -> dict:
    local = interview.starts_at.astimezone(zone(interview.tz))
    name = interviewer.name if interviewer else "[their name]"
    return {
        "first_name": name.split()[0] if interviewer else name,
        "interviewer": name,
        "company": interview.company,
        "role": interview.role,
        "when": f"on {local:%A}",
        "my_name": author.name or "[your name]",
        "strengths": author.strengths or "[why you are the best fit]",
    }
