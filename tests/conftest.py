"""Factory fixtures: a local Slack stand-in, a clock that only moves when told, and the real bot."""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.interview import Person
from bot.local.console import let_time_pass
from bot.local.signer import BotEndpoint
from bot.local.standin import Message, SlackStandIn
from bot.runtime import CoachRuntime, open_coach

RULES = Path(__file__).resolve().parent.parent / "rules"
#: How to run the PostgreSQL tests, told whenever they are skipped.
POSTGRES_HOWTO = (
    "set COACH_TEST_DATABASE_URL to run the PostgreSQL tests, e.g. "
    "COACH_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m pytest ..."
)
#: Thursday 26 Nov 2026, 09:00 in Los Angeles: a fixed "now", never today's date.
START = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
TEAM = "T1"
SECRET = "test-signing-secret"
#: The app's OAuth credentials, for a coach installed through Slack's OAuth flow.
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def standin(clock: ManualClock) -> Iterator[SlackStandIn]:
    """The Slack stand-in, timing calls (and its per-channel limit) on the test's clock."""
    with SlackStandIn(clock=lambda: clock.now().timestamp()) as server:
        yield server


@dataclass
class Bot:
    """The real coach over real HTTP, with helpers that act like a person in Slack."""

    runtime: CoachRuntime
    standin: SlackStandIn
    clock: ManualClock
    endpoint: BotEndpoint
    _events: int = field(default=0)

    @property
    def store(self) -> Any:
        return self.runtime.store

    @property
    def coach(self) -> Any:
        return self.runtime.services.coach

    def command(self, text: str, *, user: str = "U1", team: str = TEAM) -> dict[str, Any]:
        """Send `/interview <text>`; the ephemeral reply, from the ack or the response URL."""
        key = secrets.token_hex(6)
        status, body = self.endpoint.command(
            text=text,
            user_id=user,
            team_id=team,
            channel_id="C1",
            response_url=self.standin.response_url(key),
        )
        assert status == 200, body
        if body.strip():
            return json.loads(body)
        assert self.standin.wait_for(lambda s: bool(s.responses(key))), "no reply came"
        return self.standin.responses(key)[-1]

    def without_holidays(self, user: str = "U1", team: str = TEAM) -> None:
        """For tests not about public holidays: the clock starts on Thanksgiving in the US."""
        reply = self.command("settings country none", user=user, team=team)
        assert "No public holidays" in json.dumps(reply)

    def dm(self, text: str, *, user: str = "U1", team: str = TEAM) -> Message:
        """Write in the bot's DM and return the bot's answer there."""
        before = len(self.standin.messages(f"D{user}"))
        self._events += 1
        status, _ = self.endpoint.message(
            user_id=user,
            team_id=team,
            channel_id=f"D{user}",
            text=text,
            event_id=f"Ev{self._events:06d}{user}",
            ts=f"{self.clock.now().timestamp():.6f}",
            event_time=int(self.clock.now().timestamp()),
        )
        assert status == 200

        def replies(standin: SlackStandIn) -> list[Message]:
            """New messages that answer the person, not nudges delivered meanwhile."""
            return [m for m in standin.messages(f"D{user}")[before:] if not m.metadata]

        assert self.standin.wait_for(lambda s: bool(replies(s)))
        return replies(self.standin)[0]

    def click(
        self, message: Message, action_id: str, value: str, *, user: str = "U1", team: str = TEAM
    ) -> tuple[int, bytes]:
        return self.endpoint.action(
            user_id=user,
            team_id=team,
            channel_id=message.channel,
            message_ts=message.ts,
            action_id=action_id,
            value=value,
            response_url=self.standin.response_url(f"click-{secrets.token_hex(4)}"),
        )

    def press(
        self,
        message: Message,
        label: str,
        *,
        naming: str = "",
        user: str = "U1",
        team: str = TEAM,
    ) -> Any:
        """Press the button of `message` whose label starts with `label` (and names
        `naming`), as the person would; the answer that comes by the response URL."""
        found = [
            element
            for block in message.blocks or []
            if block.get("type") == "actions"
            for element in block.get("elements", [])
            if element.get("type") == "button"
            and element["text"]["text"].startswith(label)
            and naming in element["text"]["text"]
        ]
        assert len(found) == 1, f"no single button {label!r} in {message.blocks}"
        key = f"press-{secrets.token_hex(4)}"
        status, _ = self.endpoint.action(
            user_id=user,
            team_id=team,
            channel_id=message.channel,
            message_ts=message.ts,
            action_id=found[0]["action_id"],
            value=found[0]["value"],
            response_url=self.standin.response_url(key),
        )
        assert status == 200
        assert self.standin.wait_for(lambda s: bool(s.responses(key))), "the press got no answer"
        return self.standin.responses(key)[-1]

    def confirm(self, words: str, company: str, *, user: str = "U1", team: str = TEAM) -> Any:
        """Say an outcome in words in the DM, then press its confirmation for `company`:
        outcomes said in words are only recorded from that button."""
        question = self.dm(words, user=user, team=team)
        return self.press(question, "Yes:", naming=company, user=user, team=team)

    def advance(self, delta: timedelta) -> int:
        """Move time and deliver what came due on the way, as the scheduler would."""
        return let_time_pass(self.runtime, self.clock, delta)

    def nudges(self, user: str = "U1", team: str = TEAM) -> list[Any]:
        with self.store.transaction(Person(team, user)) as book:
            return sorted(book.nudges(), key=lambda n: n.number)

    def dms(self, user: str = "U1") -> list[Message]:
        return self.standin.messages(f"D{user}")


