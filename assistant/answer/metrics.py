"""Reviewers' words for the figures, mapped to canonical keys.

A metric is one figure or the sum of several (不予公开 is eight rows); sums are computed by code and
cited as derived numbers. Patterns are tried most specific first, so 行政复议被纠正 is not read
as 行政复议.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import catalogue


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    keys: tuple[str, ...]
    pattern: str
    unit: str = "件"


def _rows(prefix: str) -> tuple[str, ...]:
    return tuple(f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith(prefix))


_SUITS = ("appeals.suit_direct.total", "appeals.suit_after_review.total")
_SUITS_CORRECTED = ("appeals.suit_direct.corrected", "appeals.suit_after_review.corrected")

METRICS: list[Metric] = [
    Metric("review_corrected", "行政复议被纠正数", ("appeals.review.corrected",), r"复议.{0,6}(?:纠正|纠错)"),
    Metric("suit_corrected", "行政诉讼被纠正（败诉）数", _SUITS_CORRECTED, r"诉讼.{0,6}(?:败诉|纠正|纠错)|败诉"),
    Metric("review_pending", "行政复议尚未审结数", ("appeals.review.pending",), r"复议.{0,6}(?:尚未审结|未审结)"),
    Metric("review", "行政复议数", ("appeals.review.total",), r"行政复议|复议"),
    Metric("suit", "行政诉讼数", _SUITS, r"行政诉讼|诉讼"),
    Metric("doc_in_force", "现行有效规范性文件件数", ("active.normative_doc.in_force",), r"现行有效"),
    Metric("doc_issued", "本年制发规范性文件件数", ("active.normative_doc.issued",), r"(?:制发|出台|印发).{0,6}规范性文件|规范性文件.{0,6}(?:制发|出台|印发)"),
    Metric("doc_repealed", "本年废止规范性文件件数", ("active.normative_doc.repealed",), r"废止"),
    Metric("regulation_issued", "本年制发规章件数", ("active.regulation.issued",), r"规章"),
    Metric("licensing", "行政许可处理决定数", ("active.licensing.decisions",), r"行政许可|许可决定"),
    Metric("punishment", "行政处罚决定数", ("active.punishment.decisions",), r"行政处罚|处罚决定"),
    Metric("coercion", "行政强制决定数", ("active.coercion.decisions",), r"行政强制"),
    Metric("admin_fee", "行政事业性收费金额", ("active.admin_fee.amount_10k_yuan",), r"行政事业性收费|收费金额", "万元"),
    Metric("carried_over", "上年结转申请数", ("requests.carried_over.total",), r"上年结转"),
    Metric("carried_forward", "结转下年度继续办理数", ("requests.carried_forward.total",), r"结转下[一年]|结转到下"),
    Metric("partly_granted", "部分公开数", ("requests.partly_granted.total",), r"部分公开"),
    Metric("granted", "予以公开数", ("requests.granted.total",), r"予以公开|同意公开|全部公开"),
    Metric("withheld", "不予公开数", _rows("withheld."), r"不予公开"),
    Metric("not_held", "本机关不掌握相关政府信息数", ("requests.unable.not_held.total",), r"不掌握"),
    Metric("unable", "无法提供数", _rows("unable."), r"无法提供"),
    Metric("not_processed", "不予处理数", _rows("not_processed."), r"不予处理"),
    Metric("requests_natural", "自然人提出的新收申请数", ("requests.new.natural",), r"自然人"),
    Metric("requests_commercial", "商业企业提出的新收申请数", ("requests.new.commercial",), r"商业企业|企业申请"),
    Metric("requests_total", "办理结果总计", ("requests.total.total",), r"办理结果.{0,4}总计|办结|答复.{0,4}(?:多少|几)"),
    Metric("requests_new", "本年新收政府信息公开申请数", ("requests.new.total",),
           r"新收|收到.{0,10}申请|申请.{0,6}(?:数量|多少|几件|数)|受理.{0,8}申请|依申请公开.{0,6}(?:数量|多少|几)|申请量"),
]
BY_ID = {metric.id: metric for metric in METRICS}


def find_metrics(text: str) -> list[Metric]:
    """Metrics named in a question, most specific first; a general one is dropped when its words
    overlap a more specific one's (行政复议被纠正 is not also 行政复议)."""
    found: list[Metric] = []
    covered: list[tuple[int, int]] = []
    for metric in METRICS:
        for match in re.finditer(metric.pattern, text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in covered):
                continue
            covered.append(span)
            if metric not in found:
                found.append(metric)
    if any(m.id in ("requests_natural", "requests_commercial") for m in found):
        found = [m for m in found if m.id != "requests_new"]
    return found
