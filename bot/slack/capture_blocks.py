"""Block Kit for interviews found without typing: "Track this interview?" offers, the filled
add form, and what the calendar feed changed.

An offer's button carries the filled form's values (and the calendar event's key, for a
feed), so pressing it needs nothing kept about the event beyond its record; it names its
owner, so a press by anyone else is refused.
"""

from __future__ import annotations

import json
from typing import Any

from bot.coach.capture import Offer, Reading
from bot.domain.interview import Interview, Person
from bot.domain.text import escape, shorten
from bot.domain.timing import format_local
from bot.slack.blocks import Message, build_add_form, build_plan_reply, context, section

#: The message shortcut's callback id (manifest.yml) and the offer button's action id.
TRACK_SHORTCUT = "track_interview"
TRACK_OFFER_ACTION = "track_offer"
#: Slack's limit on a button's value.
VALUE_LIMIT = 2000


def offer_value(person: Person, values: dict[str, str], key: str = "") -> str:
    """The button's value: owner, feed event key and form values, within Slack's limit
    (interviewers, then notes-like long fields, are shortened first)."""
    shown = dict(values)
    while True:
        value = json.dumps({"u": person.user_id, "k": key, "v": shown}, separators=(",", ":"))
        if len(value) <= VALUE_LIMIT:
            return value
        longest = max(shown, key=lambda f: len(shown[f]))
        shown[longest] = shorten(shown[longest], max(len(shown[longest]) // 2, 1))


def read_offer_value(value: str) -> tuple[str, str, dict[str, str]] | None:
    """(owner, event key, form values) from a button's value; None when it is not one."""
    try:
        data = json.loads(value)
        owner, key, values = str(data["u"]), str(data.get("k") or ""), data["v"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(values, dict):
        return None
    return owner, key, {str(k): str(v) for k, v in values.items()}


def build_offer(person: Person, offer: Offer, tz: str, *, from_file: bool = False) -> Message:
    """ "Track this interview?" with one button that opens the filled form."""
    title = escape(shorten(offer.summary or "An event", 150))
    where = "in the file you shared" if from_file else "in your calendar"
    text = (
        f":calendar: *Track this interview?* {where}\n*{title}* · "
        f"{format_local(offer.starts_at, tz)} ({escape(tz)})"
    )
    blocks: list[dict[str, Any]] = [section(text)]
    if offer.reasons:
        blocks.append(context("Why I asked: " + escape(shorten("; ".join(offer.reasons), 200))))
    blocks.append(
        {
            "type": "actions",
            "block_id": "track",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Track this interview"},
                    "action_id": TRACK_OFFER_ACTION,
                    "value": offer_value(person, offer.values, offer.key if not from_file else ""),
                    "style": "primary",
                }
            ],
        }
    )
    return {"text": f"Track this interview? {shorten(offer.summary, 80)}", "blocks": blocks}


def build_filled_form(
    values: dict[str, str], problem: tuple[str, str] | None, *, feed_key: str = ""
) -> dict[str, Any]:
    """The add form filled with what was read; a feed event's key rides along, so saving
    the form follows that event."""
    view = build_add_form(values, problem)
    if feed_key:
        view["private_metadata"] = json.dumps({"feed": feed_key})
    return view


def feed_key_of(view: dict[str, Any]) -> str:
    """The calendar event a submitted form was opened for, if any."""
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return ""
    return str(data.get("feed") or "") if isinstance(data, dict) else ""


def build_invitation_added(plan_reply: Message) -> Message:
    """The usual plan reply, saying it was read from the pasted invitation."""
    blocks = list(plan_reply["blocks"])
    blocks.insert(1, context(":envelope: Read from the invitation you pasted."))
    return {**plan_reply, "blocks": blocks}


def build_form_opened(reading: Reading) -> Message:
    """The answer to a pasted invitation that needs checking: the form is open."""
    if reading.problem is not None:
        text = f":pencil: I filled the add form with what I read. {escape(reading.problem[1])}"
    else:
        text = ":pencil: I filled the add form with what I read; check it and save."
    return {"text": text, "blocks": [section(text)]}


def build_moved(interview: Interview, nudges: list[Any], remark: str, tz: str) -> Message:
    """A tracked event moved in the calendar: the interview moved with it."""
    if remark:
        text = (
            f":calendar: *{escape(interview.company)}* moved in your calendar, but I could not "
            f"move `i{interview.id}`: {escape(remark)}"
        )
        return {"text": text, "blocks": [section(text)]}
    head = (
        f":calendar: Your *{escape(interview.company)}* interview moved in your calendar: it is "
        f"now {format_local(interview.starts_at, tz)} ({escape(tz)}). I moved your plan with it."
    )
    plan = build_plan_reply(interview, nudges)
    return {"text": head, "blocks": [section(head), *plan["blocks"][1:2]]}


def build_cancelled(interview: Interview) -> Message:
    """A tracked event was cancelled in the calendar."""
    text = (
        f":calendar: Your *{escape(interview.company)}* interview (`i{interview.id}`) was "
        "cancelled in your calendar. I marked it cancelled and withdrew its reminders; "
        f"`/interview remove {interview.id}` deletes it."
    )
    return {"text": text, "blocks": [section(text)]}


def build_feed_problem(problem: str) -> Message:
    """The calendar cannot be read: said once per run of failures."""
    text = (
        f":warning: I couldn't read your calendar: {escape(problem)} I'll keep trying now "
        "and then; `/interview calendar off` stops it."
    )
    return {"text": text, "blocks": [section(text)]}
