"""Delivery: due nudges become direct messages, exactly once, in order, person by person.

- People are claimed from the store as leases and each is served on a worker of their own, so
  one person's slow, hanging or rate-limited DM never holds up anyone else's nudges. A replica
  claims only as many people as its workers can take soon, so the others share the rest and a
  lease never runs out on someone still waiting in the queue.
- A nudge is recorded `sending` before the Slack call and `sent` after it. Each message
  carries metadata naming its nudges, so when a send may have reached Slack unrecorded (the
  process died, or the answer was lost) delivery first looks in the DM for it instead of
  sending it again.
- Immediately before each post, under the person's lock, delivery checks again that every
  nudge is still its to send: a rejection, a `remove` or a `forget` made meanwhile wins. That
  check is fenced: it is the last step before the request (the token and the DM channel come
  before it), it needs the lease it claimed with (its fencing token) and enough of it left, on
  the database's clock, for the post to finish inside it. A replica that paused between that
  check and the post (a GC pause, SIGSTOP) may still post late; right after the post it looks
  again, and a message whose nudges are no longer its to carry (cancelled, changed, or sent by
  the replica that took over) is deleted, logged and counted.
- Slack's answers are read for what they mean: a `Retry-After` is a time to try that channel
  again (not a sleep), a person Slack cannot reach parks their delivery until they next use the
  coach, and a workspace whose token stopped working stops that workspace's delivery, loudly.
- Pacing (one message per second per DM) runs on the injected clock: a message that would come
  too soon is put back for the moment the channel is free.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.coach.plans import person_day
from bot.domain.interview import Person
from bot.domain.lifecycle import FOLLOW_UP, overtaken
from bot.domain.nudge import (
    Nudge,
    NudgeState,
    cancel,
    mark_sent,
    put_back,
    retry_later,
    start_sending,
)
from bot.domain.playbook import Playbook
from bot.domain.text import plural
from bot.domain.timing import WAKING_HOURS, Day, settle_in_day, zone
from bot.storage.protocol import PersonBook, Store

LOGGER = logging.getLogger(__name__)

#: How long a claimed person stays with one delivery worker before others may take over.
LEASE = timedelta(seconds=60)
#: Seconds between two messages to one DM (Slack's per-channel posting rate).
CHANNEL_GAP = timedelta(seconds=1)
#: People served at once; each waits on Slack for one person only.
WORKERS = 8
#: People a replica holds per worker: claimed again once a worker's worth of places is free.
HELD_PER_WORKER = 4
#: After an unexpected error, how long that person waits before delivery tries them again.
FAILURE_PAUSE = timedelta(seconds=30)
#: How long a post may take before it counts as failed (the Slack client's timeout).
POST_TIMEOUT = timedelta(seconds=10)
#: Lease left beyond the post's own timeout for a post to start: the request and its answer
#: both fit inside the lease, with room for the clocks of two machines to differ a little.
FENCE_MARGIN = timedelta(seconds=2)


class DeliveryProblem(Exception):
    """What Slack's answer means for a delivery, in the coach's terms."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TryLater(DeliveryProblem):
    """Not delivered, and Slack said so: try again at `retry_after` seconds, or back off."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class MaybeSent(DeliveryProblem):
    """The request may have reached Slack (no answer came): look in the DM before resending."""


class PersonUnreachable(DeliveryProblem):
    """Slack cannot deliver to this person (deactivated, unknown, the DM gone)."""


class WorkspaceUnreachable(DeliveryProblem):
    """The workspace's token no longer works (revoked, uninstalled, account inactive)."""


class Messenger(Protocol):
    """What delivery needs from Slack; the real one is `bot.slack.messenger.SlackMessenger`."""

    #: Nudges that fit in one message.
    digest_size: int

    def open_dm(self, person: Person) -> str: ...

    def prepare_post(
        self, channel: str, person: Person, nudges: list[Nudge], tz: str
    ) -> Callable[[], str]:
        """Everything slow a post needs (the workspace's token, the message); the callable
        returned makes only the request, and gives the message's ts."""
        ...

    def delete_message(self, person: Person, channel: str, ts: str) -> None: ...

    def update_nudges(
        self, channel: str, ts: str, person: Person, nudges: list[Nudge], tz: str
    ) -> None: ...

    def find_marked(self, person: Person, channel: str, marks: set[str]) -> dict[str, str]: ...


