"""The answers to words in the DM as Block Kit: Slack's limits, owners in every value, and the
words file checked at start-up."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.interview import Outcome, Person, Process
from bot.domain.nudge import Nudge
from bot.domain.reply_words import ReplyWordsError, load_reply_words
from bot.domain.understanding import Suggestion
from bot.slack.reply_blocks import (
    BUTTON_LABEL_LIMIT,
    ItemChoice,
    ProcessChoice,
    build_item_question,
    build_outcome_question,
    build_suggestions,
    read_item_choice,
    read_process_choice,
    what_happens,
)

RULES = Path(__file__).resolve().parent.parent / "rules"
WORDS = load_reply_words(RULES)
ME = Person("T1", "U1")
NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def nudge(number: int, title: str) -> Nudge:
    return Nudge(number, 1, "thank-you", title, "text", "tip", NOW)


def buttons(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_every_button_has_its_own_action_id_and_a_label_within_slacks_limit() -> None:
    long_title = "Thank " + "Bartholomew " * 10 + "for the interview"
    processes = [Process(n, f"Company {'x' * 90} {n}", "Role") for n in range(1, 8)]
    for message in (
        build_item_question(ME, "done", [nudge(n, long_title) for n in range(1, 11)]),
        build_outcome_question(ME, WORDS.outcome("rejected"), processes, named=False),
        build_suggestions(
            ME, "hm", (Suggestion("done", 1), Suggestion("list")), {1: nudge(1, "x")}
        ),
    ):
        ids = [b["action_id"] for b in buttons(message)]
        assert len(ids) == len(set(ids)), ids
        assert all(len(b["text"]["text"]) <= BUTTON_LABEL_LIMIT for b in buttons(message))
        assert all(len(b["value"]) <= 2000 for b in buttons(message))


def test_the_confirmation_names_the_company_and_says_what_recording_it_does() -> None:
    acme = Process(3, "Acme <!channel>", "Engineer")
    message = build_outcome_question(ME, WORDS.outcome("rejected"), [acme], named=True)

    labels = [b["text"]["text"] for b in buttons(message)]
    assert labels == ["Yes: Acme <!channel> said no", "No, keep it as it is"]
    text = message["blocks"][0]["text"]["text"]
    assert "Acme &lt;!channel&gt; will be marked *rejected*" in text, "typed names are escaped"
    assert "every reminder that would have you contact them stops" in text
    assert read_process_choice(buttons(message)[0]["value"], frozenset({"rejected"})) == (
        ProcessChoice("U1", "rejected", 3)
    )


def test_accepting_and_declining_say_what_they_are_recorded_as() -> None:
    offered = Process(4, "Umbrella Health", "Ops", outcome=Outcome.OFFER)

    accepted = what_happens(WORDS.outcome("accepted"), offered)
    declined = what_happens(WORDS.outcome("declined"), offered)

    assert accepted.startswith("Umbrella Health will be marked *accepted*")
    assert "withdrawal for each employer still in process" in accepted
    assert "search is marked done" in accepted
    assert declined.startswith("Umbrella Health will be marked *declined*")
    assert "search goes on" in declined


@given(
    user=st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True),
    verb=st.sampled_from(["done", "skip", "snooze"]),
    number=st.integers(1, 10**9 - 1),
    wait=st.one_of(
        st.none(),
        st.integers(1, 60 * 24 * 3600).map(lambda s: timedelta(seconds=s)),
        st.dates(date(2026, 1, 1), date(2030, 1, 1)),
    ),
)
def test_an_item_button_value_reads_back_as_written(user, verb, number, wait) -> None:
    choice = ItemChoice(
        user,
        verb,
        number,
        snooze_for=wait if isinstance(wait, timedelta) else None,
        snooze_until=wait if isinstance(wait, date) else None,
    )
    assert read_item_choice(choice.value()) == choice


@pytest.mark.parametrize(
    "forged", ["", "U1", "U1:done", "U1:delete:3", "U1:done:x", "U1:done:3:soon", ":done:3"]
)
def test_a_value_that_is_not_ours_reads_as_nothing(forged: str) -> None:
    assert read_item_choice(forged) is None
    assert read_process_choice(forged, frozenset({"rejected"})) is None


def test_a_broken_words_file_stops_start_up_with_the_reason(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "rules")
    words = tmp_path / "rules" / "replies.yml"
    words.write_text(
        words.read_text("utf-8").replace('button: "Yes: {company} said no"', 'button: "Yes"'),
        "utf-8",
    )

    with pytest.raises(ReplyWordsError, match=r"outcomes\.rejected\.button' must name"):
        load_reply_words(tmp_path / "rules")


def test_a_negated_outcome_must_name_an_outcome(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "rules")
    words = tmp_path / "rules" / "replies.yml"
    words.write_text(
        words.read_text("utf-8").replace("negated: waiting", "negated: ghosted"), "utf-8"
    )

    with pytest.raises(ReplyWordsError, match=r"outcomes\.rejected\.negated' names no outcome"):
        load_reply_words(tmp_path / "rules")
