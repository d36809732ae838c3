"""Stage 3: figures and narrative → findings with evidence (SPEC §3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Optional

from pydantic import BaseModel

from assistant.check.arithmetic import check_arithmetic
from assistant.check.cells import check_cells
from assistant.check.cross_year import body_year_pairs, check_batch, resolved_by_previous
from assistant.check.narrative import check_text_arithmetic, check_text_vs_tables
from assistant.check.peers import PeerView, peer_view
from assistant.check.plausibility import check_active_docs, check_fee_unit
from assistant.check.problems import check_fee_statement, check_problems_section
from assistant.check.structure import check_sections, check_template
from assistant.models import CheckedReport, Finding, Report
from assistant.parse.cross_year import PreviousYear, may_use_previous, resolve_with_previous

SINGLE_REPORT_CHECKS = (
    check_sections, check_template, check_arithmetic, check_cells, check_active_docs, check_fee_unit,
    check_text_vs_tables, check_text_arithmetic, check_problems_section, check_fee_statement,
)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ReadReport(BaseModel):
    """A report as a batch keeps it: the findings of the single-report rules, cells settled by
    the previous year's report, and its `PeerView` — not the whole report, which a batch of
    thousands could not hold. Whether the previous year's report may settle some of its cells
    (it is read again then); `report` keeps it for that where it is at hand anyway."""

    peer: PeerView
    findings: list[Finding]
    settled: list[Finding]
    may_use_previous: bool
    report: Optional[Report] = None

    @classmethod
    def of(cls, report: Report, findings: Optional[list[Finding]] = None, keep: bool = True) -> ReadReport:
        usable = may_use_previous(report)
        return cls(peer=peer_view(report), findings=check_report(report) if findings is None else findings,
                   settled=resolved_by_previous(report), may_use_previous=usable,
                   report=report if keep and usable else None)


Reread = Callable[[list[tuple[ReadReport, PreviousYear]]], Iterable[ReadReport]]


def check_report(report: Report) -> list[Finding]:
    return _by_severity(finding for check in SINGLE_REPORT_CHECKS for finding in check(report))


def check_reports(reports: list[Report], own: Optional[list[list[Finding]]] = None) -> list[CheckedReport]:
    """Every single-report rule (or `own`, their findings already computed), plus the
    cross-report rules where the batch allows them."""
    given = own if own is not None else [None] * len(reports)
    return check_read([ReadReport.of(report, found) for report, found in zip(reports, given)])


def check_read(reads: list[ReadReport], reread: Optional[Reread] = None) -> list[CheckedReport]:
    """The cross-report rules over reports already read and checked on their own (e.g. by
    worker processes). The previous year's report also helps read flattened section 二 rows; a
    report read again that way (by `reread`; by default from the reports kept, so reads made with
    `keep=False` need one) is checked again."""
    resolved = with_previous_years(reads, reread or _reread_kept)
    cross = check_batch([read.peer for read in resolved])
    return [CheckedReport(source=r.peer.source, findings=_by_severity([*r.findings, *r.settled, *cross.get(r.peer.source, [])]))
            for r in resolved]


def with_previous_years(reads: list[ReadReport], reread: Reread) -> list[ReadReport]:
    """Each report read again with its body's report of the year before where that may resolve
    section 二 cells (the same object otherwise)."""
    previous_of = {id(current): previous for previous, current in body_year_pairs(read.peer for read in reads)
                   if current.year == previous.year + 1}
    again = [index for index, read in enumerate(reads) if read.may_use_previous and id(read.peer) in previous_of]
    resolved = list(reads)
    for index, read in zip(again, reread([(reads[i], previous_of[id(reads[i].peer)].previous_year) for i in again])):
        resolved[index] = read
    return resolved


def _reread_kept(jobs: list[tuple[ReadReport, PreviousYear]]) -> Iterator[ReadReport]:
    for read, previous in jobs:
        resolved = resolve_with_previous(read.report, previous)
        yield read if resolved is read.report else ReadReport.of(resolved)


def _by_severity(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])
