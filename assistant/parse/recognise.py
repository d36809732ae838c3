"""Whether a read document is a disclosure annual report at all, before anything is indexed.

A note, a notice or some other page that happens to be a readable file has none of the report's
structure; indexing it would put a 'report' with six missing sections into every answer and summary.
A document is taken for a report when it has at least two of the six section headings, or when some
table cell with something printed in it was read. A report whose sections are there but whose tables cannot be read is still a
report (its tables are reported as unreadable by the checks, not refused here).
"""

from __future__ import annotations

from typing import Optional

from assistant.models import CellStatus, Report

NOT_A_REPORT = "不像政府信息公开工作年度报告"
MIN_SECTIONS = 2
_PRINTED = {CellStatus.OK, CellStatus.AMBIGUOUS, CellStatus.NOT_NUMBER}  # a blank cell shows no table


def not_a_report_reason(report: Report) -> Optional[str]:
    """Why `report` does not look like a disclosure annual report, or None when it does."""
    sections = len({section.id for section in report.sections})
    cells_read = any(cell.status in _PRINTED for cell in report.cells)
    if sections >= MIN_SECTIONS or cells_read:
        return None
    found = f"只找到{sections}个" if sections else "找不到"
    return f"{NOT_A_REPORT}：{found}年报的章节标题，也没有读到统计表格"
