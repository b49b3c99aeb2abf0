"""Interviews found without typing: a pasted invitation, an .ics file, the person's calendar feed.

Reading is the domain's (`invitation`, `calendar_feed`, `feed_watch`); this module turns what
was read into an add request or a filled form, keeps the calendar feed (its address sealed)
and polls it: fetch politely, offer the interview-like events once, and follow the tracked
ones when they move or are cancelled. What the person is told is returned as a `FeedNews`
for the caller to post: the coach knows nothing of Slack.
"""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.coach.coach import Coach
from bot.domain.calendar_feed import FeedError, FeedEvent, InterviewMatch, Status, read_feed
from bot.domain.changes import Plan
from bot.domain.feed_polling import (
    after_failure,
    after_success,
    first_poll,
    retry_after,
    should_tell,
)
from bot.domain.feed_watch import CalendarFeed, event_invitation, own_domains_of, poll_changes
from bot.domain.interview import Interview, Person
from bot.domain.invitation import Invitation, form_values, read_invitation
from bot.domain.nudge import NudgeChangeRefused, cancel
from bot.domain.parsing import (
    AddInputError,
    InterviewRequest,
    form_field_of,
    parse_add,
    read_add_form,
)
from bot.domain.text import shorten
from bot.domain.timing import zone
from bot.feeds.address import AddressError, FeedAddress
from bot.feeds.fetch import FeedFetcher, FetchError, TooLarge, Validators
from bot.feeds.sealing import Sealer, SealError

LOGGER = logging.getLogger(__name__)

#: How long one replica holds a feed it claimed: long enough for one fetch and its writes.
FEED_LEASE = timedelta(minutes=2)
#: Where the form's fields come from when the invitation gave no length.
DEFAULT_LENGTH = "60"
#: Seconds one poll round may take before it leaves the rest to the next round.
ROUND_BUDGET = 45.0
#: The largest .ics file read from the DM: an invitation is a few kilobytes.
MAX_ICS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Reading:
    """What a pasted text or a file gave: a request ready to add, or form values to check."""

    invitation: Invitation
    values: dict[str, str]
    request: InterviewRequest | None = None
    #: (field, words) for the form's hint, when something is missing or unsure.
    problem: tuple[str, str] | None = None


@dataclass(frozen=True)
class Offer:
    """An interview-like event to offer as "Track this interview?"."""

    key: str
    summary: str
    starts_at: datetime
    values: dict[str, str]
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedNews:
    """What one poll of a feed has to tell the person."""

    offers: tuple[Offer, ...] = ()
    moved: tuple[tuple[Interview, Plan | None, str], ...] = ()
    cancelled: tuple[Interview, ...] = ()
    problem: str = ""

    @property
    def any(self) -> bool:
        return bool(self.offers or self.moved or self.cancelled or self.problem)


_NAMES = {
    "company": "the company",
    "role": "the role",
    "date": "the date",
    "time": "the time",
    "duration": "the length",
    "interviewers": "the interviewers",
}


def _problem(invitation: Invitation) -> tuple[str, str] | None:
    """The first field to check, and a hint naming every field the invitation left unsure."""
    gaps = [f for f in _NAMES if f in invitation.unsure or f in invitation.missing]
    if not gaps:
        return None
    field_name = next((f for f in gaps if f not in ("duration", "interviewers")), gaps[0])
    words = ", ".join(_NAMES[f] for f in gaps)
    return field_name, f"Please check {words}: I could not read it all from the invitation."


def reading(invitation: Invitation, *, now: datetime, tz: str) -> Reading:
    """The request when the invitation was read fully and the form's own checks accept it;
    else the values for a filled form and what to check."""
    values = form_values(invitation, tz=tz)
    problem = _problem(invitation)
    if problem is None and invitation.complete:
        try:
            request = read_add_form(
                {**values, "duration": values.get("duration") or DEFAULT_LENGTH}, now=now, tz=tz
            )
        except AddInputError as error:
            return Reading(
                invitation, values, problem=(form_field_of(error.problem), error.problem)
            )
        if invitation.remark:
            request = replace(request, remark=invitation.remark)
        return Reading(invitation, values, request=request)
    return Reading(invitation, values, problem=problem)


