"""The words of replies (`rules/replies.yml`), and reading a reply's words with slips forgiven.

A reply is split into words; a word that is neither an English word nor one of the coach's
own is read as the coach's word it is one edit from (two for long words): "dnoe" is "done",
"rejectd" is "rejected", "globx" is "Globex". The distance is RapidFuzz's optimal string
alignment, so a swapped pair of letters is one slip, as people make them. Phrases are then
matched on whole words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.domain.text import match_key

__all__ = [
    "Phrase",
    "Questions",
    "ReplyWords",
    "ReplyWordsError",
    "Words",
    "english_words",
    "everyday_words",
    "load_reply_words",
    "read_words",
]

#: How often (per word of English text) a word must occur to count as an English word that
#: is meant as written, not a slip: "gone" is a word, "dnoe" and "dune" are not.
COMMON_WORD_FREQUENCY = 1e-6
#: A word this common is a name only when written with a capital ("Will", "Mark").
EVERYDAY_WORD_FREQUENCY = 1e-5
#: The most other words "*" stands for in a phrase.
WILDCARD_WORDS = 3
_WORD = re.compile(r"#?[0-9]+(?:[.:][0-9]+)?[a-z]*|[a-z]+(?:'[a-z]+)*")
#: A tick typed after an item ("thank you email to priya ✔️") says it is done.
_CHECK_MARKS = str.maketrans(dict.fromkeys("\u2705\u2714\u2611\u2713", " done "))
#: A digit typed for the letter it looks like, inside a word ("d0ne", "sk1p").
_DIGIT_LETTERS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s"}
_LETTER_DIGITS = re.compile(r"(?<=[a-z])[01345](?=[a-z])")
#: The apostrophe of a contraction ("didn't", "i'm", "they're", "it's"; not "jane's", and
#: not "we'd", which would read as Wednesday).
_CONTRACTION = re.compile(
    r"(?<=n)'(?=t\b)|(?<=[a-z])'(?=(?:re|ve|ll|m)\b)"
    r"|(?:(?<=\bit)|(?<=\bthat)|(?<=\bwhat)|(?<=\bthere)|(?<=\bhere)|(?<=\blet)|(?<=\bhe)"
    r"|(?<=\bshe)|(?<=\bwho)|(?<=\bwhere)|(?<=\bhow))'(?=s\b)"
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})


class ReplyWordsError(ValueError):
    """`replies.yml` cannot be used, and why."""


@dataclass(frozen=True)
class Phrase:
    """Words to find in a reply: each place a set of words, or "*" for a few of any."""

    places: tuple[frozenset[str], ...]
    text: str

    @classmethod
    def of(cls, text: str) -> Phrase:
        places = []
        for part in _tokens(text):
            places.append(frozenset(part.split("|")))
        if not places or places[0] == frozenset({"*"}) or places[-1] == frozenset({"*"}):
            raise ReplyWordsError(f"'{text}' is not a phrase (a * needs words around it)")
        return cls(tuple(places), text)

    @property
    def words(self) -> set[str]:
        return {word for place in self.places for word in place if word != "*"}

    def find(self, words: Sequence[str], start: int = 0) -> tuple[int, int] | None:
        """Where the phrase first occurs in `words` from `start` on (start, end), or None."""
        for at in range(start, len(words)):
            end = self._match(words, at, 0)
            if end is not None:
                return at, end
        return None

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Every place the phrase occurs, without overlaps."""
        found: list[tuple[int, int]] = []
        at = 0
        while (span := self.find(words, at)) is not None:
            found.append(span)
            at = max(span[1], span[0] + 1)
        return found

    def _match(self, words: Sequence[str], at: int, place: int) -> int | None:
        if place == len(self.places):
            return at
        wanted = self.places[place]
        if wanted == frozenset({"*"}):
            for skip in range(WILDCARD_WORDS + 1):
                end = self._match(words, at + skip, place + 1)
                if end is not None:
                    return end
            return None
        if at < len(words) and words[at] in wanted:
            return self._match(words, at + 1, place + 1)
        return None


@dataclass(frozen=True)
class Outcome:
    """An outcome said in words: what it is recorded as, what it does to the search."""

    name: str
    records: str
    searching: str | None
    button: str
    words: tuple[Phrase, ...]
    #: Words that, found too, mean it is not this outcome ("said no to me" is no decline).
    unless: tuple[Phrase, ...] = ()
    #: Only read in a reply about an offer (see `offer_words` in replies.yml).
    about_an_offer: bool = False
    #: What its words mean when negated ("isn't moving forward" is rejected); None: nothing.
    negated: str | None = None

    def said_in(self, words: Words) -> bool:
        return words.has(self.words) is not None and words.has(self.unless) is None


