"""Run the coach's benchmarks: `python bench/run.py [--quick] [--json PATH]`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Put the checkout on the path (this file runs as a script), then run the suite."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    suite = importlib.import_module("bench.suite")
    return int(suite.main(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
