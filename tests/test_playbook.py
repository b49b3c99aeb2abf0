"""The playbook: loading, the start-up checks, and the nudges it plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.interview import Interview, Interviewer
from bot.domain.playbook import GUARDS, PlaybookError, load_playbook, plan_nudges
from bot.domain.timing import Day, zone

RULES = Path(__file__).resolve().parent.parent / "rules"
SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "after-the-interview.txt"
NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
LA = "America/Los_Angeles"


def interview(start_local: str, *names: str, tz: str = LA) -> Interview:
    starts = datetime.fromisoformat(start_local).replace(tzinfo=zone(tz)).astimezone(UTC)
    return Interview(
        id=1,
        company="Acme",
        role="Staff Engineer",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        tz=tz,
        interviewers=tuple(Interviewer(n) for n in names),
    )


def local_times(nudges, tz: str = LA) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for nudge in nudges:
        stamp = nudge.due_at.astimezone(zone(tz)).strftime("%a %H:%M")
        found.setdefault(nudge.rule, []).append(stamp)
    return found


@pytest.fixture(scope="module")
def playbook():
    return load_playbook(RULES)


def test_every_piece_of_advice_in_the_seed_is_carried_by_a_rule_or_a_guard(playbook) -> None:
    carried = {a for rule in playbook.rules for a in rule.advice}
    carried |= {a for advice in GUARDS.values() for a in advice}
    carried |= set(playbook.follow_ups.advice) | set(playbook.keep_hunting.advice)
    assert set(playbook.advice) <= carried
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
        items = [line for line in text.splitlines() if line.strip().startswith("•")]
        assert len(items) == len(playbook.advice) == 12


def test_the_default_playbook_covers_what_the_product_promises(playbook) -> None:
    ids = {rule.id for rule in playbook.rules}
    assert {"thank-you", "linkedin", "references", "gracious-reply", "update-references"} <= ids
    assert "proofread" not in ids, "proofreading is inside the thank-you message, not before it"
    assert playbook.follow_ups.max == 2 and playbook.follow_ups.min_gap == 5
    assert playbook.keep_hunting.min_gap == timedelta(days=7)
    assert playbook.rule("thank-you").audience == "each interviewer"
    assert playbook.rule("linkedin").audience == "each interviewer"


def test_thank_you_notes_come_an_hour_after_the_end_one_per_interviewer(playbook) -> None:
    nudges = plan_nudges(playbook, interview("2026-11-27T14:00", "Jane Doe", "Bob Smith"), now=NOW)
    times = local_times(nudges)
    assert times["thank-you"] == ["Fri 16:00", "Fri 16:00"]
    assert sorted(n.interviewer for n in nudges if n.rule == "thank-you") == [
        "Bob Smith",
        "Jane Doe",
    ]
    assert "references" not in times, "a first round is not late-stage"
    assert times["linkedin"] == ["Mon 09:00", "Mon 09:00"], "Saturday is outside the window"
    assert "follow-up" not in times, "follow-ups come from the cadence"
    assert [n.number for n in nudges] == list(range(len(nudges))), "numbered in time order"
    assert len({n.key for n in nudges}) == len(nudges), "each item is its own"
    assert [n.due_at for n in nudges] == sorted(n.due_at for n in nudges)


def test_a_late_interview_is_thanked_within_a_day_but_never_at_night(playbook) -> None:
    thursday = plan_nudges(playbook, interview("2026-11-26T19:30", "Jane"), now=NOW)
    friday = plan_nudges(playbook, interview("2026-11-27T17:00", "Jane"), now=NOW)
    evening = plan_nudges(playbook, interview("2026-11-27T18:30", "Jane"), now=NOW)
    assert local_times(thursday)["thank-you"] == ["Fri 09:00"], "the window is soon enough"
    assert local_times(friday)["thank-you"] == ["Fri 19:00"], "not Monday: within a day"
    assert local_times(evening)["thank-you"] == ["Fri 20:30"]
    assert local_times(friday)["linkedin"] == ["Mon 09:00"], "no deadline: the window"
    assert next(n for n in friday if n.rule == "thank-you").anytime


def test_the_references_heads_up_comes_after_a_late_stage_round(playbook) -> None:
    second = replace(interview("2026-11-27T14:00", "Jane"), round=playbook.late_stage_round)
    assert local_times(plan_nudges(playbook, second, now=NOW))["references"] == ["Fri 17:00"]


def test_a_past_interview_is_due_now_and_at_night_the_next_morning(playbook) -> None:
    past = interview("2026-11-20T10:00", "Jane")
    daytime = plan_nudges(playbook, past, now=NOW)
    assert daytime and all(n.due_at == NOW for n in daytime)
    night = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    at_night = local_times(plan_nudges(playbook, past, now=night))
    assert at_night.pop("thank-you") == ["Fri 08:00"], "waking hours, for the late thank-you"
    assert {t for times in at_night.values() for t in times} == {"Fri 09:00"}


def test_a_persons_own_window_decides_where_nudges_land(playbook) -> None:
    weekend_worker = Day(
        starts=time(7, 0), ends=time(12, 0), morning=time(7, 0), days=frozenset({5, 6})
    )
    nudges = plan_nudges(
        playbook,
        interview("2026-11-27T14:00", "Jane"),
        now=NOW,
        day=weekend_worker,
    )
    assert {t for times in local_times(nudges).values() for t in times} <= {
        "Sat 07:00",
        "Sun 07:00",
        "Sat 10:00",
    }


def test_without_named_interviewers_one_team_thank_you_is_planned(playbook) -> None:
    nudges = plan_nudges(playbook, interview("2026-11-27T14:00"), now=NOW)
    rules = [n.rule for n in nudges]
    assert "thank-you" not in rules and "linkedin" not in rules
    assert rules.count("thank-you-team") == 1


def test_nothing_that_contacts_the_employer_is_planned_after_a_rejection(playbook) -> None:
    closed = interview("2026-11-27T14:00", "Jane")
    nudges = plan_nudges(playbook, closed, now=NOW, closed=True)
    assert nudges, "the person still gets the other items"
    assert not any(n.contacts_employer for n in nudges)


def test_no_single_item_repeats_the_proofread_advice(playbook) -> None:
    """It comes once per message that asks for writing to the employer (see test_blocks)."""
    nudges = plan_nudges(playbook, interview("2026-11-27T14:00", "Jane"), now=NOW)
    assert any(n.contacts_employer for n in nudges)
    for nudge in nudges:
        assert playbook.proofread not in nudge.text + nudge.tip


def test_typed_text_is_escaped_and_links_are_url_encoded(playbook) -> None:
    hostile = Interview(
        id=1,
        company="<!channel> & Co",
        role="<http://evil|Boss>",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        tz=LA,
        interviewers=(Interviewer("Jane <@U1>"),),
    )
    nudges = plan_nudges(playbook, hostile, now=NOW)
    text = " ".join(n.title + n.text + n.tip for n in nudges)
    assert "<!channel>" not in text and "<http" not in text and "<@U1>" not in text
    assert "&lt;!channel&gt; &amp; Co" in text
    link = next(n.link for n in nudges if n.rule == "linkedin")
    assert "keywords=Jane%20%3C%40U1%3E%20%3C%21channel%3E%20%26%20Co" in link


def broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((RULES / "playbook.yml").read_text())
    change(data)
    target = tmp_path / "playbook.yml"
    target.write_text(yaml.safe_dump(data))
    return target


def rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(
    ("change", "rule_id", "field", "problem"),
    [
        (lambda d: rule(d, "be-patient").update(wait="soon"), "be-patient", "wait", "duration"),
        (lambda d: rule(d, "linkedin").update(at="25:00"), "linkedin", "at", "time"),
        (lambda d: rule(d, "thank-you").update({"for": "everyone"}), "thank-you", "for", "one of"),
        (lambda d: rule(d, "references").pop("title"), "references", "title", "required"),
        (
            lambda d: rule(d, "references").update(text="Hi {nobody}"),
            "references",
            "text",
            "{nobody}",
        ),
        (lambda d: rule(d, "thank-you").update(within="3d"), "thank-you", "within", "up to 2d"),
        (
            lambda d: rule(d, "update-references").update(needs="nothing-here"),
            "update-references",
            "needs",
            "names no rule",
        ),
        (lambda d: rule(d, "be-patient").update(advice=["made-up"]), "be-patient", "advice", "not"),
        (lambda d: rule(d, "be-patient").update(colour="red"), "be-patient", "colour", "typo"),
        (
            lambda d: rule(d, "linkedin").update(link="http://x"),
            "linkedin",
            "link",
            "https",
        ),
        (
            lambda d: d["rules"].append(dict(rule(d, "thank-you"), id="nag", wait="8d")),
            "nag",
            "wait",
            "follow-up cadence",
        ),
        (lambda d: rule(d, "linkedin").update(id="be-patient"), "be-patient", "id", "two"),
        (
            lambda d: rule(d, "gracious-reply").update(outcome="ghosted"),
            "gracious-reply",
            "outcome",
            "one of",
        ),
    ],
)
def test_a_broken_playbook_names_the_file_the_rule_and_the_field(
    tmp_path: Path, change, rule_id: str, field: str, problem: str
) -> None:
    path = broken(tmp_path, change)
    with pytest.raises(PlaybookError) as refused:
        load_playbook(path)
    message = str(refused.value)
    assert str(path) in message
    assert f"rule '{rule_id}'" in message
    assert f"field '{field}'" in message
    assert problem in message


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d["follow_ups"].update(max=11), "follow_ups.max", "0 to 10"),
        (lambda d: d["follow_ups"].update(in_process=[2]), "follow_ups.in_process", "5 to 60"),
        (lambda d: d["follow_ups"].update(texts=[]), "follow_ups.texts", "wordings"),
        (lambda d: d["follow_ups"]["texts"][1].pop("tip"), "follow_ups.texts[1].tip", "required"),
        (lambda d: d["keep_hunting"].update(min_gap="3h"), "keep_hunting.min_gap", "1d"),
        (
            lambda d: d["keep_hunting"]["wordings"][0].update(text="{company}"),
            "keep_hunting.wordings[0].text",
            "{company}",
        ),
    ],
)
def test_a_broken_cadence_names_the_file_and_the_field(
    tmp_path: Path, change, field: str, problem: str
) -> None:
    path = broken(tmp_path, change)
    with pytest.raises(PlaybookError) as refused:
        load_playbook(path)
    assert f"{path}: field '{field}'" in str(refused.value)
    assert problem in str(refused.value)


def test_advice_no_rule_carries_is_refused(tmp_path: Path) -> None:
    def orphan(data: dict) -> None:
        data["advice"]["write-poems"] = "Send them a poem."

    with pytest.raises(PlaybookError, match="carried by no rule or guard: write-poems"):
        load_playbook(broken(tmp_path, orphan))


def test_unreadable_yaml_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text("rules: [unclosed")
    with pytest.raises(PlaybookError, match="is not valid YAML"):
        load_playbook(path)
    with pytest.raises(PlaybookError, match="cannot be read"):
        load_playbook(tmp_path / "missing.yml")


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_any_text_as_a_playbook_is_loaded_or_refused_with_a_reason(tmp_path: Path, text: str):
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_playbook(path)
    except PlaybookError as refused:
        assert str(path) in str(refused) and refused.problem


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["rules", "advice", "day", "follow_ups", "keep_hunting", "rule"]),
    key=st.text(max_size=12),
    value=_VALUES,
)
def test_any_value_anywhere_in_the_playbook_is_loaded_or_refused(
    tmp_path: Path, where: str, key: str, value: object
) -> None:
    data = yaml.safe_load((RULES / "playbook.yml").read_text())
    if where == "rule":
        data["rules"][0][key or "id"] = value
    elif isinstance(data.get(where), dict):
        data[where][key or "x"] = value
    else:
        data[where] = value
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_playbook(path)
    except PlaybookError as refused:
        assert refused.problem
