"""The draft checker's rules one by one, and its verdicts on a corpus of realistic drafts."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RULES

from bot.domain.draft_check import MAX_MISSPELT, DraftChecker, DraftContext, Review
from bot.domain.drafts import load_drafts

CHECKER = DraftChecker(load_drafts(RULES).known_words)
CORPUS = yaml.safe_load((Path(__file__).parent / "drafts_corpus.yml").read_text("utf-8"))
CONTEXT = DraftContext(
    company="Northwind Analytics",
    role="Data Analyst",
    interviewers=("Jane Doe", "Raj Patel"),
    sender="Sam Lee",
    other_companies=("Meridian Bank", "Globex"),
)
#: A clean note with one sentence to vary: what each rule is tried on.
NOTE = (
    "Dear Jane,\n\nThank you for the interview today for the Data Analyst role at Northwind "
    "Analytics. {sentence}\n\nI'm excited about the role, and my experience with dbt fits the "
    "work you described.\n\nBest regards,\nSam Lee"
)


def review_of(sentence: str, context: DraftContext = CONTEXT) -> Review:
    return CHECKER.review(NOTE.format(sentence=sentence), context)


def kinds(review: Review) -> set[str]:
    return {finding.kind for finding in review.findings}


def test_suggestions_come_most_likely_first() -> None:
    review = review_of("I realy enjoyed the case study.")
    (finding,) = review.findings
    assert "Did you mean really, real, ready?" in finding.message
    assert CHECKER.suggestions("Thnak") == ["Thank"]
    assert CHECKER.suggestions("tommorow") == ["tomorrow"], "two slips away still found"


@pytest.mark.parametrize(
    "sentence",
    [
        "I enjoyed analysing the loyalty programme with your organisation.",
        "The colour of the new centre, the licence terms and the catalogue stayed with me.",
        "I travelled in, and I have been modelling and labelling data ever since.",
        "Your team prioritises a paediatric dataset and recognised my favourite behaviour.",
        "We talked about analytics, BigQuery, dbt, Kubernetes, Figma and the CRM pipeline.",
        "Our roadmap chat about Snowflake, Looker, Terraform and the SaaS onboarding flow helped.",
        "I liked the playtest idea, the walkthrough and the lookup tables.",
        "I could start immediately, and you must be busy with the launch.",
        "You mentioned you hoped to decide by the end of the month.",
        "I have received another offer, but Northwind Analytics remains my first choice.",
        "Our colleague Marguerite showed me the Aberystwyth office.",
        "If you need to reach me before then, my number is below.",
    ],
)
def test_correct_words_and_polite_phrasing_pass(sentence: str) -> None:
    review = review_of(sentence)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    ("sentence", "kind", "said"),
    [
        ("Thnak you again for the tour.", "spelling", "“Thnak” looks misspelt"),
        ("I was greatful for the tour.", "spelling", "Did you mean grateful?"),
        ("Just checking in about the next step.", "filler", "“Just checking in” is filler"),
        ("I'm just following up on it.", "filler", "“just following up” is filler"),
        ("I would appreciate your decision by Friday.", "tone", "deadline for their decision"),
        ("Please let me know by Monday.", "tone", "deadline for their decision"),
        ("Since I have other offers, I need to know.", "tone", "other offers as pressure"),
        ("I have another offer so please hurry.", "tone", "other offers as pressure"),
        ("Please reply ASAP.", "tone", "ASAP"),
        ("I need an answer this week.", "tone", "makes demands"),
        ("Why was I rejected last time?", "tone", "sounds accusing"),
        ("I deserve this job.", "tone", "sounds entitled"),
        ("I enjoyed meeting the Globex team.", "company", "“Globex” is one of your other"),
        ("I enjoyed the the tour.", "doubled", "“the” is doubled"),
        ("I enjoyed [one thing you discussed].", "placeholder", "[brackets]"),
    ],
)
def test_each_fault_is_named(sentence: str, kind: str, said: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {kind}, review.findings
    assert any(said in finding.message for finding in review.findings), review.findings


def test_the_greeting_is_matched_against_every_interviewer() -> None:
    note = NOTE.format(sentence="")
    assert CHECKER.review(note.replace("Dear Jane", "Dear Raj"), CONTEXT).ready
    assert CHECKER.review(note.replace("Dear Jane", "Hi Jane and Raj"), CONTEXT).ready
    assert CHECKER.review(note.replace("Dear Jane", "Dear Mr Patel"), CONTEXT).ready

    misspelt = CHECKER.review(note.replace("Dear Jane", "Dear Jayne"), CONTEXT)
    stranger = CHECKER.review(note.replace("Dear Jane", "Dear Priya"), CONTEXT)
    nobody = CHECKER.review(note.replace("Dear Jane", "Dear Hiring Manager"), CONTEXT)

    assert [f.message for f in misspelt.findings] == ["“Jayne” should probably be “Jane”."]
    assert kinds(stranger) == {"name"} and "wrong name?" in stranger.findings[0].message
    assert [f.message for f in nobody.findings] == ["Address one of Jane, Raj by name."]


@pytest.mark.parametrize(
    "plainly",
    [
        "I want this job.",
        "I really want this role.",
        "I would very much like to join you.",
        "I'd be honoured to join the team.",
        "Northwind Analytics is my first choice.",
    ],
)
def test_a_plain_statement_of_wanting_the_job_is_heard(plainly: str) -> None:
    note = (
        "Dear Jane,\n\nThank you for the Data Analyst interview at Northwind Analytics. "
        f"{plainly} My experience with dbt fits the work.\n\nBest regards,\nSam"
    )
    assert CHECKER.review(note, CONTEXT).ready
    without = note.replace(plainly, "")
    assert kinds(CHECKER.review(without, CONTEXT)) == {"interest"}


@pytest.mark.parametrize(
    "ending",
    [
        "Thank you for your time,\nSam Lee",
        "Thanks,\nSam",
        "Cheers,\nSam",
        "Warm regards,\nSam Lee",
        "All the best,\nSam",
        "Sincerely,\nSam Lee",
        "With best wishes,\nSam",
        "Best, Sam Lee",
        "Many thanks — Sam",
        "Kind regards,\nSam Lee\nsam.lee@example.com\n+1 555 0100",
    ],
)
def test_any_common_sign_off_counts(ending: str) -> None:
    note = NOTE.format(sentence="").replace("Best regards,\nSam Lee", ending)
    assert CHECKER.review(note, CONTEXT).ready, ending


def test_a_one_line_draft_is_read_whole() -> None:
    signed = (
        "Hi Jane, thank you for today! I'm keen on the Data Analyst role at Northwind "
        "Analytics, and my experience with dbt fits. Best, Sam"
    )
    unsigned = signed.removesuffix(" Best, Sam")
    assert CHECKER.review(signed, CONTEXT).ready
    assert kinds(CHECKER.review(unsigned, CONTEXT)) == {"sign-off"}
    typo = signed.replace("thank you", "thnak you")
    assert kinds(CHECKER.review(typo, CONTEXT)) == {"spelling"}


def test_a_hard_wrapped_multi_line_draft_keeps_working() -> None:
    note = (
        "Dear Jane,\n\nThank you for the interview today for the Data Analyst\nrole at "
        "Northwind Analytics. I enjoyed our talk about\nBigQuery costs and the weekly "
        "reporting\npack.\n\nI'm excited about the role, and my experience with dbt\nfits "
        "the work you described.\n\nBest regards,\nSam Lee"
    )
    assert CHECKER.review(note, CONTEXT).ready
    assert kinds(CHECKER.review(note.replace("reporting\n", "reportnig\n"), CONTEXT)) == {
        "spelling"
    }


def test_a_page_of_noise_is_answered_quickly_with_a_short_list() -> None:
    shuffle = random.Random(7)
    noise = " ".join(
        "".join(shuffle.choice(string.ascii_lowercase) for _ in range(shuffle.randint(5, 9)))
        for _ in range(1400)
    )[:10_000]

    began = time.perf_counter()
    review = CHECKER.review(noise, CONTEXT)
    took = time.perf_counter() - began

    spelling = [f for f in review.findings if f.kind == "spelling"]
    assert 0 < len(spelling) <= MAX_MISSPELT
    assert took < 2.0, f"{took:.2f} s for a page of noise"


# -- the corpus --------------------------------------------------------------------------------


def corpus_review(entry: dict[str, Any]) -> Review:
    given = entry["context"]
    context = DraftContext(
        company=given["company"],
        role=given["role"],
        interviewers=tuple(given["interviewers"]),
        sender=given["sender"],
        other_companies=tuple(given["other_companies"]),
    )
    return CHECKER.review(entry["text"], context)


def test_the_corpus_is_large_and_varied() -> None:
    expected = [entry["expect"] for entry in CORPUS]
    assert len(CORPUS) >= 60
    assert len({entry["id"] for entry in CORPUS}) == len(CORPUS)
    assert expected.count("clean") >= 30
    assert {
        "spelling",
        "doubled",
        "greeting",
        "sign-off",
        "name",
        "company",
        "role",
        "interest",
        "fit",
        "tone",
        "filler",
        "placeholder",
        "length",
    } <= set(expected)


@pytest.mark.parametrize("entry", CORPUS, ids=[entry["id"] for entry in CORPUS])
def test_each_corpus_draft_gets_its_verdict(entry: dict[str, Any]) -> None:
    review = corpus_review(entry)
    if entry["expect"] == "clean":
        assert review.ready, review.findings
    else:
        assert kinds(review) == {entry["expect"]}, review.findings


def test_needs_fixing_is_said_with_precision_and_recall_of_at_least_nine_in_ten() -> None:
    flagged = {entry["id"] for entry in CORPUS if not corpus_review(entry).ready}
    faulty = {entry["id"] for entry in CORPUS if entry["expect"] != "clean"}

    precision = len(flagged & faulty) / len(flagged)
    recall = len(flagged & faulty) / len(faulty)

    assert precision >= 0.9, sorted(flagged - faulty)
    assert recall >= 0.9, sorted(faulty - flagged)
