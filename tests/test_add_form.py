"""The add form: opened by `/interview add`, pre-filled from partial text, checked inline."""

from __future__ import annotations

import json

import pytest
from conftest import Bot

from bot.domain.interview import Person
from bot.local.signer import DEFAULT_TRIGGER_ID
from bot.slack.blocks import ADD_FORM

ME = Person("T1", "U1")


@pytest.fixture
def la_bot(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays()
    return bot


def opened_form(bot: Bot) -> dict:
    assert bot.standin.wait_for(lambda s: bool(s.views()))
    (opened,) = bot.standin.views()
    assert opened["method"] == "views.open"
    assert opened["trigger_id"] == DEFAULT_TRIGGER_ID
    return opened["view"]


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def submit(bot: Bot, **fields: str) -> tuple[int, bytes]:
    kinds = {"date": "selected_date", "time": "selected_time"}
    state = {}
    for field, value in fields.items():
        if field == "duration":
            state[field] = {"value": {"type": "static_select", "selected_option": {"value": value}}}
        else:
            state[field] = {"value": {kinds.get(field, "value"): value}}
    return bot.endpoint.view_submission(
        user_id="U1", team_id="T1", callback_id=ADD_FORM, state_values=state
    )


def test_add_alone_opens_the_form_and_stores_nothing(la_bot: Bot) -> None:
    status, body = la_bot.endpoint.command(
        text="add", user_id="U1", team_id="T1", channel_id="C1", response_url="http://x.invalid/"
    )
    assert (status, body.strip()) == (200, b"")

    view = opened_form(la_bot)
    assert view["callback_id"] == ADD_FORM
    fields = [b["block_id"] for b in view["blocks"]]
    assert fields == ["company", "role", "date", "time", "duration", "interviewers", "notes"]
    assert block(view, "date")["element"]["type"] == "datepicker"
    assert block(view, "time")["element"]["type"] == "timepicker"
    assert la_bot.nudges() == []


def test_partial_text_opens_the_form_prefilled_with_the_problem_highlighted(la_bot: Bot) -> None:
    reply = la_bot.command("add Acme | Staff Engineer | with Jane Doe and Bob Smith")

    assert "Nothing was saved" in json.dumps(reply)
    view = opened_form(la_bot)
    assert block(view, "company")["element"]["initial_value"] == "Acme"
    assert block(view, "role")["element"]["initial_value"] == "Staff Engineer"
    assert block(view, "interviewers")["element"]["initial_value"] == "Jane Doe\nBob Smith"
    assert "hint" in block(view, "date")
    assert all("hint" not in b for b in view["blocks"] if b["block_id"] != "date")


def test_a_complete_form_is_stored_before_it_closes_and_the_plan_comes_by_dm(la_bot: Bot) -> None:
    status, body = submit(
        la_bot,
        company="Acme <!channel>",
        role="Staff Engineer",
        date="2026-11-27",
        time="14:00",
        duration="45",
        interviewers="Jane Doe <jane@acme.example>\nBob Smith https://www.linkedin.com/in/bob",
        notes="Asked about on-call.",
    )

    assert status == 200 and body.strip() == b"", "an empty answer closes the form"
    with la_bot.store.transaction(ME) as book:
        (interview,) = book.interviews()
    assert interview.company == "Acme <!channel>"
    assert (interview.ends_at - interview.starts_at).total_seconds() == 45 * 60
    assert [(i.name, i.contact) for i in interview.interviewers] == [
        ("Jane Doe", "jane@acme.example"),
        ("Bob Smith", "https://www.linkedin.com/in/bob"),
    ]
    assert interview.notes == "Asked about on-call."
    links = {n.interviewer: n.link for n in la_bot.nudges() if n.rule == "linkedin"}
    assert links["Bob Smith"] == "https://www.linkedin.com/in/bob"
    assert "keywords=Jane%20Doe" in links["Jane Doe"]
    assert la_bot.standin.wait_for(lambda s: bool(s.messages("DU1")))
    plan = json.dumps(la_bot.standin.messages("DU1")[0].blocks, ensure_ascii=False)
    assert "Fri 27 Nov, 14:00–14:45" in plan
    assert "<!channel>" not in plan


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"company": "Acme", "role": "Dev", "date": "2026-11-27"}, "time", "time"),
        ({"role": "Dev", "date": "2026-11-27", "time": "10:00"}, "company", "company"),
        (
            {"company": "A" * 150, "role": "Dev", "date": "2026-11-27", "time": "10:00"},
            "company",
            "100",
        ),
        (
            {
                "company": "Acme",
                "role": "Dev",
                "date": "2026-11-27",
                "time": "10:00",
                "interviewers": "\n".join(f"Person {n}" for n in range(25)),
            },
            "interviewers",
            "20",
        ),
    ],
)
def test_problems_show_inline_in_the_form_and_store_nothing(
    la_bot: Bot, fields: dict, field: str, words: str
) -> None:
    status, body = submit(la_bot, **fields)

    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [field]
    assert words in answer["errors"][field]
    assert la_bot.nudges() == []
