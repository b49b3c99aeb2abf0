"""Many workspaces: installs through Slack's OAuth flow, a token per workspace, departures.

Everything goes over real HTTP to the real Bolt app: the browser's GETs of the install pages
(with the state cookie, as a browser keeps it), Slack's signed POSTs, and the stand-in's
`oauth.v2.access`, which hands each workspace a token of its own and records which token every
Web API call used.
"""

from __future__ import annotations

import html
import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, Bot, BotFactory, eventually, stop

from bot.__main__ import main
from bot.domain.interview import Person
from bot.domain.nudge import NudgeState
from bot.local.signer import BotEndpoint
from bot.local.standin import ApiCall, Message
from bot.slack.blocks import DONE_ACTION

LA = "America/Los_Angeles"
COOKIE = "slack-app-oauth-state"


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    headers: dict[str, list[str]]


def browse(url: str, *, cookie: str | None = None) -> Page:
    """A browser's GET: redirects are not followed, so each page can be looked at."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            status, body, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        with error:
            status, body, headers = error.code, error.read(), error.headers
    found: dict[str, list[str]] = {}
    for key, value in headers.items():
        found.setdefault(key.lower(), []).append(value)
    return Page(status, body.decode("utf-8", "replace"), found)


def base_of(bot: Bot) -> str:
    return bot.endpoint.url.rsplit("/slack/", 1)[0]


def start_install(bot: Bot) -> tuple[str, str]:
    """Open the Add to Slack page: the state in its link, and the cookie the browser keeps."""
    page = browse(f"{base_of(bot)}/slack/install")
    assert page.status == 200
    link = html.unescape(re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page.body)[1])
    state = re.search(r"[?&]state=([^&]+)", link)[1]
    assert f"client_id={CLIENT_ID}" in link
    assert "chat:write" in link
    (set_cookie,) = page.headers["set-cookie"]
    cookie = set_cookie.split(";")[0]
    assert cookie == f"{COOKIE}={state}", "the browser must carry the state it was given"
    assert "HttpOnly" in set_cookie
    return state, cookie


def finish_install(bot: Bot, code: str, state: str, cookie: str | None) -> Page:
    """Slack sends the browser back with a code and the state."""
    return browse(f"{base_of(bot)}/slack/oauth_redirect?code={code}&state={state}", cookie=cookie)


def install(bot: Bot, team: str, user: str) -> str:
    """Install the coach in `team` through the whole flow; the workspace's new bot token."""
    state, cookie = start_install(bot)
    code = bot.standin.oauth.approve(CLIENT_ID, team, user_id=user)
    page = finish_install(bot, code, state, cookie)
    assert page.status == 200, page.body
    token = bot.standin.oauth.tokens(team)[-1]
    installation = bot.store.find_installation(team)
    assert installation is not None and installation.bot_token == token
    return token


@pytest.fixture
def coach(bot_factory: BotFactory) -> Bot:
    return bot_factory(oauth=True)


@pytest.fixture
def two(coach: Bot) -> dict[str, str]:
    """T1 (Ann, U1) and T2 (Bo, U2) installed, both in Los Angeles: team -> token."""
    tokens = {"T1": install(coach, "T1", "U1"), "T2": install(coach, "T2", "U2")}
    for team, user in (("T1", "U1"), ("T2", "U2")):
        coach.standin.set_user(user, tz=LA, team_id=team)
        coach.without_holidays(user, team)
    return tokens


def about(call: ApiCall) -> str | None:
    """The person a Web API call is about: its DM, or the user it opens, looks up or draws."""
    params = call.params
    target = params.get("channel") or params.get("users") or params.get("user")
    target = target or params.get("user_id") or params.get("channel_id")
    if not isinstance(target, str):
        return None
    return target[1:] if target.startswith("D") else target


def tokens_about(bot: Bot, user: str) -> set[str | None]:
    return {call.token for call in bot.standin.calls if about(call) == user}


def done_value(message: Message, number: int) -> str:
    """What the Done button of nudge `number` in a DM message carries."""
    for block in message.blocks:
        if block["type"] == "actions" and block["block_id"] == f"nudge-{number}":
            for element in block["elements"]:
                if element.get("action_id") == DONE_ACTION:
                    return str(element["value"])
    raise AssertionError(f"no Done button for #{number}")


