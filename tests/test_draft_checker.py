"""The draft checker's rules one by one, and its verdicts on a corpus of realistic drafts."""

from __future__ import annotations

import json
import random
import string
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import RULES, Bot

from bot.domain.draft_check import (
    MAX_MISSPELT,
    DraftChecker,
    DraftContext,
    Review,
    verdict,
)
from bot.domain.draft_check.scoring import (
    KINDS,
    NOTES,
    context_of,
    held_out_files,
    load_corpus,
    score_corpus,
    tune_files,
)
from bot.domain.drafts import load_drafts
from bot.slack.blocks import build_review

CHECKER = DraftChecker(load_drafts(RULES).known_words)
HERE = Path(__file__).parent
#: The drafts the rules were tuned on: tests/drafts_corpus.yml and tests/drafts_corpus_*.yml.
TUNE = [entry for path in tune_files(HERE) for entry in load_corpus(path)]
#: Every other tests/drafts_*.yml: written by someone else, or after the rules were frozen.
HELD_OUT = held_out_files(HERE)
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


# -- what the checker is sure of, and what it only suggests ------------------------------------


def test_a_finding_it_is_unsure_of_is_a_suggestion_that_leaves_the_verdict_alone() -> None:
    review = review_of(
        "I have another offer and have been asked to reply by Friday; Northwind Analytics "
        "remains my first choice."
    )

    assert review.ready, review.findings
    assert verdict(review) == "Ready to send."
    assert [s.kind for s in review.suggestions] == ["tone"]
    assert "another offer" in review.suggestions[0].message.lower()


def test_the_verdict_counts_only_what_it_is_sure_of() -> None:
    review = review_of("I has another offer and have been asked to reply by Friday.")

    assert kinds(review) == {"grammar"}
    assert [s.kind for s in review.suggestions] == ["tone"]
    assert verdict(review) == "Fix 1 thing before sending."


