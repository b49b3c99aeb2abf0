"""The console finds interviews without typing too: a pasted invitation after `add`, a
calendar file's path, and `calendar <address>` read from a local calendar server."""

from __future__ import annotations

from pathlib import Path

from feed_samples import first_feed
from invitation_scoring import OWN, load
from test_capture_paths import ICS
from test_console import answer_to, run_console

from bot.local.feed_server import FeedServer

BERLIN = next(e for e in load(OWN) if e["id"] == "google-calendar-berlin-guests")


def test_the_console_reads_a_pasted_invitation_a_calendar_file_and_a_calendar_feed(
    tmp_path: Path,
) -> None:
    invite = tmp_path / "invite.ics"
    invite.write_text(ICS, encoding="utf-8")
    with FeedServer() as server:
        server.serve("/private-42/basic.ics", first_feed())
        address = server.url("/private-42/basic.ics")
        script = "\n".join(
            [
                "add",
                BERLIN["text"],
                ".",
                str(invite),
                f"calendar {address}",
                "calendar off",
                "quit",
                "",
            ]
        )
        result = run_console(tmp_path, script, COACH_FEED_ALLOW_NETWORKS="127.0.0.0/8")
        fetched = len(server.requests)
    assert "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    pasted = answer_to(out, ".")
    assert "Saved" in pasted and "Helix Robotics" in pasted, pasted
    assert "Read from the invitation" in pasted
    shared = answer_to(out, str(invite))
    assert "Track this interview?" in shared and "Acme" in shared, shared
    feed = answer_to(out, f"calendar {address}")
    assert feed.count("Track this interview?") == 3, feed
    assert fetched == 1
    assert "private-42" not in result.stderr, "the secret address never reaches the log"
    assert "forgot your calendar" in answer_to(out, "calendar off")
