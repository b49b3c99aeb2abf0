"""Every Block Kit message the coach sends, built as plain dicts (and tested as dicts).

Texts that come from the playbook are already mrkdwn with the person's words escaped;
anything else a person typed is escaped here before it is shown.
"""

from __future__ import annotations

from typing import Any

from bot.interview import Interview, Person
from bot.nudge import Nudge, NudgeState
from bot.parsing import ADD_EXAMPLE
from bot.text import escape, shorten
from bot.timing import format_local, zone

Blocks = list[dict[str, Any]]
Message = dict[str, Any]

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
MESSAGE_BLOCK_LIMIT = 50
#: Items per digest message: four blocks each keeps a digest well under the message limit.
DIGEST_SIZE = 10

DONE_ACTION = "nudge_done"
SNOOZE_ACTION = "nudge_snooze"
SKIP_ACTION = "nudge_skip"
NUDGE_ACTIONS = (DONE_ACTION, SNOOZE_ACTION, SKIP_ACTION)
#: Message metadata type that marks the coach's nudge messages.
NUDGE_EVENT = "interview_coach_nudges"

_STATE_LINES = {
    NudgeState.DONE: ":white_check_mark: Done. Nice work.",
    NudgeState.SKIPPED: ":fast_forward: Skipped.",
    NudgeState.CANCELLED: ":no_entry_sign: No longer needed.",
}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, SECTION_LIMIT)}}


def context(text: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": shorten(text, CONTEXT_LIMIT)}],
    }


def button_value(person: Person, nudge: Nudge) -> str:
    """Names the owner too, so a forged click on someone else's item is seen and refused."""
    return f"{person.user_id}:{nudge.number}"


def read_button_value(value: str) -> tuple[str, int] | None:
    """(user id, nudge number) from a button value, or None when it is not one of ours."""
    user_id, _, number = value.partition(":")
    if not user_id or not number.isdigit() or len(number) > 9:
        return None
    return user_id, int(number)


def build_nudge_message(person: Person, nudges: list[Nudge], tz: str) -> Message:
    """One nudge, or a digest of several that came due together; buttons on open ones."""
    blocks: Blocks = []
    if len(nudges) > 1:
        blocks.append(section(f"*{len(nudges)} things to do after your interview*"))
    for nudge in nudges:
        if len(nudges) > 1:
            blocks.append({"type": "divider"})
        blocks.extend(_nudge_blocks(person, nudge, tz))
    fallback = nudges[0].title if len(nudges) == 1 else f"{len(nudges)} interview follow-ups"
    return {
        "text": fallback,
        "blocks": blocks[:MESSAGE_BLOCK_LIMIT],
        "metadata": {
            "event_type": NUDGE_EVENT,
            "event_payload": {"nudges": [n.mark for n in nudges]},
        },
    }


def _nudge_blocks(person: Person, nudge: Nudge, tz: str) -> Blocks:
    body = f"*#{nudge.number} · {nudge.title}*\n{nudge.text}"
    if nudge.link:
        label = f"Find {escape(nudge.interviewer)} on LinkedIn" if nudge.interviewer else "Open"
        body += f"\n<{nudge.link}|{label}>"
    blocks: Blocks = [section(body), context(f":bulb: {nudge.tip}")]
    if nudge.state in _STATE_LINES:
        blocks.append(context(_STATE_LINES[nudge.state]))
    elif nudge.state == NudgeState.SCHEDULED:
        blocks.append(context(f":zzz: Snoozed until {format_local(nudge.due_at, tz)}."))
    else:
        blocks.append(_buttons(person, nudge))
    return blocks


def _buttons(person: Person, nudge: Nudge) -> dict[str, Any]:
    value = button_value(person, nudge)
    return {
        "type": "actions",
        "block_id": f"nudge-{nudge.number}",
        "elements": [
            _button("Done", DONE_ACTION, value, style="primary"),
            _button("Snooze", SNOOZE_ACTION, value),
            _button("Skip", SKIP_ACTION, value),
        ],
    }


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def build_plan_reply(interview: Interview, nudges: list[Nudge]) -> Message:
    """The confirmation after `/interview add`: what was understood and what will follow."""
    tz = interview.tz
    names = ", ".join(escape(i.name) for i in interview.interviewers) or "no interviewers named"
    summary = (
        f":memo: Saved *{escape(interview.company)}* · {escape(interview.role)}\n"
        f"{format_local(interview.starts_at, tz)}–{interview.ends_at.astimezone(zone(tz)):%H:%M}"
        f" ({escape(tz)}) with {names}"
    )
    lines = [f"`#{n.number}` {format_local(n.due_at, tz)} · {n.title}" for n in nudges]
    plan = "*Your plan* (I'll send each one as a direct message):\n" + "\n".join(lines)
    blocks = [section(summary), section(plan)]
    if not interview.interviewers:
        blocks.append(
            context(
                "Tip: name your interviewers (`with Jane Doe and Bob Smith`) and I'll remind "
                "you to thank each of them."
            )
        )
    return {"text": f"Saved your {escape(interview.company)} interview", "blocks": blocks}


