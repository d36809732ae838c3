"""问答: questions about the indexed reports, answered with cited figures and verbatim quotes."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Iterator

import pandas as pd
import streamlit as st

from assistant.app.state import assistant, ingestor, shown_errors
from assistant.catalogue import key_label
from assistant.models import Answer

EXAMPLES = ["定海区2021年新收申请多少件", "2024年哪些单位行政诉讼败诉不为零", "越城区存在哪些主要问题", "哪些单位提到政务新媒体"]


def render() -> None:
    st.title("问答")
    st.caption("回答中的每个数字都来自报告表格或程序计算，每段引文都是报告原文。")
    reports = ingestor().db.reports()
    with st.expander("筛选（问题中没有指明时适用）"):
        columns = st.columns(3)
        body = columns[0].selectbox("单位", [""] + sorted({r.body_key for r in reports if r.body_key}), key="chat_body",
                                    format_func=lambda v: v or "全部")
        region = columns[1].selectbox("地区", [""] + sorted({r.region for r in reports if r.region}), key="chat_region",
                                      format_func=lambda v: v or "全部")
        years = sorted({r.year for r in reports if r.year}, reverse=True)
        year = columns[2].selectbox("年度", [0] + years, format_func=lambda y: str(y) if y else "全部", key="chat_year")
    if not reports:
        st.info("索引是空的：请先在“索引”页入库报告。")
    history: list[tuple[str, Answer]] = st.session_state.setdefault("chat_history", [])
    for question, answer in history:
        _show(question, answer)
    st.caption("例如：" + "；".join(EXAMPLES))
    question = st.chat_input("请输入问题，例如“定海区2021年新收申请多少件”")
    if question:
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant"), shown_errors("回答"):
            with st.spinner("正在查询并核验…"):
                answer = assistant().ask(question, body=body or None, region=region or None, year=year or None)
            st.write_stream(_pieces(answer.answer))
            _details(answer)
            history.append((question, answer))


def _pieces(text: str) -> Iterator[str]:
    """The verified answer, shown as it would stream: nothing unverified ever reaches the page."""
    for start in range(0, len(text), 12):
        yield text[start : start + 12]


def _show(question: str, answer: Answer) -> None:
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        st.markdown(answer.answer)
        _details(answer)


def _details(answer: Answer) -> None:
    mode = ":blue-badge[大模型]" if answer.mode == "llm" else ":gray-badge[离线]"
    check = ":green-badge[已核验]" if answer.verified else ":red-badge[未通过核验]"
    st.markdown(f"{mode} {check}")
    if answer.note:
        st.caption(answer.note)
    figures = [c for c in answer.citations if c["kind"] == "figure"]
    if figures:
        st.dataframe(pd.DataFrame([{"序号": answer.citations.index(c) + 1, "报告": Path(c["report"]).name,
                                    "数据项": key_label(c["key"]), "数值": c["value"], "行": c["line"]} for c in figures]),
                     hide_index=True)
    for number, citation in enumerate(answer.citations, 1):
        if citation["kind"] == "quote":
            with st.expander(f"[{number}] {Path(citation['report']).name} 第{citation['section']}部分 第{citation['line']}行"):
                st.markdown(f"> {citation['text']}")
