"""What the coach does for a person: register interviews, keep their nudges, tick them off.

It speaks in product terms and knows nothing of Slack: listeners and the delivery loop call it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock
from bot.domain.calendar import build_calendar
from bot.domain.draft_check import DraftContext
from bot.domain.drafts import Author, DraftBook, follow_up_draft, follow_up_kind, thank_you_draft
from bot.domain.interview import Interview, Outcome, Person, Process, Profile
from bot.domain.lifecycle import (
    FOLLOW_UP,
    KEEP_HUNTING,
    SUPERSEDED_BY_NEW_ROUND,
    follow_up_refusal,
    matching_processes,
    settle_plans,
)
from bot.domain.nudge import (
    Nudge,
    NudgeChangeRefused,
    NudgeState,
    cancel,
    mark_done,
    mark_sent,
    mark_skipped,
    retry_later,
    snooze,
    start_sending,
)
from bot.domain.parsing import AddInputError, InterviewRequest, parse_add, parse_date
from bot.domain.playbook import Playbook, plan_nudges, plan_outcome_nudges
from bot.domain.text import escape, shorten
from bot.domain.timing import Day, next_morning, next_week, settle_in_day, zone
from bot.storage.tinydb_store import PersonBook, Store

LOGGER = logging.getLogger(__name__)

WAITING_STATES = frozenset({NudgeState.SCHEDULED, NudgeState.SENDING})

#: Nudges whose "Draft it" gives a thank-you note (the others give a follow-up).
DRAFTED_THANKS = frozenset({"thank-you", "thank-you-team"})
#: Open interviews one person may keep: enough for any search, a bound on abuse.
MAX_OPEN_INTERVIEWS = 200
#: "Later today" as a snooze choice.
LATER_TODAY = timedelta(hours=3)
#: The longest pause the coach accepts.
MAX_PAUSE = timedelta(days=90)
#: How long a change can still be undone.
UNDO_WINDOW = timedelta(minutes=10)
#: Fields `/interview edit` can change.
EDITABLE = ("company", "role", "when", "with", "for")

#: Slack may change a person's zone (travel, DST rules); ask again after this long.
TIMEZONE_FRESHNESS = timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """A stored interview, the nudges planned for it, and earlier ones it replaced."""

    interview: Interview
    nudges: list[Nudge]
    superseded: list[Nudge]


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


@dataclass(frozen=True)
class Standing:
    """One process as `/interview list` shows it."""

    process: Process
    last_round: Interview
    next_nudge: Nudge | None
    open_items: list[Nudge]


@dataclass(frozen=True)
class DueBatch:
    """One person's nudges to send now.

    `unsure` holds the numbers whose last send may have reached Slack unrecorded (a crash or
    a lost answer): delivery looks for them in the DM before sending them again.
    """

    person: Person
    nudges: list[Nudge]
    unsure: frozenset[int]
    tz: str
    dm_channel: str | None


@dataclass(frozen=True)
class Overview:
    """What `/interview list` and the `list` reply show."""

    upcoming: list[Interview]
    open_nudges: list[Nudge]
    tz: str
    standings: list[Standing]


class Coach:
    """The product's operations, each one durable before it returns."""

    def __init__(self, store: Store, playbook: Playbook, clock: Clock) -> None:
        self.store = store
        self.playbook = playbook
        self.clock = clock

    def profile(self, person: Person) -> Profile:
        with self.store.transaction(person) as book:
            return book.profile

    def knows_timezone(self, person: Person) -> bool:
        checked = self.profile(person).tz_checked_at
        return checked is not None and self.clock.now() - checked < TIMEZONE_FRESHNESS

    def remember_timezone(self, person: Person, tz: str | None) -> str:
        """Store what Slack said (UTC when it said nothing) and return the zone to use."""
        with self.store.transaction(person) as book:
            profile = book.profile
            zone_name = tz or profile.tz or "UTC"
            book.save_profile(replace(profile, tz=zone_name, tz_checked_at=self.clock.now()))
        return zone_name

    def window(self, person: Person) -> Day:
        """The person's working window: their own, or the playbook's default."""
        return self.profile(person).window or self.playbook.day

    def timezone(self, person: Person) -> str:
        return self.profile(person).tz or "UTC"

    def remember_home_opened(self, person: Person) -> None:
        """From now on the Home tab is kept current after every change."""
        with self.store.transaction(person) as book:
            profile = book.profile
            if not profile.home_opened:
                book.save_profile(replace(profile, home_opened=True))

    def remember_dm_channel(self, person: Person, channel: str) -> None:
        with self.store.transaction(person) as book:
            book.save_profile(replace(book.profile, dm_channel=channel))

    def add_interview(self, person: Person, request: InterviewRequest) -> Plan:
        """Store the interview and its planned nudges in one durable write.

        An interview with a company that already has an open process is its next round: it
        joins that process and replaces the earlier rounds' pending follow-ups.
        """
        now = self.clock.now()
        with self.store.transaction(person) as book:
            book.record_undo(f"adding the {request.company} interview", now)
            profile = book.profile
            tz = str(getattr(request.starts_at.tzinfo, "key", profile.tz or "UTC"))
            interviews = book.interviews()
            processes = book.processes()
            open_ids = {p.id for p in processes if not p.closed}
            if sum(1 for i in interviews if i.process_id in open_ids) >= MAX_OPEN_INTERVIEWS:
                raise NudgeChangeRefused(
                    f"You have {MAX_OPEN_INTERVIEWS} open interviews, the most I keep. Close "
                    "some (`/interview status acme rejected`) or remove old ones first."
                )
            process = _open_process_for(processes, request.company)
            interview_id = profile.next_interview_id
            rounds = [i for i in interviews if process and i.process_id == process.id]
            interview = Interview(
                id=interview_id,
                company=request.company,
                role=request.role,
                starts_at=request.starts_at.astimezone(UTC),
                ends_at=(request.starts_at + request.duration).astimezone(UTC),
                tz=tz,
                interviewers=request.interviewers,
                process_id=process.id if process else interview_id,
                round=max((i.round for i in rounds), default=0) + 1,
                created_at=now,
                notes=request.notes,
            )
            if process is None:
                process = Process(interview_id, request.company, request.role)
                book.save_process(process)
            else:
                book.save_process(replace(process, outcome=Outcome.WAITING, outcome_at=now))
            round_ids = {i.id for i in rounds}
            superseded = [
                cancel(n, now)
                for n in book.nudges()
                if n.state == NudgeState.SCHEDULED
                and n.interview_id in round_ids
                and n.rule in SUPERSEDED_BY_NEW_ROUND
            ]
            book.save_nudges(superseded)
            nudges = plan_nudges(
                self.playbook,
                interview,
                now=now,
                first_number=profile.next_nudge_number,
                day=profile.window,
            )
            book.save_interview(interview)
            book.save_nudges(nudges)
            book.save_profile(
                replace(
                    profile,
                    next_interview_id=interview.id + 1,
                    next_nudge_number=profile.next_nudge_number + len(nudges),
                )
            )
            planned, _ = self._settle(book, now)
        LOGGER.info("Interview %s added with %d nudges", interview.id, len(nudges))
        everything = sorted(nudges + planned, key=lambda n: (n.due_at, n.number))
        return Plan(interview, everything, superseded)

    def _settle(self, book: PersonBook, now: datetime) -> tuple[list[Nudge], list[Nudge]]:
        """Re-derive follow-ups and keep-applying nudges after a change; save them."""
        profile = book.profile
        new, changed = settle_plans(
            self.playbook,
            book.processes(),
            book.interviews(),
            book.nudges(),
            now=now,
            tz=profile.tz or "UTC",
            next_number=profile.next_nudge_number,
            day=profile.window,
        )
        book.save_nudges(changed + new)
        if new:
            book.save_profile(
                replace(profile, next_nudge_number=profile.next_nudge_number + len(new))
            )
        return new, changed

    def overview(self, person: Person) -> Overview:
        now = self.clock.now()
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            processes = book.processes()
            nudges = book.nudges()
            tz = book.profile.tz or "UTC"
        upcoming = sorted((i for i in interviews if i.ends_at >= now), key=lambda i: i.starts_at)
        open_nudges = sorted((n for n in nudges if n.is_open), key=lambda n: (n.due_at, n.number))
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

    def mark(self, person: Person, number: int | None, verb: str) -> NudgeChange:
        """Done or skip, by number or (None) the latest nudge the person was sent.

        Done on a follow-up means "I followed up": it is logged, and the next follow-up is
        spaced from now.
        """
        now = self.clock.now()
        change = mark_done if verb == "done" else mark_skipped
        return self._change(person, number, lambda nudge: change(nudge, now), f"{verb} #")

    def snooze(
        self,
        person: Person,
        number: int | None,
        *,
        delay: timedelta | None = None,
        choice: str = "tomorrow",
    ) -> NudgeChange:
        """Snooze for `delay`, or to a `choice` (later today, tomorrow morning, next week).

        Resolved in the person's zone and window: never into the night or a day off.
        """
        now = self.clock.now()
        local_now = now.astimezone(zone(self.timezone(person)))
        window = self.window(person)
        if delay is not None:
            until = settle_in_day(local_now + delay, window)
        elif choice == "later":
            until = settle_in_day(local_now + LATER_TODAY, window)
        elif choice == "next-week":
            until = next_week(local_now, window)
        else:
            until = next_morning(local_now, window)
        return self._change(person, number, lambda nudge: snooze(nudge, until, now), "snooze #")

    def _change(
        self,
        person: Person,
        number: int | None,
        change: Callable[[Nudge], Nudge],
        description: str,
    ) -> NudgeChange:
        now = self.clock.now()
        with self.store.transaction(person) as book:
            nudge = book.nudge(number) if number is not None else _latest_sent(book.nudges())
            if nudge is None:
                if number is None:
                    raise NudgeChangeRefused(
                        "I'm not sure which item you mean. Add its number, like `done 2`; "
                        "`list` shows the numbers."
                    )
                raise NudgeChangeRefused(f"You have no item #{number}. `list` shows your items.")
            book.record_undo(f"{description}{nudge.number}", now)
            changed = change(nudge)
            book.save_nudges([changed])
            planned: list[Nudge] = []
            if changed.rule in (FOLLOW_UP, KEEP_HUNTING):
                if changed.rule == FOLLOW_UP and changed.state == NudgeState.DONE:
                    interview = book.interview(changed.interview_id)
                    process = book.process(interview.process_id) if interview else None
                    if process is not None:
                        followed_up = (*process.followed_up, now)
                        book.save_process(replace(process, followed_up=followed_up))
                planned, _ = self._settle(book, now)
        return NudgeChange(changed, planned)

    def interview(self, person: Person, interview_id: int) -> Interview | None:
        with self.store.transaction(person) as book:
            return book.interview(interview_id)

    def find_process(self, person: Person, target: str) -> Process:
        """The one process `target` names; refuses with the choices when it is not clear."""
        with self.store.transaction(person) as book:
            return _one_process(book.processes(), book.interviews(), target)

    def set_outcome(self, person: Person, target: str, outcome: Outcome) -> OutcomeChange:
        """Record where a process stands, and change the plans to fit at once."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            process = _one_process(book.processes(), interviews, target)
            if process.outcome == outcome:
                raise NudgeChangeRefused(
                    f"{escape(process.company)} is already marked {outcome.value}."
                )
            book.record_undo(f"marking {process.company} {outcome.value}", now)
            updated = replace(process, outcome=outcome, outcome_at=now)
            book.save_process(updated)
            ids = {i.id for i in interviews if i.process_id == process.id}
            stale = _pending_follow_ups(book, ids, now)
            book.save_nudges(stale)
            profile = book.profile
            last_round = max(
                (i for i in interviews if i.id in ids), key=lambda i: (i.round, i.starts_at)
            )
            closing = plan_outcome_nudges(
                self.playbook,
                last_round,
                outcome,
                now=now,
                first_number=profile.next_nudge_number,
                day=profile.window,
            )
            book.save_nudges(closing)
            book.save_profile(
                replace(profile, next_nudge_number=profile.next_nudge_number + len(closing))
            )
            planned, cancelled = self._settle(book, now)
        withdrawn = [n for n in stale + cancelled if n.interview_id in ids]
        return OutcomeChange(updated, withdrawn, closing + planned)

    def expect_decision(self, person: Person, target: str, when_text: str) -> OutcomeChange:
        """Record the date they said they would decide by; the follow-up keys off it."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            processes = book.processes()
            process, decided = _process_and_date(processes, interviews, target, when_text, now, tz)
            if process.closed:
                raise NudgeChangeRefused(
                    f"{escape(process.company)} is marked {process.outcome.value}; "
                    "no decision to wait for."
                )
            book.record_undo(f"expecting {process.company} by {decided:%b %d}", now)
            updated = replace(process, expected_on=decided)
            book.save_process(updated)
            ids = {i.id for i in interviews if i.process_id == process.id}
            stale = _pending_follow_ups(book, ids, now)
            book.save_nudges(stale)
            planned, _ = self._settle(book, now)
        return OutcomeChange(updated, stale, planned)

    def log_follow_up(self, person: Person, target: str) -> OutcomeChange:
        """The person says they followed up: logged, unless it is too soon after the last."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            process = _one_process(book.processes(), interviews, target)
            refusal = follow_up_refusal(self.playbook.follow_ups, process, now, tz)
            if refusal:
                raise NudgeChangeRefused(refusal)
            book.record_undo(f"logging a follow-up with {process.company}", now)
            updated = replace(process, followed_up=(*process.followed_up, now))
            book.save_process(updated)
            ids = {i.id for i in interviews if i.process_id == process.id}
            answered = [
                (mark_done(n, now) if n.state == NudgeState.SENT else cancel(n, now))
                for n in book.nudges()
                if n.interview_id in ids and n.rule == FOLLOW_UP and n.is_open
            ]
            book.save_nudges(answered)
            planned, _ = self._settle(book, now)
        return OutcomeChange(updated, answered, planned)

    def remove_interview(self, person: Person, interview_id: int) -> Interview:
        """Delete an interview and its nudges (and its process, when it was the only round)."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            interview = book.interview(interview_id)
            if interview is None:
                raise NudgeChangeRefused(f"You have no interview #{interview_id}.")
            book.record_undo(f"removing the {interview.company} interview", now)
            book.remove(
                "nudges", [n.number for n in book.nudges() if n.interview_id == interview.id]
            )
            book.remove("interviews", [interview.id])
            others = [i for i in book.interviews() if i.process_id == interview.process_id]
            if not others:
                book.remove("processes", [interview.process_id])
            self._settle(book, now)
        return interview

    def edit_interview(self, person: Person, interview_id: int, field: str, value: str) -> Plan:
        """Change one field; the interview's nudges not yet sent are planned again."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self.store.transaction(person) as book:
            interview = book.interview(interview_id)
            if interview is None:
                raise NudgeChangeRefused(f"You have no interview #{interview_id}.")
            edited = _edited(interview, field, value, now=now, tz=tz)
            book.record_undo(f"editing the {interview.company} interview", now)
            book.save_interview(edited)
            process = book.process(edited.process_id)
            if process is not None and field in ("company", "role"):
                book.save_process(replace(process, company=edited.company, role=edited.role))
            mine = [n for n in book.nudges() if n.interview_id == edited.id]
            kept = {(n.rule, n.interviewer) for n in mine if n.state != NudgeState.SCHEDULED}
            book.save_nudges([cancel(n, now) for n in mine if n.state == NudgeState.SCHEDULED])
            profile = book.profile
            fresh = [
                n
                for n in plan_nudges(
                    self.playbook,
                    edited,
                    now=now,
                    first_number=0,
                    closed=process is not None and process.closed,
                    day=profile.window,
                )
                if (n.rule, n.interviewer) not in kept
            ]
            fresh = [replace(n, number=profile.next_nudge_number + k) for k, n in enumerate(fresh)]
            book.save_nudges(fresh)
            book.save_profile(
                replace(profile, next_nudge_number=profile.next_nudge_number + len(fresh))
            )
            planned, _ = self._settle(book, now)
        return Plan(edited, sorted(fresh + planned, key=lambda n: (n.due_at, n.number)), [])

    def change_window(
        self,
        person: Person,
        days: frozenset[int] | None,
        starts: time | None,
        ends: time | None,
    ) -> Day:
        """Set the person's working window; nudges outside it wait for its next opening."""
        with self.store.transaction(person) as book:
            profile = book.profile
            current = profile.window or self.playbook.day
            window = replace(
                current,
                days=days if days is not None else current.days,
                starts=starts or current.starts,
                ends=ends or current.ends,
                morning=starts or current.starts,
            )
            if window.ends <= window.starts:
                raise NudgeChangeRefused("The window has to end after it starts.")
            book.save_profile(replace(profile, window=window))
        return window

    def pause(self, person: Person, until: datetime) -> datetime:
        """Hold every nudge until `until` (a holiday, a break); nothing is dropped."""
        now = self.clock.now()
        if until <= now:
            raise NudgeChangeRefused("A pause has to end in the future.")
        if until - now > MAX_PAUSE:
            raise NudgeChangeRefused(f"I can pause for {MAX_PAUSE.days} days at most.")
        with self.store.transaction(person) as book:
            book.save_profile(replace(book.profile, paused_until=until))
        return until

    def resume(self, person: Person) -> list[Nudge]:
        """End a pause: everything held comes at the window's next opening, as one digest."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            profile = book.profile
            if profile.paused_until is None:
                raise NudgeChangeRefused("You are not paused.")
            window = profile.window or self.playbook.day
            opening = settle_in_day(now.astimezone(zone(profile.tz)), window)
            held = [
                replace(n, due_at=opening, retry_at=None)
                for n in book.nudges()
                if n.state == NudgeState.SCHEDULED and n.due_at <= profile.paused_until
            ]
            book.save_nudges(held)
            book.save_profile(replace(profile, paused_until=None))
        return held

    def calendar(self, person: Person) -> bytes:
        """The person's interviews and coming follow-ups as an .ics file."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            interviews = book.interviews()
            follow_ups = [
                n
                for n in book.nudges()
                if n.rule == FOLLOW_UP and n.state == NudgeState.SCHEDULED and n.due_at >= now
            ]
            tz = book.profile.tz or "UTC"
        return build_calendar(person, interviews, follow_ups, tz=tz, now=now)

    def export(self, person: Person) -> bytes:
        """Everything the coach stores about the person, as JSON they can keep."""
        with self.store.transaction(person) as book:
            data = book.export()
        data["person"] = {"team_id": person.team_id, "user_id": person.user_id}
        data["exported_at"] = self.clock.now().isoformat()
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).encode()

    def forget(self, person: Person) -> None:
        """Delete everything the coach stores about the person, files included."""
        self.store.forget(person)
        LOGGER.info("Forgot everything about a person on request")

    def set_profile(self, person: Person, *, name: str | None, strengths: str | None) -> Profile:
        """What drafts sign with and stress: kept short, shown back escaped."""
        with self.store.transaction(person) as book:
            profile = book.profile
            if name is not None:
                profile = replace(profile, my_name=shorten(name.strip(), 80))
            if strengths is not None:
                profile = replace(profile, strengths=shorten(strengths.strip(), 200))
            book.save_profile(profile)
        return profile

    def draft(self, person: Person, number: int, drafts: DraftBook) -> str:
        """The draft that fits a nudge: a thank-you for its interviewer, or a follow-up."""
        with self.store.transaction(person) as book:
            nudge = book.nudge(number)
            interview = book.interview(nudge.interview_id) if nudge else None
            process = book.process(interview.process_id) if interview else None
            profile = book.profile
        if nudge is None or interview is None or process is None:
            raise NudgeChangeRefused(f"You have no item #{number} with a draft.")
        author = Author(profile.my_name, profile.strengths)
        if nudge.rule in DRAFTED_THANKS:
            who = next((i for i in interview.interviewers if i.name == nudge.interviewer), None)
            return thank_you_draft(drafts, interview, who, author)
        today = self.clock.now().astimezone(zone(interview.tz)).date()
        after = process.expected_on is not None and today > process.expected_on
        return follow_up_draft(drafts, follow_up_kind(process, after), interview, author)

    def draft_context(self, person: Person, text: str) -> DraftContext:
        """The names a draft should use (those of the interview it names, else the latest),
        and every name of the person's that the checker must not flag."""
        with self.store.transaction(person) as book:
            interviews = sorted(book.interviews(), key=lambda i: i.starts_at)
            profile = book.profile
        named = [i for i in interviews if i.company.casefold() in text.casefold()]
        latest = (named or interviews or [None])[-1]
        others = tuple(
            name
            for i in interviews
            for name in (i.company, i.role, *(x.name for x in i.interviewers))
        )
        return DraftContext(
            company=latest.company if latest else "",
            role=latest.role if latest else "",
            interviewers=tuple(x.name for x in latest.interviewers) if latest else (),
            sender=profile.my_name,
            others=others,
        )

    def undo(self, person: Person) -> str:
        """Revert the person's last change, if it was made within the last few minutes."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            last = book.last_change()
            if last is None:
                raise NudgeChangeRefused("There is nothing to undo.")
            description, at = last
            if now - at > UNDO_WINDOW:
                minutes = int(UNDO_WINDOW.total_seconds() // 60)
                raise NudgeChangeRefused(
                    f"Your last change ({escape(description)}) is more than {minutes} minutes "
                    "old, so I can't undo it any more."
                )
            book.undo_last_change()
        return description

    def message_nudges(self, person: Person, message_ts: str) -> list[Nudge]:
        with self.store.transaction(person) as book:
            found = [n for n in book.nudges() if n.message_ts == message_ts]
        return sorted(found, key=lambda n: n.number)

    def claim_due(self) -> list[DueBatch]:
        """Due nudges by person, marked `sending` durably before any Slack call.

        A nudge that would contact an employer after the process closed is cancelled here:
        the guard holds even for nudges planned before the outcome was known. One that comes
        due at night (the bot was down, or time jumped) waits for the person's morning.
        """
        now = self.clock.now()
        due: dict[Person, list[int]] = {}
        for person, number in self.store.take_due(now):
            due.setdefault(person, []).append(number)
        batches = []
        for person, numbers in due.items():
            with self.store.transaction(person) as book:
                profile = book.profile
                local_now = now.astimezone(zone(profile.tz))
                window = profile.window or self.playbook.day
                morning = settle_in_day(local_now, window)
                if profile.paused_until is not None and now < profile.paused_until:
                    morning = settle_in_day(
                        profile.paused_until.astimezone(local_now.tzinfo), window
                    )
                retry_pending = _retry_pending(book.nudges(), now)
                ready: list[Nudge] = []
                held: list[Nudge] = []
                unsure: set[int] = set()
                for number in numbers:
                    nudge = book.nudge(number)
                    if (
                        nudge is None
                        or nudge.state not in WAITING_STATES
                        or nudge.next_attempt_at > now
                    ):
                        continue
                    if nudge.contacts_employer and not nudge.closing and _closed(book, nudge):
                        held.append(cancel(nudge, now))
                    elif morning != local_now:
                        held.append(replace(nudge, due_at=morning, retry_at=None))
                    elif retry_pending is not None:
                        held.append(replace(nudge, retry_at=retry_pending))
                    else:
                        if nudge.state == NudgeState.SENDING or nudge.attempts:
                            unsure.add(nudge.number)
                        ready.append(start_sending(nudge))
                book.save_nudges(ready + held)
            if ready:
                ordered = sorted(ready, key=lambda n: (n.due_at, n.number))
                batches.append(
                    DueBatch(
                        person, ordered, frozenset(unsure), profile.tz or "UTC", profile.dm_channel
                    )
                )
        return batches

    def record_sent(self, person: Person, nudges: list[Nudge], channel: str, ts: str) -> None:
        with self.store.transaction(person) as book:
            current = [book.nudge(n.number) for n in nudges]
            book.save_nudges(
                [mark_sent(n, channel, ts) for n in current if n and n.state == NudgeState.SENDING]
            )

    def record_failed(self, person: Person, nudges: list[Nudge]) -> None:
        """The send failed: keep the nudges due and try again later, never drop them."""
        now = self.clock.now()
        with self.store.transaction(person) as book:
            current = [book.nudge(n.number) for n in nudges]
            book.save_nudges(
                [retry_later(n, now) for n in current if n and n.state == NudgeState.SENDING]
            )


def _pending_follow_ups(book: PersonBook, round_ids: set[int], now: datetime) -> list[Nudge]:
    """A process's follow-ups not yet sent, cancelled: a change of plans replaces them."""
    return [
        cancel(n, now)
        for n in book.nudges()
        if n.interview_id in round_ids and n.rule == FOLLOW_UP and n.state == NudgeState.SCHEDULED
    ]


