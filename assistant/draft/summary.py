"""Batch summary of section 五 across many reports: problems and measures as lists, theme tags,
near-duplicates against the same body's earlier years and other bodies' reports of the same year
(with the overlapping passages), and the rollups reviewers ask for.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Optional
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from assistant.check.cross_year import body_key, year_pairs
from assistant.check.similarity import copied_passages, fingerprints
from assistant.parse.problem_lists import split_section
from assistant.draft.themes import Theme, load_themes, tag
from assistant.models import Report

LINK_SHARE = 0.1
UNCHANGED_SHARE = 0.8
MIN_SHARED_SENTENCES = 2
MOST_COPIED = 10


class CopyLink(BaseModel):
    other: str
    other_body: Optional[str]
    other_year: Optional[int]
    same_body: bool
    share: float
    passages: list[str]


class ReportSummary(BaseModel):
    source: str
    body: Optional[str]
    region: Optional[str]
    year: Optional[int]
    problems: list[str]
    measures: list[str]
    problem_themes: list[str]
    measure_themes: list[str]
    synopsis: str = ""
    copies: list[CopyLink] = Field(default_factory=list)


class CopiedPassage(BaseModel):
    text: str
    reports: list[str]


class UnchangedBody(BaseModel):
    body: str
    years: tuple[int, int]
    share: float
    source: str


class Summary(BaseModel):
    reports: list[ReportSummary]
    theme_counts: list[tuple[str, int, str, int]]
    most_copied: list[CopiedPassage]
    unchanged: list[UnchangedBody]


def summarize(reports: Iterable[Report], progress: Optional[Callable[[int], None]] = None,
              themes: Optional[tuple[Theme, ...]] = None, history: Iterable[Report] = ()) -> Summary:
    """Summaries of `reports`; `history` (e.g. earlier years outside a filter) is only compared against."""
    themes = themes or load_themes()
    reports = list(reports)
    compared = reports + [h for h in history if h.source not in {r.source for r in reports}]
    every = [_one(report, themes) for report in compared]
    summaries = every[: len(reports)]
    prints = [fingerprints(report.section_text("五")) for report in compared]
    keys = [body_key(report) for report in compared]
    partners = _print_partners(prints)
    by_body: dict[Optional[str], list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        by_body[key].append(index)
    for index, summary in enumerate(summaries):
        candidates = sorted(set(partners[index]) | (set(by_body[keys[index]]) if keys[index] is not None else set()))
        summary.copies = _links(index, candidates, compared, prints, keys)
        if progress:
            progress(index + 1)
    chosen = {report.source for report in reports}
    return Summary(reports=summaries, theme_counts=_theme_counts(summaries), most_copied=_most_copied(reports),
                   unchanged=[u for u in _unchanged(compared, every) if u.source in chosen])


def _one(report: Report, themes: tuple[Theme, ...]) -> ReportSummary:
    span = report.section("五")
    lists = split_section(report.document.text[span.body_start : span.end]) if span else None
    problems = [item.text for item in lists.problems] if lists else []
    measures = [item.text for item in lists.measures] if lists else []
    problem_themes = sorted({t for p in problems for t in tag(p, themes)})
    return ReportSummary(
        source=report.source, body=report.meta.body, region=report.meta.region, year=report.meta.year,
        problems=problems, measures=measures, problem_themes=problem_themes,
        measure_themes=sorted({t for m in measures for t in tag(m, themes)}),
        synopsis=f"列出问题{len(problems)}条、改进措施{len(measures)}条" +
                 (f"，问题涉及{'、'.join(problem_themes)}。" if problem_themes else "，所列问题较为笼统。"))


def polish_synopses(summary: Summary, polisher, progress: Optional[Callable[[int], None]] = None) -> None:
    """Let a language model rewrite each report's synopsis from its own problem list (verified)."""
    jobs = [("用一两句话概括这份年度报告“存在的主要问题”，可以引用原文。",
             f"{r.synopsis}所列问题：" + "；".join(r.problems), r.problems + r.measures, r.synopsis)
            for r in summary.reports]
    for report, text in zip(summary.reports, polisher.rewrite_many(jobs, progress)):
        report.synopsis = text


