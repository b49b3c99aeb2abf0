"""The playbook: rules loaded from `rules/`, checked at start-up, and turned into nudges."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from bot.domain.interview import Interview, Interviewer, Outcome
from bot.domain.nudge import Nudge
from bot.domain.text import escape, match_key
from bot.domain.timing import (
    DAY_NAMES,
    WAKING_HOURS,
    Day,
    at_time,
    place,
    read_days,
    wall_clock,
    zone,
)

#: What the coach enforces itself, whatever the rules say. Each carries seed advice.
GUARDS: Mapping[str, tuple[str, ...]] = {
    "no contact once the process is closed": ("no-contact-after-no",),
    "one proofread line in every message that asks you to write to the employer, and the "
    "draft checker": ("no-typos",),
    "follow-ups only from the capped, spaced cadence": ("not-aggressive", "keep-following-up"),
}

#: Rules may only contact the employer early on; later contact is the cadence's job.
EARLY_CONTACT = timedelta(days=2)

TEXT_FIELDS = ("title", "text", "tip")
TEXT_PLACEHOLDERS = frozenset(
    {"company", "role", "interviewer", "first_name", "interviewers", "when"}
)
#: The keep-applying nudge is about all of a person's processes, not one interview.
HUNTING_PLACEHOLDERS = frozenset({"waiting_on"})
LINK_PLACEHOLDERS = TEXT_PLACEHOLDERS | {"interviewer_q", "company_q", "role_q"}
#: `references`: when the person says references were asked for, or after a late-stage round.
ANCHORS = ("start", "end", "outcome", "references")
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
    outcomes: tuple[Outcome, ...] = ()
    link: str | None = None
    contacts_employer: bool = False
    only_without_interviewers: bool = False
    #: Stays open when the process closes (a connection is worth keeping whatever happens).
    outlives_process: bool = False
    #: Once per interviewer for the whole process, not again for every round.
    once_per_process: bool = False
    #: Moot once a later round is planned (the later round brings its own).
    until_next_round: bool = False
    #: Must reach the person within this long of its anchor, even outside their working
    #: window (never in quiet hours): a thank-you within a day of the interview.
    within: timedelta | None = None
    #: Planned only when this rule's item was planned for the process and not dropped
    #: (thanking references presumes they were told).
    needs: str | None = None
    #: Working days that must lie between this item and its process's next follow-up; while
    #: untouched it is dropped when they do not ("no need to chase yet" must not arrive with,
    #: or the working day before, "chase now").
    clear_of_follow_up: int | None = None


@dataclass(frozen=True)
class Wording:
    """A nudge's title, text and tip (mrkdwn templates)."""

    title: str
    text: str
    tip: str


@dataclass(frozen=True)
class FollowUpCadence:
    """When follow-ups are suggested, and the "don't overdo it" limits they obey.

    Gaps are in working days: after the last interview (or each follow-up made) while
    waiting, and between check-ins while still in process.
    """

    max: int
    min_gap: int
    at: time
    waiting: tuple[int, ...]
    in_process: tuple[int, ...]
    after_expected: int
    advice: tuple[str, ...]
    texts: tuple[Wording, ...]
    in_process_text: Wording
    #: The one message when a process goes quiet: let it go, keep the energy for others.
    cold_text: Wording


@dataclass(frozen=True)
class KeepHunting:
    """The keep-applying nudge: only when something changed, at most weekly, never the same
    words twice in a row, and not for someone who said they are done searching."""

    waiting_on_at_most: int
    quiet_after: timedelta
    after_rejection: timedelta
    min_gap: timedelta
    advice: tuple[str, ...]
    wordings: tuple[Wording, ...]
    #: The words when nothing is open any more (after the last rejection).
    idle_wordings: tuple[Wording, ...]


@dataclass(frozen=True)
class OfferPlan:
    """What follows an offer (from `offers.yml`): the reminder before the answer is due, and
    the items about the person's other processes."""

    remind_before: int
    remind_after: int
    at: time
    advice: tuple[str, ...]
    #: One per other process still open while an offer is on the table.
    tell_others: Wording
    #: Before the answer is due, with the Accepted and Declined buttons.
    reminder: Wording
    #: After accepting, one per other process still open.
    withdraw_others: Wording


