"""Reading a person's calendar feed: the interviews among ordinary events, and what changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from feed_samples import NOW, OWN_DOMAINS, first_feed, second_feed, third_feed

from bot.domain.calendar_feed import (
    MalformedFeed,
    NotACalendar,
    Seen,
    Status,
    compare,
    find_interviews,
    read_feed,
)

NEW_YORK = ZoneInfo("America/New_York")


def _interviews(data: bytes, **signs):
    events = read_feed(data, now=NOW, tz="America/New_York")
    return find_interviews(events, own_domains=signs.pop("own_domains", OWN_DOMAINS), **signs)


def _recorded(matches) -> dict[str, Seen]:
    return {m.event.key: Seen(m.event.fingerprint, m.event.starts_at) for m in matches}


def test_exactly_the_three_interviews_are_found_among_forty_ordinary_events():
    found = _interviews(first_feed())
    assert sorted(m.event.summary for m in found) == [
        "Acme <> Sam Rivera: Staff Engineer interview",
        "Initech: technical round with the platform team",
        "Phone screen - Data Analyst",
    ]
    initech = next(m for m in found if m.event.summary.startswith("Initech"))
    assert any("initech.co.uk" in reason for reason in initech.reasons)


def test_an_interview_keeps_its_own_zone_and_length():
    found = {m.event.uid: m.event for m in _interviews(first_feed())}
    acme = found["7kq2v0acme@google.com"]
    assert acme.starts_at == datetime(2026, 12, 1, 14, 0, tzinfo=NEW_YORK)
    assert acme.starts_at.utcoffset() == timedelta(hours=-5)
    assert acme.duration == timedelta(minutes=45)
    initech = found["initech-onsite-33@initech.co.uk"]
    assert initech.tz == "Europe/London"
    assert initech.starts_at.astimezone(UTC) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    globex = found["040000008200E00074C5B7101A82E0080000000090A1@globex.com"]
    assert globex.starts_at == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert [a.email for a in acme.attendees][:2] == ["jane.doe@acme.com", "bob.smith@acme.com"]
    assert acme.organizer is not None and acme.organizer.name == "Maria Lopez"


def test_recurring_events_are_expanded_with_their_exceptions_and_all_day_events_left_out():
    events = read_feed(first_feed(), now=NOW, tz="America/New_York")
    standups = [e for e in events if e.uid == "standup@northwind.io"]
    days = [e.starts_at.date().isoformat() for e in standups]
    assert "2026-11-27" not in days  # EXDATE
    assert days.count("2026-12-01") == 1
    moved = next(e for e in standups if e.starts_at.date().isoformat() == "2026-12-01")
    assert (moved.starts_at.hour, moved.summary) == (11, "Daily standup (late start)")
    assert moved.recurrence_id == "20261201T143000Z"
    assert len({e.key for e in standups}) == len(standups)
    assert not any(e.uid in ("offsite-day@northwind.io", "thanksgiving@gmail.com") for e in events)
    window_start = NOW - timedelta(days=14)
    assert all(e.ends_at >= window_start for e in events)


def test_the_person_interviewing_a_candidate_for_their_own_employer_is_not_an_interview():
    events = read_feed(first_feed(), now=NOW, tz="America/New_York")
    found = {m.event.uid for m in find_interviews(events, own_domains=OWN_DOMAINS)}
    assert "loop@northwind.io" not in found
    assert "debrief@northwind.io" not in found


def test_the_persons_own_keyword_finds_an_event_nothing_else_would():
    found = _interviews(first_feed(), keywords=["contoso"])
    assert "vendor-qbr@northwind.io" in {m.event.uid for m in found}
    assert len(found) == 4


def test_a_moved_and_a_cancelled_interview_are_told_apart_from_unchanged_ones():
    recorded = _recorded(_interviews(first_feed()))
    events = read_feed(second_feed(), now=NOW + timedelta(days=1), tz="America/New_York")
    changes = compare(recorded, events, now=NOW + timedelta(days=1))
    assert [e.uid for e in changes.moved] == ["7kq2v0acme@google.com"]
    assert changes.moved[0].starts_at == datetime(2026, 12, 2, 15, 0, tzinfo=NEW_YORK)
    assert changes.cancelled == ("040000008200E00074C5B7101A82E0080000000090A1@globex.com",)
    assert "initech-onsite-33@initech.co.uk" in changes.unchanged
    assert not any(e.uid in recorded for e in changes.new)


def test_an_interview_gone_from_the_feed_is_cancelled_but_one_that_slid_out_of_the_window_is_not():
    recorded = _recorded(_interviews(first_feed()))
    events = read_feed(third_feed(), now=NOW, tz="America/New_York")
    changes = compare(recorded, events, now=NOW)
    assert "initech-onsite-33@initech.co.uk" in changes.cancelled
    much_later = NOW + timedelta(days=60)
    later = read_feed(third_feed(), now=much_later, tz="America/New_York")
    assert not any(e.key in recorded for e in later)
    assert compare(recorded, later, now=much_later).cancelled == ()


def test_a_feed_read_twice_has_the_same_identities_and_fingerprints():
    once = read_feed(first_feed(), now=NOW, tz="America/New_York")
    again = read_feed(first_feed(), now=NOW, tz="America/New_York")
    assert [(e.key, e.fingerprint) for e in once] == [(e.key, e.fingerprint) for e in again]
    recorded = {e.key: Seen(e.fingerprint, e.starts_at) for e in once}
    assert not compare(recorded, again, now=NOW).any


def test_windows_zone_names_utc_and_floating_times_are_honoured():
    data = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
X-WR-TIMEZONE:Europe/Berlin\r
BEGIN:VEVENT\r
UID:outlook-1\r
DTSTART;TZID=Pacific Standard Time:20261201T090000\r
DTEND;TZID=Pacific Standard Time:20261201T100000\r
SUMMARY:Interview with Fabrikam\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:floating-1\r
DTSTART:20261202T100000\r
DTEND:20261202T103000\r
SUMMARY:Phone screen\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:utc-1\r
DTSTART:20261203T170000Z\r
DURATION:PT45M\r
SUMMARY:Interview\r
STATUS:TENTATIVE\r
END:VEVENT\r
END:VCALENDAR\r
"""
    events = {e.uid: e for e in read_feed(data, now=NOW, tz="America/New_York")}
    assert events["outlook-1"].starts_at.astimezone(UTC) == datetime(2026, 12, 1, 17, tzinfo=UTC)
    assert events["floating-1"].tz == "Europe/Berlin"
    assert events["floating-1"].starts_at.astimezone(UTC).hour == 9
    assert events["utc-1"].duration == timedelta(minutes=45)
    assert events["utc-1"].status is Status.TENTATIVE


def test_a_cancelled_event_is_never_offered():
    data = second_feed()
    found = {m.event.uid for m in _interviews(data)}
    assert "040000008200E00074C5B7101A82E0080000000090A1@globex.com" not in found


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>Sign in - Google Accounts</title></head></html>",
        b"  \n<html lang=en><body><form action=/login>",
        b"",
        b'{"error": "not found"}',
    ],
)
def test_a_web_page_or_anything_but_a_calendar_is_a_clear_typed_error(body):
    with pytest.raises(NotACalendar) as caught:
        read_feed(body, now=NOW)
    assert "calendar" in caught.value.problem


@pytest.mark.parametrize(
    "body",
    [
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR",
        b"BEGIN:VCALENDAR\r\n\x00\x01\x02 binary junk\r\nEND:VCALENDAR\r\n",
    ],
)
def test_a_malformed_feed_is_a_clear_typed_error(body):
    with pytest.raises((MalformedFeed, NotACalendar)) as caught:
        read_feed(body, now=NOW)
    assert caught.value.problem


def test_one_broken_event_is_skipped_and_the_rest_of_the_calendar_read():
    good = first_feed().replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    assert len(_interviews(good)) == 3
