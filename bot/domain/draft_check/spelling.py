"""Spelling, offline: pyspellchecker's English list and word counts, the everyday words of
wordfreq's small English list, the trade words of rules/words.yml, British spellings, and
words run together from two common ones."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spellchecker import SpellChecker
from wordfreq import get_frequency_dict

#: Suggestions shown for one misspelt word.
SUGGESTIONS = 3
#: How often (in the word list's counts) each half of a run-together word must occur.
COMMON = 100_000
#: A correction must be at least this common for an unknown word to count as a typo;
#: an unknown word with no such neighbour is a term the list lacks ("baristas").
LIKELY = 1_000
#: Two-edit corrections come from these more common words only, to stay fast and sure.
TWO_EDITS_COMMON = 5_000
#: How often (per word of running text) an everyday word pyspellchecker lacks must occur in
#: wordfreq's English counts to be taken as a word: 2 in a million ("inbox", "org",
#: "screenshot"). The usual misspellings are rarer: "teh", "definately", "thier", "untill"
#: are all under 1.1 in a million.
EVERYDAY = 2e-6
#: Phrases written as one word: frequent in wordfreq's counts, and still slips.
_RUN_TOGETHER = frozenset(
    {"alot", "atleast", "infact", "ofcourse", "aswell", "eachother", "thankyou", "everytime"}
)
#: Chat shorthand: frequent in wordfreq's counts (which include social media), no word of a
#: note to an employer.
_SHORTHAND = frozenset(
    {"pls", "plz", "cuz", "imo", "imho", "idk", "omg", "tbh", "btw", "fyi", "soo"}
)
#: Words a contraction in 's is made from ("that's", "what's", "let's").
_BEFORE_APOSTROPHE_S = frozenset({"that", "what", "there", "here", "who", "he", "she", "it", "let"})
#: Past this many misspelt words a draft needs rewriting, not a list; and unknown words
#: looked up (two edits deep for the first few) are capped, so a pasted page of noise is
#: answered as fast as a note.
MAX_MISSPELT = 12
MAX_LOOK_UPS = 60
MAX_DEEP_LOOK_UPS = 8

#: Prefixes that only live in hyphenated words ("multi-region", "non-trivial").
PREFIXES = frozenset({"multi", "non", "pre", "co", "cross", "sub", "anti", "self", "re", "inter"})
#: Prefixes written solid onto a known word ("misconfigured", "replatform", "unblocked").
_WORD_PREFIXES = (
    *("mis", "un", "re", "pre", "non", "over", "under", "co"),
    *("multi", "sub", "inter", "micro", "auto", "cross", "de"),
)
#: British spellings, rewritten towards their American twin, which the word list has:
#: "colour", "organisation", "analysing", "centre", "catalogue", "licence", "travelled",
#: "programme", "fulfil", "paediatric". A word is British when some rewrite is a known word.
_BRITISH = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        (r"our", "or"),
        (r"is(?=e|ing|ation|abl)", "iz"),
        (r"ys(?=e|ing)", "yz"),
        (r"tre(?=s?$)", "ter"),
        (r"tr(?=ed$|ing$)", "ter"),
        (r"ogue(?=s?$)", "og"),
        (r"ence(?=s?$)", "ense"),
        (r"ll(?=ed|ing|er|or)", "l"),
        (r"mme(?=s?$)", "m"),
        (r"([io])l(?=ful|ment|ments|s?$)", r"\1ll"),
        (r"ae", "e"),
        (r"oe", "e"),
    )
)


class Speller:
    """Loads the word list once (about 0.2 s); each look-up after that is microseconds."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self._speller = SpellChecker(distance=1)
        self._known = {w.lower() for w in known_words}
        self._everyday = {
            word
            for word, frequency in get_frequency_dict("en", wordlist="small").items()
            if frequency >= EVERYDAY
            and word.isalpha()
            and word not in _RUN_TOGETHER | _SHORTHAND
            and not re.search(r"(.)\1\1", word)
        }
        self._common_by_letter: dict[str, list[str]] = {}
        for word, count in self._speller.word_frequency.items():
            if count >= TWO_EDITS_COMMON and len(word) >= 4 and word.isalpha():
                self._common_by_letter.setdefault(word[0], []).append(word)

    def listed(self, word: str) -> bool:
        """One of the trade words and acronyms of rules/words.yml."""
        return word.lower() in self._known

    def count(self, word: str) -> int:
        """How common a word is in the word list's counts (0 when it is not there)."""
        return int(self._speller[word.lower()])

    def known(self, word: str) -> bool:
        """A dictionary word, a listed one, a British spelling of one, or a compound of two
        common words ("playtest", "walkthrough")."""
        lowered = word.lower()
        return self._plain(lowered) or self._compound(lowered)

    def in_dictionary(self, word: str) -> bool:
        """The word itself is in the dictionary (no compounds, no British twin)."""
        return not self._speller.unknown([word.lower()])

    def _plain(self, word: str) -> bool:
        return (
            word in self._known
            or not self._speller.unknown([word])
            or self._british(word)
            or (word in self._everyday and not self._contraction(word))
        )

    def _contraction(self, word: str) -> bool:
        """A contraction without its apostrophe ("dont", "youre", "thats"): frequent, and
        still a slip."""
        for ending in ("re", "ve", "ll", "d", "m", "t", "s"):
            stem = word[: -len(ending)]
            if not word.endswith(ending) or not stem:
                continue
            if ending == "t" and not stem.endswith("n"):
                continue
            if ending == "s" and stem not in _BEFORE_APOSTROPHE_S:
                continue
            written = f"{stem}'{ending}"
            if not self._speller.unknown([written]):
                return True
        return False

    def _compound(self, word: str) -> bool:
        """Two common words run together, or a prefix on a known word ("misconfigured").

        Only common halves count, so a typo such as "teamate" (tea + mate) is still caught.
        """
        # goods named by what they are for ("homeware", "giftware", "bakeware")
        stem = word.removesuffix("s").removesuffix("ware")
        if stem != word.removesuffix("s") and len(stem) >= 3 and self._common(stem):
            return True
        for prefix in _WORD_PREFIXES:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) > 3 and self._plain(rest):
                return True
        return any(
            self._common(word[:cut]) and self._common(word[cut:]) for cut in range(3, len(word) - 1)
        )

    def _common(self, word: str) -> bool:
        """A frequent word, or the plural of one."""
        singular = word[:-1] if word.endswith("s") else word
        return max(self._speller[word], self._speller[singular]) >= COMMON

    def suggestions(self, word: str, *, deep: bool = True) -> list[str]:
        """Likely corrections, the most common word first ("realy": really, real, ready).

        Only common words count: one letter away first, else two ("greatful": grateful).
        None means the word is no likely typo: a trade term or a name the list lacks.
        """
        lowered = word.lower()
        found = {w for w in self._speller.candidates(lowered) or () if self._speller[w] >= LIKELY}
        if not found and len(lowered) >= 6:
            # a trade word of rules/words.yml or an everyday word, one letter off
            found = self._speller.edit_distance_1(lowered) & (self._known | self._everyday)
        found.discard(lowered)
        if not found and deep:
            found = self._two_edits_away(lowered)
        if not found and lowered.endswith("s") and len(lowered) > 5:
            # a plural the counts lack: "reconcilliations" is "reconciliation" + s
            found = {f"{w}s" for w in self.suggestions(lowered[:-1], deep=deep) if w}
        ranked = sorted(found, key=lambda w: (-self._speller[w], w))[:SUGGESTIONS]
        return [w.capitalize() for w in ranked] if word[:1].isupper() else ranked

    def _two_edits_away(self, word: str) -> set[str]:
        """Common words two edits away that start with the same letter: a fast look-up of
        the usual double slips ("tommorow", "proffesional") over a short list."""
        if len(word) < 5:
            return set()
        return {
            common
            for common in self._common_by_letter.get(word[0], ())
            if abs(len(common) - len(word)) <= 2 and within_two_edits(word, common)
        }

    def _british(self, word: str) -> bool:
        """Accept a British spelling when its American twin is a known word."""
        variants = {word}
        for pattern, american in _BRITISH:
            variants |= {pattern.sub(american, v) for v in variants}
        variants.discard(word)
        return bool(variants & self._known) or len(self._speller.known(variants)) > 0

    def misspelt(
        self,
        tokens: list[tuple[str, int]],
        starts: set[int],
        signed_at: int | None,
        expected: set[str],
        unknown: dict[str, int] | None = None,
    ) -> dict[str, list[str]]:
        """Misspelt words, each with its likely corrections; a page of noise is cut short.

        `expected` holds the names that belong in the note (lower-cased parts); `unknown`,
        when given, gets every word the dictionaries lack (lower-cased) and where it is."""
        misspelt: dict[str, list[str]] = {}
        seen: set[str] = set()
        looked_up = 0
        for word, position in tokens:
            if len(misspelt) >= MAX_MISSPELT or looked_up >= MAX_LOOK_UPS:
                break
            base = word[:-2] if word.lower().endswith("'s") else word
            lowered = base.lower()
            if (
                lowered in seen
                or len(base) <= 1
                or any(c.isdigit() for c in base)
                or (base.isupper() and len(base) <= 5)
                or any(c.isupper() for c in base[1:])
                or lowered in expected
                or lowered in PREFIXES
            ):
                continue
            after_sign_off = signed_at is not None and position >= signed_at
            if base[:1].isupper() and (position not in starts or after_sign_off):
                continue  # a proper name: a place, a product, a person, the sender
            seen.add(lowered)
            if self.known(base):
                continue
            looked_up += 1
            if unknown is not None:
                unknown[lowered] = position
            options = self.suggestions(base, deep=looked_up <= MAX_DEEP_LOOK_UPS)
            if options:  # else no likely typo: a trade term or a name the list lacks
                misspelt[base] = options
        return misspelt