# -- reported misses: shouting, grammar, leverage, passive aggression ---------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "I am VERY excited to hear what comes next.",
        "THANK YOU SO MUCH FOR YOUR TIME TODAY!",
        "I REALLY enjoyed the case study.",
        "PLEASE keep me in mind if the plans change.",
        "It was the BEST interview I have had.",
        "I ABSOLUTELY LOVED the tour.",
        "I am SO glad we met.",
    ],
)
def test_words_in_capitals_for_emphasis_are_shouting(sentence: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {"shouting"}, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        "We talked about SQL, AWS, the NHS, GDPR, the CEO and the HR team.",
        "The IT team supports the US and UK offices with an API and a KPI pack.",
        "I hold a BSc and an MBA, and I passed my CPA exams; OK, the SEO audit is next.",
        "Your Q3 OKRs, the B2B funnel and the ETL jobs made sense to me.",
    ],
)
def test_acronyms_in_capitals_are_not_shouting(sentence: str) -> None:
    review = review_of(sentence)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        # the reported slips
        "I has enjoyed every part of the process.",
        "It were a pleasure to meet the team.",
        "Last year me and my team was responsible for the reporting pack.",
        "Thank you for taking the time to meeting with me.",
        "Thank you for you time and your questions.",
        # the same slips in other words
        "She have already planned the next release.",
        "They was kind enough to show me the office.",
        "We was talking about the dashboard rebuild.",
        "You was right about the churn numbers.",
        "He don't want new clients to wait a week.",
        "I really wants to hear more about the roadmap.",
        "My manager and I was running a similar project.",
        "I appreciated the chance to discussing the forecast.",
        "I look forward to hear about the next steps.",
        "I could of talked about the pipeline all day.",
        "It was a experience I will remember.",
        "I will sending the report I mentioned tonight.",
        "I enjoyed the case study more then the presentation.",
        "Their is a lot I could learn from the team.",
        "My manager has went on leave, so I run the reports.",
        "I am agree with your view of the forecast.",
        "It seem like a team that cares about its numbers.",
        "I would be happy to provides more examples.",
    ],
)
def test_grammar_slips_are_caught_in_any_words(sentence: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {"grammar"}, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        "If it were up to me, I would have stayed for the whole review.",
        "The team were generous with their time.",
        "I look forward to meeting the rest of the team.",
        "I'm committed to improving how teams trust their numbers.",
        "I'm used to working with analysts who need answers fast.",
        "You and your team made the day easy.",
        "Raj and I talked about how you let the data lead, which makes it work well.",
        "You asked whether the team would have time to review it.",
        "Does he have a view on the migration?",
        "It was good to speak with you today, and to you both about the forecast.",
        "I would of course be glad to share more.",
        "The news was a pleasant surprise, as it were.",
        "An hour with the team taught me a lot about a unique dataset.",
        "Thank you for having me.",
        "I'd rather help than watch.",
        "My references are ready to speak with you whenever suits.",
        "We also touched on how the team handles ad hoc requests.",
    ],
)
def test_correct_grammar_that_looks_like_a_slip_passes(sentence: str) -> None:
    review = review_of(sentence)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        "I have two other offers on the table, so you'll need to move quickly.",
        "I'm weighing a couple of other options, so I'd need a decision fairly soon.",
        "Several other companies are very interested in my profile, so I wouldn't wait too long.",
        "Another company has made me an offer, and if I haven't heard from you by Friday I "
        "will have to accept it.",
        "I'm in final rounds with two other firms, so time is of the essence on your side.",
        "Other companies have already offered me a role, so I can't wait forever.",
    ],
)
def test_other_offers_used_as_leverage_are_caught_in_any_words(sentence: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {"tone"}, review.findings
    assert any("offer" in f.message or "pressure" in f.message for f in review.findings)


@pytest.mark.parametrize(
    "sentence",
    [
        "It would be nice to get the courtesy of a reply.",
        "As I mentioned in my last two emails, I am still very interested.",
        "I must say I'm surprised not to have heard anything in three weeks.",
        "I would have expected an update by now.",
        "The least you could do is tell me what went wrong.",
        "I'd appreciate it if someone could finally get back to me.",
        "I have been waiting for two weeks without a word from anyone.",
        "Frankly, I expected better communication.",
    ],
)
def test_passive_aggression_is_caught_in_any_words(sentence: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {"tone"}, review.findings


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Me and the lead of the data team was asked to rebuild the pipeline.", "grammar"),
        ("Him and his manager was the first to see it.", "grammar"),
        ("I been leading the reporting work since March.", "grammar"),
        ("We done the migration in six weeks.", "grammar"),
        ("You been very patient with my questions.", "grammar"),
        ("Please, I'm begging you for this chance.", "tone"),
        ("I really need this job after months of searching.", "tone"),
        ("I have applied to over fifty roles this year.", "tone"),
        ("I find it hard to believe the panel chose someone else.", "tone"),
        ("Your interview panel has made a serious mistake.", "tone"),
        ("I expect a full explanation of the scores.", "tone"),
        ("Replying to candidates is evidently not a priority for the team.", "tone"),
        ("Apparently nobody reads these emails.", "tone"),
        ("Everyone were so friendly on the day.", "grammar"),
        ("Raj and me was on the same project.", "grammar"),
        ("The people in your team is very welcoming.", "grammar"),
        ("I would like more informations about the team.", "grammar"),
        ("Please explain me the next steps.", "grammar"),
        ("We discussed about the data platform.", "grammar"),
        ("The project I led were a success.", "grammar"),
        ("Hopefully this email doesn't get lost like the last one.", "tone"),
        ("I'm not sure why this is so difficult.", "tone"),
        ("I look forward to your prompt reply.", "tone"),
        ("I have other options, so I can't hang around.", "tone"),
        ("Please don't keep me hanging.", "tone"),
        ("Some feedback would have been nice.", "tone"),
        ("I trust I won't have to chase again.", "tone"),
        ("Is anyone actually reading these?", "tone"),
        ("You people never reply.", "tone"),
        ("I would be THRILLED to join.", "shouting"),
        ("The new office is in a grate location.", "spelling"),
        ("I'd like to know weather the role is still open.", "spelling"),
        ("I enjoyed learning about <project>.", "placeholder"),
        ("I enjoyed learning about XXX.", "placeholder"),
        ("I'm just reaching out to say thanks.", "filler"),
        ("The Globex team seemed great.", "company"),
        ("I can't wait to get started at Meridian.", "company"),
        ("In my team each analyst need their own sandbox.", "grammar"),
        ("I spent three years as a a reporting lead.", "doubled"),
        ("I've already handed in my notice, so I can start on Monday.", "tone"),
        ("I'll plan to start on the 4th unless you tell me otherwise.", "tone"),
        ("Money is tight since my savings have run out.", "tone"),
        ("Honestly, this job would save me from losing my flat.", "tone"),
        ("I'm sure your time is far more valuable than mine.", "tone"),
        ("It was a good talk, even though it started half an hour late.", "tone"),
        ("I look forward to receiving my contract.", "tone"),
        ("I've already told my current boss I'm leaving.", "tone"),
        ("I'll take it as a yes if I don't hear otherwise.", "tone"),
        ("I was a bit annoyed to be kept waiting in reception.", "tone"),
        ("It's a pity nobody had read my CV beforehand.", "tone"),
        ("Thanks, I guess, for finally seeing me.", "tone"),
        ("I hope you'll do better with the next candidate.", "tone"),
        ("I'm going through a really tough time at the moment.", "tone"),
        ("I have three kids to feed.", "tone"),
        ("If I don't hear back this week I'll have to take the other job.", "tone"),
        ("Globex has made me an offer, so please hurry.", "tone"),
        ("I'm getting a lot of interest from other firms.", "tone"),
        ("You'd be foolish to let me go.", "tone"),
        ("Why is this taking forever?", "tone"),
        ("This is my third email.", "tone"),
        ("The interview were a great experience.", "grammar"),
        ("My manager have asked me to lead the project.", "grammar"),
        ("One of the best part was the tour.", "grammar"),
        ("Each of the candidates have a task.", "grammar"),
        ("The tools you use is familiar to me.", "grammar"),
        ("I enjoyed to meet the team.", "grammar"),
        ("I can to start in May.", "grammar"),
        ("I am working here since 2019.", "grammar"),
        ("Me and Raj discussed the model.", "grammar"),
        ("I'm starting to think you're not interested.", "tone"),
    ],
)
def test_slips_and_tones_in_more_words_are_caught(sentence: str, kind: str) -> None:
    review = review_of(sentence)
    assert kinds(review) == {kind}, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        "They introduced me and my manager was pleased.",
        "My manager and I were both there.",
        "Have you been to the Leeds office?",
        "I was glad to hear how the team plans its sprints.",
        "We clearly need better dashboards, which is where I can help.",
        "Thank you for your quick reply last week.",
        "Everyone I met was friendly.",
        "Raj and I were on the same project.",
        "The people I met were welcoming.",
        "We discussed the data platform.",
        "I've worked with ORACLE and SAP for years.",
        "The weather on the day was lovely.",
        "I'm not sure whether the role includes travel.",
        "A friend at a bank told me about the team.",
        "If you need anything else, let me know and I will send it straight away.",
        "I sold homeware for two years before moving into data.",
        "Each other team at the bank had its own model.",
        "I was annoyed with myself for forgetting the figure, so here it is: 14%.",
        "Our team had a difficult year, and I led the turnaround.",
        "I hold my Mental Health First Aid certificate.",
        "I believe I'm the best fit for the role.",
        "I'm sorry to have kept you waiting for my references.",
        "It was a shame we ran out of time for the case study.",
        "I have another interview next week, but your role is my first choice.",
        "I appreciate you're busy, so no rush.",
        "The hospital have been good to me.",
        "One of the reasons was the commute.",
        "Each of the analysts has a laptop.",
        "I'm based in Leeds, and have been since 2019.",
        "I'll do what I can to help.",
        "The role sounds exciting.",
    ],
)
def test_near_misses_of_those_slips_and_tones_pass(sentence: str) -> None:
    review = review_of(sentence)
    assert review.ready, review.findings


