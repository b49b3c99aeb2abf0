"""Shared pieces of the benchmarks: paths, clocks, statistics, the running coach and the report."""

from __future__ import annotations

import gc
import json
import math
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bot
from bot.clock import Clock
from bot.config import Settings
from bot.local.signer import BotEndpoint
from bot.local.standin import SlackStandIn
from bot.runtime import CoachRuntime, open_coach

ROOT = Path(__file__).resolve().parent.parent
#: The playbook beside the bot package, as the bot's own default finds it.
RULES = Path(bot.__file__).resolve().parent.parent / "rules"
WORK = ROOT / "bench" / ".work"
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
LA = "America/Los_Angeles"
#: Thursday 20 Nov 2036, 09:00 in Los Angeles: an ordinary working day (US Thanksgiving is a
#: week later), so what the benchmarks expect at START is in the window. Fixed, and far ahead
#: of the real clock, so a store seeded around it has nothing due when a process on the system
#: clock opens it.
START = datetime(2036, 11, 20, 17, 0, tzinfo=UTC)

_MARKER = re.compile(r"\*#(\d+) ·")


class RealtimeClock:
    """A clock that starts at a fixed instant and then moves with real (monotonic) time."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)

    def monotonic_at(self, moment: datetime) -> float:
        """The time.monotonic() value at which this clock shows `moment`."""
        return self._origin + (moment - self._start).total_seconds()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else math.inf


def nudge_markers(blocks: list[dict[str, Any]]) -> list[int]:
    """The `*#N ·` numbers in a nudge message's sections: one per nudge the message carries."""
    found: list[int] = []
    for block in blocks:
        if block.get("type") == "section":
            found.extend(int(n) for n in _MARKER.findall(block["text"]["text"]))
    return found


def fresh_dir(name: str) -> Path:
    """An empty folder under the bench's work folder (same disk as the stores)."""
    path = WORK / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def filesystem_of(path: Path) -> tuple[str, str]:
    """(mount point, file system type) holding `path`, from /proc/self/mounts."""
    resolved = str(path.resolve())
    best = ("/", "unknown")
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return best
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best[0]):
            best = (mount, parts[2])
    return best


def settings_for(
    standin: SlackStandIn, db: Path, *, flood_limit: int = 30, database_url: str | None = None
) -> Settings:
    """The coach's settings against the stand-in; a `database_url` puts it on PostgreSQL."""
    return Settings(
        flood_limit=flood_limit,
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=standin.base_url,
        port=0,
        db_path=db,
        rules_path=RULES,
        log_level="WARNING",
        database_url=database_url,
    )


@dataclass
class Running:
    """The real coach on a store, served over HTTP on loopback, with a signed client."""

    runtime: CoachRuntime
    endpoint: BotEndpoint


@contextmanager
def running_coach(
    standin: SlackStandIn,
    db: Path,
    clock: Clock,
    *,
    before_serving: Callable[[CoachRuntime], None] | None = None,
    http: bool = True,
    flood_limit: int = 30,
    database_url: str | None = None,
) -> Iterator[Running]:
    settings = settings_for(standin, db, flood_limit=flood_limit, database_url=database_url)
    runtime = open_coach(settings, clock)
    try:
        if before_serving is not None:
            before_serving(runtime)
        endpoint = BotEndpoint(url="http://unused", signing_secret=SECRET)
        if http:
            server = runtime.serve_http(host="127.0.0.1")
            endpoint = BotEndpoint(url=f"{server.url}/slack/events", signing_secret=SECRET)
        yield Running(runtime, endpoint)
    finally:
        runtime.close()


class MessageCounter:
    """Counts messages the stand-in posts or updates, so a caller can wait for the next one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.count = 0

    def __call__(self, message: object) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def wait_beyond(self, count: int, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.count > count, timeout)


@dataclass
class Target:
    label: str
    value: float | str
    unit: str
    limit: str
    passed: bool


@dataclass
class Report:
    """Prints each figure as `name: value unit` as it comes, and the targets at the end."""

    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        print(f"\n== {title} ==", flush=True)

    def note(self, text: str) -> None:
        print(f"# {text}", flush=True)

    def figure(self, name: str, value: float | str, unit: str = "", extra: str = "") -> None:
        self.figures[name] = {"value": value, "unit": unit}
        if extra:
            self.figures[name]["note"] = extra
        text = _format(value)
        line = f"{name}: {text}" + (f" {unit}" if unit else "")
        print(line + (f" ({extra})" if extra else ""), flush=True)

    def target(self, label: str, value: float, unit: str, op: str, limit: float) -> bool:
        """`op` is "<", "<=" (a budget: at most `limit`) or ">="."""
        if op == "<":
            passed = value < limit
        elif op == "<=":
            passed = value <= limit
        else:
            passed = value >= limit
        if isinstance(value, float) and math.isnan(value):
            passed = False
        self.targets.append(Target(label, value, unit, f"{op} {limit:g}", passed))
        return passed

    def check(self, label: str, ok: bool, value: str) -> bool:
        self.targets.append(Target(label, value, "", "yes", ok))
        return ok

    def fail(self, label: str, reason: str) -> None:
        self.errors.append(f"{label}: {reason}")
        self.targets.append(Target(label, "error", "", reason, False))

    def summary(self) -> None:
        self.section("summary")
        for target in sorted(self.targets, key=lambda t: _phase(t.label)):
            verdict = "PASS" if target.passed else "FAIL"
            shown = _format(target.value) + (f" {target.unit}" if target.unit else "")
            print(f"{verdict} {target.label}: {shown} (target {target.limit})", flush=True)
        failed = sum(not t.passed for t in self.targets)
        print(f"targets: {len(self.targets) - failed} passed, {failed} failed", flush=True)

    def to_json(self, extra: dict[str, Any]) -> str:
        payload = {
            **extra,
            "figures": self.figures,
            "targets": [
                {
                    "target": t.label,
                    "value": t.value,
                    "unit": t.unit,
                    "limit": t.limit,
                    "passed": t.passed,
                }
                for t in self.targets
            ],
            "errors": self.errors,
        }
        return json.dumps(payload, indent=2, default=str)


def _phase(label: str) -> int:
    """A target's phase number ("10 noise: ..." -> 10), so phase 10 comes after phase 9."""
    found = re.match(r"\d+", label)
    return int(found.group()) if found else 1_000


def _format(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


class FullCollections:
    """Times the cyclic GC's full (generation 2) collections while it is entered."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._began = 0.0

    def _watch(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._began) * 1000)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._watch)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._watch)


def settle() -> None:
    """Flush dirty pages and collect garbage, so one phase's leftovers don't slow the next.

    Seeding leaves hundreds of MB for the kernel to write back; fsync-bound phases would pay
    for it. The bench's own long-lived objects are frozen out of later full collections: the
    coach's objects, created after this, are not.
    """
    os.sync()
    gc.collect()
    gc.freeze()


def rss_of(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(rest.split()[0]) / 1024
    return found


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
