"""Names pasted with invisible characters, other widths or other spacing name one employer.

The clock starts on Thursday 26 Nov 2026 at 09:00 in Los Angeles.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import Bot
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.interview import Outcome, Person
from bot.domain.text import match_key

LA = "America/Los_Angeles"


@pytest.fixture
def me(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


@pytest.mark.parametrize(
    "pasted",
    [
        "Ac\u200bme",  # a zero-width space, as copied from many web pages
        "\u202eAcme",  # a right-to-left override in front
        "ＡＣＭＥ",  # full-width letters
        "Acme\u00ad",  # a soft hyphen
        "acme\ufeff",  # a byte-order mark
    ],
)
def test_a_rejection_closes_the_process_however_the_name_was_pasted(me: Bot, pasted: str) -> None:
    me.command("add Acme, Staff Engineer, yesterday 2pm, with Jane Doe")
    reply = me.command(f"add {pasted}, Staff Engineer, today 4pm, with Bob Smith")
    assert "round 2" in str(reply).lower(), "the same employer: a second round, not a process"

    me.confirm("acme rejected", "Acme")
    me.advance(timedelta(days=21))

    live = [
        n for n in me.nudges() if n.is_open and n.rule in ("follow-up", "thank-you", "be-patient")
    ]
    assert live == []
    standings = me.coach.overview(Person("T1", "U1")).standings
    assert [s.process.outcome for s in standings] == [Outcome.REJECTED]


def test_names_that_only_look_alike_stay_apart() -> None:
    assert match_key("Acme") != match_key("Acne")
    assert match_key("Globex US") != match_key("Globex UK")
    assert match_key("Straße") == match_key("STRASSE")
    assert match_key("  Globex \t Inc ") == match_key("globex inc")


@given(st.text(max_size=30))
def test_the_matching_key_is_stable(name: str) -> None:
    key = match_key(name)
    assert match_key(key) == key
    assert "\u200b" not in key and "\u202e" not in key


@pytest.mark.parametrize("pasted", ["Ac\u200bme", "ＡＣＭＥ", "\u202eAcme", "acme\ufeff"])
def test_a_reply_names_the_employer_however_the_name_was_pasted(pasted: str) -> None:
    from test_replies_corpus import SITUATION, WORDS

    from bot.domain.understanding import understand

    meant = understand(f"{pasted} rejectd me", SITUATION, WORDS)

    assert (meant.intent, meant.outcome, meant.employer) == ("outcome", "rejected", 1)