# -- reported false alarms: interest and fit in other words, replies to a rejection -----------

PLAIN = (
    "Dear Jane,\n\nThank you for the interview today for the Data Analyst role at Northwind "
    "Analytics. {sentence}\n\nBest regards,\nSam Lee"
)


@pytest.mark.parametrize(
    "interest",
    [
        "I wanted to reiterate my enthusiasm for the position.",
        "The walkthrough confirmed my strong interest in the team.",
        "Our conversation only strengthened my desire to be part of the team.",
        "It is exactly the sort of role I have been hoping for.",
    ],
)
def test_interest_said_in_other_words_is_heard(interest: str) -> None:
    note = PLAIN.format(sentence=f"{interest} My experience with dbt fits the work.")
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings
    without = PLAIN.format(sentence="My experience with dbt fits the work.")
    assert kinds(CHECKER.review(without, CONTEXT)) == {"interest"}


@pytest.mark.parametrize(
    "fit",
    [
        "I'm excited about the role, having grown organic traffic by 140% at a similar firm.",
        "I would love to join; five years writing Playwright and Cypress suites taught me a lot.",
        "I'm keen to join. In my current role I manage the reporting for 32 branches.",
        "I'd love to take it on: after leading the finance team through a migration, I know "
        "the hard parts.",
        "I'm keen to join, and after a decade on commercial fit-outs I know how to keep a site "
        "safe.",
    ],
)
def test_fit_written_as_an_achievement_is_heard(fit: str) -> None:
    review = CHECKER.review(PLAIN.format(sentence=fit), CONTEXT)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    "interest",
    [
        "I would genuinely welcome the chance to work with you.",
        "I would be proud and happy to join the team.",
        "I want very much to learn from your analysts.",
        "I could easily picture myself at one of those desks.",
        "It would be wonderful to join the team.",
        "The role is exactly the step I hope to take next.",
    ],
)
def test_interest_with_words_between_is_heard(interest: str) -> None:
    note = PLAIN.format(sentence=f"{interest} My experience with dbt fits the work.")
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    "interest",
    [
        "This role is the one I want.",
        "I'm really drawn to the role.",
        "Please consider me for the role.",
        "I'd gladly take on the role.",
        "Working with your team would be a great next step for me.",
        "The role has everything I'm looking for.",
    ],
)
def test_wanting_the_job_in_plain_other_words_is_heard(interest: str) -> None:
    note = PLAIN.format(sentence=f"{interest} I have built dbt models for five years.")
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


