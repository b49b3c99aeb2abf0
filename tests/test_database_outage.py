"""While PostgreSQL refuses connections every request is answered within Slack's 3 s, /readyz
says so, and the coach carries on by itself once the database is back."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from conftest import Bot, BotFactory, eventually

from bot.domain.interview import Person
from bot.local.tcp_relay import TcpRelay
from bot.storage.postgres_schema import schema_url

LA = "America/Los_Angeles"
SLACK_LIMIT = 3.0


def through(url: str, port: int) -> str:
    """`url` with its server replaced by the relay on `port`."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


def probe(bot: Bot, path: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{bot.runtime.url}{path}", timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


def timed(call: Callable[[], Any]) -> tuple[float, str]:
    started = time.monotonic()
    result = call()
    text = result.text if hasattr(result, "text") else json.dumps(result)
    return time.monotonic() - started, text


def test_while_the_database_refuses_connections_every_request_is_answered_and_it_recovers(
    bot_factory: BotFactory, postgres_url: str, postgres_schema: Callable[[], str]
) -> None:
    server = urlsplit(postgres_url)
    with TcpRelay((server.hostname or "127.0.0.1", server.port or 5432)) as relay:
        url = schema_url(through(postgres_url, relay.port), postgres_schema())
        bot = bot_factory(database_url=url, flood_limit=100)
        for user in ("U1", "U2", "U3"):
            bot.standin.set_user(user, tz=LA, team_id="T1")
            bot.without_holidays(user=user)
        assert "Acme" in json.dumps(bot.command("add Acme, Engineer, tomorrow 2pm, with Jane"))
        assert probe(bot, "/readyz")[0] == 200

        relay.cut()
        answers: list[tuple[float, str]] = []
        asks: list[Callable[[], Any]] = []
        for user in ("U1", "U2", "U3"):
            asks += [
                lambda user=user: bot.command("list", user=user),
                lambda user=user: bot.command("add Globex, Engineer, tomorrow 3pm", user=user),
                lambda user=user: bot.command("status acme rejected", user=user),
            ]
        asks.append(lambda: bot.dm("done 1", user="U1"))
        crowd = [
            threading.Thread(target=lambda ask=ask: answers.append(timed(ask))) for ask in asks
        ]
        for thread in crowd:
            thread.start()
        for thread in crowd:
            thread.join(15)
        assert len(answers) == len(asks), "some requests got no answer at all"
        slowest = max(took for took, _ in answers)
        assert slowest < SLACK_LIMIT, f"a request waited {slowest:.2f} s for the database"
        assert all("reach my storage" in text for _, text in answers), answers
        for _ in range(3):  # and again, now that the outage is known: at once
            took, text = timed(lambda: bot.command("list", user="U2"))
            assert took < 1.0 and "reach my storage" in text, (took, text)
        status, took = probe(bot, "/readyz")
        assert status == 503 and took < 1.0, (status, took)
        assert probe(bot, "/healthz")[0] == 200, "the process itself is alive"

        relay.restore()
        assert eventually(lambda: probe(bot, "/readyz")[0] == 200, timeout=5), "never ready again"
        took, text = timed(lambda: bot.command("add Globex, Engineer, tomorrow 3pm", user="U2"))
        assert took < 1.0 and "Globex" in text, (took, text)
        with bot.store.transaction(Person("T1", "U2")) as book:
            assert [i.company for i in book.interviews()] == ["Globex"]
        with bot.store.transaction(Person("T1", "U1")) as book:
            assert [i.company for i in book.interviews()] == ["Acme"], "nothing saved meanwhile"


def test_after_the_servers_connections_are_cut_the_coach_carries_on_without_a_restart(
    bot_factory: BotFactory, postgres_url: str, postgres_schema: Callable[[], str]
) -> None:
    """As after a database restart: every connection the pool held is gone at once."""
    schema = postgres_schema()
    bot = bot_factory(database_url=schema_url(postgres_url, schema), flood_limit=100)
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    assert "Acme" in json.dumps(bot.command("add Acme, Engineer, tomorrow 2pm, with Jane"))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        cut = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name LIKE 'interview-coach%%' AND datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    assert cut is not None and cut[0] >= 1, "no connection of the coach was found to cut"
    answers = [timed(lambda: bot.command("list")) for _ in range(4)]
    assert max(took for took, _ in answers) < SLACK_LIMIT, answers
    failed = [text for _, text in answers if "Acme" not in text]
    assert len(failed) <= 1, f"more than the first request failed: {failed}"
    took, text = timed(lambda: bot.command("add Globex, Engineer, tomorrow 3pm, with Ann"))
    assert "Globex" in text and took < 1.0, (took, text)