@dataclass(frozen=True)
class DueBatch:
    """One person's nudges to send now, marked `sending` under `claim`."""

    person: Person
    nudges: list[Nudge]
    tz: str
    dm_channel: str | None
    claim: str
    #: The fencing token of the lease the nudges were taken under.
    token: int


class Delivery:
    """Turns due nudges into DMs: one message per person per pass, a digest when several."""

    def __init__(
        self,
        store: Store,
        playbook: Playbook,
        clock: Clock,
        messenger: Messenger,
        *,
        workers: int = WORKERS,
        lease: timedelta = LEASE,
        channel_gap: timedelta = CHANNEL_GAP,
        post_timeout: timedelta = POST_TIMEOUT,
        before_post: Callable[[Person], None] | None = None,
    ) -> None:
        """`before_post` runs between the last check and the post (fault tests pause there)."""
        if lease <= post_timeout + FENCE_MARGIN:
            raise ValueError(
                f"a {lease.total_seconds():.0f} s lease cannot hold a post that may take "
                f"{post_timeout.total_seconds():.0f} s (plus {FENCE_MARGIN.total_seconds():.0f} s)"
            )
        self.store = store
        self.playbook = playbook
        self.clock = clock
        self.messenger = messenger
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._lease = lease
        self._channel_gap = channel_gap
        self._post_timeout = post_timeout
        self._before_post = before_post
        #: Messages taken back after they landed, and those that could not be.
        self.withdrawn_posts = 0
        self.withdrawal_failures = 0
        self._workers = workers
        #: People held at once: a few waiting behind each busy worker, so none idles between
        #: claims, and few enough that each is served well within the lease.
        self._queue_limit = HELD_PER_WORKER * workers
        self._more_due = False
        self._room_callback: Callable[[], None] | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="delivery")
        self._runs = itertools.count(1)
        self._lock = threading.Lock()
        self._claiming = threading.Lock()
        self._in_flight: set[Future[int]] = set()
        self._channel_free: dict[str, datetime] = {}
        self._stopped_teams: dict[str, str] = {}

    def deliver_due(self, *, wait_for_all: bool = False) -> int:
        """Start delivering to people with something due now, as many as the workers can take.

        Returns at once with the number of people started, or, with `wait_for_all`, keeps
        claiming as workers free up until nobody due is left, waits for every delivery under
        way (started here or elsewhere) and returns the nudges delivered.
        """
        started = self._claim_more()
        if not wait_for_all:
            return len(started)
        mine = set(started)
        delivered = 0
        while True:
            with self._claiming, self._lock:
                pending = set(self._in_flight)
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done & mine:
                delivered += future.result()
            mine -= done
            with self._lock:
                self._in_flight -= done
            mine |= set(self._claim_more())
        return delivered

    def when_room(self, callback: Callable[[], None]) -> None:
        """Call `callback` when workers free up while more people may be due: a replica claims
        only what it can serve soon, and comes back for the rest."""
        self._room_callback = callback

    @property
    def waiting_for_room(self) -> bool:
        """More people may be due than the workers could take: the `when_room` callback comes
        as soon as they can, so nobody needs to ask again before."""
        with self._lock:
            return self._more_due

    def _claim_more(self) -> list[Future[int]]:
        """Claim people for the free places, so a replica never holds more than it can serve
        within a lease, and the other replicas share the rest."""
        with self._claiming:  # what is claimed is in flight before anyone looks
            with self._lock:
                room = self._queue_limit - len(self._in_flight)
                if room <= 0:
                    self._more_due = True
                    return []
            people = self.store.claim_due(
                self.clock.now(),
                owner=self.owner,
                lease=self._lease,
                limit=room,
                skip_teams=set(self._stopped_teams),
            )
            with self._lock:
                self._more_due = len(people) >= room
            return [self._start(person) for person in people]

    def stopped_teams(self) -> dict[str, str]:
        """Workspaces whose delivery stopped, and why."""
        return dict(self._stopped_teams)

    def resume_team(self, team_id: str) -> None:
        """A workspace's token works again (a new install): deliver to it again."""
        self._stopped_teams.pop(team_id, None)

    def stop_team(self, team_id: str, reason: str) -> None:
        """Stop a workspace's delivery at once (it uninstalled the app): nothing is claimed for
        it from now on, and a send already under way finds no token to send with."""
        self._stopped_teams[team_id] = reason

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _start(self, person: Person) -> Future[int]:
        future = self._pool.submit(self._serve, person)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[int]) -> None:
        with self._lock:
            self._in_flight.discard(future)
            room = self._more_due and len(self._in_flight) <= self._queue_limit - self._workers
            if room:
                self._more_due = False
        if room and self._room_callback is not None:
            self._room_callback()

    def _serve(self, person: Person) -> int:
        """Deliver one person's due nudges; whatever happens, their lease ends here."""
        not_before: datetime | None = None
        delivered = 0
        try:
            batch = self._take_due(person)
            if batch is not None:
                delivered = self._send(batch)
        except Exception:
            LOGGER.exception("Delivering to %s failed; trying them again later", _name(person))
            not_before = self.clock.now() + FAILURE_PAUSE
        finally:
            self.store.release(person, owner=self.owner, not_before=not_before)
        return delivered

    # -- choosing what goes out --------------------------------------------------------------

    def _take_due(self, person: Person) -> DueBatch | None:
        """Mark the person's due nudges `sending`, durably, before any Slack call.

        A nudge that would contact an employer after the process closed is cancelled here. One
        that comes due outside the person's window (waking hours, for one with a deadline),
        or during a pause, waits for the next opening; one behind a failed send waits for that
        retry, so order is kept. What else is planned for later today comes along, so a day's
        items are one message, unless it is about an interview that has not ended yet.
        """
        now = self.clock.now()
        with self.store.transaction(person) as book:
            lease = self.store.lease(person, owner=self.owner, now=now)
            if lease is None:  # it waited past its lease and someone else has the person
                return None
            claim = f"{self.owner}:{lease.token}:{next(self._runs)}"
            profile = book.profile
            due = book.due_nudges(now)
            if profile.delivery_parked or not due:
                return None
            local_now = now.astimezone(zone(profile.tz))
            window = person_day(profile, self.playbook)
            paused = (
                profile.paused_until
                if profile.paused_until and now < profile.paused_until
                else None
            )
            start = max(local_now, paused.astimezone(local_now.tzinfo)) if paused else local_now
            waiting = book.waiting_nudges()
            retries = [n.retry_at for n in waiting if n.retry_at and n.retry_at > now]
            retry_pending = min(retries) if retries else None
            ready: list[Nudge] = []
            held: list[Nudge] = []
            for nudge in due:
                # One left `sending` by a crash may be in the DM already: it stays unsure.
                unsure = nudge.unsure or nudge.state == NudgeState.SENDING
                opening = settle_in_day(start, WAKING_HOURS if nudge.anytime else window)
                employer_gone = (
                    nudge.contacts_employer and not nudge.closing and _closed(book, nudge)
                )
                overtaken = (
                    not unsure and paused is None and self._overtaken(book, nudge, opening, window)
                )
                if employer_gone or overtaken:
                    held.append(cancel(nudge, now))
                elif opening != local_now:
                    held.append(replace(put_back(nudge, None, unsure=unsure), due_at=opening))
                elif retry_pending is not None:
                    held.append(put_back(nudge, retry_pending, unsure=unsure))
                else:
                    ready.append(start_sending(nudge, claim))
            if ready:
                taken = {n.number for n in due}
                ready += [
                    start_sending(n, claim)
                    for n in waiting
                    if n.number not in taken
                    and _later_today(book, self.playbook, n, local_now, now)
                ]
            book.save_nudges(ready + held)
        if not ready:
            return None
        ordered = sorted(ready, key=lambda n: (n.due_at, n.number))
        return DueBatch(
            person, ordered, profile.tz or "UTC", profile.dm_channel, claim, lease.token
        )

    def _overtaken(self, book: PersonBook, nudge: Nudge, moment: datetime, window: Day) -> bool:
        """Patience that would now arrive with, or just before, its process's follow-up (the
        coach was down, or held it for a pause) is no longer worth sending."""
        rule = self.playbook.rule(nudge.rule)
        if rule is None or rule.clear_of_follow_up is None:
            return False
        follow_up = _follow_up_of(book, nudge)
        tz = book.profile.tz or "UTC"
        return follow_up is not None and overtaken(
            self.playbook, nudge, moment, follow_up, tz=tz, day=window
        )

    # -- sending -----------------------------------------------------------------------------

    def _send(self, batch: DueBatch) -> int:
        person = batch.person
        try:
            channel = batch.dm_channel or self._open_dm(person)
            pending = self._already_delivered(batch, channel)
        except DeliveryProblem as problem:
            self._give_back(batch, batch.nudges, problem)
            return 0
        delivered = len(batch.nudges) - len(pending)
        size = max(self.messenger.digest_size, 1)
        for start in range(0, len(pending), size):
            rest = pending[start:]
            now = self.clock.now()
            free_at = self._channel_free.get(channel)
            if free_at is not None and free_at > now:
                self._put_back(person, batch.claim, rest, _at(free_at))
                break
            try:
                ready = self._ready_to_post(batch, channel, rest[:size])
            except DeliveryProblem as problem:
                self._give_back(batch, rest, problem, channel=channel)
                break
            if ready is None:
                break  # the lease is gone: what is left is the new holder's
            chunk, post = ready
            if not chunk:
                continue
            if self._before_post is not None:
                self._before_post(person)
            try:
                ts = post()
            except DeliveryProblem as problem:
                posted = {n.number for n in chunk} if isinstance(problem, MaybeSent) else set()
                self._give_back(batch, rest, problem, channel=channel, maybe_posted=posted)
                break
            self._channel_free[channel] = self.clock.now() + self._channel_gap
            delivered += self._settle_post(batch, chunk, channel, ts)
        if len(self._channel_free) > 10_000:
            self._channel_free.clear()
        return delivered

    def _ready_to_post(
        self, batch: DueBatch, channel: str, chunk: list[Nudge]
    ) -> tuple[list[Nudge], Callable[[], str]] | None:
        """The post prepared, then the last check: nothing slow comes between it and the post.

        None when the lease was lost. A chunk the check changed (a nudge withdrawn meanwhile)
        is prepared and checked again.
        """
        while True:
            post = self.messenger.prepare_post(channel, batch.person, chunk, batch.tz)
            confirmed = self._final_check(batch, chunk)
            if confirmed is None:
                return None
            if not confirmed:
                return [], post
            if [n.mark for n in confirmed] == [n.mark for n in chunk]:
                return chunk, post
            chunk = confirmed

    def _final_check(self, batch: DueBatch, chunk: list[Nudge]) -> list[Nudge] | None:
        """Under the person's lock, right before the post: the nudges still to send, recorded
        `sending` under the claim that names the lease's fencing token; None if the lease is
        no longer this run's.

        The lease must outlast the post: with less than the post's timeout and a margin left
        (on the database's clock), it is renewed first. A nudge snoozed, done, removed or
        forgotten meanwhile is left out; one whose process closed meanwhile is cancelled, so
        nothing reaches the person about an employer who said no.
        """
        person = batch.person
        now = self.clock.now()
        with self.store.transaction(person) as book:
            held = self.store.lease(person, owner=self.owner, now=now)
            if held is None or held.token != batch.token:
                LOGGER.info("The lease on %s passed on before the post: not sent", _name(person))
                return None
            if held.left < self._post_timeout + FENCE_MARGIN and not self.store.renew_lease(
                person, owner=self.owner, token=held.token, now=now, lease=self._lease
            ):
                return None
            confirmed: list[Nudge] = []
            withdrawn: list[Nudge] = []
            for nudge in chunk:
                current = book.nudge(nudge.number)
                if (
                    current is None
                    or current.state != NudgeState.SENDING
                    or current.claim != batch.claim
                    or current.edition != nudge.edition
                ):
                    continue
                if current.contacts_employer and not current.closing and _closed(book, current):
                    withdrawn.append(cancel(current, now))
                    continue
                confirmed.append(current)
            book.save_nudges(withdrawn + confirmed)
        return confirmed

    def _settle_post(self, batch: DueBatch, chunk: list[Nudge], channel: str, ts: str) -> int:
        """Right after a post: record it, or take it back if it should not be there.

        What is recorded decides, not who holds the lease now. A nudge still waiting to be
        sent (by this run, or by a replica that took the person over while this one was
        paused) is recorded as sent in this message, so the other finds it sent and does not
        post it. A message carrying a nudge cancelled, changed or already sent in another
        message meanwhile is deleted, and the nudges with it that this run still holds are put
        back to go out again at once. Returns the nudges delivered.
        """
        person = batch.person
        now = self.clock.now()
        kept: list[Nudge] = []
        acted: list[Nudge] = []
        stale: list[Nudge] = []
        with self.store.transaction(person) as book:
            held = self.store.lease(person, owner=self.owner, now=now)
            lost = held is None or held.token != batch.token
            closing: list[Nudge] = []
            for posted in chunk:
                current = book.nudge(posted.number)
                if (
                    current is None
                    or current.edition != posted.edition
                    or current.state == NudgeState.CANCELLED
                    or (current.state == NudgeState.SENT and current.message_ts != ts)
                ):
                    stale.append(posted)
                elif current.contacts_employer and not current.closing and _closed(book, current):
                    stale.append(posted)
                    if current.is_open:
                        closing.append(cancel(current, now))
                elif current.state in (NudgeState.DONE, NudgeState.SKIPPED):
                    acted.append(current)  # the person acted on it during the post
                else:
                    kept.append(current)
            if stale:
                ours = [
                    put_back(n, None)
                    for n in kept
                    if not lost and n.state == NudgeState.SENDING and n.claim == batch.claim
                ]
                book.save_nudges(closing + ours)
            else:
                book.save_nudges(
                    [mark_sent(n, channel, ts) for n in kept]
                    + [replace(n, channel=channel, message_ts=ts) for n in acted]
                )
            shown = book.nudges_in_message(ts) if acted and not stale else []
        if stale:
            self._withdraw(batch, channel, ts, stale, lost=lost)
            return 0
        if shown:
            try:
                self.messenger.update_nudges(channel, ts, person, shown, batch.tz)
            except DeliveryProblem as problem:
                LOGGER.warning("Could not redraw a message just sent: %s", problem.reason)
        return len(kept)

    def _withdraw(
        self, batch: DueBatch, channel: str, ts: str, stale: list[Nudge], *, lost: bool
    ) -> None:
        """Delete a message that landed after its nudges stopped being this run's to send."""
        why = "its lease passed to another replica" if lost else "they changed meanwhile"
        self.withdrawn_posts += 1
        LOGGER.warning(
            "A message to %s carried %s no longer to be sent (%s): deleting it "
            "(%d taken back since start)",
            _name(batch.person),
            plural(len(stale), "nudge"),
            why,
            self.withdrawn_posts,
        )
        try:
            self.messenger.delete_message(batch.person, channel, ts)
        except DeliveryProblem as problem:
            self.withdrawal_failures += 1
            LOGGER.error(
                "Could not delete a message to %s that should not be there (%s): %d so far",
                _name(batch.person),
                problem.reason,
                self.withdrawal_failures,
            )

    def _record_sent(self, batch: DueBatch, chunk: list[Nudge], channel: str, ts: str) -> None:
        """Record a message found in the DM; if the person changed an item since, redraw it."""
        changed = False
        with self.store.transaction(batch.person) as book:
            updates: list[Nudge] = []
            for nudge in chunk:
                current = book.nudge(nudge.number)
                if current is None:
                    changed = True
                elif current.state == NudgeState.SENDING and current.claim == batch.claim:
                    updates.append(mark_sent(current, channel, ts))
                elif current.state == NudgeState.SENT and current.message_ts != ts:
                    continue  # recorded in another message: that one is the nudge's
                else:
                    changed = True
                    if current.state != NudgeState.SCHEDULED:
                        updates.append(replace(current, channel=channel, message_ts=ts))
            book.save_nudges(updates)
            shown = book.nudges_in_message(ts) if changed else []
        if changed and shown:
            try:
                self.messenger.update_nudges(channel, ts, batch.person, shown, batch.tz)
            except DeliveryProblem as problem:
                LOGGER.warning("Could not redraw a message just sent: %s", problem.reason)

    def _already_delivered(self, batch: DueBatch, channel: str) -> list[Nudge]:
        """Record unsure nudges found in the DM as sent; return the ones still to send."""
        unsure = {n.mark: n for n in batch.nudges if n.unsure}
        if not unsure:
            return batch.nudges
        found = self.messenger.find_marked(batch.person, channel, set(unsure))
        by_message: dict[str, list[Nudge]] = {}
        for mark, ts in found.items():
            by_message.setdefault(ts, []).append(unsure[mark])
        for ts, nudges in by_message.items():
            LOGGER.info("%s already in the DM; recorded, not re-sent", plural(len(nudges), "nudge"))
            self._record_sent(batch, nudges, channel, ts)
        done = {n.number for nudges in by_message.values() for n in nudges}
        return [n for n in batch.nudges if n.number not in done]

    def _open_dm(self, person: Person) -> str:
        channel = self.messenger.open_dm(person)
        with self.store.transaction(person) as book:
            book.save_profile(replace(book.profile, dm_channel=channel))
        return channel

    # -- when Slack says no ------------------------------------------------------------------

    def _give_back(
        self,
        batch: DueBatch,
        nudges: list[Nudge],
        problem: DeliveryProblem,
        *,
        channel: str | None = None,
        maybe_posted: set[int] | frozenset[int] = frozenset(),
    ) -> None:
        """Put unsent nudges back as Slack's answer says: later, parked, or stopped."""
        person = batch.person
        now = self.clock.now()
        if isinstance(problem, WorkspaceUnreachable):
            self._stopped_teams[person.team_id] = problem.reason
            LOGGER.critical(
                "Workspace %s cannot be reached (%s): its delivery is stopped until the app is "
                "installed again or the coach restarts with a working token.",
                person.team_id,
                problem.reason,
            )
            self._put_back(person, batch.claim, nudges, lambda n: put_back(n, None))
        elif isinstance(problem, PersonUnreachable):
            LOGGER.warning(
                "Slack cannot reach %s (%s): their delivery is parked until they next use "
                "the coach.",
                _name(person),
                problem.reason,
            )
            self._put_back(person, batch.claim, nudges, lambda n: put_back(n, None))
            with self.store.transaction(person) as book:
                parked = replace(book.profile, delivery_parked=problem.reason, dm_channel=None)
                book.save_profile(parked)
        elif isinstance(problem, TryLater) and problem.retry_after is not None:
            until = now + timedelta(seconds=problem.retry_after)
            if channel is not None:
                self._channel_free[channel] = until
            LOGGER.info(
                "Slack asked to wait %.0f s before writing to %s",
                problem.retry_after,
                _name(person),
            )
            self._put_back(person, batch.claim, nudges, lambda n: put_back(n, until))
        else:
            LOGGER.warning(
                "Sending %s to %s failed, will retry: %s",
                plural(len(nudges), "nudge"),
                _name(person),
                problem.reason,
            )
            self._put_back(
                person,
                batch.claim,
                nudges,
                lambda n: retry_later(n, now, unsure=n.number in maybe_posted),
            )

    def _put_back(
        self, person: Person, claim: str, nudges: list[Nudge], change: Callable[[Nudge], Nudge]
    ) -> None:
        """Apply `change` to those of `nudges` this run still holds."""
        with self.store.transaction(person) as book:
            current = (book.nudge(n.number) for n in nudges)
            book.save_nudges(
                [
                    change(n)
                    for n in current
                    if n is not None and n.state == NudgeState.SENDING and n.claim == claim
                ]
            )