@pytest.mark.parametrize(
    "fit",
    [
        "I speak Spanish and Portuguese, which your clients need.",
        "I'm quick with SQL and calm under pressure.",
        "I've done this kind of migration twice.",
        "I've been a data analyst at a bank since 2019.",
        "I took our churn model from idea to production.",
        "I'm a quick learner and I already use dbt every day.",
    ],
)
def test_a_reason_to_hire_in_plain_other_words_is_heard(fit: str) -> None:
    review = CHECKER.review(PLAIN.format(sentence=f"I'd love to join. {fit}"), CONTEXT)
    assert review.ready, review.findings


@pytest.mark.parametrize("short", ["Dan", "Danny", "Kate", "Bob"])
def test_a_short_form_of_an_interviewers_name_is_only_a_suggestion(short: str) -> None:
    context = DraftContext(
        company="Northwind Analytics",
        role="Data Analyst",
        interviewers=("Daniel Doe", "Katherine Patel", "Robert Ames"),
        sender="Sam Lee",
    )
    note = NOTE.format(sentence="I enjoyed the case study.").replace("Jane", short)
    review = CHECKER.review(note, context)
    assert review.ready, review.findings
    assert "name" in {s.kind for s in review.suggestions}
    wrong = CHECKER.review(note.replace(short, "Darren"), context)
    assert kinds(wrong) == {"name"}


@pytest.mark.parametrize(
    "interest",
    [
        "I'd be chuffed to come on board.",
        "I would like very much to join the team.",
        "I'm hoping to hear that I've been successful.",
        "It's a role I'd throw myself into.",
        "Working for you would be brilliant.",
        "I left certain that this is the right place for me.",
        "I'd like nothing better than to join.",
        "The job sounds like the one for me.",
    ],
)
def test_wanting_the_job_said_casually_or_with_words_between_is_heard(interest: str) -> None:
    note = PLAIN.format(sentence=f"{interest} I have built dbt models for five years.")
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


def test_a_reply_to_the_outcome_needs_no_reason_to_hire() -> None:
    note = (
        "Dear Jane,\n\nThank you for letting me know the outcome. If you can share any "
        "feedback I would welcome it, and I hope to apply to Northwind Analytics again.\n\n"
        "Kind regards,\nSam Lee"
    )
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


def test_a_note_to_someone_who_is_no_interviewer_is_not_asked_to_want_the_job() -> None:
    """Greeting a stranger while naming an interviewer in the third person: a reference."""
    note = (
        "Hi Sheila,\n\nA quick note to thank you for speaking to Northwind Analytics on "
        "Tuesday. Jane said you were very generous.\n\nCheers,\nSam"
    )
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings
    stranger = note.replace("Jane said", "They said")
    assert not CHECKER.review(stranger, CONTEXT).ready


def test_a_follow_up_without_a_reason_to_hire_gets_only_a_suggestion() -> None:
    note = (
        "Dear Jane,\n\nI hope you are well. I am writing to follow up on my interview for "
        "the Data Analyst role at Northwind Analytics. I remain very interested in the "
        "position.\n\nBest regards,\nSam Lee"
    )
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings
    assert "fit" in {s.kind for s in review.suggestions}


@pytest.mark.parametrize("title", ["Inspector", "Captain", "Councillor", "Chef", "Reverend"])
def test_a_title_or_rank_before_the_surname_is_no_name(title: str) -> None:
    note = NOTE.format(sentence="I enjoyed the case study.").replace(
        "Dear Jane", f"Dear {title} Doe"
    )
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


def test_thanks_for_seeing_me_is_a_thank_you_that_needs_interest() -> None:
    note = (
        "Hi Jane,\n\nThanks for seeing me on Friday about the Data Analyst job at Northwind "
        "Analytics. The dashboards you showed me were impressive.\n\nI have built dbt models "
        "for three years.\n\nThanks,\nSam"
    )
    assert kinds(CHECKER.review(note, CONTEXT)) == {"interest"}


