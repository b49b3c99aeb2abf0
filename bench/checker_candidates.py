"""The libraries considered for the draft checker, measured on the tuned-on corpus: what
each catches (precision and recall of the verdict), what it costs to load, in memory and
per check. The chosen checker is measured the same way, in the same run, as the baseline.

The candidates are not dependencies of the coach; install them in a scratch environment
and run this from the checkout:

    python -m venv /tmp/candidates && /tmp/candidates/bin/pip install -e . proselint \
        lemminflect spacy wordllama
    /tmp/candidates/bin/python -m bench.checker_candidates

wordllama is measured as a sentence-similarity model: how well the similarity of a draft's
four-word windows to phrase prototypes separates drafts that say they want the job from
drafts planted without it (and drafts with a tone problem from clean ones), as the area
under the ROC curve and the best threshold's errors, besides its load cost and p99.

A candidate that is not installed is reported as such and skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import percentile
from bench.draft_check import RULES, TESTS, _timed, three_hundred_words
from bot.domain.draft_check import DraftChecker, Review
from bot.domain.draft_check.model import Finding
from bot.domain.draft_check.scoring import Score, context_of, load_corpus, tune_files
from bot.domain.drafts import load_drafts

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 100

#: Loads one candidate in a fresh interpreter: load seconds and resident memory added.
_LOAD_PROBE = """
import json, sys, time
from pathlib import Path
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
what = sys.argv[1]
before, began = rss(), time.perf_counter()
if what == "checker":
    from bot.domain.draft_check import DraftChecker
    from bot.domain.drafts import load_drafts
    DraftChecker(load_drafts(Path("rules")).known_words)
elif what == "proselint":
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile
    CheckRegistry().register_many(__register__)
    LintFile("draft", "Warm up, very unique.").lint()
elif what == "wordfreq":
    import wordfreq
    wordfreq.zipf_frequency("very", "en")
elif what == "lemminflect":
    import lemminflect
    lemminflect.getAllLemmas("wants"); lemminflect.getAllInflections("want")
elif what == "wordllama":
    import wordllama
    from wordllama import WordLlama
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    model.embed(["warm up"])
elif what == "spacy":
    import spacy
    spacy.blank("en")("A sentence to warm up.")
print(json.dumps({"seconds": time.perf_counter() - began, "mb": rss() - before}))
"""


def loaded(what: str) -> dict[str, float] | None:
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_PROBE, what], capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(result.stdout) if result.returncode == 0 else None


def tune_corpus() -> list[dict[str, Any]]:
    return [entry for path in tune_files(TESTS) for entry in load_corpus(path)]


def scored(review_of: Callable[[dict[str, Any]], Review], entries: list[dict[str, Any]]) -> Score:
    score = Score()
    for entry in entries:
        review = review_of(entry)
        if entry["expect"] == "clean":
            score.clean += 1
            if not review.ready:
                score.false_alarms.append(entry["id"])
        elif entry["expect"] in {f.kind for f in review.findings}:
            score.caught.append(entry["id"])
        else:
            score.missed.append(entry["id"])
    return score


def proselint_alone() -> Callable[[str], list[Finding]]:
    """Every proselint finding as a sure one; it has no kinds of its own, so each is
    counted as the planted kind when there is one (the kindest reading)."""
    from proselint.checks import __register__  # type: ignore[import-not-found]
    from proselint.registry import CheckRegistry  # type: ignore[import-not-found]
    from proselint.tools import LintFile  # type: ignore[import-not-found]

    CheckRegistry().register_many(__register__)

    def lint(text: str) -> list[Finding]:
        return [Finding("any", str(r.check_result.message)) for r in LintFile("d", text).lint()]

    return lint


def with_wordfreq_for_capitals(checker: DraftChecker) -> DraftChecker:
    """The checker with wordfreq's counts deciding what a common word in capitals is."""
    import wordfreq  # type: ignore[import-not-found]

    speller = checker._speller
    speller.count = lambda word: int(10 ** wordfreq.zipf_frequency(word, "en") * 100)  # type: ignore[method-assign]
    return checker


def with_lemminflect_for_grammar(checker: DraftChecker) -> DraftChecker:
    """The grammar layer with verb forms from lemminflect's lexicon instead of stems."""
    import lemminflect  # type: ignore[import-not-found]

    grammar = checker._grammar

    def form(tag: str) -> Callable[[str], bool]:
        def has(word: str) -> bool:
            w = word.lower()
            return any(
                w in lemminflect.getInflection(lemma, tag=tag)
                for lemma in lemminflect.getAllLemmas(w).get("VERB", ())
            )

        return has

    grammar.third_person = form("VBZ")  # type: ignore[method-assign]
    grammar.gerund = form("VBG")  # type: ignore[method-assign]
    grammar.past = form("VBD")  # type: ignore[method-assign]
    return checker


def without_everyday_words(checker: DraftChecker) -> DraftChecker:
    """The checker without wordfreq's everyday words: pyspellchecker's list alone."""
    checker._speller._everyday = set()
    return checker


#: Phrase prototypes for what the checker would ask the similarity model.
_PROTOTYPES = {
    "interest": (
        "I want this job",
        "very interested in the role",
        "would love to join",
        "excited about the opportunity",
        "keen to join the team",
        "glad to join",
        "enthusiastic about the position",
    ),
    "tone": (
        "you need to decide quickly",
        "I have other offers so hurry",
        "I expect an answer by Friday",
        "send me the scoring sheet",
        "I deserve this job",
        "you made the wrong decision",
        "the courtesy of a reply",
        "I expect to skip the test",
    ),
}


