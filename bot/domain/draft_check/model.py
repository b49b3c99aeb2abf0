"""What a review is made of: the note's context, findings, suggestions and the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DraftContext:
    """What the note is about: names the checker expects, must not flag, or must catch."""

    company: str = ""
    role: str = ""
    interviewers: tuple[str, ...] = ()
    sender: str = ""
    #: Names from the person's other interviews: never flagged as misspelt.
    others: tuple[str, ...] = ()
    #: The person's other employers: naming one in this note is likely a copy-paste slip.
    other_companies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str


@dataclass(frozen=True)
class Review:
    """`findings` are what the checker is sure of: they make the verdict. `suggestions` are
    what it is unsure of: shown as "Consider", they never hold a note back."""

    findings: list[Finding] = field(default_factory=list)
    words: int = 0
    suggestions: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.findings


def verdict(review: Review) -> str:
    if review.ready:
        return "Ready to send."
    count = len(review.findings)
    return f"Fix {count} thing{'' if count == 1 else 's'} before sending."


def unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