REPLY_TO_REJECTION = (
    "Dear Jane,\n\nThank you for letting me know. Of course I'm sorry it didn't go my way, but "
    "I appreciated the time you and the team at Northwind Analytics gave me.\n\nBest wishes,\n"
    "Sam Lee"
)


def test_a_reply_to_a_rejection_is_not_asked_for_interest_fit_or_the_role() -> None:
    review = CHECKER.review(REPLY_TO_REJECTION, CONTEXT)
    assert review.ready, review.findings
    said = {s.kind for s in review.suggestions}
    assert not said & {"interest", "fit"}, review.suggestions


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("I really think you should reconsider.", "tone"),
        ("I think you are making a mistake with this decision.", "tone"),
        ("I'm dissapointed, but I understand.", "spelling"),
        ("I ABSOLUTELY LOVED meeting you all.", "shouting"),
    ],
)
def test_a_reply_to_a_rejection_is_judged_by_what_such_a_reply_needs(
    sentence: str, kind: str
) -> None:
    note = REPLY_TO_REJECTION.replace(
        "Thank you for letting me know.", f"Thank you for letting me know. {sentence}"
    )
    assert kinds(CHECKER.review(note, CONTEXT)) == {kind}


@pytest.mark.parametrize(
    "note",
    [
        "Hi Grace,\n\nThank you so much for agreeing to be a reference for the Data Analyst role "
        "at Northwind Analytics. They may call you this week.\n\nBest,\nSam",
        "Dear Jane,\n\nThank you for your time last week. I have accepted a position elsewhere, "
        "so I would like to withdraw my application for the Data Analyst role at Northwind "
        "Analytics.\n\nBest regards,\nSam Lee",
        "Dear Jane,\n\nThank you for the offer for the Data Analyst role at Northwind Analytics. "
        "I'm delighted to accept it, and a start date of 2 March works for me.\n\nBest,\nSam",
        "Dear Jane,\n\nThank you for offering me the Data Analyst role at Northwind Analytics. "
        "I have decided to accept another offer, so I must decline.\n\nBest,\nSam",
        "Dear Jane,\n\nThank you for the offer for the Data Analyst role at Northwind Analytics. "
        "Would it be possible to have until Friday to decide?\n\nBest,\nSam",
    ],
    ids=["reference", "withdrawing", "accepting", "declining", "asking-for-time"],
)
def test_other_notes_are_judged_by_what_they_need(note: str) -> None:
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings


# -- the corpus: tuned on, and held out --------------------------------------------------------


def corpus_review(entry: dict[str, Any]) -> Review:
    return CHECKER.review(entry["text"], context_of(entry))


def test_the_tune_corpus_is_large_and_varied() -> None:
    expected = [entry["expect"] for entry in TUNE]
    assert len(TUNE) >= 200
    assert len({entry["id"] for entry in TUNE}) == len(TUNE)
    assert expected.count("clean") >= 90
    assert set(KINDS) <= set(expected)
    assert {entry["note"] for entry in TUNE} == set(NOTES)


@pytest.mark.parametrize("entry", TUNE, ids=[entry["id"] for entry in TUNE])
def test_each_tune_draft_gets_its_verdict(entry: dict[str, Any]) -> None:
    """Exactly its verdict; except that a role or a company left out, and a follow-up without
    a reason to hire, are only suggested. The first author and the dev set's author planted
    those as problems, the other authors write clean notes without them, and the labelling
    conventions count neither (a company problem is a misspelt one or another employer
    named): those drafts count as misses in every score, and here they must get the
    suggestion and nothing else."""
    review = corpus_review(entry)
    left_out = (
        entry["id"] in {"company-missing"}
        or entry["expect"] == "role"
        or (entry["expect"] == "fit" and entry["note"] == "follow-up")
    )
    if entry["expect"] == "clean":
        assert review.ready, review.findings
    elif left_out:
        assert review.ready, review.findings
        assert entry["expect"] in {s.kind for s in review.suggestions}, review.suggestions
    else:
        assert kinds(review) == {entry["expect"]}, review.findings


def test_the_tune_corpus_scores_at_least_the_held_out_targets() -> None:
    score = score_corpus(CHECKER, TUNE)
    assert score.precision >= 0.9, score.false_alarms
    assert score.recall >= 0.85, score.missed


@pytest.mark.parametrize("path", HELD_OUT, ids=[path.name for path in HELD_OUT])
def test_drafts_it_was_not_tuned_on_score_precision_and_recall(path: Path) -> None:
    """Held-out drafts are only measured: a draft with a planted problem is caught when the
    verdict is "Fix" and a sure finding is of the planted kind; a clean draft told "Fix" is
    a false alarm."""
    entries = load_corpus(path)
    score = score_corpus(CHECKER, entries)
    print(f"{path.name}: {len(entries)} drafts, {score}")
    assert score.precision >= 0.9, score.false_alarms
    assert score.recall >= 0.85, score.missed


