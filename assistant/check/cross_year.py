"""Rules that need more than one report: carry-over between years and copied problem sections.

They read `PeerView`s (see `assistant.check.peers`), so a batch holds a few KiB per report; a
`Report` given instead is reduced to its view first."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar
from collections.abc import Callable, Iterable, Iterator

from assistant.catalogue import APPLICANT_COLUMNS, key_label
from assistant.check.evidence import cell_evidence, fmt
from assistant.check.peers import PeerView, body_key, peer_view
from assistant.check.similarity import NearCopyCandidates, Passage, copied_passages
from assistant.models import Evidence, Finding, Report
from assistant.parse.cross_year import CROSS_YEAR_NOTE

__all__ = ["body_key", "carry_over", "check_batch", "copied", "resolved_by_previous", "year_pairs"]

SAME_BODY_COPY_SHARE = 0.5
OTHER_BODY_COPY_SHARE = 0.6
MAX_QUOTED_PASSAGES = 5
MIN_MEASURES = 60
T = TypeVar("T")
Comparison = Callable[[str, str], tuple[list[Passage], float]]


def year_pairs(series: Iterable[T], order: Callable[[T], tuple[int, str]]) -> Iterator[tuple[T, T]]:
    """(previous, current) over one body's reports: the previous one is the latest of an earlier
    year, so two versions of one year are never taken for last year's report."""
    previous_year_last = this_year_last = this_year = None
    for current in sorted(series, key=order):
        year = order(current)[0]
        if year != this_year:
            previous_year_last, this_year = this_year_last, year
        if previous_year_last is not None:
            yield previous_year_last, current
        this_year_last = current


def body_year_pairs(peers: Iterable[PeerView]) -> Iterator[tuple[PeerView, PeerView]]:
    """`year_pairs` within each body of a batch (reports without a body or year are in none)."""
    by_body: dict[str, list[PeerView]] = defaultdict(list)
    for peer in peers:
        if peer.key and peer.year:
            by_body[peer.key].append(peer)
    for series in by_body.values():
        yield from year_pairs(series, lambda p: (p.year, p.source))


def resolved_by_previous(report: Report) -> list[Finding]:
    """Cells settled by the previous year's report, saying which report settled them."""
    return [Finding(rule="CELL_CROSS_YEAR", severity="info", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                    message=f"{key_label(cell.key)}为{fmt(cell.value)}：{cell.note}。")
            for cell in report.cells if cell.note.startswith(CROSS_YEAR_NOTE)]


def check_batch(peers: list[PeerView]) -> dict[str, list[Finding]]:
    """Cross-report findings by source. Identical texts are one report here (their sources share
    its findings: a file given twice is not a copy of itself); a body's report is compared with
    its latest report of an earlier year; same-year reports of other bodies only when they can
    share a near-identical sentence (`NearCopyCandidates`, over distinct section 五 texts, each
    pair of texts compared once), so the work grows with the batch."""
    distinct: dict[bytes, PeerView] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    for peer in peers:
        aliases[distinct.setdefault(peer.identity, peer).source].append(peer.source)
    unique = list(distinct.values())
    compare = _memoized(copied_passages)
    findings: dict[str, list[Finding]] = defaultdict(list)
    for previous, current in body_year_pairs(unique):
        if current.year == previous.year + 1:
            findings[current.source].extend(carry_over(previous, current))
        findings[current.source].extend(copied(current, previous, same_body=True, compare=compare))
    for index, others in _other_body_copies(unique, compare):
        findings[unique[index].source].extend(
            finding for other in others for finding in copied(unique[index], unique[other], same_body=False, compare=compare))
    return {alias: findings[source] for source, names in aliases.items() for alias in names if findings[source]}