def _print_partners(prints: list[set[str]]) -> list[list[int]]:
    """For each text, the others sharing at least MIN_SHARED_SENTENCES sentence fingerprints, found
    through an inverted index rather than by intersecting every pair."""
    holders: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(prints):
        for fingerprint in found:
            holders[fingerprint].append(index)
    partners = []
    for index, found in enumerate(prints):
        shared = Counter(other for fingerprint in found for other in holders[fingerprint] if other != index)
        partners.append([other for other, count in shared.items() if count >= MIN_SHARED_SENTENCES])
    return partners


def _links(index: int, candidates: list[int], reports: list[Report], prints: list[set[str]],
           keys: list[Optional[str]]) -> list[CopyLink]:
    """Earlier reports of the same body, and same-year reports of other bodies sharing sentences."""
    report = reports[index]
    key, year = keys[index], report.meta.year
    links = []
    for other_index in candidates:
        other = reports[other_index]
        if other_index == index or report.section("五") is None or other.section("五") is None:
            continue
        same_body = key is not None and keys[other_index] == key
        related = (same_body and year and other.meta.year and other.meta.year < year) or (
            not same_body and other.meta.year == year and len(prints[index] & prints[other_index]) >= MIN_SHARED_SENTENCES)
        if not related:
            continue
        passages, share = copied_passages(report.section_text("五"), other.section_text("五"))
        if share >= LINK_SHARE:
            span = report.section("五")
            original = report.document.text[span.body_start : span.end]
            links.append(CopyLink(other=other.source, other_body=other.meta.body, other_year=other.meta.year,
                                  same_body=same_body, share=round(share, 3),
                                  passages=[original[p.start : p.end].strip() for p in passages[:5]]))
    return sorted(links, key=lambda link: -link.share)


def _theme_counts(summaries: list[ReportSummary]) -> list[tuple[str, int, str, int]]:
    counts: Counter = Counter()
    for summary in summaries:
        for theme in summary.problem_themes:
            counts[(summary.region or "（未识别）", summary.year or 0, theme)] += 1
    return [(region, year, theme, n) for (region, year, theme), n in sorted(counts.items())]


def _most_copied(reports: list[Report]) -> list[CopiedPassage]:
    """Sentences of section 五 (digits masked) that recur in several reports, most widespread first."""
    holders: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    for report in reports:
        span = report.section("五")
        if span is None:
            continue
        original = report.document.text[span.body_start : span.end]
        for print_, text in _sentence_prints(report.section_text("五"), original):
            holders[print_].add(report.source)
            texts.setdefault(print_, text)
    ranked = sorted((p for p in holders if len(holders[p]) >= 2), key=lambda p: (-len(holders[p]), texts[p]))
    return [CopiedPassage(text=texts[p], reports=sorted(holders[p])) for p in ranked[:MOST_COPIED]]


def _sentence_prints(normalized: str, original: str) -> list[tuple[str, str]]:
    found = []
    for match in re.finditer(r"[^。；;！!？?\n]+", normalized):
        single = fingerprints(match.group(0))
        if len(single) == 1:
            found.append((next(iter(single)), original[match.start() : match.end()].strip()))
    return found


def _unchanged(reports: list[Report], summaries: list[ReportSummary]) -> list[UnchangedBody]:
    """Bodies whose listed problems in one year repeat the year before almost word for word."""
    by_body: dict[str, list[tuple[Report, ReportSummary]]] = defaultdict(list)
    for report, summary in zip(reports, summaries):
        key = body_key(report)
        if key and report.meta.year:
            by_body[key].append((report, summary))
    unchanged = []
    for key, series in by_body.items():
        for (before, before_summary), (after, after_summary) in year_pairs(
                series, lambda pair: (pair[0].meta.year, pair[0].source)):
            if not before_summary.problems or not after_summary.problems:
                continue
            _, share = copied_passages("。".join(after_summary.problems), "。".join(before_summary.problems))
            if share >= UNCHANGED_SHARE:
                unchanged.append(UnchangedBody(body=after.meta.body or key, years=(before.meta.year, after.meta.year),
                                               share=round(share, 3), source=after.source))
    return unchanged
