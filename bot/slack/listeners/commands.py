"""`/interview`: add, list and help."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.capture import looks_pasted, read_pasted
from bot.coach.coach import Coach
from bot.domain.interview import Person
from bot.domain.nudge import NudgeChangeRefused
from bot.domain.parsing import (
    AddInputError,
    outcome_target,
    parse_add,
    parse_reply,
    read_outcome,
)
from bot.domain.text import escape, shorten
from bot.slack import answers
from bot.slack.blocks import (
    build_add_problem,
    build_forget_confirm,
    build_help,
    build_notice,
    build_plan_reply,
    build_remove_confirm,
)
from bot.slack.capture_blocks import build_form_opened, build_invitation_added
from bot.slack.listeners import tells_failures
from bot.slack.listeners.capture import open_filled_form
from bot.slack.listeners.views import open_add_form
from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)


def register(app: App) -> None:
    app.command("/interview")(tells_failures(interview_command))


def interview_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """Answers in the acknowledgement when it can; fetching a time zone waits until after.

    Every change is stored before the acknowledgement, so what Slack shows as done is done.
    """
    services: Services = context["services"]
    person = Person(command["team_id"], command["user_id"])
    verb, _, rest = str(command.get("text", "")).strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    coach = services.coach
    if verb in ("", "help"):
        ack(response_type="ephemeral", **build_help(coach.example(person)))
        return
    if verb == "add":
        trigger = str(command.get("trigger_id", ""))
        if not rest:
            ack()
            if not coach.knows_timezone(person):
                services.surfaces.learn_timezone(person)
            if not open_add_form(services, client, person, trigger):
                respond(response_type="ephemeral", **build_add_problem("Tell me about it."))
            return
        if looks_pasted(rest, now=coach.clock.now(), tz=coach.timezone(person)):
            _add_pasted(services, client, person, trigger, rest, ack, respond)
            services.surfaces.publish_home(person)
            return
        if coach.knows_timezone(person):
            reply, stored = _add(services, person, rest)
            ack(response_type="ephemeral", **reply)
        else:
            ack()
            services.surfaces.learn_timezone(person)
            reply, stored = _add(services, person, rest)
            respond(response_type="ephemeral", **reply)
        if not stored:
            open_add_form(services, client, person, trigger, rest)
    elif verb == "calendar" and rest:
        ack(response_type="ephemeral", **_calendar_feed(services, person, rest))
        return
    elif verb == "calendar":
        ack(
            response_type="ephemeral",
            **build_notice(":calendar: Sending your calendar file to our direct messages."),
        )
        if not coach.knows_timezone(person):
            services.surfaces.learn_timezone(person)
        comment = (
            "Your interviews and coming follow-ups. Open the file to add them to your calendar."
        )
        _send_file(services, person, respond, "interviews.ics", coach.calendar(person), comment)
        return
    elif verb == "export":
        ack(
            response_type="ephemeral",
            **build_notice(":package: Sending a file with all your data to our direct messages."),
        )
        comment = "Everything Interview Coach keeps about you, as JSON."
        _send_file(services, person, respond, "interview-coach.json", coach.export(person), comment)
        return
    elif verb == "forget":
        ack(response_type="ephemeral", **build_forget_confirm(person))
        return
    elif verb == "remove" or verb == "delete":
        ack(response_type="ephemeral", **_confirm_removal(services, person, rest))
    elif verb in PROCESS_VERBS:
        if coach.knows_timezone(person):
            answer = PROCESS_VERBS[verb](coach, person, rest)
            ack(response_type="ephemeral", **answer.message)
        else:
            ack()
            services.surfaces.learn_timezone(person)
            answer = PROCESS_VERBS[verb](coach, person, rest)
            respond(response_type="ephemeral", **answer.message)
        services.surfaces.refresh_messages(person, answer.refresh)
    else:
        text = f"I don't know `{escape(shorten(verb, 40))}`. Here is what I can do:"
        help_message = build_help(coach.example(person))
        ack(
            response_type="ephemeral",
            text=text,
            blocks=build_notice(text)["blocks"] + help_message["blocks"],
        )
        return
    services.surfaces.publish_home(person)


def _status(coach: Coach, person: Person, text: str) -> answers.Answer:
    """`status acme rejected`, `status acme references`, `status done searching`."""
    words = parse_reply(text)
    if words.verb in ("references", "searching"):
        answer = answers.from_words(coach, person, words)
        if answer is not None:
            return answer
    lowered = text.lower()
    if "reference" in lowered:
        return answers.references_asked(coach, person, lowered.replace("references", " "))
    outcome = read_outcome(text)
    return answers.set_outcome(coach, person, outcome_target(text), outcome)


PROCESS_VERBS: dict[str, Callable[[Coach, Person, str], answers.Answer]] = {
    "list": lambda coach, person, _: answers.overview(coach, person),
    "ls": lambda coach, person, _: answers.overview(coach, person),
    "status": _status,
    "expect": lambda coach, person, text: answers.expect_decision(coach, person, "", text),
    "followed-up": answers.log_follow_up,
    "followedup": answers.log_follow_up,
    "followed": lambda coach, person, text: answers.log_follow_up(
        coach, person, text.removeprefix("up").strip()
    ),
    "edit": answers.edit_interview,
    "settings": answers.settings,
    "profile": answers.profile,
    "pause": answers.pause,
    "resume": lambda coach, person, _: answers.resume(coach, person),
    "undo": lambda coach, person, _: answers.undo(coach, person),
}


def _confirm_removal(services: Services, person: Person, text: str) -> dict[str, Any]:
    number = answers.interview_number(text)
    interview = None
    if number is not None:
        interview = services.coach.interview(person, number)
    if interview is None:
        return build_notice(
            "Which interview? Use its number from `/interview list`, like `/interview remove 3`."
        )
    return build_remove_confirm(person, interview)


def _send_file(
    services: Services, person: Person, respond: Respond, name: str, content: bytes, comment: str
) -> None:
    if not services.surfaces.send_file(person, name, content, comment):
        respond(
            response_type="ephemeral",
            **build_notice("Slack would not take the file just now; please try again."),
        )


def _add_pasted(
    services: Services,
    client: WebClient,
    person: Person,
    trigger: str,
    text: str,
    ack: Ack,
    respond: Respond,
) -> None:
    """A pasted invitation: added when read fully, else the add form filled with it."""
    coach = services.coach
    if coach.knows_timezone(person):
        answer: Callable[..., object] = ack
    else:
        ack()
        services.surfaces.learn_timezone(person)
        answer = respond
    read = read_pasted(text, now=coach.clock.now(), tz=coach.timezone(person))
    if read.request is not None:
        try:
            plan = coach.add_interview(person, read.request)
        except NudgeChangeRefused as refusal:
            answer(response_type="ephemeral", **build_notice(str(refusal)))
            return
        reply = build_plan_reply(plan.interview, plan.nudges, plan.superseded, plan.remark)
        answer(response_type="ephemeral", **build_invitation_added(reply))
        return
    answer(response_type="ephemeral", **build_form_opened(read))
    open_filled_form(client, person, trigger, read)


def _calendar_feed(services: Services, person: Person, text: str) -> dict[str, Any]:
    """`/interview calendar <secret address>` or `/interview calendar off`."""
    watch = services.watch
    if watch is None:
        return build_notice("Calendar feeds are not switched on for this coach.")
    if text.strip().lower() in ("off", "stop", "none"):
        if watch.stop(person):
            return build_notice(
                ":calendar: Done: I forgot your calendar's address and stopped reading it."
            )
        return build_notice("I wasn't reading a calendar of yours.")
    kind, _, words = text.strip().partition(" ")
    if kind.lower() in ("domain", "domains", "words", "keywords"):
        which = "domain" if kind.lower().startswith("domain") else "words"
        return build_notice(escape(watch.set_words(person, which, words)))
    return build_notice(watch.set_feed(person, text))


def _add(services: Services, person: Person, text: str) -> tuple[dict[str, Any], bool]:
    """The reply to `add` text, and whether the interview was stored."""
    coach = services.coach
    try:
        request = parse_add(text, now=coach.clock.now(), tz=coach.timezone(person))
    except AddInputError as problem:
        return build_add_problem(problem.problem), False
    try:
        plan = coach.add_interview(person, request)
    except NudgeChangeRefused as refusal:
        return build_notice(str(refusal)), True
    return build_plan_reply(plan.interview, plan.nudges, plan.superseded, plan.remark), True
