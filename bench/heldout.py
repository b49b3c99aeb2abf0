"""Drafts and replies kept back from every tuning: written by another author at the same time
as the tuned-on dev sets (tests/drafts_corpus_dev.yml, tests/replies_dev.yml), and only ever
measured here, so the figures say how the checker and the reply reading do on text nobody
tuned them on. They live outside tests/ because the tests assert targets on everything they
hold, and these are below the targets.

`python -m bench.heldout` prints, per file, the checker's precision and recall, or the share
of replies whose intent (and everything labelled) is read right, with the misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.domain.draft_check import DraftChecker
from bot.domain.draft_check.scoring import load_corpus, score_corpus
from bot.domain.drafts import load_drafts

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = Path(__file__).resolve().parent / "heldout"


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))  # the reply scoring and its fixed situation
    import test_replies_corpus as replies

    checker = DraftChecker(load_drafts(ROOT / "rules").known_words)
    for path in sorted(HELD_OUT.glob("drafts_*.yml")):
        entries = load_corpus(path)
        score = score_corpus(checker, entries)
        print(f"{path.name}: {len(entries)} drafts, {score}")
        print(f"  missed: {', '.join(score.missed) or 'none'}")
        print(f"  false alarms: {', '.join(score.false_alarms) or 'none'}")
    for path in sorted(HELD_OUT.glob("replies_*.yml")):
        entries = replies.load(path)
        intent, full, wrong = replies.score(entries)
        print(f"{path.name}: {len(entries)} replies, intent right {intent:.1%}, in full {full:.1%}")
        for miss in wrong:
            print(f"  {miss}")


if __name__ == "__main__":
    main()