@dataclass(frozen=True)
class Questions:
    """How a question opens, so that words in it are not taken as news or as an action
    ("did acme reject me?", "should I follow up with Globex", "how do I snooze")."""

    #: Words that open a question wherever they stand first ("how", "what", "should").
    always: frozenset[str] = frozenset()
    #: Words that open one when a subject follows ("is it...", "did acme...", "when do...").
    before_subject: frozenset[str] = frozenset()
    #: The subjects; any employer or person named counts as one too.
    subjects: frozenset[str] = frozenset()
    #: Subjects other than the person, who may contact them ("they emailed", "hr called").
    others: frozenset[str] = frozenset()
    #: Openings that are requests, not questions ("can you remind me", "could we...").
    requests: tuple[Phrase, ...] = ()
    #: Words that wonder aloud anywhere in a reply ("whether to mention my other offer").
    musing: tuple[Phrase, ...] = ()
    #: Openings that are suggestions, not questions ("how about tomorrow").
    not_questions: tuple[Phrase, ...] = ()
    #: A question asking how to use the coach opens like one of these...
    usage: tuple[Phrase, ...] = ()
    #: ...and names one of these, the coach's own words: it gets the help.
    coach_words: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class ReplyWords:
    """Everything `replies.yml` says, ready to match."""

    commands: dict[str, frozenset[str]]
    done: tuple[tuple[Phrase, frozenset[str]], ...]
    skip: tuple[Phrase, ...]
    snooze: tuple[Phrase, ...]
    #: Words that say an item is not done yet ("haven't sent it yet"): a later reminder.
    not_yet: tuple[Phrase, ...]
    lists: tuple[Phrase, ...]
    help: tuple[Phrase, ...]
    undo: tuple[Phrase, ...]
    chat: tuple[Phrase, ...]
    searching: dict[str, tuple[Phrase, ...]]
    references: tuple[Phrase, ...]
    followed_up: tuple[Phrase, ...]
    expect: tuple[Phrase, ...]
    outcomes: tuple[Outcome, ...]
    items: dict[str, tuple[Phrase, ...]]
    not_slips: frozenset[str]
    offer_words: frozenset[str] = frozenset()
    #: Words that say nothing on their own around a command or a short answer.
    fillers: frozenset[str] = frozenset()
    #: Words a reply may start with before its command ("ok done 2", "i just sent it").
    leading: frozenset[str] = frozenset()
    #: Words that make a reply mean several items ("the thank-you notes").
    plurals: frozenset[str] = frozenset()
    #: Words that start a question ("should I follow up?" asks, it does not report).
    questions: frozenset[str] = frozenset()
    #: How questions open: see `Questions`.
    asking: Questions = field(default_factory=lambda: Questions())
    #: Telling of contact with an employer ("emailed Initech", "pinged Carlos").
    contacted: tuple[Phrase, ...] = ()
    #: Hopes and worries: a clause with one of them states no fact.
    hopes: tuple[Phrase, ...] = ()
    #: Words that say the last change was a mistake, wherever they stand: undo.
    mistakes: tuple[Phrase, ...] = ()
    #: Short forms people type, read as the words they stand for ("w" is "with").
    shorthand: dict[str, str] = field(default_factory=dict)
    #: Words that negate the words after them ("isn't moving forward")...
    negations: frozenset[str] = frozenset()
    #: ...across these ("not been rejected", "didn't get invited back").
    negation_gap: frozenset[str] = frozenset()

    def outcome(self, name: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.name == name), None)

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every phrase and command: what a slip may be read as."""
        phrases: list[Phrase] = [
            *(p for p, _ in self.done),
            *self.skip,
            *self.snooze,
            *self.not_yet,
            *self.lists,
            *self.help,
            *self.undo,
            *self.chat,
            *(p for ps in self.searching.values() for p in ps),
            *self.references,
            *self.followed_up,
            *self.expect,
            *(p for o in self.outcomes for p in o.words),
            *(p for ps in self.items.values() for p in ps),
            *self.contacted,
            *self.hopes,
            *self.mistakes,
        ]
        words = {w for p in phrases for w in p.words}
        words.update(w for ws in self.commands.values() for w in ws)
        return frozenset(words)


@dataclass(frozen=True)
class Words:
    """A reply as words: as read (slips mended), and where each sits in the lowered text."""

    text: str
    read: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def rest_after(self, end: int) -> str:
        """The lowered text after the `end`-th word, as typed."""
        return self.text[self.spans[end - 1][1] :].strip() if end else self.text

    def has(self, phrases: Iterable[Phrase]) -> Phrase | None:
        return next((p for p in phrases if p.find(self.read) is not None), None)


def read_words(
    text: str,
    vocabulary: frozenset[str],
    names: frozenset[str] = frozenset(),
    keep: frozenset[str] = frozenset(),
    preferred: frozenset[str] = frozenset(),
    shorthand: Mapping[str, str] | None = None,
) -> Words:
    """The reply's words, each slip read as the coach's word (or a name) it stands for;
    words in `keep` are always meant as written, short forms (`shorthand`) as what they
    stand for."""
    lowered = _LETTER_DIGITS.sub(
        lambda m: _DIGIT_LETTERS[m.group(0)], lowered_text(text).translate(_CHECK_MARKS)
    )
    if shorthand:
        lowered = _short_forms(tuple(shorthand)).sub(lambda m: shorthand[m.group(0)], lowered)
    found = list(_WORD.finditer(lowered))
    known = vocabulary | names
    read = tuple(
        m.group(0) if m.group(0) in keep else _mended(m.group(0), known, names, preferred)
        for m in found
    )
    return Words(lowered, read, tuple(m.span() for m in found))


@functools.cache
def _short_forms(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Each short form as a whole word ("w" in "went w someone", not in "w/e" or "2w")."""
    alternatives = []
    for form in sorted(forms, key=len, reverse=True):
        end = r"(?![a-z0-9'])" if form[-1].isalnum() else ""
        alternatives.append(rf"(?<![a-z0-9#'/]){re.escape(form)}{end}")
    return re.compile("|".join(alternatives))


