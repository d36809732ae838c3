"""索引: what the index holds, and ingesting uploads or a folder on the server, with progress.

An ingest with any failure is a warning listing the files by the names the user knows (an upload's
own name, a path relative to the folder given), never a green box; the statistics at the top are
drawn after the ingest, so they show what the index holds now."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.app.state import UPLOAD_TYPES, ingestor, save_upload, settings, shown_errors
from assistant.errors import InputError
from assistant.ingest import IngestSummary


def render() -> None:
    st.title("索引")
    statistics = st.container()
    st.subheader("入库")
    uploads = st.file_uploader("上传报告（可多选）", type=UPLOAD_TYPES, accept_multiple_files=True, key="index_uploads")
    folder = st.text_input("或服务器上的文件夹路径", key="index_folder")
    if st.button("开始入库", type="primary", key="index_run"):
        _ingest(uploads or [], folder)
    with statistics:
        _statistics()


def _statistics() -> None:
    store = ingestor()
    counts = store.db.counts()
    columns = st.columns(4)
    for column, (label, key) in zip(columns, [("报告", "reports"), ("数据", "figures"), ("核对结果", "findings"),
                                              ("正文段落", "chunks")]):
        column.metric(label, counts[key])
    years = Counter(r.year for r in store.db.reports() if r.year)
    if years:
        st.bar_chart(pd.DataFrame({"报告数": years}).sort_index())


def _ingest(uploads: list, folder: str) -> None:
    names: dict[str, str] = {}
    failed: list[tuple[str, str]] = []
    paths: list[Path] = []
    for upload in uploads:
        try:
            saved = save_upload(upload, settings().index_dir / "uploads")
        except InputError as error:
            failed.append((upload.name, error.reason))
            continue
        paths.append(saved)
        names[str(saved.resolve())] = upload.name
    if folder:
        if Path(folder).is_dir():
            paths.append(Path(folder))
        else:
            failed.append((folder, "文件夹不存在"))
    with shown_errors("入库"):
        bar = st.progress(0.0, text="正在入库…")
        summary = ingestor().ingest(paths, progress=lambda done, total: bar.progress(done / total, text=f"{done}/{total}"))
        bar.progress(1.0, text="入库完成")
        _report(summary, failed, names, Path(folder) if folder else None)


def _shown_name(source: str, names: dict[str, str], folder: Path | None) -> str:
    """An upload by its own name, a file of the folder by its path inside the folder."""
    if source in names:
        return names[source]
    if folder is not None and Path(source).is_relative_to(folder.resolve()):
        return str(Path(source).relative_to(folder.resolve()))
    return Path(source).name


def _report(summary: IngestSummary, failed: list[tuple[str, str]], names: dict[str, str], folder: Path | None) -> None:
    rows = failed + [(_shown_name(source, names, folder), reason) for source, reason in summary.failed]
    counts = (f"新增 {len(summary.new)} 份，未变 {len(summary.unchanged)} 份，替换 {len(summary.replaced)} 份，"
              f"失败 {len(rows)} 份")
    if not rows:
        st.success(counts)
        return
    st.warning(counts + "。以下文件未入库：" + "、".join(name for name, _ in rows))
    st.table(pd.DataFrame(rows, columns=["文件", "原因"]))
