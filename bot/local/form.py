"""A Slack modal asked at the console one field at a time, answered as Slack's inputs answer.

Each answer is checked the way the input itself would check it in Slack (a date picker only
ever gives a date, a required field cannot be left empty), so what reaches the bot is exactly
what a form submitted in Slack carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

CANCEL = "cancel"
#: Inputs the console can ask for; a form with others submits them unanswered.
ASKED_KINDS = frozenset({"plain_text_input", "datepicker", "timepicker", "static_select"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
#: Lines of a multi-line input, typed on one console line.
_LINE_BREAK = re.compile(r"\s*[;|]\s*")


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot go into its field."""

    text: str


@dataclass(frozen=True)
class Field:
    """One input block of a modal, with what the console needs to ask for it."""

    block_id: str
    action_id: str
    label: str
    kind: str
    optional: bool = False
    multiline: bool = False
    #: The pre-filled value, as it would be typed (a select's option value).
    default: str = ""
    #: (value, label) of a select's options, in the order shown.
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    placeholder: str = ""
    max_length: int = 0


def fields_of(view: dict[str, Any]) -> list[Field]:
    """The input blocks of `view` the console can ask for, in the form's order."""
    found = []
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("type") != "input" or element.get("type") not in ASKED_KINDS:
            continue
        kind = element["type"]
        options = tuple(
            (str(o.get("value", "")), _text(o.get("text"))) for o in element.get("options", [])
        )
        default = {
            "plain_text_input": element.get("initial_value"),
            "datepicker": element.get("initial_date"),
            "timepicker": element.get("initial_time"),
            "static_select": (element.get("initial_option") or {}).get("value"),
        }[kind]
        found.append(
            Field(
                block_id=str(block.get("block_id", "")),
                action_id=str(element.get("action_id", "")),
                label=_text(block.get("label")),
                kind=kind,
                optional=bool(block.get("optional")),
                multiline=bool(element.get("multiline")),
                default=str(default or ""),
                options=options,
                hint=_text(block.get("hint")),
                placeholder=_text(element.get("placeholder")),
                max_length=int(element.get("max_length") or 0),
            )
        )
    return found


def _text(text: Any) -> str:
    return str(text.get("text", "")) if isinstance(text, dict) else ""


class TextForm:
    """A modal being filled in: the field asked now, and the answers so far."""

    def __init__(self, view: dict[str, Any], *, today: date) -> None:
        self.view = view
        self.title = _text(view.get("title")) or "Form"
        self.fields = fields_of(view)
        self._today = today
        self._answers: dict[str, str] = {}
        self._asking = list(self.fields)
        self._problems = {f.block_id: f.hint for f in self.fields if f.hint}

    @property
    def done(self) -> bool:
        """Every field has an answer: the form can be submitted."""
        return not self._asking

    def question(self) -> str:
        """How to answer the field asked now: its label, what to type, and any problem."""
        field = self._asking[0]
        guide: list[str] = []
        if field.kind == "datepicker":
            guide.append(f"a date as YYYY-MM-DD; today is {self._today.isoformat()}")
        elif field.kind == "timepicker":
            guide.append("a time as HH:MM, 24-hour clock")
        elif field.kind == "static_select":
            choices = "  ".join(f"{n}) {label}" for n, (_, label) in enumerate(field.options, 1))
            guide.append(f"a number: {choices}")
        elif field.multiline:
            guide.append("several lines on one: separate them with ;")
        if field.placeholder:
            guide.append("e.g. " + "; ".join(field.placeholder.splitlines()))
        if field.default:
            guide.append(f"Enter keeps: {self._shown_default(field)}")
            if field.optional:
                guide.append("`-` leaves it empty")
        elif field.optional:
            guide.append("optional: Enter skips")
        lines = [f"✎ {field.label}"] + ([f"  ({' · '.join(guide)})"] if guide else [])
        if problem := self._problems.get(field.block_id):
            lines.append(f"  ⚠ {problem}")
        return "\n".join(lines)

    def answer(self, line: str) -> str | None:
        """Take `line` for the field asked now; a reason to ask again, or None when taken."""
        field = self._asking[0]
        typed = line.strip()
        if not typed or (typed == "-" and field.optional):
            value = field.default if not typed else ""
            if not value and not field.optional:
                return f"{field.label} is required."
        else:
            checked = self._check(field, typed)
            if isinstance(checked, Problem):
                return checked.text
            value = checked
        self._answers[field.block_id] = value
        self._problems.pop(field.block_id, None)
        self._asking.pop(0)
        return None

    def _check(self, field: Field, typed: str) -> str | Problem:
        """The value the input would hold for `typed`, or why it cannot hold it."""
        if field.kind == "datepicker":
            if not _DATE.match(typed):
                return Problem(f"Type the date as YYYY-MM-DD, like {self._today.isoformat()}.")
            try:
                return date.fromisoformat(typed).isoformat()
            except ValueError:
                return Problem(f"There is no such day as {typed}.")
        if field.kind == "timepicker":
            match = _TIME.match(typed)
            if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
                return Problem("Type the time as HH:MM on a 24-hour clock, like 14:30.")
            return f"{int(match.group(1)):02d}:{match.group(2)}"
        if field.kind == "static_select":
            return self._choose(field, typed)
        value = "\n".join(_LINE_BREAK.split(typed)) if field.multiline else typed
        if field.max_length and len(value) > field.max_length:
            return Problem(f"Keep it to {field.max_length} characters.")
        return value

    @staticmethod
    def _choose(field: Field, typed: str) -> str | Problem:
        if typed.isdigit() and 1 <= int(typed) <= len(field.options):
            return field.options[int(typed) - 1][0]
        for value, label in field.options:
            if typed.casefold() in (value.casefold(), label.casefold()):
                return value
        return Problem(f"Choose one by its number, 1 to {len(field.options)}.")

    @staticmethod
    def _shown_default(field: Field) -> str:
        if field.kind == "static_select":
            return next((label for value, label in field.options if value == field.default), "")
        return "; ".join(field.default.splitlines())

    def ask_again(self, errors: dict[str, str]) -> None:
        """The bot refused the form: ask again for each field it named, in the form's order."""
        self._problems.update({str(k): str(v) for k, v in errors.items()})
        named = [f for f in self.fields if f.block_id in errors]
        self._asking = named or list(self.fields[:1])

    def label_of(self, block_id: str) -> str:
        """A field's label, so the bot's errors (keyed by block id) read as the form shows them."""
        return next((f.label for f in self.fields if f.block_id == block_id), block_id)

    def state_values(self) -> dict[str, dict[str, Any]]:
        """The answers as Slack sends them in view.state.values, one entry per input block."""
        values: dict[str, dict[str, Any]] = {}
        for field in self.fields:
            value = self._answers.get(field.block_id, field.default) or None
            if field.kind == "datepicker":
                state: dict[str, Any] = {"type": "datepicker", "selected_date": value}
            elif field.kind == "timepicker":
                state = {"type": "timepicker", "selected_time": value}
            elif field.kind == "static_select":
                label = dict(field.options).get(value or "", "")
                option = None
                if value is not None:
                    option = {
                        "text": {"type": "plain_text", "text": label, "emoji": True},
                        "value": value,
                    }
                state = {"type": "static_select", "selected_option": option}
            else:
                state = {"type": "plain_text_input", "value": value}
            values[field.block_id] = {field.action_id: state}
        return values
