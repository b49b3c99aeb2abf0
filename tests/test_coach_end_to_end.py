"""The backbone, end to end: the real Bolt app over HTTP, a real store, the Slack stand-in."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from conftest import RULES, Bot, BotFactory, eventually, stop

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.domain.playbook import PlaybookError
from bot.domain.timing import zone
from bot.slack.blocks import DONE_ACTION, SKIP_ACTION, SNOOZE_ACTION

LA = "America/Los_Angeles"
ME = Person("T1", "U1")


def text_of(reply: dict) -> str:
    return "\n".join(b["text"]["text"] for b in reply["blocks"] if b.get("type") == "section")


def buttons(message, number: int) -> dict[str, str]:
    """action_id -> value of the buttons for nudge `number` in a DM."""
    for block in message.blocks:
        if block["type"] == "actions" and block["block_id"] == f"nudge-{number}":
            return {e["action_id"]: e["value"] for e in block["elements"] if "value" in e}
    return {}


def local(moment: datetime, tz: str = LA) -> datetime:
    return moment.astimezone(zone(tz))


@pytest.fixture
def la_bot(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def test_add_confirms_what_was_understood_and_shows_the_plan(la_bot: Bot) -> None:
    reply = la_bot.command("add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith")

    text = text_of(reply)
    assert reply["response_type"] == "ephemeral"
    assert "*Acme* · Staff Engineer" in text
    assert "Fri 27 Nov, 14:00–15:00 (America/Los_Angeles)" in text
    assert "Jane Doe, Bob Smith" in text
    assert "Fri 27 Nov, 16:00 · Thank Jane Doe for the Acme interview" in text
    assert "Fri 27 Nov, 16:00 · Thank Bob Smith for the Acme interview" in text
    assert "Connect with Jane Doe on LinkedIn" in text
    nudges = la_bot.nudges()
    assert [n.number for n in nudges] == list(range(1, len(nudges) + 1))
    assert all(n.state == NudgeState.SCHEDULED for n in nudges)
    assert la_bot.standin.calls_to("users.info"), "the zone came from Slack"


def test_one_thank_you_per_interviewer_an_hour_after_the_end_in_local_time(la_bot: Bot) -> None:
    la_bot.command("add Acme | Staff Engineer | Dec 3 at 9am | with Jane Doe & Bob Smith & Ann Lee")

    thanks = [n for n in la_bot.nudges() if n.rule == "thank-you"]
    assert sorted(n.interviewer for n in thanks) == ["Ann Lee", "Bob Smith", "Jane Doe"]
    assert {local(n.due_at).isoformat() for n in thanks} == {"2026-12-03T11:00:00-08:00"}
    linkedin = [n for n in la_bot.nudges() if n.rule == "linkedin"]
    assert len(linkedin) == 3
    assert any("keywords=Ann%20Lee%20Acme" in n.link for n in linkedin)


@pytest.mark.parametrize(
    ("when", "expected_start"),
    [
        ("tomorrow 2pm", "2026-11-27T14:00:00-08:00"),
        ("next tue 10:30", "2026-12-01T10:30:00-08:00"),
        ("next fri 10:30", "2026-12-04T10:30:00-08:00"),
        ("tue 10:30", "2026-12-01T10:30:00-08:00"),
        ("Dec 3 at 9am", "2026-12-03T09:00:00-08:00"),
        ("2026-12-03 14:00", "2026-12-03T14:00:00-08:00"),
        ("today 9am", "2026-11-26T09:00:00-08:00"),
        ("yesterday 4pm", "2026-11-25T16:00:00-08:00"),
    ],
)
def test_date_forms_people_type_resolve_in_their_zone(
    la_bot: Bot, when: str, expected_start: str
) -> None:
    la_bot.command(f"add Acme, Staff Engineer, {when}, with Jane Doe")

    with la_bot.store.transaction(ME) as book:
        (interview,) = book.interviews()
    assert local(interview.starts_at).isoformat() == expected_start
    assert interview.ends_at - interview.starts_at == timedelta(hours=1)


def test_slack_mentions_count_as_interviewers_and_duration_is_kept(la_bot: Bot) -> None:
    la_bot.command("add Acme, Staff Engineer, tomorrow 2pm, for 45m, with <@U777|jane> and Bob")

    with la_bot.store.transaction(ME) as book:
        (interview,) = book.interviews()
    assert [(i.name, i.slack_id) for i in interview.interviewers] == [
        ("jane", "U777"),
        ("Bob", None),
    ]
    assert interview.ends_at - interview.starts_at == timedelta(minutes=45)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("add Acme", "role"),
        ("add Acme, Staff Engineer", "when"),
        ("add Acme, Staff Engineer, tomorrow", "time"),
        ("add Acme, Staff Engineer, blorp o'clock", "blorp"),
    ],
)
def test_bad_add_gets_a_friendly_reply_and_stores_nothing(
    la_bot: Bot, text: str, problem: str
) -> None:
    reply = la_bot.command(text)

    body = text_of(reply).lower()
    assert reply["response_type"] == "ephemeral"
    assert problem in body
    assert "nothing was saved" in body
    assert "/interview add acme, staff engineer, tomorrow 2pm" in body
    assert la_bot.nudges() == []


def test_a_past_interview_sends_its_due_items_within_a_minute(la_bot: Bot) -> None:
    la_bot.command("add Acme, Staff Engineer, today 7am, with Jane Doe and Bob Smith")

    assert eventually(lambda: any(n.state == NudgeState.SENT for n in la_bot.nudges()), 60)
    (digest,) = la_bot.dms()
    titles = json.dumps(digest.blocks)
    assert "Thank Jane Doe" in titles
    assert "Thank Bob Smith" in titles
    assert titles.count("Before you hit send") == 1, "the proofread advice, once, inside it"
    sent = [n for n in la_bot.nudges() if n.state == NudgeState.SENT]
    assert {n.rule for n in sent} == {"thank-you"}
    assert all(n.message_ts == digest.ts for n in sent)


def _deliver_first_thank_you(bot: Bot):
    """The interview day's message, with the thank-you, and the thank-you."""
    bot.command("add Acme, Staff Engineer, today 10am, with Jane Doe")
    assert bot.advance(timedelta(hours=3, minutes=5)) == 1
    thank_you = next(n for n in bot.nudges() if n.rule == "thank-you")
    return bot.dms()[0], thank_you


