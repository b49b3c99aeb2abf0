"""Timing with APScheduler: one wake-up at the next due moment, plus a sweep as a safety net.

The scheduler holds nothing of its own: the store says who is due, so a restart rebuilds
everything. Jobs have stable ids with replace_existing, and no misfire grace limit, so a late
wake-up still runs instead of being dropped as "missed". A wake-up asked for while a pass runs
is never lost: the running pass goes round once more. The sweep also forgets the workspaces
whose grace period after leaving has ended, measured on the injected clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import Clock
from bot.coach.delivery import Delivery
from bot.storage.protocol import Store

LOGGER = logging.getLogger(__name__)

WAKE_JOB = "deliver-next-due"
SWEEP_JOB = "deliver-sweep"
FEED_JOB = "calendar-feeds"
#: How often the due calendar feeds are looked for; each feed itself waits 15 minutes or more.
FEED_ROUND = timedelta(seconds=60)


class NudgeScheduler:
    """Wakes delivery when the earliest nudge comes due, in the clock's time."""

    def __init__(
        self,
        delivery: Delivery,
        store: Store,
        clock: Clock,
        *,
        sweep: timedelta,
        forget_departed: Callable[[], object] | None = None,
        poll_feeds: Callable[[], object] | None = None,
    ) -> None:
        self.delivery = delivery
        self.store = store
        self.clock = clock
        self._sweep = sweep
        self._forget_departed = forget_departed
        self._poll_feeds = poll_feeds
        self._arming = threading.Lock()
        self._passing = threading.Lock()
        self._again = threading.Event()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 2},
        )
        delivery.when_room(self._room)

    def start(self) -> None:
        self._scheduler.start()
        self._scheduler.add_job(
            self.sweep,
            "interval",
            seconds=self._sweep.total_seconds(),
            id=SWEEP_JOB,
            replace_existing=True,
        )
        if self._poll_feeds is not None:
            self._scheduler.add_job(
                self.feed_round,
                "interval",
                seconds=FEED_ROUND.total_seconds(),
                id=FEED_JOB,
                replace_existing=True,
            )
        self.store.watch_due(self.wake_at)
        self.wake_at(self.store.next_due_at() or self.clock.now())

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def wake_at(self, due: datetime) -> None:
        """Run delivery when `due` comes, unless a wake-up is already planned earlier.

        The clock may be a test's or the console's, so the delay is measured on it and then
        applied to real time.
        """
        if not self._scheduler.running:
            return
        delay = max((due - self.clock.now()).total_seconds(), 0.0)
        run_at = datetime.now(UTC) + timedelta(seconds=delay)
        with self._arming:
            job = self._scheduler.get_job(WAKE_JOB)
            if job is not None and job.next_run_time is not None and job.next_run_time <= run_at:
                return
            self._scheduler.add_job(
                self._run, "date", run_date=run_at, id=WAKE_JOB, replace_existing=True
            )

    def _room(self) -> None:
        """Delivery's workers freed up while more people were due: claim the next ones now."""
        self.wake_at(self.clock.now())

    def sweep(self) -> None:
        """The safety net: forget workspaces whose grace has ended, then a delivery pass."""
        if self._forget_departed is not None:
            try:
                self._forget_departed()
            except Exception:
                LOGGER.exception("Forgetting departed workspaces failed; the next sweep retries")
        self._run()

    def feed_round(self) -> None:
        """Poll the calendar feeds that are due (each leased to one replica at a time)."""
        if self._poll_feeds is None:
            return
        try:
            self._poll_feeds()
        except Exception:
            LOGGER.exception("Polling calendar feeds failed; the next round retries")

    def _run(self) -> None:
        """One delivery pass, repeated while wake-ups arrive during it."""
        self._again.set()
        while self._again.is_set():
            if not self._passing.acquire(blocking=False):
                return  # the running pass sees `_again` and goes round once more
            try:
                while self._again.is_set():
                    self._again.clear()
                    self._pass()
            finally:
                self._passing.release()
        if self.delivery.waiting_for_room:
            return  # the workers are full; delivery says when they have room again
        following = self.store.next_due_at()
        if following is not None:
            self.wake_at(following)

    def _pass(self) -> None:
        try:
            started = self.delivery.deliver_due()
        except Exception:
            LOGGER.exception("Delivering due nudges failed; the sweep will try again")
            return
        if started:
            LOGGER.debug("Delivery started for %d people", started)