BotFactory = Callable[..., Bot]


def slowed(bot: Bot, user: str = "U7") -> bool:
    """Send `/interview help`; True when the answer is the flood gate's."""
    status, body = bot.endpoint.command(
        text="help",
        user_id=user,
        team_id="T1",
        channel_id="C1",
        response_url=bot.standin.response_url(f"flood-{user}"),
    )
    assert status == 200
    return b"faster than I can keep up" in body


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll until true: the store's writes follow Slack's answers, so they land just after."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def bot_factory(tmp_path: Path, standin: SlackStandIn, clock: ManualClock) -> Iterator[BotFactory]:
    """Start (and restart) the real coach on a temp store; everything is closed afterwards."""
    running: list[CoachRuntime] = []

    def start(
        *,
        rules: Path = RULES,
        db: Path | None = None,
        flood_limit: int = 30,
        database_url: str | None = None,
        oauth: bool = False,
        grace_days: int = 30,
        **more: Any,
    ) -> Bot:
        """`oauth`: installed through Slack's OAuth flow, with no bot token of its own;
        `more`: other settings (feed_key, feed_networks)."""
        credentials: dict[str, Any] = {"bot_token": "xoxb-test"}
        if oauth:
            standin.oauth.register(CLIENT_ID, CLIENT_SECRET)
            credentials = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        settings = Settings(
            database_url=database_url,
            flood_limit=flood_limit,
            signing_secret=SECRET,
            api_url=standin.base_url,
            port=0,
            db_path=db or tmp_path / "store",
            rules_path=rules,
            uninstall_grace_days=grace_days,
            **credentials,
            **more,
        )
        runtime = open_coach(settings, clock)
        running.append(runtime)
        server = runtime.serve_http(host="127.0.0.1")
        endpoint = BotEndpoint(
            url=f"{server.url}/slack/events",
            signing_secret=SECRET,
        )
        return Bot(runtime, standin, clock, endpoint)

    yield start
    for runtime in running:
        runtime.close()


@pytest.fixture
def bot(bot_factory: BotFactory) -> Bot:
    return bot_factory()


def stop(bot: Bot) -> None:
    """Stop a bot as a restart would, so another can open the same store."""
    bot.runtime.close()


@pytest.fixture
def postgres_url() -> str:
    """The test server from COACH_TEST_DATABASE_URL: skipped when unset, failed when down."""
    url = os.environ.get("COACH_TEST_DATABASE_URL", "").strip()
    if not url:
        pytest.skip(POSTGRES_HOWTO)
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        pytest.fail(f"COACH_TEST_DATABASE_URL is set but the server cannot be used: {error}")
    return url


SchemaFactory = Callable[[], str]


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[SchemaFactory]:
    """Makes fresh empty schemas on the test server; every one is dropped afterwards."""
    import psycopg
    from psycopg import sql

    made: list[str] = []

    def make() -> str:
        name = f"coach_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        made.append(name)
        return name

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in made:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
