"""The draft checker: spelling, doubled words, greeting and sign-off, names, tone, length.

It runs offline (pyspellchecker ships its English word list), knows the names that belong
in the note (company, role, interviewers, the sender) so it does not flag them, and never
keeps the text it checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spellchecker import SpellChecker

#: Longer than this, a thank-you or follow-up stops being read to the end.
MAX_WORDS = 250
#: Suggestions shown for one misspelt word.
SUGGESTIONS = 3

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")
#: Prefixes that only live in hyphenated words ("multi-region", "non-trivial").
_PREFIXES = frozenset({"multi", "non", "pre", "co", "cross", "sub", "anti", "self", "re", "inter"})
#: British spellings whose American twin is in the word list ("candour", "organise").
_BRITISH = (
    ("our", "or"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("lled", "led"),
    ("lling", "ling"),
)
_URLS_AND_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\[[^\]]*\]")
_DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
_GREETING = re.compile(
    r"^\s*(dear|hi|hello|hey|good (morning|afternoon|evening)|greetings)\b", re.I
)
_SIGN_OFF = re.compile(
    r"\b(best|regards|kind regards|best regards|sincerely|thanks|thank you|many thanks|"
    r"cheers|warmly|warm regards|all the best|best wishes|with thanks|respectfully)\b[ ,!.]*$",
    re.IGNORECASE,
)
_INTEREST = re.compile(
    r"\b(excited|enthusiastic|interested|interest|eager|keen|love to|would love|thrilled|"
    r"passionate|look forward|looking forward|want to join|exactly what)\b",
    re.IGNORECASE,
)
_FIT = re.compile(
    r"\b(fit|experience|background|skills?|strengths?|bring|contribute|help the team|"
    r"confident|qualif\w*|track record|expertise)\b",
    re.IGNORECASE,
)
_PUSHY = (
    (
        re.compile(r"\bi expect (to hear|an answer|a decision|a response)", re.I),
        "expects an answer",
    ),
    (re.compile(r"\basap\b|\bas soon as possible\b", re.I), "asks for speed (ASAP)"),
    (re.compile(r"\b(immediately|right away|urgent(ly)?)\b", re.I), "sounds urgent"),
    (re.compile(r"\b(i need|i demand|you must|you need to)\b", re.I), "makes demands"),
    (re.compile(r"\b(let me know|tell me|decide) by\b", re.I), "sets them a deadline"),
    (re.compile(r"\bwhy (haven't|have not|didn't|did not) you\b", re.I), "sounds accusing"),
    (
        re.compile(r"\b(other offers?|competing offer)\b.*\b(unless|if you don't)\b", re.I),
        "uses other offers as pressure",
    ),
    (re.compile(r"\b(deserve|owe me)\b", re.I), "sounds entitled"),
)


@dataclass(frozen=True)
class DraftContext:
    """What the note is about: names the checker expects, and must not flag."""

    company: str = ""
    role: str = ""
    interviewers: tuple[str, ...] = ()
    sender: str = ""
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str


@dataclass(frozen=True)
class Review:
    findings: list[Finding] = field(default_factory=list)
    words: int = 0

    @property
    def ready(self) -> bool:
        return not self.findings


class DraftChecker:
    """Loads the word list once (about 0.2 s); each review after that takes milliseconds."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self._speller = SpellChecker(distance=1)
        self._known = {w.lower() for w in known_words}

    def review(self, text: str, context: DraftContext) -> Review:
        findings: list[Finding] = []
        words = _WORD.findall(_URLS_AND_ADDRESSES.sub(" ", text))
        findings += self._spelling(words, context)
        for match in {m.group(0).lower(): m for m in _DOUBLED.finditer(text)}.values():
            findings.append(
                Finding("doubled", f"“{match.group(1)}” is doubled: “{match.group(0)}”.")
            )
        findings += _structure(text, context)
        findings += _names(text, words, context)
        findings += [
            Finding("tone", f"Tone: this {why}.") for rule, why in _PUSHY if rule.search(text)
        ]
        if len(words) > MAX_WORDS:
            findings.append(
                Finding("length", f"It is {len(words)} words; under {MAX_WORDS} reads better.")
            )
        if "[" in text and "]" in text:
            findings.append(Finding("placeholder", "Replace the parts still in [brackets]."))
        return Review(findings, len(words))

    def _british(self, word: str) -> bool:
        """Accept a British spelling when its American twin is a known word."""
        for british, american in _BRITISH:
            if word.endswith(british):
                twin = word[: -len(british)] + american
                if not self._speller.unknown([twin]):
                    return True
        return False

    def _spelling(self, words: list[str], context: DraftContext) -> list[Finding]:
        expected = {
            part.lower()
            for name in (
                context.company,
                context.role,
                context.sender,
                *context.interviewers,
                *context.others,
            )
            for part in _WORD.findall(name)
        }
        candidates = [
            w
            for w in dict.fromkeys(words)
            if len(w) > 1
            and not (w.isupper() and len(w) <= 5)
            and w.lower() not in self._known
            and w.lower() not in expected
        ]
        unknown = self._speller.unknown(w.lower() for w in candidates)
        findings = []
        for word in candidates:
            lowered = word.lower()
            if lowered not in unknown or _looks_like_a_name(word) or lowered in _PREFIXES:
                continue
            if self._british(lowered):
                continue
            options = sorted(self._speller.candidates(lowered) or [])[:SUGGESTIONS]
            hint = f" Did you mean {', '.join(options)}?" if options else ""
            findings.append(Finding("spelling", f"“{word}” looks misspelt.{hint}"))
        return findings


def _looks_like_a_name(word: str) -> bool:
    """Capitalised words the dictionary lacks are mostly names (places, products, people)."""
    return word[:1].isupper() and word[1:].islower() and len(word) > 3


def _structure(text: str, context: DraftContext) -> list[Finding]:
    findings = []
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines or not _GREETING.search(lines[0]):
        findings.append(Finding("greeting", "Start with a greeting, like “Dear Jane,”."))
    tail = lines[-3:] if lines else []
    if not any(_SIGN_OFF.search(line.strip()) for line in tail):
        findings.append(
            Finding("sign-off", "End with a sign-off and your name, like “Best regards,”.")
        )
    if context.company and context.company.lower() not in text.lower():
        findings.append(Finding("company", f"Name the company ({context.company})."))
    if context.role and context.role.lower() not in text.lower():
        findings.append(Finding("role", f"Name the role ({context.role})."))
    if not _INTEREST.search(text):
        findings.append(Finding("interest", "Say plainly that you want the job."))
    if not _FIT.search(text):
        findings.append(Finding("fit", "Add one reason you are the best fit for it."))
    return findings


def _names(text: str, words: list[str], context: DraftContext) -> list[Finding]:
    """The interviewer's first name should be there, and spelt right."""
    if len(context.interviewers) != 1:
        return []
    first = context.interviewers[0].split()[0]
    if first.lower() in (w.lower() for w in words):
        return []
    near = [w for w in words if w[:1].isupper() and _one_edit_apart(w.lower(), first.lower())]
    if near:
        return [Finding("name", f"“{near[0]}” should probably be “{first}”.")]
    return [Finding("name", f"Address {first} by name.")]


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two swapped: the usual name typos."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def verdict(review: Review) -> str:
    if review.ready:
        return "Ready to send."
    count = len(review.findings)
    return f"Fix {count} thing{'' if count == 1 else 's'} before sending."
