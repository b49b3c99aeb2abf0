"""A job seeker's calendar feed as Google publishes it: 40 ordinary events, 3 interviews.

Sam Rivera works at Northwind (northwind.io) and is looking for the next job; their secret
iCal feed is read on Thursday 26 Nov 2026 at 09:00 in New York.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # 09:00 in New York
OWN_DOMAINS = ("northwind.io",)
SAM = "sam.rivera@northwind.io"

_VTIMEZONES = """BEGIN:VTIMEZONE
TZID:America/New_York
X-LIC-LOCATION:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Europe/London
X-LIC-LOCATION:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


@dataclass(frozen=True)
class Entry:
    """One VEVENT as written in the feed (times as the feed writes them)."""

    uid: str
    summary: str
    start: str  # e.g. "TZID=America/New_York:20261201T140000", "20261201T190000Z"
    end: str
    description: str = ""
    organizer: str = ""  # "Name <email>"
    attendees: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # RRULE, EXDATE, RECURRENCE-ID, STATUS lines
    sequence: int = 0

    def text(self) -> str:
        lines = [
            "BEGIN:VEVENT",
            f"DTSTART{_prop(self.start)}",
            f"DTEND{_prop(self.end)}",
            "DTSTAMP:20261120T120000Z",
            f"UID:{self.uid}",
            f"SEQUENCE:{self.sequence}",
            f"SUMMARY:{_escape(self.summary)}",
        ]
        if self.description:
            lines.append(f"DESCRIPTION:{_escape(self.description)}")
        if self.organizer:
            name, email = _person(self.organizer)
            lines.append(f"ORGANIZER;CN={name}:mailto:{email}")
        for attendee in self.attendees:
            name, email = _person(attendee)
            lines.append(
                f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN={name}:"
                f"mailto:{email}"
            )
        lines.extend(self.extra)
        lines.append("END:VEVENT")
        return "\n".join(lines)


def _prop(value: str) -> str:
    if value.startswith(("TZID=", "VALUE=")):
        return ";" + value
    return ":" + value


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _person(text: str) -> tuple[str, str]:
    name, _, email = text.partition(" <")
    return name, email.rstrip(">")


def ny(stamp: str) -> str:
    return f"TZID=America/New_York:{stamp}"


def feed(entries: list[Entry]) -> bytes:
    """The feed's bytes, CRLF line ends, as calendar servers send them."""
    head = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Sam Rivera",
        "X-WR-TIMEZONE:America/New_York",
    ]
    text = "\n".join([*head, _VTIMEZONES.strip(), *(e.text() for e in entries), "END:VCALENDAR"])
    return (text.replace("\n", "\r\n") + "\r\n").encode("utf-8")


TEAM = (f"Sam Rivera <{SAM}>", "Lena Ortiz <lena.ortiz@northwind.io>")

INTERVIEWS = [
    Entry(
        uid="7kq2v0acme@google.com",
        summary="Acme <> Sam Rivera: Staff Engineer interview",
        start=ny("20261201T140000"),
        end=ny("20261201T144500"),
        description="Video call with Jane Doe (Engineering Manager) and Bob Smith.\n"
        "Join: https://meet.google.com/abc-defg-hij",
        organizer="Maria Lopez <maria.lopez@acme.com>",
        attendees=(
            "Jane Doe <jane.doe@acme.com>",
            "Bob Smith <bob.smith@acme.com>",
            "Sam Rivera <sam.rivera@gmail.com>",
        ),
    ),
    Entry(
        uid="040000008200E00074C5B7101A82E0080000000090A1@globex.com",
        summary="Phone screen - Data Analyst",
        start="20261203T160000Z",
        end="20261203T163000Z",
        description="Priya Patel from Globex will call you on your mobile.",
        organizer="Priya Patel <priya.patel@globex.com>",
        attendees=("Sam Rivera <sam.rivera@gmail.com>",),
    ),
    Entry(
        uid="initech-onsite-33@initech.co.uk",
        summary="Initech: technical round with the platform team",
        start="TZID=Europe/London:20261208T150000",
        end="TZID=Europe/London:20261208T160000",
        description="Carlos Mendes and Ana Lima will join.",
        organizer="Carlos Mendes <carlos@initech.co.uk>",
        attendees=("Sam Rivera <sam.rivera@gmail.com>", "Ana Lima <ana.lima@initech.co.uk>"),
    ),
]