def among_terms(text: str, word: str, unknown: dict[str, int]) -> bool:
    """A word the dictionaries lack, next to others they lack ("argocd, karpenter and
    istio"): more likely the names of tools than a typo, so it is only a suggestion."""
    at = unknown.get(word.lower())
    if at is None:
        return False
    start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [e for e in (text.find(mark, at) for mark in ".!?\n") if e >= 0]
    end = min(ends) if ends else len(text)
    others = [w for w, p in unknown.items() if w != word.lower() and start <= p < end]
    listed = any(
        re.fullmatch(r"\s*(,|/|and|or|&)\s*(and\s+|or\s+)?", between)
        for other in others
        for between in (
            text[at + len(word) : unknown[other]],
            text[unknown[other] + len(other) : at],
        )
    )
    in_a_list = bool(re.search(r",|\band\b|/", text[start:end]))
    return listed or (len(others) >= 2 and in_a_list)


def did_you_mean(options: list[str]) -> str:
    return f" Did you mean {', '.join(options)}?" if options else ""


def corrected(text: str, misspelt: dict[str, list[str]]) -> str:
    """The text with each misspelt word read as its likeliest correction, so one typo
    ("experiance") is reported once and does not also hide the sentence it is in."""
    for word, options in misspelt.items():
        if options:
            text = re.sub(rf"\b{re.escape(word)}\b", options[0], text)
    return text


