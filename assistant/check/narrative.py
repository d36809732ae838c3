"""Narrative against tables (TEXT_TABLE_MISMATCH) and against itself (TEXT_ARITHMETIC).

A stated figure is compared with every table cell it could reasonably name (收到 may count 上年结转
too; 办理/答复 may mean 新收 or 总计; 行政诉讼 may be one kind of suit or both), and a warning is
raised only when it matches none: the point is to catch contradictions, not phrasing.
Figures about the whole area (全区/全市…) are not compared when the report also speaks of its own
level (本级), since its tables then count only that level.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Optional
from collections.abc import Callable

from assistant import catalogue
from assistant.catalogue import key_label
from assistant.check.evidence import cells_evidence, fmt, quote
from assistant.models import Finding, NarrativeFigure, Report

_Values = Callable[[Report], list[Optional[float]]]


def _get(*keys: str) -> Callable[[Report], Optional[float]]:
    def value(report: Report) -> Optional[float]:
        values = [report.value(k) for k in keys]
        return None if any(v is None for v in values) else sum(values)
    return value


_NEW, _CARRIED, _TOTAL = _get("requests.new.total"), _get("requests.carried_over.total"), _get("requests.total.total")
_NEW_PLUS_CARRIED = _get("requests.new.total", "requests.carried_over.total")
_METRICS: dict[str, tuple[str, list[str], list[Callable[[Report], Optional[float]]]]] = {
    "received": ("收到申请数", ["requests.new.total"], [_NEW, _NEW_PLUS_CARRIED]),
    "handled": ("办结/答复申请数", ["requests.total.total"], [_TOTAL, _NEW, _NEW_PLUS_CARRIED]),
    "carried_forward": ("结转下年度数", ["requests.carried_forward.total"], [_get("requests.carried_forward.total")]),
    "review": ("行政复议数", ["appeals.review.total"], [_get("appeals.review.total")]),
    "suit": ("行政诉讼数", ["appeals.suit_direct.total", "appeals.suit_after_review.total"],
             [_get("appeals.suit_direct.total", "appeals.suit_after_review.total"),
              _get("appeals.suit_direct.total"), _get("appeals.suit_after_review.total")]),
    **{metric: (label, keys, [_get(*keys)]) for metric, label, keys in (
        ("granted_or_partly", "予以公开及部分公开数", ["requests.granted.total", "requests.partly_granted.total"]),
        ("granted", "予以公开数", ["requests.granted.total"]),
        ("partly_granted", "部分公开数", ["requests.partly_granted.total"]),
        ("withheld", "不予公开数", [f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith("withheld.")]),
        ("unable", "无法提供数", [f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith("unable.")]),
        ("not_processed", "不予处理数", [f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith("not_processed.")]),
    )},
    "corrected": ("被纠错数", ["appeals.review.corrected"],
                  [_get("appeals.review.corrected"),
                   _get("appeals.review.corrected", "appeals.suit_direct.corrected", "appeals.suit_after_review.corrected")]),
    "suit_lost": ("行政诉讼败诉（结果纠正）数", ["appeals.suit_direct.corrected", "appeals.suit_after_review.corrected"],
                  [_get("appeals.suit_direct.corrected", "appeals.suit_after_review.corrected")]),
    "doc_issued": ("本年制发规范性文件数", ["active.normative_doc.issued"], [_get("active.normative_doc.issued")]),
    "doc_repealed": ("本年废止规范性文件数", ["active.normative_doc.repealed"], [_get("active.normative_doc.repealed")]),
    "doc_in_force": ("现行有效规范性文件数", ["active.normative_doc.in_force"], [_get("active.normative_doc.in_force")]),
}


def check_text_vs_tables(report: Report) -> list[Finding]:
    own_level = "本级" in report.normalized
    by_metric: dict[str, list[NarrativeFigure]] = defaultdict(list)
    for statement in report.statements:
        by_metric[statement.metric].append(statement)
    findings: list[Finding] = []
    for metric, all_stated in by_metric.items():
        label, keys, readers = _metric(metric, report)
        accepted = [v for v in (read(report) for read in readers) if v is not None]
        stated = [s for s in all_stated if not (s.wide_scope and own_level)]
        if not accepted or not stated or any(s.value in accepted for s in all_stated):
            continue
        table_value = accepted[0]
        phrases = "；".join(f"“{_clip(s.text)}”" for s in stated[:3])
        findings.append(Finding(
            rule="TEXT_TABLE_MISMATCH", severity="warning", keys=keys,
            evidence=[quote(report, s.offset) for s in stated[:3]] + cells_evidence(report, keys),
            message=(f"正文所述{label}（{'、'.join(str(s.value) for s in stated[:3])}）与表格不一致："
                     f"表格{'+'.join(key_label(k) for k in keys)}为{fmt(table_value)}。正文：{phrases}。")))
    return findings


def _metric(metric: str, report: Report):
    """What a metric names in this report's template (其他处理 is one row in 2019, three in 2021)."""
    if metric != "other_processed":
        return _METRICS[metric]
    rows = [row for row in catalogue.request_detail_rows(report.meta.template or "2021") if row.startswith("other.")]
    keys = [f"requests.{row}.total" for row in rows]
    return "其他处理数", keys, [_get(*keys)]


