"""When to fetch a calendar feed next: politely, backing off on errors, spread over time.

Pure: the caller passes `now` and what happened. A feed is fetched at most every 15 minutes;
after failures the wait doubles up to a day, and a server's Retry-After is honoured (up to a
day) but never makes the coach come back sooner than its own interval. A small spread,
derived from the feed's key rather than a random source, keeps ten thousand feeds added at
one moment from being fetched at one moment ever after.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

#: The shortest wait between two fetches of one feed.
POLL_INTERVAL = timedelta(minutes=15)
#: The longest wait after repeated failures, and the most a Retry-After is honoured for.
MAX_BACKOFF = timedelta(days=1)
#: At most this share of the wait is added as spread.
SPREAD = 0.1
#: Failures in a row after which the person hears that their calendar cannot be read.
TELL_AFTER_FAILURES = 3


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """A Retry-After header as a wait: seconds ("120") or an HTTP date; None if unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return min(timedelta(seconds=int(text[:9])), MAX_BACKOFF)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when - now, timedelta()), MAX_BACKOFF)


def backoff(failures: int) -> timedelta:
    """The wait after `failures` failures in a row: 15 min, 30 min, 1 h, … up to a day."""
    if failures <= 0:
        return POLL_INTERVAL
    wait: timedelta = POLL_INTERVAL * (2 ** min(failures, 16))
    return min(wait, MAX_BACKOFF)


def next_fetch_at(
    now: datetime,
    *,
    failures: int = 0,
    wait_asked: timedelta | None = None,
    spread_key: str = "",
) -> datetime:
    """The earliest moment the feed may be fetched again.

    `wait_asked` is the server's Retry-After; `spread_key` (the feed's id) picks where in
    the spread this feed falls, the same way every time.
    """
    wait = backoff(failures)
    digest = hashlib.sha256(f"{spread_key}|{failures}".encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    wait += timedelta(seconds=int(wait.total_seconds() * SPREAD * fraction))
    if wait_asked is not None:
        wait = max(wait, min(wait_asked, MAX_BACKOFF))
    return now + wait


@dataclass(frozen=True)
class PollState:
    """What the coach keeps about fetching one feed (never the address itself)."""

    next_at: datetime
    failures: int = 0
    etag: str | None = None
    last_modified: str | None = None
    #: What went wrong last, in words for the person ("" after a success).
    problem: str = ""
    #: Whether the person has been told about the current run of failures.
    told: bool = False


def first_poll(now: datetime) -> PollState:
    """A feed just set: fetched right away."""
    return PollState(next_at=now)


def after_success(
    state: PollState,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    spread_key: str = "",
) -> PollState:
    """A 200 or a 304: validators kept for the next conditional request, failures cleared."""
    return PollState(
        next_at=next_fetch_at(now, spread_key=spread_key),
        etag=etag,
        last_modified=last_modified,
    )


def after_failure(
    state: PollState,
    *,
    now: datetime,
    problem: str,
    wait_asked: timedelta | None = None,
    spread_key: str = "",
) -> PollState:
    """One more failure in a row: the next fetch waits longer; validators are kept."""
    failures = state.failures + 1
    return replace(
        state,
        failures=failures,
        problem=problem,
        next_at=next_fetch_at(now, failures=failures, wait_asked=wait_asked, spread_key=spread_key),
    )


def should_tell(state: PollState, *, permanent: bool = False) -> bool:
    """Whether to tell the person now: once per run of failures, after a few in a row or at
    once when the failure will not heal by itself (the address is gone, a sign-in page)."""
    if state.told or state.failures == 0:
        return False
    return permanent or state.failures >= TELL_AFTER_FAILURES
