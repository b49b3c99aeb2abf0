"""Block Kit for answers to words in the DM: the confirmation an outcome needs, the question
when several items or companies fit, and the likeliest actions when the words fit nothing.

Every button names its owner in its value, so a click by anyone else is seen and refused;
buttons in one block get action ids of their own (`reply_item-0`, `reply_item-1`), as Slack
requires, and listeners match them by pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain.interview import CLOSED_OUTCOMES, Outcome, Person, Process
from bot.domain.nudge import Nudge
from bot.domain.reply_words import Outcome as SaidOutcome
from bot.domain.text import display, escape, shorten, unescape
from bot.domain.understanding import DONE, HELP, LIST, SKIP, SNOOZE, Suggestion
from bot.slack.blocks import Message, context, section

REPLY_ITEM_ACTION = "reply_item"
REPLY_OUTCOME_ACTION = "reply_outcome"
REPLY_PROCESS_ACTION = "reply_process"
REPLY_LIST_ACTION = "reply_list"
REPLY_HELP_ACTION = "reply_help"
REPLY_DISMISS_ACTION = "reply_dismiss"
REPLY_ACTIONS = (
    REPLY_ITEM_ACTION,
    REPLY_OUTCOME_ACTION,
    REPLY_PROCESS_ACTION,
    REPLY_LIST_ACTION,
    REPLY_HELP_ACTION,
    REPLY_DISMISS_ACTION,
)
#: Slack's limit on a button's label.
BUTTON_LABEL_LIMIT = 75
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def action_pattern(action_id: str) -> re.Pattern[str]:
    """The action ids of one kind of button, whatever its place in its block."""
    return re.compile(rf"^{re.escape(action_id)}(?:-\d+)?$")


# -- button values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemChoice:
    """A button that acts on one item: done, skip or snooze (for a length, or to a day)."""

    user_id: str
    verb: str
    number: int
    snooze_for: timedelta | None = None
    snooze_until: date | None = None

    def value(self) -> str:
        extra = ""
        if self.snooze_for is not None:
            extra = f":{int(self.snooze_for.total_seconds())}"
        elif self.snooze_until is not None:
            extra = f":{self.snooze_until.isoformat()}"
        return f"{self.user_id}:{self.verb}:{self.number}{extra}"


def read_item_choice(value: str) -> ItemChoice | None:
    parts = value.split(":")
    if len(parts) not in (3, 4) or parts[1] not in (DONE, SKIP, SNOOZE):
        return None
    user_id, verb, number = parts[:3]
    if not user_id or not number.isdigit() or len(number) > 9:
        return None
    choice = ItemChoice(user_id, verb, int(number))
    if len(parts) == 4:
        extra = parts[3]
        if extra.isdigit() and 0 < int(extra) <= 60 * 24 * 3600:
            return ItemChoice(user_id, verb, int(number), snooze_for=timedelta(seconds=int(extra)))
        if _DAY.match(extra):
            try:
                return ItemChoice(
                    user_id, verb, int(number), snooze_until=date.fromisoformat(extra)
                )
            except ValueError:
                return None
        return None
    return choice


@dataclass(frozen=True)
class ProcessChoice:
    """A button about one process: an outcome said in words, or a follow-up, references or
    decision date said about a company the words did not name."""

    user_id: str
    kind: str
    process_id: int
    day: date | None = None

    def value(self) -> str:
        extra = f":{self.day.isoformat()}" if self.day else ""
        return f"{self.user_id}:{self.kind}:{self.process_id}{extra}"


def read_process_choice(value: str, kinds: frozenset[str]) -> ProcessChoice | None:
    parts = value.split(":")
    if len(parts) not in (3, 4) or parts[1] not in kinds:
        return None
    user_id, kind, process_id = parts[:3]
    if not user_id or not process_id.isdigit() or len(process_id) > 9:
        return None
    day = None
    if len(parts) == 4:
        if not _DAY.match(parts[3]):
            return None
        try:
            day = date.fromisoformat(parts[3])
        except ValueError:
            return None
    return ProcessChoice(user_id, kind, int(process_id), day)


# -- messages --------------------------------------------------------------------------------


def what_happens(said: SaidOutcome, process: Process) -> str:
    """What recording `said` for `process` will do, said before it is done."""
    company = escape(process.company)
    records = Outcome(said.records)
    if process.outcome == records:
        change = f"{company} stays marked *{records.value}*"
    else:
        change = f"{company} will be marked *{records.value}*"
        if records == Outcome.ACCEPTED:
            change += (
                ": I'll suggest a short note accepting it, a courteous withdrawal for each "
                "employer still in process, and thanks to your references if they helped"
            )
        elif records == Outcome.DECLINED:
            change += ": I'll suggest one gracious note declining it, and nothing more about them"
        elif records in CLOSED_OUTCOMES:
            change += ": every reminder that would have you contact them stops"
        else:
            change += ": the follow-up planned before this news gives way to what fits it"
    if said.searching == "done":
        change += ", and your search is marked done: no more keep-applying tips"
    elif said.searching == "again":
        change += ", and your search goes on: keep-applying tips stay on"
    return change + "."


def build_outcome_question(
    person: Person, said: SaidOutcome, processes: list[Process], *, named: bool
) -> Message:
    """An outcome read from words: nothing is recorded until the person presses a button
    naming the company."""
    buttons = [
        _button(
            said.button.format(company=p.company),
            REPLY_OUTCOME_ACTION,
            ProcessChoice(person.user_id, said.name, p.id).value(),
            style="primary" if len(processes) == 1 else None,
        )
        for p in processes
    ]
    if len(processes) == 1:
        process = processes[0]
        text = f"Did I get that right? {what_happens(said, process)}"
        fallback = f"Record that for {escape(process.company)}?"
        buttons.append(_button("No, keep it as it is", REPLY_DISMISS_ACTION, person.user_id))
    else:
        which = "the company you mean" if named else "which company it is"
        text = (
            f"Which company is that about? I record nothing until you press {which}: an "
            "outcome changes what I suggest next, and may stop every reminder to contact them."
        )
        fallback = "Which company is that about?"
        buttons.append(_button("None of these", REPLY_DISMISS_ACTION, person.user_id))
    return {"text": fallback, "blocks": [section(text), _actions("reply-outcome", buttons)]}


def build_item_question(
    person: Person,
    verb: str,
    nudges: list[Nudge],
    *,
    note: str = "",
    snooze_for: timedelta | None = None,
    snooze_until: date | None = None,
) -> Message:
    """Several items fit the words: one button each, and nothing changes until a press."""
    asked = {
        DONE: "Which one is done?",
        SKIP: "Which one should I skip?",
        SNOOZE: "Which one should I bring back later?",
    }[verb]
    text = f"{escape(note)} {asked}".strip() if note else asked
    buttons = [
        _button(
            f"#{n.number} {unescape(n.title)}",
            REPLY_ITEM_ACTION,
            ItemChoice(person.user_id, verb, n.number, snooze_for, snooze_until).value(),
        )
        for n in nudges
    ]
    buttons.append(_button("None of these", REPLY_DISMISS_ACTION, person.user_id))
    return {"text": asked, "blocks": [section(text), _actions("reply-item", buttons)]}


def build_process_question(
    person: Person, kind: str, processes: list[Process], day: date | None = None
) -> Message:
    """A follow-up, references or a decision date said without the company: which one?"""
    asked = "Which company is that about?"
    buttons = [
        _button(
            p.company, REPLY_PROCESS_ACTION, ProcessChoice(person.user_id, kind, p.id, day).value()
        )
        for p in processes
    ]
    buttons.append(_button("None of these", REPLY_DISMISS_ACTION, person.user_id))
    return {"text": asked, "blocks": [section(asked), _actions("reply-process", buttons)]}


def build_suggestions(
    person: Person, text: str, suggestions: tuple[Suggestion, ...], nudges: dict[int, Nudge]
) -> Message:
    """Words the coach could not place: a short answer and the likeliest actions."""
    said = escape(shorten(" ".join(text.split()), 60))
    lines = f"I'm not sure what you meant by “{said}”. Is it one of these?"
    buttons = []
    for suggestion in suggestions:
        nudge = nudges.get(suggestion.item or 0)
        if suggestion.action == DONE and nudge is not None:
            label = f"Done: #{nudge.number} {unescape(nudge.title)}"
            value = ItemChoice(person.user_id, DONE, nudge.number).value()
            buttons.append(_button(label, REPLY_ITEM_ACTION, value))
        elif suggestion.action == SNOOZE and nudge is not None:
            label = f"Tomorrow: #{nudge.number} {unescape(nudge.title)}"
            value = ItemChoice(person.user_id, SNOOZE, nudge.number).value()
            buttons.append(_button(label, REPLY_ITEM_ACTION, value))
        elif suggestion.action == LIST:
            buttons.append(_button("Show my list", REPLY_LIST_ACTION, person.user_id))
        elif suggestion.action == HELP:
            buttons.append(_button("What can I say?", REPLY_HELP_ACTION, person.user_id))
    blocks: list[dict[str, Any]] = [section(lines)]
    if buttons:
        blocks.append(_actions("reply-suggestions", buttons))
    blocks.append(context("`help` shows every reply I understand."))
    return {"text": "Not sure what you meant", "blocks": blocks}


_THANKS = re.compile(r"\b(thank|thanks|thx|ty|tysm|cheers|appreciate)", re.IGNORECASE)
_HELLO = re.compile(r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|morning)\b", re.I)


def build_chat_answer(text: str) -> Message:
    """A friendly word back to "thanks!", "hi" or "ok": no list, no help."""
    if _THANKS.search(text):
        reply = "You're welcome! Good luck out there. :four_leaf_clover:"
    elif _HELLO.search(text):
        reply = "Hi! Say `list` to see what is open, or tell me how things went."
    else:
        reply = ":+1:"
    return {"text": reply, "blocks": [section(reply)]}


def _actions(block_id: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    for place, button in enumerate(buttons):
        button["action_id"] = f"{button['action_id']}-{place}"
    return {"type": "actions", "block_id": block_id, "elements": buttons}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": shorten(display(label), BUTTON_LABEL_LIMIT)},
        "value": value,
    }
    if style:
        button["style"] = style
    return button