@dataclass(frozen=True)
class Playbook:
    rules: tuple[Rule, ...]
    advice: Mapping[str, str]
    day: Day
    proofread: str
    follow_ups: FollowUpCadence
    keep_hunting: KeepHunting
    source: Path
    #: From this round on, a round counts as late-stage: references may be called.
    late_stage_round: int = 2
    #: The offer plan, when the playbook has one (`offers.yml` beside `playbook.yml`).
    offers: OfferPlan | None = None

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def parse_wait(value: str) -> timedelta | None:
    """'30m', '1h', '2d', '1w' -> timedelta; anything else -> None."""
    match = _DURATION.match(value)
    if not match:
        return None
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def load_playbook(path: Path) -> Playbook:
    """Read and check the playbook: a `rules/` folder (its playbook.yml) or one YAML file.

    The files of EXTRA_FILES beside it (the offer plan) join it: their rules and advice are
    the playbook's, checked the same way."""
    file = path / "playbook.yml" if path.is_dir() else path
    raw = _read(file)
    beside = [file.parent / name for name in EXTRA_FILES] if file.name == "playbook.yml" else []
    found = [extra for extra in beside if extra.is_file()]
    if not isinstance(raw, dict) or not found:
        return _check_playbook(file, raw)
    merged = dict(raw)
    offers_raw: object = None
    for extra_file in found:
        extra = _read(extra_file)
        if not isinstance(extra, dict):
            raise PlaybookError(extra_file, None, None, "must be a mapping with rules")
        merged["advice"] = {**(merged.get("advice") or {}), **(extra.get("advice") or {})}
        merged["rules"] = [*(merged.get("rules") or []), *(extra.get("rules") or [])]
        if extra_file.name == OFFERS_FILE:
            offers_raw = extra.get("offer")
    playbook = _check_playbook(file, merged)
    if not any(f.name == OFFERS_FILE for f in found):
        return playbook
    offers = _check_offers(file.parent / OFFERS_FILE, offers_raw, set(playbook.advice))
    return replace(playbook, offers=offers)


#: The offer plan's file, beside playbook.yml.
OFFERS_FILE = "offers.yml"
#: Files beside playbook.yml whose rules (and advice) join it: the offer plan.
EXTRA_FILES = (OFFERS_FILE,)


def _read(file: Path) -> object:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlaybookError(file, None, None, f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise PlaybookError(file, None, None, f"is not valid YAML: {error}") from error


def _check_offers(file: Path, raw: object, advice_ids: set[str]) -> OfferPlan:
    section = "offer"
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, section, "must describe the offer plan")

    def fail(field: str, problem: str) -> PlaybookError:
        return PlaybookError(file, None, f"{section}.{field}", problem)

    def days(field: str) -> int:
        value = raw.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
            raise fail(field, "must be whole working days from 0 to 20")
        return value

    at = _clock_time(raw.get("at", "10:00"))
    if at is None:
        raise fail("at", "must be a time like 10:00")
    return OfferPlan(
        remind_before=days("remind_before"),
        remind_after=days("remind_after"),
        at=at,
        advice=_check_advice(fail, raw.get("advice"), advice_ids),
        tell_others=_check_wording(fail, "tell_others", raw.get("tell_others"), TEXT_PLACEHOLDERS),
        reminder=_check_wording(fail, "reminder", raw.get("reminder"), TEXT_PLACEHOLDERS),
        withdraw_others=_check_wording(
            fail, "withdraw_others", raw.get("withdraw_others"), TEXT_PLACEHOLDERS
        ),
    )


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
    advice_ids = set(advice)
    follow_ups = _check_cadence(file, raw.get("follow_ups"), advice_ids)
    keep_hunting = _check_keep_hunting(file, raw.get("keep_hunting"), advice_ids)
    raw_rules = raw.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PlaybookError(file, None, "rules", "must be a non-empty list of rules")
    rules: list[Rule] = []
    for index, raw_rule in enumerate(raw_rules, start=1):
        rule = _check_rule(file, index, raw_rule, advice_ids)
        if any(r.id == rule.id for r in rules):
            raise PlaybookError(file, rule.id, "id", "is used by two rules")
        rules.append(rule)
    carried = {a for r in rules for a in r.advice} | {a for g in GUARDS.values() for a in g}
    carried |= set(follow_ups.advice) | set(keep_hunting.advice)
    missing = sorted(set(advice) - carried)
    if missing:
        raise PlaybookError(
            file, None, "advice", f"carried by no rule or guard: {', '.join(missing)}"
        )
    late = raw.get("late_stage_round", 2)
    if not isinstance(late, int) or isinstance(late, bool) or not 1 <= late <= 10:
        raise PlaybookError(file, None, "late_stage_round", "must be a round from 1 to 10")
    for rule in rules:
        if rule.needs is not None and not any(r.id == rule.needs for r in rules):
            raise PlaybookError(file, rule.id, "needs", f"names no rule: '{rule.needs}'")
    return Playbook(
        tuple(rules), dict(advice), day, proofread.strip(), follow_ups, keep_hunting, file, late
    )


