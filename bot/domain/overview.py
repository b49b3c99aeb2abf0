"""What `/interview list` and the Home tab show of a person's search, built from their data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.interview import Interview, Process
from bot.domain.nudge import Nudge, NudgeState


@dataclass(frozen=True)
class Standing:
    """One process as `/interview list` shows it."""

    process: Process
    last_round: Interview
    next_nudge: Nudge | None
    open_items: list[Nudge]


@dataclass(frozen=True)
class Overview:
    """What `/interview list` and the `list` reply show."""

    upcoming: list[Interview]
    open_nudges: list[Nudge]
    tz: str
    standings: list[Standing]


def build_overview(
    interviews: list[Interview],
    processes: list[Process],
    open_nudges: list[Nudge],
    *,
    tz: str,
    now: datetime,
) -> Overview:
    """Upcoming interviews, open items, and each process with its state and next nudge."""
    upcoming = sorted((i for i in interviews if i.ends_at >= now), key=lambda i: i.starts_at)
    open_nudges = sorted(open_nudges, key=lambda n: (n.due_at, n.number))
    standings = []
    for process in sorted(processes, key=lambda p: (p.closed, -p.id)):
        rounds = [i for i in interviews if i.process_id == process.id]
        if not rounds:
            continue
        ids = {i.id for i in rounds}
        waiting = [n for n in open_nudges if n.interview_id in ids]
        standings.append(
            Standing(
                process=process,
                last_round=max(rounds, key=lambda i: i.round),
                next_nudge=next((n for n in waiting if n.state == NudgeState.SCHEDULED), None),
                open_items=[n for n in waiting if n.state != NudgeState.SCHEDULED],
            )
        )
    return Overview(upcoming, open_nudges, tz, standings)