def test_done_click_updates_the_message_in_place_and_the_store(la_bot: Bot) -> None:
    message, thank_you = _deliver_first_thank_you(la_bot)
    value = buttons(message, thank_you.number)[DONE_ACTION]

    status, _ = la_bot.click(message, DONE_ACTION, value)

    assert status == 200
    assert la_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    assert len(la_bot.dms()) == 1, "no new message, the old one changed"
    updated = la_bot.dms()[0]
    assert "Done" in json.dumps(updated.blocks)
    assert DONE_ACTION not in json.dumps(_blocks_for(updated, thank_you.number))
    stored = next(n for n in la_bot.nudges() if n.number == thank_you.number)
    assert stored.state == NudgeState.DONE


def _blocks_for(message, number: int) -> list[dict]:
    return [
        b
        for b in message.blocks
        if f"#{number} " in json.dumps(b) or b.get("block_id") == f"nudge-{number}"
    ]


def test_snooze_click_moves_the_item_to_tomorrow_morning_and_it_comes_back(la_bot: Bot) -> None:
    message, first = _deliver_first_thank_you(la_bot)

    la_bot.click(message, SNOOZE_ACTION, buttons(message, first.number)[SNOOZE_ACTION])

    assert la_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    snoozed = next(n for n in la_bot.nudges() if n.number == first.number)
    assert snoozed.state == NudgeState.SCHEDULED
    assert local(snoozed.due_at).isoformat() == "2026-11-27T09:00:00-08:00"
    assert "Snoozed until Fri 27 Nov, 09:00" in json.dumps(la_bot.dms()[0].blocks)
    la_bot.advance(timedelta(hours=22))
    assert any(f"#{first.number} " in json.dumps(m.blocks) for m in la_bot.dms()[1:])


def test_skip_click_closes_the_item(la_bot: Bot) -> None:
    message, thank_you = _deliver_first_thank_you(la_bot)
    la_bot.click(message, SKIP_ACTION, buttons(message, thank_you.number)[SKIP_ACTION])

    assert la_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    skipped = [n for n in la_bot.nudges() if n.state == NudgeState.SKIPPED]
    assert len(skipped) == 1
    assert "Skipped" in json.dumps(la_bot.dms()[0].blocks)


def test_a_click_on_someone_elses_item_is_refused_and_changes_nothing(la_bot: Bot) -> None:
    message, thank_you = _deliver_first_thank_you(la_bot)
    value = buttons(message, thank_you.number)[DONE_ACTION]
    before = la_bot.nudges()

    la_bot.click(message, DONE_ACTION, value, user="U2")

    assert la_bot.standin.wait_for(lambda s: any(r for r in s.responses()))
    assert "isn't one of yours" in json.dumps(la_bot.standin.responses())
    assert la_bot.nudges() == before


