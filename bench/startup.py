"""Start-up time of the `audit` command: wall and CPU seconds (median of N runs) for `audit --help`
and the light commands, each run in a fresh process as a user runs it.

Usage: python bench/startup.py [--runs 5]
Target: `audit --help` ≤ 0.5 s (issue 17). CPU time is reported beside wall time because the
machine may be shared: wall time then includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SEED = next((PROJECT / "examples" / "reports").glob("000*.txt"))
COMMANDS = {
    "audit --help": ["--help"],
    "audit ingest --help": ["ingest", "--help"],
    "audit extract SEED": ["extract", str(SEED)],
    "audit check SEED": ["check", str(SEED)],
}


def timed(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `audit` run, CPU being user + system time of the child."""
    before = os.times()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for name, args in COMMANDS.items():
        samples = [timed(args) for _ in range(runs)]
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(f"{name:<22} median of {runs}: wall {wall:.3f} s, CPU {cpu:.3f} s")


if __name__ == "__main__":
    main()
