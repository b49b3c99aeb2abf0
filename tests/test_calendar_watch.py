"""The person's calendar feed, end to end: `/interview calendar <address>` over signed HTTP,
polled from a local calendar server, interviews offered once, moves and cancellations
followed, and every way a feed goes wrong told once in words."""

from __future__ import annotations

import json
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from capture_forms import filled, opened_since, save
from conftest import Bot, BotFactory
from feed_samples import first_feed, second_feed
from harness.feed_server import FeedServer, Route

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.feeds.sealing import generate_key
from bot.local.standin import Message
from bot.slack.capture_blocks import TRACK_OFFER_ACTION, read_offer_value

SECRET_PATH = "/calendar/ical/sam.rivera%40northwind.io/private-7f3e9a1c2b/basic.ics"


@pytest.fixture
def server() -> FeedServer:
    with FeedServer() as running:
        yield running


@pytest.fixture
def feed_bot(bot_factory: BotFactory) -> Bot:
    bot = bot_factory(feed_key=generate_key(), feed_networks=("127.0.0.0/8",))
    bot.standin.set_user("U1", tz="America/New_York", team_id="T1")
    bot.without_holidays()
    return bot


def _round(bot: Bot) -> None:
    """One poll round, as the scheduler runs it every minute."""
    bot.runtime.scheduler.feed_round()


def _said(bot: Bot, user: str = "U1") -> list[Message]:
    """What the coach said in the DM (not nudges)."""
    return [m for m in bot.dms(user) if not m.metadata]


def _offers(bot: Bot, user: str = "U1") -> list[Message]:
    return [m for m in _said(bot, user) if "Track this interview?" in m.text]


def _track(bot: Bot, offer: Message) -> None:
    """Press the offer's button and save the form it opens, as it was filled."""
    value = next(e for b in offer.blocks if b["type"] == "actions" for e in b["elements"])["value"]
    before = len(bot.standin.views())
    status, _ = bot.click(offer, TRACK_OFFER_ACTION, value)
    assert status == 200
    view = opened_since(bot, before)
    status, body = save(bot, view)
    assert status == 200 and b"errors" not in body, body


def _interviews(bot: Bot, user: str = "U1") -> dict[str, object]:
    with bot.store.transaction(Person("T1", user)) as book:
        return {i.company: i for i in book.interviews()}


def test_three_interviews_among_forty_events_are_offered_once_then_followed_when_they_move_or_are_cancelled(  # noqa: E501
    feed_bot: Bot, server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = feed_bot
    caplog.set_level(logging.DEBUG)
    route = server.serve(SECRET_PATH, first_feed())
    address = server.url(SECRET_PATH)
    reply = json.dumps(bot.command(f"calendar {address}"))
    assert "every 15 minutes" in reply
    _round(bot)

    offers = _offers(bot)
    summaries = sorted(m.text for m in offers)
    assert len(offers) == 3, summaries
    assert any("Acme" in s for s in summaries)
    assert any("Phone screen" in s for s in summaries)
    assert any("Initech" in s for s in summaries)

    # The address never lies around in the clear: not in the store's files, nor the logs.
    secret = "private-7f3e9a1c2b"
    for path in (tmp_path / "store").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in caplog.text
    feed = bot.store.calendar_feed(Person("T1", "U1"))
    assert feed is not None and secret not in json.dumps(feed.to_record())
    assert len(feed.events) == 3, "only the matched events are kept"

    acme = next(m for m in offers if "Acme" in m.text)
    globex = next(m for m in offers if "Phone screen" in m.text)
    _track(bot, acme)
    _track(bot, globex)
    tracked = _interviews(bot)
    assert set(tracked) == {"Acme", "Globex"}, set(tracked)
    assert tracked["Acme"].starts_at == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)

    # Not due yet: no request at all. A quarter of an hour later: a conditional GET, a 304.
    fetched = len(server.requests)
    _round(bot)
    assert len(server.requests) == fetched
    bot.advance(timedelta(minutes=17))
    _round(bot)
    assert len(server.requests) == fetched + 1
    assert server.requests[-1].headers.get("If-None-Match") == route.etag
    assert len(_offers(bot)) == 3

    # The calendar changes: Acme moves to Wednesday 15:00, Globex cancels.
    server.serve(SECRET_PATH, second_feed())
    thank_you_before = [n for n in bot.nudges() if n.interview_id == tracked["Acme"].id]
    said_before = len(_said(bot))
    bot.advance(timedelta(minutes=17))
    _round(bot)
    news = [m.text for m in _said(bot)[said_before:]]
    assert any("moved" in t and "Acme" in t for t in news), news
    assert any("cancelled" in t and "Globex" in t for t in news), news
    after = _interviews(bot)
    assert after["Acme"].starts_at == datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    moved_plan = [n for n in bot.nudges() if n.interview_id == tracked["Acme"].id]
    assert [n.due_at for n in moved_plan] != [n.due_at for n in thank_you_before]
    assert "Cancelled in your calendar" in after["Globex"].notes
    globex_open = [
        n
        for n in bot.nudges()
        if n.interview_id == tracked["Globex"].id
        and n.state in (NudgeState.SCHEDULED, NudgeState.SENDING)
    ]
    assert globex_open == []
    assert len(_offers(bot)) == 3, "nothing is offered twice"

    # The same calendar again: nothing more to say.
    server.serve(SECRET_PATH, second_feed() + b"\r\n")
    said_before = len(_said(bot))
    bot.advance(timedelta(minutes=17))
    _round(bot)
    assert _said(bot)[said_before:] == []


