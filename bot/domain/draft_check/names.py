"""The people and places a note names: the greeting, the sign-off, interviewers, the sender,
the company and role, and the person's other employers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from bot.domain.draft_check.model import DraftContext, Finding, unique
from bot.domain.draft_check.spelling import one_edit_apart
from bot.domain.draft_check.tokens import APOSTROPHES, WORD
from bot.domain.drafts import first_name
from bot.domain.interview import Interview

GREETING = re.compile(
    r"^\s*(dear|hi|hiya|hello|hey|good (morning|afternoon|evening)|greetings|morning|"
    r"kia ora)\b",
    re.I,
)
SUBJECT = re.compile(r"^\s*(subject|re)\s*:", re.I)
#: Words a greeting may hold that are not names ("Dear Hiring Manager", "Hi all").
_GENERIC = frozenset(
    {
        *("all", "and", "both", "everyone", "folks", "hiring", "manager", "team", "there"),
        *("sir", "madam", "committee", "panel", "recruiter", "recruiting", "talent", "you"),
        "again",
    }
)
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})
_SIGN_OFF_PHRASE = (
    r"(?i:(?:with )?(?:best|all the best|best wishes|(?:best|kind|kindest|warm|warmest|many) "
    r"regards)|yours faithfully|ngā mihi|"
    r"warm wishes|warmly|regards|(?:many|with) thanks|thanks(?: again| so much)?|"
    r"thank you(?: again| so much| for your (?:time|consideration))?|"
    r"thanks for your time|with gratitude|gratefully|(?:yours )?sincerely(?: yours)?|"
    r"yours truly|respectfully|cheers|take care|(?:with )?love(?: and thanks)?|"
    r"with (?:love|thanks) and (?:love|thanks|gratitude))"
)
#: A sign-off ends a line, alone or before the sender's name ("Best, Sam Lee").
_SIGN_OFF = re.compile(
    rf"(?:^|[.!?]\s+|[,;]\s+){_SIGN_OFF_PHRASE}\s*[,.!]?\s*(?:[-–—]\s*)?"
    r"(?P<name>[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,3})?\s*$"
)
#: Words of a role that may be left out when naming it ("the data analyst role").
_ROLE_EXTRAS = frozenset(
    {"senior", "junior", "lead", "staff", "principal", "sr", "jr", "associate", "mid", "level"}
)
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "a", "an", "to", "at", "on"})


def greeted(text: str) -> tuple[list[str], int]:
    """The names in the greeting line ("Dear Dr Anna Kowalska," gives Anna, Kowalska), and
    where the greeting ends."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.strip() or SUBJECT.match(line):
            offset += len(line)
            continue
        match = GREETING.match(line)
        if not match:
            return [], 0
        rest = line[match.end() :]
        segment = re.split(r"[,!:\n]|\s[-–—]\s", rest, maxsplit=1)[0]
        names = [
            word
            for word in WORD.findall(segment)
            if word[:1].isupper() and word.lower() not in _GENERIC and word.lower() not in _TITLES
        ]
        return names, offset + match.end() + len(segment)
    return [], 0


def sign_off_at(text: str) -> int | None:
    """Where the sign-off starts, when one of the last lines ends with one."""
    lines = text.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[:n]) for n in range(len(lines))]
    filled = [n for n, line in enumerate(lines) if line.strip()]
    for n in reversed(filled[-4:]):
        match = _SIGN_OFF.search(lines[n].rstrip())
        name = (match.group("name") or "").split() if match else []
        if match and all(word[:1].isupper() for word in name):
            return starts[n] + match.start()
    return None


def opens_with_greeting(text: str) -> bool:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    opening = next((line for line in lines if not SUBJECT.match(line)), "")
    return bool(GREETING.search(opening))


def interviewer_parts(interviewers: Sequence[str]) -> dict[str, str]:
    """Each part of each interviewer's name (first, last), lowered, to how it is spelt."""
    return {
        part.lower(): part
        for name in interviewers
        for part in WORD.findall(name)
        if len(part) > 1 and part.lower().rstrip(".") not in _TITLES
    }


def name_parts(context: DraftContext) -> set[str]:
    """Every word of every name the note may hold, lower-cased: never a typo."""
    return {
        part.lower()
        for name in (
            context.company,
            context.role,
            context.sender,
            *context.interviewers,
            *context.others,
            *context.other_companies,
        )
        for part in WORD.findall(name.translate(APOSTROPHES))
    }


