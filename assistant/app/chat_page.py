"""问答: questions about the indexed reports, answered with cited figures and verbatim quotes."""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st

from assistant.app.source_view import around, report_label
from assistant.app.state import assistant, ingestor, shown_errors
from assistant.catalogue import key_label
from assistant.check.evidence import fmt
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
        st.info("索引是空的：报告入库后即可提问（由管理员在“索引”页入库）。")
    st.caption("例如：" + "；".join(EXAMPLES))
    history: list[tuple[str, Answer]] = st.session_state.setdefault("chat_history", [])
    for question, answer in history:
        _show(question, answer)
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
    _citations(answer.citations)


def _citations(citations: list[dict]) -> None:
    """Each citation names its report by body and year and opens on the cited source lines."""
    db = ingestor().db
    texts: dict[str, tuple[str, str]] = {}
    for number, citation in enumerate(citations, 1):
        source = citation["report"]
        if source not in texts:
            stored = db.report_by_source(source)
            texts[source] = ((report_label(stored.body, stored.year, source), db.report_text(stored.id)) if stored
                             else (report_label(None, None, source), ""))
        name, text = texts[source]
        line = citation["line"]
        if citation["kind"] == "figure":
            label = f"[{number}] {name} · {key_label(citation['key'])}：{fmt(citation['value'])}（第{line}行）"
            last = line
        else:
            label = f"[{number}] {name} · 第{citation['section']}部分 第{line}行"
            last = line + citation["text"].count("\n")
        with st.expander(label):
            if text:
                st.markdown(around(text, line, last), unsafe_allow_html=True)
            else:
                st.caption("索引中找不到该报告的原文。")
