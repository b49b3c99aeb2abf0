"""How the bot reads `/interview add` text and replies to nudges."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.parsing import (
    ADD_EXAMPLE,
    MAX_SNOOZE,
    REPLY_VERBS,
    AddInputError,
    Interviewer,
    InterviewRequest,
    Reply,
    form_field_of,
    parse_add,
    parse_duration,
    parse_reply,
    read_add_form,
    warm_up,
)

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
# Thanksgiving 2026, a Thursday, mid-morning on the US west coast.
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=LA)


def add(text: str, *, now: datetime = NOW, tz: str = "America/Los_Angeles") -> InterviewRequest:
    return parse_add(text, now=now, tz=tz)


def add_problem(text: str, *, now: datetime = NOW, tz: str = "America/Los_Angeles") -> str:
    with pytest.raises(AddInputError) as caught:
        parse_add(text, now=now, tz=tz)
    return caught.value.problem


def la(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


# --- /interview add: the documented examples -------------------------------------------------


def test_tomorrow_2pm_is_resolved_in_the_persons_time_zone():
    request = add("Acme, Staff Engineer, tomorrow 2pm, with Jane Doe and Bob Smith")

    assert request == InterviewRequest(
        company="Acme",
        role="Staff Engineer",
        starts_at=la(2026, 11, 27, 14, 0),
        duration=timedelta(hours=1),
        interviewers=(Interviewer("Jane Doe"), Interviewer("Bob Smith")),
    )
    assert request.starts_at.tzinfo == LA


def test_pipes_separate_fields_and_ampersand_separates_interviewers():
    request = add("Acme | Staff Engineer | Dec 3 at 9am | with Jane Doe & Bob Smith")

    assert (request.company, request.role) == ("Acme", "Staff Engineer")
    assert request.starts_at == la(2026, 12, 3, 9, 0)
    assert request.interviewers == (Interviewer("Jane Doe"), Interviewer("Bob Smith"))


def test_next_tuesday_with_interviewers_in_the_same_field():
    request = add("Acme, Staff Engineer, next tue 10:30 with Jane Doe, Bob Smith and Ann Lee")

    # On Thursday 26 Nov next week runs Mon 30 Nov to Sun 6 Dec: `next tue` is Tue 1 Dec.
    assert request.starts_at == la(2026, 12, 1, 10, 30)
    assert request.interviewers == (
        Interviewer("Jane Doe"),
        Interviewer("Bob Smith"),
        Interviewer("Ann Lee"),
    )


def test_iso_date_with_a_duration_field_and_slack_mentions():
    request = add("Acme, Staff Engineer, 2026-12-03 14:00, for 45m, with <@U123|jane> and <@U456>")

    assert request.starts_at == la(2026, 12, 3, 14, 0)
    assert request.duration == timedelta(minutes=45)
    assert request.interviewers == (Interviewer("jane", "U123"), Interviewer("U456", "U456"))


def test_an_interview_without_interviewers_and_a_duration_suffix():
    request = add("Globex, Data Analyst, today 9am for 30 minutes")

    assert request.company == "Globex"
    assert request.role == "Data Analyst"
    assert request.starts_at == la(2026, 11, 26, 9, 0)
    assert request.duration == timedelta(minutes=30)
    assert request.interviewers == ()


def test_an_interview_that_already_happened_yesterday_is_accepted():
    request = add("Initech, QA Lead, yesterday 4pm, with Bill Lumbergh")

    assert request.starts_at == la(2026, 11, 25, 16, 0)
    assert request.interviewers == (Interviewer("Bill Lumbergh"),)


def test_the_usage_example_shown_to_people_parses():
    request = add(ADD_EXAMPLE.removeprefix("/interview add "))

    assert request.company == "Acme"
    assert len(request.interviewers) == 2


# --- /interview add: dates and times ----------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("tomorrow 2pm", la(2026, 11, 27, 14, 0)),
        ("next tue 10:30", la(2026, 12, 1, 10, 30)),
        ("next sun 10:30", la(2026, 12, 6, 10, 30)),
        ("tue 10:30", la(2026, 12, 1, 10, 30)),
        ("Dec 3 at 9am", la(2026, 12, 3, 9, 0)),
        ("2026-12-03 14:00", la(2026, 12, 3, 14, 0)),
        ("today 9am", la(2026, 11, 26, 9, 0)),
        ("yesterday 4pm", la(2026, 11, 25, 16, 0)),
        ("friday 3pm", la(2026, 11, 27, 15, 0)),
        ("3pm tomorrow", la(2026, 11, 27, 15, 0)),
        ("noon tomorrow", la(2026, 11, 27, 12, 0)),
        ("midnight tomorrow", la(2026, 11, 27, 0, 0)),
        ("tomorrow 2 p.m.", la(2026, 11, 27, 14, 0)),
        ("Dec 3, 2026 9am", la(2026, 12, 3, 9, 0)),
    ],
)
def test_natural_dates_resolve_to_the_exact_local_time(when: str, expected: datetime):
    assert add(f"Acme, Staff Engineer, {when}").starts_at == expected


def test_a_date_in_another_time_zone_uses_that_zones_calendar():
    request = add("Acme, Staff Engineer, tomorrow 2pm", tz="Europe/Berlin")

    assert request.starts_at == datetime(2026, 11, 27, 14, 0, tzinfo=BERLIN)
    assert request.starts_at.tzinfo == BERLIN


def test_tomorrow_is_counted_from_the_persons_own_date_not_the_servers():
    # 10:00 Thursday in Los Angeles is already 07:00 Friday in Auckland.
    request = add("Acme, Staff Engineer, tomorrow 2pm", tz="Pacific/Auckland")

    assert request.starts_at == datetime(2026, 11, 28, 14, 0, tzinfo=ZoneInfo("Pacific/Auckland"))


def test_monday_across_the_end_of_summer_time_is_in_winter_time():
    saturday_before_dst_ends = datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN)

    request = add(
        "Acme, Staff Engineer, monday 9am", now=saturday_before_dst_ends, tz="Europe/Berlin"
    )

    assert request.starts_at == datetime(2026, 10, 26, 9, 0, tzinfo=BERLIN)
    assert request.starts_at.utcoffset() == timedelta(hours=1)
    assert request.starts_at.astimezone(ZoneInfo("UTC")).hour == 8


def test_an_unknown_time_zone_is_treated_as_utc():
    request = add("Acme, Staff Engineer, tomorrow 2pm", tz="Mars/Olympus_Mons")

    assert request.starts_at == datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("UTC"))


def test_a_date_a_few_days_ago_without_a_year_means_this_year_not_next():
    assert add("Acme, Staff Engineer, Nov 20 2pm").starts_at == la(2026, 11, 20, 14, 0)


def test_earlier_today_by_date_means_today_not_next_year():
    assert add("Acme, Staff Engineer, Nov 26 9am").starts_at == la(2026, 11, 26, 9, 0)


def test_naming_todays_weekday_means_today():
    assert add("Acme, Staff Engineer, thursday 3pm").starts_at == la(2026, 11, 26, 15, 0)
    assert add("Acme, Staff Engineer, next thursday 3pm").starts_at == la(2026, 12, 3, 15, 0)


def test_an_explicit_time_zone_in_the_text_is_converted_to_the_persons_zone():
    assert add("Acme, Staff Engineer, tomorrow 2pm EST").starts_at == la(2026, 11, 27, 11, 0)


# --- /interview add: durations and interviewers -----------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("for 45m", timedelta(minutes=45)),
        ("for 1h", timedelta(hours=1)),
        ("for 90 minutes", timedelta(minutes=90)),
        ("for 1.5 hours", timedelta(minutes=90)),
        ("for an hour", timedelta(hours=1)),
        ("for 1h30", timedelta(minutes=90)),
    ],
)
def test_interview_length_can_be_given_in_many_ways(written: str, expected: timedelta):
    assert add(f"Acme, Staff Engineer, tomorrow 2pm, {written}").duration == expected
    assert add(f"Acme, Staff Engineer, tomorrow 2pm {written}, with Jane").duration == expected


def test_interview_length_can_follow_the_interviewers():
    request = add("Acme, Staff Engineer, tomorrow 2pm, with Jane Doe, for 30m")

    assert request.duration == timedelta(minutes=30)
    assert request.interviewers == (Interviewer("Jane Doe"),)


@pytest.mark.parametrize("written", ["for 2m", "for 13h", "for 2d"])
def test_interview_length_must_be_between_five_minutes_and_twelve_hours(written: str):
    problem = add_problem(f"Acme, Staff Engineer, tomorrow 2pm, {written}")

    assert "between 5 minutes and 12 hours" in problem


def test_interviewers_are_cleaned_and_deduplicated_keeping_order():
    request = add("Acme, Staff Engineer, tomorrow 2pm, with  Jane Doe., jane doe & (Bob), JANE DOE")

    assert request.interviewers == (Interviewer("Jane Doe"), Interviewer("Bob"))


def test_a_mention_label_with_a_comma_or_and_stays_one_person():
    request = add("Acme, Staff Engineer, tomorrow 2pm, with <@U1|Smith, Jane and co> and Bob")

    assert request.interviewers == (Interviewer("Smith, Jane and co", "U1"), Interviewer("Bob"))


def test_slack_escaped_ampersands_and_links_read_as_typed():
    request = add("R&amp;D Labs, Engineer, tomorrow 2pm, with Jane &amp; <http://bob.dev|Bob>")

    assert request.company == "R&D Labs"
    assert request.interviewers == (Interviewer("Jane"), Interviewer("Bob"))


def test_twenty_interviewers_is_the_limit():
    names = ", ".join(f"Person {n}" for n in range(20))

    assert len(add(f"Acme, Staff Engineer, tomorrow 2pm, with {names}").interviewers) == 20


# --- /interview add: friendly errors ----------------------------------------------------------


def test_a_date_without_a_time_asks_for_the_time():
    problem = add_problem("Acme, Staff Engineer, Dec 3")

    assert "time" in problem
    assert "'Dec 3'" in problem


def test_tomorrow_without_a_time_asks_for_the_time():
    assert "time of day" in add_problem("Acme, Staff Engineer, tomorrow, with Jane")


def test_a_missing_role_is_named():
    assert "role is missing" in add_problem("Acme, tomorrow 2pm")
    assert "role is missing" in add_problem("Acme")
    assert "role is missing" in add_problem("Acme, , tomorrow 2pm")


def test_a_missing_company_is_named():
    assert "company is missing" in add_problem(", Staff Engineer, tomorrow 2pm")


def test_a_missing_time_field_is_named():
    assert "When is the interview" in add_problem("Acme, Staff Engineer")
    assert "When is the interview" in add_problem("Acme, Staff Engineer, with Jane")


def test_gibberish_dates_are_quoted_back():
    assert add_problem("Acme, Staff Engineer, blorp") == (
        "I couldn't tell when the interview is: 'blorp'."
    )
    assert "blorp" in add_problem("Acme, Staff Engineer, blorp 2pm")


@pytest.mark.parametrize("when", ["tomorrow 13pm", "tomorrow 25:00", "tomorrow 9:75"])
def test_impossible_clock_times_are_rejected_rather_than_replaced_by_now(when: str):
    assert "couldn't tell when" in add_problem(f"Acme, Staff Engineer, {when}")


def test_interviews_more_than_a_year_away_are_rejected():
    assert "more than a year away" in add_problem("Acme, Staff Engineer, 2028-01-05 9am")
    assert "more than a year away" in add_problem("Acme, Staff Engineer, 2025-01-05 9am")


def test_more_than_twenty_interviewers_is_too_many():
    names = ", ".join(f"Person {n}" for n in range(21))

    assert "at most 20" in add_problem(f"Acme, Staff Engineer, tomorrow 2pm, with {names}")


def test_a_company_name_over_100_characters_is_too_long():
    assert "company name is too long" in add_problem(f"{'A' * 101}, Engineer, tomorrow 2pm")
    assert add(f"{'A' * 100}, Engineer, tomorrow 2pm").company == "A" * 100


def test_a_role_over_100_characters_is_too_long():
    assert "role is too long" in add_problem(f"Acme, {'R' * 101}, tomorrow 2pm")


def test_an_interviewer_name_over_80_characters_is_too_long():
    assert "too long" in add_problem(f"Acme, Engineer, tomorrow 2pm, with {'N' * 81}")


def test_empty_text_asks_for_the_details():
    assert "company" in add_problem("   ")


def test_an_unreadable_duration_is_named():
    assert "how long" in add_problem("Acme, Staff Engineer, tomorrow 2pm, for 3 fortnights")


def test_warm_up_leaves_later_parses_as_they_would_be_without_it():
    """The warm-up parses at a fixed instant in UTC; nothing of that instant or zone may stay
    behind in what people's own commands give afterwards."""
    text = "Acme, Staff Engineer, next wed 9am for 45m, with Jane Doe"
    before = add(text)
    warm_up()
    after = add(text)
    assert after == before
    assert (after.starts_at, after.duration) == (la(2026, 12, 2, 9, 0), timedelta(minutes=45))