def looks_pasted(text: str, *, now: datetime, tz: str) -> bool:
    """`add` text that is an invitation rather than the one-line form: several lines, or
    a line `/interview add` cannot read in which the invitation reader finds a company and
    a start (a recruiter's message pasted whole)."""
    if "\n" in text.strip():
        return True
    try:
        parse_add(text, now=now, tz=tz)
    except AddInputError:
        found = read_invitation(text, now=now, tz=tz)
        return bool(found.company) and found.starts_at is not None
    return False


def ics_offers(data: bytes, *, now: datetime, tz: str) -> tuple[Offer, ...]:
    """The events of an .ics file (an invitation attachment), each as an offer; the file is
    an invitation already, so every timed event in it counts. Raises FeedError."""
    events = read_feed(
        data, now=now, tz=tz, look_back=timedelta(days=30), look_ahead=timedelta(days=730)
    )
    return tuple(_offer(e, (), now=now, tz=tz) for e in events if e.status is not Status.CANCELLED)


def _offer(event: FeedEvent, reasons: tuple[str, ...], *, now: datetime, tz: str) -> Offer:
    return Offer(
        key=event.key,
        summary=event.summary,
        starts_at=event.starts_at,
        values=form_values(event_invitation(event, now=now, tz=tz), tz=tz),
        reasons=reasons,
    )


