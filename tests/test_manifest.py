"""The app manifest: valid for Slack's "create from manifest", with the scopes the bot uses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from conftest import Bot, eventually
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.config import DEFAULT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())

#: The bot scope each Web API method the coach calls needs (from Slack's method docs).
SCOPE_OF = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "conversations.open": "im:write",
    "conversations.history": "im:history",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "views.publish": None,
    "views.open": None,
    "auth.test": None,
    "response": None,
}


def test_the_track_this_interview_shortcut_is_a_message_shortcut_the_app_answers() -> None:
    from bot.slack.capture_blocks import TRACK_SHORTCUT

    (shortcut,) = MANIFEST["features"]["shortcuts"]
    assert shortcut["type"] == "message"
    assert shortcut["name"] == "Track this interview"
    assert shortcut["callback_id"] == TRACK_SHORTCUT
    assert len(shortcut["description"]) <= 80


def test_the_manifest_has_what_slack_requires_and_people_need() -> None:
    display = MANIFEST["display_information"]
    assert display["name"] == "Interview Coach"
    assert 175 <= len(display["long_description"]) <= 4000
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/interview"
    assert "add" in command["usage_hint"]
    assert command["should_escape"] is True, "mentions arrive as <@U123|name>"
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False, "people must be able to reply"
    settings = MANIFEST["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "message.im",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert home["home_tab_enabled"] is True


def test_the_scopes_are_exactly_those_the_bot_uses(bot: Bot) -> None:
    bot.standin.set_user("U1", tz="America/Los_Angeles", team_id="T1")
    bot.without_holidays("U1")
    bot.standin.fail_next("chat.postMessage", "lost")
    bot.command("add Acme, Engineer, today 7am, with Jane Doe")
    assert eventually(lambda: any(n.attempts for n in bot.nudges()), 10)
    bot.advance(timedelta(minutes=5))
    bot.dm("done")
    bot.command("calendar")
    assert bot.standin.wait_for(lambda s: bool(s.files()), timeout=10)
    shared = bot.standin.share_file("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    bot.endpoint.file_share(
        user_id="U1",
        team_id="T1",
        channel_id="DU1",
        files=[shared],
        event_id="EvShare1",
        ts="1700000000.000200",
        event_time=1700000000,
    )
    assert bot.standin.wait_for(lambda s: bool(s.calls_to("files.info")), timeout=10)

    used = {SCOPE_OF[call.method] for call in bot.standin.calls} - {None}
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert used | {"commands"} == declared


def test_an_install_asks_for_the_manifests_scopes_and_comes_back_to_bolts_redirect_path() -> None:
    assert list(DEFAULT_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]
    (redirect,) = MANIFEST["oauth_config"]["redirect_urls"]
    default_path = OAuthSettings(client_id="1.2", client_secret="s").redirect_uri_path
    assert redirect.startswith("https://")
    assert redirect.endswith(default_path)
    assert MANIFEST["settings"]["token_rotation_enabled"] is False, "rotation is not handled"
    assert MANIFEST["settings"]["org_deploy_enabled"] is False, "org-wide installs are not"