def _check_day(file: Path, raw: object) -> Day:
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, "day", "must be a mapping with starts, ends and morning")
    default = Day()
    values: dict[str, Any] = {}
    for key in ("starts", "ends", "morning"):
        value = raw.get(key, getattr(default, key).strftime("%H:%M"))
        parsed = _clock_time(value)
        if parsed is None:
            raise PlaybookError(file, None, f"day.{key}", f"'{value}' is not a time like 09:00")
        values[key] = parsed
    names = raw.get("days", [DAY_NAMES[d].lower() for d in sorted(default.days)])
    days = read_days(names) if isinstance(names, list) else None
    if not days:
        raise PlaybookError(file, None, "day.days", "must list weekdays, like [mon, tue, wed]")
    day = Day(days=days, **values)
    if not day.starts <= day.morning < day.ends:
        raise PlaybookError(file, None, "day", "needs starts <= morning < ends")
    return day


def _check_cadence(file: Path, raw: object, advice_ids: set[str]) -> FollowUpCadence:
    section = "follow_ups"
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, section, "must describe the follow-up cadence")

    def fail(field: str, problem: str) -> PlaybookError:
        return PlaybookError(file, None, f"{section}.{field}", problem)

    def whole(field: str, low: int, high: int) -> int:
        value = raw.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise fail(field, f"must be a whole number from {low} to {high}")
        return value

    def gaps(field: str, min_gap: int) -> tuple[int, ...]:
        value = raw.get(field)
        if not isinstance(value, list) or not value:
            raise fail(field, "must list gaps in working days, like [5, 7, 10]")
        for gap in value:
            if not isinstance(gap, int) or isinstance(gap, bool) or not min_gap <= gap <= 60:
                raise fail(field, f"gaps must be whole working days from {min_gap} to 60")
        return tuple(value)

    limit = whole("max", 0, 10)
    min_gap = whole("min_gap", 1, 30)
    at = _clock_time(raw.get("at", "10:00"))
    if at is None:
        raise fail("at", "must be a time like 10:00")
    texts = raw.get("texts")
    if not isinstance(texts, list) or not texts:
        raise fail("texts", "must list the follow-up wordings, first one first")
    return FollowUpCadence(
        max=limit,
        min_gap=min_gap,
        at=at,
        waiting=gaps("waiting", 1),
        in_process=gaps("in_process", min_gap),
        after_expected=whole("after_expected", 0, 10),
        advice=_check_advice(fail, raw.get("advice"), advice_ids),
        texts=tuple(
            _check_wording(fail, f"texts[{n}]", t, TEXT_PLACEHOLDERS) for n, t in enumerate(texts)
        ),
        in_process_text=_check_wording(
            fail, "in_process_text", raw.get("in_process_text"), TEXT_PLACEHOLDERS
        ),
        cold_text=_check_wording(fail, "cold_text", raw.get("cold_text"), TEXT_PLACEHOLDERS),
    )