def _at(moment: datetime) -> Callable[[Nudge], Nudge]:
    """Put a nudge back for `moment`, without counting a failed attempt."""
    return lambda nudge: put_back(nudge, moment)


def _follow_up_of(book: PersonBook, nudge: Nudge) -> Nudge | None:
    """The open follow-up of the process a nudge belongs to, if any."""
    interview = book.interview(nudge.interview_id)
    if interview is None:
        return None
    rounds = [i.id for i in book.interviews() if i.process_id == interview.process_id]
    return next((n for n in book.open_nudges(rounds) if n.rule == FOLLOW_UP), None)


def _later_today(
    book: PersonBook, playbook: Playbook, nudge: Nudge, local_now: datetime, now: datetime
) -> bool:
    """Planned for later today, and fine to send early: an item about an interview only once
    that interview is over, and only while its employer is still in the picture. Advice
    about the search as a whole (keep applying) may come with the day's other items."""
    if nudge.state != NudgeState.SCHEDULED or nudge.retry_at is not None or nudge.due_at <= now:
        return False
    if nudge.due_at.astimezone(local_now.tzinfo).date() != local_now.date():
        return False
    interview = book.interview(nudge.interview_id)
    rule = playbook.rule(nudge.rule)
    about_the_interview = rule is not None and rule.anchor in ("start", "end")
    if about_the_interview and interview is not None and interview.ends_at > now:
        return False
    return not (nudge.contacts_employer and not nudge.closing and _closed(book, nudge))


def _closed(book: PersonBook, nudge: Nudge) -> bool:
    """The guard at send time: is the employer this nudge would contact out of the picture?"""
    interview = book.interview(nudge.interview_id)
    process = book.process(interview.process_id) if interview else None
    return process is None or process.closed


def _name(person: Person) -> str:
    return f"{person.team_id}/{person.user_id}"
