"""CPU time per PDF: loading (text layer → `DecodedText`) and load + extract + check, per file.

Usage:
  python bench/pdf_speed.py [--repeat N]     the corpus PDFs and the seeds rendered as PDF (tests/documents.py)

Each file is read `N` times in this process after one warm-up read (imports, font caches); the
median and the least CPU time (`time.process_time`) of a read and its median wall time are printed,
with the load average: on a shared machine the CPU time of the same work varies with the load, and the
least of several runs is the closest to its cost on a quiet machine. The issue 13 target, real PDFs ≥ 15 reports/s on 2 cores, is ≤ 133 ms CPU per
report for load + extract + check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus" / "raw"


def rendered_seeds(folder: Path) -> list[Path]:
    sys.path.insert(0, str(PROJECT / "tests"))
    from documents import report_blocks, to_pdf
    from test_seed_figures import SEED_EXPECTATIONS

    samples = PROJECT / "examples" / "reports"
    paths = []
    for seed, expected in SEED_EXPECTATIONS.items():
        blocks = report_blocks(next(samples.glob(f"{seed}*.txt")), expected["meta"]["template"], expected["figures"])
        path = folder / f"seed_{seed}.pdf"
        path.write_bytes(to_pdf(blocks))
        paths.append(path)
    return paths


def seconds(step, repeat: int) -> tuple[float, float, float]:
    """Median CPU, least CPU and median wall seconds of `step()` over `repeat` runs, after a warm-up run."""
    step()
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        step()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), min(cpu), statistics.median(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from assistant.check import check_report
    from assistant.load import load_file
    from assistant.parse import extract

    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as scratch:
        groups = {"corpus PDFs": sorted(CORPUS.glob("*.pdf")), "seeds as PDF": rendered_seeds(Path(scratch))}
        print(f"ms per file, {args.repeat} runs: CPU median / least, wall median")
        print(f"{'file':<26} {'load':>21} {'load + extract + check':>24}")
        for title, paths in groups.items():
            medians, least = [], []
            for path in paths:
                load = seconds(lambda: load_file(path), args.repeat)
                full = seconds(lambda: check_report(extract(load_file(path))), args.repeat)
                medians.append(full[0])
                least.append(full[1])
                print(f"{path.name:<26} {load[0] * 1000:7.1f} {load[1] * 1000:6.1f} {load[2] * 1000:6.1f}"
                      f"    {full[0] * 1000:7.1f} {full[1] * 1000:6.1f} {full[2] * 1000:6.1f}")
            for name, values in (("median", medians), ("least", least)):
                mean = sum(values) / len(values)
                print(f"{title}, {name} CPU: {mean * 1000:.1f} ms per report for load + extract + check, "
                      f"{2 / mean:.1f} reports/s on 2 cores at that CPU time")
            print()
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