def _other_body_copies(unique: list[PeerView], compare: Comparison) -> Iterator[tuple[int, list[int]]]:
    """(index, indexes in order) of same-year reports of other bodies whose section 五 the
    report's own one copies enough to be flagged."""
    texts: dict[str, int] = {}
    holders: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    text_of: dict[int, int] = {}
    for index, peer in enumerate(unique):
        if peer.problems is not None:
            text_of[index] = texts.setdefault(peer.problems.text, len(texts))
            holders[(text_of[index], peer.year)].append(index)
    ordered_texts = list(texts)
    candidates = NearCopyCandidates(ordered_texts)
    for index, text in text_of.items():
        peer = unique[index]
        others = []
        for candidate in candidates.sharing(text):
            held = [other for other in holders.get((candidate, peer.year), ()) if other != index and unique[other].key != peer.key]
            if held and compare(ordered_texts[text], ordered_texts[candidate])[1] >= OTHER_BODY_COPY_SHARE:
                others.extend(held)
        if others:
            yield index, sorted(others)


def _memoized(compare: Comparison) -> Comparison:
    """`compare` computed once per pair of texts within one batch."""
    known: dict[tuple[str, str], tuple[list[Passage], float]] = {}

    def memo(text: str, other: str) -> tuple[list[Passage], float]:
        found = known.get((text, other))
        if found is None:
            found = known[(text, other)] = compare(text, other)
        return found
    return memo


def _peer(report: Report | PeerView) -> PeerView:
    return report if isinstance(report, PeerView) else peer_view(report)


def carry_over(previous: Report | PeerView, current: Report | PeerView) -> list[Finding]:
    previous, current = _peer(previous), _peer(current)
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
    evidence = current.evidence_of(keys[:3]) + [
        e.model_copy(update={"text": f"{previous.year}年报告 {e.text}"})
        for e in previous.evidence_of([f"requests.carried_forward.{c}" for c, _, _ in mismatched[:3]])]
    return [Finding(rule="CARRY_OVER_YOY", severity="warning", keys=keys, evidence=evidence,
                    message=(f"本年“上年结转政府信息公开申请数量”与{previous.year}年度报告的“结转下年度继续办理”不一致（{details}）。"
                             f"上年报告：{previous.source}"))]


def copied(report: Report | PeerView, other: Report | PeerView, same_body: bool,
           compare: Comparison = copied_passages) -> list[Finding]:
    """Section 五 repeating another report: the whole section, or (same body) its measures alone."""
    report, other = _peer(report), _peer(other)
    mine, theirs = report.problems, other.problems
    if mine is None or theirs is None:
        return []
    text, other_text, measures_start = mine.text, theirs.text, mine.measures_start
    passages, share = compare(text, other_text)
    measure_passages, measures_share = compare(text[measures_start:], other_text)
    threshold = SAME_BODY_COPY_SHARE if same_body else OTHER_BODY_COPY_SHARE
    measures_copied = same_body and len(text) - measures_start >= MIN_MEASURES and measures_share >= threshold
    if share < threshold and not measures_copied:
        return []
    whom = f"本单位{other.year}年度报告" if same_body else f"{other.body or other.source}的报告"
    has_measures = measures_start < len(text)
    if share >= threshold:
        quoted = [p.start for p in passages]
        what = f"约{share:.0%}的内容与{whom}雷同（{len(passages)}句）" + (
            f"，其中改进措施约{measures_share:.0%}雷同" if has_measures else "")
    else:
        quoted = [measures_start + p.start for p in measure_passages]
        what = f"的改进措施约{measures_share:.0%}照搬{whom}（{len(measure_passages)}句）"
    evidence: list[Evidence] = [mine.quotes[offset] for offset in quoted[:MAX_QUOTED_PASSAGES]]
    return [Finding(rule="PROBLEMS_COPIED", severity="warning", keys=[], evidence=evidence,
                    message=(f"第五部分“存在的主要问题及改进情况”{what}，问题和措施应结合本年度实际撰写。"
                             f"对照报告：{other.source}"))]
