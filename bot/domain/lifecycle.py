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
from bot.domain.text import escape, match_key, plural
from bot.domain.timing import (
    Day,
    add_working_days,
    at_time,
    format_local,
    on_working_day,
    place,
    working_days_between,
    zone,
)

FOLLOW_UP = "follow-up"
KEEP_HUNTING = "keep-hunting"
#: The one message when a process goes quiet.
LET_GO = "let-go"
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
    name = match_key(wanted)
    if not name:
        return []
    exact = [p for p in processes if match_key(p.company) == name]
    if exact:
        return exact
    return [p for p in processes if name in match_key(p.company)]


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
    cadence: FollowUpCadence,
    process: Process,
    last_round: Interview,
    country: str | None = None,
) -> datetime | None:
    """The moment the cadence asks for the next follow-up, or None once it should not ask.

    None when the process is closed or its suggestions since the latest news reached the
    cap. Otherwise working days from the latest news or suggestion (or from the date they
    said they would decide), and never sooner than `min_gap` after a follow-up made.
    `country` names whose public holidays are not working days.
    """
    since = news_since(process, last_round)
    used = unanswered(process, since)
    if process.closed or len(used) >= cadence.max:
        return None
    tz = zone(last_round.tz)
    local = _next_gap(cadence, process, used, since, last_round.tz, country)
    if (
        process.outcome != Outcome.IN_PROCESS
        and process.expected_on is not None
        and (not used or used[-1].astimezone(tz).date() <= process.expected_on)
    ):
        decided = datetime.combine(process.expected_on, cadence.at, tzinfo=tz)
        local = add_working_days(decided, cadence.after_expected, country)
    local = on_working_day(at_time(local, cadence.at), country)
    if process.followed_up:
        local = max(local, fine_to_follow_up_from(cadence, process, last_round.tz, country))
    return local


def _next_gap(
    cadence: FollowUpCadence,
    process: Process,
    used: list[datetime],
    since: datetime,
    tz: str,
    country: str | None,
) -> datetime:
    """The latest news or suggestion, plus the cadence's next gap in working days."""
    anchor = (used[-1] if used else since).astimezone(zone(tz))
    gaps = cadence.in_process if process.outcome == Outcome.IN_PROCESS else cadence.waiting
    return add_working_days(anchor, gaps[min(len(used), len(gaps) - 1)], country)


def fine_to_follow_up_from(
    cadence: FollowUpCadence, process: Process, tz: str, country: str | None = None
) -> datetime:
    """The first moment another follow-up would not be too soon after the last one made."""
    last = process.followed_up[-1].astimezone(zone(tz))
    return add_working_days(last, cadence.min_gap, country)


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
    day = day or playbook.day
    moment = next_follow_up_at(cadence, process, last_round, day.country)
    if moment is None:
        return None
    wording = follow_up_wording(cadence, process, last_round)
    nudge = _worded(wording, last_round, FOLLOW_UP, follow_up_key(process))
    due = place(moment, day, now=now, tz=last_round.tz, paused_until=paused_until)
    return replace(nudge, due_at=due, planned_for=moment, contacts_employer=True)


def plan_let_go(
    playbook: Playbook,
    process: Process,
    last_round: Interview,
    *,
    now: datetime,
    day: Day | None = None,
    paused_until: datetime | None = None,
) -> Nudge:
    """The one message for a process that has gone quiet: let it go and keep the energy for
    the others. It comes when another follow-up would have."""
    cadence = playbook.follow_ups
    day = day or playbook.day
    since = news_since(process, last_round)
    used = unanswered(process, since)
    moment = on_working_day(
        at_time(_next_gap(cadence, process, used, since, last_round.tz, day.country), cadence.at),
        day.country,
    )
    key = f"{LET_GO}/{process.id}/{len(process.followed_up) + len(process.skipped)}"
    nudge = _worded(cadence.cold_text, last_round, LET_GO, key)
    due = place(moment, day, now=now, tz=last_round.tz, paused_until=paused_until)
    return replace(nudge, due_at=due, planned_for=moment)


