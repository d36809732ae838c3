"""Report structure: the six sections and three tables are there, in the current template."""

from __future__ import annotations

from assistant import catalogue
from assistant.models import CellStatus, Evidence, Finding, Report

SECTION_TITLES = {
    "一": "总体情况", "二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项",
}
_TABLE_OF_SECTION = {"二": "active", "三": "requests", "四": "appeals"}
_BLOCKED_CHECKS = {"二": "ACTIVE_DOC_PLAUSIBLE、FEE_UNIT", "三": "REQ_BALANCE、REQ_TOTAL_ROW、REQ_TOTAL_COL",
                   "四": "APPEAL_TOTAL"}
CURRENT_TEMPLATE_FROM = 2021


def check_sections(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    present = {s.id for s in report.sections}
    for section_id, title in SECTION_TITLES.items():
        table = _TABLE_OF_SECTION.get(section_id)
        table_absent = table is not None and all(
            c.status == CellStatus.MISSING for c in report.cells if c.key.startswith(table + "."))
        if section_id not in present:
            blocked = f"；{_BLOCKED_CHECKS[section_id]} 因此无法核对" if table else ""
            findings.append(Finding(rule="SECTION_MISSING", severity="error", keys=[],
                                    message=f"缺少第{section_id}部分“{title}”{blocked}。"))
        elif table_absent:
            span = report.section(section_id)
            findings.append(Finding(
                rule="SECTION_MISSING", severity="error", keys=[],
                evidence=[Evidence(text=span.title, line=span.start_line)],
                message=f"第{section_id}部分“{title}”中找不到规定的统计表格；{_BLOCKED_CHECKS[section_id]} 因此无法核对。"))
    return findings


def check_template(report: Report) -> list[Finding]:
    year, template = report.meta.year, report.meta.template
    if template == "2019" and year is not None and year >= CURRENT_TEMPLATE_FROM:
        span = report.section("二")
        evidence = [Evidence(text=span.title, line=span.start_line)] if span else []
        return [Finding(
            rule="TEMPLATE_OUTDATED", severity="warning", keys=catalogue.active_keys("2019")[:3], evidence=evidence,
            message=(f"{year}年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号）的表格，"
                     "应改用2021年格式（国办公开办函〔2021〕30号）。"))]
    return []
