"""The playbook: rules loaded from `rules/`, checked at start-up, and turned into nudges."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from bot.interview import Interview, Interviewer, Outcome
from bot.nudge import Nudge
from bot.text import escape
from bot.timing import Day, settle_in_day, wall_clock, zone

#: What the coach enforces itself, whatever the rules say. Each carries seed advice.
GUARDS: Mapping[str, tuple[str, ...]] = {
    "no contact once the process is closed": ("no-contact-after-no",),
    "a proofread reminder on every nudge that writes to the employer": ("no-typos",),
    "follow-ups capped and spaced": ("not-aggressive", "keep-following-up"),
}

TEXT_FIELDS = ("title", "text", "tip")
TEXT_PLACEHOLDERS = frozenset(
    {"company", "role", "interviewer", "first_name", "interviewers", "when"}
)
LINK_PLACEHOLDERS = TEXT_PLACEHOLDERS | {"interviewer_q", "company_q", "role_q"}
ANCHORS = ("start", "end", "outcome")
AUDIENCES = ("interview", "each interviewer")

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class PlaybookError(ValueError):
    """A broken playbook; names the file, the rule and the field so it can be fixed at once."""

    def __init__(self, path: Path, rule: str | None, field: str | None, problem: str) -> None:
        where = str(path)
        if rule:
            where += f": rule '{rule}'"
        if field:
            where += f", field '{field}'" if rule else f": field '{field}'"
        super().__init__(f"{where}: {problem}")
        self.path, self.rule, self.field, self.problem = path, rule, field, problem


@dataclass(frozen=True)
class Rule:
    """When to nudge, for whom, and what to say."""

    id: str
    audience: str
    anchor: str
    wait: timedelta
    title: str
    text: str
    tip: str
    advice: tuple[str, ...]
    at: time | None = None
    outcome: Outcome | None = None
    link: str | None = None
    contacts_employer: bool = False
    follow_up: bool = False
    only_without_interviewers: bool = False


@dataclass(frozen=True)
class FollowUpLimits:
    """The "don't overdo it" limits every follow-up obeys."""

    max: int = 3
    min_gap: timedelta = timedelta(days=5)


@dataclass(frozen=True)
class Playbook:
    rules: tuple[Rule, ...]
    advice: Mapping[str, str]
    day: Day
    proofread: str
    follow_ups: FollowUpLimits
    source: Path

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def parse_wait(value: str) -> timedelta | None:
    """'30m', '1h', '2d', '1w' -> timedelta; anything else -> None."""
    match = _DURATION.match(value)
    if not match:
        return None
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def load_playbook(path: Path) -> Playbook:
    """Read and check the playbook: a `rules/` folder (its playbook.yml) or one YAML file."""
    file = path / "playbook.yml" if path.is_dir() else path
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlaybookError(file, None, None, f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise PlaybookError(file, None, None, f"is not valid YAML: {error}") from error
    return _check_playbook(file, raw)


def _check_playbook(file: Path, raw: object) -> Playbook:
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, None, "must be a mapping with 'rules' and 'advice'")
    advice = raw.get("advice")
    if not isinstance(advice, dict) or not advice:
        raise PlaybookError(file, None, "advice", "must map advice ids to a sentence each")
    for key, sentence in advice.items():
        if not isinstance(key, str) or not isinstance(sentence, str) or not sentence.strip():
            raise PlaybookError(file, None, "advice", f"'{key}' needs a sentence")
    proofread = raw.get("proofread")
    if not isinstance(proofread, str) or not proofread.strip():
        raise PlaybookError(file, None, "proofread", "must be the proofread reminder text")
    day = _check_day(file, raw.get("day", {}))
    follow_ups = _check_follow_up_limits(file, raw.get("follow_ups", {}))
    raw_rules = raw.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PlaybookError(file, None, "rules", "must be a non-empty list of rules")
    rules: list[Rule] = []
    for index, raw_rule in enumerate(raw_rules, start=1):
        rule = _check_rule(file, index, raw_rule, set(advice))
        if any(r.id == rule.id for r in rules):
            raise PlaybookError(file, rule.id, "id", "is used by two rules")
        rules.append(rule)
    _check_follow_up_spacing(file, rules, follow_ups)
    carried = {a for r in rules for a in r.advice} | {a for g in GUARDS.values() for a in g}
    missing = sorted(set(advice) - carried)
    if missing:
        raise PlaybookError(
            file, None, "advice", f"carried by no rule or guard: {', '.join(missing)}"
        )
    return Playbook(tuple(rules), dict(advice), day, proofread.strip(), follow_ups, file)


def _check_day(file: Path, raw: object) -> Day:
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, "day", "must be a mapping with starts, ends and morning")
    default = Day()
    values = {}
    for key in ("starts", "ends", "morning"):
        value = raw.get(key, getattr(default, key).strftime("%H:%M"))
        parsed = _clock_time(value)
        if parsed is None:
            raise PlaybookError(file, None, f"day.{key}", f"'{value}' is not a time like 09:00")
        values[key] = parsed
    day = Day(**values)
    if not day.starts <= day.morning < day.ends:
        raise PlaybookError(file, None, "day", "needs starts <= morning < ends")
    return day


def _check_follow_up_limits(file: Path, raw: object) -> FollowUpLimits:
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, "follow_ups", "must be a mapping with max and min_gap")
    limit = raw.get("max", 3)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= 10:
        raise PlaybookError(file, None, "follow_ups.max", "must be a whole number from 0 to 10")
    gap = parse_wait(str(raw.get("min_gap", "5d")))
    if gap is None or gap < timedelta(days=1):
        raise PlaybookError(file, None, "follow_ups.min_gap", "must be a duration of 1d or more")
    return FollowUpLimits(limit, gap)


def _check_rule(file: Path, index: int, raw: object, advice_ids: set[str]) -> Rule:
    if not isinstance(raw, dict):
        raise PlaybookError(file, f"#{index}", None, "must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise PlaybookError(
            file, f"#{index}", "id", "must be lower-case letters, digits and dashes"
        )

    def fail(field: str, problem: str) -> PlaybookError:
        return PlaybookError(file, rule_id, field, problem)

    known = {
        "id", "for", "after", "wait", "at", "outcome", "title", "text", "tip", "link",
        "advice", "contacts_employer", "follow_up", "only_without_interviewers",
    }  # fmt: skip
    unknown = sorted(set(raw) - known)
    if unknown:
        raise fail(unknown[0], "is not a rule field (typo?)")
    audience = raw.get("for", "interview")
    if audience not in AUDIENCES:
        raise fail("for", f"must be one of: {', '.join(AUDIENCES)}")
    anchor = raw.get("after")
    if anchor not in ANCHORS:
        raise fail("after", f"must be one of: {', '.join(ANCHORS)}")
    outcome = None
    if anchor == "outcome":
        try:
            outcome = Outcome(raw.get("outcome"))
        except ValueError:
            options = ", ".join(o.value for o in Outcome)
            raise fail("outcome", f"must be one of: {options}") from None
    elif "outcome" in raw:
        raise fail("outcome", "only goes with 'after: outcome'")
    wait = parse_wait(str(raw.get("wait", "")))
    if wait is None:
        raise fail("wait", f"'{raw.get('wait')}' is not a duration like 30m, 1h, 2d or 1w")
    at = None
    if "at" in raw:
        at = _clock_time(raw["at"])
        if at is None:
            raise fail("at", f"'{raw['at']}' is not a time like 10:00")
    texts = {}
    for field in TEXT_FIELDS:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            raise fail(field, "is required and must be text")
        texts[field] = " ".join(value.split())
        _check_placeholders(fail, field, texts[field], TEXT_PLACEHOLDERS)
    link = raw.get("link")
    if link is not None:
        if not isinstance(link, str) or not link.startswith("https://"):
            raise fail("link", "must be an https:// address")
        _check_placeholders(fail, "link", link, LINK_PLACEHOLDERS)
    advice = raw.get("advice", [])
    if not isinstance(advice, list) or not advice:
        raise fail("advice", "must list the advice ids this rule carries")
    for item in advice:
        if item not in advice_ids:
            raise fail("advice", f"'{item}' is not in the playbook's advice list")
    flags = {}
    for field in ("contacts_employer", "follow_up", "only_without_interviewers"):
        value = raw.get(field, False)
        if not isinstance(value, bool):
            raise fail(field, "must be true or false")
        flags[field] = value
    if audience == "each interviewer" and flags["only_without_interviewers"]:
        raise fail("only_without_interviewers", "makes no sense for each interviewer")
    if flags["follow_up"]:
        flags["contacts_employer"] = True
    return Rule(
        id=rule_id,
        audience=audience,
        anchor=anchor,
        wait=wait,
        at=at,
        outcome=outcome,
        link=link,
        advice=tuple(advice),
        **texts,
        **flags,
    )


def _check_placeholders(fail: Any, field: str, value: str, allowed: frozenset[str]) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise fail(field, f"has a broken placeholder: {error}") from None
    unknown = sorted(names - allowed)
    if unknown:
        raise fail(field, f"uses unknown placeholder {{{unknown[0]}}}")


def _check_follow_up_spacing(file: Path, rules: list[Rule], limits: FollowUpLimits) -> None:
    follow_ups = sorted((r for r in rules if r.follow_up and r.anchor != "outcome"), key=_offset)
    if len(follow_ups) > limits.max:
        raise PlaybookError(
            file, follow_ups[limits.max].id, "follow_up", f"more than {limits.max} follow-ups"
        )
    for earlier, later in pairwise(follow_ups):
        if _offset(later) - _offset(earlier) < limits.min_gap:
            raise PlaybookError(
                file, later.id, "wait", f"comes sooner than {limits.min_gap.days}d after the last"
            )


def _offset(rule: Rule) -> timedelta:
    return rule.wait + (timedelta(hours=1) if rule.anchor == "end" else timedelta(0))


def _clock_time(value: object) -> time | None:
    match = _CLOCK.match(str(value).strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def plan_nudges(
    playbook: Playbook, interview: Interview, *, now: datetime, first_number: int
) -> list[Nudge]:
    """Every nudge the playbook asks for this interview, numbered from `first_number`.

    Moments already past are due now (or the next morning, at night): people often register
    an interview after it happened, and a late thank-you still beats none. Nothing that
    contacts the employer is planned once the process is closed.
    """
    nudges: list[Nudge] = []
    for rule in playbook.rules:
        if rule.anchor == "outcome" or (rule.contacts_employer and interview.closed):
            continue
        if rule.only_without_interviewers and interview.interviewers:
            continue
        due = _due_at(playbook.day, rule, interview)
        if due < now:
            due = settle_in_day(now.astimezone(zone(interview.tz)), playbook.day)
        people: tuple[Interviewer | None, ...] = (None,)
        if rule.audience == "each interviewer":
            people = interview.interviewers
        for person in people:
            nudges.append(_nudge(playbook, rule, interview, person, due, len(nudges)))
    ordered = sorted(nudges, key=lambda n: (n.due_at, n.number))
    return [replace(n, number=first_number + i) for i, n in enumerate(ordered)]


def plan_outcome_nudges(
    playbook: Playbook, interview: Interview, *, now: datetime, first_number: int
) -> list[Nudge]:
    """The nudges a newly recorded outcome asks for (e.g. closing items after a rejection)."""
    nudges: list[Nudge] = []
    for rule in playbook.rules:
        if rule.anchor != "outcome" or rule.outcome != interview.outcome:
            continue
        if rule.contacts_employer and interview.outcome == Outcome.REJECTED:
            continue
        local = wall_clock(now.astimezone(zone(interview.tz)) + rule.wait)
        if rule.at is not None:
            local = wall_clock(local.replace(hour=rule.at.hour, minute=rule.at.minute, second=0))
        due = max(settle_in_day(local, playbook.day), now)
        nudges.append(_nudge(playbook, rule, interview, None, due, first_number + len(nudges)))
    return nudges


def _due_at(day: Day, rule: Rule, interview: Interview) -> datetime:
    anchor = interview.starts_at if rule.anchor == "start" else interview.ends_at
    local = wall_clock(anchor.astimezone(zone(interview.tz)) + rule.wait)
    if rule.at is not None:
        local = wall_clock(
            local.replace(hour=rule.at.hour, minute=rule.at.minute, second=0, microsecond=0)
        )
    return settle_in_day(local, day)


def _nudge(
    playbook: Playbook,
    rule: Rule,
    interview: Interview,
    interviewer: Interviewer | None,
    due: datetime,
    number: int,
) -> Nudge:
    values = _placeholders(interview, interviewer)
    tip = rule.tip.format_map(values)
    if rule.contacts_employer:
        tip = f"{tip} {playbook.proofread}"
    link = None
    if rule.link:
        link = rule.link.format_map(_link_values(interview, interviewer))
    return Nudge(
        number=number,
        interview_id=interview.id,
        rule=rule.id,
        title=rule.title.format_map(values),
        text=rule.text.format_map(values),
        tip=tip,
        due_at=due,
        interviewer=interviewer.name if interviewer else None,
        link=link,
        contacts_employer=rule.contacts_employer,
    )


def _placeholders(interview: Interview, interviewer: Interviewer | None) -> dict[str, str]:
    """Placeholder values, escaped: they are the person's own words going into mrkdwn."""
    names = [i.name for i in interview.interviewers]
    who = interviewer.name if interviewer else (", ".join(names) or "the team")
    local = interview.starts_at.astimezone(zone(interview.tz))
    return {
        "company": escape(interview.company),
        "role": escape(interview.role),
        "interviewer": escape(who),
        "first_name": escape(who.split()[0] if interviewer else who),
        "interviewers": escape(", ".join(names) or "the team"),
        "when": f"{local:%a} {local.day} {local:%b}",
    }


def _link_values(interview: Interview, interviewer: Interviewer | None) -> dict[str, str]:
    values = _placeholders(interview, interviewer)
    values["interviewer_q"] = quote(interviewer.name if interviewer else "", safe="")
    values["company_q"] = quote(interview.company, safe="")
    values["role_q"] = quote(interview.role, safe="")
    return values
