"""What one poll of a feed changes, pure: the person's own domain read from the calendar,
interviews offered once, tracked ones followed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from feed_samples import INTERVIEWS, NOW, ORDINARY, Entry, feed, first_feed, ny

from bot.domain.calendar_feed import read_feed
from bot.domain.feed_watch import own_domains_of, poll_changes


def _events(data: bytes):
    return read_feed(data, now=NOW, tz="America/New_York")


def test_the_persons_own_domain_is_who_organises_most_of_their_calendar() -> None:
    assert own_domains_of(_events(first_feed())) == ("northwind.io",)


def test_several_rounds_with_one_employer_do_not_make_it_the_persons_own() -> None:
    acme = INTERVIEWS[0]
    rounds = [
        replace(acme, uid=f"round-{n}@acme.com", start=ny(f"2026120{n}T140000"),
                end=ny(f"2026120{n}T150000"))
        for n in range(1, 6)
    ]  # fmt: skip
    personal = [e for e in ORDINARY if "northwind" not in e.organizer][:3]
    events = _events(feed([*rounds, *personal]))
    assert own_domains_of(events) == ()
    offered = poll_changes({}, events, now=NOW, own_domains=own_domains_of(events)).offers
    assert len(offered) == 5


def test_an_offered_event_is_never_offered_again_and_a_tracked_one_is_followed() -> None:
    events = _events(first_feed())
    own = own_domains_of(events)
    first = poll_changes({}, events, now=NOW, own_domains=own)
    assert len(first.offers) == 3
    again = poll_changes(first.events, events, now=NOW + timedelta(minutes=15), own_domains=own)
    assert again.offers == () and again.moved == () and again.cancelled == ()
    acme_key = next(m.event.key for m in first.offers if "Acme" in m.event.summary)
    tracked = {**first.events, acme_key: replace(first.events[acme_key], interview_id=7)}
    moved_acme: Entry = replace(
        INTERVIEWS[0], start=ny("20261202T150000"), end=ny("20261202T154500"), sequence=1
    )
    later = _events(feed([*ORDINARY, moved_acme, *INTERVIEWS[1:]]))
    news = poll_changes(tracked, later, now=NOW + timedelta(hours=1), own_domains=own)
    assert [(iid, e.key) for iid, e in news.moved] == [(7, acme_key)]
    gone = _events(feed([*ORDINARY, *INTERVIEWS[1:]]))
    news = poll_changes(news.events, gone, now=NOW + timedelta(hours=2), own_domains=own)
    assert news.cancelled == (7,)
    news = poll_changes(news.events, gone, now=NOW + timedelta(hours=3), own_domains=own)
    assert news.cancelled == (), "a cancellation is followed once"
