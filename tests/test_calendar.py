"""`/interview calendar`: an .ics file a calendar app imports, at the right local times."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from conftest import Bot


def calendar_file(bot: Bot) -> icalendar.Calendar:
    reply = bot.command("calendar")
    assert "Sending your calendar file" in str(reply)
    assert bot.standin.wait_for(lambda s: bool(s.files()), timeout=10)
    (sent,) = bot.standin.files()
    assert sent["name"] == "interviews.ics"
    return icalendar.Calendar.from_ical(sent["content"])


def test_the_calendar_holds_interviews_and_follow_ups_in_local_time(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="Europe/Berlin", team_id="T1")
    bot.command("add Acme, Staff Engineer, tomorrow 2pm, for 45m, with Jane Doe and Bob Smith")
    bot.command("add Globex, Analyst, 2027-04-01 10:00")

    calendar = calendar_file(bot)

    events = {str(e.get("summary")): e for e in calendar.walk("VEVENT")}
    acme = events["Interview: Acme · Staff Engineer"]
    starts, ends = acme.decoded("dtstart"), acme.decoded("dtend")
    assert (starts.strftime("%Y-%m-%d %H:%M"), str(starts.tzinfo)) == (
        "2026-11-27 14:00",
        "Europe/Berlin",
    )
    assert ends - starts == timedelta(minutes=45)
    assert "Jane Doe, Bob Smith" in str(acme.get("description"))
    summer = events["Interview: Globex · Analyst"].decoded("dtstart")
    assert summer.strftime("%H:%M %z") == "10:00 +0200", "after the clocks change"
    follow_ups = [e for name, e in events.items() if "follow-up" in name.lower()]
    assert len(follow_ups) == 2
    assert {e.decoded("dtstart").strftime("%H:%M") for e in follow_ups} == {"10:00"}
    assert any(c.name == "VTIMEZONE" for c in calendar.subcomponents)
    assert len({str(e.get("uid")) for e in calendar.walk("VEVENT")}) == len(events)


def test_an_empty_calendar_is_still_a_valid_file(bot: Bot) -> None:
    calendar = calendar_file(bot)
    assert calendar.get("version") == "2.0"
    assert list(calendar.walk("VEVENT")) == []