def add_interview(bot: Bot, user: str, team: str, when: str = "today 7am") -> None:
    reply = bot.command(f"add Acme, Engineer, {when}, with Jane Doe", user=user, team=team)
    assert "Acme" in json.dumps(reply)


def uninstall(bot: Bot, team: str, kind: str) -> None:
    """Slack removes the workspace's tokens, then tells the coach, signed as ever."""
    bot.standin.oauth.revoke(team)
    now = int(bot.clock.now().timestamp())
    if kind == "app_uninstalled":
        status, _ = bot.endpoint.app_uninstalled(
            team_id=team, event_id=f"EvUninstall{team}", event_time=now
        )
    else:
        status, _ = bot.endpoint.tokens_revoked(
            team_id=team, event_id=f"EvRevoked{team}", event_time=now, bot=[f"UB{team}"]
        )
    assert status == 200
    assert eventually(lambda: bot.store.workspace_forget_at(team) is not None)


def people_of(bot: Bot, team: str) -> list[Person]:
    return [p for p in bot.store.people() if p.team_id == team]


# -- installing ----------------------------------------------------------------------------------


def test_two_workspaces_install_through_the_browser_flow_each_with_its_own_token(
    coach: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    one = install(coach, "T1", "U1")
    two = install(coach, "T2", "U2")

    assert one != two
    assert coach.store.find_installation("T1").bot_token == one
    assert coach.store.find_installation("T2").bot_user_id == "UBT2"
    assert coach.store.find_installation("T2").installer_user_id == "U2"
    exchanges = coach.standin.calls_to("oauth.v2.access")
    assert len(exchanges) == 2
    assert {call.token for call in exchanges} == {None}, "the code is traded with app credentials"
    for secret in (CLIENT_SECRET, one, two):
        assert secret not in caplog.text


@pytest.mark.parametrize("problem", ["forged", "reused", "no cookie", "other cookie", "expired"])
def test_a_bad_state_is_refused_and_nothing_is_stored(coach: Bot, problem: str) -> None:
    state, cookie = start_install(coach)
    if problem == "forged":
        state = "0a8c5d2e-1111-4222-8333-944455556666"
        cookie = f"{COOKIE}={state}"
    elif problem == "reused":
        first = coach.standin.oauth.approve(CLIENT_ID, "T1")
        assert finish_install(coach, first, state, cookie).status == 200
    elif problem == "no cookie":
        cookie = None
    elif problem == "other cookie":
        cookie = f"{COOKIE}={start_install(coach)[0]}"
    else:
        coach.clock.advance(timedelta(minutes=11))
    code = coach.standin.oauth.approve(CLIENT_ID, "T7")

    page = finish_install(coach, code, state, cookie)

    assert page.status in (400, 401)
    assert coach.store.find_installation("T7") is None
    assert coach.standin.oauth.tokens("T7") == [], "the code was never traded"


def test_a_bad_code_stores_nothing(coach: Bot) -> None:
    state, cookie = start_install(coach)
    page = finish_install(coach, "code-T7-made-up", state, cookie)
    assert page.status == 401
    assert coach.store.find_installation("T7") is None


def test_the_install_pages_take_only_gets_and_every_post_must_be_signed(
    coach: Bot, two: dict[str, str]
) -> None:
    base = base_of(coach)
    assert BotEndpoint(f"{base}/slack/install", "x").post(b"{}", content_type="a/b")[0] == 404
    forger = BotEndpoint(coach.endpoint.url, "not-the-signing-secret")
    now = int(coach.clock.now().timestamp())
    status, _ = forger.app_uninstalled(team_id="T1", event_id="EvForged1", event_time=now)
    assert status == 401
    status, _ = forger.command(
        text="list", user_id="U1", team_id="T1", channel_id="C1", response_url=f"{base}/x"
    )
    assert status == 401
    assert coach.store.find_installation("T1").bot_token == two["T1"]


def test_a_workspace_that_never_installed_gets_no_answer_with_anyones_token(
    coach: Bot, two: dict[str, str]
) -> None:
    before = len(coach.standin.calls)
    status, _ = coach.endpoint.command(
        text="list",
        user_id="U9",
        team_id="T9",
        channel_id="C1",
        response_url=coach.standin.response_url("stranger"),
    )
    assert status == 200
    assert coach.standin.wait_for(lambda s: bool(s.responses("stranger")))
    assert "reinstall" in coach.standin.responses("stranger")[0]["text"].lower()
    assert [c.method for c in coach.standin.calls[before:]] == ["response"]
    assert people_of(coach, "T9") == []


# -- a token per workspace -------------------------------------------------------------------------


def test_each_workspace_is_served_with_its_own_token_only(coach: Bot, two: dict[str, str]) -> None:
    for team, user in (("T1", "U1"), ("T2", "U2")):
        add_interview(coach, user, team)
    coach.advance(timedelta(hours=3))
    for team, user in (("T1", "U1"), ("T2", "U2")):
        nudge_message = next(m for m in coach.dms(user) if m.metadata)
        number = next(n.number for n in coach.nudges(user, team) if n.state == NudgeState.SENT)
        status, _ = coach.click(
            nudge_message, DONE_ACTION, done_value(nudge_message, number), user=user, team=team
        )
        assert status == 200
        assert eventually(
            lambda u=user, t=team, n=number: coach.nudges(u, t)[n - 1].state == NudgeState.DONE
        )
        assert "Acme" in json.dumps(coach.dm("list", user=user, team=team).blocks)
        coach.endpoint.app_home_opened(
            user_id=user,
            team_id=team,
            event_id=f"EvHome{user}",
            event_time=int(coach.clock.now().timestamp()),
        )
    assert coach.standin.wait_for(
        lambda s: {v.get("user_id") for v in s.views()} >= {"U1", "U2"}, timeout=5
    )

    for team, user in (("T1", "U1"), ("T2", "U2")):
        methods = {c.method for c in coach.standin.calls if about(c) == user}
        assert {"chat.postMessage", "chat.update", "users.info", "views.publish"} <= methods
        assert tokens_about(coach, user) == {two[team]}, f"{user} was reached with another token"
    for team in ("T1", "T2"):
        checks = [c for c in coach.standin.calls_with(two[team]) if c.method == "auth.test"]
        assert checks, "requests were authorized with their workspace's token"
        # One at the install, one at the first request; later requests reuse the answer.
        assert len(checks) <= 3, "auth.test is not asked again before every ack"


# -- leaving, and coming back --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_a_workspace_that_leaves_stops_at_once_and_is_forgotten_after_the_grace(
    coach: Bot, two: dict[str, str], kind: str
) -> None:
    for team, user in (("T1", "U1"), ("T2", "U2")):
        add_interview(coach, user, team, when="today 10am")
    assert coach.advance(timedelta(minutes=1)) == 0, "nothing is due before the interviews end"

    uninstall(coach, "T1", kind)
    assert coach.store.find_installation("T1") is None
    assert coach.store.workspace_forget_at("T1") == coach.clock.now() + timedelta(days=30)
    coach.advance(timedelta(hours=3))

    assert [m for m in coach.dms("U2") if m.metadata], "the other workspace goes on"
    assert not [m for m in coach.dms("U1") if m.metadata], "no nudge after the uninstall"
    assert two["T1"] not in coach.standin.tokens_used("chat.postMessage")
    assert "T1" in coach.runtime.services.delivery.stopped_teams()

    coach.clock.advance(timedelta(days=29))
    coach.runtime.scheduler.sweep()
    assert people_of(coach, "T1") == [Person("T1", "U1")], "kept during the grace period"
    assert any(n.rule == "thank-you" for n in coach.nudges("U1", "T1"))

    coach.clock.advance(timedelta(days=1))
    coach.runtime.scheduler.sweep()
    assert people_of(coach, "T1") == []
    assert not (coach.runtime.settings.db_path / "people" / "T1").exists()
    assert coach.store.workspace_forget_at("T1") is None
    assert people_of(coach, "T2") == [Person("T2", "U2")]
    assert coach.nudges("U2", "T2")