# --- DM replies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done", Reply("done")),
        ("done 2", Reply("done", number=2)),
        ("done #2", Reply("done", number=2)),
        ("Done!", Reply("done")),
        ("  DONE #2.  ", Reply("done", number=2)),
        ("finished 2", Reply("done", number=2)),
        ("skip 3", Reply("skip", number=3)),
        ("skip", Reply("skip")),
        ("snooze 1 2d", Reply("snooze", number=1, snooze_for=timedelta(days=2))),
        ("snooze #1 3h", Reply("snooze", number=1, snooze_for=timedelta(hours=3))),
        ("snooze 1 tomorrow", Reply("snooze", number=1, snooze_until_morning=True)),
        ("snooze", Reply("snooze", snooze_until_morning=True)),
        ("snooze 2", Reply("snooze", number=2, snooze_until_morning=True)),
        ("snooze 2d", Reply("snooze", snooze_for=timedelta(days=2))),
        ("snooze 3 for 1h30", Reply("snooze", number=3, snooze_for=timedelta(minutes=90))),
        ("list", Reply("list")),
        ("ls", Reply("list")),
        ("what's open", Reply("list")),
        ("What’s open?", Reply("list")),
        ("help", Reply("help")),
        ("?", Reply("help")),
        ("Help!", Reply("help")),
    ],
)
def test_replies_to_nudges_are_understood(text: str, expected: Reply):
    assert parse_reply(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "thanks!", "done 2 3", "done 0", "snooze 1 61d", "snooze 1 0m", "snooze 1 blah", "#"],
)
def test_unclear_replies_are_unknown_and_keep_the_text(text: str):
    assert parse_reply(text) == Reply("unknown", text=text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2d", timedelta(days=2)),
        ("3h", timedelta(hours=3)),
        ("30m", timedelta(minutes=30)),
        ("1w", timedelta(weeks=1)),
        ("2 days", timedelta(days=2)),
        ("1h30", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("90 minutes", timedelta(minutes=90)),
        ("an hour", timedelta(hours=1)),
        ("1.5 hours", timedelta(minutes=90)),
        ("half an hour", timedelta(minutes=30)),
        ("an hour and a half", timedelta(minutes=90)),
        ("1 hour and 30 minutes", timedelta(minutes=90)),
    ],
)
def test_durations_people_write_are_understood(text: str, expected: timedelta):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "90", "tomorrow", "1h and", "2 fortnights", "1h75"])
def test_things_that_are_not_durations_give_none(text: str):
    assert parse_duration(text) is None


