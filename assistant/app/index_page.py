"""索引: what the index holds, and ingesting uploads or a folder on the server, with progress."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.app.state import UPLOAD_TYPES, ingestor, save_upload, settings, shown_errors
from assistant.errors import InputError


def render() -> None:
    st.title("索引")
    store = ingestor()
    counts = store.db.counts()
    columns = st.columns(4)
    for column, (label, key) in zip(columns, [("报告", "reports"), ("数据", "figures"), ("核对结果", "findings"),
                                              ("正文段落", "chunks")]):
        column.metric(label, counts[key])
    years = Counter(r.year for r in store.db.reports() if r.year)
    if years:
        st.bar_chart(pd.DataFrame({"报告数": years}).sort_index())
    st.subheader("入库")
    uploads = st.file_uploader("上传报告（可多选）", type=UPLOAD_TYPES, accept_multiple_files=True, key="index_uploads")
    folder = st.text_input("或服务器上的文件夹路径", key="index_folder")
    if st.button("开始入库", type="primary", key="index_run"):
        paths: list[Path] = []
        failed: list[tuple[str, str]] = []
        for upload in uploads or []:
            try:
                paths.append(save_upload(upload, settings().index_dir / "uploads"))
            except InputError as error:
                failed.append((upload.name, error.reason))
        if folder:
            if Path(folder).is_dir():
                paths.append(Path(folder))
            else:
                failed.append((folder, "文件夹不存在"))
        with shown_errors("入库"):
            bar = st.progress(0.0, text="正在入库…")
            summary = store.ingest(paths, progress=lambda done, total: bar.progress(done / total, text=f"{done}/{total}"))
            summary.failed = failed + summary.failed
            bar.progress(1.0, text="入库完成")
            st.success(summary.line())
            if summary.failed:
                st.dataframe(pd.DataFrame(summary.failed, columns=["文件", "原因"]), hide_index=True)
