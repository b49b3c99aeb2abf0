"""The draft coach: drafts per interviewer and per state, and the checker on a corpus."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from conftest import RULES, Bot

from bot.domain.draft_check import DraftChecker, DraftContext
from bot.domain.drafts import DraftsError, load_drafts
from bot.domain.interview import Person
from bot.slack.blocks import DRAFT_ACTION

ME = Person("T1", "U1")
BOOK = load_drafts(RULES)
CHECKER = DraftChecker(BOOK.known_words)
CONTEXT = DraftContext(
    company="Zylker",
    role="Staff SRE",
    interviewers=("Siobhan Oyelaran",),
    sender="Tomasz Wojcik",
)


@pytest.fixture
def la_bot(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays()
    bot.command("profile name Tomasz Wojcik")
    bot.command("profile strengths running Kubernetes at scale")
    return bot


def draft_button(bot: Bot, number: int) -> str:
    """Click Draft it; each click gets its own reply address, so a draft asked for again
    later is never mistaken for the earlier one."""
    key = f"draft-{number}-{secrets.token_hex(4)}"
    status, _ = bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id="DU1",
        message_ts="1.0",
        action_id=DRAFT_ACTION,
        value=f"U1:{number}",
        response_url=bot.standin.response_url(key),
    )
    assert status == 200
    assert bot.standin.wait_for(lambda s: bool(s.responses(key)))
    return bot.standin.responses(key)[-1]["blocks"][0]["text"]["text"]


def test_each_interviewer_gets_a_personal_different_thank_you_draft(la_bot: Bot) -> None:
    la_bot.command(
        "add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran, Bob Smith, Ann Lee and "
        "Kenji Watanabe"
    )
    thanks = {n.interviewer: n.number for n in la_bot.nudges() if n.rule == "thank-you"}

    drafts = {name: draft_button(la_bot, number) for name, number in thanks.items()}

    assert len(thanks) == 4
    without_names = {draft.replace(name.split()[0], "NAME") for name, draft in drafts.items()}
    assert len(without_names) == 4, "the fourth interviewer got a note the first one had"
    for name, draft in drafts.items():
        assert name.split()[0] in draft
        assert "Zylker" in draft and "Staff SRE" in draft
        assert "Tomasz Wojcik" in draft
        assert "[one thing you discussed]" in draft
        assert "running Kubernetes at scale" in draft
    stressed = {_sentence_with(draft, "running Kubernetes at scale") for draft in drafts.values()}
    assert len(stressed) == 4, "the strengths were put the same way twice"


def test_a_draft_names_the_day_as_the_person_would_say_it(la_bot: Bot) -> None:
    la_bot.command("add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran")
    (thanks,) = [n for n in la_bot.nudges() if n.rule == "thank-you"]

    same_day = draft_button(la_bot, thanks.number)
    la_bot.clock.advance(timedelta(days=1))
    next_day = draft_button(la_bot, thanks.number)
    la_bot.clock.advance(timedelta(days=20))
    weeks_later = draft_button(la_bot, thanks.number)

    assert "with me today" in same_day
    assert "with me yesterday" in next_day
    assert "with me on 26 November" in weeks_later
    assert not any("Thursday" in d for d in (same_day, next_day, weeks_later))


def test_follow_up_drafts_change_along_the_sequence(la_bot: Bot) -> None:
    la_bot.command("add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran")
    drafts, titles = [], []
    for _ in range(2):
        la_bot.clock.advance(timedelta(days=8))
        (open_one,) = [n for n in la_bot.nudges() if n.rule == "follow-up" and n.is_open]
        drafts.append(draft_button(la_bot, open_one.number))
        titles.append(open_one.title)
        assert "Logged" in la_bot.dm("followed up with zylker").text

    first, last = drafts
    assert "follow up on my interview on 26 November" in first
    assert "Since we spoke" in last, "the last brings the new angle its nudge promises"
    assert "keep me in mind" not in last
    assert titles == ["A polite follow-up with Zylker", "A last, short note to Zylker"]
    assert len(last.split()) < len(first.split())
    la_bot.clock.advance(timedelta(days=8))
    assert not [n for n in la_bot.nudges() if n.rule == "follow-up" and n.is_open]
    assert [n.title for n in la_bot.nudges() if n.rule == "let-go"] == [
        "Time to let Zylker rest"
    ], "after the last follow-up the coach lets it go instead of a third"


def test_follow_up_drafts_fit_where_the_process_stands(la_bot: Bot) -> None:
    la_bot.command("add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran")
    (follow_up,) = [n for n in la_bot.nudges() if n.rule == "follow-up"]
    first = draft_button(la_bot, follow_up.number)
    assert "follow up on my interview" in first

    la_bot.command("expect zylker nov 30")
    la_bot.clock.advance(timedelta(days=6))
    (later,) = [n for n in la_bot.nudges() if n.rule == "follow-up" and n.is_open]
    assert "decision on the Staff SRE role might come by now" in draft_button(la_bot, later.number)

    la_bot.command("status zylker in process")
    (check_in,) = [n for n in la_bot.nudges() if n.rule == "follow-up" and n.is_open]
    assert "still in the running" in draft_button(la_bot, check_in.number)

    la_bot.command("status zylker rejected")
    (gracious,) = [n for n in la_bot.nudges() if n.rule == "gracious-reply"]
    reply = draft_button(la_bot, gracious.number)
    assert "future openings" in reply
    assert "Siobhan" in reply
    assert reply.count("feedback") == 1, "one request for feedback, no more"


def test_a_draft_naming_another_employer_is_caught_in_the_dm(la_bot: Bot) -> None:
    la_bot.command("add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran")
    la_bot.command("add Globex, Platform Lead, tomorrow 2pm, with Priya Raman")

    answer = la_bot.dm(
        "check Dear Siobhan,\n\nThank you for the Staff SRE interview today. I would love to "
        "help Globex grow, and my Kubernetes experience fits.\n\nBest regards,\nTomasz"
    )

    shown = json.dumps(answer.blocks, ensure_ascii=False)
    assert "wrong company?" in shown and "Globex" in shown
    assert "Name the company (Zylker)" in shown, "the draft was read as the Zylker one"


def test_a_draft_is_checked_in_the_dm_and_not_kept(la_bot: Bot, tmp_path: Path) -> None:
    la_bot.command("add Zylker, Staff SRE, today 10am, with Siobhan Oyelaran")
    before = sorted((p.name, p.read_bytes()) for p in (tmp_path / "store").rglob("*.log"))

    answer = la_bot.dm(
        "check Hi Siobahn,\nthanks for the the interveiw for the Staff SRE role at Zylker. "
        "I expect to hear back ASAP.\nTomasz"
    )

    shown = json.dumps(answer.blocks, ensure_ascii=False)
    assert "Fix" in answer.text
    for expected in (
        "interveiw",
        "Did you mean interview",
        "doubled",
        "Siobahn",
        "Siobhan",
        "expects an answer",
        "ASAP",
        "sign-off",
        "want the job",
    ):
        assert expected in shown, expected
    assert "Name the company" not in shown and "Name the role" not in shown
    after = sorted((p.name, p.read_bytes()) for p in (tmp_path / "store").rglob("*.log"))
    assert after == before, "the draft was not stored"
    assert "Ready to send" in la_bot.dm("check " + GOOD[0]).text


def test_broken_draft_templates_stop_start_up_with_the_file_and_field(tmp_path: Path) -> None:
    data = yaml.safe_load((RULES / "drafts.yml").read_text())
    data["follow_up"]["first"] = "Hi {nickname}"
    (tmp_path / "drafts.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(DraftsError, match=r"drafts.yml: field 'follow_up.first'.*\{nickname\}"):
        load_drafts(tmp_path)
    data["follow_up"]["first"] = "Hi {first_name}"
    data["thank_you"]["middles"] = data["thank_you"]["middles"][:1]
    (tmp_path / "drafts.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(DraftsError, match=r"field 'thank_you' makes \d+ notes; at least 20"):
        load_drafts(tmp_path)
    del data["thank_you"]
    (tmp_path / "drafts.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(DraftsError, match="field 'thank_you'"):
        load_drafts(tmp_path)


def test_the_word_list_is_read_beside_the_drafts_and_checked(tmp_path: Path) -> None:
    (tmp_path / "drafts.yml").write_text((RULES / "drafts.yml").read_text())
    (tmp_path / "words.yml").write_text("data: [Snowplow, dagster]\n")
    assert {"snowplow", "dagster"} <= load_drafts(tmp_path).known_words

    (tmp_path / "words.yml").write_text("sales: [go-to-market]\n")
    with pytest.raises(DraftsError, match=r"words.yml: field 'sales' has 'go-to-market'"):
        load_drafts(tmp_path)


def _sentence_with(text: str, phrase: str) -> str:
    return next(s for s in re.split(r"(?<=[.!?])\s+", text) if phrase in s)


GOOD = [
    """Dear Siobhan,