def test_without_a_held_out_file_the_measure_says_so() -> None:
    if not HELD_OUT:
        pytest.skip("no held-out corpus (tests/drafts_*.yml besides drafts_corpus*) yet")
    assert all(load_corpus(path) for path in HELD_OUT)


def test_scoring_counts_a_catch_only_with_a_sure_finding_of_the_planted_kind() -> None:
    faulty = {
        "id": "x",
        "context": {
            "company": "Northwind Analytics",
            "role": "Data Analyst",
            "interviewers": ["Jane Doe"],
            "sender": "Sam Lee",
            "other_companies": [],
        },
        "note": "thank-you",
        "expect": "grammar",
        "text": NOTE.format(sentence="I realy enjoyed the tour."),
    }
    clean = {**faulty, "id": "y", "expect": "clean", "text": NOTE.format(sentence="")}
    score = score_corpus(CHECKER, [faulty, clean])
    assert score.missed == ["x"], "flagged for spelling, planted grammar: not caught"
    assert score.false_alarms == []
    assert (score.precision, score.recall) == (1.0, 0.0)
    alarmed = score_corpus(CHECKER, [{**clean, "text": faulty["text"]}])
    assert alarmed.false_alarms == ["y"] and alarmed.precision == 0.0


# -- the review as the person sees it ---------------------------------------------------------


def test_the_review_lists_what_to_fix_then_what_to_consider_escaped() -> None:
    review = review_of("I has another offer <@U1> and have been asked to reply by Friday.")

    message = build_review(review)
    shown = message["blocks"][0]["text"]["text"]

    assert message["text"] == "Fix 1 thing before sending."
    assert shown.index("“I has”") < shown.index("_Consider:_ Another offer and a date")
    assert "<@U1>" not in json.dumps(message)


def test_a_ready_review_still_shows_what_to_consider() -> None:
    ready = build_review(review_of("I have another offer; they asked me to reply by Friday."))
    plain = build_review(review_of(""))

    assert ready["text"] == plain["text"] == "Ready to send."
    assert "_Consider:_" in ready["blocks"][0]["text"]["text"]
    assert "Consider" not in plain["blocks"][0]["text"]["text"]


def test_the_reported_drafts_get_the_right_verdict_in_the_dm(bot: Bot) -> None:
    bot.command("add Northwind Analytics, Data Analyst, today 10am, with Jane Doe")
    shouted = bot.dm(
        "check Dear Jane,\n\nThank you for the interview today for the Data Analyst role at "
        "Northwind Analytics. I am VERY excited about the role, and I has five years of SQL "
        "behind me.\n\nBest regards,\nSam"
    )
    leverage = bot.dm(
        "check Dear Jane,\n\nI'm following up on the Data Analyst role at Northwind Analytics, "
        "which I'm still keen on. I have two other offers on the table, so you'll need to move "
        "quickly.\n\nBest regards,\nSam"
    )
    rejection = bot.dm("check " + REPLY_TO_REJECTION)

    assert shouted.text == "Fix 2 things before sending."
    assert "“VERY” in capitals" in json.dumps(shouted.blocks, ensure_ascii=False)
    assert "“I has”" in json.dumps(shouted.blocks, ensure_ascii=False)
    assert leverage.text == "Fix 1 thing before sending."
    assert "other offers as pressure" in json.dumps(leverage.blocks, ensure_ascii=False)
    assert rejection.text == "Ready to send."
    assert "want the job" not in json.dumps(rejection.blocks)


# -- sure only on evidence; recognition in general ways -----------------------------------------

