"""When a calendar feed is fetched again: never sooner than 15 minutes, later after failures,
as late as a server's Retry-After asks (up to a day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.feed_polling import (
    MAX_BACKOFF,
    POLL_INTERVAL,
    after_failure,
    after_success,
    backoff,
    first_poll,
    next_fetch_at,
    retry_after,
    should_tell,
)

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


@given(
    failures=st.integers(min_value=0, max_value=1000),
    asked=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    key=st.text(max_size=20),
)
def test_a_feed_is_never_fetched_sooner_than_its_interval_nor_later_than_a_day_and_a_tenth(
    failures, asked, key
):
    wait = next_fetch_at(NOW, failures=failures, wait_asked=asked, spread_key=key) - NOW
    assert POLL_INTERVAL <= wait <= MAX_BACKOFF * 1.1
    if asked is not None:
        assert wait >= min(asked, MAX_BACKOFF)


@given(failures=st.integers(min_value=0, max_value=40), key=st.text(max_size=20))
def test_each_failure_makes_the_wait_at_least_as_long(failures, key):
    shorter = next_fetch_at(NOW, failures=failures, spread_key=key) - NOW
    longer = next_fetch_at(NOW, failures=failures + 1, spread_key=key) - NOW
    assert backoff(failures + 1) >= backoff(failures)
    assert longer * 1.1 >= shorter  # the spread is at most a tenth of the wait


def test_the_wait_doubles_from_fifteen_minutes_up_to_a_day():
    waits = [next_fetch_at(NOW, failures=n, spread_key="") - NOW for n in range(10)]
    assert POLL_INTERVAL <= waits[0] < POLL_INTERVAL * 1.1
    assert timedelta(minutes=30) <= waits[1] < timedelta(minutes=33)
    assert timedelta(hours=2) <= waits[3] < timedelta(hours=2, minutes=12)
    assert MAX_BACKOFF <= waits[9] <= MAX_BACKOFF * 1.1


def test_ten_thousand_feeds_added_at_once_are_spread_over_time():
    moments = {next_fetch_at(NOW, spread_key=f"feed-{n}") for n in range(10_000)}
    assert len(moments) > 80  # seconds apart, not one thundering herd
    assert next_fetch_at(NOW, spread_key="feed-7") == next_fetch_at(NOW, spread_key="feed-7")


def test_retry_after_is_read_as_seconds_or_a_date():
    assert retry_after("120", now=NOW) == timedelta(minutes=2)
    assert retry_after("Thu, 26 Nov 2026 15:00:00 GMT", now=NOW) == timedelta(hours=1)
    assert retry_after("Thu, 26 Nov 2026 13:00:00 GMT", now=NOW) == timedelta(0)
    assert retry_after("9999999999", now=NOW) == MAX_BACKOFF
    assert retry_after("soon", now=NOW) is None
    assert retry_after(None, now=NOW) is None


def test_a_short_retry_after_never_brings_the_next_fetch_forward():
    assert next_fetch_at(NOW, wait_asked=timedelta(seconds=5)) - NOW >= POLL_INTERVAL


def test_failures_back_off_keep_the_validators_and_a_success_clears_them():
    state = after_success(first_poll(NOW), now=NOW, etag='"v1"', last_modified=None)
    for _ in range(3):
        state = after_failure(state, now=NOW, problem="The calendar server answered 503")
    assert state.failures == 3 and state.etag == '"v1"'
    assert state.next_at - NOW >= timedelta(hours=2)
    assert should_tell(state)
    assert not should_tell(state.__class__(**{**state.__dict__, "told": True}))
    recovered = after_success(state, now=NOW, etag='"v2"', last_modified=None)
    assert (recovered.failures, recovered.problem, recovered.etag) == (0, "", '"v2"')
    assert not should_tell(recovered)


def test_a_permanent_failure_is_told_at_once_a_passing_one_only_after_a_few():
    once = after_failure(first_poll(NOW), now=NOW, problem="gone")
    assert should_tell(once, permanent=True)
    assert not should_tell(once)
