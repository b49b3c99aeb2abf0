"""Checking a 300-word draft: the time a person waits for the review, after warm-up; and how
often the checker's verdict is right on the corpus of realistic drafts the tests use."""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from bot.domain.draft_check import DraftChecker, DraftContext
from bot.domain.drafts import load_drafts

RULES = Path(__file__).resolve().parent.parent / "rules"
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "drafts_corpus.yml"

PARAGRAPH = (
    "Thank you for taking the time to talk with me on Thursday about the Staff Engineer role "
    "at Acme. I especially enjoyed our conversation about your migration to Kubernetes and how "
    "the team plans releases. I'm excited about this role, and I believe my experience running "
    "large distributed systems would help the team ship faster and sleep better. I would love "
    "to contribute to what Acme is building, and I'm happy to share more examples of my work. "
)


def three_hundred_words() -> str:
    """A realistic note of about 300 words, with one typo and one doubled word planted."""
    body = (PARAGRAPH * 6).split()[:290]
    body[40] = "oportunity"
    body[80:81] = ["the", "the"]
    return "Dear Jane,\n\n" + " ".join(body) + "\n\nBest regards,\nSam Lee"


def measure(samples: int) -> tuple[float, list[float], int]:
    """(load seconds, per-check milliseconds, words) for `samples` reviews after one warm-up."""
    began = time.perf_counter()
    checker = DraftChecker(load_drafts(RULES).known_words)
    loaded = time.perf_counter() - began
    context = DraftContext("Acme", "Staff Engineer", ("Jane Doe",), "Sam Lee")
    text = three_hundred_words()
    review = checker.review(text, context)
    assert {f.kind for f in review.findings} >= {"spelling", "doubled"}
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        checker.review(text, context)
        times.append((time.perf_counter() - began) * 1000)
    return loaded, times, review.words


def corpus_scores() -> tuple[int, float, float]:
    """(drafts, precision, recall) of the verdict "needs fixing" over the corpus: of the
    drafts it flags, how many have a planted fault; of those with one, how many it flags."""
    checker = DraftChecker(load_drafts(RULES).known_words)
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    flagged = faulty = both = 0
    for entry in corpus:
        given = entry["context"]
        context = DraftContext(
            company=given["company"],
            role=given["role"],
            interviewers=tuple(given["interviewers"]),
            sender=given["sender"],
            other_companies=tuple(given["other_companies"]),
        )
        needs_fixing = not checker.review(entry["text"], context).ready
        has_fault = entry["expect"] != "clean"
        flagged += needs_fixing
        faulty += has_fault
        both += needs_fixing and has_fault
    return len(corpus), both / flagged if flagged else 0.0, both / faulty if faulty else 0.0
