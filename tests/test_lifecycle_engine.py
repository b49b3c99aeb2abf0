"""The lifecycle engine on its own: settling processes, the cadence, keeping the search going.

Pure functions over domain objects: no store, no Slack, no clock but the `now` passed in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bot.domain.interview import Interview, Interviewer, Outcome, Process
from bot.domain.lifecycle import (
    FOLLOW_UP,
    KEEP_HUNTING,
    follow_up_key,
    follow_up_refusal,
    latest_round,
    next_follow_up_at,
    plan_keep_hunting,
    settle_keep_hunting,
    settle_processes,
)
from bot.domain.nudge import Nudge, NudgeState, mark_done, snooze
from bot.domain.playbook import load_playbook, plan_nudges
from bot.domain.timing import Day, place, zone

RULES = Path(__file__).resolve().parent.parent / "rules"
LA = "America/Los_Angeles"
#: Thursday 26 Nov 2026, 10:00 in Los Angeles.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook(RULES)


def interview(number: int = 1, *, starts: datetime = NOW, process: int = 1) -> Interview:
    return Interview(
        number,
        "Acme",
        "Engineer",
        starts,
        starts + timedelta(hours=1),
        LA,
        (Interviewer("Jane Doe"),),
        process_id=process,
    )


def local(moment: datetime) -> str:
    return moment.astimezone(zone(LA)).strftime("%a %d %b %H:%M")


# -- the cadence --------------------------------------------------------------------------------


def test_the_first_follow_up_comes_five_working_days_after_the_interview(playbook) -> None:
    moment = next_follow_up_at(playbook.follow_ups, Process(1, "Acme", "Engineer"), interview())
    assert local(moment) == "Thu 03 Dec 10:00"


def test_each_follow_up_made_spaces_the_next_and_the_cap_ends_them(playbook) -> None:
    cadence = playbook.follow_ups
    process = Process(1, "Acme", "Engineer")
    made = []
    for _ in range(cadence.max):
        moment = next_follow_up_at(cadence, process, interview())
        assert moment is not None
        made.append(moment)
        process = replace(process, followed_up=(*process.followed_up, moment))
    assert next_follow_up_at(cadence, process, interview()) is None, "the cap"
    gaps = [(b - a).days for a, b in pairwise(made)]
    assert all(gap >= 7 for gap in gaps), gaps


def test_news_restarts_the_count_and_in_process_asks_for_check_ins(playbook) -> None:
    cadence = playbook.follow_ups
    made = tuple(NOW + timedelta(days=7 * k) for k in range(1, cadence.max + 1))
    quiet = Process(1, "Acme", "Engineer", followed_up=made)
    assert next_follow_up_at(cadence, quiet, interview()) is None
    news = NOW + timedelta(days=30)
    heard = replace(quiet, outcome=Outcome.IN_PROCESS, outcome_at=news)
    moment = next_follow_up_at(cadence, heard, interview())
    assert moment is not None and moment > news


def test_a_follow_up_is_never_suggested_sooner_than_the_gap_after_one_made(playbook) -> None:
    cadence = playbook.follow_ups
    made_at = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # Thu 15:30 in Los Angeles
    named = datetime(2026, 12, 4).date()  # they will decide by Friday: Monday would be next
    process = Process(1, "Acme", "Engineer", followed_up=(made_at,), expected_on=named)
    moment = next_follow_up_at(cadence, process, interview())
    assert local(moment) == "Thu 10 Dec 15:30", "five working days after it, to the minute"


def test_a_date_they_named_moves_the_follow_up_after_it(playbook) -> None:
    named = datetime(2026, 12, 9).date()
    process = Process(1, "Acme", "Engineer", expected_on=named)
    assert local(next_follow_up_at(playbook.follow_ups, process, interview())) == (
        "Thu 10 Dec 10:00"
    )


def test_logging_a_follow_up_is_refused_too_early_too_soon_and_after_a_no(playbook) -> None:
    cadence = playbook.follow_ups
    future = interview(starts=NOW + timedelta(days=2))
    process = Process(1, "Acme", "Engineer")
    assert "comes after it" in follow_up_refusal(cadence, process, future, NOW, LA)
    recent = replace(process, followed_up=(NOW,))
    assert "fine from" in follow_up_refusal(
        cadence, recent, interview(starts=NOW - timedelta(days=3)), NOW + timedelta(hours=1), LA
    )
    closed = replace(process, outcome=Outcome.REJECTED, outcome_at=NOW)
    assert "no need" in follow_up_refusal(cadence, closed, interview(), NOW, LA)
    assert follow_up_refusal(cadence, process, interview(), NOW + timedelta(hours=2), LA) is None


# -- settling processes --------------------------------------------------------------------------


def planned(playbook, item: Interview) -> list[Nudge]:
    return [replace(n, number=k + 1) for k, n in enumerate(plan_nudges(playbook, item, now=NOW))]


def test_an_open_process_without_a_follow_up_gets_its_next_one(playbook) -> None:
    process = Process(1, "Acme", "Engineer")
    settled = settle_processes(
        playbook, [process], {1: [interview()]}, {1: planned(playbook, interview())}, now=NOW
    )
    (follow_up,) = settled.new
    assert follow_up.rule == FOLLOW_UP and follow_up.key == follow_up_key(process)
    assert follow_up.contacts_employer and settled.changed == []


def test_a_closed_process_keeps_only_closing_items_and_connections(playbook) -> None:
    process = Process(1, "Acme", "Engineer", outcome=Outcome.REJECTED, outcome_at=NOW)
    items = planned(playbook, interview())
    settled = settle_processes(playbook, [process], {1: [interview()]}, {1: items}, now=NOW)
    cancelled = {n.rule for n in settled.changed}
    kept = {n.rule for n in items} - cancelled
    assert kept == {"linkedin"}, "a connection is worth keeping whatever happens"
    assert all(n.state == NudgeState.CANCELLED for n in settled.changed)
    assert settled.new == []


def test_a_later_round_makes_the_earlier_rounds_waiting_moot(playbook) -> None:
    first, second = interview(1), interview(2, starts=NOW + timedelta(days=6))
    items = planned(playbook, first)
    process = Process(1, "Acme", "Engineer")
    settled = settle_processes(playbook, [process], {1: [first, second]}, {1: items}, now=NOW)
    assert {n.rule for n in settled.changed} == {"be-patient"}
    assert latest_round([first, second]) is second
    assert settled.new[0].interview_id == second.id, "the follow-up keys off the latest round"


def test_an_item_the_person_snoozed_is_theirs(playbook) -> None:
    first, second = interview(1), interview(2, starts=NOW + timedelta(days=6))
    items = planned(playbook, first)
    patient = next(n for n in items if n.rule == "be-patient")
    snoozed = snooze(patient, patient.due_at + timedelta(days=1), NOW)
    items = [snoozed if n.number == patient.number else n for n in items]
    settled = settle_processes(
        playbook, [Process(1, "Acme", "Engineer")], {1: [first, second]}, {1: items}, now=NOW
    )
    assert snoozed.number not in {n.number for n in settled.changed}


def test_a_process_out_of_suggestions_turns_cold_once(playbook) -> None:
    cadence = playbook.follow_ups
    made = tuple(NOW + timedelta(days=7 * k) for k in range(1, cadence.max + 1))
    process = Process(1, "Acme", "Engineer", followed_up=made)
    later = NOW + timedelta(days=60)
    settled = settle_processes(playbook, [process], {1: [interview()]}, {1: []}, now=later)
    (cold,) = settled.processes
    assert cold.cold and cold.cold_at == later
    (let_go,) = settled.new
    assert let_go.rule == "let-go" and not let_go.contacts_employer, "one message to let it go"
    again = settle_processes(playbook, [cold], {1: [interview()]}, {1: [let_go]}, now=later)
    assert again.processes == [] and again.new == [], "already cold: nothing changes"


def test_a_rejection_brings_one_keep_applying_nudge_and_never_twice(playbook) -> None:
    rejected = Process(1, "Acme", "Engineer", outcome=Outcome.REJECTED, outcome_at=NOW)
    first = plan_keep_hunting(playbook, [rejected], [interview()], [], now=NOW, tz=LA)
    assert first is not None and first.rule == KEEP_HUNTING
    assert "no application in progress" in first.text, "nothing is open any more"
    done = mark_done(replace(first, number=9), NOW)
    again = plan_keep_hunting(playbook, [rejected], [interview()], [done], now=NOW, tz=LA)
    assert again is not None and again.key == "keep-hunting/quiet/1/1", "only the quiet weeks"
    assert again.due_at >= first.due_at + playbook.keep_hunting.min_gap


def test_a_snoozed_keep_applying_nudge_is_not_replaced(playbook) -> None:
    rejected = Process(1, "Acme", "Engineer", outcome=Outcome.REJECTED, outcome_at=NOW)
    wanted = plan_keep_hunting(playbook, [rejected], [interview()], [], now=NOW, tz=LA)
    mine = snooze(replace(wanted, number=4), NOW + timedelta(days=2), NOW)
    settled = settle_keep_hunting(
        playbook, [rejected], [interview()], [mine], now=NOW + timedelta(hours=1), tz=LA
    )
    assert settled.new == [] and settled.changed == []


def test_a_moment_lands_inside_the_window_and_after_a_pause() -> None:
    window = Day(starts=time(9), ends=time(18), morning=time(9))
    saturday = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert local(place(saturday, window, now=NOW, tz=LA)) == "Mon 30 Nov 09:00"
    paused = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert local(place(NOW, window, now=NOW, tz=LA, paused_until=paused)) == "Wed 02 Dec 09:00"
    assert place(NOW - timedelta(days=3), window, now=NOW, tz=LA) == NOW, "never in the past"


def test_two_quiet_weeks_bring_keep_applying_advice_a_week_after_the_last(playbook) -> None:
    quiet = Process(1, "Acme", "Engineer")
    ahead = plan_keep_hunting(playbook, [quiet], [interview()], [], now=NOW, tz=LA)
    assert ahead is not None and ahead.key == "keep-hunting/quiet/1/1", "planned ahead"
    assert ahead.planned_for == interview().ends_at + playbook.keep_hunting.quiet_after
    later = NOW + timedelta(days=15)
    old = Nudge(3, 0, KEEP_HUNTING, "t", "x", "y", later, state=NudgeState.DONE, key="other")
    nudge = plan_keep_hunting(playbook, [quiet], [interview()], [old], now=later, tz=LA, day=Day())
    assert nudge is not None and nudge.key == "keep-hunting/quiet/1/1"
    assert nudge.due_at >= later + playbook.keep_hunting.min_gap
    first = playbook.keep_hunting.wordings[0].title.format(waiting_on="Acme")
    assert nudge.title != first, "never the same words twice in a row"


def test_someone_done_searching_gets_no_keep_applying_advice(playbook) -> None:
    rejected = Process(1, "Acme", "Engineer", outcome=Outcome.REJECTED, outcome_at=NOW)
    args = ([rejected], [interview()], [])
    assert plan_keep_hunting(playbook, *args, now=NOW, tz=LA, searching=False) is None
    paused = NOW + timedelta(days=3)
    assert plan_keep_hunting(playbook, *args, now=NOW, tz=LA, paused_until=paused) is None
    assert plan_keep_hunting(playbook, *args, now=NOW, tz=LA) is not None


def test_an_untouched_keep_applying_nudge_gives_way_when_a_new_occasion_comes(playbook) -> None:
    later = NOW + timedelta(days=15)
    quiet = Process(1, "Acme", "Engineer")
    wanted = plan_keep_hunting(playbook, [quiet], [interview()], [], now=later, tz=LA)
    pending = replace(wanted, number=4)
    no = replace(quiet, outcome=Outcome.REJECTED, outcome_at=later)
    settled = settle_keep_hunting(playbook, [no], [interview()], [pending], now=later, tz=LA)
    assert [n.number for n in settled.changed] == [4]
    (rejected,) = settled.new
    assert rejected.key.startswith("keep-hunting/rejected/1@"), "a rejection is news"
    assert "no application in progress" in rejected.text


def test_a_search_shrinking_to_two_employers_is_an_occasion(playbook) -> None:
    names = ("Acme", "Globex", "Initech")
    processes = [Process(n, name, "Engineer") for n, name in enumerate(names, start=1)]
    rounds = [interview(n, process=n) for n in (1, 2, 3)]
    unchanged = plan_keep_hunting(playbook, processes, rounds, [], now=NOW, tz=LA)
    assert unchanged is not None and unchanged.key.startswith("keep-hunting/quiet/"), (
        "nothing changed: only the quiet weeks ahead"
    )
    ended = replace(processes[2], outcome=Outcome.WITHDRAWN, outcome_at=NOW)
    nudge = plan_keep_hunting(playbook, [*processes[:2], ended], rounds, [], now=NOW, tz=LA)
    assert nudge is not None and nudge.key.startswith("keep-hunting/shrank/3@")
    assert "Acme, Globex" in nudge.text
