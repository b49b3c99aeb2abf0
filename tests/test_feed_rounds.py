"""A poll round's own promises: a feed whose poll fails unexpectedly is polled once, backs off
and is let go, and a stored address the key cannot open is told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import RULES

from bot.clock import ManualClock
from bot.coach.calendar_watch import CalendarWatch
from bot.coach.coach import Coach
from bot.domain.calendar_feed import read_feed
from bot.domain.feed_polling import first_poll
from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Person
from bot.domain.playbook import load_playbook
from bot.feeds.fetch import Fetched, Validators
from bot.feeds.sealing import Sealer, generate_key
from bot.storage.tinydb_store import TinyStore

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


class Breaking:
    """A fetcher that fails in a way nobody planned for, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def fetch(self, address: object, validators: Validators | None = None) -> Fetched:
        self.calls += 1
        raise RuntimeError("unexpected")

    def close(self) -> None:
        pass


def _watch(tmp_path: Path, fetcher: object, sealer: Sealer) -> tuple[CalendarWatch, TinyStore]:
    store = TinyStore(tmp_path / "store")
    coach = Coach(store, load_playbook(RULES), ManualClock(NOW))
    return CalendarWatch(coach, fetcher, sealer=sealer), store  # type: ignore[arg-type]


def test_a_poll_that_breaks_is_tried_once_per_round_and_the_feed_let_go(tmp_path: Path) -> None:
    sealer = Sealer(generate_key())
    fetcher = Breaking()
    watch, store = _watch(tmp_path, fetcher, sealer)
    try:
        people = [Person("T1", f"U{n}") for n in range(3)]
        for person in people:
            store.save_calendar_feed(
                person,
                CalendarFeed(sealed=sealer.seal("https://x.example/a.ics"), poll=first_poll(NOW)),
            )
        assert watch.poll_due(batch=2, budget=5.0) == []
        assert fetcher.calls == 3
        # Each backs off like any failure, and is let go: free for the next round after it.
        assert store.claim_calendar_feeds(NOW, owner="next", lease=timedelta(1)) == []
        later = NOW + timedelta(minutes=40)
        assert sorted(store.claim_calendar_feeds(later, owner="next", lease=timedelta(1))) == people
    finally:
        store.close()


def test_an_address_the_key_cannot_open_is_told_once(tmp_path: Path) -> None:
    old, new = Sealer(generate_key()), Sealer(generate_key())
    fetcher = Breaking()
    watch, store = _watch(tmp_path, fetcher, new)
    try:
        person = Person("T1", "U1")
        store.save_calendar_feed(
            person, CalendarFeed(sealed=old.seal("https://x.example/a.ics"), poll=first_poll(NOW))
        )
        ((who, news),) = watch.poll_due()
        assert who == person and "COACH_FEED_KEY" in news.problem
        assert "x.example" not in news.problem
        watch.coach.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
        assert watch.poll_due() == []
        assert fetcher.calls == 0
    finally:
        store.close()


class Meanwhile:
    """A fetcher that lets something happen while the feed is being fetched, then answers."""

    def __init__(self, body: bytes, during: object) -> None:
        self.body, self.during = body, during

    def fetch(self, address: object, validators: Validators | None = None) -> Fetched:
        self.during()  # type: ignore[operator]
        return Fetched(changed=True, body=self.body, validators=Validators('"v2"'))

    def close(self) -> None:
        pass


def test_calendar_off_while_a_poll_runs_is_not_undone_by_it(tmp_path: Path) -> None:
    from feed_samples import first_feed

    sealer = Sealer(generate_key())
    person = Person("T1", "U1")
    holder: list[CalendarWatch] = []
    fetcher = Meanwhile(first_feed(), lambda: holder[0].stop(person))
    watch, store = _watch(tmp_path, fetcher, sealer)
    holder.append(watch)
    try:
        store.save_calendar_feed(
            person,
            CalendarFeed(sealed=sealer.seal("https://x.example/a.ics"), poll=first_poll(NOW)),
        )
        assert watch.poll_due() == [], "nothing offered from a calendar switched off"
        off = store.calendar_feed(person)
        assert off is not None and off.sealed == "" and off.events == {}, "the poll saved nothing"
    finally:
        store.close()


def test_an_interview_tracked_while_a_poll_runs_stays_tracked(tmp_path: Path) -> None:
    from dataclasses import replace

    from feed_samples import first_feed, second_feed

    from bot.domain.feed_watch import poll_changes

    sealer = Sealer(generate_key())
    person = Person("T1", "U1")
    holder: list[CalendarWatch] = []
    events = read_feed(first_feed(), now=NOW, tz="America/New_York")
    offered = poll_changes({}, events, now=NOW, own_domains=("northwind.io",)).events
    acme = next(k for k in offered if "acme" in k)
    fetcher = Meanwhile(second_feed(), lambda: holder[0].tracked(person, acme, 9))
    watch, store = _watch(tmp_path, fetcher, sealer)
    holder.append(watch)
    try:
        feed = CalendarFeed(
            sealed=sealer.seal("https://x.example/a.ics"), poll=first_poll(NOW), events=offered
        )
        store.save_calendar_feed(person, replace(feed, own_domains=("northwind.io",)))
        watch.poll_due()
        kept = store.calendar_feed(person)
        assert kept is not None and kept.events[acme].interview_id == 9
    finally:
        store.close()
