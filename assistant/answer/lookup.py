"""Reading figures, passages and findings out of the index into an answer's `Evidence`.

Shared by the offline composer and the LLM tools, so both state exactly the same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from collections.abc import Sequence

from assistant.answer.evidence import DerivedRef, Evidence, FigureRef
from assistant.answer.metrics import Metric, spoken_label
from assistant.check.problems import problem_clauses
from assistant.models import Number
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


def year_text(years: Sequence[int]) -> str:
    return "、".join(f"{y}年度" for y in years)


def not_found(db: IndexDatabase, body: str, years: Sequence[int]) -> str:
    """Says a body (or one of its years) is not in the index, with the years it does hold."""
    available = sorted({r.year for r in db.reports(body_key=body) if r.year})
    if not available:
        return f"未找到{body}{year_text(years)}报告（索引中没有这个单位）。"
    return f"未找到{body}{year_text(years)}报告（索引中没有，现有：{year_text(available)}）。"


def asked_reports(db: IndexDatabase, bodies: Sequence[str], unknown: Sequence[str],
                  years: Sequence[int]) -> tuple[list[StoredReport], list[str]]:
    """The reports of every body × year asked, and a 未找到 line for each one the index lacks:
    nothing asked for is dropped silently."""
    missing = [not_found(db, name, years) for name in unknown]
    found: list[StoredReport] = []
    for body in bodies:
        reports = reports_for(db, body, years)
        found += reports
        absent = [y for y in years if not any(r.year == y for r in reports)]
        if absent or not reports:
            missing.append(not_found(db, body, absent))
    return found, missing


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
        keys = metric.keys_for(report.template)
        missing = [] if keys else [f"该报告使用{report.template or '未识别的'}年格式表格，没有这一栏"]
        for key in keys:
            row = rows.get((report.id, key))
            if row is None or row["value"] is None:
                reason = _UNREADABLE.get(row["status"] if row is not None else "missing", "无法识别")
                missing.append(f"{spoken_label(key)}{reason}" if len(keys) > 1 else reason)
                continue
            refs.append(evidence.figure(report=report.source, body=report.body, year=report.year, key=key,
                                        label=spoken_label(key), value=_number(row["value"]), line=row["line"]))
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


_UNREADABLE = {"blank": "（空白，未填报）", "missing": "（报告中缺失）", "not_number": "（填写的不是数字）",
               "ambiguous": "（表格数字连写、有多种读法，无法确定）"}


def derive(evidence: Evidence, expression: str, value: Number, inputs: Sequence[str]) -> DerivedRef:
    return evidence.derive(expression, [_number(value)], list(inputs))


def problem_passages(db: IndexDatabase, evidence: Evidence, report: StoredReport, limit: int = 6) -> list[str]:
    """Quoted problem clauses of the report's section 五, with markers (not clauses reading as
    instructions to an assistant); its first passage when the section names no concrete problem."""
    chunks = db.section_chunks(report.id, "五")
    found = [(chunk, clause.group(0).strip()) for chunk in chunks for clause in problem_clauses(chunk.text)]
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
