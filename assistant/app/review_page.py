"""年报审核: one report's findings by severity with the source lines they rest on, its figures laid
out as the official tables with failing cells marked, and every section's text with line numbers.

Severities are words on a coloured badge (not emoji, which render as boxes without an emoji font);
labels are never cut: tables are HTML that wraps, not fixed-width grids."""

from __future__ import annotations

import streamlit as st

from assistant.app.pickers import pick_report
from assistant.app.source_view import CONTEXT, escape, numbered_lines, report_label
from assistant.check.evidence import fmt, scan_place
from assistant.draft.memo import RULE_NAMES, plain_wording
from assistant.draft.memo_document import OCR_NOTICE
from assistant.draft.official_tables import OfficialTable, official_tables
from assistant.models import CellStatus, Finding, Report

SEVERITIES = {"error": ("错误", "red"), "warning": ("警告", "orange"), "info": ("提示", "blue")}
_MARKS = {CellStatus.BLANK: "空", CellStatus.MISSING: "缺", CellStatus.AMBIGUOUS: "?"}
_TEMPLATES = {"2021": "2021年格式", "2019": "2019年试行格式"}
_CELL = "border:1px solid #d0d4da;padding:4px 8px;vertical-align:middle"
_FLAGGED = "background:#ffd6d6;font-weight:600"
_TITLES = "background:#f1f3f5;font-weight:600;text-align:center"


def render() -> None:
    st.title("年报审核")
    picked = pick_report("review")
    if picked is None:
        return
    report, findings = picked.report, picked.findings
    meta = report.meta
    st.subheader(f"{report_label(meta.body, meta.year, picked.name)} 政府信息公开工作年度报告")
    st.markdown(f"**机关**：{meta.body or '未识别'}　**年度**：{meta.year or '未识别'}　"
                f"**表格格式**：{_TEMPLATES.get(meta.template or '', '未识别')}　**来源文件**：{escape(picked.name)}")
    if report.document.read_by_ocr:
        st.info(OCR_NOTICE)
    st.markdown("**核对结果**：" + " ".join(
        f":{colour}-badge[{label} {sum(f.severity == s for f in findings)}]" for s, (label, colour) in SEVERITIES.items()))
    flagged = {key for f in findings if f.severity in ("error", "warning") for key in f.keys}
    tab_findings, tab_tables, tab_sections = st.tabs(["核对结果", "统计表", "正文"])
    with tab_findings:
        _findings(report, findings)
    with tab_tables:
        st.caption("红色底纹为核对出问题的单元格；空=空白未填，缺=缺失，?=连写数字无法唯一拆分。")
        for table in official_tables(meta.template or "2021"):
            st.markdown(f"**{table.caption}**")
            st.markdown(_table_html(table, report, flagged), unsafe_allow_html=True)
    with tab_sections:
        for span in report.sections:
            with st.expander(f"{span.title}（第{span.start_line}–{span.end_line}行）"):
                st.markdown(numbered_lines(report.document.text, span.start_line, span.end_line),
                            unsafe_allow_html=True)


def _findings(report: Report, findings: list[Finding]) -> None:
    if not findings:
        st.success("各项核对均未发现问题。")
    for severity, (label, colour) in SEVERITIES.items():
        group = [f for f in findings if f.severity == severity]
        if group:
            st.markdown(f"#### :{colour}[{label}]（{len(group)}）")
        for finding in group:
            with st.expander(f"{label}｜{plain_wording(finding.message)}"):
                lines = sorted({e.line for e in finding.evidence if e.line > 0})
                for first, last in _runs(lines):
                    st.markdown(numbered_lines(report.document.text, first - CONTEXT, last + CONTEXT, lines),
                                unsafe_allow_html=True)
                st.caption(f"核对项目：{RULE_NAMES.get(finding.rule, finding.rule)}（{finding.rule}）")


def _runs(lines: list[int]) -> list[tuple[int, int]]:
    """Evidence lines grouped into windows that would overlap when shown with their context."""
    runs: list[tuple[int, int]] = []
    for line in lines:
        if runs and line - runs[-1][1] <= 2 * CONTEXT + 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


def _table_html(table: OfficialTable, report: Report, flagged: set[str]) -> str:
    """One official table: rows of column titles where the form changes them, cells shaded when a
    finding names them; the last cell of a short row spans the rest of the width. A scanned
    report's cell names the page and box it was read from when pointed at."""
    rows = []
    for row in table.rows:
        label_style = _TITLES if row.titles else "text-align:left;font-weight:500"
        cells = [f'<th style="{_CELL};{label_style}">{escape(row.label)}</th>']
        for index, text in enumerate(row.cells):
            span = table.width - len(row.cells) + 1 if index == len(row.cells) - 1 else 1
            colspan = f' colspan="{span}"' if span > 1 else ""
            if row.titles:
                cells.append(f'<th{colspan} style="{_CELL};{_TITLES}">{escape(text)}</th>')
            else:
                cell = report.cell(text)
                value = "" if cell is None else _MARKS.get(cell.status, fmt(cell.value))
                style = f"{_CELL};text-align:center" + (f";{_FLAGGED}" if text in flagged else "")
                place = scan_place(report, cell) if cell is not None else ""
                title = f' title="{escape(place)}"' if place else ""
                cells.append(f'<td{colspan}{title} style="{style}">{escape(value)}</td>')
        if not row.cells:
            cells.append(f'<td colspan="{table.width}" style="{_CELL}"></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    label_share = 40 if table.width > 3 else 28
    columns = f'<col style="width:{label_share}%">' + f'<col style="width:{(100 - label_share) / table.width:.2f}%">' * table.width
    return ('<table class="official-table" style="border-collapse:collapse;width:100%;font-size:0.9rem;'
            f'table-layout:fixed"><colgroup>{columns}</colgroup>' + "".join(rows) + "</table>")