def build_add_problem(problem: str) -> Message:
    """A friendly answer to `add` text that could not be understood; nothing was stored."""
    text = (
        f":thinking_face: {escape(problem)}\nNothing was saved. Try it like this:\n"
        f"`{ADD_EXAMPLE}`\nDates like `next tue 10:30`, `Dec 3 at 9am` or `2026-12-03 14:00` "
        "work too, and `for 45m` sets the length."
    )
    return {"text": escape(problem), "blocks": [section(text)]}


def build_help() -> Message:
    text = (
        "*Interview Coach* reminds you of the right things to do after an interview.\n"
        f"• `{ADD_EXAMPLE}` registers an interview and plans your reminders\n"
        "• `/interview list` shows upcoming interviews and open items\n"
        "• `/interview help` shows this\n"
        "In our direct messages you can also write `done 2`, `skip 3`, `snooze 1 2d`, "
        "`list` or `help`."
    )
    return {"text": "How to use Interview Coach", "blocks": [section(text)]}


def build_reply_help() -> Message:
    text = (
        "I understand these replies:\n"
        "• `done` or `done 2`: mark an item done (the number is the `#` in my message)\n"
        "• `skip 3`: skip an item\n"
        "• `snooze 1 2d`, `snooze 1 3h` or `snooze 1`: remind me later (default: tomorrow "
        "morning)\n"
        "• `list`: your open items\n"
        "To add an interview, use `/interview add` anywhere."
    )
    return {"text": "What you can reply", "blocks": [section(text)]}


def build_overview(upcoming: list[Interview], nudges: list[Nudge], tz: str) -> Message:
    """Upcoming interviews and open items, numbered as the DMs number them."""
    if not upcoming and not nudges:
        text = f"Nothing on your list yet. Add an interview with `{ADD_EXAMPLE}`."
        return {"text": "Nothing on your list yet", "blocks": [section(text)]}
    blocks: Blocks = []
    if upcoming:
        lines = [
            f"• *{escape(i.company)}* · {escape(i.role)} · {format_local(i.starts_at, tz)}"
            for i in upcoming
        ]
        blocks.append(section(_listing("*Upcoming interviews*", lines)))
    if nudges:
        blocks.append(section(_listing("*Open items*", [_open_line(n, tz) for n in nudges])))
    return {"text": "Your interviews and open items", "blocks": blocks}


def _listing(heading: str, lines: list[str]) -> str:
    """As many whole lines as fit in one section, then how many more there are."""
    text = heading
    for shown, line in enumerate(lines):
        more = f"\n…and {len(lines) - shown} more"
        if len(text) + 1 + len(line) + len(more) > SECTION_LIMIT:
            return text + more
        text += "\n" + line
    return text


def _open_line(nudge: Nudge, tz: str) -> str:
    when = format_local(nudge.due_at, tz)
    status = "waiting for you" if nudge.state == NudgeState.SENT else f"due {when}"
    return f"`#{nudge.number}` {nudge.title} ({status})"


def build_change_confirmation(nudge: Nudge, tz: str) -> Message:
    """The short DM answer to `done 2` and friends."""
    if nudge.state == NudgeState.SCHEDULED:
        text = f"Snoozed `#{nudge.number}` until {format_local(nudge.due_at, tz)}."
    else:
        verb = {NudgeState.DONE: "Marked", NudgeState.SKIPPED: "Skipped"}.get(nudge.state, "")
        suffix = " as done. Nice work!" if nudge.state == NudgeState.DONE else "."
        text = f"{verb} `#{nudge.number}` {nudge.title}{suffix}"
    return {"text": text, "blocks": [section(text)]}


def build_notice(text: str) -> Message:
    """A one-line answer (refusals, errors): `text` is ours, not the person's."""
    return {"text": text, "blocks": [section(text)]}
