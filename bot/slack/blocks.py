"""Every Block Kit message the coach sends, built as plain dicts (and tested as dicts).

Texts that come from the playbook are already mrkdwn with the person's words escaped;
anything else a person typed is escaped here before it is shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.domain.debriefs import ASKED_WITH, MAX_ANSWER
from bot.domain.draft_check import Review, verdict
from bot.domain.drafts import RULE_NOTES
from bot.domain.interview import Debrief, Interview, Outcome, Person
from bot.domain.lifecycle import FOLLOW_UP
from bot.domain.nudge import Nudge, NudgeState
from bot.domain.offers import DECISION_RULES, REMINDER
from bot.domain.parsing import ADD_EXAMPLE
from bot.domain.text import display, escape, plural, shorten
from bot.domain.timing import Day, country_name, format_local, zone

if TYPE_CHECKING:
    from bot.coach.debriefs import DebriefChange
    from bot.domain.changes import OutcomeChange
    from bot.domain.overview import Overview, Standing

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
SNOOZE_CHOICE_ACTION = "nudge_snooze_choice"
DRAFT_ACTION = "nudge_draft"
#: Nudges that offer a "Draft it" button.
DRAFTED_RULES = frozenset(
    {"thank-you", "thank-you-team", "follow-up", "gracious-reply", *RULE_NOTES}
)
#: Snooze choices offered beside the Snooze button (which means tomorrow morning).
SNOOZE_CHOICES = (
    ("later", "Later today"),
    ("tomorrow", "Tomorrow morning"),
    ("next-week", "Next week"),
)
OUTCOME_ACTION = "process_outcome"
#: "How did it go?" on the debrief item: opens the debrief form.
DEBRIEF_ACTION = "debrief_open"
DEBRIEF_FORM = "interview_debrief"
#: Input block ids of the debrief form.
DEBRIEF_FIELDS = ("topics", "next_step", "decision_on", "others_met")
#: The answer to an offer, on the offer plan's items.
ACCEPTED_ACTION = "offer_accepted"
DECLINED_ACTION = "offer_declined"
OFFER_ACTIONS = (ACCEPTED_ACTION, DECLINED_ACTION)
REMOVE_ACTION = "interview_remove"
FORGET_ACTION = "forget_everything"
KEEP_DATA_ACTION = "forget_cancel"
KEEP_ACTION = "interview_keep"
#: Outcomes offered on a follow-up nudge ("Heard back?").
OUTCOME_CHOICES = (
    (Outcome.IN_PROCESS, "Still in process"),
    (Outcome.REJECTED, "Not selected"),
    (Outcome.OFFER, "Got an offer"),
    (Outcome.WITHDRAWN, "I withdrew"),
)
#: Message metadata type that marks the coach's nudge messages.
NUDGE_EVENT = "interview_coach_nudges"

_STATE_LINES = {
    NudgeState.DONE: ":white_check_mark: Done. Nice work.",
    NudgeState.SKIPPED: ":fast_forward: Skipped.",
    NudgeState.CANCELLED: ":no_entry_sign: No longer needed.",
}


def section(text: str) -> dict[str, Any]:
    """A block of text; `display` again here catches what was saved before it existed."""
    shown = shorten(display(text), SECTION_LIMIT)
    return {"type": "section", "text": {"type": "mrkdwn", "text": shown}}


def context(text: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": shorten(display(text), CONTEXT_LIMIT)}],
    }


def button_value(person: Person, nudge: Nudge) -> str:
    """Names the owner too, so a forged click on someone else's item is seen and refused."""
    return f"{person.user_id}:{nudge.number}"


def read_button_value(value: str) -> tuple[str, int] | None:
    """(user id, number) from a button value, or None when it is not one of ours."""
    user_id, _, number = value.partition(":")
    if not user_id or not number.isdigit() or len(number) > 9:
        return None
    return user_id, int(number)


def read_snooze_choice(value: str) -> tuple[str, int, str] | None:
    """(user id, nudge number, choice) from a snooze menu option, or None."""
    head, _, choice = value.rpartition(":")
    owner = read_button_value(head)
    if owner is None or choice not in {c for c, _ in SNOOZE_CHOICES}:
        return None
    return owner[0], owner[1], choice


