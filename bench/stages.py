"""Where the time goes: per-stage CPU time of load → extract → check → render, and how the whole
`audit check` run grows with the batch.

Usage:
  python bench/stages.py [--sizes 100,1000,10000] [--jobs N]   text corpus + seeds, copied
  python bench/stages.py --formats                            PDFs of the corpus, seeds as HTML/DOCX/PDF

Copies are distinct texts of distinct bodies (`bench/copies.py`: nothing is recognised as a
duplicate, and cross-year rules meet as many bodies as in a province's batch). The stage table is measured in this process with exclusive timers around the
functions of each stage (a nested stage's time is not counted twice); the scaling table runs the
real `audit check --json` in a child process and reads its wall time, CPU time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus" / "raw"
SAMPLES = PROJECT / "examples" / "reports"
sys.path.insert(0, str(PROJECT / "bench"))

from copies import copies  # noqa: E402

STAGES: dict[str, list[tuple[str, str]]] = {
    "decode": [("assistant.load", "load_file")],
    "normalize": [("assistant.parse.extract", "normalize")],
    "sections": [("assistant.parse.extract", "_sections")],
    "metadata": [("assistant.parse.meta", name) for name in
                 ("crawler_header", "find_title", "find_body", "find_region", "find_year", "detect_template")],
    "narrative": [("assistant.parse.narrative", "statements"), ("assistant.parse.narrative", "table_hints")],
    "rows": [("assistant.parse.tables", "locate_rows"), ("assistant.parse.tables", "read_row")],
    "solver": [("assistant.parse.tables", "resolve")],
    "cells": [("assistant.parse.tables", name) for name in ("read_active", "read_requests", "read_appeals")],
    "checks": [("assistant.check", "check_report")],
    "peer view": [("assistant.check", "peer_view")],
    "cross-report": [("assistant.check", "check_batch")],
    "render": [("assistant.render", "render_findings")],
}


class StageClock:
    """Exclusive CPU time per stage: time spent inside a nested timed function goes to that
    function's stage only."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []

    def wrap(self, stage: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            frame = [time.process_time(), 0.0]
            self._stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                self._stack.pop()
                spent = time.process_time() - frame[0]
                self.seconds[stage] += spent - frame[1]
                if self._stack:
                    self._stack[-1][1] += spent
        return timed

    def install(self) -> None:
        import importlib

        for stage, places in STAGES.items():
            for module_name, name in places:
                module = importlib.import_module(module_name)
                setattr(module, name, self.wrap(stage, getattr(module, name)))


def stage_profile(paths: list[Path]) -> tuple[dict[str, float], float]:
    """Seconds per stage for the batch, and the JSON encoding time, in this process."""
    clock = StageClock()
    clock.install()
    from assistant import check
    from assistant.load import load_file
    from assistant.parse import extract
    from assistant.render import render_findings

    reports = [extract(load_file(path)) for path in paths]
    checked = check.check_reports(reports)
    for item in checked:
        render_findings(item)
    start = time.process_time()
    json.dumps({"reports": [c.model_dump() for c in checked]}, ensure_ascii=False, indent=2)
    return dict(clock.seconds), time.process_time() - start


def timed_check(paths: list[Path], jobs: int | None) -> dict[str, float]:
    """`audit check --json` over the paths in a child process: wall, CPU (parent + workers), peak RSS."""
    list_file = paths[0].parent / "paths.txt"
    list_file.write_text("\n".join(map(str, paths)), encoding="utf-8")
    code = ("import sys; from assistant.cli import main; "
            f"sys.argv = ['audit', 'check', '--json', *open({str(list_file)!r}).read().split(chr(10))]"
            + (f" + ['--jobs', '{jobs}']" if jobs else "") + "; sys.exit(main(sys.argv[1:]))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mib": after.ru_maxrss / 1024}


def print_profile(title: str, paths: list[Path]) -> None:
    seconds, encode = stage_profile(paths)
    seconds["json"] = encode
    total = sum(seconds.values())
    print(f"\n{title}: {len(paths)} reports, {total * 1000 / len(paths):.2f} ms CPU per report")
    for stage, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"  {stage:<13} {spent * 1000 / len(paths):7.2f} ms/report  {spent / total:6.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--formats", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.formats:
            from extract_check import rebuilt_seeds

            rebuilt_seeds(folder, 2)
            for suffix in (".html", ".docx", ".pdf"):
                print_profile(f"seeds as {suffix}", sorted(folder.glob(f"*{suffix}")))
            print_profile("corpus PDFs", sorted(CORPUS.glob("*.pdf")))
            return 0
        originals = sorted(CORPUS.glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))
        print_profile("text corpus + seeds", originals)
        print(f"\naudit check --json (jobs={args.jobs or 'default'}), distinct copies of {len(originals)} texts:")
        for size in (int(s) for s in args.sizes.split(",")):
            batch = folder / str(size)
            batch.mkdir()
            result = timed_check(copies(batch, originals, size), args.jobs)
            print(f"  {size:>6} reports: {size / result['wall']:7.1f} reports/s wall, "
                  f"{result['cpu'] * 1000 / size:6.2f} ms CPU/report, peak {result['peak_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
