"""Interviews found without typing: a pasted invitation, a shared .ics file, a calendar event.

Reading is the domain's (`invitation`, `calendar_feed`, `feed_watch`); this module turns what
was read into an add request (when everything was read surely) or the values of a filled add
form and what to check, and a calendar event into an offer ("Track this interview?").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.calendar_feed import FeedEvent, Status, read_feed
from bot.domain.feed_watch import event_invitation
from bot.domain.invitation import Invitation, form_values, read_invitation
from bot.domain.parsing import (
    AddInputError,
    InterviewRequest,
    form_field_of,
    parse_add,
    read_add_form,
)

#: Where the form's fields come from when the invitation gave no length.
DEFAULT_LENGTH = "60"
#: The largest .ics file read from the DM: an invitation is a few kilobytes.
MAX_ICS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Reading:
    """What a pasted text or a file gave: a request ready to add, or form values to check."""

    invitation: Invitation
    values: dict[str, str]
    request: InterviewRequest | None = None
    #: (field, words) for the form's hint, when something is missing or unsure.
    problem: tuple[str, str] | None = None


@dataclass(frozen=True)
class Offer:
    """An interview-like event to offer as "Track this interview?"."""

    key: str
    summary: str
    starts_at: datetime
    values: dict[str, str]
    reasons: tuple[str, ...] = ()


_NAMES = {
    "company": "the company",
    "role": "the role",
    "date": "the date",
    "time": "the time",
    "duration": "the length",
    "interviewers": "the interviewers",
}


def _problem(invitation: Invitation) -> tuple[str, str] | None:
    """The first field to check, and a hint naming every field the invitation left unsure."""
    gaps = [f for f in _NAMES if f in invitation.unsure or f in invitation.missing]
    if not gaps:
        return None
    field_name = next((f for f in gaps if f not in ("duration", "interviewers")), gaps[0])
    words = ", ".join(_NAMES[f] for f in gaps)
    return field_name, f"Please check {words}: I could not read it all from the invitation."


def reading(invitation: Invitation, *, now: datetime, tz: str) -> Reading:
    """The request when the invitation was read fully and the form's own checks accept it;
    else the values for a filled form and what to check."""
    values = form_values(invitation, tz=tz)
    problem = _problem(invitation)
    if problem is None and invitation.complete:
        try:
            request = read_add_form(
                {**values, "duration": values.get("duration") or DEFAULT_LENGTH}, now=now, tz=tz
            )
        except AddInputError as error:
            return Reading(
                invitation, values, problem=(form_field_of(error.problem), error.problem)
            )
        if invitation.remark:
            request = replace(request, remark=invitation.remark)
        return Reading(invitation, values, request=request)
    return Reading(invitation, values, problem=problem)


def looks_pasted(text: str, *, now: datetime, tz: str) -> bool:
    """`add` text that is an invitation rather than the one-line form: several lines, or
    a line `/interview add` cannot read in which the invitation reader finds a company and
    a start (a recruiter's message pasted whole)."""
    if "\n" in text.strip():
        return True
    try:
        parse_add(text, now=now, tz=tz)
    except AddInputError:
        found = read_invitation(text, now=now, tz=tz)
        return bool(found.company) and found.starts_at is not None
    return False


def ics_offers(data: bytes, *, now: datetime, tz: str) -> tuple[Offer, ...]:
    """The events of an .ics file (an invitation attachment), each as an offer; the file is
    an invitation already, so every timed event in it counts. Raises FeedError."""
    events = read_feed(
        data, now=now, tz=tz, look_back=timedelta(days=30), look_ahead=timedelta(days=730)
    )
    return tuple(
        event_offer(e, (), now=now, tz=tz) for e in events if e.status is not Status.CANCELLED
    )


def event_offer(event: FeedEvent, reasons: tuple[str, ...], *, now: datetime, tz: str) -> Offer:
    return Offer(
        key=event.key,
        summary=event.summary,
        starts_at=event.starts_at,
        values=form_values(event_invitation(event, now=now, tz=tz), tz=tz),
        reasons=reasons,
    )


def read_pasted(text: str, *, now: datetime, tz: str) -> Reading:
    """A pasted invitation read into a request or a filled form."""
    return reading(read_invitation(text, now=now, tz=tz), now=now, tz=tz)