def read_outcome_value(value: str) -> tuple[str, int, Outcome] | None:
    """(user id, interview id, outcome) from a "Heard back?" choice, or None."""
    head, _, outcome = value.rpartition(":")
    owner = read_button_value(head)
    if owner is None or outcome not in {o.value for o in Outcome}:
        return None
    return owner[0], owner[1], Outcome(outcome)


def build_nudge_message(
    person: Person, nudges: list[Nudge], tz: str, proofread: str = ""
) -> Message:
    """One nudge, or the day's digest; buttons on open ones.

    A message that asks the person to write to an employer ends with the proofread advice,
    once, not once per item.
    """
    blocks: Blocks = []
    if len(nudges) > 1:
        blocks.append(section(f"*{plural(len(nudges), 'thing')} for today*"))
    asked: set[int] = set()
    for nudge in nudges:
        if len(nudges) > 1:
            blocks.append({"type": "divider"})
        blocks.extend(_nudge_blocks(person, nudge, tz))
        room = MESSAGE_BLOCK_LIMIT - 4 * len(nudges) - 2 - len(asked)
        if (
            nudge.rule in ASKED_WITH
            and nudge.is_open
            and nudge.interview_id not in asked
            and room > 0
        ):
            # Once per interview, right after it: the answers make its drafts specific.
            asked.add(nudge.interview_id)
            blocks.append(_debrief_question(person, nudge))
    if proofread and any(n.contacts_employer and n.is_open for n in nudges):
        blocks.append(context(f":mag: {proofread}"))
    many = f"{plural(len(nudges), 'thing')} for today"
    fallback = display(nudges[0].title) if len(nudges) == 1 else many
    return {
        "text": fallback,
        "blocks": blocks[:MESSAGE_BLOCK_LIMIT],
        "metadata": {
            "event_type": NUDGE_EVENT,
            "event_payload": {"nudges": [n.mark for n in nudges]},
        },
    }