def _worded(wording: Wording, last_round: Interview, rule: str, key: str) -> Nudge:
    values = placeholders(last_round, None)
    return Nudge(
        number=0,
        interview_id=last_round.id,
        rule=rule,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=wording.tip.format_map(values),
        due_at=last_round.ends_at,
        key=key,
    )


def follow_up_wording(cadence: FollowUpCadence, process: Process, last_round: Interview) -> Wording:
    """The words for the next suggestion: a check-in while in process, else by its place in
    the sequence (the last one says it is the last)."""
    if process.outcome == Outcome.IN_PROCESS:
        return cadence.in_process_text
    used = unanswered(process, news_since(process, last_round))
    return cadence.texts[min(len(used), len(cadence.texts) - 1)]


def follow_up_refusal(
    cadence: FollowUpCadence,
    process: Process,
    last_round: Interview,
    now: datetime,
    tz: str,
    country: str | None = None,
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
            f"You have already followed up {plural(len(used), 'time')} with {company} without "
            "news. More messages would not help now; let them come back to you, and put the "
            "energy into other applications."
        )
    if process.followed_up:
        fine_from = fine_to_follow_up_from(cadence, process, tz, country)
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
    to suggest, it goes quiet, and one message suggests letting it go.
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
        if process.cold:
            continue
        planned = next((n for n in mine if n.rule == FOLLOW_UP), None)
        follow_up = planned or plan_follow_up(
            playbook, process, last, now=now, day=day, paused_until=paused_until
        )
        if follow_up is not None:
            if paused_until is None or paused_until <= now:
                changed.extend(_giving_way(playbook, mine, follow_up, now=now, tz=last.tz, day=day))
            if planned is None:
                new.append(follow_up)
            continue
        updated.append(replace(process, cold_at=now))
        let_go = plan_let_go(playbook, process, last, now=now, day=day, paused_until=paused_until)
        if not any(n.key == let_go.key for n in mine):
            new.append(let_go)
    return Settled(new, changed, updated)


def _giving_way(
    playbook: Playbook,
    mine: list[Nudge],
    follow_up: Nudge,
    *,
    now: datetime,
    tz: str,
    day: Day | None,
) -> list[Nudge]:
    """Untouched items that must keep clear of the next follow-up and do not: cancelled.

    Not during a pause: everything held waits for its end, and the resume places each item
    again, apart."""
    return [
        cancel(n, now)
        for n in mine
        if n.state == NudgeState.SCHEDULED
        and overtaken(playbook, n, n.due_at, follow_up, tz=tz, day=day)
    ]


def overtaken(
    playbook: Playbook,
    nudge: Nudge,
    moment: datetime,
    follow_up: Nudge,
    *,
    tz: str,
    day: Day | None,
) -> bool:
    """Would this untouched item, arriving at `moment`, come with or just before the
    follow-up ("no need to chase yet" the working day before "chase now")?"""
    rule = playbook.rule(nudge.rule)
    clear = rule.clear_of_follow_up if rule else None
    if clear is None or nudge.touched or follow_up.rule != FOLLOW_UP:
        return False
    return working_days_between(moment, follow_up.due_at, tz, day) < clear


def _outlives(playbook: Playbook, nudge: Nudge) -> bool:
    """Kept when the process closes: closing items, and what is worth doing regardless."""
    rule = playbook.rule(nudge.rule)
    return nudge.closing or (rule is not None and rule.outlives_process)


def _until_next_round(playbook: Playbook, nudge: Nudge) -> bool:
    rule = playbook.rule(nudge.rule)
    return nudge.rule in (FOLLOW_UP, LET_GO) or (rule is not None and rule.until_next_round)


