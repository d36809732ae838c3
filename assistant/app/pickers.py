"""Choosing the report a page works on: one from the index, or an uploaded file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import NamedTuple, Optional

import streamlit as st

from assistant.app.state import UPLOAD_TYPES, ingestor, report_choices, save_upload, shown_errors
from assistant.check import check_report
from assistant.draft.sources import previous_in_index
from assistant.load import load_file
from assistant.models import Finding, Report
from assistant.parse import extract


class Picked(NamedTuple):
    report: Report
    findings: list[Finding]
    previous: Optional[Report]
    name: str
    """The file's own name (an upload's name as uploaded), never a path on the server."""


def pick_report(key: str) -> Optional[Picked]:
    source = st.radio("报告来源", ["从索引中选择", "上传文件"], horizontal=True, key=f"{key}_source")
    if source == "从索引中选择":
        choices = report_choices()
        if not choices:
            st.info("索引是空的：请上传文件；报告入库后也可从索引中选择（由管理员在“索引”页入库）。")
            return None
        label = st.selectbox("报告", list(choices), key=f"{key}_report")
        db = ingestor().db
        with shown_errors("读取报告"):
            report = db.load_report(choices[label])
            return Picked(report, db.findings(choices[label]), previous_in_index(report, db), Path(report.source).name)
        return None
    upload = st.file_uploader("上传年度报告（TXT、Markdown、HTML、DOCX、DOC/WPS、PDF、扫描件图片 PNG/JPG，50 MB 以内）", type=UPLOAD_TYPES,
                              key=f"{key}_upload")
    if upload is None:
        return None
    with shown_errors("读取上传的文件"):
        path = save_upload(upload, Path(tempfile.gettempdir()) / "audit_uploads")
        report = extract(load_file(path))
        return Picked(report, check_report(report), None, Path(upload.name).name)
    return None
