"""Precision and recall of TEXT_TABLE_MISMATCH and TEXT_ARITHMETIC against the hand-labelled
narrative sentences (tests/data/narrative_labels.tsv), and the claims the extractor missed.

Usage: python bench/narrative_quality.py [CORPUS_RAW_DIR] [--list]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from narrative_labels import LABELS, RULE_OF_KIND, load_labels, score  # noqa: E402


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(args[0]) if args else PROJECT.parent / "shared" / "corpus" / "raw"
    if not LABELS.exists():
        print(f"no labels at {LABELS}")
        return 1
    labels = load_labels()
    result = score(labels, PROJECT / "examples" / "reports", corpus)
    print(f"labels: {len(labels)} figures of {len({l.report for l in labels})} reports; scored {result.reports} reports")
    for rule in RULE_OF_KIND.values():
        right, wrong = len(result.right.get(rule, [])), len(result.wrong.get(rule, []))
        found, missed = len(result.found.get(rule, [])), len(result.not_found.get(rule, []))
        print(f"{rule}: findings {right + wrong} (right {right}, wrong {wrong}), precision {result.precision(rule):.3f}; "
              f"expected {found + missed} (found {found}), recall {result.recall(rule):.3f}")
    by_kind = Counter(l.kind for l in result.missed_claims)
    print(f"claims missed by the extractor: {len(result.missed_claims)} of {result.claims} "
          f"({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items())) or 'none'})")
    if "--list" in sys.argv:
        for rule in RULE_OF_KIND.values():
            for name, finding in result.wrong.get(rule, []):
                print(f"  wrong {rule} {name}: {finding.message[:160]}")
            for label in result.not_found.get(rule, []):
                print(f"  not found {rule} {label.report}:{label.line} {label.value} “{label.quote[:80]}”")
        for label in result.missed_claims:
            print(f"  missed claim {label.kind} {label.report}:{label.line} {label.value} “{label.quote[:80]}”")
    return 0


if __name__ == "__main__":
    sys.exit(main())
