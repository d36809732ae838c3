"""检索: the narrative passages that match a query, ranked, with the query's terms marked in the
numbered source lines; an empty result says which filter left nothing to search."""

from __future__ import annotations

import streamlit as st

from assistant.app.filters import why_empty
from assistant.app.source_view import numbered_lines, report_label
from assistant.app.state import ingestor, retriever, shown_errors
from assistant.retrieve.tokenize import tokenize

SECTIONS = ["一", "二", "三", "四", "五", "六"]


def render() -> None:
    st.title("检索")
    st.caption("在报告正文中查找段落：关键词与语义检索综合排序，命中的词以黄色标出。")
    db = ingestor().db
    reports = db.reports()
    query = st.text_input("查询", placeholder="例如：政务新媒体管理不规范", key="search_query")
    columns = st.columns(4)
    body = columns[0].text_input("单位（包含即可）", key="search_body").strip()
    region = columns[1].selectbox("地区", [""] + sorted({r.region for r in reports if r.region}), key="search_region",
                                  format_func=lambda v: v or "全部")
    year = columns[2].selectbox("年度", [0] + sorted({r.year for r in reports if r.year}, reverse=True),
                                format_func=lambda y: str(y) if y else "全部", key="search_year")
    section = columns[3].selectbox("部分", [""] + SECTIONS, format_func=lambda s: f"第{s}部分" if s else "全部",
                                   key="search_section")
    if not query.strip():
        return
    with shown_errors("检索"):
        hits = retriever().search(query, body=body or None, region=region or None, year=year or None,
                                  section=section or None, top=10)
        if not hits:
            st.warning(why_empty(db, body or None, region or None, year or None, section or None))
            return
        terms = tokenize(query)
        for rank, hit in enumerate(hits, 1):
            matched = [t for t in dict.fromkeys(terms) if t in hit.text.lower()]
            st.markdown(f"**第{rank}名**　{report_label(hit.body, hit.year, hit.report)} · 第{hit.section}部分 · "
                        f"第{hit.start_line}–{hit.end_line}行　命中词：{'、'.join(matched) or '（语义相近，无相同词）'}")
            stored = db.report_by_source(hit.report)
            text = db.report_text(stored.id) if stored else hit.text
            first, last = (hit.start_line, hit.end_line) if stored else (1, hit.text.count("\n") + 1)
            st.markdown(numbered_lines(text, first, last, terms=matched), unsafe_allow_html=True)
