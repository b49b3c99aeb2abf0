"""How well the checker judges a corpus of labelled drafts (tests/drafts_*.yml).

Each draft is `clean` or has one planted problem of a known kind. A planted problem is
caught when the verdict is "Fix" and a sure finding is of the planted kind; a clean draft
told "Fix" is a false alarm. Precision is caught / (caught + false alarms); recall is
caught / planted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.domain.draft_check.checker import DraftChecker
from bot.domain.draft_check.model import DraftContext

KINDS = (
    *("spelling", "grammar", "doubled", "shouting", "greeting", "sign-off", "name"),
    *("company", "role", "interest", "fit", "tone", "filler", "placeholder", "length"),
)
NOTES = (
    *("thank-you", "follow-up", "check-in", "last-follow-up", "rejection-reply"),
    *("offer-reply", "other"),
)
#: The corpus the rules are tuned on; every other drafts_*.yml is held out.
TUNE_PREFIX = "drafts_corpus"


@dataclass
class Score:
    caught: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    clean: int = 0

    @property
    def precision(self) -> float:
        flagged = len(self.caught) + len(self.false_alarms)
        return len(self.caught) / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        planted = len(self.caught) + len(self.missed)
        return len(self.caught) / planted if planted else 1.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.2f}, recall {self.recall:.2f} "
            f"({len(self.caught)} of {len(self.caught) + len(self.missed)} problems caught, "
            f"{len(self.false_alarms)} false alarms on {self.clean} clean drafts)"
        )


def tune_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{TUNE_PREFIX}*.yml"))


def held_out_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("drafts_*.yml") if not p.name.startswith(TUNE_PREFIX))


def load_corpus(path: Path) -> list[dict[str, Any]]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        if entry.get("expect") != "clean" and entry.get("expect") not in KINDS:
            raise ValueError(f"{path.name}: {entry.get('id')}: unknown kind {entry['expect']!r}")
    return list(entries)


def context_of(entry: dict[str, Any]) -> DraftContext:
    given = entry["context"]
    return DraftContext(
        company=given.get("company") or "",
        role=given.get("role") or "",
        interviewers=tuple(given.get("interviewers") or ()),
        sender=given.get("sender") or "",
        other_companies=tuple(given.get("other_companies") or ()),
    )


def score_corpus(checker: DraftChecker, entries: Iterable[dict[str, Any]]) -> Score:
    score = Score()
    for entry in entries:
        review = checker.review(entry["text"], context_of(entry))
        kinds = {finding.kind for finding in review.findings}
        if entry["expect"] == "clean":
            score.clean += 1
            if not review.ready:
                score.false_alarms.append(entry["id"])
        elif entry["expect"] in kinds:
            score.caught.append(entry["id"])
        else:
            score.missed.append(entry["id"])
    return score
