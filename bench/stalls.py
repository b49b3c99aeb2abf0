"""Everyone else's latency while one person's data stays locked, against the same load unlocked.

`python bench/stalls.py [--quick]` starts the real coach on a throwaway schema of the server named
by COACH_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; the schema is
dropped at the end) and a Slack stand-in, gives a crowd of people an interview each, then runs
the same load twice in one run, over signed HTTP:

- baseline: a few clients send `/interview list` and `/interview add` for the crowd, in turn;
- stalled: the same, while one more person's row is locked from another connection (as by a
  replica frozen inside their transaction) and that person keeps sending requests of their own,
  twenty at once to begin with, then two at a time.

It prints the crowd's median and p99 in both, their ratio, how the stalled person was answered
(the slowest answer, and how many said the coach is busy), and PASS/FAIL: the crowd's p99 under
1 s while the lock is held, and every answer to the stalled person within Slack's 3 s.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.common import LA, START, Report, median, percentile, ratio, running_coach  # noqa: E402
from bench.store_latency import server_url, throwaway_schema, unreachable  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.local.signer import BotEndpoint  # noqa: E402
from bot.local.standin import SlackStandIn  # noqa: E402

TEAM = "T1"
STALLED = "U0STALLED"
#: Clients sending the crowd's requests at once.
CLIENTS = 4
#: The stalled person's opening burst, as in the report that found the stall.
BURST = 20
P99_TARGET_S = 1.0
SLACK_LIMIT_S = 3.0


@dataclass
class Load:
    """Seconds per answered request, and the answers that were not the expected kind."""

    seconds: list[float] = field(default_factory=list)
    odd: list[str] = field(default_factory=list)


@dataclass
class Stalled:
    seconds: list[float] = field(default_factory=list)
    busy: int = 0
    other: list[str] = field(default_factory=list)


def ask(endpoint: BotEndpoint, standin: SlackStandIn, user: str, text: str) -> tuple[float, str]:
    """One slash command over HTTP: the seconds until its acknowledgement, and its text."""
    started = time.monotonic()
    try:
        status, body = endpoint.command(
            text=text,
            user_id=user,
            team_id=TEAM,
            channel_id="C1",
            response_url=standin.response_url(f"stall-{secrets.token_hex(4)}"),
        )
    except OSError as error:  # no answer within the client's 10 s
        return time.monotonic() - started, f"no answer ({error.__class__.__name__})"
    took = time.monotonic() - started
    return took, body.decode("utf-8", "replace") if status == 200 else f"HTTP {status}"


def crowd_load(
    endpoint: BotEndpoint, standin: SlackStandIn, people: list[str], requests: int, tag: str
) -> Load:
    """`requests` requests from the crowd by CLIENTS clients at once: lists and adds in turn."""
    load = Load()
    lock = threading.Lock()
    turns = iter(range(requests))

    def client() -> None:
        while True:
            with lock:
                n = next(turns, None)
            if n is None:
                return
            user = people[n % len(people)]
            text = (
                "list"
                if n % 2
                else f"add {tag}{n}, Engineer, tomorrow 2pm, with Jane Doe and Bob Smith"
            )
            took, reply = ask(endpoint, standin, user, text)
            with lock:
                load.seconds.append(took)
                if (
                    not reply.strip()
                    or reply.startswith(("HTTP", "no answer"))
                    or any(word in reply for word in ("busy", "storage"))
                ):
                    load.odd.append(reply[:120])

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load


def stalled_person(
    endpoint: BotEndpoint, standin: SlackStandIn, stop: threading.Event
) -> tuple[Stalled, list[threading.Thread]]:
    """The locked person's requests: a burst of BURST at once, then two at a time until `stop`."""
    seen = Stalled()
    lock = threading.Lock()

    def one(n: int) -> None:
        text = "list" if n % 2 else f"add Stall{n}, Engineer, tomorrow 2pm, with Jane"
        took, reply = ask(endpoint, standin, STALLED, text)
        with lock:
            seen.seconds.append(took)
            if "busy" in reply:
                seen.busy += 1
            else:
                seen.other.append(reply[:120])

    def keep_asking(start: int) -> None:
        n = start
        while not stop.is_set():
            one(n)
            n += 2

    threads = [threading.Thread(target=one, args=(n,)) for n in range(BURST)]
    threads += [threading.Thread(target=keep_asking, args=(BURST + k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    return seen, threads


def measure(report: Report, *, people: int, requests: int) -> None:
    report.section("one person's data locked: everyone else's latency")
    base = server_url()
    problem = unreachable(base)
    if problem:
        report.fail("stalls", problem)
        return
    with (
        throwaway_schema(base) as url,
        SlackStandIn() as standin,
        tempfile.TemporaryDirectory() as folder,
        running_coach(
            standin, Path(folder), ManualClock(START), flood_limit=0, database_url=url
        ) as running,
    ):
        endpoint = running.endpoint
        crowd = [f"U{n:04d}" for n in range(people)]
        for user in [*crowd, STALLED]:
            standin.set_user(user, tz=LA, team_id=TEAM)
            ask(endpoint, standin, user, "settings country none")
            ask(endpoint, standin, user, "add Acme, Engineer, tomorrow 10am, with Jane Doe")
        crowd_load(endpoint, standin, crowd, requests // 4, "Warm")
        baseline = crowd_load(endpoint, standin, crowd, requests, "Base")
        with psycopg.connect(url) as holder:
            row = holder.execute(
                "SELECT 1 FROM people WHERE team_id = %s AND user_id = %s FOR UPDATE",
                (TEAM, STALLED),
            ).fetchone()
            if row is None:
                report.fail("stalls", "the stalled person has no row to lock")
                return
            stop = threading.Event()
            seen, threads = stalled_person(endpoint, standin, stop)
            stalled = crowd_load(endpoint, standin, crowd, requests, "Held")
            stop.set()
            for thread in threads:
                thread.join(15)
            holder.rollback()
        after = ask(endpoint, standin, STALLED, "list")
    report_figures(report, baseline, stalled, seen, after)


def report_figures(
    report: Report, baseline: Load, stalled: Load, seen: Stalled, after: tuple[float, str]
) -> None:
    ms: Callable[[list[float], float], float] = lambda v, q: percentile(v, q) * 1000  # noqa: E731
    base_p99, held_p99 = ms(baseline.seconds, 99), ms(stalled.seconds, 99)
    report.figure("stalls_baseline_median", median(baseline.seconds) * 1000, "ms")
    report.figure("stalls_baseline_p99", base_p99, "ms", f"{len(baseline.seconds)} requests")
    report.figure("stalls_held_median", median(stalled.seconds) * 1000, "ms")
    report.figure("stalls_held_p99", held_p99, "ms", f"{len(stalled.seconds)} requests")
    report.figure("stalls_held_p99_vs_baseline", ratio(held_p99, base_p99), "x")
    report.figure("stalls_held_slowest", max(stalled.seconds, default=0) * 1000, "ms")
    report.figure(
        "stalls_locked_person_slowest",
        max(seen.seconds, default=0) * 1000,
        "ms",
        f"{len(seen.seconds)} requests, {seen.busy} told the coach is busy",
    )
    report.figure("stalls_locked_person_median", median(seen.seconds) * 1000, "ms")
    if baseline.odd or stalled.odd:
        report.note(f"unexpected answers to the crowd: {(baseline.odd + stalled.odd)[:3]}")
    if seen.other:
        report.note(f"answers to the locked person that were not 'busy': {seen.other[:3]}")
    report.target(
        "stalls: crowd p99 with one person locked", held_p99 / 1000, "s", "<", P99_TARGET_S
    )
    report.target(
        "stalls: the locked person's slowest answer",
        max(seen.seconds, default=0),
        "s",
        "<",
        SLACK_LIMIT_S,
    )
    report.check(
        "stalls: every answer to the crowd a real one, the locked person's all 'busy'",
        not baseline.odd and not stalled.odd and not seen.other and bool(seen.seconds),
        f"{len(baseline.odd) + len(stalled.odd)} odd, {len(seen.other)} not busy",
    )
    report.check(
        "stalls: the locked person is answered as usual once the lock is gone",
        "busy" not in after[1] and "Acme" in after[1],
        json.dumps(after[1][:80]),
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer people and requests")
    args = parser.parse_args(argv)
    report = Report()
    if args.quick:
        measure(report, people=12, requests=160)
    else:
        measure(report, people=40, requests=600)
    report.summary()
    return 0 if all(t.passed for t in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
