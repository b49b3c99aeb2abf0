"""Invisible and direction-changing characters in what people type are never shown back.

Names are kept as typed (and matched folded, see test_name_matching); what the coach shows
(DMs, the Home tab, the add form, the `.ics` file) goes through `display`: no zero-width
character hides in a name, no bidi override turns the rest of a line around, no flood of
combining marks draws over the lines around it. The clock starts on Thursday 26 Nov 2026.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from conftest import Bot
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.interview import Person
from bot.domain.text import MARKS_PER_CHARACTER, display, escape

#: What must never reach a person's screen: bidi embeddings, overrides and isolates,
#: zero-width characters and marks, the byte-order mark, C0/C1 controls (bar line breaks).
NAMED = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x2010)]}
NAMED |= {"\ufeff", "\u00ad", "\u2060", "\u061c", "\u180e"}

COMPANY = "Ac\u200bme\u202eLtd"
ROLE = "Dev\u2066Ops\u2069"
INTERVIEWER = "Ja\ufeffne Zo" + "\u0336" * 40 + "e"


def hidden(text: str) -> list[str]:
    """Characters of `text` that no one should be shown, by code point."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c in NAMED
        or unicodedata.category(c) in ("Cf", "Cs")
        or (unicodedata.category(c) == "Cc" and c not in "\n\t")
    ]


def longest_marks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        longest = max(longest, run)
    return longest


def strings(value: Any) -> list[str]:
    """Every string inside a Slack payload."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def check_shown(payload: Any) -> str:
    text = "\n".join(strings(payload))
    assert hidden(text) == [], text
    assert longest_marks(text) <= MARKS_PER_CHARACTER
    return text


@pytest.fixture
def me(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz="Europe/Berlin", team_id="T1")
    bot.without_holidays()
    return bot


def test_dms_the_home_tab_the_form_and_the_calendar_show_names_without_hidden_characters(
    me: Bot,
) -> None:
    me.command(f"add {COMPANY}, {ROLE}, tomorrow 2pm, with {INTERVIEWER}")
    me.dm("list")
    me.endpoint.app_home_opened(user_id="U1", team_id="T1", event_id="EvHome1", event_time=1)
    assert me.standin.wait_for(lambda s: any(v["method"] == "views.publish" for v in s.views()))
    me.command(f"add {COMPANY} | {ROLE} | with {INTERVIEWER}")  # no date: the form opens
    assert me.standin.wait_for(lambda s: any(v["method"] == "views.open" for v in s.views()))
    me.command("calendar")
    assert me.standin.wait_for(lambda s: bool(s.files()))
    me.advance(timedelta(days=1, hours=8))  # the thank-you note goes out

    posted = [c.params for c in me.standin.calls if c.method.startswith(("chat.", "views."))]
    shown = check_shown([posted, me.standin.responses(), me.standin.ephemerals()])
    assert "AcmeLtd" in shown and "DevOps" in shown and "Jane Zo" in shown
    assert any(m for m in me.standin.messages("DU1") if "AcmeLtd" in json.dumps(m.blocks))
    (views_open,) = [v for v in me.standin.views() if v["method"] == "views.open"]
    assert "AcmeLtd" in check_shown(views_open["view"])

    (sent,) = me.standin.files()
    content = sent["content"]
    calendar = content.decode() if isinstance(content, bytes) else str(content)
    unfolded = calendar.replace("\r\n ", "").replace("\r\n", "\n")
    check_shown(unfolded)
    assert "SUMMARY:Interview: AcmeLtd · DevOps" in unfolded

    # Kept as typed: only what is shown changes.
    with me.store.transaction(Person("T1", "U1")) as book:
        assert {i.company for i in book.interviews()} == {COMPANY}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_display_never_leaves_a_hidden_character_or_a_mark_flood_and_escaping_holds(
    text: str,
) -> None:
    shown = display(text)
    assert hidden(shown) == []
    assert longest_marks(shown) <= MARKS_PER_CHARACTER
    assert display(shown) == shown, "once is enough"
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0
    assert escaped == escape(shown), "display never undoes or adds to an escape"


#: Letters, digits, punctuation, symbols and spaces; the Hangul fillers among the letters show
#: nothing, and go.
ORDINARY = st.characters(categories=("L", "N", "P", "S", "Zs")).filter(
    lambda c: "FILLER" not in unicodedata.name(c, "")
)


@given(st.text(alphabet=ORDINARY, max_size=60))
def test_display_keeps_ordinary_text_as_typed(text: str) -> None:
    assert display(text) == unicodedata.normalize("NFC", text)
