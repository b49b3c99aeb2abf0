"""The `.ics` file of a person's interviews and coming follow-ups (RFC 5545).

Times carry the person's zone (with its VTIMEZONE), so Google Calendar, Outlook and Apple
Calendar show them at the right local time on both sides of a DST change. Names are shown as
the coach shows them everywhere (`display`): no bidi override turns an event's title around.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar

from bot.domain.interview import Interview, Person
from bot.domain.nudge import Nudge
from bot.domain.text import display, unescape
from bot.domain.timing import zone

PRODUCT_ID = "-//Interview Coach//Interview Coach//EN"
#: How long a follow-up reminder blocks in the calendar.
REMINDER_LENGTH = timedelta(minutes=15)


def build_calendar(
    person: Person,
    interviews: list[Interview],
    follow_ups: list[Nudge],
    *,
    tz: str,
    now: datetime,
) -> bytes:
    """Interviews as events at their local times; follow-ups as short reminders."""
    local = zone(tz)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Interviews")
    for interview in interviews:
        names = display(", ".join(i.name for i in interview.interviewers))
        event = _event(
            uid=f"interview-{interview.id}-{person.team_id}-{person.user_id}@interview-coach",
            summary=display(f"Interview: {interview.company} · {interview.role}"),
            starts=interview.starts_at.astimezone(local),
            ends=interview.ends_at.astimezone(local),
            now=now,
        )
        if names:
            event.add("description", f"With {names}")
        calendar.add_component(event)
    for nudge in follow_ups:
        calendar.add_component(
            _event(
                uid=f"nudge-{nudge.number}.{nudge.edition}-{person.team_id}-{person.user_id}"
                "@interview-coach",
                summary=display(unescape(nudge.title)).replace("*", ""),
                starts=nudge.due_at.astimezone(local),
                ends=(nudge.due_at + REMINDER_LENGTH).astimezone(local),
                now=now,
            )
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _event(
    *, uid: str, summary: str, starts: datetime, ends: datetime, now: datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", summary)
    return event
