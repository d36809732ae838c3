"""Stage 3: figures and narrative → findings with evidence (SPEC §3)."""

from __future__ import annotations

from typing import Optional

from assistant.check.arithmetic import check_arithmetic
from assistant.check.cells import check_cells
from assistant.check.cross_year import check_batch, resolved_by_previous, with_previous_years
from assistant.check.narrative import check_text_arithmetic, check_text_vs_tables
from assistant.check.plausibility import check_active_docs, check_fee_unit
from assistant.check.problems import check_fee_statement, check_problems_section
from assistant.check.structure import check_sections, check_template
from assistant.models import CheckedReport, Finding, Report

SINGLE_REPORT_CHECKS = (
    check_sections, check_template, check_arithmetic, check_cells, check_active_docs, check_fee_unit,
    check_text_vs_tables, check_text_arithmetic, check_problems_section, check_fee_statement,
)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_report(report: Report) -> list[Finding]:
    return _by_severity(finding for check in SINGLE_REPORT_CHECKS for finding in check(report))


def check_reports(reports: list[Report], own: Optional[list[list[Finding]]] = None) -> list[CheckedReport]:
    """Every single-report rule (or `own`, their findings already computed, e.g. by a worker
    process), plus the cross-report rules where the batch allows them. The previous year's report
    also helps read flattened section 二 rows; a report read again that way is checked again."""
    resolved = with_previous_years(reports)
    given = own if own is not None else [None] * len(reports)
    mine = [found if found is not None and after is before else check_report(after)
            for before, after, found in zip(reports, resolved, given)]
    cross = check_batch(resolved)
    return [CheckedReport(source=r.source, findings=_by_severity([*found, *resolved_by_previous(r), *cross.get(r.source, [])]))
            for r, found in zip(resolved, mine)]


def _by_severity(findings) -> list[Finding]:
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])