def _debrief_question(person: Person, nudge: Nudge) -> dict[str, Any]:
    """ "How did it go?": optional notes on the interview, in a form or in words."""
    return {
        "type": "section",
        "block_id": f"debrief-{nudge.number}",
        "text": {
            "type": "mrkdwn",
            "text": (
                ":memo: *How did it go?* Optional, two minutes: what you talked about, the next "
                "step and date they gave, anyone else you met. I'll put it in your drafts, your "
                "follow-up timing and your thank-you list. Or reply in words: `debrief talked "
                "about ...; next: ...; decide by ...; met ...`."
            ),
        },
        "accessory": _button("How did it go?", DEBRIEF_ACTION, button_value(person, nudge)),
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
    done = "I followed up" if nudge.rule == FOLLOW_UP else "Done"
    elements = [
        _button(done, DONE_ACTION, value, style="primary"),
        _button("Snooze", SNOOZE_ACTION, value),
        _button("Skip", SKIP_ACTION, value),
    ]
    if nudge.rule in DRAFTED_RULES:
        elements.append(_button("Draft it", DRAFT_ACTION, value))
    elements.append(
        {
            "type": "overflow",
            "action_id": SNOOZE_CHOICE_ACTION,
            "options": [
                {"text": {"type": "plain_text", "text": label}, "value": f"{value}:{choice}"}
                for choice, label in SNOOZE_CHOICES
            ],
        }
    )
    if nudge.rule == FOLLOW_UP:
        elements.append(_heard_back(person, nudge.interview_id))
    if nudge.rule in DECISION_RULES:
        elements[3:3] = [
            _button("Accepted", ACCEPTED_ACTION, value, style="primary"),
            _button("Declined", DECLINED_ACTION, value),
        ]
    return {"type": "actions", "block_id": f"nudge-{nudge.number}", "elements": elements}


def _heard_back(person: Person, interview_id: int) -> dict[str, Any]:
    """A menu on follow-ups: telling the coach the news changes what it suggests next."""
    return {
        "type": "static_select",
        "action_id": OUTCOME_ACTION,
        "placeholder": {"type": "plain_text", "text": "Heard back?"},
        "options": [
            {
                "text": {"type": "plain_text", "text": label},
                "value": f"{person.user_id}:{interview_id}:{outcome.value}",
            }
            for outcome, label in OUTCOME_CHOICES
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


def build_plan_reply(
    interview: Interview,
    nudges: list[Nudge],
    superseded: list[Nudge] | None = None,
    remark: str = "",
) -> Message:
    """The confirmation after `/interview add`: what was understood and what will follow."""
    tz = interview.tz
    names = ", ".join(escape(i.name) for i in interview.interviewers) or "no interviewers named"
    label = f"round {interview.round} of " if interview.round > 1 else ""
    summary = (
        f":memo: Saved {label}*{escape(interview.company)}* · {escape(interview.role)} "
        f"(`i{interview.id}`)\n"
        f"{format_local(interview.starts_at, tz)}–{interview.ends_at.astimezone(zone(tz)):%H:%M}"
        f" ({escape(tz)}) with {names}"
    )
    lines = [f"`#{n.number}` {format_local(n.due_at, tz)} · {n.title}" for n in nudges]
    plan = "*Your plan* (I'll send each one as a direct message):\n" + "\n".join(lines)
    blocks = [section(summary), section(_listing(plan.split("\n")[0], plan.split("\n")[1:]))]
    replaced = [n for n in superseded or [] if n.interview_id != 0]
    if replaced:
        blocks.append(
            context(
                f"This round replaces {plural(len(replaced), 'earlier reminder')} "
                f"({', '.join(f'#{n.number}' for n in replaced)}): the cadence starts again "
                "from this interview."
            )
        )
    if remark:
        blocks.append(context(f":calendar: {escape(remark)}"))
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


def build_help(example: tuple[str, int] | None = None) -> Message:
    """What the coach can do; the examples use the person's own latest company when known."""
    company, number = example or ("acme", 3)
    name = escape(company.casefold())
    text = (
        "*Interview Coach* reminds you of the right things to do after an interview.\n"
        f"• `{ADD_EXAMPLE}` registers an interview (a second one with the same company is "
        "another round); or paste an invitation after `/interview add`, use *Track this "
        "interview* on a message, or share an `.ics` file here\n"
        "• `/interview calendar <secret iCal address>` offers the interviews in your calendar "
        "(`calendar off` stops it)\n"
        "• `/interview list` shows your processes, upcoming interviews and open items\n"
        f"• `/interview status {name} rejected` (or `in process`, `offer`, `withdrawn`, "
        f"`waiting`, `references` when they ask for them) tells me how it went\n"
        f"• `/interview expect {name} dec 12` records when they said they would decide\n"
        f"• `/interview followed-up {name}` logs a follow-up you sent\n"
        f"• `/interview edit {number} when tomorrow 3pm` (or `company`, `role`, `with`, `for`), "
        f"`/interview remove {number}`, `/interview undo`\n"
        "• `/interview settings` (window, `country` for public holidays), `pause 2w`, `resume`, "
        "`calendar`, `status done searching`\n"
        "• `/interview profile name Sam Lee` (or `strengths ...`) for your drafts\n"
        "• `/interview export` sends you all your data; `/interview forget` deletes it\n"
        "In our direct messages you can also write `done 2`, `skip 3`, `snooze 1 2d`, "
        f"`list`, `{name} rejected`, `followed up with {name}` or `undo`."
    )
    return {"text": "How to use Interview Coach", "blocks": [section(text)]}


def build_reply_help() -> Message:
    text = (
        "I understand these replies, and the same in your own words:\n"
        "• `done` or `done 2`: mark an item done (the number is the `#` in my message); "
        "or say it: `sent it`, `connected with Bob`, `did the thank-you to Jane`\n"
        "• `skip 3`: skip an item\n"
        "• `snooze 1 2d`, `snooze 1 3h` or `snooze 1`: remind me later (default: tomorrow "
        "morning); or `remind me about Priya's LinkedIn next week`\n"
        "• `list`: your processes and open items\n"
        "• `acme rejected`, `they said no`, `still in process at acme`, `got the offer from "
        "acme`, `I accepted the offer`: how it went (I ask you to confirm before I record it)\n"
        "• `followed up with acme`, `acme will decide by dec 12`, `undo`\n"
        "• `check` followed by a draft: I'll review it before you send it\n"
        "• `I'm done job hunting` or `searching again`: stop or restart the keep-applying tips\n"
        "To add an interview, use `/interview add` anywhere."
    )
    return {"text": "What you can reply", "blocks": [section(text)]}


def build_overview(overview: Overview) -> Message:
    """Each process with its state, round and next nudge; then the open items."""
    tz = overview.tz
    if not overview.standings and not overview.open_nudges:
        text = f"Nothing on your list yet. Add an interview with `{ADD_EXAMPLE}`."
        return {"text": "Nothing on your list yet", "blocks": [section(text)]}
    blocks: Blocks = []
    if overview.upcoming:
        lines = [
            f"• *{escape(i.company)}* · {escape(i.role)} · {format_local(i.starts_at, tz)}"
            for i in overview.upcoming
        ]
        blocks.append(section(_listing("*Upcoming interviews*", lines)))
    if overview.standings:
        lines = [_standing_line(standing, tz) for standing in overview.standings]
        blocks.append(section(_listing("*Your processes*", lines)))
    if overview.open_nudges:
        lines = [_open_line(n, tz) for n in overview.open_nudges]
        blocks.append(section(_listing("*Open items*", lines)))
    blocks.append(
        context(
            "Tell me how it goes: `/interview status acme rejected`, `/interview expect acme "
            "dec 12`, `/interview followed-up acme`, or in words here."
        )
    )
    return {"text": "Your interviews and open items", "blocks": blocks}


def _standing_line(standing: Standing, tz: str) -> str:
    process = standing.process
    last = standing.last_round
    state = process.outcome.value
    if process.offer_open:
        state = "offer: waiting for your answer"
        if process.expected_on:
            state += f" (due {process.expected_on:%a} {process.expected_on.day} "
            state += f"{process.expected_on:%b})"
    if process.expected_on and not process.closed:
        state += f", decision expected {process.expected_on:%a} {process.expected_on.day} "
        state += f"{process.expected_on:%b}"
    if process.cold:
        state = "gone quiet: no more follow-ups unless you hear back"
    line = (
        f"• `i{last.id}` *{escape(process.company)}* · {escape(process.role)} · "
        f"round {last.round} · {state}"
    )
    if standing.next_nudge is not None:
        nudge = standing.next_nudge
        line += f" · next: {nudge.title} ({format_local(nudge.due_at, tz)})"
    if standing.open_items:
        line += f" · {plural(len(standing.open_items), 'item')} waiting for you"
    return line


def build_outcome_reply(change: OutcomeChange, tz: str) -> Message:
    """What the coach says when a process's state changes, and what it did about it."""
    process = change.process
    company = escape(process.company)
    opening = {
        Outcome.REJECTED: f"I'm sorry about {company}. That is hard news, and it says nothing "
        "final about you: many good candidates hear no before the right yes.",
        Outcome.OFFER: f":tada: Congratulations on the offer from {company}!",
        Outcome.WITHDRAWN: f"Noted: you withdrew from {company}.",
        Outcome.IN_PROCESS: f"Good news: you are still in the running at {company}.",
        Outcome.WAITING: f"Noted: you are waiting to hear from {company}.",
        Outcome.ACCEPTED: f":tada: Congratulations on your new role at {company}!",
        Outcome.DECLINED: f"Noted: you turned down the {company} offer.",
    }[process.outcome]
    lines = [opening]
    withdrawn = [n for n in change.withdrawn if n.state == NudgeState.CANCELLED]
    contact = [n for n in withdrawn if n.contacts_employer]
    if contact and process.closed:
        lines.append(
            f"I cancelled {plural(len(contact), 'reminder')} that would have had you contact "
            "them: " + ", ".join(f"`#{n.number}` {n.title}" for n in contact[:8])
        )
    if len(withdrawn) > len(contact):
        lines.append(
            f"I also dropped {plural(len(withdrawn) - len(contact), 'reminder')} that no longer "
            "fit."
        )
    if process.outcome == Outcome.REJECTED:
        lines.append("I won't suggest contacting them again.")
    if process.outcome == Outcome.OFFER:
        lines.append(
            "No more follow-ups or keep-applying tips while you decide. When you have, press "
            "*Accepted* or *Declined* on my message (or tell me in words)."
        )
    if process.outcome == Outcome.ACCEPTED:
        lines.append("Your search is marked done: no more keep-applying tips.")
    if process.outcome == Outcome.DECLINED:
        lines.append("Your search goes on, and so do my keep-applying tips.")
    lines.extend(_planned_lines(change.planned, tz))
    return _reply(lines)


def build_references_reply(change: OutcomeChange, tz: str) -> Message:
    """They asked for references: the heads-up to the references comes now."""
    company = escape(change.process.company)
    lines = [f"Good sign: {company} asked for your references. Let's get them ready."]
    lines.extend(_planned_lines(change.planned, tz))
    return _reply(lines)


def build_expect_reply(change: OutcomeChange, tz: str) -> Message:
    process = change.process
    expected = process.expected_on
    when = f"{expected:%a} {expected.day} {expected:%b}" if expected else "the date they named"
    lines = [
        f"Noted: {escape(process.company)} said they would decide by {when}. "
        "I'll hold off until then."
    ]
    if process.offer_open:
        lines = [f"Noted: {escape(process.company)} needs your answer on the offer by {when}."]
        if not any(n.rule == REMINDER for n in change.planned):
            lines.append("You already have a reminder of your own for it, so I left it as it is.")
    lines.extend(_planned_lines(change.planned, tz))
    return _reply(lines)


def build_follow_up_logged(change: OutcomeChange, tz: str) -> Message:
    process = change.process
    lines = [f"Logged your follow-up with {escape(process.company)}. Well done."]
    if not any(n.rule == FOLLOW_UP for n in change.planned):
        lines.append("That was the last follow-up I'll suggest; now let them come back to you.")
    lines.extend(_planned_lines(change.planned, tz))
    return _reply(lines)


def _planned_lines(planned: list[Nudge], tz: str) -> list[str]:
    ordered = sorted(planned, key=lambda n: (n.due_at, n.number))
    return [f"Next: `#{n.number}` {n.title} ({format_local(n.due_at, tz)})" for n in ordered]


def _reply(lines: list[str]) -> Message:
    text = "\n".join(lines)
    return {"text": lines[0], "blocks": [section(text)]}


def build_settings(window: Day, tz: str, paused_until: datetime | None) -> Message:
    """The person's window, holidays and pause, and how to change them."""
    holidays = (
        f"• Public holidays are days off: {escape(country_name(window.country))}"
        if window.country
        else "• No public holidays are kept as days off"
    )
    lines = [
        "*Your settings*",
        f"• Working window: {window.describe()} ({escape(tz)}, from your Slack profile)",
        holidays,
        "• Paused until " + format_local(paused_until, tz) if paused_until else "• Not paused",
        "Change them with `/interview settings days mon-fri hours 9-18`, "
        "`/interview settings country GB` (or `auto`, `none`), `/interview pause 2w` and "
        "`/interview resume`.",
    ]
    return _reply(lines)


#: Slack's limit on blocks in a Home tab or modal view.
VIEW_BLOCK_LIMIT = 100
#: Open items shown with buttons on the Home tab; the rest are summarised.
HOME_ITEMS = 12


def build_home(
    person: Person, overview: Overview, window: Day, paused_until: datetime | None
) -> dict[str, Any]:
    """The Home tab: pipeline, upcoming interviews, processes, open items, settings.

    Bounded whatever the person stores: long lists are cut to whole lines with a count of
    the rest, and only the first open items carry buttons.
    """
    tz = overview.tz
    standings = overview.standings
    closed = sum(1 for s in standings if s.process.closed and not s.process.offer_open)
    quiet = sum(1 for s in standings if not s.process.closed and s.process.cold)
    waiting = sum(
        1
        for s in standings
        if not s.process.closed and not s.process.cold and s.process.outcome.value == "waiting"
    )
    pipeline = f"*Pipeline* · {len(standings) - closed - quiet} active · {waiting} waiting to "
    pipeline += f"hear back · {quiet} gone quiet · " if quiet else "hear back · "
    blocks: Blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Interview Coach"}},
        section(f"{pipeline}{closed} closed"),
    ]
    if overview.upcoming:
        lines = [
            f"• *{escape(i.company)}* · {escape(i.role)} · {format_local(i.starts_at, tz)}"
            for i in overview.upcoming
        ]
        blocks.append(section(_listing("*Upcoming interviews*", lines)))
    if standings:
        lines = [_standing_line(standing, tz) for standing in standings]
        blocks.append(section(_listing("*Your processes*", lines)))
    items = [n for n in overview.open_nudges if n.state == NudgeState.SENT]
    if items:
        blocks.append({"type": "divider"})
        blocks.append(section(f"*Open items* ({len(items)})"))
        for nudge in items[:HOME_ITEMS]:
            blocks.append(section(f"*#{nudge.number} · {nudge.title}*"))
            blocks.append(_buttons(person, nudge))
        if len(items) > HOME_ITEMS:
            blocks.append(context(f"…and {len(items) - HOME_ITEMS} more: `/interview list`."))
    if not standings and not items:
        blocks.append(section(f"Nothing here yet. Add an interview with `{ADD_EXAMPLE}`."))
    blocks.append({"type": "divider"})
    blocks.append(build_settings(window, tz, paused_until)["blocks"][0])
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}


ADD_FORM = "interview_add"
#: Input block ids of the add form; `response_action: errors` names them.
FORM_FIELDS = ("company", "role", "date", "time", "duration", "interviewers", "notes")
DURATIONS = (
    ("30", "30 minutes"),
    ("45", "45 minutes"),
    ("60", "1 hour"),
    ("90", "1.5 hours"),
    ("120", "2 hours"),
    ("180", "3 hours"),
)


def build_add_form(
    prefill: dict[str, str], problem: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The `/interview add` modal, pre-filled with what was understood.

    `problem` (field, message) shows as that field's hint, so the person sees what to fix.
    """

    def text_input(
        field: str,
        label: str,
        *,
        optional: bool = False,
        multiline: bool = False,
        placeholder: str = "",
        limit: int = 100,
    ) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
            "max_length": limit,
        }
        if prefill.get(field):
            element["initial_value"] = shorten(display(prefill[field]), limit)
        if placeholder:
            element["placeholder"] = {"type": "plain_text", "text": placeholder}
        return _input(field, label, element, optional=optional)

    def _input(
        field: str, label: str, element: dict[str, Any], *, optional: bool = False
    ) -> dict[str, Any]:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": field,
            "label": {"type": "plain_text", "text": label},
            "element": element,
            "optional": optional,
        }
        if problem and problem[0] == field:
            block["hint"] = {"type": "plain_text", "text": shorten(display(problem[1]), 150)}
        return block

    date_picker: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if prefill.get("date"):
        date_picker["initial_date"] = prefill["date"]
    time_picker: dict[str, Any] = {"type": "timepicker", "action_id": "value"}
    if prefill.get("time"):
        time_picker["initial_time"] = prefill["time"]
    lengths = list(DURATIONS)
    typed = prefill.get("duration", "")
    if typed.isdigit() and typed not in dict(lengths):
        # A length the list lacks ("for 50m") is offered as typed, in its place in the list.
        lengths.append((typed, plural(int(typed), "minute")))
        lengths.sort(key=lambda option: int(option[0]))
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": value} for value, label in lengths
    ]
    chosen = next((o for o in options if o["value"] == (typed or "60")), options[2])
    blocks = [
        text_input("company", "Company", placeholder="Acme"),
        text_input("role", "Role", placeholder="Staff Engineer"),
        _input("date", "Date", date_picker),
        _input("time", "Start time (your time zone)", time_picker),
        _input(
            "duration",
            "Length",
            {
                "type": "static_select",
                "action_id": "value",
                "options": options,
                "initial_option": chosen,
            },
        ),
        text_input(
            "interviewers",
            "Interviewers (one per line; an email or LinkedIn URL after the name is fine)",
            optional=True,
            multiline=True,
            placeholder="Jane Doe <jane@acme.com>\nBob Smith https://www.linkedin.com/in/bob",
            limit=2000,
        ),
        text_input("notes", "Notes", optional=True, multiline=True, limit=2000),
    ]
    return {
        "type": "modal",
        "callback_id": ADD_FORM,
        "title": {"type": "plain_text", "text": "Add an interview"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def build_forget_confirm(person: Person) -> Message:
    """Forgetting cannot be undone, so it asks first and says what goes."""
    text = (
        "Delete *everything* I keep about you: your interviews, processes, reminders and "
        "settings? This cannot be undone. (`/interview export` gives you a copy first.)"
    )
    return {
        "text": "Delete everything Interview Coach keeps about you?",
        "blocks": [
            section(text),
            {
                "type": "actions",
                "block_id": "forget",
                "elements": [
                    _button("Delete everything", FORGET_ACTION, person.user_id, style="danger"),
                    _button("Keep my data", KEEP_DATA_ACTION, person.user_id),
                ],
            },
        ],
    }


def build_draft(draft: str) -> Message:
    """A draft to copy; the person's words in it are escaped, the layout kept."""
    text = (
        "Here is a draft to make your own. Replace the parts in [brackets], then send me "
        "`check` followed by your version and I'll look it over.\n"
        f"```{escape(shorten(draft, SECTION_LIMIT - 300))}```"
    )
    return {"text": "A draft for you", "blocks": [section(text)]}


def build_review(review: Review) -> Message:
    """The checker's verdict, then each thing to fix, then what it is unsure of as
    "Consider", which never changes the verdict."""
    consider = [f"• _Consider:_ {escape(s.message)}" for s in review.suggestions]
    if review.ready:
        text = f":white_check_mark: *{verdict(review)}* ({review.words} words, nothing to fix.)"
        return {"text": verdict(review), "blocks": [section(_listing(text, consider))]}
    lines = [f"• {escape(f.message)}" for f in review.findings] + consider
    return {
        "text": verdict(review),
        "blocks": [section(_listing(f":pencil2: *{verdict(review)}*", lines))],
    }


def build_remove_confirm(person: Person, interview: Interview) -> Message:
    """Removing loses the interview's reminders, so it asks first."""
    value = f"{person.user_id}:{interview.id}"
    text = (
        f"Remove `i{interview.id}` *{escape(interview.company)}* · {escape(interview.role)} "
        f"({format_local(interview.starts_at, interview.tz)}) and all its reminders?"
    )
    return {
        "text": f"Remove the {escape(interview.company)} interview?",
        "blocks": [
            section(text),
            {
                "type": "actions",
                "block_id": f"remove-{interview.id}",
                "elements": [
                    _button("Remove", REMOVE_ACTION, value, style="danger"),
                    _button("Keep it", KEEP_ACTION, value),
                ],
            },
        ],
    }


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


def build_debrief_form(interview: Interview, debrief: Debrief | None) -> dict[str, Any]:
    """The "How did it go?" modal: four optional answers, filled with any given before."""
    known = debrief or Debrief()

    def text_input(
        field: str, label: str, value: str, hint: str, *, multiline: bool
    ) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
            "max_length": MAX_ANSWER,
            "placeholder": {"type": "plain_text", "text": hint},
        }
        if value:
            element["initial_value"] = shorten(value, MAX_ANSWER)
        return {
            "type": "input",
            "block_id": field,
            "label": {"type": "plain_text", "text": label},
            "element": element,
            "optional": True,
        }

    picker: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if known.decision_on:
        picker["initial_date"] = known.decision_on.isoformat()
    title = shorten(f"{interview.company} debrief", 24)
    return {
        "type": "modal",
        "callback_id": DEBRIEF_FORM,
        "private_metadata": str(interview.id),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Not now"},
        "blocks": [
            context(
                f"Your *{escape(interview.company)}* interview ({escape(interview.role)}). "
                "Every answer is optional."
            ),
            text_input(
                "topics",
                "What did you talk about?",
                known.topics,
                "the plan to move reporting onto one shared model",
                multiline=True,
            ),
            text_input(
                "next_step",
                "The next step they gave",
                known.next_step,
                "a case study",
                multiline=False,
            ),
            {
                "type": "input",
                "block_id": "decision_on",
                "label": {"type": "plain_text", "text": "They would decide by"},
                "element": picker,
                "optional": True,
            },
            text_input(
                "others_met",
                "Anyone else you met (one per line)",
                "\n".join(known.others_met),
                "Sam Lee",
                multiline=True,
            ),
        ],
    }


def build_debrief_reply(change: DebriefChange, tz: str) -> Message:
    """What the debrief's answers changed, said plainly."""
    interview = change.interview
    known = interview.debrief or Debrief()
    lines = [f"Thanks: noted for your {escape(interview.company)} interview."]
    if known.topics:
        lines.append(f"Your thank-you drafts now mention: _{escape(known.topics)}_.")
    if known.next_step:
        lines.append(f"Next step they gave: {escape(known.next_step)}.")
    if change.expected is not None and change.expected.expected_on is not None:
        due = change.expected.expected_on
        lines.append(
            f"They would decide by {due:%a} {due.day} {due:%b}: I'll hold off any follow-up "
            "until after that."
        )
    elif known.decision_on is not None:
        lines.append("I kept the decision date with your notes.")
    if change.added:
        lines.append(
            "Each person you met gets a thank-you of their own: "
            + ", ".join(escape(name) for name in change.added)
            + "."
        )
    lines.extend(_planned_lines(change.planned, tz))
    return _reply(lines)
