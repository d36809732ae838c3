"""Cell-level findings: text or units in count cells, blanks, unresolved flattened cells, absent rows."""

from __future__ import annotations

from itertools import groupby

from assistant.catalogue import key_label
from assistant.check.evidence import cell_evidence
from assistant.models import Cell, CellStatus, Finding, Report

_TABLE_NAMES = {"active": "第二部分（主动公开）", "requests": "第三部分（依申请）", "appeals": "第四部分（复议诉讼）"}


def check_cells(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for cell in report.cells:
        if cell.status == CellStatus.NOT_NUMBER:
            findings.append(Finding(
                rule="CELL_NOT_NUMBER", severity="warning", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                message=f"“{key_label(cell.key)}”填写为“{cell.raw}”：{cell.note}。应填写不带单位的非负整数。"))
        elif cell.status == CellStatus.AMBIGUOUS:
            findings.append(Finding(
                rule="CELL_AMBIGUOUS", severity="warning", keys=[cell.key], evidence=[cell_evidence(report, cell)],
                message=(f"“{key_label(cell.key)}”所在行的数字连在一起（{cell.raw}），无法唯一拆分，"
                         f"可能为{'、'.join(str(v) for v in cell.candidates)}；请对照原件人工确认。")))
    for table, cells in groupby(report.cells, key=lambda c: c.key.split(".")[0]):
        findings.extend(_table_gaps(report, table, list(cells)))
    return findings


def _table_gaps(report: Report, table: str, cells: list[Cell]) -> list[Finding]:
    missing = [c for c in cells if c.status == CellStatus.MISSING]
    if missing and len(missing) == len(cells):
        return []
    findings: list[Finding] = []
    blank = [c for c in cells if c.status == CellStatus.BLANK]
    if blank:
        findings.append(Finding(
            rule="CELL_BLANK", severity="info", keys=[c.key for c in blank],
            evidence=[cell_evidence(report, c) for c in blank[:5]],
            message=f"{_TABLE_NAMES[table]}表格有{len(blank)}个单元格为空白或填“-”“/”，视为未填报（不等于0）。"))
    for _, row_cells in groupby(missing, key=lambda c: c.key.rsplit(".", 1)[0]):
        row_cells = list(row_cells)
        first = row_cells[0]
        findings.append(Finding(
            rule="TABLE_ROW_MISSING", severity="warning", keys=[c.key for c in row_cells],
            evidence=[cell_evidence(report, first)] if first.raw else [],
            message=f"{_TABLE_NAMES[table]}表格“{key_label(first.key).split('·')[0]}”一行{first.note}，该行数据缺失。"))
    return findings
