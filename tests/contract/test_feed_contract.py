"""Calendar feeds in every backend: kept durably, due in order, leased to one owner at a time
(two replicas never fetch one feed together), and gone with `forget`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot.domain.feed_polling import PollState
from bot.domain.feed_watch import CalendarFeed, FollowedEvent
from bot.domain.interview import Person
from bot.storage.protocol import Store

from .conftest import StoreFactory

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def _feed(next_at: datetime, **events: FollowedEvent) -> CalendarFeed:
    return CalendarFeed(
        sealed="gAAAA-sealed",
        poll=PollState(next_at=next_at, etag='"v1"', last_modified="Thu, 26 Nov 2026 09:00:00 GMT"),
        events=events,
        own_domains=("northwind.io",),
        keywords=("onsite",),
    )


def test_a_feed_is_kept_as_saved_across_a_restart(open_store: StoreFactory) -> None:
    store = open_store()
    person = Person("T1", "U1")
    assert store.calendar_feed(person) is None
    event = FollowedEvent("abc123", NOW + timedelta(days=5), interview_id=3)
    store.save_calendar_feed(person, _feed(NOW, **{"uid-1@acme.com": event}))
    store.close()
    again = open_store()
    feed = again.calendar_feed(person)
    assert feed == _feed(NOW, **{"uid-1@acme.com": event})
    assert again.claim_calendar_feeds(NOW, owner="a", lease=LEASE) == [person]


def test_only_due_feeds_are_claimed_and_a_claimed_one_is_nobody_elses_until_released(
    store: Store,
) -> None:
    due, later = Person("T1", "U1"), Person("T1", "U2")
    store.save_calendar_feed(due, _feed(NOW - timedelta(minutes=1)))
    store.save_calendar_feed(later, _feed(NOW + timedelta(minutes=10)))
    assert store.claim_calendar_feeds(NOW, owner="a", lease=LEASE) == [due]
    assert store.claim_calendar_feeds(NOW, owner="b", lease=LEASE) == []
    store.release_calendar_feed(due, owner="b")  # not b's to release
    assert store.claim_calendar_feeds(NOW, owner="b", lease=LEASE) == []
    store.release_calendar_feed(due, owner="a")
    assert store.claim_calendar_feeds(NOW, owner="b", lease=LEASE) == [due]


def test_a_lease_that_runs_out_frees_the_feed(store: Store) -> None:
    person = Person("T1", "U1")
    store.save_calendar_feed(person, _feed(NOW))
    assert store.claim_calendar_feeds(NOW, owner="a", lease=LEASE) == [person]
    assert store.claim_calendar_feeds(NOW + LEASE / 2, owner="b", lease=LEASE) == []
    assert store.claim_calendar_feeds(NOW + LEASE, owner="b", lease=LEASE) == [person]


def test_owners_claiming_at_once_never_share_a_feed(open_store: StoreFactory) -> None:
    first = open_store()
    # Two PostgreSQL stores on one database are two replicas; a TinyDB folder has one owner.
    second = open_store() if type(first).__name__ == "PostgresStore" else first
    people = [Person("T1", f"U{n:03d}") for n in range(60)]
    for person in people:
        first.save_calendar_feed(person, _feed(NOW))
    stores = [first, second]
    with ThreadPoolExecutor(4) as pool:
        claims = list(
            pool.map(
                lambda n: stores[n % 2].claim_calendar_feeds(
                    NOW, owner=f"r{n}", lease=LEASE, limit=20
                ),
                range(4),
            )
        )
    taken = [p for claim in claims for p in claim]
    assert len(taken) == len(set(taken)) == 60


def test_forget_drops_the_feed_and_saving_none_does_too(store: Store) -> None:
    one, two = Person("T1", "U1"), Person("T1", "U2")
    store.save_calendar_feed(one, _feed(NOW))
    store.save_calendar_feed(two, _feed(NOW))
    with store.transaction(one) as book:
        book.save_profile(book.profile)
    store.forget(one)
    assert store.calendar_feed(one) is None
    store.save_calendar_feed(two, None)
    assert store.calendar_feed(two) is None
    assert store.claim_calendar_feeds(NOW, owner="a", lease=LEASE) == []


def test_a_workspace_forgotten_takes_its_feeds(store: Store) -> None:
    here, there = Person("T1", "U1"), Person("T2", "U1")
    store.save_calendar_feed(here, _feed(NOW))
    store.save_calendar_feed(there, _feed(NOW))
    store.forget_workspace("T1")
    assert store.calendar_feed(here) is None
    assert store.calendar_feed(there) is not None