def test_after_a_restart_a_workspace_without_installation_is_stopped_not_written_to(
    bot_factory: BotFactory, coach: Bot, two: dict[str, str]
) -> None:
    for team, user in (("T1", "U1"), ("T2", "U2")):
        add_interview(coach, user, team, when="today 10am")
    uninstall(coach, "T1", "app_uninstalled")
    stop(coach)

    again = bot_factory(oauth=True)
    assert again.runtime.services.delivery.stopped_teams() == {}
    again.advance(timedelta(hours=3))

    assert again.runtime.services.delivery.stopped_teams() == {"T1": "not_installed"}
    assert not [m for m in again.dms("U1") if m.metadata]
    assert [m for m in again.dms("U2") if m.metadata]
    assert {n.state for n in again.nudges("U1", "T1")} == {NudgeState.SCHEDULED}


def test_a_reinstall_within_the_grace_keeps_the_data_and_uses_the_new_token(
    coach: Bot, two: dict[str, str]
) -> None:
    add_interview(coach, "U1", "T1", when="tomorrow 10am")
    planned = [n.number for n in coach.nudges("U1", "T1")]
    uninstall(coach, "T1", "app_uninstalled")
    coach.clock.advance(timedelta(days=10))

    new_token = install(coach, "T1", "U1")

    assert new_token != two["T1"]
    assert coach.store.workspace_forget_at("T1") is None
    assert "T1" not in coach.runtime.services.delivery.stopped_teams()
    coach.clock.advance(timedelta(days=25))
    coach.runtime.scheduler.sweep()
    assert [n.number for n in coach.nudges("U1", "T1")] == planned
    assert eventually(lambda: bool([m for m in coach.dms("U1") if m.metadata]), 10)
    assert tokens_about(coach, "U1") - {None} <= {two["T1"], new_token}
    sent_with = {c.token for c in coach.standin.calls_to("chat.postMessage") if about(c) == "U1"}
    assert sent_with == {new_token}