ENERGY = DraftContext(
    company="Brightwater Energy",
    role="Asset Manager",
    interviewers=("Colm Reilly", "Nadia Petrova"),
    sender="Ana Souza",
    other_companies=("Greyfield Power",),
)
ENERGY_NOTE = (
    "Dear Colm,\n\nThank you for the interview on Tuesday for the Asset Manager role at "
    "Brightwater Energy. {sentence}\n\nI've managed a 400 MW wind portfolio for five years, and "
    "I would love to join the team.\n\nBest regards,\nAna"
)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("If I don't hear back by Thursday I'll assume the position has been filled.", "tone"),
        ("Frankly, after three rounds I think I've earned a straight answer.", "tone"),
        ("Another company has offered me more, so I expect you to improve on it.", "tone"),
        ("I was surprised that nobody thought to send me an agenda beforehand.", "tone"),
        ("Please confirm the offer by Friday or I will have to move on.", "tone"),
        ("I've cleared my diary for you, so I hope you'll return the favour quickly.", "tone"),
        ("Send me the panel's scores before you decide.", "tone"),
        ("With my record I would expect to skip the technical test.", "tone"),
        ("The discussions with your team was really useful.", "grammar"),
        ("Each of the projects you described were interesting.", "grammar"),
        ("The tour and the lunch was a great way to meet everyone.", "grammar"),
        ("The examples you shared of routing problems was useful.", "grammar"),
        ("It was great to here about the offshore plans.", "grammar"),
        ("I am confident I can add value to you're team.", "grammar"),
        ("Your plans for the portfolio is ambitious.", "grammar"),
        ("There was several questions I could not answer.", "grammar"),
        ("Between you and I, the site visit was the best part.", "grammar"),
        ("I really apreciated the site visit.", "spelling"),
        ("I dont mind the travel.", "spelling"),
        ("Please thank Nadya for her questions too.", "name"),
        ("Please pass my thanks to Nadine as well.", "name"),
        ("I enjoyed learning how Greyfield manages its assets.", "company"),
        ("I enjoyed learning how Brightwatter manages its assets.", "company"),
        ("I enjoyed the site visit and and the tour.", "doubled"),
    ],
)
def test_faults_in_fresh_wordings_are_caught(sentence: str, kind: str) -> None:
    review = CHECKER.review(ENERGY_NOTE.format(sentence=sentence), ENERGY)
    assert kinds(review) == {kind}, review.findings


@pytest.mark.parametrize(
    "sentence",
    [
        "I'll keep an eye on my inbox, and I liked how the org chart maps to the sites.",
        "Your team's approach to mis-sorts at the end of a shift was clever.",
        "I'm also waiting to hear back from Greyfield, and I'd rather work here.",
        "The results of the survey were clear, and one of the projects that stand out is yours.",
        "The details in the contract that is attached look right.",
        "I would be very glad to contribute to the project.",
    ],
)
def test_everyday_words_and_correct_phrasing_pass(sentence: str) -> None:
    review = CHECKER.review(ENERGY_NOTE.format(sentence=sentence), ENERGY)
    assert review.ready, review.findings


def test_a_company_named_by_its_own_words_or_what_it_is_is_named() -> None:
    trust = DraftContext("Kingsmead NHS Foundation Trust", "Ward Sister", ("Ruth Okoye",), "Ama")
    note = (
        "Dear Ruth,\n\nThank you for the interview on Monday. I'd love to join {who}, and my "
        "six years in acute medicine fit the post.\n\nBest wishes,\nAma"
    )
    for who in ("Kingsmead", "Kingsmead's team", "the trust"):
        review = CHECKER.review(note.format(who=who), trust)
        assert review.ready, (who, review.findings)
    by_kind = CHECKER.review(note.format(who="the trust"), trust)
    by_name = CHECKER.review(note.format(who="Kingsmead"), trust)
    assert "company" in {s.kind for s in by_kind.suggestions}
    assert "company" not in {s.kind for s in by_name.suggestions}
    nowhere = CHECKER.review(note.format(who="you"), trust)
    assert nowhere.ready, "a company left out is only suggested"
    assert "company" in {s.kind for s in nowhere.suggestions}


def test_a_role_left_out_is_only_suggested() -> None:
    note = NOTE.format(sentence="").replace(" for the Data Analyst role", "")
    review = CHECKER.review(note, CONTEXT)
    assert review.ready, review.findings
    assert [s.message for s in review.suggestions] == ["Name the role (Data Analyst)."]
    loosely = CHECKER.review(note.replace("interview today", "analyst interview today"), CONTEXT)
    assert [s.message for s in loosely.suggestions] == ["Name the role in full (Data Analyst)."]


@pytest.mark.parametrize(
    "ending",
    [
        "Best regards,\n\nSam Lee\nData Analyst\n+1 (415) 555-0172\nlinkedin.com/in/sam-lee",
        "With thanks again to you and Raj,\n\nSam Lee",
        "With many thanks,\nSam Lee",
        "Thank you again for your time and consideration.\n\nSam",
        "Warmly,\n\nSam Lee (she/her)\nsam@example.com",
        "Have a great weekend!\nSam",
        "— Sam",
        "Best,\nSam\n\nP.S. I've attached the reporting pack.",
        "Best,\nSam\n\nSent from my phone",
    ],
)
def test_signature_blocks_and_closings_in_any_words_sign_a_note(ending: str) -> None:
    note = NOTE.format(sentence="").replace("Best regards,\nSam Lee", ending)
    assert CHECKER.review(note, CONTEXT).ready, ending