# --- properties -------------------------------------------------------------------------------

FAST = settings(max_examples=200, deadline=None)

ADD_WORDS = st.sampled_from(
    [
        ",",
        "|",
        " ",
        "with",
        "for",
        "and",
        "&",
        "&amp;",
        "Acme",
        "Staff Engineer",
        "tomorrow",
        "next tue",
        "Dec 3",
        "2pm",
        "13pm",
        "10:30",
        "99:99",
        "noon",
        "45m",
        "1h30",
        "an hour",
        "2026-12-03",
        "<@U123|jane>",
        "<@U456>",
        "<@",
        ">",
        "<",
        "Jane Doe",
        "thursday",
        "9999",
        "2d",
        "\n",
    ]
)


def _check_add(text: str) -> None:
    try:
        request = parse_add(text, now=NOW, tz="America/Los_Angeles")
    except AddInputError as error:
        assert error.problem.strip()
        return
    assert request.company and request.role
    assert request.starts_at.tzinfo == LA
    assert abs(request.starts_at - NOW) <= timedelta(days=365)
    assert timedelta(minutes=5) <= request.duration <= timedelta(hours=12)
    assert len(request.interviewers) <= 20
    assert all(person.name for person in request.interviewers)


@FAST
@given(st.text())
def test_any_text_gives_an_interview_or_a_friendly_problem(text: str):
    _check_add(text)