def _ordinary() -> list[Entry]:
    """40 events from a working life, some of them near misses for an interview finder."""
    entries = [
        Entry(
            uid="standup@northwind.io",
            summary="Daily standup",
            start=ny("20261102T093000"),
            end=ny("20261102T094500"),
            organizer=TEAM[1],
            attendees=TEAM,
            extra=(
                "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                "EXDATE;TZID=America/New_York:20261127T093000",
            ),
        ),
        Entry(
            uid="standup@northwind.io",
            summary="Daily standup (late start)",
            start=ny("20261201T110000"),
            end=ny("20261201T111500"),
            organizer=TEAM[1],
            attendees=TEAM,
            extra=("RECURRENCE-ID;TZID=America/New_York:20261201T093000",),
        ),
        Entry(
            uid="planning@northwind.io",
            summary="Sprint planning",
            start=ny("20261130T130000"),
            end=ny("20261130T143000"),
            organizer=TEAM[1],
            attendees=TEAM,
            extra=("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",),
        ),
        Entry(
            uid="retro@northwind.io",
            summary="Retro",
            start=ny("20261204T150000"),
            end=ny("20261204T160000"),
            organizer=TEAM[1],
            attendees=TEAM,
        ),
        Entry(
            uid="one-on-one@northwind.io",
            summary="Sam / Lena 1:1",
            start=ny("20261127T100000"),
            end=ny("20261127T103000"),
            organizer=TEAM[1],
            attendees=TEAM,
            extra=("RRULE:FREQ=WEEKLY;BYDAY=FR",),
        ),
        Entry(
            uid="debrief@northwind.io",
            summary="Interview debrief: backend candidate",
            start=ny("20261202T160000"),
            end=ny("20261202T163000"),
            organizer="Noor Haddad <noor@northwind.io>",
            attendees=(*TEAM, "Noor Haddad <noor@northwind.io>"),
        ),
        Entry(
            uid="loop@northwind.io",
            summary="Interviewing: backend candidate (system design)",
            start=ny("20261202T130000"),
            end=ny("20261202T140000"),
            organizer="Noor Haddad <noor@northwind.io>",
            attendees=(*TEAM, "Kai Berg <kai.berg@gmail.com>"),
        ),
        Entry(
            uid="vendor-qbr@northwind.io",
            summary="Quarterly review with Contoso",
            start=ny("20261209T110000"),
            end=ny("20261209T120000"),
            organizer=TEAM[0],
            attendees=(TEAM[0], "Dana White <dana.white@contoso.com>"),
        ),
        Entry(
            uid="accountant@gmail.com",
            summary="Call with the accountant",
            start=ny("20261203T180000"),
            end=ny("20261203T183000"),
            organizer="Sam Rivera <sam.rivera@gmail.com>",
            attendees=("Olu Ade <olu@adeaccounting.com>",),
        ),
        Entry(
            uid="coffee@gmail.com",
            summary="Coffee chat with Priya",
            start=ny("20261128T110000"),
            end=ny("20261128T120000"),
            organizer="Sam Rivera <sam.rivera@gmail.com>",
            attendees=("Priya Shah <priya.shah@gmail.com>",),
        ),
        Entry(
            uid="dentist@gmail.com",
            summary="Dentist",
            start=ny("20261130T080000"),
            end=ny("20261130T090000"),
        ),
        Entry(
            uid="gym@gmail.com",
            summary="Gym",
            start=ny("20261101T070000"),
            end=ny("20261101T080000"),
            extra=("RRULE:FREQ=WEEKLY;BYDAY=TU,TH",),
        ),
        Entry(
            uid="offsite-day@northwind.io",
            summary="Team offsite",
            start="VALUE=DATE:20261210",
            end="VALUE=DATE:20261211",
        ),
        Entry(
            uid="thanksgiving@gmail.com",
            summary="Thanksgiving interview prep with family",  # all-day: not an event at a time
            start="VALUE=DATE:20261126",
            end="VALUE=DATE:20261127",
        ),
        Entry(
            uid="webinar@northwind.io",
            summary="Webinar: scaling Postgres",
            start="20261207T170000Z",
            end="20261207T180000Z",
            organizer="Events <events@pgconf.org>",
            attendees=(TEAM[0],),
        ),
    ]
    for day in range(25):
        entries.append(
            Entry(
                uid=f"focus-{day}@northwind.io",
                summary=["Focus time", "Code review", "Lunch", "Design doc", "Ops rotation"][
                    day % 5
                ],
                start=ny(f"202612{day + 1:02d}T120000"),
                end=ny(f"202612{day + 1:02d}T130000"),
                organizer=TEAM[0],
            )
        )
    return entries


ORDINARY = _ordinary()
assert len(ORDINARY) == 40


def first_feed() -> bytes:
    """The calendar as first read: 40 ordinary events and the 3 interviews."""
    return feed([*ORDINARY[:20], *INTERVIEWS, *ORDINARY[20:]])


def second_feed() -> bytes:
    """A day later: Acme moved to Wednesday 15:00, Globex cancelled its phone screen."""
    acme, globex, initech = INTERVIEWS
    moved = replace(acme, start=ny("20261202T150000"), end=ny("20261202T154500"), sequence=1)
    cancelled = replace(globex, extra=("STATUS:CANCELLED",), sequence=1)
    return feed([*ORDINARY, moved, cancelled, initech])


def third_feed() -> bytes:
    """Initech's event deleted from the calendar altogether."""
    acme, globex, _ = INTERVIEWS
    moved = replace(acme, start=ny("20261202T150000"), end=ny("20261202T154500"), sequence=1)
    return feed([*ORDINARY, moved, replace(globex, extra=("STATUS:CANCELLED",))])
