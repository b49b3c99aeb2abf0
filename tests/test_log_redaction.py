"""At LOG_LEVEL=DEBUG the logs still keep no one's words: Slack's libraries log whole request
and response bodies there, and a company or an interviewer named in a log file outlives the
person's `forget`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.local.signer import BotEndpoint
from bot.local.standin import SlackStandIn
from bot.runtime import open_coach

TOKEN = "xoxb-4242-a-token-never-logged"
SECRET = "signing-secret-for-the-debug-run"
COMPANY, INTERVIEWER = "Quuxcorp", "Wilhelmina Fotheringay"


def test_a_debug_run_never_logs_a_company_an_interviewer_or_the_token(
    standin: SlackStandIn,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    clock: ManualClock,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=standin.base_url,
        port=0,
        db_path=tmp_path / "store",
        log_level="DEBUG",
    )
    runtime = open_coach(settings, clock)
    try:
        server = runtime.serve_http(host="127.0.0.1")
        endpoint = BotEndpoint(f"{server.url}/slack/events", SECRET)
        standin.set_user("U1", tz="UTC", team_id="T1")
        endpoint.command(
            text=f"add {COMPANY}, Dev, today 10am, with {INTERVIEWER}",
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
        # The list, posted through the Web API, names the company and the interviewer.
        assert standin.wait_for(
            lambda s: any(COMPANY in str(m) for m in s.messages("DU1")), timeout=10
        ), standin.messages("DU1")
    finally:
        runtime.close()
    assert any(r.name.startswith("slack_sdk") for r in caplog.records), "Slack calls were logged"
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    shown = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    assert COMPANY not in shown
    assert INTERVIEWER.split()[1] not in shown
    assert TOKEN not in shown and SECRET not in shown
