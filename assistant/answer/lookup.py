"""Reading figures, passages and findings out of the index into an answer's `Evidence`.

Shared by the offline composer and the LLM tools, so both state exactly the same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from collections.abc import Sequence

from assistant.answer.evidence import DerivedRef, Evidence, FigureRef
from assistant.answer.metrics import Metric
from assistant.catalogue import key_label
from assistant.check.problems import problem_clauses
from assistant.models import Number
from assistant.parse.instructions import instruction_spans, overlaps_instruction
from assistant.store import IndexDatabase, StoredReport


def fmt(value: Optional[Number]) -> str:
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def name_of(report: StoredReport) -> str:
    return f"{report.body or report.source}{report.year or ''}年度报告" if report.year else (report.body or report.source)


def reports_for(db: IndexDatabase, body_key: str, years: Sequence[int]) -> list[StoredReport]:
    """The body's reports for the years asked, or its latest one when no year is asked."""
    reports = db.reports(body_key=body_key)
    if years:
        return [r for r in reports if r.year in years]
    dated = [r for r in reports if r.year]
    return [max(dated, key=lambda r: r.year)] if dated else reports[-1:]


def scope(db: IndexDatabase, regions: Sequence[str], years: Sequence[int]) -> list[StoredReport]:
    """Reports in the regions and years asked; the latest year present when no year is asked."""
    candidates = [r for region in regions for r in db.reports(region=region)] if regions else db.reports()
    if years:
        return [r for r in candidates if r.year in years]
    latest = max((r.year for r in candidates if r.year), default=None)
    return [r for r in candidates if r.year == latest]


@dataclass
class MetricValue:
    """A metric's value in one report; `ref_id` is the figure or the computed sum that states it,
    `marker` what a draft writes after the number (the sum and its non-zero parts)."""

    report: StoredReport
    value: Optional[Number]
    ref_id: Optional[str]
    marker: str
    missing: list[str]


def metric_values(db: IndexDatabase, evidence: Evidence, reports: Sequence[StoredReport], metric: Metric) -> list[MetricValue]:
    """A metric for each report: one cited figure, or a sum computed from cited figures."""
    rows = db.figure_rows([r.id for r in reports], list(metric.keys))
    found = []
    for report in reports:
        refs: list[FigureRef] = []
        missing = []
        for key in metric.keys:
            row = rows.get((report.id, key))
            if row is None or row["value"] is None:
                missing.append(f"{key_label(key)}（{'空白' if row is not None and row['status'] == 'blank' else '缺失或无法识别'}）")
                continue
            refs.append(evidence.figure(report=report.source, body=report.body, year=report.year, key=key,
                                        label=key_label(key), value=_number(row["value"]), line=row["line"]))
        if missing:
            found.append(MetricValue(report, None, None, "", missing))
        elif len(refs) == 1:
            found.append(MetricValue(report, refs[0].value, refs[0].id, f"[{refs[0].id}]", []))
        else:
            total = _number(sum(ref.value for ref in refs))
            derived = evidence.derive(f"{metric.label} = " + " + ".join(f"{ref.label}" for ref in refs), [total],
                                      [ref.id for ref in refs])
            cited = "".join(f"[{ref.id}]" for ref in refs if ref.value)
            found.append(MetricValue(report, total, derived.id, f"[{derived.id}]{cited}", []))
    return found


def derive(evidence: Evidence, expression: str, value: Number, inputs: Sequence[str]) -> DerivedRef:
    return evidence.derive(expression, [_number(value)], list(inputs))


def problem_passages(db: IndexDatabase, evidence: Evidence, report: StoredReport, limit: int = 6) -> list[str]:
    """Quoted problem clauses of the report's section 五, with markers (not clauses reading as
    instructions to an assistant); its first passage when the section names no concrete problem."""
    chunks = db.section_chunks(report.id, "五")
    found = [(chunk, clause.group(0).strip()) for chunk in chunks for planted in [instruction_spans(chunk.text)]
             for clause in problem_clauses(chunk.text) if not overlaps_instruction(planted, *clause.span())]
    if not found and chunks:
        found = [(chunks[0], chunks[0].text.strip())]
    markers = []
    for chunk, text in found[:limit]:
        ref = evidence.passage(report=report.source, body=report.body, year=report.year, section="五", text=text,
                               line=chunk.start_line + chunk.text[: max(chunk.text.find(text), 0)].count("\n"))
        markers.append(f"{quoted(text)}[{ref.id}]")
    return markers


def sentence_with(text: str, words: Sequence[str]) -> str:
    """The sentence of a passage that contains the topic words (the passage start otherwise)."""
    sentences = [s.strip() for s in re.findall(r"[^。；;！!？?\n]+[。；;！!？?]?", text) if s.strip()]
    for sentence in sentences:
        if any(word in sentence for word in words):
            return sentence
    return sentences[0] if sentences else text.strip()


def quoted(text: str) -> str:
    """A verbatim quotation: “…”, or 「…」 when the passage itself contains “ or ”."""
    return f"「{text}」" if "“" in text or "”" in text else f"“{text}”"


def as_prose(message: str) -> str:
    """A check's message inside an answer: its “labels” become 『labels』, since in answers “…”
    is reserved for verbatim quotations of reports."""
    return message.replace("“", "『").replace("”", "』")


def numbers_in(text: str) -> list[Number]:
    """The numbers a check wrote into its message (all computed by code from cited figures)."""
    return [float(n) if "." in n else int(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def _number(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(float(value), 6)
