"""The offer plan: what follows an offer, in place of follow-ups and keep-applying advice.

An offer is a decision to make, not a process to chase: the coach suggests getting it in
writing and asking for time (playbook rules after the `offer` outcome), tells the person to
let their other employers know, reminds them before the answer is due, and waits for
"Accepted" or "Declined". Accepting ends the search and suggests withdrawing from the rest;
declining goes back to it. This module plans the items that depend on the person's other
processes and on the date the answer is due; the texts are the playbook's (`offers.yml`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.interview import Interview, Process
from bot.domain.nudge import Nudge
from bot.domain.playbook import OfferPlan, Wording, placeholders
from bot.domain.timing import (
    Day,
    add_working_days,
    at_time,
    on_working_day,
    place,
    working_day,
    zone,
)

#: Tell another employer still in process that an offer came.
TELL_OTHERS = "offer-tell"
#: The reminder before the answer is due, with the Accepted and Declined buttons.
REMINDER = "offer-decide"
#: After accepting: withdraw from another employer still in process.
WITHDRAW_OTHERS = "offer-withdraw"
#: The offer plan's first item, which carries the decision buttons as well.
CONGRATULATIONS = "offer-in-writing"
#: Items that carry the Accepted and Declined buttons.
DECISION_RULES = frozenset({CONGRATULATIONS, REMINDER})


def reminder_at(plan: OfferPlan, process: Process, tz: str, country: str | None) -> datetime:
    """When to remind the person of their answer: `remind_before` working days before the
    date they need it by, or `remind_after` working days after the offer without one."""
    local = zone(tz)
    if process.expected_on is not None:
        moment = datetime.combine(process.expected_on, plan.at, tzinfo=local)
        for _ in range(plan.remind_before):
            moment -= timedelta(days=1)
            while not working_day(moment.date(), country):
                moment -= timedelta(days=1)
        return moment
    offered = (process.outcome_at or datetime.now(local)).astimezone(local)
    return on_working_day(at_time(add_working_days(offered, plan.remind_after, country), plan.at))


def plan_reminder(
    plan: OfferPlan,
    process: Process,
    last_round: Interview,
    *,
    now: datetime,
    day: Day,
    paused_until: datetime | None = None,
) -> Nudge:
    """The one reminder before the answer is due; a closing item of the offer's process."""
    moment = reminder_at(plan, process, last_round.tz, day.country)
    stamp = int((process.outcome_at or now).timestamp())
    due_by = process.expected_on.isoformat() if process.expected_on else "-"
    key = f"{REMINDER}/p{process.id}/{due_by}@{stamp}"
    nudge = _worded(plan.reminder, last_round, REMINDER, key)
    due = place(moment, day, now=now, tz=last_round.tz, paused_until=paused_until)
    return replace(nudge, due_at=due, planned_for=moment, closing=True)


def plan_for_others(
    wording: Wording,
    rule: str,
    offer: Process,
    others: Sequence[tuple[Process, Interview]],
    *,
    now: datetime,
    day: Day,
    paused_until: datetime | None = None,
) -> list[Nudge]:
    """One item per other open process (tell them of the offer, or withdraw), each about
    that process's latest round, so it goes when that process closes."""
    stamp = int((offer.outcome_at or now).timestamp())
    nudges = []
    for other, last_round in others:
        if other.closed or other.id == offer.id:
            continue
        key = f"{rule}/p{other.id}/o{offer.id}@{stamp}"
        nudge = _worded(wording, last_round, rule, key)
        moment = now.astimezone(zone(last_round.tz))
        due = place(moment, day, now=now, tz=last_round.tz, paused_until=paused_until)
        nudges.append(replace(nudge, due_at=due, planned_for=moment, contacts_employer=True))
    return nudges


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


def offer_of(key: str) -> int | None:
    """The offer's process an item about another process was planned for ("o12")."""
    for part in key.partition("@")[0].split("/"):
        if part.startswith("o") and part[1:].isdigit():
            return int(part[1:])
    return None
