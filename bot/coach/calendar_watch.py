"""The person's calendar feed: set, stopped, polled politely under a lease, and followed.

Fetch with the safe fetcher, read with the domain (`calendar_feed`, `feed_watch`,
`feed_polling`), offer the interview-like events once, and move or cancel the tracked ones
when their event moves or is cancelled. What the person is to be told comes back as a
`FeedNews` for the caller to post: the coach knows nothing of Slack.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.coach.capture import Offer, event_offer
from bot.coach.coach import Coach
from bot.domain.calendar_feed import FeedError, FeedEvent, InterviewMatch, read_feed
from bot.domain.changes import Plan
from bot.domain.feed_polling import (
    PollState,
    after_failure,
    after_success,
    first_poll,
    retry_after,
    should_tell,
)
from bot.domain.feed_watch import CalendarFeed, FollowedEvent, own_domains_of, poll_changes
from bot.domain.interview import Interview, Person
from bot.domain.nudge import NudgeChangeRefused, cancel
from bot.domain.text import shorten
from bot.domain.timing import zone
from bot.feeds.address import AddressError, FeedAddress
from bot.feeds.fetch import FeedFetcher, FetchError, TooLarge, Validators
from bot.feeds.sealing import Sealer, SealError

LOGGER = logging.getLogger(__name__)

#: How long one replica holds a feed it claimed: long enough for one fetch and its writes.
FEED_LEASE = timedelta(minutes=2)
#: Seconds one poll round may take before it leaves the rest to the next round.
ROUND_BUDGET = 45.0
#: When a switched-off feed is next due: never (it has no address to read).
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


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
        with self.store.transaction(person):
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
        items = tuple(
            dict.fromkeys(w.strip().lower().lstrip("@") for w in text.split(",") if w.strip())
        )[:20]
        items = tuple(shorten(w, 60) for w in items)
        with self.store.transaction(person):
            feed = self.store.calendar_feed(person)
            if feed is None or not feed.sealed:
                return "Set your calendar first: `/interview calendar <secret iCal address>`."
            if kind == "domain":
                self.store.save_calendar_feed(person, replace(feed, own_domains=items))
            else:
                self.store.save_calendar_feed(person, replace(feed, keywords=items))
        if kind == "domain":
            shown = ", ".join(items) or "none"
            return f"Your own work domains: {shown}. Their hiring loops are not your interviews."
        return f"Your interview words: {', '.join(items) or 'none'}."

    def stop(self, person: Person) -> bool:
        """Forget the address and stop reading; True if there was one.

        The events already offered (their keys and fingerprints, nothing of the address) are
        kept, so a calendar switched on again never offers them twice; `forget` drops them."""
        with self.store.transaction(person):
            feed = self.store.calendar_feed(person)
            if feed is None or not feed.sealed:
                return False
            off = replace(feed, sealed="", poll=PollState(next_at=NEVER))
            self.store.save_calendar_feed(person, off)
        return True

    def tracked(self, person: Person, key: str, interview_id: int) -> None:
        """The person added the offered event `key` as interview `interview_id`: follow it."""
        with self.store.transaction(person):
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
        if feed is None or not feed.sealed or feed.poll.next_at > now:
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
            self._record(person, feed, poll)
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
        if not self._record(person, feed, poll, changes.events):
            return FeedNews()  # switched off or set anew meanwhile: this reading is stale
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
            if feed is None or not feed.sealed:
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
        if not self._record(person, feed, poll):
            return FeedNews()
        LOGGER.info("Calendar feed of %s failed (%d in a row)", person.user_id, poll.failures)
        return FeedNews(problem=problem if tell else "")

    def _record(
        self,
        person: Person,
        read: CalendarFeed,
        poll: PollState,
        events: Mapping[str, FollowedEvent] | None = None,
    ) -> bool:
        """Save what a poll found, unless the feed was switched off or set to another address
        while it ran (False then); interviews tracked meanwhile are kept. The record is read
        again after the fetch; new events are saved under the person's lock, as the person's
        own changes to the feed are (a 304 only moves the poll state, without the lock: most
        polls are that, and taking the lock would double their cost)."""
        if events is None:
            return self._save_poll(person, read, poll, None)
        with self.store.transaction(person):
            return self._save_poll(person, read, poll, events)

    def _save_poll(
        self,
        person: Person,
        read: CalendarFeed,
        poll: PollState,
        events: Mapping[str, FollowedEvent] | None,
    ) -> bool:
        current = self.store.calendar_feed(person)
        if current is None or current.sealed != read.sealed:
            return False
        kept = dict(current.events if events is None else events)
        for key, now_known in current.events.items():
            if now_known.interview_id and key in kept and not kept[key].interview_id:
                kept[key] = replace(kept[key], interview_id=now_known.interview_id)
        self.store.save_calendar_feed(person, replace(current, poll=poll, events=kept))
        return True

    def _offer(self, match: InterviewMatch, *, now: datetime, tz: str) -> Offer:
        return event_offer(match.event, match.reasons, now=now, tz=tz)

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
