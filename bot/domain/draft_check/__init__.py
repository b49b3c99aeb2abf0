"""The draft checker: spelling, grammar, shouting, doubled words, greeting and sign-off,
names, what the kind of note needs, tone, length.

It runs offline (pyspellchecker ships its English word list), knows the names that belong
in the note (company, role, interviewers, the sender) so it does not flag them, knows the
person's other employers so a note naming one of them is caught, tells a thank-you from a
reply to a rejection or a note to a reference by its words, and never keeps the text it
checks. What it is sure of makes the verdict; what it is not sure of is only suggested.
"""

from __future__ import annotations

from bot.domain.draft_check.checker import MAX_WORDS, DraftChecker
from bot.domain.draft_check.model import DraftContext, Finding, Review, verdict
from bot.domain.draft_check.names import context_for, role_named
from bot.domain.draft_check.spelling import MAX_MISSPELT

__all__ = [
    "MAX_MISSPELT",
    "MAX_WORDS",
    "DraftChecker",
    "DraftContext",
    "Finding",
    "Review",
    "context_for",
    "role_named",
    "verdict",
]
