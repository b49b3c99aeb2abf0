"""The draft checker: the time a person waits for the review of a 300-word draft (after
warm-up), the memory building the checker adds, and how often its verdict is right on each
corpus of labelled drafts in tests/ (the tuned-on part and every held-out part).

`python -m bench.draft_check [--samples N]` prints the figures on its own; the suite runs
the same functions as its phase 7.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import median, percentile
from bot.domain.draft_check import DraftChecker, DraftContext
from bot.domain.draft_check.scoring import (
    Score,
    held_out_files,
    load_corpus,
    score_corpus,
    tune_files,
)
from bot.domain.draft_check.spelling import Speller
from bot.domain.draft_check.tokens import WORD
from bot.domain.drafts import load_drafts

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
TESTS = ROOT / "tests"
P99_LIMIT_MS = 200.0
EXTRA_MEMORY_LIMIT_MB = 150.0

PARAGRAPH = (
    "Thank you for taking the time to talk with me on Thursday about the Staff Engineer role "
    "at Acme. I especially enjoyed our conversation about your migration to Kubernetes and how "
    "the team plans releases. I'm excited about this role, and I believe my experience running "
    "large distributed systems would help the team ship faster and sleep better. I would love "
    "to contribute to what Acme is building, and I'm happy to share more examples of my work. "
)

#: Run in a fresh interpreter: resident memory before and after building `what`, in MB.
_MEMORY_PROBE = """
import json, sys
from pathlib import Path
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
what, rules = sys.argv[1], Path(sys.argv[2])
if what == "checker":
    from bot.domain.drafts import load_drafts
    words = load_drafts(rules).known_words
    before = rss()
    from bot.domain.draft_check import DraftChecker
    built = DraftChecker(words)
else:
    from spellchecker import SpellChecker
    before = rss()
    built = SpellChecker(distance=1)
print(json.dumps({"before": before, "after": rss()}))
"""


@dataclass(frozen=True)
class Memory:
    """Resident memory added by importing and building the checker (its libraries
    included), and by building its spelling list alone (the baseline: what the checker was
    before grammar, shouting, wordfreq's everyday words and the rest)."""

    checker_mb: float
    baseline_mb: float

    @property
    def extra_mb(self) -> float:
        return self.checker_mb - self.baseline_mb


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
    return loaded, _timed(lambda: checker.review(text, context), samples), review.words


def spelling_baseline(samples: int) -> list[float]:
    """Per-check milliseconds of the spelling pass alone over the same draft: the part of
    the review every version of the checker has had, as the same-run baseline."""
    speller = Speller(load_drafts(RULES).known_words)
    text = three_hundred_words()
    tokens = [(m.group(0), m.start()) for m in WORD.finditer(text)]
    return _timed(lambda: speller.misspelt(tokens, {0}, None, set()), samples)


def _timed(work: Callable[[], object], samples: int) -> list[float]:
    work()
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return times


def memory() -> Memory:
    """Each figure from its own fresh interpreter, so neither inherits the other's pages."""

    def added(what: str) -> float:
        result = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, what, str(RULES)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        figures = json.loads(result.stdout)
        return float(figures["after"] - figures["before"])

    return Memory(checker_mb=added("checker"), baseline_mb=added("spelling-list"))


def corpus_scores() -> list[tuple[str, bool, int, Score]]:
    """(file, held out?, drafts, score) for every drafts_*.yml in tests/."""
    checker = DraftChecker(load_drafts(RULES).known_words)
    scored = []
    for path in [*tune_files(TESTS), *held_out_files(TESTS)]:
        entries = load_corpus(path)
        held_out = path in held_out_files(TESTS)
        scored.append((path.name, held_out, len(entries), score_corpus(checker, entries)))
    return scored


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300, help="timed reviews (default 300)")
    samples = parser.parse_args(argv).samples
    loaded, times, words = measure(samples)
    p99 = percentile(times, 99)
    print(f"checker built in {loaded * 1000:.0f} ms")
    spelling = spelling_baseline(samples)
    print(
        f"{words}-word draft, {samples} reviews after warm-up: median {median(times):.2f} ms, "
        f"p99 {p99:.2f} ms (target <= {P99_LIMIT_MS:.0f} ms); the spelling pass alone "
        f"(baseline, same run): median {median(spelling):.2f} ms, p99 "
        f"{percentile(spelling, 99):.2f} ms: {median(times) / median(spelling):.1f}x"
    )
    used = memory()
    print(
        f"resident memory added by building the checker: {used.checker_mb:.1f} MB; by its "
        f"spelling list alone (baseline, same run): {used.baseline_mb:.1f} MB; "
        f"extra {used.extra_mb:+.1f} MB (target <= {EXTRA_MEMORY_LIMIT_MB:.0f} MB)"
    )
    ok = p99 <= P99_LIMIT_MS and used.extra_mb <= EXTRA_MEMORY_LIMIT_MB
    for name, held_out, drafts, score in corpus_scores():
        part = "held out" if held_out else "tuned on"
        print(f"{name} ({part}, {drafts} drafts): {score}")
        if held_out:
            ok = ok and score.precision >= 0.9 and score.recall >= 0.85
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
