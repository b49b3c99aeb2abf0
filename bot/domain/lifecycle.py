"""After the interview: outcomes, the follow-up cadence, and keeping the search going.

Most of the advice is about when to go on and when to stop, so these plans are derived from
the process's state every time it changes, instead of being fixed when the interview is added.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.domain.interview import Interview, Outcome, Process
from bot.domain.nudge import Nudge, NudgeState, cancel
from bot.domain.playbook import FollowUpCadence, Playbook, Wording, placeholders
from bot.domain.text import escape
from bot.domain.timing import (
    Day,
    add_working_days,
    at_time,
    format_local,
    on_working_day,
    settle_in_day,
    zone,
)

FOLLOW_UP = "follow-up"
KEEP_HUNTING = "keep-hunting"
#: Rules of earlier rounds that a new round makes stale.
SUPERSEDED_BY_NEW_ROUND = frozenset({FOLLOW_UP, "be-patient"})


def matching_processes(processes: list[Process], target: str) -> list[Process]:
    """Processes a person may mean by `target`: "#3", "3", or (part of) a company name."""
    wanted = target.strip().lstrip("#").strip()
    if wanted.isdigit():
        return [p for p in processes if p.id == int(wanted)]
    name = wanted.casefold()
    if not name:
        return []
    exact = [p for p in processes if p.company.casefold() == name]
    if exact:
        return exact
    return [p for p in processes if name in p.company.casefold()]


def next_follow_up_at(
    cadence: FollowUpCadence,
    day: Day,
    process: Process,
    last_round: Interview,
    now: datetime,
) -> datetime | None:
    """When the coach next suggests a follow-up, or None once it should not suggest any.

    None when the process is closed or the cap is reached. Otherwise the cadence counts
    working days from the last interview or the last follow-up made, or from the date they
    said they would decide, and never comes sooner than `min_gap` after a follow-up.
    """
    made = len(process.followed_up)
    if process.closed or made >= cadence.max:
        return None
    tz = zone(last_round.tz)
    last_follow_up = process.followed_up[-1] if process.followed_up else None
    if process.outcome == Outcome.IN_PROCESS:
        since = max(m for m in (last_round.ends_at, process.outcome_at, last_follow_up) if m)
        checked_in = sum(1 for m in process.followed_up if m >= (process.outcome_at or since))
        gap = cadence.in_process[min(checked_in, len(cadence.in_process) - 1)]
        local = add_working_days(since.astimezone(tz), gap)
    else:
        anchor = last_follow_up or last_round.ends_at
        gap = cadence.waiting[min(made, len(cadence.waiting) - 1)]
        local = add_working_days(anchor.astimezone(tz), gap)
        if process.expected_on is not None and (
            last_follow_up is None or last_follow_up.astimezone(tz).date() <= process.expected_on
        ):
            decided = datetime.combine(process.expected_on, cadence.at, tzinfo=tz)
            local = add_working_days(decided, cadence.after_expected)
    if last_follow_up is not None:
        local = max(local, add_working_days(last_follow_up.astimezone(tz), cadence.min_gap))
    local = on_working_day(at_time(local, cadence.at))
    due = settle_in_day(local, day)
    if due < now:
        due = on_working_day(settle_in_day(now.astimezone(tz), day))
    return due


def plan_follow_up(
    playbook: Playbook,
    process: Process,
    last_round: Interview,
    *,
    now: datetime,
    number: int,
    day: Day | None = None,
) -> Nudge | None:
    """The next follow-up nudge for a process, worded for where the process stands."""
    cadence = playbook.follow_ups
    due = next_follow_up_at(cadence, day or playbook.day, process, last_round, now)
    if due is None:
        return None
    if process.outcome == Outcome.IN_PROCESS:
        wording = cadence.in_process_text
    else:
        wording = cadence.texts[min(len(process.followed_up), len(cadence.texts) - 1)]
    values = placeholders(last_round, None)
    return Nudge(
        number=number,
        interview_id=last_round.id,
        rule=FOLLOW_UP,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=f"{wording.tip.format_map(values)} {playbook.proofread}",
        due_at=due,
        contacts_employer=True,
    )


def follow_up_refusal(
    cadence: FollowUpCadence, process: Process, now: datetime, tz: str
) -> str | None:
    """Why logging another follow-up now would be overdoing it, or None when it is fine."""
    if process.closed:
        return (
            f"{escape(process.company)} is marked {process.outcome.value}, so there is no "
            "need to follow up with them."
        )
    if len(process.followed_up) >= cadence.max:
        return (
            f"You have already followed up {len(process.followed_up)} times with "
            f"{escape(process.company)}. More messages would not help now; let them come "
            "back to you, and put the energy into other applications."
        )
    if process.followed_up:
        last = process.followed_up[-1].astimezone(zone(tz))
        fine_from = add_working_days(last, cadence.min_gap)
        if now < fine_from:
            return (
                f"Your last follow-up with {escape(process.company)} was on "
                f"{format_local(last, tz)}. Give them {cadence.min_gap} working days before "
                f"the next one: it would be fine from {format_local(fine_from, tz)}."
            )
    return None


def plan_keep_hunting(
    playbook: Playbook,
    processes: list[Process],
    interviews: list[Interview],
    nudges: list[Nudge],
    *,
    now: datetime,
    tz: str,
    number: int,
    day: Day | None = None,
) -> Nudge | None:
    """A keep-applying nudge, when the person's search hangs on too few employers.

    Two triggers: every open process is waiting on at most `waiting_on_at_most` employers
    for `after` since the last interview, or a rejection came in (then within a day).
    Never within `min_gap` of the last one sent.
    """
    config = playbook.keep_hunting
    local_zone = zone(tz)
    open_processes = [p for p in processes if not p.closed]
    rejections = [
        p.outcome_at
        for p in processes
        if p.outcome == Outcome.REJECTED and p.outcome_at and now - p.outcome_at < timedelta(1)
    ]
    sent = [n.due_at for n in nudges if n.rule == KEEP_HUNTING and n.state != NudgeState.CANCELLED]
    due: datetime | None = None
    if rejections and not any(moment >= max(rejections) for moment in sent):
        due = max(rejections) + config.after_rejection
    elif open_processes and all(p.outcome == Outcome.WAITING for p in open_processes):
        employers = {p.company.casefold() for p in open_processes}
        if len(employers) <= config.waiting_on_at_most:
            ids = {p.id for p in open_processes}
            latest = max(i.ends_at for i in interviews if i.process_id in ids)
            due = latest + config.after
    if due is None:
        return None
    if sent:
        due = max(due, max(sent) + config.min_gap)
    due = max(settle_in_day(due.astimezone(local_zone), day or playbook.day), now)
    waiting_on = ", ".join(escape(p.company) for p in open_processes) or "no open application"
    return _nudge(config.wording, {"waiting_on": waiting_on}, KEEP_HUNTING, due, number)


def _nudge(
    wording: Wording, values: dict[str, str], rule: str, due: datetime, number: int
) -> Nudge:
    return Nudge(
        number=number,
        interview_id=0,
        rule=rule,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=wording.tip.format_map(values),
        due_at=due,
    )


def settle_processes(
    playbook: Playbook,
    processes: list[Process],
    rounds: Mapping[int, list[Interview]],
    open_nudges: Mapping[int, list[Nudge]],
    *,
    now: datetime,
    next_number: int,
    day: Day | None = None,
) -> tuple[list[Nudge], list[Nudge]]:
    """Bring these processes' plans in line with where they stand: (new nudges, changed ones).

    `rounds` and `open_nudges` are by process id. A closed process loses every open nudge
    that would contact the employer (closing items excepted); an open one without an open
    follow-up gets its next one, if the cadence allows.
    """
    new: list[Nudge] = []
    changed: list[Nudge] = []
    for process in processes:
        mine = open_nudges.get(process.id, [])
        if not rounds.get(process.id):
            continue
        if process.closed:
            changed.extend(
                cancel(n, now)
                for n in mine
                if (n.contacts_employer or n.rule in SUPERSEDED_BY_NEW_ROUND) and not n.closing
            )
            continue
        if any(n.rule == FOLLOW_UP for n in mine):
            continue
        last_round = max(rounds[process.id], key=lambda i: (i.round, i.starts_at))
        follow_up = plan_follow_up(
            playbook, process, last_round, now=now, number=next_number + len(new), day=day
        )
        if follow_up is not None:
            new.append(follow_up)
    return new, changed


def settle_keep_hunting(
    playbook: Playbook,
    processes: list[Process],
    interviews: list[Interview],
    keep_hunting: list[Nudge],
    *,
    now: datetime,
    tz: str,
    next_number: int,
    day: Day | None = None,
) -> tuple[list[Nudge], list[Nudge]]:
    """The keep-applying nudge for the person's whole search: (new nudges, changed ones).

    `keep_hunting` holds every keep-applying nudge so far. One not yet sent is replaced when
    the situation changed.
    """
    pending = [n for n in keep_hunting if n.state == NudgeState.SCHEDULED]
    pending_numbers = {n.number for n in pending}
    wanted = plan_keep_hunting(
        playbook,
        processes,
        interviews,
        [n for n in keep_hunting if n.number not in pending_numbers],
        now=now,
        tz=tz,
        number=next_number,
        day=day,
    )
    still_right = [
        n
        for n in pending
        if wanted is not None and (n.due_at, n.text) == (wanted.due_at, wanted.text)
    ]
    changed = [cancel(n, now) for n in pending if n not in still_right]
    new = [wanted] if wanted is not None and not still_right else []
    return new, changed