def _check_keep_hunting(file: Path, raw: object, advice_ids: set[str]) -> KeepHunting:
    section = "keep_hunting"
    if not isinstance(raw, dict):
        raise PlaybookError(file, None, section, "must describe the keep-applying nudge")

    def fail(field: str, problem: str) -> PlaybookError:
        return PlaybookError(file, None, f"{section}.{field}" if field else section, problem)

    def duration(field: str) -> timedelta:
        value = parse_wait(str(raw.get(field, "")))
        if value is None:
            raise fail(field, f"'{raw.get(field)}' is not a duration like 2h, 5d or 1w")
        return value

    limit = raw.get("waiting_on_at_most")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 10:
        raise fail("waiting_on_at_most", "must be a whole number from 1 to 10")
    min_gap = duration("min_gap")
    if min_gap < timedelta(days=1):
        raise fail("min_gap", "must be 1d or more")

    def wordings(field: str, allowed: frozenset[str]) -> tuple[Wording, ...]:
        value = raw.get(field)
        if not isinstance(value, list) or not value:
            raise fail(field, "must list one or more wordings (title, text, tip)")
        return tuple(
            _check_wording(fail, f"{field}[{n}]", item, allowed) for n, item in enumerate(value)
        )

    return KeepHunting(
        waiting_on_at_most=limit,
        quiet_after=duration("quiet_after"),
        after_rejection=duration("after_rejection"),
        min_gap=min_gap,
        advice=_check_advice(fail, raw.get("advice"), advice_ids),
        wordings=wordings("wordings", HUNTING_PLACEHOLDERS),
        idle_wordings=wordings("when_nothing_is_open", frozenset()),
    )


def _check_wording(
    fail: Callable[[str, str], PlaybookError], where: str, raw: object, allowed: frozenset[str]
) -> Wording:
    if not isinstance(raw, dict):
        raise fail(where, "needs title, text and tip")
    texts = {}
    for field in TEXT_FIELDS:
        value = raw.get(field)
        name = f"{where}.{field}" if where else field
        if not isinstance(value, str) or not value.strip():
            raise fail(name, "is required and must be text")
        texts[field] = " ".join(value.split())
        _check_placeholders(fail, name, texts[field], allowed)
    return Wording(**texts)


def _check_advice(
    fail: Callable[[str, str], PlaybookError], raw: object, advice_ids: set[str]
) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail("advice", "must list the advice ids this carries")
    for item in raw:
        if item not in advice_ids:
            raise fail("advice", f"'{item}' is not in the playbook's advice list")
    return tuple(raw)


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
        "advice", "contacts_employer", "only_without_interviewers", "outlives_process",
        "once_per_process", "until_next_round", "within", "needs", "clear_of_follow_up",
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
    outcomes: tuple[Outcome, ...] = ()
    if anchor == "outcome":
        named = raw.get("outcome")
        try:
            listed: list[Any] = named if isinstance(named, list) else [named]
            outcomes = tuple(Outcome(o) for o in listed)
        except (ValueError, TypeError):
            options = ", ".join(o.value for o in Outcome)
            raise fail("outcome", f"must be one of (or a list of): {options}") from None
    elif "outcome" in raw:
        raise fail("outcome", "only goes with 'after: outcome'")
    within = None
    if "within" in raw:
        within = parse_wait(str(raw["within"]))
        if within is None or within > timedelta(days=2):
            raise fail("within", f"'{raw['within']}' is not a duration like 24h, up to 2d")
    clear = raw.get("clear_of_follow_up")
    if clear is not None and (isinstance(clear, bool) or not isinstance(clear, int) or clear < 0):
        raise fail("clear_of_follow_up", "must be a number of working days, like 1")
    needs = raw.get("needs")
    if needs is not None and (not isinstance(needs, str) or not _RULE_ID.match(needs)):
        raise fail("needs", "must name another rule by its id")
    wait = parse_wait(str(raw.get("wait", "")))
    if wait is None:
        raise fail("wait", f"'{raw.get('wait')}' is not a duration like 30m, 1h, 2d or 1w")
    at = None
    if "at" in raw:
        at = _clock_time(raw["at"])
        if at is None:
            raise fail("at", f"'{raw['at']}' is not a time like 10:00")
    wording = _check_wording(fail, "", raw, TEXT_PLACEHOLDERS)
    link = raw.get("link")
    if link is not None:
        if not isinstance(link, str) or not link.startswith("https://"):
            raise fail("link", "must be an https:// address")
        _check_placeholders(fail, "link", link, LINK_PLACEHOLDERS)
    advice = _check_advice(fail, raw.get("advice"), advice_ids)
    flags = {}
    for field in (
        "contacts_employer",
        "only_without_interviewers",
        "outlives_process",
        "once_per_process",
        "until_next_round",
    ):
        value = raw.get(field, False)
        if not isinstance(value, bool):
            raise fail(field, "must be true or false")
        flags[field] = value
    if audience == "each interviewer" and flags["only_without_interviewers"]:
        raise fail("only_without_interviewers", "makes no sense for each interviewer")
    if flags["contacts_employer"] and anchor != "outcome" and wait > EARLY_CONTACT:
        raise fail(
            "wait",
            "contacts the employer more than 2d after the interview: later contact is the "
            "follow-up cadence's job, which keeps it capped and spaced",
        )
    return Rule(
        id=rule_id,
        audience=audience,
        anchor=anchor,
        wait=wait,
        at=at,
        outcomes=outcomes,
        link=link,
        within=within,
        needs=needs,
        clear_of_follow_up=clear,
        advice=advice,
        title=wording.title,
        text=wording.text,
        tip=wording.tip,
        **flags,
    )


