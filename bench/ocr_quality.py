"""OCR quality on scans: the five seeds and the three real PDFs rendered to noisy page images and read back.

Usage: python bench/ocr_quality.py [--only NAME ...] [--dpi 180]
Each document is printed as a PDF (seeds: tests/documents.py; corpus PDFs: as published), rendered
to grey page images at scanning resolution with a slight rotation, blur, sensor noise and JPEG
artefacts (tests/scans.py), packed as an image-only PDF and read by the loader's OCR path. Every
hand-checked cell (tests/test_seed_figures.py, tests/test_pdf_corpus.py) is then one of:
- right: the value read equals the hand check;
- null with a warning: no value, and a finding names the key (the reviewer is told to look);
- null without a warning (counted apart: it must stay 0);
- wrong: a value that differs from the hand check (the target is 0).
Seconds per page are CPU seconds of this process and its tesseract children, divided by pages.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from assistant.check import check_report  # noqa: E402
from assistant.load import load_bytes  # noqa: E402
from assistant.parse import extract  # noqa: E402
from conftest import CORPUS, sample  # noqa: E402
from documents import report_blocks, to_pdf  # noqa: E402
from scans import image_only_pdf, scanned_pages  # noqa: E402
from test_pdf_corpus import PDF_EXPECTATIONS  # noqa: E402
from test_seed_figures import SEED_EXPECTATIONS  # noqa: E402


def documents() -> list[tuple[str, bytes, dict]]:
    """(name, printed PDF, hand-checked figures) for the seeds and the corpus PDFs."""
    found = []
    for seed, expected in sorted(SEED_EXPECTATIONS.items()):
        blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
        found.append((f"seed {seed}", to_pdf(blocks), expected["figures"]))
    for name, expected in sorted(PDF_EXPECTATIONS.items()):
        path = CORPUS / "raw" / name
        if path.exists():
            found.append((name, path.read_bytes(), expected["figures"]))
    return found


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def classify(report, figures: dict) -> tuple[Counter, list[str], list[str]]:
    """Outcome counts, the wrong cells and the null cells (each with what was read)."""
    warned = {key for finding in check_report(report) for key in finding.keys}
    outcome: Counter = Counter()
    wrong, nulls = [], []
    for key, expected in figures.items():
        value = report.figures.get(key)
        if value == expected:
            outcome["right"] += 1
        elif value is None:
            outcome["null, warned" if key in warned else "null, silent"] += 1
            cell = report.cell(key)
            nulls.append(f"{key}: printed {expected}, read {cell.raw if cell else ''!r} ({cell.note if cell else ''})")
        else:
            outcome["wrong"] += 1
            wrong.append(f"{key}: read {value}, printed {expected}")
    return outcome, wrong, nulls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="names (or parts of names) of the documents to measure")
    parser.add_argument("--dpi", type=int, default=180)
    parser.add_argument("--nulls", action="store_true", help="list every null cell with what was read")
    args = parser.parse_args()
    total: Counter = Counter()
    pages = 0
    cpu = wall = 0.0
    for index, (name, pdf, figures) in enumerate(documents()):
        if args.only and not any(part in name for part in args.only):
            continue
        scans = scanned_pages(pdf, dpi=args.dpi, seed=index)
        scan = image_only_pdf(scans, dpi=args.dpi)
        cpu_start, wall_start = cpu_seconds(), time.perf_counter()
        report = extract(load_bytes(scan, f"{name}.pdf", ".pdf"))
        outcome, wrong, nulls = classify(report, figures)
        used_cpu, used_wall = cpu_seconds() - cpu_start, time.perf_counter() - wall_start
        total += outcome
        pages += len(scans)
        cpu += used_cpu
        wall += used_wall
        cells = sum(outcome.values())
        print(f"{name:<26} {len(scans)} pages  right {outcome['right']}/{cells}  null+warning {outcome['null, warned']}"
              f"  null silent {outcome['null, silent']}  wrong {outcome['wrong']}  "
              f"{used_cpu / len(scans):.1f} s CPU/page ({used_wall / len(scans):.1f} s wall)", flush=True)
        for line in wrong:
            print(f"    WRONG {line}")
        for line in nulls if args.nulls else ():
            print(f"    null {line}")
    cells = sum(total.values())
    if not cells:
        return
    print(f"all: {pages} pages, {cells} cells: right {100 * total['right'] / cells:.1f}%, "
          f"null with warning {100 * total['null, warned'] / cells:.1f}%, null silent {total['null, silent']}, "
          f"wrong {total['wrong']}; {cpu / pages:.1f} s CPU per page ({wall / pages:.1f} s wall)")


if __name__ == "__main__":
    main()