def test_tokens_revoked_for_people_only_leaves_the_workspace_installed(
    coach: Bot, two: dict[str, str]
) -> None:
    now = int(coach.clock.now().timestamp())
    status, _ = coach.endpoint.tokens_revoked(
        team_id="T1", event_id="EvUserTokens", event_time=now, oauth=["U1"]
    )
    assert status == 200
    assert coach.store.find_installation("T1").bot_token == two["T1"]
    assert coach.store.workspace_forget_at("T1") is None


def test_forget_workspace_deletes_its_peoples_data_at_once(
    coach: Bot, two: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    for team, user in (("T1", "U1"), ("T2", "U2")):
        add_interview(coach, user, team, when="tomorrow 10am")
    db: Path = coach.runtime.settings.db_path
    coach.runtime.close()
    monkeypatch.setenv("COACH_DB_PATH", str(db))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)

    assert main(["forget-workspace", "T1"]) == 0

    out = capsys.readouterr().out
    assert "Deleted the data of 1 person of workspace T1" in out
    assert "still has the app installed" in out
    assert not (db / "people" / "T1").exists()
    assert (db / "people" / "T2").exists()


def test_forget_workspace_refuses_a_store_in_use(
    coach: Bot, two: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    add_interview(coach, "U1", "T1", when="tomorrow 10am")
    monkeypatch.setenv("COACH_DB_PATH", str(coach.runtime.settings.db_path))
    assert main(["forget-workspace", "T1"]) == 2
    assert "stop the coach" in capsys.readouterr().err
    assert people_of(coach, "T1") == [Person("T1", "U1")]


def test_with_one_token_an_uninstall_stops_delivery_and_keeps_the_data(bot: Bot) -> None:
    bot.standin.set_user("U1", tz=LA, team_id="T1")
    bot.without_holidays()
    add_interview(bot, "U1", "T1", when="today 10am")
    status, _ = bot.endpoint.app_uninstalled(
        team_id="T1", event_id="EvUninstallOne", event_time=int(bot.clock.now().timestamp())
    )
    assert status == 200
    assert eventually(lambda: "T1" in bot.runtime.services.delivery.stopped_teams())
    bot.advance(timedelta(hours=3))
    assert not [m for m in bot.dms("U1") if m.metadata]
    assert bot.store.workspace_forget_at("T1") is None
    assert people_of(bot, "T1") == [Person("T1", "U1")]
