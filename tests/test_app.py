"""The Streamlit app: each page's main flow through AppTest (the walk in headless Chromium is in
test_app_browser.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ingest import local_user
from conftest import PROJECT, SAMPLES

APP = str(PROJECT / "app.py")


def _app_on_a_copy(ingestor, tmp_path: Path, monkeypatch, copy_index) -> Path:
    index = tmp_path / "index"
    copy_index(ingestor, index)
    monkeypatch.setenv("AUDIT_INDEX", str(index))
    monkeypatch.delenv("AUDIT_LLM_MODEL", raising=False)
    return index


@pytest.fixture
def app_index(indexed, tmp_path, monkeypatch, copy_index):
    """A copy of the index of the bundled reports and the corpus."""
    return _app_on_a_copy(indexed[0], tmp_path, monkeypatch, copy_index)


@pytest.fixture
def seed_app_index(seeds_indexed, tmp_path, monkeypatch, copy_index):
    """A copy of the index of the bundled reports only (runs without ../shared)."""
    return _app_on_a_copy(seeds_indexed[0], tmp_path, monkeypatch, copy_index)


def open_page(name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    if name != "问答":
        app.sidebar.radio(key="page").set_value(name).run()
    assert not app.exception
    return app


def label_of(app: AppTest, key: str, file_name: str) -> str:
    return next(option for option in app.selectbox(key=key).options if file_name in option)


def test_chat_answers_with_citations(seed_app_index):
    app = open_page("问答")
    app.chat_input[0].set_value("定海区2021年新收申请多少件").run()
    assert not app.exception
    reply = app.chat_message[1]
    assert "31件" in reply.markdown[0].value and "已核验" in reply.markdown[1].value
    citation = reply.expander[0]
    assert citation.label.startswith("[1] 定海区") and "2021年" in citation.label and citation.label.endswith("：31（第82行）")
    source = citation.markdown[0].value
    assert source.count('class="line-number"') == 7 and '<td class="line-number" style="' in source
    assert all(f">{line}</td>" in source for line in range(79, 86)) and source.count('class="cited-line"') == 1
    app.chat_input[0].set_value("越城区存在哪些主要问题").run()
    labels = [e.label for e in app.chat_message[3].expander]
    assert labels and all("越城区" in label and ".txt" not in label for label in labels)


def test_review_page_shows_findings_tables_and_sections(app_index):
    app = open_page("年报审核")
    app.selectbox(key="review_report").set_value(label_of(app, "review_report", "pingtan_jingjifazhanju_2023.txt")).run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert sum(label.startswith("错误｜") for label in labels) == 2 and not any("…" in label for label in labels)
    assert any(label.startswith("一、总体情况") for label in labels)
    assert any(":red-badge[错误 2] :orange-badge[警告 1] :blue-badge[提示 1]" in m.value for m in app.markdown)
    tables = [m.value for m in app.markdown if 'class="official-table"' in m.value]
    assert len(tables) == 3 and tables[0].count("<tr>") == 9 and not app.dataframe


def test_memo_page_generates_and_offers_downloads(seed_app_index):
    app = open_page("审查意见")
    app.selectbox(key="memo_report").set_value(label_of(app, "memo_report", "002_ffb7cb016be5db93.txt")).run()
    app.button(key="memo_generate").click().run()
    assert not app.exception
    assert any("审查意见" in m.value and "FEE_STATEMENT_MISSING" in m.value for m in app.markdown)
    assert len(app.get("download_button")) == 2


def test_summary_page_runs_over_a_filtered_set(app_index):
    app = open_page("批量汇总")
    app.selectbox(key="sum_year").set_value(2025).run()
    assert any("11 份" in m.value for m in app.markdown)
    app.button(key="sum_run").click().run()
    assert not app.exception
    rows = app.table[-1].value
    assert len(rows) == 11 and set(rows["年度"]) == {2025} and not app.dataframe
    assert "平潭综合实验区财政金融局（2023→2025，雷同约100%）" in " ".join(m.value for m in app.markdown)
    assert "平潭综合实验区财政金融局2023（100%）" in list(rows["雷同"])
    assert len(app.get("download_button")) == 3
    app.text_input(key="sum_body").set_value("火星区").run()
    assert app.warning[0].value == "没有结果：索引中没有单位为“火星区”的报告。"


def test_index_page_ingests_a_server_folder_and_lists_failures(seed_app_index, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copy(next(SAMPLES.glob("004*.txt")), folder / "new_street.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    app = open_page("索引")
    before = int(app.metric[0].value)
    app.text_input(key="index_folder").set_value(str(folder)).run()
    app.button(key="index_run").click().run()
    assert not app.exception
    assert not app.success and app.warning[0].value.startswith("新增 0 份，未变 1 份，替换 0 份，失败 1 份")
    assert app.warning[0].value.endswith("以下文件未入库：broken.pdf")
    assert list(app.table[0].value["文件"]) == ["broken.pdf"]
    app.text_input(key="index_folder").set_value(str(tmp_path / "missing")).run()
    app.button(key="index_run").click().run()
    assert "文件夹不存在" in list(app.table[0].value["原因"])[0]
    assert int(open_page("索引").metric[0].value) == before


def test_index_page_deletes_reindexes_and_logs_who_in_single_user_mode(seed_app_index):
    app = open_page("索引")
    assert any("单用户模式" in c.value for c in app.sidebar.caption)
    app.button(key="index_delete").click().run()
    assert app.warning[0].value == "请选择要删除的报告并勾选确认。" and int(app.metric[0].value) == 5
    label = label_of(app, "index_delete_report", "004_")
    app.selectbox(key="index_delete_report").set_value(label)  # form widgets: sent with the submit
    app.checkbox(key="index_delete_confirm").check()
    app.button(key="index_delete").click().run()
    assert not app.exception and app.success[0].value == f"已删除：{label}"
    assert int(app.metric[0].value) == 4 and not any("004_" in option for option in app.selectbox(key="index_delete_report").options)
    app.button(key="index_reindex").click().run()
    assert app.success[0].value.startswith("已重建 ") and int(app.metric[3].value) > 0
    log = app.table[-1].value
    assert list(log["操作"][:2]) == ["重建向量索引", "删除"] and log["报告"].iloc[1] == label.split("（")[-1].rstrip("）")
    assert set(log["操作人"]) == {local_user()}  # no login: the store names the operating-system user


def test_search_page_ranks_marks_terms_and_names_the_empty_filter(app_index):
    app = open_page("检索")
    app.text_input(key="search_query").set_value("政务新媒体").run()
    assert not app.exception
    heads = [m.value for m in app.markdown if m.value.startswith("**第")]
    assert heads[0].startswith("**第1名**") and len(heads) == 10 and all("命中词：政务新媒体" in h for h in heads[:3])
    assert all(".txt" not in h for h in heads)
    assert any('<mark style="' in m.value and ">政务新媒体</mark>" in m.value for m in app.markdown)
    app.text_input(key="search_body").set_value("火星区").run()
    assert app.warning[0].value == "没有结果：索引中没有单位为“火星区”的报告。"
    app.text_input(key="search_body").set_value("定海").run()
    app.selectbox(key="search_year").set_value(2024).run()
    assert app.warning[0].value == "没有结果：没有同时满足单位“定海”、年度“2024”的报告。"


def test_accounts_without_the_login_routes_or_unreadable_stop_the_app(seed_app_index, tmp_path, monkeypatch):
    """`streamlit run app.py` (no serve.py, so no login form) with local accounts, and a broken accounts
    file: one sentence, no page, no sidebar."""
    from assistant.app.auth import accounts

    path = tmp_path / "accounts.json"
    monkeypatch.setenv("AUDIT_ACCOUNTS", str(path))
    accounts.save(path, accounts.AccountsFile(accounts={"李审核": accounts.Account(
        name="李审核", role=accounts.Role.REVIEWER, password_hash=accounts.hash_password("reviewer-pass"))}))
    for expected in ["已配置本地账户，但登录服务未启动", f"账户文件 {path} 无法读取（ValidationError）"]:
        app = AppTest.from_file(APP, default_timeout=120).run()
        assert not app.exception and app.error[0].value.startswith(expected)
        assert not app.sidebar.radio and not app.chat_input and not app.metric
        path.write_text('{"accounts": {"李审核": {"name": "李审核", "role": "boss"}}}', encoding="utf-8")
