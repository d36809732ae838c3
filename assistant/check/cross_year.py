"""Rules that need more than one report: carry-over between years and copied problem sections."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Optional, TypeVar
from collections.abc import Callable, Iterable, Iterator

from assistant.catalogue import APPLICANT_COLUMNS, key_label
from assistant.check.evidence import cell_evidence, cells_evidence, fmt, quote
from assistant.check.similarity import NearCopyCandidates, copied_passages
from assistant.models import Finding, Report
from assistant.parse.cross_year import CROSS_YEAR_NOTE, resolve_with_previous
from assistant.parse.meta import place_units
from assistant.parse.problem_lists import split_section

SAME_BODY_COPY_SHARE = 0.5
OTHER_BODY_COPY_SHARE = 0.6
MAX_QUOTED_PASSAGES = 5
MIN_MEASURES = 60
_ALIASES = {"平潭县": "平潭综合实验区"}
T = TypeVar("T")


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


def year_pairs(series: Iterable[T], order: Callable[[T], tuple[int, str]]) -> Iterator[tuple[T, T]]:
    """(previous, current) over one body's reports: the previous one is the latest of an earlier
    year, so two versions of one year are never taken for last year's report."""
    ordered = sorted(series, key=order)
    for index, current in enumerate(ordered):
        earlier = [item for item in ordered[:index] if order(item)[0] < order(current)[0]]
        if earlier:
            yield earlier[-1], current


def _body_year_pairs(reports: Iterable[Report]) -> Iterator[tuple[Report, Report]]:
    """`year_pairs` within each body of a batch (reports without a body or year are in none)."""
    by_body: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        key = body_key(report)
        if key and report.meta.year:
            by_body[key].append(report)
    for series in by_body.values():
        yield from year_pairs(series, lambda r: (r.meta.year, r.source))


def with_previous_years(reports: list[Report]) -> list[Report]:
    """Each report read again with its body's report of the year before where that resolves
    section 二 cells (the same report object otherwise)."""
    previous_of = {id(current): previous for previous, current in _body_year_pairs(reports)
                   if current.meta.year == previous.meta.year + 1}
    return [resolve_with_previous(r, previous_of[id(r)]) if id(r) in previous_of else r for r in reports]


def resolved_by_previous(report: Report) -> list[Finding]:
    """Cells settled by the previous year's report, saying which report settled them."""
    return [Finding(rule="CELL_CROSS_YEAR", severity="info", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                    message=f"{key_label(cell.key)}为{fmt(cell.value)}：{cell.note}。")
            for cell in report.cells if cell.note.startswith(CROSS_YEAR_NOTE)]


def check_batch(reports: list[Report]) -> dict[str, list[Finding]]:
    """Cross-report findings by source. Identical texts are one report here (their sources share
    its findings: a file given twice is not a copy of itself); a body's report is compared with
    its latest report of an earlier year; same-year reports of other bodies only when they can
    share a near-identical sentence (`NearCopyCandidates`), so the work grows with the batch."""
    distinct: dict[str, Report] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    for report in reports:
        identity = f"{report.meta.body}\0{report.meta.year}\0{report.document.text}"
        digest = hashlib.blake2b(identity.encode("utf-8"), digest_size=16).digest()
        aliases[distinct.setdefault(digest, report).source].append(report.source)
    unique = list(distinct.values())
    keys = [body_key(report) for report in unique]
    findings: dict[str, list[Finding]] = defaultdict(list)
    for previous, current in _body_year_pairs(unique):
        if current.meta.year == previous.meta.year + 1:
            findings[current.source].extend(carry_over(previous, current))
        findings[current.source].extend(copied(current, previous, same_body=True))
    candidates = NearCopyCandidates([report.section_text("五") for report in unique])
    for index, report in enumerate(unique):
        for other_index in sorted(candidates.of(index)):
            other = unique[other_index]
            if keys[other_index] != keys[index] and other.meta.year == report.meta.year:
                findings[report.source].extend(copied(report, other, same_body=False))
    return {alias: findings[source] for source, names in aliases.items() for alias in names if findings[source]}


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