@FAST
@given(st.lists(ADD_WORDS, max_size=14).map(" ".join))
def test_text_built_from_separators_and_keywords_never_crashes(text: str):
    _check_add(text)


@FAST
@given(st.lists(ADD_WORDS, max_size=14).map("".join))
def test_keywords_run_together_never_crash(text: str):
    _check_add(text)


REPLY_WORDS = st.sampled_from(
    ["done", "skip", "snooze", "#", "2", "0", "99999999", "2d", "for", "tomorrow", "61d", "?", " "]
)


def _check_reply(text: str) -> None:
    reply = parse_reply(text)
    assert reply.verb in REPLY_VERBS
    assert reply.number is None or reply.number >= 1
    if reply.snooze_for is not None:
        assert timedelta() < reply.snooze_for <= MAX_SNOOZE
    if reply.verb == "unknown":
        assert reply.text == text
    if reply.verb == "outcome":
        assert reply.outcome is not None
    if reply.verb == "followed-up":
        assert reply.target.strip()


@FAST
@given(st.text())
def test_any_reply_text_is_understood_or_unknown(text: str):
    _check_reply(text)


@FAST
@given(st.lists(REPLY_WORDS, max_size=6).map(" ".join))
def test_reply_text_built_from_keywords_never_crashes(text: str):
    _check_reply(text)


@FAST
@given(st.text())
def test_parse_duration_never_raises(text: str):
    result = parse_duration(text)
    assert result is None or result >= timedelta()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": "2028-03-01", "time": "14:00"}, "date"),
        ({"date": "2026-11-27", "time": "25:61"}, "time"),
        ({"company": " ", "date": "2026-11-27", "time": "14:00"}, "company"),
        ({"role": "", "date": "2026-11-27", "time": "14:00"}, "role"),
    ],
)
def test_each_add_form_problem_points_at_its_own_field(values: dict, field: str) -> None:
    form = {"company": "Acme", "role": "Engineer", **values}
    with pytest.raises(AddInputError) as problem:
        read_add_form(form, now=NOW, tz="America/Los_Angeles")
    assert form_field_of(str(problem.value)) == field, str(problem.value)


def test_the_persons_own_words_in_a_problem_do_not_decide_the_field() -> None:
    problem = "'the role play on 3 March 2030 2pm' is more than a year away; nothing was saved."
    assert form_field_of(problem) == "date"
