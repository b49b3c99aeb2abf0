"""The coach's answer to a DM reply it read (`bot.domain.understanding`), and to the buttons
those answers carry.

Items named plainly are acted on at once; when several fit, the person picks one. Outcomes
are never recorded from words: the answer is a confirmation whose buttons name the company,
and only a press records it (`record_outcome`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.coach.coach import Coach
from bot.domain.changes import OutcomeChange
from bot.domain.draft_check import DraftChecker
from bot.domain.interview import Outcome, Person, Process
from bot.domain.nudge import NudgeChangeRefused
from bot.domain.reply_words import ReplyWords
from bot.domain.text import escape
from bot.domain.timing import zone
from bot.domain.understanding import (
    CHAT,
    CHECK,
    EXPECT,
    FOLLOWED_UP,
    HELP,
    ITEM_INTENTS,
    LIST,
    OUTCOME,
    REFERENCES,
    SEARCHING,
    SNOOZE,
    UNDO,
    Understanding,
)
from bot.slack import answers
from bot.slack.answers import Answer
from bot.slack.blocks import (
    build_change_confirmation,
    build_notice,
    build_outcome_reply,
    build_reply_help,
)
from bot.slack.reply_blocks import (
    build_chat_answer,
    build_item_question,
    build_outcome_question,
    build_process_question,
    build_suggestions,
)

#: Process intents a company button may finish.
PROCESS_KINDS = frozenset({FOLLOWED_UP, EXPECT, REFERENCES})


def answer(
    coach: Coach,
    checker: DraftChecker,
    words: ReplyWords,
    person: Person,
    text: str,
    meant: Understanding,
) -> Answer:
    """What to say to a reply, once it has been read."""
    if meant.intent in ITEM_INTENTS:
        return _items(coach, person, meant)
    if meant.intent == OUTCOME:
        return _outcome(coach, words, person, meant)
    if meant.intent in PROCESS_KINDS:
        if meant.employer is None:
            processes = _processes(coach, person)
            chosen = [processes[i] for i in meant.employers if i in processes]
            if not chosen:
                return Answer(build_notice("Which company? Name it, like `followed up with acme`."))
            return Answer(build_process_question(person, meant.intent, chosen, meant.day))
        return process_step(coach, person, meant.intent, meant.employer, meant.day)
    if meant.intent == LIST:
        return answers.overview(coach, person)
    if meant.intent == HELP:
        return Answer(build_reply_help())
    if meant.intent == UNDO:
        return answers.undo(coach, person)
    if meant.intent == CHECK:
        return answers.check_draft(coach, checker, person, meant.text)
    if meant.intent == SEARCHING:
        return answers.searching(coach, person, meant.text == "again")
    if meant.intent == CHAT:
        return Answer(build_chat_answer(text))
    nudges = {n.number: n for n in coach.overview(person).open_nudges}
    return Answer(build_suggestions(person, text, meant.suggestions, nudges))


def act_on_item(
    coach: Coach,
    person: Person,
    verb: str,
    number: int,
    *,
    snooze_for: timedelta | None = None,
    snooze_until: date | None = None,
) -> Answer:
    """Done, skip or snooze one item, as a word reply or its button asks."""
    try:
        if verb == SNOOZE:
            delay = snooze_for or _delay_until(coach, person, snooze_until)
            change = coach.snooze(person, number, delay=delay)
        else:
            change = coach.mark(person, number, verb)
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    return Answer(build_change_confirmation(change.nudge, coach.timezone(person)), [change.nudge])


def record_outcome(
    coach: Coach, words: ReplyWords, person: Person, process_id: int, said_name: str
) -> Answer:
    """The confirmation's button was pressed: record the outcome, and say what it did."""
    said = words.outcome(said_name)
    if said is None:
        return Answer(build_notice("That button is out of date; nothing was changed."))
    searching = None if said.searching is None else said.searching == "again"
    try:
        change = coach.record_confirmed(
            person, process_id, Outcome(said.records), searching=searching, said=said.name
        )
    except NudgeChangeRefused as refusal:
        return Answer(build_notice(str(refusal)))
    message = build_outcome_reply(change, coach.timezone(person))
    lines = _search_lines(said.name, said.searching, change)
    if lines:
        message["blocks"].append(build_notice(" ".join(lines))["blocks"][0])
    return Answer(message, change.withdrawn)