def wordllama_separation(entries: list[dict[str, Any]]) -> dict[str, tuple[float, int, int]]:
    """For interest and tone: (area under the ROC curve, drafts on the wrong side of the best
    threshold, drafts judged) of the highest window similarity to the prototypes."""
    import re

    import wordllama  # type: ignore[import-not-found]
    from wordllama import WordLlama  # type: ignore[import-not-found]

    from bot.domain.draft_check.notes import Note, note_of

    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def windows(text: str) -> list[str]:
        found = []
        for sentence in re.findall(r"[^.!?\n]+", text):
            words = sentence.split()
            found += [" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))]
        return found

    results = {}
    for kind, prototypes in _PROTOTYPES.items():
        targets = model.embed(list(prototypes), norm=True)
        scored: list[tuple[float, bool]] = []
        for entry in entries:
            waiting = note_of(entry["text"]) in {Note.THANK_YOU, Note.FOLLOW_UP}
            if kind == "interest" and not (waiting or entry["expect"] == "interest"):
                continue
            if kind == "tone" and entry["expect"] not in ("clean", "tone"):
                continue
            best = float((model.embed(windows(entry["text"]), norm=True) @ targets.T).max())
            has = entry["expect"] != "interest" if kind == "interest" else entry["expect"] == kind
            scored.append((best, has))
        yes = [v for v, has in scored if has]
        no = [v for v, has in scored if not has]
        auc = sum((y > n) + 0.5 * (y == n) for y in yes for n in no) / (len(yes) * len(no))
        wrong = min(sum(v < cut for v in yes) + sum(v >= cut for v in no) for cut, _ in scored)
        results[kind] = (auc, wrong, len(scored))
    return results


def main() -> int:
    entries = tune_corpus()
    words = load_drafts(RULES).known_words
    text = three_hundred_words()
    print(f"tuned-on corpus: {len(entries)} drafts")
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, score: Score | None, cost: dict[str, float] | None, p99: float) -> None:
        quality = "n/a" if score is None else f"P {score.precision:.2f} R {score.recall:.2f}"
        load = "not installed" if cost is None else f"{cost['seconds']:.2f} s, +{cost['mb']:.0f} MB"
        if cost is None and score is not None:
            load = "as the checker's"
        rows.append((name, quality, load, "n/a" if p99 < 0 else f"{p99:.1f} ms"))

    def checker_row(name: str, checker: DraftChecker, cost: dict[str, float] | None) -> None:
        context = context_of(entries[0])
        times = _timed(lambda: checker.review(text, context), SAMPLES)
        row(
            name,
            scored(lambda e: checker.review(e["text"], context_of(e)), entries),
            cost,
            percentile(times, 99),
        )

    checker_row("hand-written layer (chosen)", DraftChecker(words), loaded("checker"))
    if (cost := loaded("proselint")) is not None:
        lint = proselint_alone()
        times = _timed(lambda: lint(text), SAMPLES)
        alone = scored(lambda e: _as_planted(e, lint(e["text"])), entries)
        row("proselint alone", alone, cost, percentile(times, 99))
        both = DraftChecker(words)
        row(
            "checker + proselint findings",
            scored(
                lambda e: _with(both.review(e["text"], context_of(e)), lint(e["text"]), e), entries
            ),
            cost,
            -1,
        )
    else:
        row("proselint", None, None, -1)
    for name, label, variant in (
        (
            "wordfreq",
            "checker with wordfreq (large list) deciding capitals",
            with_wordfreq_for_capitals,
        ),
        (
            "lemminflect",
            "checker with lemminflect's lexicon for verbs",
            with_lemminflect_for_grammar,
        ),
    ):
        cost = loaded(name)
        if cost is None:
            row(name, None, None, -1)
            continue
        checker_row(label, variant(DraftChecker(words)), cost)
    checker_row(
        "checker without wordfreq's everyday words",
        without_everyday_words(DraftChecker(words)),
        None,
    )
    row("spaCy, blank English (no model on PyPI)", None, loaded("spacy"), -1)
    cost = loaded("wordllama")
    if cost is None:
        row("wordllama", None, None, -1)
    else:
        import wordllama  # type: ignore[import-not-found]
        from wordllama import WordLlama  # type: ignore[import-not-found]

        model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        words_of = text.split()
        chunks = [" ".join(words_of[i : i + 4]) for i in range(len(words_of) - 3)]
        times = _timed(lambda: model.embed(chunks, norm=True), SAMPLES)
        row("wordllama 256-d, 4-word windows of a draft", None, cost, percentile(times, 99))
        for kind, (auc, wrong, judged) in wordllama_separation(entries).items():
            print(
                f"wordllama similarity for {kind}: AUC {auc:.2f}; at its best threshold "
                f"{wrong} of {judged} drafts on the wrong side"
            )
    width = max(len(r[0]) for r in rows)
    for name, quality, load, p99 in rows:
        print(f"{name:<{width}}  {quality:<14}  load {load:<22}  p99 {p99}")
    return 0


def _as_planted(entry: dict[str, Any], found: list[Finding]) -> Review:
    kind = entry["expect"] if entry["expect"] != "clean" else "any"
    return Review([Finding(kind, f.message) for f in found])


def _with(review: Review, found: list[Finding], entry: dict[str, Any]) -> Review:
    return Review(review.findings + _as_planted(entry, found).findings, review.words)


if __name__ == "__main__":
    sys.exit(main())
