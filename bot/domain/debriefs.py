"""The debrief: "How did it go?" right after an interview, answered in a form or in words.

In words, a debrief opens with `debrief` (or `how it went`), may name the interview
(`debrief acme:`, `debrief i3:`), and then says any of: what was talked about, the next step,
the date they would decide by, and anyone else met, in parts separated by `;` or new lines:

    debrief acme: we talked about the data platform migration; next: a case study;
    decide by dec 11; also met Sam Lee and Ann Ko

A part without a label is what was talked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.interview import Debrief
from bot.domain.parsing import AddInputError, parse_date, read_interviewers

#: The items whose message asks "How did it go?": the interview's thank-you notes, which
#: come right after it and whose drafts the answers make specific.
ASKED_WITH = frozenset({"thank-you", "thank-you-team"})
#: How long each answer may be: one sentence goes into a draft.
MAX_ANSWER = 300
#: At most this many other people met.
MAX_OTHERS = 10

_OPENING = re.compile(
    r"^\s*(debrief|how (it|the interview) went)\b(?P<target>[^:;\n]*?)\s*(:|\n|;|$)",
    re.IGNORECASE,
)
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "decision",
        re.compile(
            r"^(they('ll| will)? |will )?(decide|decides|decided|decision|deciding|answer|"
            r"hear back|news|let me know)( due| expected)?( by| on| before)?\s*:?\s*",
            re.IGNORECASE,
        ),
    ),
    (
        "next",
        re.compile(r"^(the )?next( steps?)?( is| are| will be)?\s*:?\s*", re.IGNORECASE),
    ),
    (
        "met",
        re.compile(
            r"^(i )?(also )?(met|meeting|others?( met)?|joined by|with)( with)?\s*:?\s*",
            re.IGNORECASE,
        ),
    ),
    (
        "topics",
        re.compile(
            r"^((we )?(talked|spoke|chatted) about|(we )?discussed|topics?|about)\s*:?\s*",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class DebriefWords:
    """A debrief said in words: which interview it names (may be empty) and the answers."""

    target: str
    debrief: Debrief
    #: Parts that were not understood (a date that could not be read), told back.
    unread: tuple[str, ...] = ()


def is_debrief(text: str) -> bool:
    """Whether a DM reply is a debrief in words."""
    return _OPENING.match(text) is not None


def read_debrief(text: str, *, now: datetime, tz: str) -> DebriefWords | None:
    """The debrief a reply says, or None when it is not one."""
    opening = _OPENING.match(text)
    if opening is None:
        return None
    target = opening.group("target").strip().removeprefix("for").removeprefix("with").strip()
    rest = text[opening.end() :]
    topics: list[str] = []
    next_step, decided, unread = "", None, []
    others: tuple[str, ...] = ()
    for part in (p.strip(" .") for p in re.split(r"[;\n]+", rest)):
        if not part:
            continue
        label, value = _label(part)
        if label == "decision":
            decided = _date(value, now, tz)
            if decided is None:
                unread.append(part)
        elif label == "next":
            next_step = value
        elif label == "met":
            others = _people(value) or others
            if not others:
                unread.append(part)
        else:
            topics.append(value)
    debrief = Debrief(
        topics=_short("; ".join(topics)),
        next_step=_short(next_step),
        decision_on=decided,
        others_met=others,
    )
    return DebriefWords(target, debrief, tuple(unread))


def read_debrief_form(values: dict[str, str]) -> Debrief:
    """The debrief form's answers: the date as the date picker gives it, one name a line."""
    decided = values.get("decision_on", "").strip()
    try:
        decision_on = date.fromisoformat(decided) if decided else None
    except ValueError:
        decision_on = None
    people = re.split(r"[\n;]+", values.get("others_met", ""))
    others = tuple(name for part in people for name in _people(part))
    return Debrief(
        topics=_short(values.get("topics", "")),
        next_step=_short(values.get("next_step", "")),
        decision_on=decision_on,
        others_met=tuple(dict.fromkeys(others))[:MAX_OTHERS],
    )


def _label(part: str) -> tuple[str, str]:
    for label, pattern in _LABELS:
        found = pattern.match(part)
        if found and found.end() < len(part):
            return label, part[found.end() :].strip()
    return "topics", part


def _date(value: str, now: datetime, tz: str) -> date | None:
    return parse_date(value, now=now, tz=tz)


def _people(value: str) -> tuple[str, ...]:
    try:
        named = read_interviewers(value)
    except AddInputError:
        return ()
    return tuple(i.name for i in named)[:MAX_OTHERS]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ANSWER else text[: MAX_ANSWER - 1].rstrip() + "…"


def new_people(debrief: Debrief, known: tuple[str, ...]) -> tuple[str, ...]:
    """Those met who are not interviewers yet (names compared loosely)."""
    seen = {" ".join(n.lower().split()) for n in known}
    fresh = []
    for name in debrief.others_met:
        key = " ".join(name.lower().split())
        if key and key not in seen:
            seen.add(key)
            fresh.append(name)
    return tuple(fresh)


def topic_phrase(debrief: Debrief | None) -> str | None:
    """What was talked about, as it fits "our conversation about ___" in a thank-you."""
    if debrief is None or not debrief.topics:
        return None
    topic = debrief.topics.strip().rstrip(".!")
    topic = re.sub(r"^(we )?(talked|spoke|chatted) about\s+|^discussed\s+", "", topic, flags=re.I)
    first, _, rest = topic.partition(" ")
    if first.lower() in _LEADING and rest:
        topic = f"{first.lower()} {rest}"
    return topic or None


#: Words that open a topic and read lower-case mid-sentence ("about the roadmap").
_LEADING = frozenset({"the", "a", "an", "our", "their", "your", "my", "how", "what", "why"})