def lowered_text(text: str) -> str:
    """The text as matched, folded as names are (`match_key`: compatibility forms, case,
    invisible and bidi characters, spacing), with plain quotes and contractions written
    without their apostrophe, as people often type them ("didnt" is "didn't")."""
    return _CONTRACTION.sub("", match_key(text.translate(_QUOTES)).translate(_QUOTES))


def _word_set(raw: dict[str, object], field: str) -> frozenset[str]:
    listed = raw.get(field) or []
    if not isinstance(listed, list):
        raise ReplyWordsError(f"field '{field}' must be a list of words")
    return frozenset(lowered_text(str(w)) for w in listed)


def _tokens(text: str) -> list[str]:
    return lowered_text(text).replace("-", " ").split()


def _mended(
    word: str, known: frozenset[str], names: frozenset[str], preferred: frozenset[str]
) -> str:
    """`word`, or the coach's word it is a slip of."""
    if word in known or not word[:1].isalpha() or len(word) < 3:
        return word
    if word.endswith("'s") and word[:-2] in known:
        return word[:-2]
    if word in english_words():
        return word
    limit = 1 if len(word) < 8 else 2
    choices = sorted(k for k in known if len(k) >= 4 and abs(len(k) - len(word)) <= limit)
    near = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not near:
        return word
    # The nearest; on a tie a command word ("doen" is "done" before "down"), then a name.
    choice = str(min(near, key=lambda n: (n[1], n[0] not in preferred, n[0] not in names))[0])
    if len(word) == 3 and choice in names:
        return word  # three letters are too few to tell a slip in a name from another word
    if len(choice) <= 5 and word[0] != choice[0] and word[:2] != choice[1::-1]:
        return word  # short words keep their first letter, or swap the first two
    return choice


def english_words() -> frozenset[str]:
    """English words common enough to be meant as written (pyspellchecker's word list, which
    ships inside its package: nothing is fetched)."""
    return _english()[0]


def everyday_words() -> frozenset[str]:
    """Words so common ("will", "may", "mark") that, written in lower case, they are the word
    and not a name."""
    return _english()[1]


@functools.cache
def _english() -> tuple[frozenset[str], frozenset[str]]:
    from spellchecker import SpellChecker

    frequencies = SpellChecker().word_frequency
    total = frequencies.total_words
    shares = {word: count / total for word, count in frequencies.dictionary.items()}
    return (
        frozenset(w for w, share in shares.items() if share > COMMON_WORD_FREQUENCY),
        frozenset(w for w, share in shares.items() if share > EVERYDAY_WORD_FREQUENCY),
    )


