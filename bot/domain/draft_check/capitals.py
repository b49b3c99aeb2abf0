"""Shouting: ordinary words written in capitals for emphasis ("I am VERY excited").

Acronyms are fine (SQL, AWS, NHS, GDPR): the spelling dictionary does not hold them, or
they are listed in rules/words.yml. The few that are also English words (IT, US, OR, AM,
PM, OK) count as acronyms on their own; next to other words in capitals they are shouting.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.domain.draft_check.model import Finding

#: How common (in the spelling list's counts) a word in capitals must be to read as a word
#: and not an acronym: "very" is millions, "sql" and "nhs" are not there at all.
COMMON_WORD = 20_000
#: A longer word in capitals is a word at a lower count ("THRILLED", "DELIGHTED"): acronyms
#: of six letters or more that are also words are rarer still ("ORACLE" is 1,646).
COMMON_LONG_WORD = 5_000
#: English words that are also the usual acronyms of offices and trades.
_ACRONYM_WORDS = frozenset({"it", "us", "or", "am", "pm", "ok", "er", "hr", "pr", "id", "tv"})
#: Short words that shout even alone ("I am SO excited").
_EMPHATIC = frozenset({"so", "no", "do", "be", "is", "we", "me", "my"})
_CAPITALS = re.compile(r"\b[A-Z][A-Z']*[A-Z]\b|\bI\b|\bA\b")


def shouting(
    text: str,
    count: Callable[[str], int],
    listed: Callable[[str], bool],
    names: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Words in capitals that are common English words: alone when three letters or more,
    or two or more together ("THANK YOU"). `names` (lower-cased) are the note's own names,
    written as their owners write them ("ARM Studio")."""
    loud: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        words = [w for w in run if _a_word(w, count, listed, alone=False)]
        if len(words) >= 2:
            loud.append(" ".join(run))
        elif len(run) == 1 and _a_word(run[0], count, listed, alone=True):
            loud.append(run[0])
        run.clear()

    last_end = -1
    for match in _CAPITALS.finditer(text):
        if match.group(0).lower() in names or _names_a_product(text, match):
            continue
        gap = text[last_end : match.start()] if last_end >= 0 else ""
        if run and (gap.strip(" ,") or "\n" in gap):
            close_run()
        run.append(match.group(0))
        last_end = match.end()
    close_run()
    loud = [phrase for phrase in loud if phrase not in {"I", "A"}]
    if not loud:
        return []
    shown = ", ".join(f"“{phrase}”" for phrase in dict.fromkeys(loud[:3]))
    return [Finding("shouting", f"{shown} in capitals reads as shouting: write it in lower case.")]


def _names_a_product(text: str, match: re.Match[str]) -> bool:
    """Capitals right before a capitalised name are part of it ("ARM Cortex-M")."""
    following = re.match(r"[ -]([A-Z][a-z][\w-]*)", text[match.end() :])
    return following is not None and match.group(0) not in {"I", "A"}


def _a_word(
    word: str, count: Callable[[str], int], listed: Callable[[str], bool], *, alone: bool
) -> bool:
    lowered = word.lower().replace("'", "")
    if word in {"I", "A"}:
        return not alone
    if listed(lowered):
        return False
    if lowered in _ACRONYM_WORDS:
        return not alone
    base = word.lower().split("'")[0]
    common = count(base) >= COMMON_WORD or (len(base) >= 6 and count(base) >= COMMON_LONG_WORD)
    return common and (len(base) >= 3 or not alone or base in _EMPHATIC)