def within_two_edits(a: str, b: str) -> bool:
    """At most two letters changed, added, dropped or swapped (a banded edit distance)."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [3] * len(b)
        for j in range(max(1, i - 2), min(len(b), i + 2) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > 2:
            return False
        previous2, previous = previous, row
    return previous[len(b)] <= 2


def one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two swapped: the usual name typos."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


#: Words spelt right but meant as another that sounds the same, each only where the other
#: is the one that fits ("know weather", "a grate opportunity", "loose the chance").
_SOUND_ALIKES = (
    (
        re.compile(
            r"\b(?:know|knowing|wonder|wondering|ask|asking|unsure|sure|see|tell|confirm|"
            r"decide|check|hear|hearing|learn) weather\b|\bweather or not\b",
            re.I,
        ),
        "weather",
        "whether",
    ),
    (
        re.compile(
            r"\b(?:a|such a|really|very|so|what a) grate\b|\bgrate (?:opportunity|chance|team|"
            r"time|pleasure|experience|place|fit|job|role|day|conversation|company|location|"
            r"people|culture|news|idea|question|questions|work|to)\b",
            re.I,
        ),
        "grate",
        "great",
    ),
    (
        re.compile(r"\b(?:to|not|never|won't|don't) loose (?:the|my|this|out|any|your)\b", re.I),
        "loose",
        "lose",
    ),
    (re.compile(r"\bpiece of mind\b", re.I), "piece", "peace"),
    (re.compile(r"\b(?:look|looking|looked) foreword\b", re.I), "foreword", "forward"),
)


def sound_alikes(text: str) -> list[tuple[str, str]]:
    """(written, meant) for each word that sounds like the one meant."""
    return [(wrong, meant) for pattern, wrong, meant in _SOUND_ALIKES if pattern.search(text)]