def keep_hunting_occasion(
    playbook: Playbook,
    processes: list[Process],
    interviews: list[Interview],
    *,
    now: datetime,
    used: Collection[str] = (),
    ahead: bool = True,
) -> tuple[datetime, str] | None:
    """Whether something changed that calls for keep-applying advice: (when, which occasion).

    A rejection came in; the search shrank to one or two employers when a process ended or
    went quiet; or two weeks passed without an interview. The most recent wins. With none of
    those, the next two quiet weeks to come are the occasion, planned ahead: a person who
    hears nothing and does nothing still gets the advice on time, with that day's message
    (unless `ahead` is False). `used` names the occasions already taken.
    """
    config = playbook.keep_hunting
    recent = timedelta(days=1)
    found: list[tuple[datetime, str]] = []
    for process in processes:
        if (
            process.outcome in (Outcome.REJECTED, Outcome.DECLINED)
            and process.outcome_at
            and (now - process.outcome_at < recent)
        ):
            # A rejection, or an offer turned down: the search goes on from here.
            moment = process.outcome_at + config.after_rejection
            stamp = int(process.outcome_at.timestamp())
            found.append((moment, f"{process.outcome.value}/{process.id}@{stamp}"))
    active = {match_key(p.company) for p in processes if not p.closed and not p.cold}
    ended = [
        (p, when) for p in processes if (when := _ended_at(p)) is not None and now - when < recent
    ]
    ended_employers = {match_key(p.company) for p, _ in ended} - active
    if ended and len(active) <= config.waiting_on_at_most < len(active) + len(ended_employers):
        process, moment = max(ended, key=lambda pair: pair[1])
        found.append((moment, f"shrank/{process.id}@{int(moment.timestamp())}"))
    upcoming = None
    if interviews:
        last = max(interviews, key=lambda i: i.ends_at)
        periods = max(0, int((now - last.ends_at) / config.quiet_after))
        if periods >= 1:
            moment = last.ends_at + periods * config.quiet_after
            found.append((moment, f"quiet/{last.id}/{periods}"))
        then = periods + 1
        upcoming = (last.ends_at + then * config.quiet_after, f"quiet/{last.id}/{then}")
    fresh = [occasion for occasion in found if occasion[1] not in used]
    if fresh:
        return max(fresh)
    if not ahead or upcoming is None or upcoming[1] in used:
        return None
    return upcoming


def _ended_at(process: Process) -> datetime | None:
    """When a process stopped counting: it closed, or went quiet."""
    if process.closed:
        return process.outcome_at
    return process.cold_at


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
    searching: bool = True,
) -> Nudge | None:
    """A keep-applying nudge when something changed, at most one a week, never the same
    words twice in a row, and none for someone done searching or away on a pause.

    `earlier` holds every keep-applying nudge so far; an occasion is never used twice.
    """
    if not searching or (paused_until is not None and paused_until > now):
        return None
    if any(p.offer_open for p in processes):
        # An offer is on the table: the offer plan speaks, not "apply elsewhere".
        return None
    live = [n for n in earlier if n.state != NudgeState.CANCELLED]
    used = {n.key.removeprefix(f"{KEEP_HUNTING}/") for n in live}
    # While one is still open (sent, or snoozed by the person), the next is not planned ahead.
    ahead = not any(n.is_open for n in live)
    occasion = keep_hunting_occasion(
        playbook, processes, interviews, now=now, used=used, ahead=ahead
    )
    if occasion is None:
        return None
    moment, name = occasion
    config = playbook.keep_hunting
    key = f"{KEEP_HUNTING}/{name}"
    if live:
        moment = max(moment, max(n.due_at for n in live) + config.min_gap)
    active = [p for p in processes if not p.closed and not p.cold]
    choices = config.wordings if active else config.idle_wordings
    wording = choices[len(live) % len(choices)]
    values = {"waiting_on": ", ".join(escape(p.company) for p in active)}
    return Nudge(
        number=0,
        interview_id=0,
        rule=KEEP_HUNTING,
        title=wording.title.format_map(values),
        text=wording.text.format_map(values),
        tip=wording.tip.format_map(values),
        due_at=place(moment, day or playbook.day, now=now, tz=tz, paused_until=paused_until),
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
    searching: bool = True,
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
        searching=searching,
    )
    keep = [n for n in pending if wanted is not None and n.key == wanted.key][:1]
    changed = [cancel(n, now) for n in pending if n not in keep]
    if wanted is not None and keep and keep[0].due_at != wanted.due_at:
        # The same occasion at a new moment (the interview it counts from moved).
        changed.append(replace(keep[0], due_at=wanted.due_at, planned_for=wanted.planned_for))
    new = [wanted] if wanted is not None and not keep else []
    return Settled(new, changed, [])
