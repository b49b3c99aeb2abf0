"""The reply corpora: what people write in the DM, read in the one situation of CORPORA.md
section 2, and scored against their labels.

Every `tests/replies_*.yml` is measured: the tuned sets, and any held-out set written by
someone else (`replies_fresh.yml`, when it is added), with the same thresholds. A reply is
understood when its intent and everything its label names (the item or the items to ask from,
the length, the outcome, the company, the date) are right.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain.parsing import parse_duration
from bot.domain.reply_words import load_reply_words
from bot.domain.text import match_key
from bot.domain.understanding import (
    ITEM_INTENTS,
    Employer,
    Item,
    Situation,
    Understanding,
    understand,
)

TESTS = Path(__file__).resolve().parent
WORDS = load_reply_words(TESTS.parent / "rules")
CORPORA = sorted(TESTS.glob("replies_*.yml"))
#: Share of replies whose intent must be right, and of replies understood in full.
INTENT_RIGHT = 0.95
UNDERSTOOD = 0.95

JANE, BOB, PRIYA, CARLOS, ANA = "Jane Doe", "Bob Smith", "Priya Patel", "Carlos Mendes", "Ana Lima"
#: Person in Los Angeles; now Thursday 3 Dec 2026, 10:00.
SITUATION = Situation(
    items=(
        Item(4, "thank-you", "Acme", 1, JANE, (JANE, BOB), "Thank Jane Doe for the Acme interview"),
        Item(5, "thank-you", "Acme", 1, BOB, (JANE, BOB), "Thank Bob Smith for the Acme interview"),
        Item(6, "linkedin", "Acme", 1, JANE, (JANE, BOB), "Connect with Jane Doe on LinkedIn"),
        Item(7, "linkedin", "Acme", 1, BOB, (JANE, BOB), "Connect with Bob Smith on LinkedIn"),
        Item(
            9,
            "thank-you",
            "Globex",
            2,
            PRIYA,
            (PRIYA,),
            "Thank Priya Patel for the Globex interview",
        ),
        Item(10, "linkedin", "Globex", 2, PRIYA, (PRIYA,), "Connect with Priya Patel on LinkedIn"),
        Item(12, "follow-up", "Initech", 3, "", (CARLOS,), "A polite follow-up with Initech"),
        Item(
            14,
            "references",
            "Acme",
            1,
            "",
            (JANE, BOB),
            "Give your references a heads-up about Acme",
        ),
        Item(
            15,
            "weigh-offer",
            "Umbrella Health",
            4,
            "",
            (ANA,),
            "Congratulations on the Umbrella Health offer!",
        ),
    ),
    employers=(
        Employer(1, "Acme", "waiting", False, (JANE, BOB)),
        Employer(2, "Globex", "waiting", False, (PRIYA,)),
        Employer(3, "Initech", "waiting", False, (CARLOS,)),
        Employer(4, "Umbrella Health", "offer", True, (ANA,)),
        Employer(5, "Hooli", "rejected", True, ()),
    ),
    latest=(12,),
    now=datetime(2026, 12, 3, 18, 0, tzinfo=UTC),
    tz="America/Los_Angeles",
)


def load(corpus: Path) -> list[dict[str, Any]]:
    entries = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries, f"{corpus.name} holds no replies"
    for entry in entries:
        assert isinstance(entry.get("text"), str) and isinstance(entry.get("expect"), dict), entry
    return entries


def described(meant: Understanding) -> dict[str, Any]:
    """An understanding in the corpus's own terms."""
    found: dict[str, Any] = {"intent": meant.intent}
    if meant.intent in ITEM_INTENTS:
        if meant.items:
            found["item"] = meant.items[0] if len(meant.items) == 1 else list(meant.items)
        else:
            found["item"], found["among"] = "ask", sorted(meant.among)
        if meant.snooze_for is not None:
            found["for"] = meant.snooze_for
    if meant.intent in ("outcome", "followed-up", "expect", "references"):
        employer = SITUATION.employer(meant.employer) if meant.employer is not None else None
        found["company"] = employer.company if employer else "ask"
    if meant.intent == "outcome":
        found["outcome"] = meant.outcome
    if meant.intent == "expect":
        found["date"] = meant.day
    if meant.intent == "searching":
        found["value"] = meant.text
    return found


def agrees(key: str, wanted: Any, found: Any) -> bool:
    if key == "among":
        return set(wanted) == set(found or ())
    if key == "for":
        return isinstance(found, timedelta) and parse_duration(str(wanted)) == found
    if key == "company":
        return match_key(str(wanted)) == match_key(str(found))
    if key == "date":
        return isinstance(found, date) and str(wanted) == found.isoformat()
    return bool(wanted == found)


def score(entries: list[dict[str, Any]]) -> tuple[float, float, list[str]]:
    """(intent right, understood in full, what was misread)."""
    intents = understood = 0
    misread = []
    for entry in entries:
        found = described(understand(entry["text"], SITUATION, WORDS))
        wanted = entry["expect"]
        intents += found["intent"] == wanted["intent"]
        wrong = [k for k, v in wanted.items() if not agrees(k, v, found.get(k))]
        if wrong:
            misread.append(f"{entry['text']!r}: wanted {wanted}, read {found}")
        else:
            understood += 1
    return intents / len(entries), understood / len(entries), misread


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_replies_are_understood(corpus: Path) -> None:
    entries = load(corpus)
    intent_right, in_full, misread = score(entries)
    print(
        f"\n{corpus.name}: {len(entries)} replies, intent right {intent_right:.1%}, "
        f"understood in full {in_full:.1%}"
    )
    print("\n".join(misread))
    assert intent_right >= INTENT_RIGHT, "\n".join(misread)
    assert in_full >= UNDERSTOOD, "\n".join(misread)


def test_the_tuned_corpus_is_large_enough_and_covers_every_intent() -> None:
    entries = load(TESTS / "replies_corpus.yml")
    assert len(entries) >= 150
    intents = {e["expect"]["intent"] for e in entries}
    assert intents >= {
        "done", "skip", "snooze", "list", "help", "undo", "check", "searching", "chat",
        "unknown", "outcome", "followed-up", "expect", "references",
    }  # fmt: skip
    outcomes = {e["expect"].get("outcome") for e in entries} - {None}
    assert outcomes == {"rejected", "offer", "withdrawn", "in-process", "waiting", "accepted",
                        "declined"}  # fmt: skip


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_an_outcome_in_words_is_always_a_question(corpus: Path) -> None:
    """Understanding never acts; an outcome read from words names what to confirm, and the
    outcome words of every labelled outcome are known to `replies.yml`."""
    for entry in load(corpus):
        meant = understand(entry["text"], SITUATION, WORDS)
        if meant.intent == "outcome":
            assert WORDS.outcome(meant.outcome) is not None
            assert meant.employer is not None or meant.employers, entry["text"]