def check_text_arithmetic(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    by_sentence: dict[int, list[NarrativeFigure]] = defaultdict(list)
    for statement in report.statements:
        by_sentence[statement.sentence_start].append(statement)
    carried = _CARRIED(report) or 0
    for stated in by_sentence.values():
        sentence = "；".join(dict.fromkeys(s.text for s in stated))
        metrics = defaultdict(list)
        for s in stated:
            metrics[s.metric].append(s)
        if all(len(metrics[m]) == 1 for m in ("received", "handled", "carried_forward")):
            received, handled, forward = (metrics[m][0].value for m in ("received", "handled", "carried_forward"))
            if received + carried != handled + forward:
                findings.append(Finding(
                    rule="TEXT_ARITHMETIC", severity="warning", keys=["requests.new.total", "requests.total.total",
                                                                         "requests.carried_forward.total"],
                    evidence=[quote(report, stated[0].offset)],
                    message=(f"正文数字自相矛盾：收到{received}件" + (f"（另上年结转{fmt(carried)}件）" if carried else "")
                             + f"，但办结{handled}件与结转{forward}件之和为{handled + forward}。正文：“{_clip(sentence)}”")))
    return findings + _percentages(report)


_SHARE = re.compile(r"(\d+)\s*件[，,]?\s*占(?:比|比例为|比重为)?\s*(\d+(?:\.\d+)?)\s*%")
_SHARE_REACH = 300


def _percentages(report: Report) -> list[Finding]:
    """'其中：予以公开42件，占51.85%': shares of the request count stated just before, in the same paragraph."""
    bases = sorted((s for s in report.statements if s.metric in ("received", "handled") and s.value), key=lambda s: s.offset)
    findings = []
    for index, base in enumerate(bases):
        end = min(base.offset + _SHARE_REACH, bases[index + 1].offset if index + 1 < len(bases) else len(report.normalized))
        newline = report.normalized.find("\n", base.offset, end)
        window = report.normalized[base.offset : newline if newline >= 0 else end]
        for match in _SHARE.finditer(window):
            part, stated = int(match.group(1)), float(match.group(2))
            actual = part / base.value * 100
            if abs(actual - stated) > 0.6:
                findings.append(Finding(
                    rule="TEXT_ARITHMETIC", severity="warning", keys=["requests.new.total"],
                    evidence=[quote(report, base.offset + match.start())],
                    message=(f"正文百分比有误：{part}件占{base.value}件应为{actual:.2f}%，正文写作“{match.group(0)}”。"
                             f"所依据的总数见：“{_clip(base.text)}”")))
    return findings


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
