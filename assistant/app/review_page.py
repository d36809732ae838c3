"""年报审核: one report's figures laid out like the official tables, failing cells highlighted,
findings by severity with their evidence lines, and the text of each section."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant import catalogue
from assistant.app.pickers import pick_report
from assistant.check.evidence import fmt
from assistant.models import CellStatus, Finding, Report

SEVERITIES = {"error": ("错误", "🔴"), "warning": ("警告", "🟠"), "info": ("提示", "🔵")}
_MARKS = {CellStatus.BLANK: "空", CellStatus.MISSING: "缺", CellStatus.AMBIGUOUS: "?"}


def render() -> None:
    st.title("年报审核")
    picked = pick_report("review")
    if picked is None:
        return
    report, findings, _ = picked
    meta = report.meta
    st.subheader(meta.title or report.source)
    columns = st.columns(4)
    columns[0].metric("机关", meta.body or "未识别")
    columns[1].metric("年度", meta.year or "未识别")
    columns[2].metric("表格格式", meta.template or "未识别")
    columns[3].metric("错误 / 警告 / 提示", " / ".join(str(sum(f.severity == s for f in findings)) for s in SEVERITIES))
    flagged = {key for f in findings if f.severity in ("error", "warning") for key in f.keys}
    tab_findings, tab_tables, tab_sections = st.tabs(["核对结果", "统计表", "正文"])
    with tab_findings:
        _findings(report, findings)
    with tab_tables:
        _tables(report, flagged)
    with tab_sections:
        for span in report.sections:
            with st.expander(f"{span.title}（第{span.start_line}–{span.end_line}行）"):
                st.text(report.document.text[span.body_start : span.end].strip()[:6000])


def _findings(report: Report, findings: list[Finding]) -> None:
    if not findings:
        st.success("各项核对均未发现问题。")
    for severity, (label, icon) in SEVERITIES.items():
        group = [f for f in findings if f.severity == severity]
        if group:
            st.markdown(f"#### {icon} {label}（{len(group)}）")
        for finding in group:
            with st.expander(f"{finding.rule}：{finding.message[:60]}{'…' if len(finding.message) > 60 else ''}"):
                st.markdown(finding.message)
                for evidence in finding.evidence:
                    st.code(f"第{evidence.line}行：{evidence.text}", language=None)


def _table(rows: list[tuple[str, list[str]]], header: list[str], report: Report, flagged: set[str]):
    def value(key: str) -> str:
        cell = report.cell(key)
        return "" if cell is None else _MARKS.get(cell.status, fmt(cell.value))

    frame = pd.DataFrame([[value(k) for k in keys] for _, keys in rows], index=[label for label, _ in rows],
                         columns=header)
    marks = pd.DataFrame([["background-color: #ffd6d6" if k in flagged else "" for k in keys] for _, keys in rows],
                         index=frame.index, columns=header)
    return frame.style.apply(lambda _: marks, axis=None)


def _tables(report: Report, flagged: set[str]) -> None:
    template = report.meta.template or "2021"
    st.caption("红色底纹为核对出问题的单元格；空=空白未填，缺=缺失，?=连写数字无法唯一拆分。")
    st.markdown("**二、主动公开政府信息情况**")
    for row in catalogue.active_rows(template):
        st.dataframe(_table([(row.label, [f"{row.stem}.{c}" for c, _ in row.columns])], [l for _, l in row.columns],
                            report, flagged))
    st.markdown("**三、收到和处理政府信息公开申请情况**")
    st.dataframe(_table([(label, [f"requests.{row}.{c}" for c, _ in catalogue.APPLICANT_COLUMNS])
                         for row, label in catalogue.request_rows(template)],
                        [l for _, l in catalogue.APPLICANT_COLUMNS], report, flagged), height=920)
    st.markdown("**四、行政复议、行政诉讼情况**")
    st.dataframe(_table([(label, [f"appeals.{group}.{o}" for o, _ in catalogue.APPEAL_OUTCOMES])
                         for group, label in catalogue.APPEAL_GROUPS],
                        [l for _, l in catalogue.APPEAL_OUTCOMES], report, flagged))
