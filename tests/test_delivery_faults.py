"""Slack misbehaving (429s, 500s, dropped and lost answers) and many hands at once."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from conftest import Bot, eventually

from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.domain.timing import zone
from bot.local.standin import FaultPlan, SlackStandIn
from bot.slack.blocks import DONE_ACTION

USERS = ("U1", "U2", "U3", "U4")


def marks_posted(standin: SlackStandIn, user: str) -> list[str]:
    """Every nudge mark in the order the person's DM received them."""
    marks: list[str] = []
    for message in standin.messages(f"D{user}"):
        if message.metadata:
            marks.extend(message.metadata["event_payload"]["nudges"])
    return marks


def sent_marks(bot: Bot, user: str) -> set[str]:
    return {n.mark for n in bot.nudges(user) if n.state == NudgeState.SENT}


@pytest.fixture
def busy_bot(bot: Bot) -> Bot:
    """Four people in different zones, each with two interviews' worth of nudges."""
    zones = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "America/New_York")
    for user, tz in zip(USERS, zones, strict=True):
        bot.standin.set_user(user, tz=tz, team_id="T1")
        bot.without_holidays(user)
        bot.command("add Acme, Engineer, yesterday 4pm, with Jane Doe and Bob Smith", user=user)
        bot.command("add Globex, Analyst, tomorrow 11am, with Ann Lee", user=user)
    return bot


def test_every_nudge_arrives_once_and_in_order_despite_slack_faults(busy_bot: Bot) -> None:
    standin = busy_bot.standin
    methods = frozenset({"chat.postMessage", "conversations.open", "conversations.history"})
    standin.faults = FaultPlan(
        rate_429=0.1, retry_after=0, rate_500=0.1, rate_drop=0.1, rate_lost=0.1,
        methods=methods, seed=11,
    )  # fmt: skip

    for _ in range(12 * 24):
        busy_bot.advance(timedelta(hours=1))

    assert all(standin.stats[kind] > 0 for kind in ("429", "500", "drop", "lost"))
    for user in USERS:
        nudges = [
            n
            for n in busy_bot.nudges(user)
            if n.due_at <= busy_bot.clock.now() and n.state != NudgeState.CANCELLED
        ]
        assert len(nudges) >= 8 and all(n.state == NudgeState.SENT for n in nudges), user
        posted = marks_posted(standin, user)
        assert Counter(posted).most_common(1)[0][1] == 1, f"{user} got a nudge twice"
        assert set(posted) == sent_marks(busy_bot, user)
        due_order = [n.due_at for n in sorted(nudges, key=lambda n: posted.index(n.mark))]
        assert due_order == sorted(due_order), f"{user}'s nudges arrived out of order"


