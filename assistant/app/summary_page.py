"""批量汇总: the section 五 summary over a filtered set of indexed reports, with charts and downloads."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.app.filters import why_empty
from assistant.app.source_view import report_label
from assistant.app.state import ingestor, shown_errors
from assistant.draft.summary import summarize
from assistant.draft.summary_output import to_csv, to_markdown_text, to_xlsx
from assistant.store import IndexDatabase


def render() -> None:
    st.title("批量汇总")
    st.caption("汇总各报告“存在的主要问题及改进情况”：问题与措施清单、主题、雷同段落。")
    db = ingestor().db
    reports = db.reports()
    columns = st.columns(3)
    region = columns[0].selectbox("地区", [""] + sorted({r.region for r in reports if r.region}), key="sum_region",
                                  format_func=lambda v: v or "全部")
    year = columns[1].selectbox("年度", [0] + sorted({r.year for r in reports if r.year}, reverse=True),
                                format_func=lambda y: str(y) if y else "全部", key="sum_year")
    body = columns[2].text_input("单位（包含即可）", key="sum_body")
    chosen = db.reports(body=body or None, region=region or None, year=year or None)
    if chosen:
        st.write(f"符合条件的报告：{len(chosen)} 份")
    else:
        st.warning(why_empty(db, body or None, region or None, year or None, None))
    if st.button("开始汇总", type="primary", disabled=not chosen, key="sum_run"):
        with shown_errors("汇总"):
            progress = st.progress(0.0, text="正在读取报告…")
            loaded = []
            for number, stored in enumerate(chosen, 1):
                loaded.append(db.load_report(stored.id))
                progress.progress(number / len(chosen) / 2, text=f"正在读取报告 {number}/{len(chosen)}")
            keys = {r.id for r in chosen}
            history = [db.load_report(r.id) for s in chosen if s.body_key and s.year
                       for r in db.reports(body_key=s.body_key) if r.year and r.year < s.year and r.id not in keys]
            summary = summarize(loaded, history=history, progress=lambda done: progress.progress(
                0.5 + done / len(loaded) / 2, text=f"正在汇总 {done}/{len(loaded)}"))
            progress.progress(1.0, text="汇总完成")
            st.session_state["summary"] = summary
    summary = st.session_state.get("summary")
    if summary is None:
        return
    downloads = st.columns(3)
    downloads[0].download_button("下载 CSV", to_csv(summary), file_name="问题汇总.csv", mime="text/csv")
    downloads[1].download_button("下载 Excel", to_xlsx(summary), file_name="问题汇总.xlsx",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    downloads[2].download_button("下载 Markdown", to_markdown_text(summary), file_name="问题汇总.md", mime="text/markdown")
    if summary.theme_counts:
        st.subheader("问题主题分布")
        frame = pd.DataFrame(summary.theme_counts, columns=["地区", "年度", "主题", "报告数"])
        frame["地区·年度"] = frame["地区"] + " " + frame["年度"].astype(str)
        st.altair_chart(alt.Chart(frame).mark_bar().encode(  # labelLimit 0: theme names are never cut
            x=alt.X("sum(报告数):Q", title="报告数", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("主题:N", title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.Color("地区·年度:N", title="地区·年度")))
    st.subheader("被多份报告重复使用的段落")
    if not summary.most_copied:
        st.write("未发现。")
    for number, passage in enumerate(summary.most_copied, 1):
        with st.container(border=True):
            st.markdown(f"**段落{number}**（{len(passage.reports)} 份报告）：{passage.text}")
            st.caption("；".join(_name(db, source) for source in passage.reports))
    st.subheader("问题与上年基本相同的单位")
    st.write("；".join(f"{u.body}（{u.years[0]}→{u.years[1]}，雷同约{u.share:.0%}）" for u in summary.unchanged) or "无")
    st.subheader("各报告明细")
    st.table(pd.DataFrame([{"单位": r.body, "年度": r.year, "问题概述": r.synopsis, "问题数": len(r.problems),
                                "措施数": len(r.measures), "主题": "、".join(r.problem_themes),
                                "雷同": f"{r.copies[0].other_body}{r.copies[0].other_year}（{r.copies[0].share:.0%}）"
                                if r.copies else ""} for r in summary.reports]).set_index("单位"))


def _name(db: IndexDatabase, source: str) -> str:
    stored = db.report_by_source(source)
    return report_label(stored.body, stored.year, source) if stored else report_label(None, None, source)
