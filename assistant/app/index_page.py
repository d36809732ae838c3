"""索引 (administrators only): what the index holds, ingesting uploads or a folder on the server with
progress, deleting a report, rebuilding the vector index, and the activity log of who did each, when.

An ingest with any failure is a warning listing the files by the names the user knows (an upload's
own name, a path relative to the folder given), never a green box; the statistics at the top are
drawn after the ingest, so they show what the index holds now."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.app.auth.gate import User, require_admin
from assistant.app.state import UPLOAD_TYPES, ingestor, report_choices, save_upload, settings, shown_errors
from assistant.errors import InputError
from assistant.ingest import IngestSummary
from assistant.store.database import Action

ACTIONS = {Action.INGEST: "入库", Action.DELETE: "删除", Action.REINDEX: "重建向量索引"}


def render() -> None:
    user = require_admin()
    st.title("索引")
    statistics = st.container()
    st.subheader("入库")
    uploads = st.file_uploader("上传报告（可多选）", type=UPLOAD_TYPES, accept_multiple_files=True, key="index_uploads")
    if uploads:  # drawn by the run that received the files: the click on 开始入库 after it carries them
        st.caption(f"已选择 {len(uploads)} 个文件。")
    folder = st.text_input("或服务器上的文件夹路径", key="index_folder")
    if st.button("开始入库", type="primary", key="index_run"):
        _ingest(uploads or [], folder, user)
    _delete(user)
    _reindex(user)
    with statistics:
        _statistics()
    _activity()


def _delete(user: User) -> None:
    """A form, cleared on submit; the page is drawn again after a deletion so the report leaves the list."""
    st.subheader("删除报告")
    deleted = st.session_state.pop("index_deleted", None)
    if deleted:
        st.success(f"已删除：{deleted}")
    choices = report_choices()
    with st.form("index_delete_form", clear_on_submit=True, border=False):
        label = st.selectbox("要删除的报告", list(choices), index=None, placeholder="选择报告", key="index_delete_report")
        confirmed = st.checkbox("确认删除（报告的数据、核对结果和正文段落一并删除，不可恢复）", key="index_delete_confirm")
        submitted = st.form_submit_button("删除", key="index_delete")
    if not submitted:
        return
    if not (label and confirmed):
        st.warning("请选择要删除的报告并勾选确认。")
        return
    with shown_errors("删除"):
        if ingestor().delete(choices[label], actor=user.actor) is None:
            st.warning(f"{label} 已不在索引中。")
            return
        st.session_state["index_deleted"] = label
        st.rerun()


def _reindex(user: User) -> None:
    st.subheader("重建向量索引")
    st.caption("按数据库中的正文段落重新建立向量索引（向量库损坏、丢失或更换嵌入模型之后使用）。")
    if st.button("重建向量索引", key="index_reindex"):
        with shown_errors("重建向量索引"), st.spinner("正在重建向量索引…"):
            st.success(f"已重建 {ingestor().reindex(actor=user.actor)} 个正文段落的向量索引。")


def _activity() -> None:
    st.subheader("操作记录")
    entries = ingestor().db.activity(limit=100)
    if not entries:
        st.caption("暂无入库、删除或重建索引的记录。")
        return
    st.table(pd.DataFrame([(a.at.strftime("%Y-%m-%d %H:%M:%S UTC"), a.actor, ACTIONS[a.action],
                            Path(a.source).name if a.source else "", a.detail) for a in entries],
                          columns=["时间", "操作人", "操作", "报告", "说明"]))


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


def _ingest(uploads: list, folder: str, user: User) -> None:
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
        summary = ingestor().ingest(paths, progress=lambda done, total: bar.progress(done / total, text=f"{done}/{total}"),
                                     actor=user.actor)
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