def test_a_send_whose_answer_was_lost_is_found_in_the_dm_not_sent_again(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.standin.fail_next("chat.postMessage", "lost")
    bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    assert eventually(lambda: any(n.attempts for n in bot.nudges()), 10)

    for _ in range(5):
        bot.advance(timedelta(seconds=30))

    assert len(bot.standin.messages("DU1")) == 1
    sent = [n for n in bot.nudges() if n.state == NudgeState.SENT]
    assert sent and {n.message_ts for n in sent} == {bot.standin.messages("DU1")[0].ts}
    assert bot.standin.calls_to("conversations.history"), "delivery looked before resending"


def test_a_failed_send_stays_due_and_is_retried_not_dropped(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.standin.fail_next("chat.postMessage", "500", count=2)
    bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    assert eventually(lambda: any(n.attempts for n in bot.nudges()), 10)

    for _ in range(10):
        bot.advance(timedelta(minutes=1))

    assert len(bot.standin.calls_to("chat.postMessage")) == 3
    assert len(bot.standin.messages("DU1")) == 1
    sent = [n for n in bot.nudges() if n.state == NudgeState.SENT]
    assert {n.rule for n in sent} == {"thank-you"}
    assert all(n.attempts == 2 for n in sent), "both failures were recorded, none dropped"


def test_parallel_clicks_and_adds_while_delivering_lose_nothing(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    for user in USERS:
        bot.standin.set_user(user, tz="America/Los_Angeles", team_id="T1")
        bot.without_holidays(user)
        bot.command("add Acme, Engineer, today 7am, with Jane Doe and Bob Smith", user=user)
    assert bot.standin.wait_for(lambda s: all(s.messages(f"D{u}") for u in USERS), timeout=20)
    caplog.set_level(logging.ERROR)
    statuses: list[int] = []
    stop = threading.Event()

    def deliver_forever() -> None:
        while not stop.is_set():
            bot.advance(timedelta(minutes=7))

    def person(user: str, hour: int) -> None:
        for round_number in range(6):
            text = f"add Co{round_number}, Role, today {hour}am, with Al Bo"
            reply = bot.command(text, user=user)
            statuses.append(200 if "Saved" in str(reply) else 500)
            message = bot.standin.messages(f"D{user}")[0]
            for block in message.blocks:
                if block["type"] == "actions":
                    value = block["elements"][0]["value"]
                    status, _ = bot.click(message, DONE_ACTION, value, user=user)
                    statuses.append(status)

    deliverer = threading.Thread(target=deliver_forever)
    deliverer.start()
    workers = [threading.Thread(target=person, args=(u, h)) for u in USERS for h in (7, 8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    stop.set()
    deliverer.join(60)

    assert statuses and set(statuses) == {200}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    for user in USERS:
        with bot.store.transaction(Person("T1", user)) as book:
            companies = Counter(i.company for i in book.interviews())
            numbers = sorted(n.number for n in book.nudges())
        assert companies["Acme"] == 1
        assert all(companies[f"Co{r}"] == 2 for r in range(6)), companies
        assert numbers == list(range(1, len(numbers) + 1)), "numbers stay unique and dense"
        posted = marks_posted(bot.standin, user)
        assert len(posted) == len(set(posted)), "no nudge was sent twice"


def test_a_backlog_for_one_person_is_paced_to_slacks_per_channel_rate(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.standin.faults = FaultPlan(per_channel_limit=True)
    bot.runtime.scheduler.stop()
    for company in ("Acme", "Globex", "Initech", "Umbrella"):
        bot.command(f"add {company}, Engineer, Nov 10 at 9am, with Jane Doe and Bob Smith")

    delivered = bot.runtime.services.delivery.deliver_due(wait_for_all=True)
    assert len(bot.standin.messages("DU1")) == 1, "the next message waits for the channel"
    for _ in range(10):
        delivered += bot.advance(timedelta(seconds=1))

    messages = bot.standin.messages("DU1")
    assert delivered == sum(len(m.metadata["event_payload"]["nudges"]) for m in messages) > 20
    assert len(messages) >= 3
    assert bot.standin.stats.get("429", 0) == 0, "paced, not refused"
    posts = [c.at for c in bot.standin.calls_to("chat.postMessage")]
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(posts)), "on the clock"


# -- one person's trouble never strands or delays anyone else's nudges ------------------------

LA = "America/Los_Angeles"


def _two_people_due(bot: Bot, *users: str) -> None:
    for user in users:
        bot.standin.set_user(user, tz=LA, team_id="T1")
        bot.without_holidays(user)
        bot.command("add Acme, Engineer, today 7am, with Jane Doe", user=user)


def _stuck(bot: Bot, user: str) -> list:
    return [n for n in bot.nudges(user) if n.state == NudgeState.SENDING]


def _quiet_scheduler(bot: Bot) -> None:
    """Stop the real scheduler so a test decides when delivery runs."""
    bot.runtime.scheduler.stop()


def test_a_retry_after_given_as_an_http_date_holds_back_only_that_person(bot: Bot) -> None:
    from email.utils import format_datetime

    _quiet_scheduler(bot)
    _two_people_due(bot, "UA", "UB")
    in_20s = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    bot.standin.fail_next("chat.postMessage", "429", channel="UA", retry_after=in_20s)

    bot.runtime.services.delivery.deliver_due(wait_for_all=True)

    assert marks_posted(bot.standin, "UB"), "B is not held up by A's rate limit"
    assert not marks_posted(bot.standin, "UA")
    assert _stuck(bot, "UA") == [] and _stuck(bot, "UB") == [], "nothing is left sending"
    retry = {n.retry_at for n in bot.nudges("UA") if n.retry_at is not None}
    (moment,) = retry
    assert timedelta(seconds=15) <= moment - bot.clock.now() <= timedelta(seconds=21)
    assert bot.advance(timedelta(seconds=10)) == 0, "not before the date Slack named"
    bot.advance(timedelta(seconds=15))
    assert marks_posted(bot.standin, "UA") == marks_posted(bot.standin, "UB"), "then once"


def test_a_person_whose_file_cannot_be_written_does_not_stop_delivery_to_others(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import errno
    import os

    from bot.storage import journal

    _quiet_scheduler(bot)
    _two_people_due(bot, "UA", "UB")

    def refuse_a(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("/UA.log"):
            raise OSError(errno.EIO, "Input/output error")
        return os.write(fd, data)

    monkeypatch.setattr(journal, "raw_write", refuse_a)
    with caplog.at_level(logging.ERROR):
        bot.runtime.services.delivery.deliver_due(wait_for_all=True)

    assert marks_posted(bot.standin, "UB")
    assert not marks_posted(bot.standin, "UA")
    assert any("T1/UA" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    monkeypatch.undo()
    assert _stuck(bot, "UA") == [], "the failed claim never reached the disk"
    bot.advance(timedelta(seconds=31))
    assert marks_posted(bot.standin, "UA") == marks_posted(bot.standin, "UB"), (
        "A comes back by itself, once"
    )


def test_a_send_interrupted_by_a_crash_is_checked_in_the_dm_even_when_held_till_morning(
    bot: Bot,
) -> None:
    from dataclasses import replace

    from bot.domain.nudge import Nudge, start_sending

    _quiet_scheduler(bot)
    tokyo = Person("T1", "UT")
    bot.standin.set_user("UT", tz="Asia/Tokyo", team_id="T1")
    bot.without_holidays("UT")
    bot.command("add Acme, Engineer, yesterday 1pm, with Jane Doe", user="UT")
    an_hour_ago = bot.clock.now() - timedelta(hours=1)
    with bot.store.transaction(tokyo) as book:
        waiting: list[Nudge] = [n for n in book.waiting_nudges() if n.rule == "thank-you"]
        crashed = [start_sending(replace(n, due_at=an_hour_ago), "a crashed run") for n in waiting]
        book.save_nudges(crashed)
        numbers = {n.number for n in crashed}
    assert numbers

    bot.runtime.services.delivery.deliver_due(wait_for_all=True)  # 02:00 in Tokyo

    held = [n for n in bot.nudges("UT") if n.number in numbers]
    assert {n.state for n in held} == {NudgeState.SCHEDULED}
    assert all(n.unsure for n in held), "they may have reached Slack: check first"
    morning = bot.store.next_due_at()
    assert morning is not None and morning.astimezone(zone("Asia/Tokyo")).hour == 9
    bot.advance(morning - bot.clock.now())
    assert bot.standin.calls_to("conversations.history"), "looked in the DM before sending"
    posted = Counter(marks_posted(bot.standin, "UT"))
    assert all(posted[n.mark] == 1 for n in held), "each sent once"


def test_a_rejection_a_forget_and_a_remove_win_over_a_pass_already_running(bot: Bot) -> None:
    _quiet_scheduler(bot)
    for user in ("UF", "UR", "UX", "UK"):
        bot.standin.set_user(user, tz=LA, team_id="T1")
        bot.without_holidays(user)
        bot.command("add Initech, Engineer, today 7am, with Jane Doe", user=user)
        bot.standin.fail_next("conversations.open", "hang", channel=user)
    delivery = bot.runtime.services.delivery
    runner = threading.Thread(target=delivery.deliver_due, kwargs={"wait_for_all": True})
    runner.start()
    assert bot.standin.wait_for(lambda s: len(s.calls_to("conversations.open")) == 4)

    confirm = bot.command("forget", user="UF")
    value = next(b for b in confirm["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    status, _ = bot.endpoint.action(
        user_id="UF", team_id="T1", channel_id="DUF", message_ts="1.0",
        action_id="forget_everything", value=value,
        response_url=bot.standin.response_url("forget"),
    )  # fmt: skip
    assert status == 200
    assert "sorry" in str(bot.command("status initech rejected", user="UR")).lower()
    assert bot.command("remove 1", user="UX")["blocks"]
    assert bot.coach.remove_interview(Person("T1", "UX"), 1).company == "Initech"

    bot.standin.release_hangs()
    runner.join(30)

    assert marks_posted(bot.standin, "UF") == [], "nothing after forget"
    assert marks_posted(bot.standin, "UX") == [], "nothing after remove"
    rejected = bot.nudges("UR")
    assert not [n for n in rejected if n.rule == "thank-you" and n.state == NudgeState.SENT]
    assert not any("Thank Jane" in json.dumps(m.blocks) for m in bot.standin.messages("DUR"))
    assert marks_posted(bot.standin, "UK"), "the person who changed nothing got theirs"


def test_one_hanging_dm_does_not_delay_anyone_else_by_more_than_a_second(bot: Bot) -> None:
    _quiet_scheduler(bot)
    _two_people_due(bot, "UA", "UB")
    bot.standin.fail_next("chat.postMessage", "hang", channel="UA")
    began = time.monotonic()

    bot.runtime.services.delivery.deliver_due()

    assert bot.standin.wait_for(lambda s: bool(marks_posted(s, "UB")), timeout=1.5)
    assert time.monotonic() - began < 1.5
    bot.standin.release_hangs()
    bot.runtime.services.delivery.deliver_due(wait_for_all=True)


def test_a_rate_limit_is_a_time_to_try_again_not_a_sleep(bot: Bot) -> None:
    _quiet_scheduler(bot)
    _two_people_due(bot, "UA", "UB")
    bot.standin.fail_next("chat.postMessage", "429", channel="UA", retry_after="10")
    began = time.monotonic()

    bot.runtime.services.delivery.deliver_due(wait_for_all=True)

    assert time.monotonic() - began < 1.5, "nobody slept for Retry-After"
    assert marks_posted(bot.standin, "UB") and not marks_posted(bot.standin, "UA")
    assert bot.advance(timedelta(seconds=8)) == 0
    assert bot.advance(timedelta(seconds=2)) == len(marks_posted(bot.standin, "UB")) >= 1


def test_a_person_slack_cannot_reach_is_parked_until_they_come_back(bot: Bot) -> None:
    _quiet_scheduler(bot)
    _two_people_due(bot, "UA", "UB")
    bot.standin.fail_next("chat.postMessage", "user_not_found", channel="UA")

    bot.runtime.services.delivery.deliver_due(wait_for_all=True)
    for _ in range(6):
        bot.advance(timedelta(hours=1))

    posts_to_a = [
        c for c in bot.standin.calls_to("chat.postMessage") if c.params["channel"] == "DUA"
    ]
    assert len(posts_to_a) == 1, "no retries every 30 minutes for ever"
    assert bot.coach.profile(Person("T1", "UA")).delivery_parked == "user_not_found"
    exported = json.loads(bot.coach.export(Person("T1", "UA")))
    assert exported["profile"]["delivery_parked"] == "user_not_found"
    assert marks_posted(bot.standin, "UB")

    bot.dm("list", user="UA")
    bot.advance(timedelta(minutes=1))
    assert bot.coach.profile(Person("T1", "UA")).delivery_parked is None
    assert marks_posted(bot.standin, "UA") == marks_posted(bot.standin, "UB"), "resumed"


def test_a_workspace_whose_token_stopped_working_stops_loudly_and_alone(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    _quiet_scheduler(bot)
    bot.standin.set_user("UZ", tz=LA, team_id="T2")
    bot.without_holidays("UZ", team="T2")
    bot.command("add Acme, Engineer, today 7am, with Jane Doe", user="UZ", team="T2")
    _two_people_due(bot, "UA")
    bot.standin.fail_next("conversations.open", "invalid_auth", channel="UZ")

    with caplog.at_level(logging.CRITICAL):
        bot.runtime.services.delivery.deliver_due(wait_for_all=True)
    calls = len(bot.standin.calls)
    for _ in range(4):
        bot.advance(timedelta(hours=1))

    loud = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert loud and "T2" in loud[0].getMessage() and "invalid_auth" in loud[0].getMessage()
    assert bot.runtime.services.delivery.stopped_teams() == {"T2": "invalid_auth"}
    touching_t2 = [c for c in bot.standin.calls[calls:] if "UZ" in json.dumps(c.params)]
    assert touching_t2 == [], "nothing more is tried for that workspace"
    assert marks_posted(bot.standin, "UA"), "other workspaces go on"
    assert {n.state for n in bot.nudges("UZ", team="T2")} <= {
        NudgeState.SCHEDULED,
        NudgeState.CANCELLED,
    }, "kept, not dropped"


def test_nudges_due_now_go_out_within_a_second_while_another_dm_hangs(bot: Bot) -> None:
    """The real scheduler, no manual delivery: a wake-up is never lost to a running pass."""
    bot.standin.set_user("UA", tz=LA, team_id="T1")
    bot.without_holidays("UA")
    bot.standin.fail_next("chat.postMessage", "hang", channel="UA")
    bot.command("add Acme, Engineer, today 7am, with Jane Doe", user="UA")
    assert bot.standin.wait_for(lambda s: bool(s.calls_to("chat.postMessage")), timeout=2)

    for user in ("UB", "UC", "UD"):
        bot.standin.set_user(user, tz=LA, team_id="T1")
        bot.without_holidays(user)
        began = time.monotonic()
        bot.command("add Globex, Analyst, today 6am, with Ann Lee", user=user)
        assert bot.standin.wait_for(lambda s, u=user: bool(marks_posted(s, u)), timeout=1.5)
        assert time.monotonic() - began < 1.5
    bot.standin.release_hangs()
