"""A poll round over 10,000 calendar feeds that all answer 304 Not Modified.

The feeds are served by the local feed server in a process of its own on loopback; the round
is run with the coach's fetcher (every name resolved and checked, the connection pinned,
conditional headers, limits) by 1 and by 8 threads, and once with bare urllib3 requests
carrying the same headers as the baseline, so the figures show what the safety costs.
Memory: the peak the round allocates per feed, and what the coach keeps per feed between
rounds (its poll state with the validators).

    python -m bench.feeds [--feeds 10000] [--threads 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import urllib3

from bot.domain.feed_polling import PollState, after_success, first_poll
from bot.feeds.fetch import FeedFetcher, FetchPolicy, Validators
from tests.harness.feed_server import FeedServer, Route

NOW = datetime(2036, 11, 20, 17, 0, tzinfo=UTC)
BODY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\nUID:1@bench\r\n"
    b"DTSTART:20361201T150000Z\r\nDTEND:20361201T160000Z\r\nSUMMARY:Interview\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
ROUTE = Route(body=BODY)


def _serve(ready: Any, port: Any) -> None:
    """The feed server's process: serves every /feeds/N.ics until terminated."""
    server = FeedServer()
    server.record = False
    server.fallback(lambda path: ROUTE if path.startswith("/feeds/") else None)
    server.start()
    port.value = server.port
    ready.set()
    while True:
        time.sleep(3600)


def _round(
    fetch_one: Callable[[int], bool], feeds: int, threads: int, *, trace: bool = False
) -> tuple[float, list[float], int, int]:
    """(seconds, per-fetch ms, unchanged count, peak bytes traced) for one round; tracing
    slows every allocation, so the timed rounds run without it and a separate one traces."""
    times: list[float] = [0.0] * feeds

    def timed(number: int) -> bool:
        began = time.perf_counter()
        unchanged = fetch_one(number)
        times[number] = (time.perf_counter() - began) * 1000
        return unchanged

    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    if threads == 1:
        results = [timed(n) for n in range(feeds)]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(timed, range(feeds), chunksize=64))
    elapsed = time.perf_counter() - began
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, times, sum(results), peak


def _kept_per_feed(feeds: int, etag: str) -> float:
    """Bytes the coach keeps per feed between rounds: its PollState and validators."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    states: list[PollState] = [
        after_success(
            first_poll(NOW),
            now=NOW,
            etag=etag[:-1] + f'{n}"',
            last_modified="Thu, 20 Nov 2036 17:00:00 GMT",
            spread_key=str(n),
        )
        for n in range(feeds)
    ]
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(states) == feeds
    return (after - before) / feeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    feeds, threads = args.feeds, args.threads

    context = multiprocessing.get_context("spawn")
    ready, port_value = context.Event(), context.Value("i", 0)
    server = context.Process(target=_serve, args=(ready, port_value), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            print("the feed server did not start", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port_value.value}"
        validators = Validators(etag=ROUTE.etag, last_modified=ROUTE.last_modified)
        fetcher = FeedFetcher(FetchPolicy.allowing("127.0.0.0/8"))
        urls = [f"{base}/feeds/{n}.ics" for n in range(feeds)]

        def coach(number: int) -> bool:
            return not fetcher.fetch(urls[number], validators).changed

        bare_pool = urllib3.PoolManager(maxsize=threads, retries=False)
        headers = {
            "If-None-Match": ROUTE.etag,
            "If-Modified-Since": ROUTE.last_modified,
            "Accept-Encoding": "gzip",
        }

        def bare(number: int) -> bool:
            response = bare_pool.request("GET", urls[number], headers=headers, redirect=False)
            return response.status == 304

        coach(0)
        bare(0)  # connections open, code warm, before anything is timed
        print(f"Poll round over {feeds:,} feeds answering 304 (local server, own process)")
        rows = [
            ("bare urllib3, 1 thread (baseline)", bare, 1),
            ("coach fetcher, 1 thread", coach, 1),
            (f"coach fetcher, {threads} threads", coach, threads),
        ]
        figures: dict[str, tuple[float, list[float], int, int]] = {}
        for label, fetch_one, workers in rows:
            figures[label] = _round(fetch_one, feeds, workers)
            elapsed, times, unchanged, peak = figures[label]
            ordered = sorted(times)
            p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
            print(
                f"  {label:<36} {elapsed:6.2f} s  {elapsed / feeds * 1e6:7.0f} µs/feed  "
                f"p50 {statistics.median(times):5.2f} ms  p99 {p99:5.2f} ms  "
                f"304s {unchanged:,}"
            )
            if unchanged != feeds:
                print(f"  !! {feeds - unchanged} feeds did not answer 304", file=sys.stderr)
                return 1
        for label, fetch_one, workers in rows:
            peak = _round(fetch_one, feeds, workers, trace=True)[3]
            print(
                f"  {label:<36} peak allocated in the round ÷ feeds: {peak / feeds:6.0f} B "
                f"({peak / 1e6:.2f} MB)"
            )
        baseline = figures[rows[0][0]][0]
        one, many = figures[rows[1][0]][0], figures[rows[2][0]][0]
        print(f"  ratio coach/baseline, 1 thread: {one / baseline:.2f}")
        print(f"  ratio coach {threads} threads / coach 1 thread: {many / one:.2f}")
        print(f"  kept between rounds: {_kept_per_feed(feeds, ROUTE.etag):.0f} B/feed (poll state)")
        fetcher.close()
        bare_pool.clear()
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
