"""The HTTP front door under a crowd: many signed requests at once, many idle connections."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.common import SECRET, Running, percentile
from bot.local.signer import slash_command_body
from tests.harness.crowd import Answer, all_at_once, close_all, idle_connections, signed_request


@dataclass
class Crowd:
    answers: list[Answer] = field(default_factory=list)
    idle_answers: list[Answer] = field(default_factory=list)
    idle_open: int = 0

    @property
    def resets(self) -> int:
        return sum(1 for a in self.answers if a.status == 0)

    @property
    def p99_ms(self) -> float:
        return percentile([a.seconds * 1000 for a in self.answers], 99)


def _help(url: str, user: str) -> bytes:
    body = slash_command_body(
        text="help", user_id=user, team_id="T0001", channel_id="C1", response_url="http://x/"
    )
    return signed_request(url, SECRET, body)


def measure(running: Running, *, concurrent: int, idle: int) -> Crowd:
    """`concurrent` signed commands sent at the same moment; then `idle` silent connections
    held open while a few more commands are answered."""
    url = running.endpoint.url
    result = Crowd()
    all_at_once(url, [_help(url, f"UWARM{n}") for n in range(20)])
    result.answers = all_at_once(url, [_help(url, f"UC{n:05d}") for n in range(concurrent)])
    held = idle_connections(url, idle)
    result.idle_open = len(held)
    try:
        result.idle_answers = [all_at_once(url, [_help(url, f"UI{n}")])[0] for n in range(20)]
    finally:
        close_all(held)
    return result