def process_step(
    coach: Coach, person: Person, kind: str, process_id: int, day: date | None
) -> Answer:
    """A follow-up made, references asked for, or a decision date, for one process."""
    target = f"#{process_id}"
    if kind == FOLLOWED_UP:
        return answers.log_follow_up(coach, person, target)
    if kind == REFERENCES:
        return answers.references_asked(coach, person, target)
    return answers.expect_decision(coach, person, target, day.isoformat() if day else "")


def _items(coach: Coach, person: Person, meant: Understanding) -> Answer:
    if meant.items:
        done = [
            act_on_item(
                coach,
                person,
                meant.intent,
                number,
                snooze_for=meant.snooze_for,
                snooze_until=meant.snooze_until,
            )
            for number in meant.items
        ]
        if len(done) == 1:
            return done[0]
        blocks = [block for one in done for block in one.message["blocks"]]
        return Answer(
            {"text": done[0].message["text"], "blocks": blocks},
            [n for one in done for n in one.refresh],
        )
    open_nudges = {n.number: n for n in coach.overview(person).open_nudges}
    choices = [open_nudges[n] for n in meant.among if n in open_nudges]
    if not choices:
        return Answer(build_notice("Nothing is open right now. `list` shows your items."))
    if len(choices) == 1 and not meant.note:
        return act_on_item(
            coach,
            person,
            meant.intent,
            choices[0].number,
            snooze_for=meant.snooze_for,
            snooze_until=meant.snooze_until,
        )
    return Answer(
        build_item_question(
            person,
            meant.intent,
            choices,
            note=meant.note,
            snooze_for=meant.snooze_for,
            snooze_until=meant.snooze_until,
        )
    )


def _outcome(coach: Coach, words: ReplyWords, person: Person, meant: Understanding) -> Answer:
    said = words.outcome(meant.outcome)
    if said is None:
        return Answer(build_reply_help())
    processes = _processes(coach, person)
    if meant.employer is not None and meant.employer in processes:
        process = processes[meant.employer]
        if process.outcome == Outcome(said.records) and said.searching is None:
            return Answer(
                build_notice(f"{escape(process.company)} is already marked {said.records}.")
            )
        return Answer(build_outcome_question(person, said, [process], named=True))
    chosen = [processes[i] for i in meant.employers if i in processes]
    if not chosen:
        chosen = [p for p in processes.values() if not p.closed] or list(processes.values())
    if not chosen:
        return Answer(build_notice("You have no interviews with me yet, so nothing to record."))
    return Answer(build_outcome_question(person, said, chosen[:10], named=bool(meant.employers)))


def _processes(coach: Coach, person: Person) -> dict[int, Process]:
    return {s.process.id: s.process for s in coach.overview(person).standings}


def _delay_until(coach: Coach, person: Person, day: date | None) -> timedelta | None:
    """From now to the opening of the person's window on `day` (None: tomorrow morning)."""
    if day is None:
        return None
    now = coach.clock.now()
    opening = datetime.combine(
        day, coach.window(person).starts, tzinfo=zone(coach.timezone(person))
    )
    return opening - now if opening > now else None


def _search_lines(name: str, searching: str | None, change: OutcomeChange) -> list[str]:
    """What the search does now, when the outcome's own reply does not say it."""
    if name in ("accepted", "declined"):
        return []  # the outcome's own reply says what it did to the search
    if searching == "done":
        return ["Your search is marked done: no more keep-applying tips."]
    return []