def _closed(book: PersonBook, nudge: Nudge) -> bool:
    """The guard at send time: is the employer this nudge would contact out of the picture?"""
    interview = book.interview(nudge.interview_id)
    process = book.process(interview.process_id) if interview else None
    return process is None or process.closed


def _retry_pending(nudges: list[Nudge], now: datetime) -> datetime | None:
    """When a failed send will be retried; later nudges wait for it, so order is kept."""
    waiting = [
        n.retry_at
        for n in nudges
        if n.state == NudgeState.SCHEDULED and n.retry_at is not None and n.retry_at > now
    ]
    return min(waiting) if waiting else None


def _latest_sent(nudges: list[Nudge]) -> Nudge | None:
    sent = [n for n in nudges if n.state == NudgeState.SENT]
    if sent:
        return max(sent, key=lambda n: (float(n.message_ts or 0), n.number))
    return None


def _open_process_for(processes: list[Process], company: str) -> Process | None:
    name = company.casefold().strip()
    found = [p for p in processes if not p.closed and p.company.casefold().strip() == name]
    return max(found, key=lambda p: p.id) if found else None


def _one_process(processes: list[Process], interviews: list[Interview], target: str) -> Process:
    """Resolve "acme", "#3" (any round's id) or nothing (when there is only one open)."""
    wanted = target.strip().lstrip("#").strip()
    if wanted.isdigit():
        owner = next((i.process_id for i in interviews if i.id == int(wanted)), None)
        found = [p for p in processes if p.id == owner]
    elif wanted:
        found = matching_processes(processes, wanted)
    else:
        found = [p for p in processes if not p.closed]
    if len(found) == 1:
        return found[0]
    if not found:
        if not wanted:
            raise NudgeChangeRefused("Which company? For example: `acme rejected`.")
        raise NudgeChangeRefused(
            f"I can't find an interview with {escape(shorten(wanted, 60))}. "
            "`/interview list` shows them with their numbers."
        )
    choices = ", ".join(f"`#{p.id}` {escape(p.company)} ({escape(p.role)})" for p in found[:10])
    raise NudgeChangeRefused(
        f"Which one do you mean? {choices}. Use the number, like `#{found[0].id}`."
    )


