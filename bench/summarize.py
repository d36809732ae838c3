"""Seconds to summarize section 五 across an index of ≥ N reports, offline (`audit summarize`).

Usage: python bench/summarize.py [--reports 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from index_scale import copied_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        _, index, count, _ = copied_index(scratch, args.reports)
        for out in ("summary.xlsx", "summary.md"):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "summarize", "--index", str(index), "--out",
                            str(Path(scratch) / out)], check=True)
            print(f"summarize {count} reports to {out}: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