def load_reply_words(path: Path) -> ReplyWords:
    """Read and check `replies.yml` (a rules folder's, or the file itself)."""
    file = path / "replies.yml" if path.is_dir() else path
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ReplyWordsError(f"{file}: cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise ReplyWordsError(f"{file}: must be a mapping of intents to their words")

    def phrases(field: str, value: object) -> tuple[Phrase, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ReplyWordsError(f"{file}: field '{field}' must be a list of phrases")
        return tuple(Phrase.of(v) for v in value)

    def mapping(field: str) -> dict[str, object]:
        value = raw.get(field)
        if not isinstance(value, dict) or not value:
            raise ReplyWordsError(f"{file}: field '{field}' must map names to their words")
        return {str(k): v for k, v in value.items()}

    try:
        commands = {
            name: frozenset(p.text.lower() for p in phrases(f"commands.{name}", words))
            for name, words in mapping("commands").items()
        }
        done = []
        for said, kinds in mapping("done").items():
            if not isinstance(kinds, list):
                raise ReplyWordsError(f"{file}: field 'done.{said}' must list item kinds")
            done.append((Phrase.of(said), frozenset(str(k) for k in kinds)))
        outcomes = []
        for name, spec in mapping("outcomes").items():
            if not isinstance(spec, dict):
                raise ReplyWordsError(f"{file}: field 'outcomes.{name}' must be a mapping")
            records = spec.get("records")
            button = spec.get("button")
            if not isinstance(records, str) or not isinstance(button, str):
                raise ReplyWordsError(
                    f"{file}: field 'outcomes.{name}' needs `records` and a `button` label"
                )
            if "{company}" not in button:
                raise ReplyWordsError(
                    f"{file}: field 'outcomes.{name}.button' must name {{company}}"
                )
            searching = spec.get("searching")
            if searching not in (None, "done", "again"):
                raise ReplyWordsError(f"{file}: field 'outcomes.{name}.searching' is done or again")
            outcomes.append(
                Outcome(
                    name,
                    records,
                    searching,
                    button,
                    phrases(f"outcomes.{name}", spec.get("words")),
                    phrases(f"outcomes.{name}.unless", spec.get("unless") or []),
                    bool(spec.get("about_an_offer", False)),
                    None if spec.get("negated") is None else str(spec.get("negated")),
                )
            )
        names = {o.name for o in outcomes}
        for o in outcomes:
            if o.negated is not None and o.negated not in names:
                raise ReplyWordsError(f"{file}: 'outcomes.{o.name}.negated' names no outcome")
        searching = {
            value: phrases(f"searching.{value}", words)
            for value, words in mapping("searching").items()
        }
        asking = raw.get("asking") or {}
        if not isinstance(asking, dict):
            raise ReplyWordsError(f"{file}: field 'asking' must be a mapping")
        shorthand = raw.get("shorthand") or {}
        if not isinstance(shorthand, dict):
            raise ReplyWordsError(f"{file}: field 'shorthand' must map short forms to words")
        return ReplyWords(
            commands=commands,
            done=tuple(done),
            skip=phrases("skip", raw.get("skip")),
            snooze=phrases("snooze", raw.get("snooze")),
            not_yet=phrases("not_yet", raw.get("not_yet")),
            lists=phrases("list", raw.get("list")),
            help=phrases("help", raw.get("help")),
            undo=phrases("undo", raw.get("undo")),
            chat=phrases("chat", raw.get("chat")),
            searching=searching,
            references=phrases("references", raw.get("references")),
            followed_up=phrases("followed-up", raw.get("followed-up")),
            expect=phrases("expect", raw.get("expect")),
            outcomes=tuple(outcomes),
            items={
                kind: phrases(f"items.{kind}", words) for kind, words in mapping("items").items()
            },
            not_slips=frozenset(str(w).lower() for w in raw.get("not_slips") or []),
            offer_words=_word_set(raw, "offer_words"),
            fillers=_word_set(raw, "fillers"),
            leading=_word_set(raw, "leading"),
            plurals=_word_set(raw, "plurals"),
            questions=_word_set(raw, "questions"),
            asking=Questions(
                always=_word_set(asking, "always"),
                before_subject=_word_set(asking, "before_subject"),
                subjects=_word_set(asking, "subjects"),
                others=_word_set(asking, "others"),
                requests=phrases("asking.requests", asking.get("requests") or []),
                not_questions=phrases("asking.not_questions", asking.get("not_questions") or []),
                musing=phrases("asking.musing", asking.get("musing") or []),
                usage=phrases("asking.usage", asking.get("usage") or []),
                coach_words=phrases("asking.coach_words", asking.get("coach_words") or []),
            ),
            contacted=phrases("contacted", raw.get("contacted") or []),
            hopes=phrases("hopes", raw.get("hopes") or []),
            mistakes=phrases("mistakes", raw.get("mistakes") or []),
            shorthand={lowered_text(str(k)): str(v).lower() for k, v in shorthand.items()},
            negations=_word_set(raw, "negations"),
            negation_gap=_word_set(raw, "negation_gap"),
        )
    except ReplyWordsError as error:
        if str(error).startswith(str(file)):
            raise
        raise ReplyWordsError(f"{file}: {error}") from error
