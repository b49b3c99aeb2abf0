"""The scheduler's wake-ups: one asked for while a pass runs is never lost."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.scheduler import NudgeScheduler

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


class SlowDelivery:
    """Delivery whose first pass hangs until released; counts every pass."""

    def __init__(self) -> None:
        self.passes = 0
        self.inside = threading.Event()
        self.release = threading.Event()

    def deliver_due(self) -> int:
        self.passes += 1
        if self.passes == 1:
            self.inside.set()
            self.release.wait(10)
        return 0

    waiting_for_room = False

    def when_room(self, callback: object) -> None:
        """This delivery never runs short of workers."""


class NoStore:
    def __init__(self) -> None:
        self.watchers: list = []

    def watch_due(self, callback) -> None:
        self.watchers.append(callback)

    def next_due_at(self) -> datetime | None:
        return None


def test_a_wake_up_during_a_running_pass_makes_it_go_round_again() -> None:
    delivery, clock = SlowDelivery(), ManualClock(NOW)
    scheduler = NudgeScheduler(delivery, NoStore(), clock, sweep=timedelta(hours=1))  # type: ignore[arg-type]
    scheduler.start()
    try:
        assert delivery.inside.wait(5), "the start-up pass runs"
        scheduler.wake_at(clock.now())  # a nudge became due while the pass runs
        time.sleep(0.3)
        assert delivery.passes == 1, "still inside the first pass"
        delivery.release.set()
        deadline = time.monotonic() + 1.0
        while delivery.passes < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert delivery.passes == 2, "the wake-up was kept, and served within a second"
    finally:
        delivery.release.set()
        scheduler.stop()