def test_word_replies_mark_snooze_and_skip_by_number(la_bot: Bot) -> None:
    la_bot.command("add Acme, Staff Engineer, today 10am, with Jane Doe and Bob Smith")
    la_bot.advance(timedelta(hours=3, minutes=5))
    numbers = {n.rule + (n.interviewer or ""): n.number for n in la_bot.nudges()}

    answer = la_bot.dm(f"done {numbers['thank-youJane Doe']}")
    assert "as done" in answer.text
    answer = la_bot.dm(f"skip {numbers['be-patient']}")
    assert "Skipped" in answer.text
    answer = la_bot.dm(f"snooze {numbers['thank-youBob Smith']} 2d")
    assert "Snoozed" in answer.text

    states = {n.number: n for n in la_bot.nudges()}
    assert states[numbers["thank-youJane Doe"]].state == NudgeState.DONE
    assert states[numbers["be-patient"]].state == NudgeState.SKIPPED
    bob = states[numbers["thank-youBob Smith"]]
    assert bob.state == NudgeState.SCHEDULED
    assert local(bob.due_at).isoformat() == "2026-11-30T09:00:00-08:00", "Saturday: Monday"
    digest = la_bot.dms()[0]
    assert la_bot.standin.wait_for(lambda s: s.messages("DU1")[0].updated)
    assert "Done" in json.dumps(la_bot.dms()[0].blocks)
    assert digest.ts == la_bot.dms()[0].ts


def test_plain_done_marks_the_latest_item_and_list_and_help_answer(la_bot: Bot) -> None:
    la_bot.command("add Acme, Staff Engineer, today 10am, with Jane Doe")
    la_bot.advance(timedelta(hours=3, minutes=5))

    listing = la_bot.dm("list")
    assert "Open items" in listing.text or "Open items" in json.dumps(listing.blocks)
    thank_you = next(n for n in la_bot.nudges() if n.rule == "thank-you")
    assert f"Marked `#{thank_you.number}`" in la_bot.dm("done").text, "the one item shown"
    assert [n.number for n in la_bot.nudges() if n.state == NudgeState.DONE] == [thank_you.number]
    help_text = la_bot.dm("what is this thing?")
    assert "done 2" in json.dumps(help_text.blocks)
    assert "snooze" in json.dumps(la_bot.dm("help").blocks)


def test_unknown_number_gets_a_reply_not_silence(la_bot: Bot) -> None:
    answer = la_bot.dm("done 99")
    assert "no item #99" in answer.text


def test_interview_list_and_help_commands(la_bot: Bot) -> None:
    la_bot.command("add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe")

    listing = text_of(la_bot.command("list"))
    assert "Upcoming interviews" in listing
    assert "*Acme* · Staff Engineer · Fri 27 Nov, 14:00" in listing
    assert "Open items" in listing
    assert "/interview add" in text_of(la_bot.command("help"))


def test_restart_loses_nothing_and_sends_missed_nudges_once(
    bot_factory: BotFactory, standin
) -> None:
    standin.set_user("U1", tz=LA, team_id="T1")
    first = bot_factory()
    first.command("add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith")
    before = first.nudges()
    stop(first)

    first.clock.advance(timedelta(days=1, hours=8))
    second = bot_factory()

    def plan(nudges: list) -> list[tuple]:
        return [(n.number, n.rule, n.interviewer, n.due_at) for n in nudges]

    assert plan(second.nudges()) == plan(before)
    rules = {"thank-you", "linkedin", "be-patient", "follow-up", "keep-hunting"}
    assert {n.rule for n in before} == rules
    assert len(before) == 7, "two thank-yous, two connections, patience, a follow-up, the search"
    due = [n for n in before if n.due_at <= second.clock.now()]
    assert {n.rule for n in due} == {"thank-you"}
    due_numbers = {n.number for n in due}
    assert eventually(
        lambda: all(n.state == NudgeState.SENT for n in second.nudges() if n.number in due_numbers),
        60,
    )
    assert second.runtime.services.delivery.deliver_due(wait_for_all=True) == 0
    posted = json.dumps([m.blocks for m in standin.messages("DU1")], ensure_ascii=False)
    for nudge in due:
        assert posted.count(f"*#{nudge.number} ·") == 1


def test_a_broken_playbook_is_refused_at_start(bot_factory: BotFactory, tmp_path) -> None:
    broken = tmp_path / "rules"
    broken.mkdir()
    text = (RULES / "playbook.yml").read_text()
    (broken / "playbook.yml").write_text(text.replace("wait: 2d", "wait: 1 fortnight"))

    with pytest.raises(PlaybookError) as refused:
        bot_factory(rules=broken)
    message = str(refused.value)
    assert "playbook.yml" in message
    assert "rule 'be-patient'" in message
    assert "field 'wait'" in message
