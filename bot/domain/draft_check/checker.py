"""The draft checker: every part run over one draft, sure findings apart from suggestions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.domain.draft_check.capitals import shouting
from bot.domain.draft_check.grammar import UNCOUNTABLE_PLURALS, WRONG_FORMS, Grammar
from bot.domain.draft_check.model import DraftContext, Finding, Review, unique
from bot.domain.draft_check.names import (
    greeted,
    name_parts,
    names,
    sign_off_at,
    to_someone_else,
)
from bot.domain.draft_check.notes import NEEDS, Note, note_of, structure
from bot.domain.draft_check.spelling import (
    Speller,
    among_terms,
    corrected,
    did_you_mean,
    sound_alikes,
)
from bot.domain.draft_check.tokens import APOSTROPHES, SENTENCE_START, WORD, masked
from bot.domain.draft_check.tone import filler, tone

#: Longer than this, a thank-you or follow-up stops being read to the end.
MAX_WORDS = 250
_DOUBLED = re.compile(r"\b([A-Za-z']+(?: [A-Za-z']+)?)\s+\1\b", re.IGNORECASE)
#: Parts of a template still to fill in: {name}, <company>, XXX, ___, INSERT NAME.
_PLACEHOLDER = re.compile(
    r"\{[a-z_]+\}|<[a-z][a-z _-]{1,30}>|\bX{3,}\b|_{3,}|\b(INSERT|insert) (\w+ )?(NAME|name|"
    r"COMPANY|company|ROLE|role|DATE|date|TITLE|title)\b|\((company|role|job title|interviewer|"
    r"hiring manager)(?:'s)?( name)?\)"
)
#: Doubled words that are grammatical ("I think that that works", "we had had").
_FINE_TWICE = frozenset({"that", "had"})


class DraftChecker:
    """Loads the word list once (about 0.2 s); each review after that takes milliseconds."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self._speller = Speller(known_words)
        self._grammar = Grammar(self._speller.in_dictionary)

    def known(self, word: str) -> bool:
        return self._speller.known(word)

    def suggestions(self, word: str) -> list[str]:
        return self._speller.suggestions(word)

    def review(self, text: str, context: DraftContext) -> Review:
        text = text.translate(APOSTROPHES)
        hidden = masked(text)
        tokens = [(m.group(0), m.start()) for m in WORD.finditer(hidden)]
        starts = {m.end() for m in SENTENCE_START.finditer(hidden)}
        greeting_end = greeted(text)[1]
        if greeting_end:
            starts.add(next((at for _, at in tokens if at >= greeting_end), 0))
        signed_at = sign_off_at(text, context.sender)
        unknown: dict[str, int] = {}
        misspelt = self._speller.misspelt(tokens, starts, signed_at, name_parts(context), unknown)
        findings: list[Finding] = []
        suggestions: list[Finding] = []
        # a wrong verb form ("brang") is the grammar layer's to name
        misspelt = {
            w: options
            for w, options in misspelt.items()
            if w.lower() not in WRONG_FORMS | UNCOUNTABLE_PLURALS
        }
        for word, options in misspelt.items():
            if among_terms(hidden, word, unknown):
                suggestions.append(
                    Finding("spelling", f"“{word}”: a typo, or a term?" + did_you_mean(options))
                )
            else:
                findings.append(
                    Finding("spelling", f"“{word}” looks misspelt." + did_you_mean(options))
                )
        for wrong, meant in sound_alikes(hidden):
            findings.append(
                Finding(
                    "spelling", f"“{wrong}” sounds right but is spelt as another word: “{meant}”."
                )
            )
        for match in {m.group(0).lower(): m for m in _DOUBLED.finditer(hidden)}.values():
            if match.group(1).lower() not in _FINE_TWICE:
                findings.append(
                    Finding("doubled", f"“{match.group(1)}” is doubled: “{match.group(0)}”.")
                )
        read = corrected(text, misspelt)
        note = note_of(read)
        signed = sign_off_at(read, context.sender)
        elsewhere = to_someone_else(text, tokens, context)
        sure, unsure = structure(read, signed, context, note, self._speller.known, elsewhere)
        suggestions += unsure
        findings += sure
        sure_names, unsure_names = names(
            text,
            tokens,
            context,
            self._speller.known,
            to_an_interviewer=NEEDS[note].to_an_interviewer,
            sure_of_addressee=note in {Note.THANK_YOU, Note.FOLLOW_UP},
        )
        findings += sure_names
        suggestions += unsure_names
        findings += self._grammar.findings(masked(read))
        expected = name_parts(context)
        findings += shouting(hidden, self._speller.count, self._speller.listed, frozenset(expected))
        pressing, unsure_tone = tone(read, note)
        findings += pressing
        suggestions += unsure_tone
        findings += filler(text)
        if len(tokens) > MAX_WORDS:
            findings.append(
                Finding("length", f"It is {len(tokens)} words; under {MAX_WORDS} reads better.")
            )
        if ("[" in text and "]" in text) or _PLACEHOLDER.search(text):
            findings.append(Finding("placeholder", "Replace the parts still in [brackets]."))
        return Review(unique(findings), len(tokens), unique(suggestions))