Thank you for taking the time to talk with me on Thursday about the Staff SRE role at Zylker. I especially enjoyed our conversation about your move to multi-region failover.

I'm excited about this role, and I believe my experience running Kubernetes at scale would help the team cut incident time. I would love to contribute to what Zylker is building.

Best regards,
Tomasz Wojcik""",
    """Hi Siobhan,

Thanks again for meeting with me today. Our discussion of on-call load made me even more enthusiastic about joining Zylker as Staff SRE.

I'm confident that my background in observability is a strong fit for the reliability goals you described, and I'm eager to help the team succeed.

Kind regards,
Tomasz""",
    """Hello Siobhan,

I appreciated the chance to speak with you about the Staff SRE position at Zylker. Hearing how the team runs game days was a highlight of my week.

This role is exactly what I'm looking for, and my experience with Terraform and Postgres means I could contribute quickly.

With thanks,
Tomasz Wojcik""",
    """Dear Siobhan,

Thank you for a thoughtful conversation about the Staff SRE opening at Zylker. I was glad to hear more about your service ownership model.

I am very interested in the role. My skills in capacity planning and incident response fit the challenges you mentioned, and I would bring a calm hand to on-call.

Sincerely,
Tomasz Wojcik""",
    """Hi Siobhan,

I wanted to thank you for the interview for the Staff SRE role at Zylker. Your description of the migration to Kafka was fascinating.

