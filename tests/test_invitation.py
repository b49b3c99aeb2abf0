"""Pasted invitations read into the add form: the corpus, measured, and the promises around it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from invitation_scoring import HELD_OUT, OWN, describe, load, score

from bot.domain.invitation import form_values, read_invitation
from bot.domain.parsing import read_add_form

#: The share of our own corpus read fully right must not fall below this (it is 100% now).
OWN_FLOOR = 0.9
#: The held-out corpus (written by someone else, never tuned on) is measured; this floor only
#: catches a reader that broke.
HELD_OUT_FLOOR = 0.5
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN)


def _measure(entries, floor, label, capsys):
    results = [score(entry) for entry in entries]
    right = sum(r.right for r in results)
    share = right / len(results)
    with capsys.disabled():
        print(f"\n{label}: {right}/{len(results)} invitations read fully right ({share:.0%})")
        for result, entry in zip(results, entries, strict=True):
            if not result.right:
                print(describe(result, entry))
    assert share >= floor, f"{label}: only {share:.0%} read fully right"
    return results


def test_our_corpus_of_invitations_is_read_fully_right(capsys):
    entries = load(OWN)
    assert len(entries) >= 30
    assert len({e["format"] for e in entries}) >= 10
    assert len({e["tz"] for e in entries}) >= 10
    _measure(entries, OWN_FLOOR, "invitations (own corpus)", capsys)


@pytest.mark.skipif(not HELD_OUT.exists(), reason="tests/invitations_heldout.yml not added yet")
def test_the_held_out_invitations_are_measured(capsys):
    _measure(load(HELD_OUT), HELD_OUT_FLOOR, "invitations (held-out)", capsys)


def test_what_is_read_fills_the_add_form_which_accepts_it_in_the_persons_zone():
    entry = next(e for e in load(OWN) if e["id"] == "recruiter-email-pacific-from-denver")
    denver = ZoneInfo(entry["tz"])
    now = datetime.fromisoformat(str(entry["received"])).replace(tzinfo=denver)
    reading = read_invitation(entry["text"], now=now, tz=entry["tz"])
    values = form_values(reading, tz=entry["tz"])
    assert values == {
        "company": "Redwood Analytics",
        "role": "Senior Data Engineer",
        "date": "2026-12-03",
        "time": "11:00",  # 10am Pacific is 11:00 in Denver
        "duration": "60",
        "interviewers": "Luis Ortega",
    }
    request = read_add_form(values, now=now, tz=entry["tz"])
    assert request.starts_at == reading.starts_at
    assert request.duration == timedelta(hours=1)
    assert [i.name for i in request.interviewers] == ["Luis Ortega"]


def test_interviewers_emails_reach_the_form_so_the_thank_you_items_can_use_them():
    entry = next(e for e in load(OWN) if e["id"] == "google-calendar-berlin-guests")
    reading = read_invitation(entry["text"], now=NOW, tz="Europe/Berlin")
    values = form_values(reading, tz="Europe/Berlin")
    request = read_add_form(values, now=NOW, tz="Europe/Berlin")
    assert [(i.name, i.contact) for i in request.interviewers] == [
        ("Jonas Weber", "jonas.weber@helixrobotics.de"),
        ("Mira Schulz", "mira.schulz@helixrobotics.de"),
    ]


def test_a_complete_invitation_is_not_unsure_of_anything():
    entry = next(e for e in load(OWN) if e["id"] == "lever-boston-onsite")
    now = datetime.fromisoformat(str(entry["received"])).replace(tzinfo=ZoneInfo(entry["tz"]))
    reading = read_invitation(entry["text"], now=now, tz=entry["tz"])
    assert reading.complete and reading.unsure == frozenset() and reading.missing == ()


def test_what_is_missing_is_reported_and_the_rest_is_still_filled():
    text = "Hi! Could we do a quick call on Tuesday at 3pm? Thanks, Jo"
    reading = read_invitation(text, now=NOW, tz="Europe/Berlin")
    assert reading.company is None and reading.role is None
    assert {"company", "role", "interviewers", "duration"} <= reading.unsure
    assert not reading.complete
    assert reading.starts_at == datetime(2026, 12, 1, 15, 0, tzinfo=BERLIN)
    assert set(form_values(reading, tz="Europe/Berlin")) == {"date", "time"}
    assert "company" in reading.missing and "date" not in reading.missing


def test_a_text_without_a_time_gives_no_start_and_says_so():
    reading = read_invitation(
        "Interview at Acme for the Data Analyst role next week, details to follow.",
        now=NOW,
        tz="Europe/Berlin",
    )
    assert reading.starts_at is None
    assert {"date", "time"} <= reading.unsure
    assert (reading.company, reading.role) == ("Acme", "Data Analyst")


def test_no_zone_written_means_the_persons_zone():
    reading = read_invitation(
        "Interview with Acme for the Staff Engineer role on Thursday 3 December at 14:00.",
        now=NOW,
        tz="Asia/Tokyo",
    )
    assert reading.starts_at is not None and reading.zone == "Asia/Tokyo"
    assert reading.starts_at.utcoffset() == timedelta(hours=9)


def test_an_abbreviation_that_disagrees_with_the_season_is_read_as_the_region_but_unsure():
    reading = read_invitation(
        "Your interview for the Data Engineer role at Acme: Tuesday, July 14, 2026 at "
        "10:00 AM PST (45 minutes) with Jane Doe.",
        now=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        tz="America/Los_Angeles",
    )
    assert reading.starts_at == datetime(2026, 7, 14, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert reading.starts_at.utcoffset() == timedelta(hours=-7)
    assert "time" in reading.unsure


def test_a_weekday_that_disagrees_with_the_date_makes_the_start_unsure():
    reading = read_invitation(
        "Interview at Acme (Data Analyst) on Friday, December 3, 2026 at 2pm with Jane Doe.",
        now=NOW,
        tz="Europe/Berlin",
    )
    assert reading.starts_at is not None and reading.starts_at.day == 3
    assert "time" in reading.unsure


def test_slack_markup_is_unwrapped_and_never_becomes_part_of_a_name():
    text = (
        "*Interview confirmed* :tada: <@U024BE7LH|Sam> your interview at *Globex* for the "
        "Product Manager role is on <!date^1796220000^{date}|Dec 1> Tuesday, Dec 1 at 10am ET "
        "with <mailto:priya@globex.com|Priya Patel>. Details: <https://globex.zoom.us/j/1|zoom>"
    )
    reading = read_invitation(text, now=NOW, tz="America/New_York")
    assert reading.company == "Globex"
    assert reading.role == "Product Manager"
    assert [(i.name, i.contact) for i in reading.interviewers] == [
        ("Priya Patel", "priya@globex.com")
    ]


@pytest.mark.parametrize(
    "text",
    ["", " \n\n ", "x" * 30_000, "<<<<>>>>" * 500, "12:00 " * 2000, "🙂" * 1000],
)
def test_odd_pastes_never_raise(text):
    reading = read_invitation(text, now=NOW, tz="Europe/Berlin")
    assert not reading.complete


def test_an_unknown_person_zone_falls_back_to_utc_instead_of_failing():
    reading = read_invitation(
        "Interview at Acme for the Analyst role on 3 December 2026 at 14:00.",
        now=NOW,
        tz="Mars/Olympus",
    )
    assert reading.starts_at is not None and reading.starts_at.utcoffset() == timedelta(0)
