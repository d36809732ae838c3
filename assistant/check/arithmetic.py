"""勾稽关系: the equations of the section 三 and 四 tables (REQ_*, APPEAL_TOTAL).

An equation with a blank or unreadable cell is not passed silently: it is reported as unable to
run (with whether it would hold if the blanks were 0, which is what a reviewer asks next).
"""

from __future__ import annotations

from collections import defaultdict

from assistant import catalogue
from assistant.catalogue import KeyEquation, key_label
from assistant.check.evidence import cells_evidence, fmt
from assistant.models import CellStatus, Finding, Report

_RULE_NAMES = {
    "REQ_BALANCE": "新收+上年结转=办理结果总计+结转下年度",
    "REQ_TOTAL_ROW": "（七）总计=各项办理结果之和",
    "REQ_TOTAL_COL": "总计=各类申请人之和",
    "APPEAL_TOTAL": "总计=结果维持+结果纠正+其他结果+尚未审结",
}


def check_arithmetic(report: Report) -> list[Finding]:
    template = report.meta.template or "2021"
    single_other = catalogue.single_other_row(template, report.figures)
    findings: list[Finding] = []
    blocked: dict[str, list[KeyEquation]] = defaultdict(list)
    for equation in catalogue.request_equations(template, single_other) + catalogue.appeal_equations():
        cells = [report.cell(key) for key in equation.lhs + equation.rhs]
        if all(cell.status == CellStatus.MISSING for cell in cells):
            continue
        if any(cell.value is None for cell in cells):
            blocked[equation.rule].append(equation)
            continue
        left, right = _sides(report, equation)
        if abs(left - right) > 1e-6:
            findings.append(_violation(report, equation, left, right))
    for rule, equations in blocked.items():
        findings.append(_cannot_run(report, rule, equations))
        findings.extend(_violation(report, eq, *sides, blanks_as_zero=True)
                        for eq in equations for sides in [_sides(report, eq)] if abs(sides[0] - sides[1]) > 1e-6)
    return findings


def _sides(report: Report, equation: KeyEquation) -> tuple[float, float]:
    """Both sides with blank or unreadable cells counted as 0."""
    return (sum(report.value(k) or 0 for k in equation.lhs), sum(report.value(k) or 0 for k in equation.rhs))


def _violation(report: Report, equation: KeyEquation, left: float, right: float,
               blanks_as_zero: bool = False) -> Finding:
    """An equation that fails: an error as printed; only a warning when it fails with blanks read as 0."""
    def side(keys: tuple[str, ...]) -> str:
        return " + ".join(fmt(report.value(k)) for k in keys)

    caveat = "（空白单元格按0计）" if blanks_as_zero else ""
    message = (f"{equation.scope}不满足“{_RULE_NAMES[equation.rule]}”{caveat}：{side(equation.lhs)} = {fmt(left)}，"
               f"而{side(equation.rhs)} = {fmt(right)}，相差{fmt(abs(left - right))}。请核对并更正表格数据。")
    keys = list(equation.lhs + equation.rhs)
    return Finding(rule=equation.rule, severity="warning" if blanks_as_zero else "error", message=message, keys=keys,
                   evidence=cells_evidence(report, keys))


def _cannot_run(report: Report, rule: str, equations: list[KeyEquation]) -> Finding:
    order = [cell.key for cell in report.cells]
    empty = sorted({k for eq in equations for k in eq.lhs + eq.rhs if report.value(k) is None}, key=order.index)
    as_zero_fail = [eq.scope for eq in equations if abs(_sides(report, eq)[0] - _sides(report, eq)[1]) > 1e-6]
    verdict = (f"若空白按0计，仍有{len(as_zero_fail)}处不成立（{'、'.join(as_zero_fail[:5])}）" if as_zero_fail
               else "若空白按0计则全部成立")
    labels = "、".join(key_label(k) for k in empty[:6]) + ("等" if len(empty) > 6 else "")
    message = (f"{rule}（{_RULE_NAMES[rule]}）有{len(equations)}处无法核对，因为以下单元格为空白或无法识别：{labels}；"
               f"{verdict}。请补填数字（没有的填0）。")
    return Finding(rule="CELL_BLANK", severity="warning", message=message, keys=empty,
                   evidence=cells_evidence(report, empty[:6]))