I'm keen to join the team, and my experience building CI pipelines would help you ship with confidence.

Best wishes,
Tomasz""",
    """Dear Siobhan,

Many thanks for your time on Tuesday. Discussing the Staff SRE role at Zylker left me excited about the chance to work on your platform.

My background in Linux performance tuning is a good fit for your latency goals, and I would love to contribute.

Warm regards,
Tomasz Wojcik""",
    """Hello Siobhan,

Thank you for walking me through the Staff SRE team's roadmap at Zylker. I enjoyed our talk about error budgets.

I'm enthusiastic about the position and confident my experience with Prometheus and Grafana would strengthen your monitoring.

All the best,
Tomasz""",
    """Hi Siobhan,

Thanks for speaking with me about the Staff SRE role. Learning how Zylker balances reliability and speed was really useful.

I would love to be part of the team; my track record of cutting cloud costs could help from the first month.

Best,
Tomasz Wojcik""",
    """Dear Siobhan,

Thank you for the interview yesterday for the Staff SRE role at Zylker. I appreciated your candour about the challenges ahead.

I am excited by them, and my expertise in incident reviews would help the team learn faster.

Regards,
Tomasz Wojcik""",
    """Hi Siobhan,

I hope your week is going well. I'm following up on my interview for the Staff SRE role at Zylker: I'm still very interested, and happy to share anything that helps.

My experience with large Kubernetes clusters remains, I think, a strong fit.

Thank you,
Tomasz""",
    """Hello Siobhan,

Thank you for letting me know I'm still in the running for the Staff SRE role at Zylker. I'm looking forward to the next step, and I'd be glad to bring examples of my on-call tooling.

Best regards,
Tomasz Wojcik""",
    """Dear Siobhan,

Thank you for letting me know, and for the time the team spent with me. I enjoyed learning about the Staff SRE work at Zylker and would be interested in future openings; my experience may fit another team.

