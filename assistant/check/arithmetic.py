"""勾稽关系: the equations of the section 三 and 四 tables (REQ_*, APPEAL_TOTAL).

An equation with a blank or unreadable cell is not passed silently: the table's CELL_BLANK finding
(`check.cells`) says which checks could not run because of its blank cells, and whether they would
hold with blanks read as 0; an equation that fails even then is a warning here, naming its cells.
"""

from __future__ import annotations

from typing import Optional

from assistant import catalogue
from assistant.catalogue import KeyEquation, key_label
from assistant.check.evidence import cells_evidence, fmt
from assistant.models import CellStatus, Finding, Report

RULE_NAMES = {
    "REQ_BALANCE": "新收+上年结转=办理结果总计+结转下年度",
    "REQ_TOTAL_ROW": "（七）总计=各项办理结果之和",
    "REQ_TOTAL_COL": "总计=各类申请人之和",
    "APPEAL_TOTAL": "总计=结果维持+结果纠正+其他结果+尚未审结",
}


def table_equations(report: Report) -> list[KeyEquation]:
    """The equations of the report's template whose table is there (not every cell missing)."""
    template = report.meta.template or "2021"
    single_other = catalogue.single_other_row(template, report.keys)
    equations = catalogue.request_equations(template, single_other) + catalogue.appeal_equations()
    return [eq for eq in equations
            if not all(report.cell(key).status == CellStatus.MISSING for key in eq.lhs + eq.rhs)]


def blocked_equations(report: Report, equations: Optional[list[KeyEquation]] = None) -> list[KeyEquation]:
    """Equations (of `equations`, default the report's) that cannot run as printed: some cell is
    blank or unreadable (blank is not 0)."""
    known = {key for key in report.keys if report.value(key) is not None}
    return [eq for eq in (table_equations(report) if equations is None else equations)
            if not known.issuperset(eq.lhs + eq.rhs)]


def holds_with_blanks_as_zero(report: Report, equation: KeyEquation) -> bool:
    left, right = _sides(report, equation)
    return abs(left - right) <= 1e-6


def check_arithmetic(report: Report) -> list[Finding]:
    equations = table_equations(report)
    blocked = blocked_equations(report, equations)
    findings: list[Finding] = []
    for equation in equations:
        if not holds_with_blanks_as_zero(report, equation):
            findings.append(_violation(report, equation, *_sides(report, equation), blanks_as_zero=equation in blocked))
    return findings


def _sides(report: Report, equation: KeyEquation) -> tuple[float, float]:
    """Both sides with blank or unreadable cells counted as 0."""
    return (sum(report.value(k) or 0 for k in equation.lhs), sum(report.value(k) or 0 for k in equation.rhs))


def _side(report: Report, keys: tuple[str, ...], total: float) -> str:
    """A sum as a reviewer writes it: '31 + 0 + 1 = 32', or '填报的总计为35' for a single cell."""
    if len(keys) == 1:
        return f"填报的{key_label(keys[0]).rsplit('·', 1)[-1]}为{fmt(total)}"
    return " + ".join(fmt(report.value(k)) for k in keys) + f" = {fmt(total)}"


def _violation(report: Report, equation: KeyEquation, left: float, right: float,
               blanks_as_zero: bool = False) -> Finding:
    """An equation that fails: an error as printed; only a warning when it fails with blanks read as 0."""
    caveat = "（空白单元格按0计）" if blanks_as_zero else ""
    message = (f"{equation.scope}不满足“{RULE_NAMES[equation.rule]}”{caveat}：{_side(report, equation.lhs, left)}，"
               f"{_side(report, equation.rhs, right)}，相差{fmt(abs(left - right))}。请核对并更正表格数据。")
    keys = list(equation.lhs + equation.rhs)
    return Finding(rule=equation.rule, severity="warning" if blanks_as_zero else "error", message=message, keys=keys,
                   evidence=cells_evidence(report, keys))
