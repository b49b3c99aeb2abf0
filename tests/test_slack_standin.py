"""Tests for the Slack Web API stand-in and the signed request builders, over real HTTP."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.signer import (
    BotEndpoint,
    block_action_body,
    message_event_body,
    signed_headers,
    slack_signature,
    slash_command_body,
    view_submission_body,
)
from bot.local.standin import FaultPlan, Message, SlackStandIn

FAST = FixedValueRetryIntervalCalculator(0.01)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


def client_for(standin: SlackStandIn, *handlers, token: str = "xoxb-test") -> WebClient:
    return WebClient(
        token=token, base_url=standin.base_url, timeout=5, retry_handlers=list(handlers)
    )


def test_post_message_and_update_change_the_recorded_message(standin):
    client = client_for(standin)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*"}}]
    first = client.chat_postMessage(channel="D1", text="hello", blocks=blocks)
    second = client.chat_postMessage(channel="D1", text="again", thread_ts=first["ts"])
    assert first["ok"] and first["channel"] == "D1"
    assert first["ts"] < second["ts"]
    assert first["message"]["blocks"] == blocks

    client.chat_update(channel="D1", ts=first["ts"], text="edited")

    stored = standin.messages("D1")
    assert [m.ts for m in stored] == [first["ts"], second["ts"]]
    assert stored[0].text == "edited" and stored[0].updated
    assert stored[0].blocks == blocks  # omitted blocks are kept, as Slack does
    assert [v.text for v in stored[0].history] == ["hello"]
    assert stored[1].thread_ts == first["ts"] and not stored[1].updated

    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="D1", ts="1.000000", text="x")
    assert missing.value.response["error"] == "message_not_found"


def test_blocks_as_json_string_in_a_form_body_are_decoded(standin):
    client = client_for(standin)
    blocks = [{"type": "divider"}]
    client.api_call(
        "chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps(blocks)}
    )
    assert standin.messages("C1")[0].blocks == blocks


def test_post_message_errors(standin):
    client = client_for(standin)
    with pytest.raises(SlackApiError) as no_text, pytest.warns(UserWarning):
        client.chat_postMessage(channel="C1")
    assert no_text.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as no_channel:
        client.api_call("chat.postMessage", params={"text": "x"})
    assert no_channel.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("chat.nope")
    assert unknown.value.response["error"] == "unknown_method"
    assert standin.messages() == []


def test_conversations_open_is_stable(standin):
    client = client_for(standin)
    first = client.conversations_open(users="U1")["channel"]["id"]
    again = client.conversations_open(users=["U1"])["channel"]["id"]
    assert first == again == "DU1"
    assert client.conversations_open(users="U2")["channel"]["id"] == "DU2"


def test_users_info_reports_tz_only_when_set(standin):
    client = client_for(standin)
    standin.set_user("U1", tz="Europe/Berlin", name="ada")
    user = client.users_info(user="U1")["user"]
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] in (3600, 7200)
    assert user["name"] == "ada" and user["team_id"] == "T0001"

    unknown = client.users_info(user="U2")["user"]
    assert unknown["id"] == "U2"
    assert "tz" not in unknown and "tz_offset" not in unknown


def test_auth_test_and_bad_tokens(standin):
    assert client_for(standin).auth_test()["user_id"] == "UBOT"
    with pytest.raises(SlackApiError) as bad:
        client_for(standin, token="xoxp-not-a-bot").chat_postMessage(channel="C1", text="x")
    assert bad.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as none:
        WebClient(base_url=standin.base_url).auth_test()
    assert none.value.response["error"] == "not_authed"
    assert standin.messages() == []


def test_429_is_raised_without_retry_handlers_and_not_applied(standin):
    standin.faults = FaultPlan(retry_after=0)
    standin.fail_next("chat.postMessage", "429")
    with pytest.raises(SlackApiError) as limited:
        client_for(standin).chat_postMessage(channel="C1", text="nudge")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "0"
    assert limited.value.response["error"] == "ratelimited"
    assert standin.messages() == []
    assert standin.stats == {"429": 1}
    assert [c.fault for c in standin.calls_to("chat.postMessage")] == ["429"]


def test_429_with_rate_limit_handler_delivers_exactly_once(standin):
    standin.faults = FaultPlan(retry_after=0)
    standin.fail_next("chat.postMessage", "429")
    client = client_for(standin, RateLimitErrorRetryHandler(max_retry_count=2))
    assert client.chat_postMessage(channel="C1", text="nudge")["ok"]
    assert [m.text for m in standin.messages("C1")] == ["nudge"]
    assert len(standin.calls_to("chat.postMessage")) == 2


def test_500_is_retried_and_delivered_exactly_once(standin):
    standin.fail_next("chat.postMessage", "500")
    with pytest.raises(SlackApiError) as failed:
        client_for(standin).chat_postMessage(channel="C1", text="x")
    assert failed.value.response.status_code == 500

    standin.fail_next("chat.postMessage", "500", count=2)
    client = client_for(
        standin, ServerErrorRetryHandler(max_retry_count=2, interval_calculator=FAST)
    )
    client.chat_postMessage(channel="C1", text="nudge")
    assert [m.text for m in standin.messages("C1")] == ["nudge"]
    assert standin.stats == {"500": 3}


def test_dropped_connection_is_retried_and_delivered_exactly_once(standin):
    standin.fail_next("chat.postMessage", "drop")
    with pytest.raises(OSError):
        client_for(standin).chat_postMessage(channel="C1", text="x")

    standin.fail_next("chat.postMessage", "drop")
    handler = ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=FAST)
    client_for(standin, handler).chat_postMessage(channel="C1", text="nudge")
    assert [m.text for m in standin.messages("C1")] == ["nudge"]
    assert standin.stats == {"drop": 2}


def test_fail_next_with_a_slack_error_string(standin):
    standin.fail_next("conversations.open", "user_not_found")
    with pytest.raises(SlackApiError) as failed:
        client_for(standin).conversations_open(users="U1")
    assert failed.value.response.status_code == 200
    assert failed.value.response["error"] == "user_not_found"
    assert standin.stats == {"error": 1}


def test_random_faults_are_repeatable_and_never_applied(standin):
    def run() -> tuple[list[str | None], int]:
        standin.reset()
        standin.faults = FaultPlan(rate_429=0.3, rate_500=0.2, rate_drop=0.1, seed=7)
        client = client_for(standin)
        for i in range(30):
            with contextlib.suppress(SlackApiError, OSError):
                client.chat_postMessage(channel="C1", text=f"m{i}")
        return [c.fault for c in standin.calls], len(standin.messages())

    faults, delivered = run()
    assert run() == (faults, delivered)
    assert delivered == faults.count(None)
    assert {"429", "500", "drop"} <= set(faults)


def test_per_channel_limit_gives_429_within_a_second(standin):
    standin.faults = FaultPlan(per_channel_limit=True)
    client = client_for(standin)
    client.chat_postMessage(channel="C1", text="one")
    client.chat_postMessage(channel="C2", text="other channel")
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="two")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert [m.text for m in standin.messages("C1")] == ["one"]


def test_file_upload_round_trip(standin):
    export = json.dumps({"interviews": [{"company": "Acme"}]}).encode()
    client = client_for(standin)
    result = client.files_upload_v2(
        channel="D1", filename="export.json", content=export, initial_comment="Your export"
    )
    assert result["file"]["name"] == "export.json"
    [stored] = standin.files()
    assert stored["channel"] == "D1" and stored["initial_comment"] == "Your export"
    assert json.loads(stored["content"]) == {"interviews": [{"company": "Acme"}]}


def test_views_are_recorded(standin):
    client = client_for(standin)
    view = {"type": "modal", "callback_id": "log", "title": {"type": "plain_text", "text": "x"}}
    opened = client.views_open(trigger_id="t1", view=view)["view"]
    client.views_update(view_id=opened["id"], view=view)
    client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert [(v["method"], v["view"]["type"]) for v in standin.views()] == [
        ("views.open", "modal"),
        ("views.update", "modal"),
        ("views.publish", "home"),
    ]
    assert standin.views()[2]["user_id"] == "U1"


def test_watchers_see_views_and_files_before_the_call_returns(standin):
    views: list[dict] = []
    files: list[dict] = []
    standin.on_view = views.append
    standin.on_file = files.append
    client = client_for(standin)
    client.views_open(trigger_id="t1", view={"type": "modal", "callback_id": "add", "blocks": []})
    assert [(v["method"], v["view"]["callback_id"]) for v in views] == [("views.open", "add")]
    client.files_upload_v2(channel="D1", filename="a.ics", content=b"BEGIN", initial_comment="c")
    assert [(f["name"], f["content"], f["initial_comment"]) for f in files] == [
        ("a.ics", b"BEGIN", "c")
    ]
    files[0]["content"] = b"changed"
    assert standin.files()[0]["content"] == b"BEGIN", "watchers get copies"


def test_ephemeral_is_kept_apart(standin):
    client = client_for(standin)
    ts = client.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    assert standin.ephemerals("C1")[0]["ts"] == ts
    assert standin.messages() == []


def test_response_url_posts_and_on_message(standin):
    seen: list[Message] = []
    standin.on_message = seen.append
    url = standin.response_url("cmd-1")
    assert (
        WebhookClient(url).send(text="working on it", response_type="ephemeral").status_code == 200
    )
    client_for(standin).chat_postMessage(channel="C1", text="posted")
    assert standin.responses("cmd-1") == [{"text": "working on it", "response_type": "ephemeral"}]
    assert [(m.channel, m.text) for m in seen] == [
        ("response:cmd-1", "working on it"),
        ("C1", "posted"),
    ]


def test_wait_for_wakes_on_delivery(standin):
    client = client_for(standin)
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="later"))
    timer.start()
    started = time.monotonic()
    assert standin.wait_for(lambda s: len(s.messages("C1")) == 1, timeout=3)
    assert time.monotonic() - started < 2
    timer.join()
    assert not standin.wait_for(lambda s: len(s.messages("C1")) == 2, timeout=0.1)


def test_concurrent_posts_get_unique_ts(standin):
    client = client_for(standin)
    threads = [
        threading.Thread(target=client.chat_postMessage, kwargs={"channel": "C1", "text": str(i)})
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({m.ts for m in standin.messages("C1")}) == 20


def test_signature_matches_slack_sdk_verifier():
    body = slash_command_body(
        text="log Acme", user_id="U1", team_id="T0001", channel_id="D1", response_url="http://x/"
    )
    now = int(time.time())
    headers = signed_headers("secret", body, timestamp=now, content_type="x")
    verifier = SignatureVerifier("secret")
    assert headers["X-Slack-Signature"] == slack_signature("secret", str(now), body)
    assert verifier.is_valid(body.decode(), str(now), headers["X-Slack-Signature"])
    assert not verifier.is_valid(body.decode() + "x", str(now), headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(
        body.decode(), str(now), headers["X-Slack-Signature"]
    )


def test_request_bodies_have_slack_shapes():
    command = {
        k: v[0]
        for k, v in parse_qs(
            slash_command_body(
                text="log", user_id="U1", team_id="T1", channel_id="D1", response_url="http://r/"
            ).decode()
        ).items()
    }
    assert command["user_id"] == "U1" and command["command"] == "/interview"
    assert command["is_enterprise_install"] == "false" and command["response_url"] == "http://r/"

    action = json.loads(
        parse_qs(
            block_action_body(
                user_id="U1",
                team_id="T1",
                channel_id="D1",
                message_ts="1.000100",
                action_id="done",
                value="42",
            ).decode()
        )["payload"][0]
    )
    assert action["type"] == "block_actions" and action["actions"][0]["value"] == "42"
    assert action["team"]["id"] == "T1" and action["user"]["id"] == "U1"
    assert action["container"]["message_ts"] == "1.000100" and action["channel"]["id"] == "D1"

    view = json.loads(
        parse_qs(
            view_submission_body(
                user_id="U1", team_id="T1", callback_id="cb", state_values={}
            ).decode()
        )["payload"][0]
    )
    assert view["view"]["callback_id"] == "cb" and view["type"] == "view_submission"

    event = json.loads(
        message_event_body(
            user_id="U1",
            team_id="T1",
            channel_id="D1",
            text="hi",
            event_id="Ev1",
            ts="1.000100",
            event_time=1,
        )
    )
    assert event["event"]["channel_type"] == "im" and event["event_id"] == "Ev1"
    assert event["team_id"] == "T1" and event["authorizations"][0]["team_id"] == "T1"


def test_bot_endpoint_signs_real_http_requests():
    received: dict[str, object] = {}

    class Echo(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received["ok"] = SignatureVerifier("s3cret").is_valid_request(body, dict(self.headers))
            received["retry"] = self.headers.get("X-Slack-Retry-Num")
            self.send_response(200 if received["ok"] else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
        endpoint = BotEndpoint(url=url, signing_secret="s3cret")
        status, _ = endpoint.command(
            text="help", user_id="U1", team_id="T1", channel_id="D1", response_url="http://r/"
        )
        assert status == 200 and received["ok"]
        body = message_event_body(
            user_id="U1",
            team_id="T1",
            channel_id="D1",
            text="hi",
            event_id="E",
            ts="1.1",
            event_time=1,
        )
        assert endpoint.event(body, retry_num=1)[0] == 200 and received["retry"] == "1"
        stale = BotEndpoint(url=url, signing_secret="s3cret", clock=lambda: time.time() - 600)
        assert (
            stale.command(
                text="help", user_id="U1", team_id="T1", channel_id="D1", response_url="http://r/"
            )[0]
            == 401
        )
    finally:
        server.shutdown()
        server.server_close()


def test_an_approved_install_is_exchanged_once_for_a_token_of_that_workspace() -> None:
    with SlackStandIn() as standin:
        standin.oauth.register("111.222", "app-secret")
        code = standin.oauth.approve("111.222", "T7", team_name="Seven")
        client = WebClient(base_url=standin.base_url)
        answer = client.oauth_v2_access(client_id="111.222", client_secret="app-secret", code=code)
        token = answer["access_token"]
        assert answer["team"] == {"id": "T7", "name": "Seven"}
        assert token.startswith("xoxb-T7-")
        assert "chat:write" in answer["scope"].split(",")
        assert WebClient(token=token, base_url=standin.base_url).auth_test()["team_id"] == "T7"
        with pytest.raises(SlackApiError, match="invalid_code"):
            client.oauth_v2_access(client_id="111.222", client_secret="app-secret", code=code)
        assert "app-secret" not in repr(standin.calls)


def test_a_bad_code_or_client_secret_gets_no_token() -> None:
    with SlackStandIn() as standin:
        standin.oauth.register("111.222", "app-secret")
        code = standin.oauth.approve("111.222", "T7")
        client = WebClient(base_url=standin.base_url)
        with pytest.raises(SlackApiError, match="bad_client_secret"):
            client.oauth_v2_access(client_id="111.222", client_secret="guess", code=code)
        with pytest.raises(SlackApiError, match="invalid_code"):
            client.oauth_v2_access(client_id="111.222", client_secret="app-secret", code="nope")
        assert standin.oauth.tokens("T7") == []


def test_each_call_records_the_token_it_used_and_revoked_tokens_are_refused() -> None:
    with SlackStandIn() as standin:
        standin.oauth.register("111.222", "app-secret")
        codes = [standin.oauth.approve("111.222", team) for team in ("T7", "T8")]
        exchange = WebClient(base_url=standin.base_url)
        seven, eight = (
            exchange.oauth_v2_access(client_id="111.222", client_secret="app-secret", code=c)[
                "access_token"
            ]
            for c in codes
        )
        WebClient(token=seven, base_url=standin.base_url).chat_postMessage(channel="U1", text="a")
        WebClient(token=eight, base_url=standin.base_url).chat_postMessage(channel="U2", text="b")
        assert [c.params["channel"] for c in standin.calls_with(seven)] == ["U1"]
        assert standin.tokens_used("chat.postMessage") == {seven, eight}
        standin.oauth.revoke("T7")
        with pytest.raises(SlackApiError, match="token_revoked"):
            WebClient(token=seven, base_url=standin.base_url).auth_test()
        assert WebClient(token=eight, base_url=standin.base_url).auth_test()["team_id"] == "T8"
