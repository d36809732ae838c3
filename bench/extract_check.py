"""Throughput and peak memory of load + extract + check, per input format.

Usage:
  python bench/extract_check.py [FOLDER ...] [--repeat N]   reports in those folders
  python bench/extract_check.py --formats [--copies N]      the seeds rebuilt as HTML, DOCX and PDF
                                                            (tests/documents.py) next to the texts
Defaults to ../shared/corpus/raw and the bundled samples. Each format is timed in a fresh process
so its peak resident memory is its own.
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
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = [PROJECT.parent / "shared" / "corpus" / "raw", PROJECT / "examples" / "reports"]
SUFFIXES = {".txt", ".md", ".html", ".docx", ".pdf"}


def measure(paths: list[Path], repeat: int) -> dict:
    """Run in a child process: best-of-`repeat` seconds for the whole batch and peak memory."""
    from assistant.check import check_reports
    from assistant.errors import InputError
    from assistant.load import load_file
    from assistant.parse import extract

    timings, failed = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        reports = []
        for path in paths:
            try:
                reports.append(extract(load_file(path)))
            except InputError:
                failed += 1
        check_reports(reports)
        timings.append(time.perf_counter() - start)
    return {"reports": len(paths), "failed": failed // repeat, "best_s": min(timings),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def rebuilt_seeds(folder: Path, copies: int) -> None:
    sys.path.insert(0, str(PROJECT / "tests"))
    from documents import report_blocks, to_docx, to_html, to_pdf
    from test_seed_figures import SEED_EXPECTATIONS

    samples = PROJECT / "examples" / "reports"
    for seed, expected in SEED_EXPECTATIONS.items():
        source = next(samples.glob(f"{seed}*.txt"))
        blocks = report_blocks(source, expected["meta"]["template"], expected["figures"])
        documents = {".html": to_html(blocks).encode("utf-8"), ".docx": to_docx(blocks), ".pdf": to_pdf(blocks),
                     ".txt": source.read_bytes()}
        for copy in range(copies):
            for suffix, data in documents.items():
                (folder / f"{seed}_{copy}{suffix}").write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", action="store_true")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure([Path(p) for p in json.loads(args.child)], args.repeat)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folders = args.folders or DEFAULT_FOLDERS
        if args.formats:
            rebuilt_seeds(Path(scratch), args.copies)
            folders = [Path(scratch)]
        by_suffix: dict[str, list[str]] = defaultdict(list)
        for folder in folders:
            for path in sorted(folder.glob("*")):
                if path.suffix.lower() in SUFFIXES:
                    by_suffix[path.suffix.lower()].append(str(path))
        for suffix, paths in sorted(by_suffix.items()):
            child = subprocess.run([sys.executable, __file__, "--child", json.dumps(paths), "--repeat", str(args.repeat)],
                                   capture_output=True, text=True, check=True)
            result = json.loads(child.stdout)
            rate = result["reports"] / result["best_s"]
            print(f"{suffix:<6} {result['reports']:>4} reports ({result['failed']} unreadable): {rate:7.1f} reports/s "
                  f"({1000 / rate:6.1f} ms/report), peak memory {result['peak_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