Best wishes,
Tomasz""",
]

FAULTS = [
    (
        "Dear Siobhan,\n\nThank you for the oportunity to interview for the Staff SRE role at "
        "Zylker. I'm excited, and my experience fits.\n\nBest regards,\nTomasz",
        "spelling",
    ),
    (
        "Dear Siobhan,\n\nThank you for the the interview for the Staff SRE role at Zylker. I'm "
        "excited, and my experience fits.\n\nBest regards,\nTomasz",
        "doubled",
    ),
    (
        "Thank you for the interview for the Staff SRE role at Zylker, Siobhan. I'm excited, and my "
        "experience fits.\n\nBest regards,\nTomasz",
        "greeting",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm "
        "excited, and my experience fits. Talk soon.",
        "sign-off",
    ),
    (
        "Dear Siobahn,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm "
        "excited, and my experience fits.\n\nBest regards,\nTomasz",
        "name",
    ),
    (
        "Dear Sir,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm excited, "
        "and my experience fits.\n\nBest regards,\nTomasz",
        "name",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. My "
        "experience fits.\n\nBest regards,\nTomasz",
        "interest",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm really "
        "excited about it.\n\nBest regards,\nTomasz",
        "fit",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm excited, "
        "and my experience fits. I expect to hear from you this week.\n\nBest regards,\nTomasz",
        "tone",
    ),
    (
        "Dear Siobhan,\n\nThanks for the interview for the Staff SRE role at Zylker. I'm excited, and "
        "my experience fits. Please reply ASAP.\n\nBest regards,\nTomasz",
        "tone",
    ),
    (
        "Dear Siobhan,\n\nThanks for the interview for the Staff SRE role at Zylker. I'm excited, and "
        "my experience fits. Let me know by Friday.\n\nBest regards,\nTomasz",
        "tone",
    ),
    (
        "Dear Siobhan,\n\nWhy haven't you replied about the Staff SRE role at Zylker? I'm excited, "
        "and my experience fits.\n\nBest regards,\nTomasz",
        "tone",
    ),
    (
        "Dear Siobhan,\n\nThanks for the interview for the Staff SRE role at Zylker. I'm excited, and "
        "I deserve this job given my experience.\n\nBest regards,\nTomasz",
        "tone",
    ),
    (
        "Dear Siobhan,\n\n" + "Thanks for the interview for the Staff SRE role at Zylker; I'm "
        "excited and my experience fits. " * 15 + "\n\nBest regards,\nTomasz",
        "length",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I enjoyed "
        "[one thing you discussed]. I'm excited, and my experience fits.\n\nBest regards,\nTomasz",
        "placeholder",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interveiw for the Staff SRE role at Zylker. I'm excited, "
        "and my experiance fits.\n\nBest regards,\nTomasz",
        "spelling",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm excited, "
        "and my experience fits and and shows.\n\nBest regards,\nTomasz",
        "doubled",
    ),
    (
        "Dear Siobhan,\n\nThank you for the interview for the Staff SRE role at Zylker. I'm "
        "excited, and my experience fits. I need an answer immediately.\n\nBest regards,\nTomasz",
        "tone",
    ),
]


@pytest.mark.parametrize("draft", GOOD, ids=[f"good-{n}" for n in range(len(GOOD))])
def test_good_drafts_pass_and_their_names_are_not_flagged(draft: str) -> None:
    review = CHECKER.review(draft, CONTEXT)
    assert review.findings == []
    assert review.ready


@pytest.mark.parametrize(
    ("draft", "fault"), FAULTS, ids=[f"{kind}-{n}" for n, (_, kind) in enumerate(FAULTS)]
)
def test_each_planted_fault_is_found(draft: str, fault: str) -> None:
    review = CHECKER.review(draft, CONTEXT)
    kinds = {finding.kind for finding in review.findings}
    assert fault in kinds, review.findings
    assert not review.ready
    assert not any(
        "Zylker" in f.message or "Oyelaran" in f.message
        for f in review.findings
        if f.kind == "spelling"
    )


def test_the_corpus_is_large_enough() -> None:
    assert len(GOOD) + len(FAULTS) >= 30
