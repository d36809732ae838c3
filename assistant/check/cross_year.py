"""Rules that need more than one report: carry-over between years and copied problem sections."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Optional

from assistant.catalogue import APPLICANT_COLUMNS, key_label
from assistant.check.evidence import cell_evidence, cells_evidence, fmt, quote
from assistant.check.similarity import copied_passages
from assistant.models import Finding, Report
from assistant.parse.meta import place_units
from assistant.parse.cross_year import CROSS_YEAR_NOTE, resolve_with_previous
from assistant.parse.problem_lists import split_section

SAME_BODY_COPY_SHARE = 0.5
OTHER_BODY_COPY_SHARE = 0.6
MAX_QUOTED_PASSAGES = 5
MIN_MEASURES = 60
_ALIASES = {"平潭县": "平潭综合实验区"}


def body_key(report: Report) -> Optional[str]:
    """A name that stays the same for one body across years and spellings: '定海区人民政府' and
    '定海区' are one body, and so are '淮安市洪泽区人民政府' and '洪泽区人民政府' (the lowest
    administrative unit and what follows it identify the body)."""
    body = report.meta.body
    if not body:
        return None
    name = re.sub(r"\s+", "", body)
    name = re.sub(r"人民政府$", "", name)
    for alias, canonical in _ALIASES.items():
        if name.startswith(alias):
            name = canonical + name[len(alias):]
    units, rest = place_units(name)
    return units[-1] + rest if units else name


def consecutive_pairs(reports: list[Report]) -> list[tuple[Report, Report]]:
    """(previous, current) for reports of one body for consecutive years."""
    by_body: dict[str, dict[int, Report]] = defaultdict(dict)
    for report in reports:
        key = body_key(report)
        if key and report.meta.year:
            by_body[key].setdefault(report.meta.year, report)
    return [(years[year - 1], current) for years in by_body.values() for year, current in sorted(years.items())
            if year - 1 in years]


def with_previous_years(reports: list[Report]) -> list[Report]:
    """Each report read again with its body's previous report where that resolves section 二 cells."""
    previous_of = {id(current): previous for previous, current in consecutive_pairs(reports)}
    return [resolve_with_previous(r, previous_of[id(r)]) if id(r) in previous_of else r for r in reports]


def resolved_by_previous(report: Report) -> list[Finding]:
    """Cells settled by the previous year's report, saying which report settled them."""
    return [Finding(rule="CELL_CROSS_YEAR", severity="info", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                    message=f"{key_label(cell.key)}为{fmt(cell.value)}：{cell.note}。")
            for cell in report.cells if cell.note.startswith(CROSS_YEAR_NOTE)]


def check_batch(reports: list[Report]) -> dict[str, list[Finding]]:
    findings: dict[str, list[Finding]] = defaultdict(list)
    by_body: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        key = body_key(report)
        if key and report.meta.year:
            by_body[key].append(report)
    for series in by_body.values():
        series.sort(key=lambda r: r.meta.year)
        for previous, current in zip(series, series[1:]):
            if current.meta.year == previous.meta.year + 1:
                findings[current.source].extend(carry_over(previous, current))
            findings[current.source].extend(copied(current, previous, same_body=True))
    for report in reports:
        others = [o for o in reports if o is not report and body_key(o) != body_key(report)
                  and o.meta.year == report.meta.year]
        for other in others:
            findings[report.source].extend(copied(report, other, same_body=False))
    return findings


def carry_over(previous: Report, current: Report) -> list[Finding]:
    mismatched = []
    for column, _ in APPLICANT_COLUMNS:
        before, now = previous.value(f"requests.carried_forward.{column}"), current.value(f"requests.carried_over.{column}")
        if before is not None and now is not None and before != now:
            mismatched.append((column, before, now))
    if not mismatched:
        return []
    keys = [f"requests.carried_over.{c}" for c, _, _ in mismatched]
    details = "；".join(f"{key_label(f'requests.carried_over.{c}').split('·')[1]}：本年{fmt(n)}，上年报告结转{fmt(b)}"
                        for c, b, n in mismatched)
    evidence = cells_evidence(current, keys[:3]) + [
        e.model_copy(update={"text": f"{previous.meta.year}年报告 {e.text}"})
        for e in cells_evidence(previous, [f"requests.carried_forward.{c}" for c, _, _ in mismatched[:3]])]
    return [Finding(rule="CARRY_OVER_YOY", severity="warning", keys=keys, evidence=evidence,
                    message=(f"本年“上年结转政府信息公开申请数量”与{previous.meta.year}年度报告的“结转下年度继续办理”不一致（{details}）。"
                             f"上年报告：{previous.source}"))]


def copied(report: Report, other: Report, same_body: bool) -> list[Finding]:
    """Section 五 repeating another report: the whole section, or (same body) its measures alone."""
    mine, theirs = report.section("五"), other.section("五")
    if mine is None or theirs is None:
        return []
    text, other_text = report.section_text("五"), other.section_text("五")
    passages, share = copied_passages(text, other_text)
    measures = split_section(text).measures
    measures_start = measures[0].start if measures else len(text)
    measure_passages, measures_share = copied_passages(text[measures_start:], other_text)
    threshold = SAME_BODY_COPY_SHARE if same_body else OTHER_BODY_COPY_SHARE
    measures_copied = same_body and len(text) - measures_start >= MIN_MEASURES and measures_share >= threshold
    if share < threshold and not measures_copied:
        return []
    whom = f"本单位{other.meta.year}年度报告" if same_body else f"{other.meta.body or other.source}的报告"
    if share >= threshold:
        quoted = [mine.body_start + p.start for p in passages]
        what = f"约{share:.0%}的内容与{whom}雷同（{len(passages)}句）" + (
            f"，其中改进措施约{measures_share:.0%}雷同" if measures else "")
    else:
        quoted = [mine.body_start + measures_start + p.start for p in measure_passages]
        what = f"的改进措施约{measures_share:.0%}照搬{whom}（{len(measure_passages)}句）"
    evidence = [quote(report, offset) for offset in quoted[:MAX_QUOTED_PASSAGES]]
    return [Finding(rule="PROBLEMS_COPIED", severity="warning", keys=[], evidence=evidence,
                    message=(f"第五部分“存在的主要问题及改进情况”{what}，问题和措施应结合本年度实际撰写。"
                             f"对照报告：{other.source}"))]
