"""After the interview: outcomes, the follow-up cadence, going quiet, keeping the search going.

Most of the advice is about when to go on and when to stop, so these plans are derived from
each process's state whenever it changes, instead of being fixed when the interview is added.

The engine's invariants. tests/test_lifecycle_invariants.py drives random sequences of every
operation through the coach and checks them after each step:

1. Nothing that contacts an employer is pending, or sent, after that process closed, unless it
   is a closing item. Closing cancels every open item of the process except closing items and
   those that outlive it (a LinkedIn connection). Undo of the closing outcome restores exactly
   the earlier plan, and what the person sees.
2. Every open process has a next step (a follow-up or check-in planned since its latest news)
   or is explicitly cold; `list` and Home show which.
3. An edit changes only what it names: each item pending before is pending after, under its
   number, moved only if its timing depends on the edited field.
4. An item the person marked done, skipped or snoozed is final: the engine never cancels or
   replaces it (a closed process excepted), and never plans another with the same key.
5. Item and interview numbers are unique per person and never reused.
6. Follow-ups respect the cap (suggestions since the latest news) and the minimum gap after
   the last one made, under any order of operations.
7. Nothing is planned outside the person's window or during a pause; a change of window or
   pause places what is pending again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
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
    place,
    zone,
)

FOLLOW_UP = "follow-up"
KEEP_HUNTING = "keep-hunting"
#: Outcomes that leave a process open; news of them restarts the follow-up count.
OPEN_OUTCOMES = frozenset({Outcome.WAITING, Outcome.IN_PROCESS})


@dataclass(frozen=True)
class Settled:
    """What settling changed: nudges to add, nudges changed, processes changed."""

    new: list[Nudge]
    changed: list[Nudge]
    processes: list[Process]


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


def latest_round(rounds: Collection[Interview]) -> Interview:
    """The round that counts now: the latest by date, not by typing order."""
    return max(rounds, key=lambda i: (i.starts_at, i.id))


def news_since(process: Process, last_round: Interview) -> datetime:
    """When the process last had news: its latest round ended, or an outcome was recorded."""
    moments = [last_round.ends_at]
    if process.outcome_at is not None and process.outcome in OPEN_OUTCOMES:
        moments.append(process.outcome_at)
    return max(moments)


def unanswered(process: Process, since: datetime) -> list[datetime]:
    """Follow-up suggestions used (made or skipped) since the latest news, oldest first."""
    return sorted(m for m in (*process.followed_up, *process.skipped) if m >= since)


def follow_up_key(process: Process) -> str:
    """Each follow-up suggestion is its own item: the n-th the process has had."""
    return f"{FOLLOW_UP}/{process.id}/{len(process.followed_up) + len(process.skipped)}"


def next_follow_up_at(
    cadence: FollowUpCadence, process: Process, last_round: Interview
) -> datetime | None:
    """The moment the cadence asks for the next follow-up, or None once it should not ask.

    None when the process is closed or its suggestions since the latest news reached the
    cap. Otherwise working days from the latest news or suggestion (or from the date they
    said they would decide), and never sooner than `min_gap` after a follow-up made.
    """
    since = news_since(process, last_round)
    used = unanswered(process, since)
    if process.closed or len(used) >= cadence.max:
        return None
    tz = zone(last_round.tz)
    anchor = (used[-1] if used else since).astimezone(tz)
    if process.outcome == Outcome.IN_PROCESS:
        local = add_working_days(
            anchor, cadence.in_process[min(len(used), len(cadence.in_process) - 1)]
        )
    else:
        local = add_working_days(anchor, cadence.waiting[min(len(used), len(cadence.waiting) - 1)])
        if process.expected_on is not None and (
            not used or used[-1].astimezone(tz).date() <= process.expected_on
        ):
            decided = datetime.combine(process.expected_on, cadence.at, tzinfo=tz)
            local = add_working_days(decided, cadence.after_expected)
    local = on_working_day(at_time(local, cadence.at))
    if process.followed_up:
        local = max(local, fine_to_follow_up_from(cadence, process, last_round.tz))
    return local


def fine_to_follow_up_from(cadence: FollowUpCadence, process: Process, tz: str) -> datetime:
    """The first moment another follow-up would not be too soon after the last one made."""
    return add_working_days(process.followed_up[-1].astimezone(zone(tz)), cadence.min_gap)


def plan_follow_up(
    playbook: Playbook,
    process: Process,
    last_round: Interview,
    *,
    now: datetime,
    day: Day | None = None,
    paused_until: datetime | None = None,
) -> Nudge | None:
    """The next follow-up nudge for a process, worded for where the process stands."""
    cadence = playbook.follow_ups
    moment = next_follow_up_at(cadence, process, last_round)
    if moment is None:
        return None
    due = place(moment, day or playbook.day, now=now, tz=last_round.tz, paused_until=paused_until)
    wording = follow_up_wording(cadence, process, last_round)
    values = placeholders(last_round, None)
    return Nudge(
        number=0,
        interview_id=last_round.id,
        rule=FOLLOW_UP,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=f"{wording.tip.format_map(values)} {playbook.proofread}",
        due_at=due,
        contacts_employer=True,
        key=follow_up_key(process),
        planned_for=moment,
    )


def follow_up_wording(cadence: FollowUpCadence, process: Process, last_round: Interview) -> Wording:
    """The words for the next suggestion: a check-in while in process, else by its place in
    the sequence (the last one says it is the last)."""
    if process.outcome == Outcome.IN_PROCESS:
        return cadence.in_process_text
    used = unanswered(process, news_since(process, last_round))
    return cadence.texts[min(len(used), len(cadence.texts) - 1)]


def follow_up_refusal(
    cadence: FollowUpCadence, process: Process, last_round: Interview, now: datetime, tz: str
) -> str | None:
    """Why logging a follow-up now would be wrong or overdoing it, or None when it is fine."""
    company = escape(process.company)
    if process.closed:
        return (
            f"{company} is marked {process.outcome.value}, so there is no need to follow up "
            "with them."
        )
    if now < last_round.ends_at:
        return (
            f"Your {company} interview is on {format_local(last_round.starts_at, tz)}: a "
            "follow-up comes after it. Until then, prepare for it."
        )
    used = unanswered(process, news_since(process, last_round))
    if len(used) >= cadence.max:
        return (
            f"You have already followed up {len(used)} times with {company} without news. "
            "More messages would not help now; let them come back to you, and put the energy "
            "into other applications."
        )
    if process.followed_up:
        fine_from = fine_to_follow_up_from(cadence, process, tz)
        if now < fine_from:
            last = process.followed_up[-1]
            return (
                f"Your last follow-up with {company} was on {format_local(last, tz)}. Give them "
                f"{cadence.min_gap} working days before the next one: it would be fine from "
                f"{format_local(fine_from, tz)}."
            )
    return None


def settle_processes(
    playbook: Playbook,
    processes: list[Process],
    rounds: Mapping[int, list[Interview]],
    open_nudges: Mapping[int, list[Nudge]],
    *,
    now: datetime,
    day: Day | None = None,
    paused_until: datetime | None = None,
) -> Settled:
    """Bring these processes' plans in line with where they stand.

    `rounds` and `open_nudges` are by process id. A closed process loses every open item
    except closing items and those that outlive it. An open one drops items a later round
    made moot, and gets its next follow-up when it has none; when the cadence has no more
    to suggest, it turns cold.
    """
    new: list[Nudge] = []
    changed: list[Nudge] = []
    updated: list[Process] = []
    for process in processes:
        mine = open_nudges.get(process.id, [])
        found = rounds.get(process.id) or []
        if not found:
            continue
        if process.closed:
            changed.extend(cancel(n, now) for n in mine if not _outlives(playbook, n))
            continue
        last = latest_round(found)
        changed.extend(
            cancel(n, now)
            for n in mine
            if n.interview_id != last.id
            and not n.touched
            and n.state == NudgeState.SCHEDULED
            and _until_next_round(playbook, n)
        )
        if any(n.rule == FOLLOW_UP for n in mine):
            continue
        follow_up = plan_follow_up(
            playbook, process, last, now=now, day=day, paused_until=paused_until
        )
        if follow_up is not None:
            new.append(follow_up)
        elif not process.cold:
            updated.append(replace(process, cold_at=now))
    return Settled(new, changed, updated)


def _outlives(playbook: Playbook, nudge: Nudge) -> bool:
    """Kept when the process closes: closing items, and what is worth doing regardless."""
    rule = playbook.rule(nudge.rule)
    return nudge.closing or (rule is not None and rule.outlives_process)


def _until_next_round(playbook: Playbook, nudge: Nudge) -> bool:
    rule = playbook.rule(nudge.rule)
    return nudge.rule == FOLLOW_UP or (rule is not None and rule.until_next_round)


def plan_keep_hunting(
    playbook: Playbook,
    processes: list[Process],
    interviews: list[Interview],
    earlier: list[Nudge],
    *,
    now: datetime,
    tz: str,
    day: Day | None = None,
    paused_until: datetime | None = None,
) -> Nudge | None:
    """A keep-applying nudge, when the person's search hangs on too few employers.

    Two occasions: every open process is waiting on at most `waiting_on_at_most` employers
    for `after` since the last interview, or a rejection came in (then within a day). Never
    within `min_gap` of the last one, and never twice for one occasion (`earlier` holds every
    keep-applying nudge so far).
    """
    config = playbook.keep_hunting
    open_processes = [p for p in processes if not p.closed and not p.cold]
    rejected = [
        p
        for p in processes
        if p.outcome == Outcome.REJECTED and p.outcome_at and now - p.outcome_at < timedelta(1)
    ]
    moment: datetime | None = None
    occasion = ""
    if rejected:
        latest = max(rejected, key=lambda p: p.outcome_at)  # type: ignore[arg-type,return-value]
        moment = latest.outcome_at + config.after_rejection  # type: ignore[operator]
        occasion = f"rejected/{latest.id}@{int(latest.outcome_at.timestamp())}"  # type: ignore[union-attr]
    elif open_processes and all(p.outcome == Outcome.WAITING for p in open_processes):
        employers = {p.company.casefold() for p in open_processes}
        if len(employers) <= config.waiting_on_at_most:
            ids = {p.id for p in open_processes}
            last = max((i for i in interviews if i.process_id in ids), key=lambda i: i.ends_at)
            moment = last.ends_at + config.after
            occasion = f"quiet/{last.id}"
    if moment is None:
        return None
    key = f"{KEEP_HUNTING}/{occasion}"
    live = [n for n in earlier if n.state != NudgeState.CANCELLED]
    if any(n.key == key for n in live):
        return None
    if live:
        moment = max(moment, max(n.due_at for n in live) + config.min_gap)
    due = place(moment, day or playbook.day, now=now, tz=tz, paused_until=paused_until)
    wording = config.wording if open_processes else config.idle_wording
    values = {"waiting_on": ", ".join(escape(p.company) for p in open_processes)}
    return Nudge(
        number=0,
        interview_id=0,
        rule=KEEP_HUNTING,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=wording.tip.format_map(values),
        due_at=due,
        key=key,
        planned_for=moment,
    )


def settle_keep_hunting(
    playbook: Playbook,
    processes: list[Process],
    interviews: list[Interview],
    keep_hunting: list[Nudge],
    *,
    now: datetime,
    tz: str,
    day: Day | None = None,
    paused_until: datetime | None = None,
) -> Settled:
    """The keep-applying nudge for the person's whole search.

    `keep_hunting` holds every keep-applying nudge so far. One not yet sent that the person
    has not touched is replaced when the situation changed; one they snoozed stays theirs.
    """
    pending = [n for n in keep_hunting if n.state == NudgeState.SCHEDULED and not n.touched]
    others = [n for n in keep_hunting if n not in pending]
    wanted = plan_keep_hunting(
        playbook,
        processes,
        interviews,
        others,
        now=now,
        tz=tz,
        day=day,
        paused_until=paused_until,
    )
    keep = [n for n in pending if wanted is not None and n.key == wanted.key]
    changed = [cancel(n, now) for n in pending if n not in keep]
    new = [wanted] if wanted is not None and not keep else []
    return Settled(new, changed, [])
