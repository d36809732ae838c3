"""审查意见: draft the memo for a report, preview it, download Markdown and DOCX."""

from __future__ import annotations

import streamlit as st

from assistant.app.pickers import pick_report
from assistant.app.state import settings, shown_errors
from assistant.draft import build_memo, memo_document
from assistant.draft.document import to_markdown
from assistant.draft.word import to_docx
from assistant.draft.polish import Polisher, polish_memo


def render() -> None:
    st.title("审查意见")
    picked = pick_report("memo")
    if picked is None:
        return
    report = picked.report
    if st.button("生成审查意见", type="primary", key="memo_generate"):
        with shown_errors("生成审查意见"), st.spinner("正在起草…"):
            memo = build_memo(picked.report, picked.findings, picked.previous, source_name=picked.name)
            if settings().llm_model:
                polisher = Polisher(settings())
                polish_memo(memo, polisher)
                if polisher.failures:
                    st.caption(f"大模型改写未采用（{polisher.failures[0]}），保留程序生成的文字。")
            document = memo_document(memo)
            st.session_state["memo"] = (report.source, to_markdown(document), to_docx(document))
    if "memo" not in st.session_state or st.session_state["memo"][0] != report.source:
        return
    _, markdown, word = st.session_state["memo"]
    stem = (report.meta.body or "报告") + str(report.meta.year or "")
    columns = st.columns(2)
    columns[0].download_button("下载 Markdown", markdown, file_name=f"审查意见_{stem}.md", mime="text/markdown")
    columns[1].download_button("下载 Word", word, file_name=f"审查意见_{stem}.docx",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    with st.container(border=True):
        st.markdown(markdown)
