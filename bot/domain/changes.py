"""What a change to a person's plans did, as the coach reports it and Slack shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.interview import Interview, Process
from bot.domain.nudge import Nudge


@dataclass(frozen=True)
class Plan:
    """A stored interview, the nudges planned for it, and earlier ones it replaced."""

    interview: Interview
    nudges: list[Nudge]
    superseded: list[Nudge]
    #: How the person's words were read, when they should know (a time moved by summer time).
    remark: str = ""
    #: Items an edit added (a newly named interviewer's thank-you), shown as new.
    added: list[Nudge] = field(default_factory=list)


@dataclass(frozen=True)
class NudgeChange:
    """A nudge after a person acted on it, and what the change planned next."""

    nudge: Nudge
    planned: list[Nudge]


@dataclass(frozen=True)
class OutcomeChange:
    """A process after a change, what the change withdrew, and what it planned."""

    process: Process
    withdrawn: list[Nudge]
    planned: list[Nudge]
