"""The benchmark suite: seeds the stores, runs every phase and prints figures and targets."""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import slack_bolt

from bench import (
    dispatch,
    draft_check,
    durability,
    front,
    growth,
    latency,
    noise,
    replicas,
    startup,
    store_latency,
    timeliness,
)
from bench.common import (
    RULES,
    START,
    WORK,
    Report,
    cpu_count,
    filesystem_of,
    fresh_dir,
    load_average,
    median,
    percentile,
    ratio,
    running_coach,
    settle,
)
from bench.seeding import Seeded, seed_store, top_up_pending
from bot.clock import ManualClock
from bot.coach.coach import Coach
from bot.domain.playbook import Playbook, load_playbook
from bot.local.standin import SlackStandIn
from bot.runtime import CoachRuntime
from bot.storage.postgres_schema import where


@dataclass(frozen=True)
class Scale:
    """How big each phase is; --quick shrinks everything so the run stays under a minute."""

    name: str
    large: int
    small: int
    warmup: int
    samples: int
    small_warmup: int
    small_add_people: int
    marks: int
    startup_pending: int
    dispatch_people: int
    light_429: int
    heavy_429: int
    timely_people: int
    timely_latest: float
    growth_samples: int
    crowd: int
    idle: int
    replica_people: int
    replica_leases: tuple[int, ...]


FULL = Scale(
    name="full",
    large=100_000,
    small=1_000,
    warmup=20,
    samples=400,
    small_warmup=5,
    small_add_people=18,
    marks=1_000,
    startup_pending=100_000,
    dispatch_people=600,
    light_429=60,
    heavy_429=6,
    timely_people=100,
    timely_latest=10.0,
    growth_samples=120,
    crowd=500,
    idle=1000,
    replica_people=400,
    replica_leases=(5, 15),
)
QUICK = Scale(
    name="quick",
    large=10_000,
    small=1_000,
    warmup=10,
    samples=150,
    small_warmup=5,
    small_add_people=18,
    marks=300,
    startup_pending=10_000,
    dispatch_people=200,
    light_429=20,
    heavy_429=2,
    timely_people=40,
    timely_latest=5.0,
    growth_samples=40,
    crowd=200,
    idle=300,
    replica_people=150,
    replica_leases=(5,),
)
LATENCY_LIMIT_X = 1.5
P99_LIMIT_MS = 100.0
GROWTH_LIMIT_X = 2.0
SQLITE_LIMIT_X = 3.0
STARTUP_LIMIT_S = 5.0
RSS_LIMIT_MB = 300.0
DISPATCH_MIN_PER_S = 200.0
TIMELY_LIMIT_S = 2.0
PERSON_GROWTH_LIMIT_X = 1.5
CROWD_P99_LIMIT_S = 1.0
IDLE_ANSWER_LIMIT_S = 1.0


