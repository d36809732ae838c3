"""Scoring the narrative checks against the hand-labelled sentences of tests/data/narrative_labels.tsv.

Each label row is one figure of a number-bearing narrative sentence (columns: report, line, quote,
value, approx, kind cell/arith/context, cells, scope, table_value, agrees, note). A row of kind
`cell` that does not agree with its table is a TEXT_TABLE_MISMATCH a reviewer expects; a row of
kind `arith` that does not agree is a TEXT_ARITHMETIC. A finding is right when it quotes the line
of such a row and states its figure; an expected row is found when some finding of its rule does.
A claim is missed when the extractor states no figure of that value on that line.
Used by tests/test_narrative_quality.py (targets) and bench/narrative_quality.py (numbers).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.check import check_report
from assistant.load import load_file
from assistant.models import Finding, Report
from assistant.parse import extract

LABELS = Path(__file__).resolve().parent / "data" / "narrative_labels.tsv"
RULE_OF_KIND = {"cell": "TEXT_TABLE_MISMATCH", "arith": "TEXT_ARITHMETIC"}
_NO = {"no", "n", "false", "0", "否", "不一致", "disagrees"}
_YES = {"yes", "y", "true", "1", "是", "一致", "agrees"}


@dataclass(frozen=True)
class Label:
    report: str
    line: int
    quote: str
    value: float
    approx: bool
    kind: str
    agrees: bool | None

    @property
    def expected_rule(self) -> str | None:
        return RULE_OF_KIND.get(self.kind) if self.agrees is False else None


@dataclass
class Score:
    """Per rule: findings judged right/wrong, expected rows found/missed; claims the extractor missed."""

    right: dict[str, list[tuple[str, Finding]]] = field(default_factory=dict)
    wrong: dict[str, list[tuple[str, Finding]]] = field(default_factory=dict)
    found: dict[str, list[Label]] = field(default_factory=dict)
    not_found: dict[str, list[Label]] = field(default_factory=dict)
    missed_claims: list[Label] = field(default_factory=list)
    claims: int = 0
    reports: int = 0

    def precision(self, rule: str) -> float:
        judged = len(self.right.get(rule, [])) + len(self.wrong.get(rule, []))
        return len(self.right.get(rule, [])) / judged if judged else 1.0

    def recall(self, rule: str) -> float:
        expected = len(self.found.get(rule, [])) + len(self.not_found.get(rule, []))
        return len(self.found.get(rule, [])) / expected if expected else 1.0


def load_labels(path: Path = LABELS) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Label(report=row["report"].strip(), line=int(row["line"]), quote=row["quote"],
                  value=_number(row["value"]), approx=_flag(row.get("approx")) is True,
                  kind=row["kind"].strip().lower(), agrees=_flag(row.get("agrees")))
            for row in rows if row.get("report") and row.get("line") and _is_number(row.get("value", ""))]


def report_path(name: str, seeds: Path, corpus: Path) -> Path | None:
    """'seed:000_….txt' or 'corpus:raw/pingtan_2021.txt' (corpus is the corpus's raw folder)."""
    where, _, file_name = name.partition(":")
    path = (seeds if where == "seed" else corpus) / Path(file_name).name
    return path if path.exists() else None


def score(labels: list[Label], seeds: Path, corpus: Path) -> Score:
    result = Score()
    by_report: dict[str, list[Label]] = {}
    for label in labels:
        by_report.setdefault(label.report, []).append(label)
    for name, rows in sorted(by_report.items()):
        path = report_path(name, seeds, corpus)
        if path is None:
            continue
        report = extract(load_file(path))
        findings = [f for f in check_report(report) if f.rule in RULE_OF_KIND.values()]
        result.reports += 1
        _score_report(result, name, report, rows, findings)
    return result


def _score_report(result: Score, name: str, report: Report, rows: list[Label], findings: list[Finding]) -> None:
    for rule in RULE_OF_KIND.values():
        expected = [row for row in rows if row.expected_rule == rule]
        mine = [f for f in findings if f.rule == rule]
        for finding in mine:
            hit = any(_names(finding, row) for row in expected)
            (result.right if hit else result.wrong).setdefault(rule, []).append((name, finding))
        for row in expected:
            hit = any(_names(finding, row) for finding in mine)
            (result.found if hit else result.not_found).setdefault(rule, []).append(row)
    for row in rows:
        result.claims += 1
        if not any(s.value == row.value and report.document.line_of(s.offset) == row.line for s in report.statements):
            result.missed_claims.append(row)


def _names(finding: Finding, row: Label) -> bool:
    """The finding quotes the row's line and states its figure."""
    value = str(int(row.value)) if float(row.value).is_integer() else f"{row.value:g}"
    quoted = any(e.line == row.line for e in finding.evidence)
    return quoted and re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])", finding.message) is not None


def _flag(text: str | None) -> bool | None:
    word = (text or "").strip().lower()
    return True if word in _YES else False if word in _NO else None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*%?\s*", text or "") is not None


def _number(text: str) -> float:
    number = float(text.strip().rstrip("%"))
    return int(number) if number.is_integer() else number
