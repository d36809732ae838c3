"""Throughput and peak memory of extract + check over a folder of reports.

Usage: python bench/extract_check.py [FOLDER ...] [--repeat N]
Defaults to ../shared/corpus/raw and the bundled samples. Prints reports per second (whole
pipeline from bytes to findings, single process) and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from assistant.check import check_reports
from assistant.errors import InputError
from assistant.load import load_file
from assistant.parse import extract

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = [PROJECT.parent / "shared" / "corpus" / "raw", PROJECT / "examples" / "reports"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for folder in args.folders for p in folder.glob("*") if p.suffix in {".txt", ".md"})
    if not files:
        print("no reports found", file=sys.stderr)
        return 2
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        reports = []
        for path in files:
            try:
                reports.append(extract(load_file(path)))
            except InputError:
                continue
        checked = check_reports(reports)
        timings.append(time.perf_counter() - start)
    best, mean = min(timings), sum(timings) / len(timings)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    findings = sum(len(c.findings) for c in checked)
    print(f"reports: {len(files)}  findings: {findings}  repeats: {args.repeat}")
    print(f"extract+check: best {len(files) / best:.1f} reports/s, mean {len(files) / mean:.1f} reports/s "
          f"({1000 * mean / len(files):.1f} ms/report)")
    print(f"peak resident memory: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
