"""Streamlit entry point: `streamlit run app.py` (single-user mode), or through `serve.py` (`audit app`)
which adds the login routes of local accounts."""

import streamlit as st

from assistant.app import chat_page, index_page, memo_page, review_page, search_page, summary_page
from assistant.app.auth.gate import TITLE, allowed_pages, sidebar_identity, signed_in_user
from assistant.app.state import settings

PAGES = {"问答": chat_page, "检索": search_page, "年报审核": review_page, "审查意见": memo_page, "批量汇总": summary_page, "索引": index_page}


def main() -> None:
    st.set_page_config(page_title=TITLE, layout="wide")
    user = signed_in_user(settings().index_dir)
    pages = allowed_pages(user, PAGES)
    st.sidebar.title("年报审核助手")
    page = st.sidebar.radio("功能", list(pages), key="page")
    sidebar_identity(user)
    st.sidebar.caption("模式：" + ("大模型润色（已在环境变量中配置）" if settings().llm_model else "离线"))
    st.sidebar.caption("数字来自抽取与核验，不由大模型生成。")
    pages[page].render()


# A worker process spawned while this script is the main module (under AppTest) imports it again as
# __mp_main__: it has no page to draw, and must not open the default index.
if __name__ != "__mp_main__":
    main()
