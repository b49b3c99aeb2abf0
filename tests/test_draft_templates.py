"""Draft templates as the domain builds them: real dates, a note per interviewer, the
follow-up sequence, the one feedback request, and every template passing the checker."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest
from conftest import RULES

from bot.domain.draft_check import DraftChecker, DraftContext
from bot.domain.drafts import (
    FOLLOW_UP_KINDS,
    NOTE_KINDS,
    RULE_NOTES,
    Author,
    first_name,
    follow_up_draft,
    follow_up_kind,
    load_drafts,
    note_draft,
    note_kind,
    spoken_date,
    thank_you_draft,
    thank_you_template,
    thank_you_variant,
)
from bot.domain.interview import Interview, Interviewer, Outcome, Process

BOOK = load_drafts(RULES)
CHECKER = DraftChecker(BOOK.known_words)
#: Tuesday 21 April 2026, 10:00 in London.
INTERVIEW_AT = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)
NAMES = (
    "Siobhan Oyelaran",
    "Kenji Watanabe",
    "Ngozi Eze",
    "Diego Hernández",
    "Dr Anna Kowalska",
    "Jae-won Park",
    "Fatima Al-Sayed",
    "Björn Eriksson",
    "Priya Raman",
    "Tāne Walker",
    "Mei Chen",
    "Olumide Adeyemi",
    "Zofia Nowak",
    "Rafael Duarte",
    "Aoife Byrne",
    "Kwame Mensah",
    "Ingrid Solberg",
    "Farhan Rahman",
    "Leilani Kahale",
    "Hannah Goldberg",
)
#: What a person writes in place of each bracket; a new bracket needs a line here.
FILLED_IN = {
    "[one thing you discussed]": "the plan to move reporting onto one shared model",
    "[how you would help]": "the reporting backlog before the spring launch",
    "[a need they mentioned]": "a faster path from question to dashboard",
    "[A need they mentioned]": "A faster path from question to dashboard",
    "[a goal they mentioned]": "the goal of one trusted revenue number",
    "[something you did or learned since the interview]": "rebuilt our weekly sales report",
    "[your reference's first name]": "Marta",
    "[a second strength to mention]": "clear writing for busy people",
    "[the date you will answer by]": "Friday 8 May",
    "[the date your answer is due]": "Friday 8 May",
    "[your start date]": "Monday 1 June",
}
#: Realistic people, employers and days to fill the templates with.
SETTINGS = (
    ("Northwind Analytics", "Data Analyst", "Chidi Okafor", "modelling customer cohorts in dbt"),
    ("Zylker", "Staff SRE", "Tomasz Wojcik", "running Kubernetes at scale"),
    ("Copperleaf Design", "Product Designer", "Nguyễn Thị Lan", "design systems and research"),
    ("Lumen Retail", "Account Executive", "Hannah Goldberg", "mid-market SaaS sales"),
)


def interview(company: str, role: str, names: tuple[str, ...] = NAMES[:3]) -> Interview:
    return Interview(
        id=1,
        company=company,
        role=role,
        starts_at=INTERVIEW_AT,
        ends_at=INTERVIEW_AT + timedelta(hours=1),
        tz="Europe/London",
        interviewers=tuple(Interviewer(name) for name in names),
    )


def filled(draft: str) -> str:
    for bracket, words in FILLED_IN.items():
        draft = draft.replace(bracket, words)
    assert "[" not in draft and "{" not in draft, f"a bracket has no filling: {draft}"
    return draft


def context(meeting: Interview, author: Author) -> DraftContext:
    return DraftContext(
        company=meeting.company,
        role=meeting.role,
        interviewers=tuple(i.name for i in meeting.interviewers),
        sender=author.name,
        other_companies=tuple(s[0] for s in SETTINGS if s[0] != meeting.company),
    )


@pytest.mark.parametrize(
    ("tz", "now", "said"),
    [
        ("Europe/London", datetime(2026, 4, 21, 16, 0, tzinfo=UTC), "today"),
        ("Europe/London", datetime(2026, 4, 21, 23, 30, tzinfo=UTC), "yesterday"),
        ("America/Los_Angeles", datetime(2026, 4, 21, 23, 30, tzinfo=UTC), "today"),
        ("Europe/London", datetime(2026, 4, 23, 8, 0, tzinfo=UTC), "on 21 April"),
        ("Europe/London", datetime(2026, 5, 12, 8, 0, tzinfo=UTC), "on 21 April"),
        ("Europe/London", datetime(2027, 1, 5, 8, 0, tzinfo=UTC), "on 21 April 2026"),
    ],
)
def test_the_day_is_named_as_the_person_would_where_they_are(
    tz: str, now: datetime, said: str
) -> None:
    assert spoken_date(INTERVIEW_AT, tz, now) == said


def test_twenty_interviewers_get_twenty_different_notes() -> None:
    meeting = interview("Zylker", "Staff SRE", NAMES)
    author = Author("Tomasz Wojcik", "running Kubernetes at scale")
    now = INTERVIEW_AT + timedelta(hours=3)

    notes = [thank_you_draft(BOOK, meeting, who, author, now) for who in meeting.interviewers]
    anonymous = {
        note.replace(first_name(who.name), "NAME")
        for note, who in zip(notes, meeting.interviewers, strict=True)
    }

    assert len(anonymous) == len(NAMES) == 20
    assert len({thank_you_variant(BOOK, n) for n in range(BOOK.variants)}) == BOOK.variants
    assert notes[4].startswith(("Dear Anna,", "Hi Anna,", "Hello Anna,")), "no title greeted"
    for first, second in zip(range(19), range(1, 20), strict=True):
        a, b = thank_you_variant(BOOK, first), thank_you_variant(BOOK, second)
        assert all(x != y for x, y in zip(a, b, strict=True)), "neighbours share a part"


def test_the_strengths_are_put_a_different_way_in_each_middle() -> None:
    sentences = {
        next(s for s in re.split(r"(?<=[.!?])\s+", middle) if "{strengths}" in s)
        for middle in BOOK.middles
    }
    assert len(sentences) == len(BOOK.middles) >= 3


def test_every_thank_you_combination_filled_in_is_ready_to_send() -> None:
    for (company, role, sender, strengths), parts in product(
        SETTINGS, product(*(range(len(p)) for p in (BOOK.openings, BOOK.middles, BOOK.closings)))
    ):
        meeting = interview(company, role)
        author = Author(sender, strengths)
        values = {
            "first_name": "Kenji",
            "interviewer": "Kenji Watanabe",
            "company": company,
            "role": role,
            "when": "yesterday",
            "my_name": sender,
            "strengths": strengths,
            "feedback": "",
        }
        draft = filled(thank_you_template(BOOK, parts).format_map(values))
        review = CHECKER.review(draft, context(meeting, author))
        assert review.ready, (parts, company, review.findings)


def test_every_follow_up_kind_and_ordinal_filled_in_is_ready_to_send() -> None:
    now = INTERVIEW_AT + timedelta(days=12)
    today = now.date()
    states = {
        "waiting": Process(1, "x", "x"),
        "date passed": Process(1, "x", "x", expected_on=date(2026, 4, 28)),
        "in process": Process(1, "x", "x", outcome=Outcome.IN_PROCESS),
        "rejected": Process(1, "x", "x", outcome=Outcome.REJECTED),
    }
    kinds = set()
    for (company, role, sender, strengths), process, ordinal, feedback in product(
        SETTINGS, states.values(), range(4), (True, False)
    ):
        kind = follow_up_kind(process, ordinal, today, "Europe/London")
        kinds.add(kind)
        meeting = interview(company, role)
        author = Author(sender, strengths)
        draft = follow_up_draft(BOOK, kind, meeting, author, now, ask_feedback=feedback)
        review = CHECKER.review(filled(draft), context(meeting, author))
        assert review.ready, (kind, ordinal, feedback, company, review.findings)
        if kind == "first":
            assert "my interview on 21 April for the" in draft
    assert kinds == set(FOLLOW_UP_KINDS)


@pytest.mark.parametrize(
    ("state", "ordinal", "kind"),
    [
        ("waiting", 0, "first"),
        ("waiting", 1, "second"),
        ("waiting", 2, "last"),
        ("waiting", 5, "last"),
        ("date passed", 0, "after_expected"),
        ("date passed", 1, "after_expected"),
        ("date passed, followed up since", 1, "second"),
        ("date passed", 2, "last"),
        ("date ahead", 0, "first"),
        ("in process", 0, "in_process"),
        ("in process", 2, "in_process"),
        ("rejected", 0, "rejected"),
    ],
)
def test_the_follow_up_is_chosen_by_state_then_by_its_place(
    state: str, ordinal: int, kind: str
) -> None:
    today = date(2026, 5, 5)
    process = Process(1, "Zylker", "Staff SRE")
    if state.startswith("date passed"):
        process = replace(process, expected_on=date(2026, 4, 30))
    if state.endswith("followed up since"):
        process = replace(process, followed_up=(datetime(2026, 5, 1, 9, 0, tzinfo=UTC),))
    if state == "date ahead":
        process = replace(process, expected_on=date(2026, 5, 9))
    if state == "in process":
        process = replace(process, outcome=Outcome.IN_PROCESS)
    if state == "rejected":
        process = replace(process, outcome=Outcome.REJECTED)
    assert follow_up_kind(process, ordinal, today, "Europe/London") == kind


def test_the_reply_to_a_rejection_may_ask_for_feedback_once_and_politely() -> None:
    meeting = interview("Zylker", "Staff SRE")
    author = Author("Tomasz Wojcik", "running Kubernetes at scale")
    now = INTERVIEW_AT + timedelta(days=9)

    asking = follow_up_draft(BOOK, "rejected", meeting, author, now)
    plain = follow_up_draft(BOOK, "rejected", meeting, author, now, ask_feedback=False)

    assert asking.count(BOOK.feedback) == 1 and BOOK.feedback not in plain
    assert "\n\n\n" not in plain and not any(line.endswith(" ") for line in plain.splitlines())
    assert len(re.findall(r"feedback", asking, re.I)) == 1
    for draft in (asking, plain):
        review = CHECKER.review(draft, context(meeting, author))
        assert review.ready, review.findings
        assert draft.startswith("Hi Siobhan,") and draft.endswith("Tomasz Wojcik")


@pytest.mark.parametrize(("ordinal", "kind"), [(0, "first"), (1, "last"), (4, "last")])
def test_with_two_follow_ups_the_second_is_already_the_last(ordinal: int, kind: str) -> None:
    process = Process(1, "Zylker", "Staff SRE")
    assert follow_up_kind(process, ordinal, date(2026, 5, 5), "Europe/London", of=2) == kind


@pytest.mark.parametrize("kind", NOTE_KINDS)
def test_every_harder_note_filled_in_is_ready_to_send(kind: str) -> None:
    now = INTERVIEW_AT + timedelta(days=12)
    for company, role, sender, strengths in SETTINGS:
        meeting = interview(company, role)
        author = Author(sender, strengths)
        draft = note_draft(BOOK, kind, meeting, author, now)
        review = CHECKER.review(filled(draft), context(meeting, author))
        assert review.ready, (kind, company, review.findings)
        assert company in draft and role in draft and draft.endswith(sender)


def test_every_note_kind_is_drafted_for_an_item_and_thanks_follow_the_outcome() -> None:
    assert set(RULE_NOTES.values()) | {"thank_reference_hired"} == set(NOTE_KINDS)
    assert note_kind("update-references", Outcome.ACCEPTED) == "thank_reference_hired"
    assert note_kind("update-references", Outcome.REJECTED) == "thank_reference"
    assert note_kind("thank-you", Outcome.WAITING) is None


def test_each_draft_does_what_its_nudge_says() -> None:
    meeting = interview("Zylker", "Staff SRE")
    author = Author("Tomasz Wojcik", "running Kubernetes at scale")
    now = INTERVIEW_AT + timedelta(days=12)

    check_in = follow_up_draft(BOOK, "in_process", meeting, author, now)
    last = follow_up_draft(BOOK, "last", meeting, author, now)

    assert "next step" in check_in and "?" in check_in, "the check-in asks about the next step"
    assert "Since we spoke" in last, "the last follow-up brings the new angle it promises"
    assert "keep me in mind" not in last.lower() and "moved on" not in last.lower()
