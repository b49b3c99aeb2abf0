"""Weekdays as people write them: every spelling, with and without `next` and `this`, read
the same way for every day of the week, in every zone, and echoed back with their weekday.

`<day>` is the coming one (today included); `next <day>` is that day in the next calendar
week, weeks running Monday to Sunday. The clock starts on Thursday 26 Nov 2026 at 09:00 in
Los Angeles, so next week runs from Mon 30 Nov to Sun 6 Dec.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import Bot
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import WEEKDAY_NAMES, WEEKDAY_SPELLINGS, read_day_of_month, read_week
from bot.domain.interview import Person
from bot.domain.parsing import AddInputError, parse_add, prefill_from_text

LA = "America/Los_Angeles"
ME = Person("T1", "U1")
#: Thursday 26 Nov 2026.
TODAY = date(2026, 11, 26)


@pytest.fixture
def la_bot(bot: Bot) -> Bot:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    return bot


def shown(reply: dict) -> str:
    return json.dumps(reply, ensure_ascii=False)


def stored_start(bot: Bot) -> datetime:
    with bot.store.transaction(ME) as book:
        (interview,) = book.interviews()
    return interview.starts_at.astimezone(ZoneInfo(LA))


def test_the_newcomers_sentence_is_saved_and_the_reply_echoes_the_day(la_bot: Bot) -> None:
    reply = shown(
        la_bot.command("add Initech, Product Manager, next wed 9am for 45m, with Carlos Mendes")
    )

    assert "Saved *Initech* · Product Manager" in reply
    # Next week runs Mon 30 Nov to Sun 6 Dec: its Wednesday is Wed 2 Dec, the coming one too.
    assert "Wed 2 Dec, 09:00–09:45" in reply
    assert "`next wed` is Wed 2 Dec" in reply, "the reply says how `next` was read"
    assert "the Wednesday of next week (weeks run Monday to Sunday)" in reply
    assert stored_start(la_bot) == datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo(LA))


def test_next_friday_on_a_thursday_says_which_day_friday_alone_would_be(la_bot: Bot) -> None:
    reply = shown(la_bot.command("add Initech, Product Manager, next fri 9am"))

    assert "Fri 4 Dec, 09:00" in reply
    assert "`next fri` is Fri 4 Dec" in reply
    assert "`fri` alone would be Fri 27 Nov" in reply


@pytest.mark.parametrize(
    ("when", "day"),
    [
        ("next sat 10am", date(2026, 12, 5)),
        ("next sun 10am", date(2026, 12, 6)),
        ("next thurs 10am", date(2026, 12, 3)),
        ("next weds 10am", date(2026, 12, 2)),
        ("Next THUR at 10am", date(2026, 12, 3)),
        ("next Monday 10am", date(2026, 11, 30)),
        ("this tues 10am", date(2026, 12, 1)),
        ("sat 10am", date(2026, 11, 28)),
        ("thu 10am", date(2026, 11, 26)),
    ],
)
def test_every_spelling_of_a_weekday_is_saved(la_bot: Bot, when: str, day: date) -> None:
    reply = shown(la_bot.command(f"add Initech, Product Manager, {when}"))

    assert "Saved *Initech*" in reply, reply
    assert stored_start(la_bot) == datetime.combine(day, datetime.min.time(), ZoneInfo(LA)).replace(
        hour=10
    )
    assert f"{day:%a} {day.day} {day:%b}, 10:00" in reply


def test_on_a_thursday_next_friday_and_next_thursday_are_both_in_next_week(la_bot: Bot) -> None:
    friday = shown(la_bot.command("add Initech, Product Manager, next fri 9am"))
    thursday = shown(la_bot.command("add Globex, Analyst, next thu 9am"))

    assert "Fri 4 Dec, 09:00" in friday, "the Friday of next week, not tomorrow"
    assert "Thu 3 Dec, 09:00" in thursday, "a week today"


#: Thursday 3 Dec 2026, 10:00 in Los Angeles: next week runs Mon 7 to Sun 13 Dec.
THURSDAY_3_DEC = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
#: Sunday 6 Dec 2026, 10:00 in Los Angeles: next week starts tomorrow.
SUNDAY_6_DEC = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "when", "day"),
    [
        (THURSDAY_3_DEC, "next mon", date(2026, 12, 7)),
        (THURSDAY_3_DEC, "next wed", date(2026, 12, 9)),
        (THURSDAY_3_DEC, "next thu", date(2026, 12, 10)),
        (THURSDAY_3_DEC, "next fri", date(2026, 12, 11)),
        (THURSDAY_3_DEC, "next sun", date(2026, 12, 13)),
        (THURSDAY_3_DEC, "mon", date(2026, 12, 7)),
        (THURSDAY_3_DEC, "thu", date(2026, 12, 3)),
        (THURSDAY_3_DEC, "fri", date(2026, 12, 4)),
        (THURSDAY_3_DEC, "this sun", date(2026, 12, 6)),
        (SUNDAY_6_DEC, "next mon", date(2026, 12, 7)),
        (SUNDAY_6_DEC, "next sun", date(2026, 12, 13)),
        (SUNDAY_6_DEC, "sun", date(2026, 12, 6)),
    ],
)
def test_next_is_the_day_in_next_calendar_week(now: datetime, when: str, day: date) -> None:
    request = parse_add(f"Acme, Staff Engineer, {when} 9am", now=now, tz=LA)

    assert request.starts_at.astimezone(ZoneInfo(LA)).date() == day


def test_a_weekday_that_does_not_fit_the_date_is_questioned(la_bot: Bot) -> None:
    reply = shown(la_bot.command("add Initech, Product Manager, wed dec 10 9am"))

    assert "Nothing was saved" in reply
    assert "Thu 10 Dec" in reply and "Wednesday" in reply


def test_the_form_after_a_failed_parse_keeps_everything_understood(la_bot: Bot) -> None:
    reply = shown(
        la_bot.command("add Initech, Product Manager, next wed for 45m, with Carlos Mendes")
    )

    assert "Nothing was saved" in reply and "time of day" in reply
    assert la_bot.standin.wait_for(lambda s: bool(s.views()))
    view = la_bot.standin.views()[-1]["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["company"]["element"]["initial_value"] == "Initech"
    assert blocks["role"]["element"]["initial_value"] == "Product Manager"
    assert blocks["date"]["element"]["initial_date"] == "2026-12-02"
    assert blocks["duration"]["element"]["initial_option"]["value"] == "45"
    assert blocks["interviewers"]["element"]["initial_value"] == "Carlos Mendes"
    assert "hint" in blocks["time"]


def test_a_length_the_form_does_not_list_is_offered_as_typed() -> None:
    now = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    prefill = prefill_from_text("Initech, Product Manager, next wed 25:00 for 50m", now=now, tz=LA)

    assert prefill["duration"] == "50"
    assert prefill["date"] == "2026-12-02"
    assert "time" not in prefill, "25:00 is no time of day"


# --- the rule, for every today, weekday, spelling and zone ---------------------------------------

ZONES = (
    "America/Los_Angeles",  # summer time, far west
    "America/St_Johns",  # half-hour offset with summer time
    "Europe/London",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # a half-hour summer-time change
    "Pacific/Auckland",  # summer time in the southern summer
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
    "Asia/Kathmandu",  # UTC+05:45
    "UTC",
)
PREFIXES = ("", "this ", "on ", "this coming ", "next ", "on next ")
TIMES = (("9am", (9, 0)), ("14:30", (14, 30)), ("2:30am", (2, 30)), ("12:15am", (0, 15)))
SPELLINGS = [(day, spelling) for day, names in enumerate(WEEKDAY_SPELLINGS) for spelling in names]
#: Every today of two years, at any minute of the day, in the person's own zone.
LOCAL_NOW = st.builds(
    lambda day, minute: (
        datetime.combine(date(2026, 1, 1) + timedelta(days=day), datetime.min.time())
        + timedelta(minutes=minute)
    ),
    st.integers(0, 730),
    st.integers(0, 24 * 60 - 1),
)


def _cased(spelling: str, choice: int) -> str:
    return (spelling, spelling.upper(), spelling.title(), spelling[:1] + spelling[1:].upper())[
        choice
    ]


def _when(prefix: str, spelling: str, clock: str) -> str:
    return f"{prefix}{spelling} {clock}"


@settings(max_examples=3000, deadline=None)
@given(
    local_now=LOCAL_NOW,
    zone_name=st.sampled_from(ZONES),
    spelled=st.sampled_from(SPELLINGS),
    other=st.integers(0, 10),
    case=st.integers(0, 3),
    prefix=st.sampled_from(PREFIXES),
    clock=st.sampled_from(TIMES),
)
def test_a_weekday_means_one_date_for_every_today_spelling_and_zone(
    local_now: datetime,
    zone_name: str,
    spelled: tuple[int, str],
    other: int,
    case: int,
    prefix: str,
    clock: tuple[str, tuple[int, int]],
) -> None:
    zone = ZoneInfo(zone_name)
    now = local_now.replace(tzinfo=zone).astimezone(UTC)
    today = now.astimezone(zone).date()
    weekday, spelling = spelled
    written, (hour, minute) = clock

    def start(words: str) -> tuple[datetime, str]:
        request = parse_add(f"Acme, Staff Engineer, {words}", now=now, tz=zone_name)
        return request.starts_at.astimezone(zone), request.remark

    starts_at, remark = start(_when(prefix, _cased(spelling, case), written))

    ahead = (starts_at.date() - today).days
    this_monday = today - timedelta(days=today.weekday())
    assert starts_at.weekday() == weekday
    if "next" in prefix:
        assert 1 <= ahead <= 13, "next <day> is never today"
        assert (starts_at.date() - this_monday).days // 7 == 1, "next <day> is in next week"
        label = f"{starts_at:%a} {starts_at.day} {starts_at:%b}"
        assert f"` is {label}: the {WEEKDAY_NAMES[weekday]} of next week" in remark, remark
    else:
        assert 0 <= ahead <= 6, "<day> is the coming one, today included"
    if (starts_at.hour, starts_at.minute) != (hour, minute):
        assert "does not exist" in remark, "only a clock time summer time skips may move"
        assert starts_at.date() - today == timedelta(days=ahead)
    # One meaning: every spelling of the day agrees; `next <day>` is `<day>` when the coming
    # one already falls in next week, else the same day a week after it.
    names = WEEKDAY_SPELLINGS[weekday]
    same_day = names[other % len(names)]
    assert start(_when(prefix, same_day, written))[0] == starts_at
    plain, _ = start(_when("", spelling, written))
    following, _ = start(_when("next ", spelling, written))
    assert following.date() == this_monday + timedelta(weeks=1, days=weekday)
    in_next_week = plain.date() >= this_monday + timedelta(weeks=1)
    assert following.date() - plain.date() == timedelta(weeks=0 if in_next_week else 1)


def test_a_weekday_without_a_time_asks_for_the_time() -> None:
    now = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    with pytest.raises(AddInputError) as caught:
        parse_add("Acme, Staff Engineer, next weds", now=now, tz=LA)
    assert "time of day" in caught.value.problem


@pytest.mark.parametrize(
    ("reply", "day"),
    [
        ("remind me next mon", date(2026, 12, 7)),
        ("remind me next fri", date(2026, 12, 11)),
        ("remind me fri", date(2026, 12, 4)),
        ("remind me on thursday", date(2026, 12, 10)),
    ],
)
def test_a_reply_putting_an_item_off_to_a_weekday_reads_it_the_same_way(
    reply: str, day: date
) -> None:
    from test_replies_corpus import SITUATION, WORDS  # Thursday 3 Dec 2026 in Los Angeles

    from bot.domain.understanding import understand

    meant = understand(reply, SITUATION, WORDS)

    assert (meant.intent, meant.items, meant.snooze_until) == ("snooze", (12,), day)


# --- a day of the month alone: the next one, today included ----------------------------------


@pytest.mark.parametrize(
    ("when", "day"),
    [
        ("the 10th 2pm", date(2026, 12, 10)),
        ("10th at 2pm", date(2026, 12, 10)),
        ("on the 2nd at 9am", date(2027, 1, 2)),
        ("the 3rd 4pm", date(2026, 12, 3)),
        ("the 31st 9am", date(2026, 12, 31)),
    ],
)
def test_a_day_of_the_month_alone_is_the_next_such_day(when: str, day: date) -> None:
    request = parse_add(f"Acme, Staff Engineer, {when}", now=THURSDAY_3_DEC, tz=LA)

    assert request.starts_at.astimezone(ZoneInfo(LA)).date() == day


@settings(max_examples=500, deadline=None)
@given(today=st.dates(date(2026, 1, 1), date(2028, 12, 31)), day=st.integers(1, 31))
def test_a_day_of_the_month_is_the_first_date_with_that_day_from_today_on(
    today: date, day: int
) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")

    found = read_day_of_month(f"by the {day}{suffix}", today)

    assert found is not None and found.day == day and found >= today
    skipped = (today + timedelta(days=n) for n in range((found - today).days))
    assert all(d.day != day for d in skipped), "no earlier date from today on has that day"


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("next week", date(2026, 12, 11)),
        ("by the end of next week", date(2026, 12, 11)),
        ("early next week", date(2026, 12, 7)),
        ("mid next week", date(2026, 12, 9)),
        ("this week", date(2026, 12, 4)),
        ("end of the week", date(2026, 12, 4)),
        ("start of this week", date(2026, 12, 3)),
        ("the week", None),
    ],
)
def test_a_week_named_as_a_deadline_is_its_friday_or_the_part_named(
    words: str, day: date | None
) -> None:
    """On Thursday 3 Dec: "they'll decide next week" means by Fri 11 Dec; a part of this
    week already gone is today."""
    assert read_week(words, date(2026, 12, 3)) == day