def test_a_name_after_a_sentence_that_does_not_close_is_no_sign_off() -> None:
    note = NOTE.format(sentence="").replace("Best regards,\nSam Lee", "Sam Lee")
    assert kinds(CHECKER.review(note, CONTEXT)) == {"sign-off"}


def test_interest_is_sure_to_be_missing_only_when_nothing_is_near_it() -> None:
    base = (
        "Dear Jane,\n\nThank you for the interview today for the Data Analyst role at Northwind "
        "Analytics. {sentence} My experience with dbt fits the work you described.\n\n"
        "Best regards,\nSam Lee"
    )
    nothing = CHECKER.review(base.format(sentence="The case study was clear."), CONTEXT)
    near = CHECKER.review(base.format(sentence="I was glad to help with the case study."), CONTEXT)
    assert kinds(nothing) == {"interest"}
    assert near.ready and "interest" in {s.kind for s in near.suggestions}


def test_a_stranger_greeted_in_a_note_about_someone_else_is_only_suggested() -> None:
    reference = (
        "Hi Patricia,\n\nA quick heads-up: Northwind Analytics asked for references, so you may "
        "get a call from Jane Doe this week. Thank you so much.\n\nBest,\nSam"
    )
    recruiter = (
        "Hi Dana,\n\nThank you for arranging my interview with Jane today for the Data Analyst "
        "role at Northwind Analytics. I'm keen on the role, and my dbt experience fits.\n\n"
        "Best,\nSam"
    )
    assert CHECKER.review(reference, CONTEXT).ready
    review = CHECKER.review(recruiter, CONTEXT)
    assert review.ready, review.findings
    assert any("“Dana” is not one of your interviewers" in s.message for s in review.suggestions)
    stranger = CHECKER.review(NOTE.format(sentence="").replace("Dear Jane", "Dear Priya"), CONTEXT)
    assert kinds(stranger) == {"name"}, "a thank-you to a stranger: sure"


def test_unknown_words_listed_together_are_terms_only_suggested() -> None:
    listed = review_of("We use karpenter and istio, and the rollout went well.")
    alone = review_of("I was really impressd by the rollout plan.")
    assert listed.ready, listed.findings
    assert {s.message.split("”")[0] for s in listed.suggestions} == {"“karpenter", "“istio"}
    assert kinds(alone) == {"spelling"}


SCHOOL = DraftContext(
    company="Marlowe Learning Trust",
    role="Head of Science",
    interviewers=("Deborah Ansah", "Kieran Doyle"),
    sender="Priya Nair",
    other_companies=("Ashby Academy",),
)
SCHOOL_NOTE = (
    "Dear Deborah,\n\nThank you for the interview on Monday and for the tour of the new labs at "
    "Marlowe. {sentence} In my current school I lead a team of nine, and I would love to join "
    "Marlowe and build on that.\n\nKind regards,\nPriya Nair"
)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The quality of the lessons I saw were excellent.", "grammar"),
        ("I should have brang my portfolio.", "grammar"),
        ("Kieran and myself discussed the curriculum.", "grammar"),
        ("I appreciate you taking the time to showing me round.", "grammar"),
        ("I trust I will be hearing good news shortly.", "tone"),
        ("The questions were rather basic for someone at my level.", "tone"),
        ("Please don't keep me waiting as long as last time.", "tone"),
        ("I'd need to hear by Friday, as Ashby Academy have made me an offer.", "tone"),
        ("Please thank Kevin for his questions.", "name"),
        ("I beleive the department is in a strong position.", "spelling"),
    ],
)
def test_faults_in_another_trade_are_caught(sentence: str, kind: str) -> None:
    review = CHECKER.review(SCHOOL_NOTE.format(sentence=sentence), SCHOOL)
    assert kind in kinds(review), review.findings
    assert kinds(review) <= {kind, "company"}, review.findings


def test_a_co_interviewer_thanked_by_name_is_no_stranger() -> None:
    review = CHECKER.review(SCHOOL_NOTE.format(sentence="Please thank Kieran too."), SCHOOL)
    assert review.ready, review.findings


def test_an_answer_to_an_offer_may_name_its_own_date_but_no_ultimatum() -> None:
    offer = (
        "Dear Jane,\n\nThank you for the offer for the Data Analyst role at Northwind Analytics. "
        "{sentence}\n\nBest,\nSam"
    )
    own = CHECKER.review(
        offer.format(sentence="I'd like the weekend, and to respond by Monday."), CONTEXT
    )
    ultimatum = CHECKER.review(
        offer.format(sentence="Please confirm the salary by Friday or I will have to move on."),
        CONTEXT,
    )
    assert own.ready, own.findings
    assert kinds(ultimatum) == {"tone"} and "ultimatum" in ultimatum.findings[0].message