def test_an_offered_event_opens_the_form_filled_with_the_event(
    feed_bot: Bot, server: FeedServer
) -> None:
    server.serve(SECRET_PATH, first_feed())
    feed_bot.command(f"calendar {server.url(SECRET_PATH)}")
    _round(feed_bot)
    initech = next(m for m in _offers(feed_bot) if "Initech" in m.text)
    value = next(e for b in initech.blocks if b["type"] == "actions" for e in b["elements"])
    owner, key, _ = read_offer_value(value["value"]) or ("", "", {})
    assert owner == "U1" and key.startswith("initech-onsite-33")
    before = len(feed_bot.standin.views())
    feed_bot.click(initech, TRACK_OFFER_ACTION, value["value"])
    view = opened_since(feed_bot, before)
    shown = filled(view)
    # 15:00 in London is 10:00 in New York, the person's zone.
    assert (shown["date"], shown["time"], shown["duration"]) == ("2026-12-08", "10:00", "60")
    assert "ana.lima@initech.co.uk" in shown["interviewers"]


BROKEN = {
    "U2": ("/gone.ics", Route(status=404, validators=False), "no longer works"),
    "U3": ("/huge.ics", Route(body=b"BEGIN:VCALENDAR\r\n" + b"X" * (5 * 1024 * 1024)), "large"),
    "U4": (
        "/broken.ics",
        Route(body=b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\n"),
        "calendar",
    ),
    "U5": (
        "/login.ics",
        Route(
            body=b"<!DOCTYPE html><html><head><title>Sign in</title></head></html>",
            content_type="text/html; charset=utf-8",
        ),
        "calendar",
    ),
}


def test_a_404_a_5_mb_feed_a_malformed_feed_and_a_login_page_are_each_told_once_in_words(
    feed_bot: Bot, server: FeedServer
) -> None:
    bot = feed_bot
    for user, (path, route, _) in BROKEN.items():
        bot.standin.set_user(user, tz="America/New_York", team_id="T1")
        bot.without_holidays(user)
        server.route(path, route)
        bot.command(f"calendar {server.url(path)}", user=user)
    _round(bot)
    for user, (_, _, words) in BROKEN.items():
        told = [m for m in _said(bot, user) if "couldn't read your calendar" in m.text]
        assert len(told) == 1, (user, [m.text for m in _said(bot, user)])
        assert words in told[0].text.lower(), (user, told[0].text)
    # Later polls (backing off) fetch again but say nothing more, and offer nothing.
    fetched = len(server.requests)
    for _ in range(3):
        bot.advance(timedelta(hours=5))
        _round(bot)
    assert len(server.requests) > fetched
    for user in BROKEN:
        told = [m for m in _said(bot, user) if "couldn't read your calendar" in m.text]
        assert len(told) == 1, user
        assert _offers(bot, user) == []
    counts = Counter(r.path for r in server.requests)
    assert all(n <= 4 for n in counts.values()), counts


def test_a_feed_that_heals_is_read_again_and_its_interviews_offered_once(
    feed_bot: Bot, server: FeedServer
) -> None:
    server.route(SECRET_PATH, Route(status=404, validators=False))
    feed_bot.command(f"calendar {server.url(SECRET_PATH)}")
    _round(feed_bot)
    server.serve(SECRET_PATH, first_feed())
    feed_bot.advance(timedelta(hours=1))
    _round(feed_bot)
    assert len(_offers(feed_bot)) == 3
    feed_bot.advance(timedelta(hours=1))
    _round(feed_bot)
    assert len(_offers(feed_bot)) == 3


def test_calendar_off_drops_the_address_keeps_what_was_offered_and_forget_drops_all(
    feed_bot: Bot, server: FeedServer
) -> None:
    """Off forgets the address and stops reading; the events offered before stay known, so
    switching the calendar on again offers none of them twice. Forget drops everything."""
    server.serve(SECRET_PATH, first_feed())
    feed_bot.command(f"calendar {server.url(SECRET_PATH)}")
    _round(feed_bot)
    assert len(_offers(feed_bot)) == 3
    person = Person("T1", "U1")

    assert "forgot" in json.dumps(feed_bot.command("calendar off"))

    kept = feed_bot.store.calendar_feed(person)
    assert kept is not None and kept.sealed == "", "no address is kept, not even sealed"
    assert len(kept.events) == 3
    fetched = len(server.requests)
    feed_bot.advance(timedelta(hours=1))
    _round(feed_bot)
    assert len(server.requests) == fetched, "a calendar switched off is not read"
    assert "wasn't reading" in json.dumps(feed_bot.command("calendar off"))
    assert "Set your calendar first" in json.dumps(feed_bot.command("calendar words onsite"))

    feed_bot.command(f"calendar {server.url(SECRET_PATH)}")
    _round(feed_bot)
    assert len(server.requests) > fetched, "switched on again, it is read"
    assert len(_offers(feed_bot)) == 3, "and nothing offered before is offered again"

    feed_bot.coach.forget(person)
    assert feed_bot.store.calendar_feed(person) is None


def test_a_private_address_is_refused_without_the_test_setting(
    bot_factory: BotFactory, server: FeedServer
) -> None:
    bot = bot_factory(feed_key=generate_key())
    bot.standin.set_user("U1", tz="America/New_York", team_id="T1")
    server.serve(SECRET_PATH, first_feed())
    bot.command(f"calendar {server.url(SECRET_PATH)}")
    _round(bot)
    assert server.requests == []
    (told,) = [m for m in _said(bot) if "couldn't read your calendar" in m.text]
    assert _offers(bot) == []
    assert "private" in told.text.lower() or "public" in told.text.lower(), told.text


def test_without_a_feed_key_the_calendar_address_is_not_kept(bot: Bot) -> None:
    reply = json.dumps(bot.command("calendar https://calendar.example.com/secret.ics"))
    assert "not switched on" in reply
    assert bot.store.calendar_feed(Person("T1", "U1")) is None


def test_calendar_alone_still_sends_the_coachs_own_calendar_file(bot: Bot) -> None:
    bot.command("calendar")
    assert bot.standin.wait_for(lambda s: bool(s.files()), timeout=10)


def test_two_replicas_on_postgresql_fetch_a_feed_once_and_offer_each_interview_once(
    bot_factory: BotFactory, server: FeedServer, postgres_url: str, postgres_schema: object
) -> None:
    from bot.storage.postgres_schema import schema_url

    url = schema_url(postgres_url, postgres_schema())  # type: ignore[operator]
    key = generate_key()
    replicas = [
        bot_factory(database_url=url, feed_key=key, feed_networks=("127.0.0.0/8",))
        for _ in range(2)
    ]
    one = replicas[0]
    one.standin.set_user("U1", tz="America/New_York", team_id="T1")
    one.without_holidays()
    server.serve(SECRET_PATH, first_feed())
    one.command(f"calendar {server.url(SECRET_PATH)}")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(_round, replicas))
    assert len(server.requests) == 1
    assert len(_offers(one)) == 3


def test_the_scheduler_runs_a_feed_round_every_minute_only_when_feeds_are_on(
    feed_bot: Bot, bot_factory: BotFactory
) -> None:
    from bot.scheduler import FEED_JOB, FEED_ROUND

    job = feed_bot.runtime.scheduler._scheduler.get_job(FEED_JOB)
    assert job is not None and job.trigger.interval == FEED_ROUND
    without_key = bot_factory(db=feed_bot.runtime.settings.db_path.parent / "other")
    assert without_key.runtime.scheduler._scheduler.get_job(FEED_JOB) is None
