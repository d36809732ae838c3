"""Report structure: the six sections and three tables are there, readable, in the current template."""

from __future__ import annotations

import re

from assistant import catalogue
from assistant.models import Cell, CellStatus, Evidence, Finding, Report

SECTION_TITLES = {
    "一": "总体情况", "二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项",
}
_TABLE_OF_SECTION = {"二": "active", "三": "requests", "四": "appeals"}
_BLOCKED_CHECKS = {"二": "ACTIVE_DOC_PLAUSIBLE、FEE_UNIT", "三": "REQ_BALANCE、REQ_TOTAL_ROW、REQ_TOTAL_COL",
                   "四": "APPEAL_TOTAL"}
_DIGITS = re.compile(r"\d")
CURRENT_TEMPLATE_FROM = 2021


def check_sections(report: Report) -> list[Finding]:
    """SECTION_MISSING for an absent section; TABLE_UNREADABLE for a present section whose table
    yields no cell, since a table the reader could not place must never look like a clean one."""
    findings: list[Finding] = []
    present = {s.id for s in report.sections}
    for section_id, title in SECTION_TITLES.items():
        table = _TABLE_OF_SECTION.get(section_id)
        if section_id not in present:
            blocked = f"；{_BLOCKED_CHECKS[section_id]} 因此无法核对" if table else ""
            findings.append(Finding(rule="SECTION_MISSING", severity="error", keys=[],
                                    message=f"缺少第{section_id}部分“{title}”{blocked}。"))
        elif table is not None:
            cells = [c for c in report.cells if c.key.startswith(table + ".")]
            if all(c.status == CellStatus.MISSING for c in cells):
                findings.append(_unreadable_table(report, section_id, cells))
    return findings


def reading_findings(report: Report) -> list[Finding]:
    """What `audit extract` must not keep quiet about: tables or a template it could not read."""
    return [f for f in [*check_sections(report), *check_template(report)] if f.rule == "TABLE_UNREADABLE"]


def _unreadable_table(report: Report, section_id: str, cells: list[Cell]) -> Finding:
    span = report.section(section_id)
    blocked = _BLOCKED_CHECKS[section_id]
    runs = list(dict.fromkeys(c.raw.strip() for c in cells if _DIGITS.search(c.raw)))
    if runs:
        placed = {c.raw.strip(): c for c in cells if c.raw.strip() in runs}
        return Finding(
            rule="TABLE_UNREADABLE", severity="warning", keys=[c.key for c in cells if c.raw.strip()],
            evidence=[Evidence(text=run, line=placed[run].line) for run in runs],
            message=(f"第{section_id}部分“{SECTION_TITLES[section_id]}”的统计表格在文中，但数字连在一起、空白单元格被省去"
                     f"（{'、'.join(f'“{run}”' for run in runs[:3])}），无法对应到各单元格；{blocked} 无法核对，"
                     "请对照原件人工核对。"))
    return Finding(
        rule="TABLE_UNREADABLE", severity="error", keys=[], evidence=[Evidence(text=span.title, line=span.start_line)],
        message=(f"第{section_id}部分“{SECTION_TITLES[section_id]}”的统计表格未能读出任何单元格（表格无法读取）；"
                 f"{blocked} 无法核对，请对照原件核查该表。"))


def check_template(report: Report) -> list[Finding]:
    year, template = report.meta.year, report.meta.template
    first_table_section = next((span for span in map(report.section, _TABLE_OF_SECTION) if span), None)
    if template is None and first_table_section is not None:
        evidence = [Evidence(text=first_table_section.title, line=first_table_section.start_line)]
        return [Finding(
            rule="TABLE_UNREADABLE", severity="error", keys=[], evidence=evidence,
            message=("无法从表头判断表格采用2021年格式还是2019年试行格式（表格无法读取），"
                     "各表数据可能未被正确读出，请对照原件核查。"))]
    if template == "2019" and year is not None and year >= CURRENT_TEMPLATE_FROM:
        span = report.section("二")
        evidence = [Evidence(text=span.title, line=span.start_line)] if span else []
        return [Finding(
            rule="TEMPLATE_OUTDATED", severity="warning", keys=catalogue.active_keys("2019")[:3], evidence=evidence,
            message=(f"{year}年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号）的表格，"
                     "应改用2021年格式（国办公开办函〔2021〕30号）。"))]
    return []