class Suite:
    def __init__(self, scale: Scale, report: Report) -> None:
        self.scale = scale
        self.report = report
        self.playbook: Playbook = load_playbook(RULES)
        self.large: Seeded | None = None
        self.small: Seeded | None = None
        self.startup_store: Seeded | None = None
        self.large_latency: latency.Latencies | None = None

    # -- phases ----------------------------------------------------------------------------

    def seed(self) -> None:
        scale, report = self.scale, self.report
        report.section("seeding through the coach's own operations (fsync skipped while seeding)")
        rounds = scale.warmup + scale.samples
        self.large = seed_store(
            fresh_dir("large"),
            self.playbook,
            nudges=scale.large,
            add_people=math.ceil(rounds / latency.ADDS_PER_PERSON),
            clicks=rounds,
            seed=1,
        )
        self._describe("store_large", self.large)
        report.figure("seed_large_seconds", self.large.seconds, "s")
        startup_root = WORK / "startup"
        if startup_root.exists():
            shutil.rmtree(startup_root)
        began = time.perf_counter()
        shutil.copytree(self.large.root, startup_root)
        copy = Seeded(startup_root, people=list(self.large.people), states=self.large.states.copy())
        top_up_pending(copy, self.playbook, pending=scale.startup_pending, seed=3)
        self.startup_store = copy
        report.figure("store_startup_nudges", copy.nudges, "nudges")
        report.figure("store_startup_pending", copy.pending, "nudges")
        report.figure("store_startup_people", len(copy.people), "people")
        report.figure("seed_startup_seconds", time.perf_counter() - began, "s", "copy + top-up")
        self.small = seed_store(
            fresh_dir("small"),
            self.playbook,
            nudges=scale.small,
            add_people=scale.small_add_people,
            clicks=scale.small_add_people * latency.ADDS_PER_PERSON,
            seed=2,
        )
        self._describe("store_small", self.small)
        settle()

    def _describe(self, prefix: str, seeded: Seeded) -> None:
        states = ", ".join(f"{k} {v}" for k, v in sorted(seeded.states.items()))
        self.report.figure(f"{prefix}_nudges", seeded.nudges, "nudges", states)
        self.report.figure(f"{prefix}_pending", seeded.pending, "nudges")
        self.report.figure(f"{prefix}_people", len(seeded.people), "people")
        if seeded.click_people:
            self.report.figure(
                f"{prefix}_due_at_start",
                seeded.due_now,
                "nudges",
                f"{len(seeded.click_people)} click people",
            )

    def latency_large(self, standin: SlackStandIn) -> None:
        scale, report = self.scale, self.report
        seeded = self._need(self.large)
        report.section(
            f"1. /interview add and Done over HTTP at {seeded.nudges:,} stored nudges "
            "(baseline: no-op slash command, same server, same run)"
        )
        standin.reset()
        latency.prepare_people(standin, seeded)
        with running_coach(
            standin, seeded.root, ManualClock(START), before_serving=latency.register_noop
        ) as running:
            result = latency.measure(
                standin,
                running,
                seeded,
                rounds=scale.warmup + scale.samples,
                warmup=scale.warmup,
            )
            self.large_latency = result
            self._print_latency(result, "", scale.warmup)
            noop = median(result.noop)
            for op, samples in (("add", result.add), ("done", result.done)):
                value = ratio(median(samples), noop)
                report.figure(f"{op}_vs_noop_ratio", value, "x", f"target < {LATENCY_LIMIT_X}")
                report.target(
                    f"1 {op} median vs no-op at {seeded.nudges:,} nudges",
                    value,
                    "x",
                    "<",
                    LATENCY_LIMIT_X,
                )
                p99 = percentile(samples, 99)
                report.target(
                    f"1 {op} p99 at {seeded.nudges:,} nudges", p99, "ms", "<", P99_LIMIT_MS
                )
            self.durable_write(running.runtime.services.coach, seeded)

    def _print_latency(self, result: latency.Latencies, suffix: str, warmup: int) -> None:
        report = self.report
        report.figure(f"done_buttons{suffix}", result.clicks, "buttons", "delivered at START")
        report.figure(
            f"latency_samples{suffix}", len(result.add), "per operation", f"warm-up {warmup}"
        )
        for op, samples in (("noop", result.noop), ("add", result.add), ("done", result.done)):
            report.figure(f"{op}{suffix}_median_ms", median(samples), "ms")
            extra = "" if op == "noop" or suffix else f"target < {P99_LIMIT_MS:.0f} ms"
            report.figure(f"{op}{suffix}_p99_ms", percentile(samples, 99), "ms", extra)
        pauses = result.full_collections
        report.figure(
            f"gc_full_collections{suffix}",
            len(pauses),
            "pauses",
            f"longest {max(pauses):.1f} ms" if pauses else "",
        )
        report.figure(f"latency_problems{suffix}", len(result.problems), "requests")
        for problem in result.problems[:5]:
            report.note(problem)

    def durable_write(self, coach: Coach, seeded: Seeded) -> None:
        report = self.report
        sqlite_dir = fresh_dir("sqlite")
        mount, kind = filesystem_of(sqlite_dir)
        same = sqlite_dir.stat().st_dev == seeded.root.stat().st_dev
        report.section(
            f"3. durable write behind Done at {seeded.nudges:,} stored nudges "
            "(baseline: SQLite WAL, synchronous=FULL, same disk)"
        )
        report.note(f"store and SQLite on {mount} ({kind}), same device: {same}")
        if kind == "tmpfs" or not same:
            report.note("WARNING: not a like-for-like disk comparison")
        report.note("marks go to open nudges of people picked at random, mostly not cached;")
        report.note("half of them have the person's file read first (the write alone)")
        os.sync()
        result = durability.measure(
            coach,
            seeded.root,
            seeded.people,
            sqlite_dir,
            rows=seeded.nudges,
            samples=self.scale.marks,
        )
        report.figure("mark_samples", len(result.mark), "marks", f"{result.people} people")
        report.figure("mark_median_ms", median(result.mark), "ms")
        report.figure("mark_p99_ms", percentile(result.mark, 99), "ms")
        report.figure(
            "mark_syncs_median",
            median(result.syncs),
            "calls",
            "os.fsync/os.fdatasync per mark",
        )
        report.figure("mark_sync_median_ms", median(result.syncing), "ms", "time in those calls")
        rest = [m - s for m, s in zip(result.mark, result.syncing, strict=True)]
        report.figure("mark_other_median_ms", median(rest), "ms", "everything else in mark")
        report.figure("mark_cold_samples", len(result.cold), "marks", "person's file not read yet")
        report.figure("mark_cold_median_ms", median(result.cold), "ms")
        report.figure("mark_cold_p99_ms", percentile(result.cold, 99), "ms")
        report.figure("sqlite_rows", result.rows, "rows")
        report.figure("sqlite_commit_median_ms", median(result.sqlite), "ms")
        report.figure("sqlite_commit_p99_ms", percentile(result.sqlite, 99), "ms")
        value = ratio(median(result.mark), median(result.sqlite))
        report.figure("mark_vs_sqlite_ratio", value, "x", f"target < {SQLITE_LIMIT_X:.0f}")
        cold = ratio(median(result.cold), median(result.sqlite))
        report.figure("mark_cold_vs_sqlite_ratio", cold, "x", "with the cold read; no target")
        report.target(
            f"3 mark vs SQLite commit at {seeded.nudges:,} nudges", value, "x", "<", SQLITE_LIMIT_X
        )

    def latency_small(self, standin: SlackStandIn) -> None:
        scale, report = self.scale, self.report
        seeded = self._need(self.small)
        large = self.large_latency
        report.section(
            f"2. cost growth: the same requests at {seeded.nudges:,} stored nudges "
            "(baseline: the large store above)"
        )
        standin.reset()
        latency.prepare_people(standin, seeded)
        rounds = min(len(seeded.add_people) * latency.ADDS_PER_PERSON, seeded.due_now)
        with running_coach(
            standin, seeded.root, ManualClock(START), before_serving=latency.register_noop
        ) as running:
            result = latency.measure(
                standin, running, seeded, rounds=rounds, warmup=scale.small_warmup
            )
        self._print_latency(result, "_small", scale.small_warmup)
        if large is None:
            raise RuntimeError("the large-store latencies are missing")
        for op, big, little in (
            ("noop", large.noop, result.noop),
            ("add", large.add, result.add),
            ("done", large.done, result.done),
        ):
            value = ratio(median(big), median(little))
            extra = "" if op == "noop" else f"target < {GROWTH_LIMIT_X:.0f}"
            report.figure(f"{op}_growth_ratio", value, "x", extra)
            if op != "noop":
                label = (
                    f"2 {op} median growth {seeded.nudges:,} -> {self._need(self.large).nudges:,}"
                )
                report.target(label, value, "x", "<", GROWTH_LIMIT_X)

    def store_latency(self, standin: SlackStandIn) -> None:
        scale, report = self.scale, self.report
        report.section(
            "11. /interview add and Done on PostgreSQL next to TinyDB, the same people in each "
            "(baseline: each store's own no-op slash command, same run)"
        )
        url = store_latency.server_url()
        reason = store_latency.unreachable(url)
        if reason is not None:
            report.note(f"skipped: {reason}")
            report.note(
                f"COACH_BENCH_DATABASE_URL names the server (default {store_latency.DEFAULT_URL})"
            )
            report.figure("postgres_latency", "skipped")
            return
        rounds = scale.warmup + scale.samples
        seeded = seed_store(
            fresh_dir("stores"),
            self.playbook,
            nudges=store_latency.STORE_NUDGES,
            add_people=math.ceil(rounds / latency.ADDS_PER_PERSON),
            clicks=rounds,
            seed=4,
        )
        self._describe("store_shared", seeded)
        sides: dict[str, latency.Latencies] = {}
        with store_latency.throwaway_schema(url) as database_url:
            copied = store_latency.copy_into(seeded.root, database_url)
            report.figure(
                "store_shared_copied", copied, "nudges", f"into a throwaway schema at {where(url)}"
            )
            settle()
            report.note(f"load average before measuring: {load_average()}")
            for name, at in (("tinydb", None), ("postgres", database_url)):
                sides[name] = store_latency.measure_one(
                    standin, seeded, rounds=rounds, warmup=scale.warmup, database_url=at
                )
            report.note(f"load average after measuring: {load_average()}")
        for name, result in sides.items():
            report.figure(
                f"{name}_latency_samples",
                len(result.add),
                "per operation",
                f"warm-up {scale.warmup}, {result.clicks} Done buttons",
            )
            for op, samples in (("noop", result.noop), ("add", result.add), ("done", result.done)):
                report.figure(f"{name}_{op}_median_ms", median(samples), "ms")
                report.figure(f"{name}_{op}_p99_ms", percentile(samples, 99), "ms")
            report.figure(f"{name}_latency_problems", len(result.problems), "requests")
            for problem in result.problems[:5]:
                report.note(problem)
        tiny, pg = sides["tinydb"], sides["postgres"]
        for op, fast, slow in (("add", tiny.add, pg.add), ("done", tiny.done, pg.done)):
            versus = ratio(median(slow), median(fast))
            report.figure(f"postgres_vs_tinydb_{op}_median_ratio", versus, "x")
            report.figure(
                f"postgres_vs_tinydb_{op}_p99_ratio",
                ratio(percentile(slow, 99), percentile(fast, 99)),
                "x",
            )
            for name, samples, noop in (("tinydb", fast, tiny.noop), ("postgres", slow, pg.noop)):
                report.figure(
                    f"{name}_{op}_vs_noop_ratio",
                    ratio(median(samples), median(noop)),
                    "x",
                    f"target < {LATENCY_LIMIT_X}" if name == "postgres" else "",
                )
            clean = not pg.problems
            report.target(
                f"11 PostgreSQL {op} median vs its no-op at {seeded.nudges:,} nudges",
                ratio(median(slow), median(pg.noop)) if clean else math.inf,
                "x",
                "<",
                LATENCY_LIMIT_X,
            )
            report.target(
                f"11 PostgreSQL {op} p99 at {seeded.nudges:,} nudges",
                percentile(slow, 99) if clean else math.inf,
                "ms",
                "<",
                P99_LIMIT_MS,
            )
        report.note("side by side, median / p99 in ms:")
        for op, fast, slow in (
            ("no-op", tiny.noop, pg.noop),
            ("add", tiny.add, pg.add),
            ("Done", tiny.done, pg.done),
        ):
            report.note(
                f"{op:>5}: TinyDB {median(fast):6.2f} / {percentile(fast, 99):6.2f}, "
                f"PostgreSQL {median(slow):6.2f} / {percentile(slow, 99):6.2f}, "
                f"PostgreSQL/TinyDB {ratio(median(slow), median(fast)):.2f}x"
            )

    def start_up(self, standin: SlackStandIn) -> None:
        report = self.report
        seeded = self._need(self.startup_store)
        report.section(
            f"4. start-up of `python -m bot` (HTTP mode) with {seeded.pending:,} pending nudges"
        )
        standin.reset()
        result = startup.measure(standin, seeded.root, WORK / "startup.log")
        report.figure("startup_seconds", result.seconds, "s", f"target < {STARTUP_LIMIT_S:.0f} s")
        report.figure("startup_rss_mb", result.rss_mb, "MB", f"target < {RSS_LIMIT_MB:.0f} MB")
        report.figure("startup_peak_rss_mb", result.peak_mb, "MB", "VmHWM")
        report.figure("startup_messages_sent", result.posts_during_start, "messages")
        report.figure("shutdown_seconds", result.stop_seconds, "s", "SIGTERM to exit")
        report.figure("shutdown_exit_code", str(result.exit_code))
        report.target("4 start-up to /healthz 200", result.seconds, "s", "<", STARTUP_LIMIT_S)
        report.target("4 resident memory after start-up", result.rss_mb, "MB", "<", RSS_LIMIT_MB)

    def dispatch(self) -> None:
        report = self.report
        report.section("5. dispatch: throughput without limits, exactly once under 429s")
        clock = ManualClock(START)
        # Slack's per-channel limit is judged on the clock delivery paces on.
        with SlackStandIn(clock=lambda: clock.now().timestamp()) as standin:
            self._dispatch(standin, clock)

    def _dispatch(self, standin: SlackStandIn, clock: ManualClock) -> None:
        scale, report = self.scale, self.report

        def quiet(runtime: CoachRuntime) -> None:
            runtime.scheduler.stop()

        with running_coach(
            standin, fresh_dir("dispatch"), clock, before_serving=quiet, http=False
        ) as running:
            fast = dispatch.throughput(
                standin, running.runtime, clock, people=scale.dispatch_people
            )
            report.figure("dispatch_people", fast.people, "people")
            report.figure("dispatch_nudges_due", fast.nudges_due, "nudges")
            report.figure("dispatch_delivered", fast.delivered, "nudges")
            report.figure("dispatch_sent_in_store", fast.sent_in_store, "nudges")
            report.figure("dispatch_messages", fast.messages, "messages")
            report.figure("dispatch_seconds", fast.seconds, "s")
            report.figure(
                "dispatch_nudges_per_s",
                fast.per_second,
                "nudges/s",
                f"target >= {DISPATCH_MIN_PER_S:.0f}",
            )
            report.figure("dispatch_messages_per_s", ratio(fast.messages, fast.seconds), "msg/s")
            counted = min(fast.delivered, fast.sent_in_store)
            rate = counted / fast.seconds if fast.seconds > 0 else math.nan
            report.target(
                "5 dispatch rate, no rate limit", rate, "nudges/s", ">=", DISPATCH_MIN_PER_S
            )
            once = dispatch.exactly_once(
                standin,
                running.runtime,
                clock,
                light=scale.light_429,
                heavy=scale.heavy_429,
                seed=9,
            )
        faults = ", ".join(f"{k} {v}" for k, v in sorted(once.faults.items())) or "none"
        report.figure("dispatch_429_people", once.people, "people")
        report.figure("dispatch_429_nudges_due", once.nudges_due, "nudges")
        report.figure("dispatch_429_messages", once.messages, "messages")
        report.figure("dispatch_429_faults", sum(once.faults.values()), "faults", faults)
        report.figure("dispatch_429_delivered_once", once.delivered_once, "nudges")
        report.figure("dispatch_429_duplicates", once.duplicated, "nudges")
        report.figure("dispatch_429_unexpected", once.unexpected, "nudges")
        report.figure("dispatch_429_missing", once.missing, "nudges")
        report.figure("dispatch_429_sent_in_store", once.sent_in_store, "nudges")
        report.figure("dispatch_429_passes", once.passes, "passes")
        report.figure("dispatch_429_seconds", once.seconds, "s")
        verdict = "yes" if once.ok else "no"
        report.figure("dispatch_exactly_once", verdict)
        report.check(
            "5 every nudge delivered exactly once under 429s",
            once.ok,
            f"{verdict} ({once.delivered_once}/{once.nudges_due} once)",
        )

    def person_growth(self, standin: SlackStandIn) -> None:
        report = self.report
        report.section(
            f"8. per-person growth: a person with {growth.HEAVY_INTERVIEWS} interviews "
            "(baseline: a person with 1, same server, same run)"
        )
        standin.reset()
        report.note("the flood gate is off here: one person's requests come back to back")
        with running_coach(
            standin, fresh_dir("growth"), ManualClock(START), flood_limit=0
        ) as running:
            result = growth.measure(standin, running, samples=self.scale.growth_samples, warmup=20)
        report.figure("growth_heavy_nudges", result.heavy_nudges, "nudges", "the heavy person's")
        report.figure("growth_problems", len(result.problems), "requests")
        for problem in result.problems[:5]:
            report.note(problem)
        for op, light, heavy in (
            ("add", result.light_add, result.heavy_add),
            ("snooze", result.light_snooze, result.heavy_snooze),
        ):
            report.figure(f"growth_{op}_light_median_ms", median(light), "ms")
            report.figure(f"growth_{op}_heavy_median_ms", median(heavy), "ms")
            value = ratio(median(heavy), median(light))
            report.figure(f"growth_{op}_ratio", value, "x", f"target < {PERSON_GROWTH_LIMIT_X}")
            report.target(
                f"8 {op} median, {growth.HEAVY_INTERVIEWS} interviews vs 1",
                value if not result.problems else math.inf,
                "x",
                "<",
                PERSON_GROWTH_LIMIT_X,
            )

    def crowd(self, standin: SlackStandIn) -> None:
        scale, report = self.scale, self.report
        report.section(
            f"9. the HTTP front: {scale.crowd} signed requests at once, then {scale.idle} idle "
            "connections held open"
        )
        standin.reset()
        with running_coach(standin, fresh_dir("crowd"), ManualClock(START)) as running:
            result = front.measure(running, concurrent=scale.crowd, idle=scale.idle)
        seconds = [a.seconds for a in result.answers]
        report.figure("crowd_requests", len(result.answers), "requests")
        report.figure("crowd_resets", result.resets, "requests", "no answer (reset or dropped)")
        report.figure("crowd_p50_ms", percentile([s * 1000 for s in seconds], 50), "ms")
        report.figure(
            "crowd_p99_ms", result.p99_ms, "ms", f"target < {CROWD_P99_LIMIT_S * 1000:.0f}"
        )
        report.check(
            f"9 {scale.crowd} concurrent signed requests, none reset",
            result.resets == 0 and all(a.status == 200 for a in result.answers),
            f"{result.resets} reset",
        )
        report.target(
            f"9 p99 of {scale.crowd} concurrent requests",
            result.p99_ms / 1000,
            "s",
            "<",
            CROWD_P99_LIMIT_S,
        )
        idle = [a.seconds for a in result.idle_answers if a.status == 200]
        worst = max(idle) if len(idle) == len(result.idle_answers) and idle else math.inf
        report.figure("idle_connections_open", result.idle_open, "connections")
        report.figure("idle_help_max_ms", worst * 1000, "ms", "/interview help, 20 in a row")
        report.target(
            f"9 /interview help with {result.idle_open} idle connections open",
            worst,
            "s",
            "<",
            IDLE_ANSWER_LIMIT_S,
        )

    def draft_check(self) -> None:
        report = self.report
        report.section("7. checking a 300-word draft (after warm-up)")
        loaded, times, words = draft_check.measure(200 if self.scale.name == "full" else 50)
        report.figure("draft_checker_load_s", loaded, "s", "word list, once at start-up")
        report.figure("draft_words", words, "words")
        report.figure("draft_check_median_ms", median(times), "ms")
        p99 = percentile(times, 99)
        report.figure("draft_check_p99_ms", p99, "ms", f"target <= {draft_check.P99_LIMIT_MS} ms")
        report.target("7 draft check p99", p99, "ms", "<=", draft_check.P99_LIMIT_MS)
        used = draft_check.memory()
        report.figure("draft_checker_rss_mb", used.checker_mb, "MB", "building the checker")
        report.figure("draft_checker_baseline_rss_mb", used.baseline_mb, "MB", "spelling list")
        report.target(
            "7 draft checker memory over its spelling list",
            used.extra_mb,
            "MB",
            "<=",
            draft_check.EXTRA_MEMORY_LIMIT_MB,
        )
        for name, held_out, drafts, score in draft_check.corpus_scores():
            part = "held out" if held_out else "tuned on"
            report.figure(f"draft_checker_{name}", drafts, "drafts", part)
            report.figure(f"draft_checker_{name}_precision", score.precision, "", str(score))
            report.figure(f"draft_checker_{name}_recall", score.recall, "")
            if held_out:
                report.target(f"7 precision on {name}", score.precision, "", ">=", 0.9)
                report.target(f"7 recall on {name}", score.recall, "", ">=", 0.85)

    def timely(self, standin: SlackStandIn) -> None:
        scale, report = self.scale, self.report
        report.section(
            f"6. timeliness: the real scheduler, nudges due 1-{scale.timely_latest:.0f} s ahead"
        )
        standin.reset()
        result = timeliness.measure(
            standin,
            fresh_dir("timeliness"),
            people=scale.timely_people,
            earliest=1.0,
            latest=scale.timely_latest,
            seed=13,
        )
        late = result.lateness
        report.figure("timeliness_nudges", len(late), "nudges", f"of {result.expected}")
        report.figure("timeliness_missing", result.missing, "nudges")
        report.figure("timeliness_p50_s", percentile(late, 50), "s")
        report.figure(
            "timeliness_p99_s", percentile(late, 99), "s", f"target < {TIMELY_LIMIT_S:.0f} s"
        )
        report.figure("timeliness_max_s", max(late) if late else math.nan, "s")
        report.figure("timeliness_min_s", min(late) if late else math.nan, "s", "negative = early")
        p99 = percentile(late, 99) if not result.missing else math.inf
        report.target("6 lateness p99 after due time", p99, "s", "<", TIMELY_LIMIT_S)

    def noise(self) -> None:
        """The same personas at either scale: they measure the product's manners, not load."""
        self.report.section(noise.TITLE)
        noise.measure(self.report)

    def replicas(self) -> None:
        """Real replica processes on PostgreSQL; says it was skipped when none answers."""
        replicas.measure(
            self.report, people=self.scale.replica_people, leases=self.scale.replica_leases
        )

    @staticmethod
    def _need(seeded: Seeded | None) -> Seeded:
        if seeded is None:
            raise RuntimeError("the store was not seeded")
        return seeded


