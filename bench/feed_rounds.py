"""A poll round through the coach over 10,000 calendar feeds that all answer 304.

Where `bench.feeds` times the fetcher alone, this times what the scheduler's round does per
feed: claim it (a lease), read its record, open the sealed address, the conditional GET,
save the new poll state, release it. Against the embedded TinyDB store (one file per feed,
fsynced) and, given --database-url, PostgreSQL (a schema of its own, dropped after).
Memory: the peak the round allocates per feed (a second, traced round).

    python -m bench.feed_rounds [--feeds 10000] [--workers 8] [--database-url URL] [--skip-tinydb]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

from bench.feeds import BODY, NOW, ROUTE, _serve
from bot.clock import ManualClock
from bot.coach.calendar_watch import CalendarWatch
from bot.coach.coach import Coach
from bot.domain.feed_polling import PollState
from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Person
from bot.domain.playbook import load_playbook
from bot.feeds.fetch import FeedFetcher, FetchPolicy
from bot.feeds.sealing import Sealer, generate_key
from bot.storage.protocol import Store
from bot.storage.tinydb_store import TinyStore

RULES = Path(__file__).resolve().parent.parent / "rules"
assert BODY


def _fill(store: Store, sealer: Sealer, base: str, feeds: int) -> None:
    for number in range(feeds):
        store.save_calendar_feed(
            Person("TBENCH", f"U{number:06d}"),
            CalendarFeed(
                sealed=sealer.seal(f"{base}/feeds/{number}.ics"),
                poll=PollState(next_at=NOW, etag=ROUTE.etag, last_modified=ROUTE.last_modified),
            ),
        )


def _round(store: Store, sealer: Sealer, clock: ManualClock, workers: int) -> tuple[float, int]:
    """(seconds, feeds fetched) for one round at the clock's moment."""
    coach = Coach(store, load_playbook(RULES), clock)
    fetcher = FeedFetcher(FetchPolicy.allowing("127.0.0.0/8"))
    watch = CalendarWatch(coach, fetcher, sealer=sealer)
    requests_before = time.perf_counter()
    told = watch.poll_due(batch=200, workers=workers, budget=3600)
    elapsed = time.perf_counter() - requests_before
    fetcher.close()
    assert told == [], "a 304 tells nobody anything"
    return elapsed, 0


def _measure(label: str, store: Store, sealer: Sealer, base: str, feeds: int, workers: int) -> None:
    clock = ManualClock(NOW)
    began = time.perf_counter()
    _fill(store, sealer, base, feeds)
    filled = time.perf_counter() - began
    elapsed, _ = _round(store, sealer, clock, workers)
    due = store.claim_calendar_feeds(NOW, owner="check", lease=timedelta(seconds=1), limit=1)
    assert due == [], "every feed was polled and is next due in 15 minutes"
    clock.advance(timedelta(minutes=20))
    tracemalloc.start()
    _round(store, sealer, clock, workers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {label:<28} round {elapsed:6.2f} s  {elapsed / feeds * 1e6:6.0f} µs/feed  "
        f"peak {peak / feeds:6.0f} B/feed  (setting {feeds:,} feeds up took {filled:.1f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--skip-tinydb", action="store_true")
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    ready, port_value = context.Event(), context.Value("i", 0)
    server = context.Process(target=_serve, args=(ready, port_value), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            print("the feed server did not start", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port_value.value}"
        sealer = Sealer(generate_key())
        print(
            f"Poll round through the coach over {args.feeds:,} feeds answering 304, "
            f"{args.workers} workers"
        )
        if not args.skip_tinydb:
            with tempfile.TemporaryDirectory() as folder:
                tiny = TinyStore(Path(folder))
                try:
                    _measure(
                        "TinyDB (a file per feed)", tiny, sealer, base, args.feeds, args.workers
                    )
                finally:
                    tiny.close()
        if args.database_url:
            _postgres(args.database_url, sealer, base, args.feeds, args.workers)
    finally:
        server.terminate()
        server.join(5)
    return 0


def _postgres(url: str, sealer: Sealer, base: str, feeds: int, workers: int) -> None:
    import psycopg
    from psycopg import sql

    from bot.storage.postgres_store import PostgresStore

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        store = PostgresStore(url, schema=schema, pool_size=workers + 2)
        try:
            _measure("PostgreSQL", store, sealer, base, feeds, workers)
        finally:
            store.close()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


if __name__ == "__main__":
    sys.exit(main())