def _process_and_date(
    processes: list[Process],
    interviews: list[Interview],
    target: str,
    when_text: str,
    now: datetime,
    tz: str,
) -> tuple[Process, date]:
    """Split "acme corp dec 12" into a process and a date when no split was given."""
    if target:
        process = _one_process(processes, interviews, target)
        decided = parse_date(when_text, now=now, tz=tz)
        if decided is None:
            raise NudgeChangeRefused(
                f"I couldn't read the date '{escape(shorten(when_text, 40))}'."
            )
        return process, decided
    words = when_text.split()
    for cut in range(1, len(words)):
        name, rest = " ".join(words[:cut]), " ".join(words[cut:])
        if matching_processes(processes, name) or name.lstrip("#").isdigit():
            decided = parse_date(rest, now=now, tz=tz)
            if decided is not None:
                return _one_process(processes, interviews, name), decided
    raise NudgeChangeRefused(
        "Tell me the company and the date, like `/interview expect acme dec 12`."
    )


def _edited(interview: Interview, field: str, value: str, *, now: datetime, tz: str) -> Interview:
    """The interview with one field changed, checked like `/interview add` checks it."""
    field = field.lower().strip()
    value = value.strip()
    if field not in EDITABLE:
        raise NudgeChangeRefused(
            f"I can change {', '.join(EDITABLE)}. For example: `/interview edit {interview.id} "
            "when tomorrow 3pm` or `/interview edit {interview.id} with Jane Doe and Bob`.".replace(
                "{interview.id}", str(interview.id)
            )
        )
    duration = interview.ends_at - interview.starts_at
    base = (
        f"{interview.company}, {interview.role}, "
        f"{interview.starts_at.astimezone(zone(interview.tz)):%Y-%m-%d %H:%M}, "
        f"for {int(duration.total_seconds() // 60)}m"
    )
    replaced = {
        "company": f"{value}, {interview.role}, " + base.split(", ", 2)[2],
        "role": f"{interview.company}, {value}, " + base.split(", ", 2)[2],
        "when": f"{interview.company}, {interview.role}, {value}, "
        f"for {int(duration.total_seconds() // 60)}m",
        "for": f"{interview.company}, {interview.role}, "
        f"{interview.starts_at.astimezone(zone(interview.tz)):%Y-%m-%d %H:%M}, for {value}",
        "with": base,
    }[field]
    try:
        request = parse_add(
            replaced + (f", with {value}" if field == "with" else ""),
            now=now,
            tz=interview.tz if field != "when" else tz,
        )
    except AddInputError as problem:
        raise NudgeChangeRefused(escape(problem.problem)) from None
    interviewers = request.interviewers if field == "with" else interview.interviewers
    return replace(
        interview,
        company=request.company,
        role=request.role,
        starts_at=request.starts_at.astimezone(UTC),
        ends_at=(request.starts_at + request.duration).astimezone(UTC),
        interviewers=interviewers,
    )
