"""The coach: the product's operations for one person at a time, each durable before it returns.

Listeners (Slack, the console) call these. Each opens the person's transaction, lets the
module that owns the concern (interviews, items, outcomes, settings, overview) do the work on
the person's book, and, for what the person may want to take back, records it for undo.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.coach import (
    debriefs,
    interviews,
    items,
    offers,
    outcomes,
    overview,
    replies,
    settings,
)
from bot.coach.plans import paused_until, person_day
from bot.coach.undo import UndoRecorder, last_change, undo_last_change
from bot.domain.changes import NudgeChange, OutcomeChange, Plan
from bot.domain.draft_check import DraftContext
from bot.domain.drafts import DraftBook
from bot.domain.interview import Debrief, Interview, Outcome, Person, Process, Profile
from bot.domain.nudge import Nudge, NudgeChangeRefused
from bot.domain.overview import Overview
from bot.domain.parsing import InterviewRequest
from bot.domain.playbook import Playbook
from bot.domain.text import escape
from bot.domain.timing import (
    Day,
    is_known_zone,
    next_morning,
    next_week,
    place,
    settle_in_day,
    zone,
)
from bot.domain.understanding import Situation
from bot.storage.protocol import Store

LOGGER = logging.getLogger(__name__)

#: "Later today" as a snooze choice.
LATER_TODAY = timedelta(hours=3)
#: How long a change can still be undone.
UNDO_WINDOW = timedelta(minutes=10)
#: Slack may change a person's zone (travel, DST rules); ask again after this long.
TIMEZONE_FRESHNESS = timedelta(days=1)


class Coach:
    """The product's operations over a Store, in the clock's time."""

    def __init__(self, store: Store, playbook: Playbook, clock: Clock) -> None:
        self.store = store
        self.playbook = playbook
        self.clock = clock

    @contextmanager
    def _changing(self, person: Person, now: datetime) -> Iterator[UndoRecorder]:
        """A transaction whose changes the person can undo (describe them with `finish`)."""
        with self.store.transaction(person) as book:
            yield UndoRecorder(book, now)

    # -- who the person is -------------------------------------------------------------------

    def profile(self, person: Person) -> Profile:
        with self.store.transaction(person) as book:
            return book.profile

    def timezone(self, person: Person) -> str:
        return self.profile(person).tz or "UTC"

    def window(self, person: Person) -> Day:
        """The person's working window: their own, or the playbook's default."""
        return person_day(self.profile(person), self.playbook)

    def knows_timezone(self, person: Person) -> bool:
        checked = self.profile(person).tz_checked_at
        return checked is not None and self.clock.now() - checked < TIMEZONE_FRESHNESS

    def remember_timezone(self, person: Person, tz: str | None) -> tuple[str, bool]:
        """Store what Slack said and return the zone to use, and whether the person should
        hear that Slack's zone is not one the coach knows (said once per unknown name).

        Without a usable zone from Slack the last known one stays, else UTC.
        """
        with self.store.transaction(person) as book:
            profile = book.profile
            unknown = tz is not None and not is_known_zone(tz)
            zone_name = (None if unknown else tz) or profile.tz or "UTC"
            book.save_profile(
                replace(
                    profile,
                    tz=zone_name,
                    tz_checked_at=self.clock.now(),
                    tz_unknown=tz if unknown else None,
                )
            )
        return zone_name, unknown and profile.tz_unknown != tz

    def remember_home_opened(self, person: Person) -> None:
        """From now on the Home tab is kept current after every change."""
        with self.store.transaction(person) as book:
            profile = book.profile
            if not profile.home_opened:
                book.save_profile(replace(profile, home_opened=True))

    def remember_dm_channel(self, person: Person, channel: str) -> None:
        with self.store.transaction(person) as book:
            book.save_profile(replace(book.profile, dm_channel=channel))

    def welcome_back(self, person: Person) -> bool:
        """The person used the coach: resume a delivery Slack had parked. True if it was."""
        with self.store.transaction(person) as book:
            profile = book.profile
            if profile.delivery_parked is None:
                return False
            book.save_profile(replace(profile, delivery_parked=None))
        LOGGER.info(
            "Delivery to %s/%s resumes: they used the coach again", person.team_id, person.user_id
        )
        return True

    # -- interviews --------------------------------------------------------------------------

    def add_interview(self, person: Person, request: InterviewRequest) -> Plan:
        """Store the interview and its planned nudges in one durable write."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            plan = interviews.add(book, self.playbook, request, now)
            book.finish(f"adding the {request.company} interview")
        LOGGER.info("Interview %s added with %d nudges", plan.interview.id, len(plan.nudges))
        return plan

    def interview(self, person: Person, interview_id: int) -> Interview | None:
        with self.store.transaction(person) as book:
            return book.interview(interview_id)

    def edit_interview(self, person: Person, interview_id: int, field: str, value: str) -> Plan:
        """Change one field; the interview's nudges not yet sent are planned again."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self._changing(person, now) as book:
            plan = interviews.edit(book, self.playbook, interview_id, field, value, now=now, tz=tz)
            book.finish(f"editing the {plan.interview.company} interview")
        return plan

    def remove_interview(self, person: Person, interview_id: int) -> Interview:
        """Delete an interview and its nudges (and its process, when it was the only round)."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            interview = interviews.remove(book, self.playbook, interview_id, now)
            book.finish(f"removing the {interview.company} interview")
        return interview

    # -- items -------------------------------------------------------------------------------

    def mark(self, person: Person, number: int | None, verb: str) -> NudgeChange:
        """Done or skip, by number or (None) the latest nudge the person was sent."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            nudge = items.target(book, number, verb)
            change = items.mark(book, self.playbook, nudge, verb, now)
            book.finish(f"{verb} #{nudge.number}")
        return change

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
        with self._changing(person, now) as book:
            nudge = items.target(book, number, "snooze")
            until = place(
                until,
                window,
                now=now,
                tz=self.timezone(person),
                paused_until=paused_until(book, now),
            )
            change = items.snooze_until(book, self.playbook, nudge, until, now)
            book.finish(f"snooze #{nudge.number}")
        return change

    def nudge_interview(self, person: Person, number: int) -> Interview | None:
        """The interview item `number` is about, if both are still there."""
        with self.store.transaction(person) as book:
            nudge = book.nudge(number)
            return book.interview(nudge.interview_id) if nudge else None

    def message_nudges(self, person: Person, message_ts: str) -> list[Nudge]:
        with self.store.transaction(person) as book:
            return book.nudges_in_message(message_ts)

    # -- outcomes ----------------------------------------------------------------------------

    def find_process(self, person: Person, target: str) -> Process:
        """The one process `target` names; refuses with the choices when it is not clear."""
        with self.store.transaction(person) as book:
            return outcomes.find(book, target)

    def set_outcome(self, person: Person, target: str, outcome: Outcome) -> OutcomeChange:
        """Record where a process stands, and change the plans to fit at once."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            process = outcomes.find(book, target)
            change = outcomes.record(book, self.playbook, process, outcome, now)
            book.finish(f"marking {process.company} {outcome.value}")
        return change

    def situation(self, person: Person) -> Situation:
        """What a reply in the DM may refer to: open items, processes, the latest message."""
        with self.store.transaction(person) as book:
            return replies.situation(book, self.clock.now())

    def record_confirmed(
        self,
        person: Person,
        process_id: int,
        outcome: Outcome,
        *,
        searching: bool | None = None,
        said: str = "",
    ) -> OutcomeChange:
        """An outcome said in words and confirmed with its button, with what it does to
        the search (accepting an offer ends it; declining one goes back to it)."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            return replies.record_confirmed(
                book, self.playbook, process_id, outcome, searching, now, said=said or outcome
            )

    def answer_offer(self, person: Person, number: int, accepted: bool) -> OutcomeChange:
        """The Accepted or Declined button on an offer plan's item: that item is done, and
        the offer is answered (accepting ends the search, declining goes back to it)."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            change = offers.answer(book, self.playbook, number, accepted, now)
            verb = "accepting" if accepted else "declining"
            book.finish(f"{verb} the {change.process.company} offer")
        return change

    def debrief(
        self, person: Person, interview_id: int | None, debrief: Debrief, target: str = ""
    ) -> debriefs.DebriefChange:
        """The answers to "How did it go?" for an interview (by id, or the one `target`
        names): kept, and fed to the drafts, the follow-up timing and the thank-you list."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self._changing(person, now) as book:
            if interview_id is None:
                interview_id = debriefs.interview_meant(book, target, now).id
            change = debriefs.record(book, self.playbook, interview_id, debrief, now=now, tz=tz)
            book.finish(f"your notes on the {change.interview.company} interview")
        return change

    def references_asked(self, person: Person, target: str) -> OutcomeChange:
        """The employer asked for references: the heads-up to them comes now."""
        now = self.clock.now()
        with self._changing(person, now) as book:
            process = outcomes.find(book, target)
            change = outcomes.references_asked(book, self.playbook, process, now)
            book.finish(f"noting that {process.company} asked for references")
        return change

    def searching(self, person: Person, active: bool) -> None:
        """The person is done searching (no keep-applying advice), or back at it."""
        with self.store.transaction(person) as book:
            settings.searching(book, self.playbook, active, self.clock.now())

    def change_country(self, person: Person, code: str) -> str:
        """Whose public holidays are the person's days off; returns the country in use."""
        with self.store.transaction(person) as book:
            return settings.change_country(book, self.playbook, code, self.clock.now())

    def expect_decision(self, person: Person, target: str, when_text: str) -> OutcomeChange:
        """Record the date they said they would decide by; the follow-up keys off it."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self._changing(person, now) as book:
            change = outcomes.expect_decision(
                book, self.playbook, target, when_text, now=now, tz=tz
            )
            decided = change.process.expected_on
            book.finish(f"expecting {change.process.company} by {decided:%b %d}")
        return change

    def log_follow_up(self, person: Person, target: str) -> OutcomeChange:
        """The person says they followed up: logged, unless it is too soon after the last."""
        now = self.clock.now()
        tz = self.timezone(person)
        with self._changing(person, now) as book:
            process = outcomes.find(book, target)
            change = outcomes.log_follow_up(book, self.playbook, process, now=now, tz=tz)
            book.finish(f"logging a follow-up with {process.company}")
        return change

    def undo(self, person: Person) -> tuple[str, list[Nudge]]:
        """Revert the person's last change, if it was made within the last few minutes.

        Returns its description and the sent nudges whose messages should be redrawn.
        """
        now = self.clock.now()
        with self.store.transaction(person) as book:
            last = last_change(book)
            if last is None:
                raise NudgeChangeRefused("There is nothing to undo.")
            description, at = last
            if now - at > UNDO_WINDOW:
                minutes = int(UNDO_WINDOW.total_seconds() // 60)
                raise NudgeChangeRefused(
                    f"Your last change ({escape(description)}) is more than {minutes} minutes "
                    "old, so I can't undo it any more."
                )
            redraw = undo_last_change(book, now)
        return description, redraw

    # -- settings ----------------------------------------------------------------------------

    def change_window(
        self,
        person: Person,
        days: frozenset[int] | None,
        starts: time | None,
        ends: time | None,
    ) -> Day:
        """Set the person's working window; nudges outside it wait for its next opening."""
        with self.store.transaction(person) as book:
            return settings.change_window(book, self.playbook, days, starts, ends, self.clock.now())

    def pause(self, person: Person, until: datetime) -> datetime:
        """Hold every nudge until `until` (a holiday, a break); nothing is dropped."""
        with self.store.transaction(person) as book:
            return settings.pause(book, self.playbook, until, self.clock.now())

    def resume(self, person: Person) -> list[Nudge]:
        """End a pause: everything held comes at the window's next opening, as one digest."""
        with self.store.transaction(person) as book:
            return settings.resume(book, self.playbook, self.clock.now())

    def set_profile(self, person: Person, *, name: str | None, strengths: str | None) -> Profile:
        """What drafts sign with and stress: kept short, shown back escaped."""
        with self.store.transaction(person) as book:
            settings.set_profile(book, name=name, strengths=strengths)
            return book.profile

    # -- what the person sees ----------------------------------------------------------------

    def overview(self, person: Person) -> Overview:
        with self.store.transaction(person) as book:
            return overview.overview(book, self.clock.now())

    def calendar(self, person: Person) -> bytes:
        """The person's interviews and coming follow-ups as an .ics file."""
        with self.store.transaction(person) as book:
            return overview.calendar(book, person, self.clock.now())

    def export(self, person: Person) -> bytes:
        """Everything the coach stores about the person, as JSON they can keep."""
        with self.store.transaction(person) as book:
            return overview.export(book, person, self.clock.now())

    def forget(self, person: Person) -> None:
        """Delete everything the coach stores about the person, files included."""
        self.store.forget(person)
        LOGGER.info("Forgot everything about a person on request")

    def example(self, person: Person) -> tuple[str, int] | None:
        """The person's latest company and interview number, for examples in help."""
        with self.store.transaction(person) as book:
            interviews = book.interviews()
        if not interviews:
            return None
        latest = max(interviews, key=lambda i: i.id)
        return latest.company, latest.id

    def draft(self, person: Person, number: int, drafts: DraftBook) -> str:
        """The draft that fits a nudge: a thank-you for its interviewer, or a follow-up."""
        with self.store.transaction(person) as book:
            return overview.draft(
                book, number, drafts, self.clock.now(), follow_ups=self.playbook.follow_ups.max
            )

    def draft_context(self, person: Person, text: str) -> DraftContext:
        with self.store.transaction(person) as book:
            return overview.draft_context(book, text)
