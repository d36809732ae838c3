"""Evidence quoted from the source: the line a figure or sentence was read from, cut to a readable
window when the line is a whole crawled page."""

from __future__ import annotations

from assistant.catalogue import key_label
from assistant.models import Cell, Evidence, Report

WINDOW = 40


def quote(report: Report, offset: int) -> Evidence:
    document = report.document
    line = document.line_of(offset)
    text = document.line_text(line).strip()
    if len(text) > 2 * WINDOW + 20:
        start = document.text.rfind("\n", 0, offset) + 1
        local = offset - start
        raw_line = document.line_text(line)
        left = max(0, local - WINDOW)
        text = ("…" if left else "") + raw_line[left : local + WINDOW].strip() + "…"
    return Evidence(text=text, line=line)


def cell_evidence(report: Report, cell: Cell) -> Evidence:
    quoted = quote(report, cell.offset) if cell.offset >= 0 else Evidence(text=cell.raw, line=cell.line)
    return Evidence(text=f"{key_label(cell.key)}：{quoted.text}", line=quoted.line)


def scan_place(report: Report, cell: Cell) -> str:
    """Where a scanned report's cell is on the scan ('扫描件第2页（图像坐标 812,1040–905,1082）'), so a
    reviewer can check the figure against the page; empty for a report that has a text layer."""
    if not report.document.read_by_ocr:
        return ""
    page = report.document.page_of(cell.line)
    place = report.document.ocr_cell_at(cell.offset) if cell.offset >= 0 else None
    where = f"扫描件第{page}页" if page else "扫描件"
    if place is not None:
        where += f"（图像坐标 {place.box[0]},{place.box[1]}–{place.box[2]},{place.box[3]}）"
    return where


def cells_evidence(report: Report, keys: list[str]) -> list[Evidence]:
    found = [report.cell(key) for key in keys]
    return [cell_evidence(report, cell) for cell in found if cell is not None]


def fmt(value: float | int | None) -> str:
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