class CalendarWatch:
    """The person's calendar feed: set, stopped, polled under a lease, followed."""

    def __init__(
        self,
        coach: Coach,
        fetcher: FeedFetcher,
        *,
        sealer: Sealer | None,
        owner: str | None = None,
        lease: timedelta = FEED_LEASE,
    ) -> None:
        self.coach = coach
        self.store = coach.store
        self.fetcher = fetcher
        self.sealer = sealer
        self.owner = owner or f"feeds-{uuid.uuid4().hex[:12]}"
        self.lease = lease

    # -- the person's requests --------------------------------------------------------------

    def set_feed(self, person: Person, text: str) -> str:
        """Keep the address sealed and poll it soon; the answer in words. A new address
        keeps the events already offered, so none is offered twice."""
        if self.sealer is None:
            return (
                "Calendar feeds are not switched on for this coach (it needs a key in "
                "COACH_FEED_KEY). Ask whoever runs it."
            )
        try:
            address = FeedAddress(text)
        except AddressError as error:
            return error.problem
        now = self.coach.clock.now()
        before = self.store.calendar_feed(person)
        feed = CalendarFeed(
            sealed=self.sealer.seal(address.url),
            poll=first_poll(now),
            events=before.events if before is not None else {},
            own_domains=before.own_domains if before is not None else (),
            keywords=before.keywords if before is not None else (),
        )
        self.store.save_calendar_feed(person, feed)
        LOGGER.info("Calendar feed %s set for %s", address, person.user_id)
        return (
            ":calendar: Got it. I'll read your calendar every 15 minutes and ask you about "
            "events that look like interviews. `/interview calendar off` stops it."
        )

    def set_words(self, person: Person, kind: str, text: str) -> str:
        """`domain acme.com, acme.io` (the person's own work domains) or `words onsite, loop`
        (their own interview words); the answer in words."""
        feed = self.store.calendar_feed(person)
        if feed is None:
            return "Set your calendar first: `/interview calendar <secret iCal address>`."
        items = tuple(
            dict.fromkeys(w.strip().lower().lstrip("@") for w in text.split(",") if w.strip())
        )[:20]
        items = tuple(shorten(w, 60) for w in items)
        if kind == "domain":
            self.store.save_calendar_feed(person, replace(feed, own_domains=items))
            shown = ", ".join(items) or "none"
            return f"Your own work domains: {shown}. Their hiring loops are not your interviews."
        self.store.save_calendar_feed(person, replace(feed, keywords=items))
        return f"Your interview words: {', '.join(items) or 'none'}."

    def stop(self, person: Person) -> bool:
        """Forget the address and what was recorded with it; True if there was one."""
        if self.store.calendar_feed(person) is None:
            return False
        self.store.save_calendar_feed(person, None)
        return True

    def tracked(self, person: Person, key: str, interview_id: int) -> None:
        """The person added the offered event `key` as interview `interview_id`: follow it."""
        feed = self.store.calendar_feed(person)
        if feed is not None and key in feed.events:
            self.store.save_calendar_feed(person, feed.tracking(key, interview_id))

    # -- polling ----------------------------------------------------------------------------

    def poll_due(
        self, *, batch: int = 50, workers: int = 8, budget: float = ROUND_BUDGET
    ) -> list[tuple[Person, FeedNews]]:
        """Claim the due feeds a batch at a time (one replica at a time each), poll them on
        `workers` threads, release them; until none is due or `budget` seconds are spent (the
        next round goes on)."""
        told: list[tuple[Person, FeedNews]] = []
        polled: set[Person] = set()
        started = time.monotonic()
        with ThreadPoolExecutor(workers, thread_name_prefix="feed") as pool:
            while time.monotonic() - started < budget:
                now = self.coach.clock.now()
                claimed = self.store.claim_calendar_feeds(
                    now, owner=self.owner, lease=self.lease, limit=batch
                )
                fresh = [p for p in claimed if p not in polled]
                for person in claimed:
                    if person in polled:  # a poll that failed before saving: next round
                        self.store.release_calendar_feed(person, owner=self.owner)
                if not fresh:
                    break
                polled.update(fresh)
                for person, news in zip(fresh, pool.map(self._poll_held, fresh), strict=True):
                    if news.any:
                        told.append((person, news))
        return told

    def _poll_held(self, person: Person) -> FeedNews:
        """Poll a feed this replica holds, and let it go whatever happens."""
        try:
            return self.poll(person)
        except Exception:
            LOGGER.exception("Polling the calendar feed of %s failed", person.user_id)
            return self._broke(person)
        finally:
            self.store.release_calendar_feed(person, owner=self.owner)

    def poll(self, person: Person) -> FeedNews:
        """Fetch the feed if due, record what changed, and say what to tell the person."""
        feed = self.store.calendar_feed(person)
        now = self.coach.clock.now()
        if feed is None or feed.poll.next_at > now:
            return FeedNews()
        key = f"{person.team_id}/{person.user_id}"
        if self.sealer is None:
            return FeedNews()
        try:
            address = self.sealer.open(feed.sealed)
        except SealError as error:
            LOGGER.error("The calendar feed of %s cannot be opened: %s", person.user_id, error)
            return self._failed(person, feed, now, str(error), permanent=True)
        validators = Validators(feed.poll.etag, feed.poll.last_modified)
        try:
            fetched = self.fetcher.fetch(address, validators)
        except FetchError as error:
            return self._failed(
                person,
                feed,
                now,
                error.problem,
                permanent=error.permanent or isinstance(error, TooLarge),
                wait=retry_after(error.retry_after, now=now),
            )
        if not fetched.changed:
            poll = after_success(
                feed.poll,
                now=now,
                etag=fetched.validators.etag,
                last_modified=fetched.validators.last_modified,
                spread_key=key,
            )
            self.store.save_calendar_feed(person, replace(feed, poll=poll))
            return FeedNews()
        tz = self.coach.timezone(person)
        try:
            events = read_feed(fetched.body, now=now, tz=tz)
        except FeedError as error:
            return self._failed(person, feed, now, error.problem, permanent=True)
        own = (*feed.own_domains, *own_domains_of(events))
        changes = poll_changes(
            feed.events, events, now=now, own_domains=own, keywords=feed.keywords
        )
        poll = after_success(
            feed.poll,
            now=now,
            etag=fetched.validators.etag,
            last_modified=fetched.validators.last_modified,
            spread_key=key,
        )
        self.store.save_calendar_feed(person, replace(feed, poll=poll, events=changes.events))
        offers = tuple(self._offer(match, now=now, tz=tz) for match in changes.offers)
        moved = tuple(
            m for m in (self._move(person, iid, event) for iid, event in changes.moved) if m
        )
        cancelled = tuple(
            i for i in (self.cancel_interview(person, iid) for iid in changes.cancelled) if i
        )
        return FeedNews(offers=offers, moved=moved, cancelled=cancelled)

    def _broke(self, person: Person) -> FeedNews:
        """A poll that failed in a way nobody planned for backs off like any other failure,
        so the feed is not fetched again at once (the store may be what failed)."""
        try:
            feed = self.store.calendar_feed(person)
            if feed is None:
                return FeedNews()
            problem = "something went wrong on my side while reading it."
            return self._failed(person, feed, self.coach.clock.now(), problem, permanent=False)
        except Exception:
            LOGGER.exception("Could not record the failed poll of %s", person.user_id)
            return FeedNews()

    def _failed(
        self,
        person: Person,
        feed: CalendarFeed,
        now: datetime,
        problem: str,
        *,
        permanent: bool,
        wait: timedelta | None = None,
    ) -> FeedNews:
        """One more failure: back off, and tell the person once per run of failures."""
        poll = after_failure(
            feed.poll,
            now=now,
            problem=problem,
            wait_asked=wait,
            spread_key=f"{person.team_id}/{person.user_id}",
        )
        tell = should_tell(poll, permanent=permanent)
        if tell:
            poll = replace(poll, told=True)
        self.store.save_calendar_feed(person, replace(feed, poll=poll))
        LOGGER.info("Calendar feed of %s failed (%d in a row)", person.user_id, poll.failures)
        return FeedNews(problem=problem if tell else "")

    def _offer(self, match: InterviewMatch, *, now: datetime, tz: str) -> Offer:
        return _offer(match.event, match.reasons, now=now, tz=tz)

    def _move(
        self, person: Person, interview_id: int, event: FeedEvent
    ) -> tuple[Interview, Plan | None, str] | None:
        """Move the tracked interview to the event's new time and length (its plan re-made)."""
        interview = self.coach.interview(person, interview_id)
        if interview is None:
            return None
        starts = event.starts_at.astimezone(UTC)
        length = event.duration
        plan: Plan | None = None
        try:
            if starts != interview.starts_at:
                local = starts.astimezone(zone(self.coach.timezone(person)))
                plan = self.coach.edit_interview(
                    person, interview_id, "when", f"{local:%Y-%m-%d %H:%M}"
                )
            if length != interview.ends_at - interview.starts_at:
                minutes = int(length.total_seconds() // 60)
                plan = self.coach.edit_interview(person, interview_id, "for", f"{minutes}m")
        except NudgeChangeRefused as refusal:
            return interview, None, str(refusal)
        moved = self.coach.interview(person, interview_id) or interview
        return (moved, plan, "") if plan is not None else None

    def cancel_interview(self, person: Person, interview_id: int) -> Interview | None:
        """Mark the interview cancelled: its own reminders withdrawn, a note saying so."""
        now = self.coach.clock.now()
        with self.store.transaction(person) as book:
            interview = book.interview(interview_id)
            if interview is None:
                return None
            note = "Cancelled in your calendar."
            if note not in interview.notes:
                notes = f"{interview.notes}\n{note}".strip()
                book.save_interview(replace(interview, notes=notes))
            # Its own reminders and its follow-up go; the process is not settled again, which
            # would plan a follow-up for an interview that never took place.
            withdrawn = [cancel(n, now) for n in book.open_nudges([interview.id])]
            book.save_nudges(withdrawn)
        return interview


def read_pasted(text: str, *, now: datetime, tz: str) -> Reading:
    """A pasted invitation read into a request or a filled form."""
    return reading(read_invitation(text, now=now, tz=tz), now=now, tz=tz)
