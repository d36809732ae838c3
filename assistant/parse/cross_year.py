"""Cross-year help for flattened 2019-format section 二 rows.

A row such as '行政许可3964422278' has no arithmetic of its own, but its 上一年项目数量 is the item
count at the end of last year: the same body's previous report's 上一年项目数量 + 本年增/减. Those
values are offered to the solver as readings to prefer; a cell that becomes unique this way says
which report resolved it, keeps its raw text, and nothing is guessed when the help does not settle it.
"""

from __future__ import annotations

import itertools

from assistant import catalogue
from assistant.models import Cell, CellStatus, Report
from assistant.parse.extract import extract

CROSS_YEAR_NOTE = "连写数字"
_ITEM_ROWS = [row.stem for row in catalogue.ACTIVE_ROWS_2019 if dict(row.columns).keys() >= {"prev_items", "change"}]


def previous_year_readings(previous: Report) -> list[tuple[str, float]]:
    """(key, value): each possible count at the end of the previous report's year, per row."""
    readings: list[tuple[str, float]] = []
    for stem in _ITEM_ROWS:
        before, change = (_possible(previous.cell(f"{stem}.{column}")) for column in ("prev_items", "change"))
        totals = sorted({b + c for b, c in itertools.product(before, change) if b + c >= 0})
        readings += [(f"{stem}.prev_items", total) for total in totals]
    return readings


def resolve_with_previous(report: Report, previous: Report) -> Report:
    """The report read again with the previous year's counts; cells it settles name that report."""
    if report.meta.template != "2019" or previous.meta.template != "2019" or not _ambiguous(report):
        return report
    resolved = extract(report.document, previous_year_readings(previous))
    for cell in resolved.cells:
        before = report.cell(cell.key)
        if before is not None and before.status == CellStatus.AMBIGUOUS and cell.status != CellStatus.AMBIGUOUS:
            cell.note = (f"{CROSS_YEAR_NOTE}的可能读法（{before.raw}）中，依据同一单位{previous.meta.year}年度报告"
                         f"（{previous.source}）的上一年项目数量与本年增/减确定")
            cell.candidates = before.candidates
    return resolved


def _ambiguous(report: Report) -> bool:
    return any(report.cell(f"{stem}.prev_items") is not None and report.cell(f"{stem}.prev_items").status == CellStatus.AMBIGUOUS
               for stem in _ITEM_ROWS)


def _possible(cell: Cell | None) -> list[float]:
    if cell is None:
        return []
    return [cell.value] if cell.value is not None else list(cell.candidates)
