"""Cell-level findings: text or units in count cells, blanks, unresolved flattened cells, absent rows.

Blank cells are one finding per table, as a reviewer writes it: which cells of which rows are blank,
and which table checks cannot run because of them (with whether they would hold with blanks as 0),
not one finding per blocked equation. Its evidence is each affected row as published, blanks marked.
"""

from __future__ import annotations

from itertools import groupby

from assistant.catalogue import KeyEquation, key_label
from assistant.check.arithmetic import RULE_NAMES, blocked_equations, holds_with_blanks_as_zero
from assistant.check.evidence import cell_evidence, fmt, scan_place
from assistant.models import Cell, CellStatus, Evidence, Finding, Report

_TABLE_NAMES = {"active": "第二部分（主动公开）", "requests": "第三部分（依申请）", "appeals": "第四部分（复议诉讼）"}
BLANK_MARK = "［空］"


def check_cells(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for cell in report.cells:
        if cell.status == CellStatus.NOT_NUMBER:
            findings.append(Finding(
                rule="CELL_NOT_NUMBER", severity="warning", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                message=f"“{key_label(cell.key)}”填写为“{cell.raw}”：{cell.note}。应填写不带单位的非负整数。"))
        elif cell.status == CellStatus.AMBIGUOUS:
            message = (_ocr_unsure(report, cell) if report.document.read_by_ocr else
                       f"“{key_label(cell.key)}”所在行的数字连在一起（{cell.raw}），无法唯一拆分，"
                       f"可能为{'、'.join(str(v) for v in cell.candidates)}；请对照原件人工确认。")
            findings.append(Finding(rule="CELL_AMBIGUOUS", severity="warning", keys=[cell.key],
                                    evidence=[cell_evidence(report, cell)], message=message))
    blocked = blocked_equations(report)
    for table, cells in groupby(report.cells, key=lambda c: c.key.split(".")[0]):
        findings.extend(_table_gaps(report, table, list(cells), blocked))
    return findings


def _ocr_unsure(report: Report, cell: Cell) -> str:
    """A scanned report's cell left null: where it is on the scan and what it may have been read as."""
    where = scan_place(report, cell)
    read_as = "、".join(fmt(v) for v in cell.candidates) or "无法辨认"
    return (f"“{key_label(cell.key)}”（{where}）{cell.note}，识别为{read_as}，未采用；"
            "请对照扫描件人工确认。")


def _table_gaps(report: Report, table: str, cells: list[Cell], blocked_anywhere: list[KeyEquation]) -> list[Finding]:
    missing = [c for c in cells if c.status == CellStatus.MISSING]
    if missing and len(missing) == len(cells):
        return []
    findings: list[Finding] = []
    blank = [c for c in cells if c.status == CellStatus.BLANK]
    blocked = [eq for eq in blocked_anywhere if eq.lhs[0].startswith(f"{table}.")]
    if blank or blocked:
        findings.append(_blank_cells(report, table, cells, blank, blocked))
    for _, row_cells in groupby(missing, key=lambda c: c.key.rsplit(".", 1)[0]):
        row_cells = list(row_cells)
        first = row_cells[0]
        findings.append(Finding(
            rule="TABLE_ROW_MISSING", severity="warning", keys=[c.key for c in row_cells],
            evidence=[cell_evidence(report, first)] if first.raw else [],
            message=f"{_TABLE_NAMES[table]}表格“{key_label(first.key).split('·')[0]}”一行{first.note}，该行数据缺失。"))
    return findings


def _row(key: str) -> str:
    return key.rsplit(".", 1)[0]


def _blank_cells(report: Report, table: str, cells: list[Cell], blank: list[Cell],
                 blocked: list[KeyEquation]) -> Finding:
    """The table's one blank-cell finding: a warning when checks cannot run because of it, else a note."""
    rows = {stem: list(group) for stem, group in groupby(cells, key=lambda c: _row(c.key))}
    blank_rows = {stem: list(group) for stem, group in groupby(blank, key=lambda c: _row(c.key))}
    parts = []
    for stem, row_blank in blank_rows.items():
        label = key_label(row_blank[0].key).rsplit("·", 1)[0]
        whole = len(row_blank) == len(rows[stem])
        parts.append(f"“{label}”整行" if whole else f"“{label}”行的{_column_runs(rows[stem])}")
    keys = [c.key for c in blank]
    unreadable = list(dict.fromkeys(k for eq in blocked for k in eq.lhs + eq.rhs
                                    if report.value(k) is None and k not in keys))
    if blank:
        message = (f"{_TABLE_NAMES[table]}表格有{len(blank)}个单元格为空白或填“-”“/”，视为未填报（不等于0）："
                   f"{'；'.join(parts)}。")
    else:
        labels = "、".join(key_label(k) for k in unreadable[:3]) + ("等" if len(unreadable) > 3 else "")
        message = f"{_TABLE_NAMES[table]}表格有{len(unreadable)}个单元格缺失或无法识别（{labels}）。"
    if blocked:
        message += _blocked_checks(report, blocked, "空白" if blank else "这些单元格")
        message += "请补填数字（没有的填0）。" if blank else "请对照原件核对表格。"
    keys += unreadable
    evidence = [_row_evidence(report, rows[stem], row_blank) for stem, row_blank in blank_rows.items()]
    return Finding(rule="CELL_BLANK", severity="warning" if blocked else "info", keys=keys, evidence=evidence,
                   message=message)


def _column_runs(row: list[Cell]) -> str:
    """The row's blank columns, three or more adjacent ones as a range: '科研机构至其他、总计'."""
    runs: list[list[Cell]] = []
    for cell, previous in zip(row, [None, *row[:-1]]):
        if cell.status != CellStatus.BLANK:
            continue
        if previous is not None and previous.status == CellStatus.BLANK:
            runs[-1].append(cell)
        else:
            runs.append([cell])

    def column(cell: Cell) -> str:
        return key_label(cell.key).rsplit("·", 1)[-1]

    return "、".join(f"{column(run[0])}至{column(run[-1])}" if len(run) >= 3 else "、".join(map(column, run))
                    for run in runs)


def _blocked_checks(report: Report, blocked: list[KeyEquation], unknown: str) -> str:
    by_rule = {rule: [eq for eq in blocked if eq.rule == rule] for rule in dict.fromkeys(eq.rule for eq in blocked)}
    checks = "、".join(f"“{RULE_NAMES[rule]}”{len(equations)}处" for rule, equations in by_rule.items())
    failing = [eq.scope for eq in blocked if not holds_with_blanks_as_zero(report, eq)]
    verdict = (f"若{unknown}按0计，仍有{len(failing)}处不成立（{'、'.join(failing[:5])}{'等' if len(failing) > 5 else ''}）"
               if failing else f"若{unknown}按0计则全部成立")
    return f"因此{checks}无法核对；{verdict}。"


def _row_evidence(report: Report, row: list[Cell], row_blank: list[Cell]) -> Evidence:
    """The row as published (each cell's printed text under its column), the blank cells marked."""
    label = key_label(row[0].key).rsplit("·", 1)[0]
    printed = "｜".join(f"{key_label(c.key).rsplit('·', 1)[-1]}{BLANK_MARK if c.status == CellStatus.BLANK else c.raw}"
                       for c in row)
    return Evidence(text=f"{label}：{printed}", line=row_blank[0].line)
