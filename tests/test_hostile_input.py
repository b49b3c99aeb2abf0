"""Hostile and broken input: a corpus of bad requests over real HTTP, isolation, privacy."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import SECRET, Bot, BotFactory

from bot.domain.interview import Person
from bot.local.signer import (
    FORM_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    BotEndpoint,
    block_action_body,
    message_event_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)
from bot.slack.blocks import DONE_ACTION, FORGET_ACTION, OUTCOME_ACTION, REMOVE_ACTION

PEOPLE = [f"U{n}" for n in range(1, 9)]
DANGEROUS = ("<!channel>", "<!here>", "<!everyone>", "<@U", "<http", "<#C")


def store_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "store.lock":
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Case:
    name: str
    send: Callable[[Bot], tuple[int, bytes]]
    statuses: tuple[int, ...]
    says: str = ""


def command(text: str, user: str = "U1", team: str = "T1") -> bytes:
    return slash_command_body(
        text=text, user_id=user, team_id=team, channel_id="C1", response_url="http://x.invalid/"
    )


def raw(body: bytes, content_type: str = FORM_CONTENT_TYPE, **headers: str):
    def send(bot: Bot) -> tuple[int, bytes]:
        return bot.endpoint.post(body, content_type=content_type, extra_headers=headers or None)

    return send


def signed_with(secret: str, body: bytes, *, timestamp: int | None = None, **extra: str):
    def send(bot: Bot) -> tuple[int, bytes]:
        stamp = int(time.time()) if timestamp is None else timestamp
        headers = signed_headers(secret, body, timestamp=stamp, content_type=FORM_CONTENT_TYPE)
        headers.update(extra)
        return bot.endpoint.post(body, content_type=FORM_CONTENT_TYPE, extra_headers=headers)

    return send


def click(action_id: str, value: str, user: str, *, selected: bool = False):
    def send(bot: Bot) -> tuple[int, bytes]:
        body = block_action_body(
            user_id=user,
            team_id="T1",
            channel_id=f"D{user}",
            message_ts="1700000000.000100",
            action_id=action_id,
            value=value,
            response_url=bot.standin.response_url(f"forged-{action_id}-{value}-{user}"),
            selected=selected,
        )
        return bot.endpoint.post(body, content_type=FORM_CONTENT_TYPE)

    return send


def payload(data: object):
    return raw(b"payload=" + quote(json.dumps(data)).encode())


def event(data: object):
    return raw(json.dumps(data).encode(), JSON_CONTENT_TYPE)


def corpus() -> list[Case]:
    cases: list[Case] = []
    body = command("list")
    now = int(time.time())
    bad_signatures = {
        "wrong secret": signed_with("not-the-secret", body),
        "tampered body": lambda bot: bot.endpoint.post(
            body + b"&x=1",
            content_type=FORM_CONTENT_TYPE,
            extra_headers=signed_headers(
                SECRET, body, timestamp=now, content_type=FORM_CONTENT_TYPE
            ),
        ),
        "no signature": signed_with(SECRET, body, **{"X-Slack-Signature": ""}),
        "signature v1": signed_with(SECRET, body, **{"X-Slack-Signature": "v1=00"}),
        "signature garbage": signed_with(SECRET, body, **{"X-Slack-Signature": "v0=zz"}),
        "timestamp words": signed_with(SECRET, body, **{"X-Slack-Request-Timestamp": "soon"}),
        "timestamp empty": signed_with(SECRET, body, **{"X-Slack-Request-Timestamp": ""}),
        "timestamp negative": signed_with(SECRET, body, **{"X-Slack-Request-Timestamp": "-5"}),
        "signature for another body": lambda bot: bot.endpoint.post(
            command("add Evil, Boss, tomorrow 2pm"),
            content_type=FORM_CONTENT_TYPE,
            extra_headers=signed_headers(
                SECRET, body, timestamp=now, content_type=FORM_CONTENT_TYPE
            ),
        ),
        "empty secret": signed_with("", body),
    }
    cases += [Case(f"signature: {n}", s, (401,)) for n, s in bad_signatures.items()]
    for minutes in (6, 10, 30, 60, 600, 60 * 24, 60 * 24 * 365):
        cases.append(
            Case(
                f"replay {minutes} min old",
                signed_with(SECRET, body, timestamp=now - 60 * minutes),
                (401,),
            )
        )
    for minutes in (6, 60, 60 * 24):
        cases.append(
            Case(
                f"from {minutes} min ahead",
                signed_with(SECRET, body, timestamp=now + 60 * minutes),
                (401,),
            )
        )
    malformed = {
        "payload not json": raw(b"payload=notjson"),
        "payload list": payload([1, 2]),
        "payload number": payload(7),
        "payload null": payload(None),
        "actions missing user": payload({"type": "block_actions", "actions": [{"value": "U1:1"}]}),
        "actions user not object": payload({"type": "block_actions", "user": "U1", "actions": []}),
        "actions not list": payload(
            {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "actions": "x"}
        ),
        "actions empty": payload(
            {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "actions": []}
        ),
        "view without state": payload(
            {"type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T1"}, "view": {}}
        ),
        "view values list": payload(
            {
                "type": "view_submission",
                "user": {"id": "U1"},
                "team": {"id": "T1"},
                "view": {"state": {"values": []}},
            }
        ),
        "command without user": raw(b"command=%2Finterview&team_id=T1&text=list"),
        "command without team": raw(b"command=%2Finterview&user_id=U1&text=list"),
        "command user path": raw(command("list", user="../../etc")),
        "command user lower": raw(command("list", user="u1; drop")),
        "event not json": raw(b"{not json", JSON_CONTENT_TYPE),
        "event no event": event({"type": "event_callback", "event_id": "Ev1"}),
        "event is list": event({"type": "event_callback", "event_id": "Ev2", "event": [1]}),
        "message text list": event(
            {
                "type": "event_callback",
                "event_id": "Ev3",
                "team_id": "T1",
                "event": {"type": "message", "channel_type": "im", "user": "U1", "text": ["x"]},
            }
        ),
        "message user number": event(
            {
                "type": "event_callback",
                "event_id": "Ev4",
                "team_id": "T1",
                "event": {"type": "message", "channel_type": "im", "user": 5, "text": "done"},
            }
        ),
        "command user with a trailing newline": raw(command("list", user="U1\n")),
        "command team with a trailing newline": raw(command("list", team="T1\n")),
        "home opened by a path": event(
            {
                "type": "event_callback",
                "event_id": "Ev5",
                "team_id": "T1",
                "event": {"type": "app_home_opened", "user": "../../etc", "tab": "home"},
            }
        ),
        "home opened with a newline": event(
            {
                "type": "event_callback",
                "event_id": "Ev6",
                "team_id": "T1",
                "event": {"type": "app_home_opened", "user": "U1\n", "tab": "home"},
            }
        ),
        "event team with a newline": event(
            {
                "type": "event_callback",
                "event_id": "Ev7",
                "team_id": "T1\n",
                "event": {"type": "message", "channel_type": "im", "user": "U1", "text": "list"},
            }
        ),
        "deeply nested event": raw(
            b'{"type":"event_callback","event":' + b"[" * 50_000 + b"]" * 50_000 + b"}",
            JSON_CONTENT_TYPE,
        ),
        "deeply nested payload": raw(b"payload=" + b"%5B" * 50_000 + b"%5D" * 50_000),
        "not utf-8": raw(b"\xff\xfe\xfd"),
        "empty body": raw(b""),
        "huge body": raw(b"x" * 1_500_000),
    }
    cases += [Case(f"malformed: {n}", s, (400, 404, 413)) for n, s in malformed.items()]
    forged = [
        click(DONE_ACTION, "U2:1", "U3"),
        click(DONE_ACTION, "U1:1", "U2"),
        click(DONE_ACTION, "U1:999999", "U2"),
        click(DONE_ACTION, ":1", "U2"),
        click(DONE_ACTION, "U1:-1", "U2"),
        click(DONE_ACTION, "U1:1:2:3", "U2"),
        click(DONE_ACTION, "U1:1e3", "U2"),
        click(DONE_ACTION, "", "U2"),
        click(REMOVE_ACTION, "U1:1", "U2"),
        click(FORGET_ACTION, "U1", "U2"),
        click(OUTCOME_ACTION, "U1:1:rejected", "U2", selected=True),
        click(OUTCOME_ACTION, "U1:1:hired", "U1", selected=True),
        click("nudge_snooze_choice", "U1:1:later", "U2", selected=True),
        click("nudge_snooze_choice", "U1:1:forever", "U1", selected=True),
        click("nudge_skip", "U1:1", "U4"),
    ]
    cases += [
        Case(f"forged click {n}", s, (200,), "isn't one of yours") for n, s in enumerate(forged)
    ]
    injections = [
        "status <!channel> rejected",
        "status <!here|here> offer",
        "status <@U2> rejected",
        "status <http://evil.example|click me> rejected",
        "expect <!everyone> dec 12",
        "followed-up <#C123|general>",
        "edit 1 colour <!channel>",
        "edit 99 company <!here>",
        "remove <!channel>",
        "remove 99",
        "add <!channel>",
        "add <!channel>, <@U2>",
        "add &lt;!channel&gt;, role",
        "add Acme, <!here>, <!channel> o'clock",
        "settings days <!channel>",
        "settings hours <@U2>",
        "pause <!channel>",
        "<!channel>",
        "status &amp;lt;!here&amp;gt; rejected",
        "expect " + "<!here> " * 50,
    ]
    payloads = (
        "<!channel>",
        "<@U2|boss>",
        "<https://evil.example|login>",
        "&lt;!here&gt;",
        "<!subteam^S1>",
    )
    for verb in ("status {} rejected", "expect {} dec 12", "followed-up {}", "edit 99 role {}"):
        injections += [verb.format(text) for text in payloads]
    cases += [
        Case(f"injection {n}: {text[:30]}", raw(command(text, user=PEOPLE[n % 8])), (200,))
        for n, text in enumerate(injections)
    ]
    oversized = [
        "add " + "A" * 5000 + ", Dev, tomorrow 2pm",
        "add Acme, " + "R" * 3000 + ", tomorrow 2pm",
        "add Acme, Dev, tomorrow 2pm, with " + ", ".join(f"P{n}" for n in range(40)),
        "add Acme, Dev, tomorrow 2pm, with " + "N" * 500,
        "add Acme, Dev, " + "tomorrow " * 200 + "2pm",
        "status " + "x" * 20_000 + " rejected",
        "edit 1 role " + "R" * 5000,
        "expect acme " + "dec 12 " * 500,
        "settings hours " + "9" * 1000 + "-18",
        "x" * 50_000,
    ]
    cases += [
        Case(f"oversized {n}", raw(command(text, user=PEOPLE[n % 8])), (200,))
        for n, text in enumerate(oversized)
    ]
    return cases


@pytest.fixture
def populated(bot: Bot) -> Bot:
    for user in PEOPLE:
        bot.standin.set_user(user, tz="America/Los_Angeles", team_id="T1")
        bot.command("add Acme, Engineer, tomorrow 2pm, with Jane Doe", user=user)
    return bot


def test_a_corpus_of_hostile_requests_is_refused_or_answered_and_changes_nothing(
    populated: Bot, tmp_path: Path
) -> None:
    cases = corpus()
    assert len(cases) >= 100
    before = store_fingerprint(tmp_path / "store")
    problems = []
    for case in cases:
        status, reply = case.send(populated)
        if status not in case.statuses:
            problems.append(f"{case.name}: HTTP {status}")
        if b"Traceback" in reply:
            problems.append(f"{case.name}: a traceback in the reply")
        shown = reply.decode("utf-8", "replace")
        if status == 200 and any(danger in shown for danger in DANGEROUS):
            problems.append(f"{case.name}: {shown[:200]}")
    time.sleep(0.5)
    for response in populated.standin.responses():
        text = json.dumps(response)
        if any(danger in text for danger in DANGEROUS):
            problems.append(f"a response URL post: {text[:200]}")
    refusals = json.dumps(populated.standin.responses())
    assert refusals.count("isn't one of yours") >= 13
    assert problems == []
    assert store_fingerprint(tmp_path / "store") == before


def test_dm_words_with_injections_are_answered_escaped(populated: Bot) -> None:
    for words in ("<!channel> rejected", "followed up with <!here>", "<@U2|boss> offer"):
        answer = populated.dm(words)
        shown = json.dumps(answer.blocks) + (answer.text or "")
        assert not any(danger in shown for danger in DANGEROUS), shown


def test_two_workspaces_and_several_people_never_see_each_other(bot_factory: BotFactory) -> None:
    bot = bot_factory()
    people = [Person("T1", "U1"), Person("T1", "U2"), Person("T2", "U1"), Person("T2", "U9")]
    for n, person in enumerate(people):
        bot.standin.set_user(person.user_id, tz="UTC", team_id=person.team_id)
        bot.command(
            f"add Company{n}, Role{n}, tomorrow 2pm, with Person{n}",
            user=person.user_id,
            team=person.team_id,
        )

    for n, person in enumerate(people):
        listing = json.dumps(bot.command("list", user=person.user_id, team=person.team_id))
        assert f"Company{n}" in listing
        assert all(f"Company{m}" not in listing for m in range(len(people)) if m != n)
        with bot.store.transaction(person) as book:
            assert [i.company for i in book.interviews()] == [f"Company{n}"]

    bot.command("status company0 rejected", user="U1", team="T2")
    with bot.store.transaction(people[0]) as book:
        assert not book.processes()[0].closed, "T2's U1 cannot close T1's U1's process"
    files = sorted(p.relative_to(bot.store.root) for p in bot.store.root.rglob("*.log"))
    assert [str(f) for f in files] == [
        "people/T1/U1.log",
        "people/T1/U2.log",
        "people/T2/U1.log",
        "people/T2/U9.log",
    ]


def test_export_sends_all_my_data_and_forget_deletes_it_after_a_confirm(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="Europe/Paris", team_id="T1")
    bot.command("add Acme, Engineer, tomorrow 2pm, with Jane Doe and Bob Smith")

    assert "Sending a file with all your data" in json.dumps(bot.command("export"))
    assert bot.standin.wait_for(lambda s: bool(s.files()), timeout=10)
    exported = json.loads(bot.standin.files()[0]["content"])
    assert exported["person"] == {"team_id": "T1", "user_id": "U1"}
    assert exported["time_zone"] == "Europe/Paris"
    assert exported["profile"]["tz"] == "Europe/Paris", "the profile is one object"
    (interview,) = exported["interviews"]
    assert interview["company"] == "Acme"
    assert interview["starts_at"] == "2026-11-27T14:00:00+01:00", "in the person's own time"
    assert interview["interviewers"] == [{"name": "Jane Doe"}, {"name": "Bob Smith"}]
    assert len(exported["nudges"]) >= 5
    assert all(n["due_at"].endswith("+01:00") for n in exported["nudges"])
    assert b"null" not in bot.standin.files()[0]["content"], "empty fields are left out"

    confirm = bot.command("forget")
    button = next(b for b in confirm["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == FORGET_ACTION
    assert bot.coach.interview(Person("T1", "U1"), 1) is not None, "nothing before the confirm"
    status, _ = bot.endpoint.action(
        user_id="U1",
        team_id="T1",
        channel_id="C1",
        message_ts="1.0",
        action_id=FORGET_ACTION,
        value=button["value"],
        response_url=bot.standin.response_url("forget"),
    )
    assert status == 200
    assert bot.coach.interview(Person("T1", "U1"), 1) is None
    assert not list((bot.store.root / "people" / "T1").glob("U1.*"))
    bot.advance(timedelta(days=30))
    assert bot.standin.messages("DU1") == [], "no nudge of a forgotten person is ever sent"


def test_tokens_and_secrets_never_reach_the_logs(
    standin, tmp_path: Path, caplog: pytest.LogCaptureFixture, clock
) -> None:
    from bot.config import Settings
    from bot.runtime import open_coach

    token, secret = "xoxb-9999-very-secret-token", "signing-secret-0123456789"
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        bot_token=token,
        signing_secret=secret,
        api_url=standin.base_url,
        port=0,
        db_path=tmp_path / "store",
    )
    runtime = open_coach(settings, clock)
    try:
        server = runtime.serve_http(host="127.0.0.1")
        endpoint = BotEndpoint(f"{server.url}/slack/events", secret)
        standin.set_user("U1", tz="UTC", team_id="T1")
        endpoint.command(
            text="add Acme, Dev, today 10am, with Jane",
            user_id="U1",
            team_id="T1",
            channel_id="C1",
            response_url=standin.response_url("k"),
        )
        endpoint.message(
            user_id="U1",
            team_id="T1",
            channel_id="DU1",
            text="list",
            event_id="E1",
            ts="1.0",
            event_time=1,
        )
        endpoint.post(command("list"), content_type=FORM_CONTENT_TYPE)
        assert standin.wait_for(lambda s: len(s.messages("DU1")) >= 2, timeout=10)
        logging.getLogger("bot").info("Settings: %s", settings)
    finally:
        runtime.close()
    assert caplog.records, "logs were captured"
    assert token not in caplog.text
    assert secret not in caplog.text


def test_view_submission_with_hostile_values_is_refused_inline(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="UTC", team_id="T1")
    body = view_submission_body(
        user_id="U1",
        team_id="T1",
        callback_id="interview_add",
        state_values={"company": {"value": {"value": ["not", "text"]}}},
    )
    status, reply = bot.endpoint.post(body, content_type=FORM_CONTENT_TYPE)
    assert status == 200
    assert json.loads(reply)["response_action"] == "errors"
    assert bot.nudges() == []


def test_an_event_naming_someone_else_is_answered_in_their_own_dm_only(bot: Bot) -> None:
    body = message_event_body(
        user_id="U2",
        team_id="T1",
        channel_id="DU2",
        text="list",
        event_id="EvX",
        ts="1.0",
        event_time=1,
    )
    assert bot.endpoint.event(body)[0] == 200
    assert bot.standin.wait_for(lambda s: bool(s.messages("DU2")))
    assert bot.standin.messages("DU1") == []


def test_the_export_keeps_what_undo_would_restore_in_readable_form(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="Asia/Tokyo", team_id="T1")
    bot.command("add Acme, Engineer, tomorrow 2pm, with Jane Doe")
    bot.coach.remove_interview(Person("T1", "U1"), 1)

    bot.command("export")
    assert bot.standin.wait_for(lambda s: bool(s.files()), timeout=10)
    exported = json.loads(bot.standin.files()[0]["content"])

    assert exported["interviews"] == []
    (step,) = exported["undo"]
    assert step["at"].endswith("+09:00")
    (kept,) = step["before"]["interviews"]["restores"]
    assert kept["company"] == "Acme" and kept["interviewers"] == [{"name": "Jane Doe"}]