def _guarded(report: Report, label: str, phase: Callable[[], None]) -> bool:
    try:
        phase()
    except Exception as error:
        traceback.print_exc()
        report.fail(label, f"{type(error).__name__}: {error}")
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument("--verbose", action="store_true", help="show the coach's own logs")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    scale = QUICK if args.quick else FULL
    report = Report()
    began = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    mount, kind = filesystem_of(WORK)
    _, tmp_kind = filesystem_of(Path("/tmp"))
    report.section(f"Interview Coach benchmarks ({scale.name})")
    report.note(
        f"python {platform.python_version()}, slack-bolt {slack_bolt.version.__version__}, "
        f"{cpu_count()} cores, work folder {WORK} on {mount} ({kind}); /tmp is {tmp_kind}"
    )
    report.note(f"load average at start: {load_average()}")
    suite = Suite(scale, report)
    seeded = _guarded(report, "seeding", suite.seed)
    with SlackStandIn() as standin:
        if seeded:
            if _guarded(
                report, "1/3 latency and durable write", lambda: suite.latency_large(standin)
            ):
                _guarded(report, "2 growth", lambda: suite.latency_small(standin))
            _guarded(report, "4 start-up", lambda: suite.start_up(standin))
        _guarded(report, "5 dispatch", suite.dispatch)
        _guarded(report, "6 timeliness", lambda: suite.timely(standin))
        _guarded(report, "8 per-person growth", lambda: suite.person_growth(standin))
        _guarded(report, "9 the HTTP front", lambda: suite.crowd(standin))
        _guarded(report, "11 PostgreSQL next to TinyDB", lambda: suite.store_latency(standin))
    _guarded(report, "7 draft check", lambda: suite.draft_check())
    _guarded(report, "10 noise", suite.noise)
    _guarded(report, "12 replicas", suite.replicas)
    report.summary()
    report.note(f"load average at end: {load_average()}")
    wall = time.perf_counter() - began
    print(f"wall_seconds: {wall:.1f} s", flush=True)
    if args.json is not None:
        extra = {"mode": scale.name, "wall_seconds": wall, "start": START.isoformat()}
        args.json.write_text(report.to_json(extra) + "\n", encoding="utf-8")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
