"""Extraction and check quality numbers for the closing notes, measured on the real reports.

Usage: python bench/quality.py [CORPUS_RAW_DIR]
- corpus coverage: reports whose every cell resolved, null cells by reason;
- mutation detection: every single-cell change (+1) of the seeds' section 三/四 numbers, share
  caught by an `error` finding naming that key;
- error findings on reports whose tables are consistent as printed;
- how often each rule fires over the seeds and the whole corpus (batch checks included), so that a
  rule that never fires is visible.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from assistant.check import check_report, check_reports
from assistant.load import decode_bytes, load_file
from assistant.parse import extract

PROJECT = Path(__file__).resolve().parent.parent
ARITHMETIC = {"REQ_BALANCE", "REQ_TOTAL_ROW", "REQ_TOTAL_COL", "APPEAL_TOTAL"}
RULES = ["REQ_BALANCE", "REQ_TOTAL_ROW", "REQ_TOTAL_COL", "APPEAL_TOTAL", "CELL_NOT_NUMBER", "CELL_BLANK",
         "CELL_AMBIGUOUS", "CELL_CROSS_YEAR", "TABLE_ROW_MISSING", "ACTIVE_DOC_PLAUSIBLE", "FEE_UNIT",
         "TEXT_TABLE_MISMATCH", "TEXT_ARITHMETIC", "SECTION_MISSING", "TEMPLATE_OUTDATED", "CARRY_OVER_YOY",
         "PROBLEMS_COPIED", "PROBLEMS_VAGUE", "FEE_STATEMENT_MISSING"]


def coverage(folder: Path) -> None:
    reports = [extract(load_file(p)) for p in sorted(folder.glob("*.txt"))]
    statuses = Counter(c.status.value for r in reports for c in r.cells)
    by_table = Counter((c.key.split(".")[0], c.status.value) for r in reports for c in r.cells if c.value is None)
    full = [r for r in reports if all(c.value is not None for c in r.cells)]
    full_34 = [r for r in reports if all(c.value is not None for c in r.cells if not c.key.startswith("active."))]
    cells = sum(statuses.values())
    print(f"corpus: {len(reports)} text reports, {cells} cells")
    print(f"  every cell resolved: {len(full)} reports; sections 三 and 四 fully resolved: {len(full_34)} reports")
    for status, count in statuses.most_common():
        print(f"  {status:<11} {count:>6} cells ({100 * count / cells:.2f}%)")
    for (table, status), count in sorted(by_table.items()):
        print(f"    null in {table:<9} {status:<10} {count}")
    errors = {r.source: {f.rule for f in check_report(r) if f.severity == "error"} & ARITHMETIC for r in reports}
    print(f"  reports with arithmetic errors: {sum(bool(e) for e in errors.values())}")


def mutation_rate(paths: list[Path]) -> None:
    for path in paths:
        caught = warned = total = 0
        report = extract(load_file(path))
        for cell in report.cells:
            if not cell.key.startswith(("requests.", "appeals.")) or cell.value is None:
                continue
            text = report.document.text
            changed = text[: cell.offset] + str(int(cell.value) + 1) + text[cell.offset + len(cell.raw):]
            mutated = extract(decode_bytes(changed.encode("utf-8"), report.source))
            findings = check_report(mutated)
            total += 1
            caught += any(f.severity == "error" and cell.key in f.keys for f in findings)
            warned += any(f.rule in ARITHMETIC and cell.key in f.keys for f in findings)
        print(f"mutations of {path.name}: {total}; error naming the key: {caught} ({100 * caught / total:.1f}%); "
              f"error or blanks-as-0 warning: {warned} ({100 * warned / total:.1f}%)")


def rule_counts(paths: list[Path]) -> None:
    """Findings and reports per rule, every rule listed (0 included), one batch so cross-year rules run."""
    checked = check_reports([extract(load_file(p)) for p in paths])
    findings = Counter(f.rule for c in checked for f in c.findings)
    reports = Counter(rule for c in checked for rule in {f.rule for f in c.findings})
    print(f"rules over {len(checked)} reports (seeds + corpus, text and PDF): findings / reports")
    for rule in RULES + sorted(set(findings) - set(RULES)):
        print(f"  {rule:<22} {findings[rule]:>5} / {reports[rule]:>3}")


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT.parent / "shared" / "corpus" / "raw"
    seeds = sorted((PROJECT / "examples" / "reports").glob("*.txt"))
    seed_errors = sum(f.severity == "error" for p in seeds for f in check_report(extract(load_file(p))))
    print(f"error findings on the five (consistent) seeds: {seed_errors}")
    mutation_rate(seeds)
    if corpus.exists():
        coverage(corpus)
    rule_counts(seeds + (sorted(corpus.glob("*.txt")) + sorted(corpus.glob("*.pdf")) if corpus.exists() else []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
