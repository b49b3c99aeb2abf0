"""The lifecycle engine's invariants, held under any order of operations.

A hypothesis state machine drives the real coach (real TinyDB store on a temp folder, real
delivery to a recording messenger, an injected clock) through random sequences of every
operation a person has: add, edit, remove, done, skip, snooze, outcomes, expected dates,
logged follow-ups, undo, window changes, pauses, and time passing. After every step it checks
the invariants written down in `bot.domain.lifecycle`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.clock import ManualClock
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.domain.interview import Interviewer, Outcome, Person
from bot.domain.lifecycle import FOLLOW_UP, KEEP_HUNTING
from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState
from bot.domain.parsing import InterviewRequest
from bot.domain.playbook import load_playbook
from bot.domain.timing import (
    WAKING_HOURS,
    add_working_days,
    settle_in_day,
    working_days_between,
    zone,
)
from bot.slack.blocks import build_overview
from bot.storage.protocol import PersonBook
from bot.storage.tinydb_store import TinyStore

RULES = Path(__file__).resolve().parent.parent / "rules"
PLAYBOOK = load_playbook(RULES)
LA = "America/Los_Angeles"
ME = Person("T1", "U1")
#: Thursday 26 Nov 2026, 09:00 in Los Angeles.
START = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
WAITING = (NudgeState.SCHEDULED, NudgeState.SENDING)
OPEN = (Outcome.WAITING, Outcome.IN_PROCESS)

companies = st.sampled_from(["Acme", "Globex", "Initech", "Acme, Inc.", "Hooli"])
roles = st.sampled_from(["Engineer", "Head of Sales, EMEA", "Product Designer"])
people = st.lists(st.sampled_from(["Jane Doe", "Bob Smith", "Ann Lee"]), unique=True, max_size=3)
outcomes = st.sampled_from(list(Outcome))
picks = st.integers(min_value=0, max_value=10_000)


@dataclass
class Posted:
    """What the recording messenger was asked to post, and when."""

    nudges: list[Nudge]
    at: datetime


@dataclass
class Recorder:
    """Delivery's messenger: takes every post, and checks the no-contact-after-no promise at
    the moment of the post (reading the store, as any other reader would)."""

    coach: Coach
    digest_size: int = 10
    posted: list[Posted] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    early_patience: list[str] = field(default_factory=list)

    def open_dm(self, person: Person) -> str:
        return "D" + person.user_id

    def post_nudges(self, channel: str, person: Person, nudges: list[Nudge], tz: str) -> str:
        now = self.coach.clock.now()
        with self.coach.store.transaction(person) as book:
            for nudge in nudges:
                interview = book.interview(nudge.interview_id)
                process = book.process(interview.process_id) if interview else None
                if nudge.contacts_employer and not nudge.closing and process and process.closed:
                    self.violations.append(f"#{nudge.number} {nudge.rule} sent after {process}")
                if process is not None:
                    self._check_patience(book, nudge, process.id, nudges, now)
        self.posted.append(Posted(list(nudges), now))
        return f"{now.timestamp():.0f}.{len(self.posted):06d}"

    def _check_patience(
        self, book: PersonBook, nudge: Nudge, process_id: int, post: list[Nudge], now: datetime
    ) -> None:
        """Patience never arrives with its process's next follow-up, nor the working day
        before it (unless the person moved it there themselves)."""
        rule = PLAYBOOK.rule(nudge.rule)
        clear = rule.clear_of_follow_up if rule else None
        if clear is None or nudge.touched:
            return
        window = book.profile.window or PLAYBOOK.day
        rounds = [i.id for i in book.interviews() if i.process_id == process_id]
        in_post = {n.number for n in post}
        for follow_up in book.open_nudges(rounds):
            if follow_up.rule != FOLLOW_UP:
                continue
            if follow_up.number in in_post:
                self.early_patience.append(f"#{nudge.number} came with #{follow_up.number}")
            elif follow_up.state == NudgeState.SCHEDULED:
                between = working_days_between(now, follow_up.due_at, LA, window)
                if between < clear:
                    self.early_patience.append(
                        f"#{nudge.number} patience at {now:%a %d %H:%M} just before follow-up "
                        f"#{follow_up.number} at {follow_up.due_at:%a %d %H:%M}"
                    )

    def update_nudges(
        self, channel: str, ts: str, person: Person, nudges: list[Nudge], tz: str
    ) -> None:
        """Nothing to redraw here."""

    def find_marked(self, person: Person, channel: str, marks: set[str]) -> dict[str, str]:
        return {}

    def prepare_post(
        self, channel: str, person: Person, nudges: list[Nudge], tz: str
    ) -> Callable[[], str]:
        return lambda: self.post_nudges(channel, person, nudges, tz)

    def delete_message(self, person: Person, channel: str, ts: str) -> None:
        self.violations.append(f"message {ts} deleted: no post here should need taking back")


class Lifecycle(RuleBasedStateMachine):
    """One person using the coach in every way they can, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="lifecycle-"))
        self.clock = ManualClock(START)
        self.store = TinyStore(self.folder)
        self.coach = Coach(self.store, PLAYBOOK, self.clock)
        self.recorder = Recorder(self.coach)
        self.delivery = Delivery(self.store, PLAYBOOK, self.clock, self.recorder)
        self.coach.remember_timezone(ME, LA)
        self.numbers_seen: set[int] = set()
        self.interviews_seen: set[int] = set()
        #: Items the person resolved or snoozed, by key: the number each must keep.
        self.acted: dict[str, int] = {}

    def teardown(self) -> None:
        self.delivery.close()
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- reading the person's data -------------------------------------------------------

    def snapshot(self) -> tuple[list, list, dict[int, Nudge]]:
        with self.store.transaction(ME) as book:
            nudges = {n.number: n for n in book.nudges()}
            return book.interviews(), book.processes(), nudges

    def plan(self) -> dict[int, tuple]:
        """Every nudge still to come or still open, as the person would see it."""
        _, _, nudges = self.snapshot()
        return {n.number: (n.rule, n.state, n.due_at) for n in nudges.values() if n.is_open}

    def pick(self, values: list, index: int):
        return values[index % len(values)] if values else None

    # -- what a person does ----------------------------------------------------------------

    @rule(company=companies, role=roles, hours=st.integers(-72, 24 * 30), who=people)
    def add(self, company: str, role: str, hours: int, who: list[str]) -> None:
        starts = (self.clock.now() + timedelta(hours=hours)).astimezone(zone(LA))
        starts = starts.replace(minute=0, second=0, microsecond=0)
        request = InterviewRequest(
            company, role, starts, timedelta(hours=1), tuple(Interviewer(n) for n in who)
        )
        with suppress(NudgeChangeRefused):
            self.coach.add_interview(ME, request)

    @rule(
        index=picks,
        field=st.sampled_from(["company", "role", "when", "with", "for"]),
        value=st.sampled_from(
            ["Acme, Inc.", "Head of Sales, EMEA", "tomorrow 3pm", "Jane Doe and Ann Lee", "45m"]
        ),
    )
    def edit(self, index: int, field: str, value: str) -> None:
        interviews, _, _ = self.snapshot()
        interview = self.pick(interviews, index)
        if interview is None:
            return
        before = self.plan()
        mine_before = {
            n for n, (rule_id, _, _) in before.items() if self._interview_of(n) == interview.id
        }
        try:
            self.coach.edit_interview(ME, interview.id, field, value)
        except NudgeChangeRefused as refusal:
            if field in ("company", "role"):
                raise AssertionError(f"a plain {field} edit was refused: {refusal}") from None
            return
        after = self.plan()
        kept = (
            mine_before
            if field != "with"
            else {
                n
                for n in mine_before
                if (self._interviewer_of(n) is None and before[n][0] != "thank-you-team")
                or (self._interviewer_of(n) or "").casefold()
                in {x.casefold() for x in _names(value)}
            }
        )
        interviews_after, _, _ = self.snapshot()
        rounds = [i for i in interviews_after if i.process_id == interview.process_id]
        latest = max(rounds, key=lambda i: (i.starts_at, i.id)).id
        moot = (
            set()
            if latest == interview.id
            else {n for n in kept if (PLAYBOOK.rule(before[n][0]) or _NO_RULE).until_next_round}
        )
        giving_way = {
            n for n in kept if (PLAYBOOK.rule(before[n][0]) or _NO_RULE).clear_of_follow_up
        }
        lost = [n for n in kept if n not in after and n not in moot | giving_way]
        assert not lost, f"edit {field} dropped pending items {lost}"
        if field in ("company", "role"):
            moved = [n for n in mine_before if before[n][2] != after[n][2]]
            assert not moved, f"edit {field} moved items whose timing does not depend on it"

    @rule(index=picks)
    def remove(self, index: int) -> None:
        interviews, _, _ = self.snapshot()
        interview = self.pick(interviews, index)
        if interview is not None:
            self.coach.remove_interview(ME, interview.id)

    @rule(index=picks, verb=st.sampled_from(["done", "skip", "snooze"]))
    def act(self, index: int, verb: str) -> None:
        _, _, nudges = self.snapshot()
        nudge = self.pick(sorted(n for n, v in nudges.items() if v.is_open), index)
        if nudge is None:
            return
        acted = nudges[nudge]
        try:
            if verb == "snooze":
                change = self.coach.snooze(ME, nudge, delay=timedelta(days=2))
            else:
                change = self.coach.mark(ME, nudge, verb)
        except NudgeChangeRefused:
            return
        self.acted[acted.key] = nudge
        _, _, after = self.snapshot()
        if verb == "snooze":
            now = after[nudge]
            assert now.state == NudgeState.SCHEDULED, f"snoozed #{nudge} is {now.state}"
            assert now.due_at == change.nudge.due_at, "snooze keeps the chosen time"

    @rule(index=picks, outcome=outcomes)
    def outcome(self, index: int, outcome: Outcome) -> None:
        _, processes, _ = self.snapshot()
        process = self.pick(processes, index)
        if process is not None:
            with suppress(NudgeChangeRefused):
                self.coach.set_outcome(ME, f"#{process.id}", outcome)

    @rule(index=picks, outcome=st.sampled_from([Outcome.REJECTED, Outcome.OFFER]))
    def close_and_undo(self, index: int, outcome: Outcome) -> None:
        """Undo of a closing outcome restores exactly the earlier plan."""
        _, processes, _ = self.snapshot()
        process = self.pick([p for p in processes if not p.closed], index)
        if process is None:
            return
        before = self.plan()
        try:
            self.coach.set_outcome(ME, f"#{process.id}", outcome)
        except NudgeChangeRefused:
            return
        self.coach.undo(ME)
        assert self.plan() == before, "undo of a closing outcome restores the plan"

    @rule(index=picks)
    def reject_deliver_and_undo(self, index: int) -> None:
        """Undo restores what the person sees: a condolence already sent says it is void."""
        _, processes, _ = self.snapshot()
        process = self.pick([p for p in processes if not p.closed], index)
        if process is None:
            return
        try:
            self.coach.set_outcome(ME, f"#{process.id}", Outcome.REJECTED)
        except NudgeChangeRefused:
            return
        posted_before = len(self.recorder.posted)
        self.clock.advance(timedelta(minutes=1))
        self.delivery.deliver_due(wait_for_all=True)
        _, redraw = self.coach.undo(ME)
        _, processes, nudges = self.snapshot()
        assert next(p for p in processes if p.id == process.id).outcome != Outcome.REJECTED
        for post in self.recorder.posted[posted_before:]:
            for sent in post.nudges:
                if sent.closing and f"/p{process.id}/rejected@" in sent.key:
                    now = nudges.get(sent.number)
                    assert now is not None and now.state == NudgeState.CANCELLED, (
                        f"the condolence #{sent.number} lives on after undo: {now}"
                    )
                    assert sent.number in {n.number for n in redraw}, "and its message says so"

    @rule(index=picks, days=st.integers(1, 20))
    def expect(self, index: int, days: int) -> None:
        _, processes, _ = self.snapshot()
        process = self.pick(processes, index)
        if process is None:
            return
        when = (self.clock.now() + timedelta(days=days)).astimezone(zone(LA))
        with suppress(NudgeChangeRefused):
            self.coach.expect_decision(ME, f"#{process.id}", f"{when:%Y-%m-%d}")

    @rule(index=picks)
    def followed_up(self, index: int) -> None:
        _, processes, _ = self.snapshot()
        process = self.pick(processes, index)
        if process is not None:
            with suppress(NudgeChangeRefused):
                self.coach.log_follow_up(ME, f"#{process.id}")

    @rule()
    def undo(self) -> None:
        try:
            description, _ = self.coach.undo(ME)
        except NudgeChangeRefused:
            return
        verb, _, number = description.partition(" #")
        if verb in ("done", "skip", "snooze") and number.isdigit():
            # The person took their own act back: that item is theirs to act on again.
            self.acted = {k: n for k, n in self.acted.items() if n != int(number)}

    @rule(
        days=st.sampled_from([frozenset(range(5)), frozenset(range(7)), frozenset({0, 2, 4})]),
        hours=st.sampled_from([(time(9), time(18)), (time(7, 30), time(12)), (time(13), time(21))]),
    )
    def window(self, days: frozenset[int], hours: tuple[time, time]) -> None:
        self.coach.change_window(ME, days, hours[0], hours[1])

    @rule(days=st.integers(1, 10))
    def pause(self, days: int) -> None:
        self.coach.pause(ME, self.clock.now() + timedelta(days=days))

    @rule()
    def resume(self) -> None:
        with suppress(NudgeChangeRefused):
            self.coach.resume(ME)

    @rule(hours=st.sampled_from([1, 3, 8, 24, 24 * 3, 24 * 7, 24 * 10]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        self.delivery.deliver_due(wait_for_all=True)

    # -- the invariants ------------------------------------------------------------------

    @invariant()
    def nothing_contacts_an_employer_after_a_no(self) -> None:
        assert not self.recorder.violations, self.recorder.violations
        interviews, processes, nudges = self.snapshot()
        closed = {p.id for p in processes if p.closed}
        process_of = {i.id: i.process_id for i in interviews}
        for nudge in nudges.values():
            if nudge.is_open and process_of.get(nudge.interview_id) in closed:
                rule_of = PLAYBOOK.rule(nudge.rule)
                assert nudge.closing or (rule_of is not None and rule_of.outlives_process), (
                    f"#{nudge.number} {nudge.rule} still open after the process closed"
                )

    @invariant()
    def every_open_process_has_a_next_step_or_is_cold_and_the_list_says_which(self) -> None:
        interviews, processes, nudges = self.snapshot()
        listing = json.dumps(build_overview(self.coach.overview(ME)))
        for process in processes:
            if process.closed:
                continue
            if process.cold:
                assert f"`i{self._last_round(interviews, process.id)}`" in listing
                assert "gone quiet" in listing, f"{process.company} is cold and the list says so"
                continue
            rounds = {i.id for i in interviews if i.process_id == process.id}
            news = process.outcome_at if process.outcome in OPEN else None
            steps = [
                n
                for n in nudges.values()
                if n.interview_id in rounds
                and n.rule == FOLLOW_UP
                and n.is_open
                and (news is None or n.due_at >= news or n.state == NudgeState.SCHEDULED)
            ]
            assert steps, f"{process.company} ({process.outcome.value}) has no current next step"

    @invariant()
    def acted_items_are_final_and_items_are_never_doubled(self) -> None:
        _, _, nudges = self.snapshot()
        for nudge in nudges.values():
            kept = self.acted.get(nudge.key)
            assert kept is None or nudge.number <= kept, (
                f"{nudge.key} came back as #{nudge.number} after the person acted on #{kept}"
            )
        open_keys = [n.key for n in nudges.values() if n.is_open]
        assert len(open_keys) == len(set(open_keys)), "an item is open twice"

    @invariant()
    def numbers_are_unique_and_never_reused(self) -> None:
        interviews, _, nudges = self.snapshot()
        fresh = set(nudges) - self.numbers_seen
        if self.numbers_seen and fresh:
            assert min(fresh) > max(self.numbers_seen), f"a number was reused: {sorted(fresh)}"
        self.numbers_seen |= set(nudges)
        ids = {i.id for i in interviews}
        new_ids = ids - self.interviews_seen
        if self.interviews_seen and new_ids:
            assert min(new_ids) > max(self.interviews_seen), "an interview number was reused"
        self.interviews_seen |= ids

    @invariant()
    def patience_keeps_clear_of_the_next_follow_up(self) -> None:
        """Checked when it is sent (see Recorder): a pause may hold both to the same opening,
        and it is delivery that lets patience go then."""
        assert not self.recorder.early_patience, self.recorder.early_patience

    @invariant()
    def follow_ups_respect_the_cap_and_the_gap(self) -> None:
        interviews, processes, nudges = self.snapshot()
        cadence = PLAYBOOK.follow_ups
        for process in processes:
            assert len(process.followed_up) <= cadence.max, f"{process.company} over the cap"
            rounds = {i.id for i in interviews if i.process_id == process.id}
            if not process.followed_up:
                continue
            fine_from = add_working_days(
                process.followed_up[-1].astimezone(zone(LA)), cadence.min_gap
            )
            for nudge in nudges.values():
                if (
                    nudge.interview_id in rounds
                    and nudge.rule == FOLLOW_UP
                    and nudge.state in WAITING
                ):
                    assert nudge.due_at >= fine_from, f"#{nudge.number} too soon after the last"

    @invariant()
    def nothing_is_planned_outside_the_window_or_during_a_pause(self) -> None:
        with self.store.transaction(ME) as book:
            profile = book.profile
            waiting = book.waiting_nudges()
        window = profile.window or PLAYBOOK.day
        for nudge in waiting:
            if nudge.retry_at is not None:
                continue
            local = nudge.due_at.astimezone(zone(LA))
            if nudge.anytime:
                rule = PLAYBOOK.rule(nudge.rule)
                assert rule is not None and rule.within is not None, f"#{nudge.number} anytime"
                assert local in (
                    settle_in_day(local, WAKING_HOURS),
                    settle_in_day(local, window),
                ), f"#{nudge.number} {nudge.rule} planned at {local:%a %H:%M}, at night"
            else:
                assert settle_in_day(local, window) == local, (
                    f"#{nudge.number} {nudge.rule} planned at {local:%a %H:%M}, outside the window"
                )
            if profile.paused_until is not None:
                assert nudge.due_at >= profile.paused_until, f"#{nudge.number} during the pause"

    @invariant()
    def rounds_follow_dates(self) -> None:
        interviews, _, _ = self.snapshot()
        by_process: dict[int, list] = {}
        for interview in interviews:
            by_process.setdefault(interview.process_id, []).append(interview)
        for rounds in by_process.values():
            by_date = sorted(rounds, key=lambda i: i.starts_at)
            starts = [i.starts_at for i in by_date]
            assert len(set(starts)) == len(starts), "the same interview was added twice"
            assert [i.round for i in by_date] == sorted(i.round for i in rounds), (
                "round numbers follow the dates"
            )

    @invariant()
    def keep_applying_texts_read_right(self) -> None:
        _, _, nudges = self.snapshot()
        for nudge in nudges.values():
            if nudge.rule == KEEP_HUNTING:
                assert "no open application" not in nudge.text

    # -- helpers -------------------------------------------------------------------------

    def _last_round(self, interviews: list, process_id: int) -> int:
        rounds = [i for i in interviews if i.process_id == process_id]
        return max(rounds, key=lambda i: (i.starts_at, i.id)).id

    def _interview_of(self, number: int) -> int:
        _, _, nudges = self.snapshot()
        return nudges[number].interview_id

    def _interviewer_of(self, number: int) -> str | None:
        _, _, nudges = self.snapshot()
        return nudges[number].interviewer


class _NoRule:
    """Stands in for rules the playbook does not have (follow-ups are the cadence's)."""

    until_next_round = False
    clear_of_follow_up = None


_NO_RULE = _NoRule()


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.replace(" and ", ",").split(",") if n.strip()]


Lifecycle.TestCase.settings = settings(
    max_examples=int(os.environ.get("LIFECYCLE_EXAMPLES", "150")),
    stateful_step_count=int(os.environ.get("LIFECYCLE_STEPS", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_lifecycle_keeps_its_invariants = Lifecycle.TestCase