def _check_placeholders(
    fail: Callable[[str, str], PlaybookError], field: str, value: str, allowed: frozenset[str]
) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise fail(field, f"has a broken placeholder: {error}") from None
    unknown = sorted(names - allowed)
    if unknown:
        raise fail(field, f"uses unknown placeholder {{{unknown[0]}}}")


def _clock_time(value: object) -> time | None:
    match = _CLOCK.match(str(value).strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def plan_nudges(
    playbook: Playbook,
    interview: Interview,
    *,
    now: datetime,
    closed: bool = False,
    day: Day | None = None,
    paused_until: datetime | None = None,
    later_round: bool = False,
) -> list[Nudge]:
    """Every nudge the playbook's timed rules ask for this interview (numbered from 0).

    Moments already past are due at the next opening of the person's window: people often
    register an interview after it happened, and a late thank-you still beats none. Nothing
    that contacts the employer is planned once the process is `closed`, and nothing a later
    round makes moot when there is one. `day` is the person's window (the playbook's default
    when None); nothing is placed during a pause.
    """
    day = day or playbook.day
    nudges: list[Nudge] = []
    for rule in playbook.rules:
        if rule.anchor == "outcome" or (rule.contacts_employer and closed):
            continue
        if rule.anchor == "references" and interview.round < playbook.late_stage_round:
            continue
        if rule.only_without_interviewers and interview.interviewers:
            continue
        if rule.until_next_round and later_round:
            continue
        people: tuple[Interviewer | None, ...] = (None,)
        if rule.audience == "each interviewer":
            people = interview.interviewers
        for person in people:
            nudges.append(
                plan_rule(playbook, rule, interview, person, now=now, day=day, paused=paused_until)
            )
    ordered = sorted(nudges, key=lambda n: n.due_at)  # stable: rule and interviewer order
    return [replace(n, number=i) for i, n in enumerate(ordered)]


def plan_rule(
    playbook: Playbook,
    rule: Rule,
    interview: Interview,
    interviewer: Interviewer | None,
    *,
    now: datetime,
    day: Day,
    paused: datetime | None = None,
    since: datetime | None = None,
) -> Nudge:
    """One rule's nudge for one interview (and interviewer), placed in the person's window.

    A rule with `within` that the window would place too late comes in waking hours instead
    (08:00 to 21:00 any day). `since` anchors a `references` rule on the moment the person
    said references were asked for.
    """
    moment = rule_moment(rule, interview, since=since)
    due = place(moment, day, now=now, tz=interview.tz, paused_until=paused)
    anytime = False
    if rule.within is not None:
        deadline = (since or _anchor_of(rule, interview)) + rule.within
        if due > deadline:
            due = place(moment, WAKING_HOURS, now=now, tz=interview.tz, paused_until=paused)
            anytime = True
    nudge = _nudge(playbook, rule, interview, interviewer, due, 0)
    return replace(
        nudge,
        key=rule_key(rule, interview, interviewer),
        planned_for=moment,
        anytime=anytime,
    )


def rule_key(rule: Rule, interview: Interview, interviewer: Interviewer | None) -> str:
    """What a rule's item is: per interview, or (once per process) per process."""
    who = match_key(interviewer.name) if interviewer else "-"
    if rule.once_per_process:
        return f"{rule.id}/p{interview.process_id}/{who}"
    return f"{rule.id}/{interview.id}/{who}"


def rule_moment(rule: Rule, interview: Interview, *, since: datetime | None = None) -> datetime:
    """The moment a timed rule asks for, in the interview's zone, before any window."""
    anchor = since or _anchor_of(rule, interview)
    local = wall_clock(anchor.astimezone(zone(interview.tz)) + rule.wait)
    return at_time(local, rule.at) if rule.at is not None else local


def _anchor_of(rule: Rule, interview: Interview) -> datetime:
    return interview.starts_at if rule.anchor == "start" else interview.ends_at


def reword(playbook: Playbook, nudge: Nudge, interview: Interview) -> Nudge:
    """A rule's nudge with its texts written again for an edited interview."""
    rule = playbook.rule(nudge.rule)
    if rule is None:
        return nudge
    who = next((i for i in interview.interviewers if i.name == nudge.interviewer), None)
    fresh = _nudge(playbook, rule, interview, who, nudge.due_at, nudge.number)
    return replace(nudge, title=fresh.title, text=fresh.text, tip=fresh.tip, link=fresh.link)


def plan_outcome_nudges(
    playbook: Playbook,
    interview: Interview,
    outcome: Outcome,
    *,
    now: datetime,
    day: Day | None = None,
    paused_until: datetime | None = None,
    planned_rules: Collection[str] = (),
) -> list[Nudge]:
    """The closing items a newly recorded outcome asks for, e.g. one gracious reply.

    `planned_rules` are the rules the process has had items of (and kept): a rule that
    `needs` another is planned only when that one was.

    These are the last nudges that may mention the employer: they are marked `closing`,
    which lets them pass the no-contact guard that stops everything else.
    """
    nudges: list[Nudge] = []
    for rule in playbook.rules:
        if rule.anchor != "outcome" or outcome not in rule.outcomes:
            continue
        if rule.needs is not None and rule.needs not in planned_rules:
            continue
        moment = wall_clock(now.astimezone(zone(interview.tz)) + rule.wait)
        if rule.at is not None:
            moment = at_time(moment, rule.at)
        due = place(
            moment, day or playbook.day, now=now, tz=interview.tz, paused_until=paused_until
        )
        nudge = _nudge(playbook, rule, interview, None, due, len(nudges))
        key = f"{rule.id}/p{interview.process_id}/{outcome.value}@{int(now.timestamp())}"
        nudges.append(replace(nudge, closing=True, key=key, planned_for=moment))
    return nudges


def _nudge(
    playbook: Playbook,
    rule: Rule,
    interview: Interview,
    interviewer: Interviewer | None,
    due: datetime,
    number: int,
) -> Nudge:
    values = placeholders(interview, interviewer)
    tip = rule.tip.format_map(values)
    link = None
    if rule.link:
        link = rule.link.format_map(_link_values(interview, interviewer))
        if interviewer and interviewer.linkedin and "linkedin.com/" in rule.link:
            link = interviewer.linkedin
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


def placeholders(interview: Interview, interviewer: Interviewer | None) -> dict[str, str]:
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
    values = placeholders(interview, interviewer)
    values["interviewer_q"] = quote(interviewer.name if interviewer else "", safe="")
    values["company_q"] = quote(interview.company, safe="")
    values["role_q"] = quote(interview.role, safe="")
    return values