def names(
    text: str,
    tokens: list[tuple[str, int]],
    context: DraftContext,
    known: Callable[[str], bool],
    *,
    to_an_interviewer: bool = True,
) -> list[Finding]:
    """Greet an interviewer of this interview by name, spelt right; name the right company
    and spell the sender's name right. A note to someone else (a reference) may greet anyone,
    but a name one letter off an interviewer's is still a typo."""
    findings = []
    parts = interviewer_parts(context.interviewers)
    greeted_names, greeting_end = greeted(text)
    if parts:
        for name in greeted_names:
            findings += _greeted_name(name, parts, context, to_an_interviewer)
        words = {word.lower() for word, _ in tokens}
        if to_an_interviewer and not greeted_names and not words & set(parts):
            firsts = [first_name(name) for name in context.interviewers]
            who = firsts[0] if len(firsts) == 1 else f"one of {', '.join(firsts)}"
            findings.append(Finding("name", f"Address {who} by name."))
    near_checks = (
        ("name", parts),
        ("name", {p.lower(): p for p in WORD.findall(context.sender) if len(p) > 2}),
        ("company", {p.lower(): p for p in WORD.findall(context.company) if len(p) > 3}),
    )
    expected = name_parts(context)
    for word, position in tokens:
        if position < greeting_end or not word[:1].isupper() or word.lower() in expected:
            continue
        for kind, names_of in near_checks:
            near = [n for key, n in names_of.items() if one_edit_apart(word.lower(), key)]
            if near and not known(word):
                findings.append(Finding(kind, f"“{word}” should probably be “{near[0]}”."))
                break
    return unique(findings)


def _greeted_name(
    name: str, parts: dict[str, str], context: DraftContext, to_an_interviewer: bool
) -> list[Finding]:
    lowered = name.lower()
    if lowered in parts:
        return []
    near = [n for key, n in parts.items() if one_edit_apart(lowered, key)]
    if near:
        return [Finding("name", f"“{name}” should probably be “{near[0]}”.")]
    if not to_an_interviewer:
        return []
    at = f" at {context.company}" if context.company else ""
    listed = ", ".join(context.interviewers)
    return [
        Finding("name", f"“{name}” is not one of your interviewers{at} ({listed}): wrong name?")
    ]


def role_named(role: str, text: str) -> bool:
    """The role is named when its words are there; "Senior" or "Staff" may be left out."""
    if not role:
        return True
    if role.lower() in text.lower():
        return True
    words = {w.lower() for w in WORD.findall(text)}
    needed = {w.lower() for w in WORD.findall(role)} - _SMALL_WORDS
    core = needed - _ROLE_EXTRAS or needed
    return core <= words


def other_employers(text: str, context: DraftContext) -> list[str]:
    """Other employers the note names: a company name as typed, or in any case if typed
    all lower-case."""
    mine = context.company.casefold()
    found = []
    for other in dict.fromkeys(context.other_companies):
        theirs = other.casefold()
        if not theirs or theirs in mine or (mine and mine in theirs):
            continue
        flags = 0 if other != other.lower() else re.IGNORECASE
        if re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", text, flags):
            found.append(other)
    return found


def context_for(
    interviews: Sequence[Interview], companies: Iterable[str], sender: str, text: str
) -> DraftContext:
    """What a pasted draft is about: the interview whose interviewer it greets, whose company
    and role it names (the latest on a tie), with every other name of the person's."""
    ordered = sorted(interviews, key=lambda i: (i.starts_at, i.id))
    others = tuple(
        name for i in ordered for name in (i.company, i.role, *(x.name for x in i.interviewers))
    )
    if not ordered:
        return DraftContext(sender=sender, others=others)
    greeted_names = {name.lower() for name in greeted(text.translate(APOSTROPHES))[0]}
    words = {w.lower() for w in WORD.findall(text.translate(APOSTROPHES))}

    def score(interview: Interview) -> int:
        parts = set(interviewer_parts([x.name for x in interview.interviewers]))
        return (
            3 * bool(greeted_names & parts)
            + bool(words & parts)
            + 2 * (interview.company.casefold() in text.casefold())
            + role_named(interview.role, text)
        )

    best = max(range(len(ordered)), key=lambda n: (score(ordered[n]), n))
    chosen = ordered[best]
    return DraftContext(
        company=chosen.company,
        role=chosen.role,
        interviewers=tuple(x.name for x in chosen.interviewers),
        sender=sender,
        others=others,
        other_companies=tuple(
            dict.fromkeys(c for c in companies if c.casefold() != chosen.company.casefold())
        ),
    )
