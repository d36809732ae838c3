"""The Streamlit app: each page's main flow through AppTest, and one end-to-end run in headless
Chromium (Debian's chromium driven by Playwright) against the app served on localhost."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import PROJECT, SAMPLES

APP = str(PROJECT / "app.py")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _app_on_a_copy(ingestor, tmp_path: Path, monkeypatch) -> Path:
    index = tmp_path / "index"
    shutil.copytree(ingestor.db.path.parent, index)
    monkeypatch.setenv("AUDIT_INDEX", str(index))
    monkeypatch.delenv("AUDIT_LLM_MODEL", raising=False)
    return index


@pytest.fixture
def app_index(indexed, tmp_path, monkeypatch):
    """A copy of the index of the bundled reports and the corpus."""
    return _app_on_a_copy(indexed[0], tmp_path, monkeypatch)


@pytest.fixture
def seed_app_index(seeds_indexed, tmp_path, monkeypatch):
    """A copy of the index of the bundled reports only (runs without ../shared)."""
    return _app_on_a_copy(seeds_indexed[0], tmp_path, monkeypatch)


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
    table = reply.dataframe[0].value
    assert list(table["数值"]) == [31] and list(table["行"]) == [82]
    app.chat_input[0].set_value("越城区存在哪些主要问题").run()
    assert any("001_9b265bb38da02cc5.txt" in e.label for e in app.expander)


def test_review_page_shows_findings_tables_and_sections(app_index):
    app = open_page("年报审核")
    app.selectbox(key="review_report").set_value(label_of(app, "review_report", "pingtan_jingjifazhanju_2023.txt")).run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert any(label.startswith("REQ_BALANCE") for label in labels)
    assert any(label.startswith("一、总体情况") for label in labels)
    assert "2 / 1 / 1" in [m.value for m in app.metric]
    assert len(app.dataframe) == 8


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
    rows = app.dataframe[-1].value
    assert len(rows) == 11 and set(rows["年度"]) == {2025}
    assert "平潭综合实验区财政金融局（2023→2025，雷同约100%）" in " ".join(m.value for m in app.markdown)
    assert "平潭综合实验区财政金融局2023（100%）" in list(rows["雷同"])
    assert len(app.get("download_button")) == 3


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
    assert app.success[0].value.startswith("新增 0 份，未变 1 份，替换 0 份，失败 1 份")
    assert list(app.dataframe[-1].value["文件"]) == [str((folder / "broken.pdf").resolve())]
    app.text_input(key="index_folder").set_value(str(tmp_path / "missing")).run()
    app.button(key="index_run").click().run()
    assert "文件夹不存在" in list(app.dataframe[-1].value["原因"])[0]
    assert int(open_page("索引").metric[0].value) == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_end_to_end_in_headless_chromium(seed_app_index, tmp_path):
    from playwright.sync_api import sync_playwright

    port = _free_port()
    environment = {**os.environ, "AUDIT_INDEX": str(seed_app_index)}
    launched = time.time()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
                               "--server.headless", "true"], cwd=PROJECT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shots = Path(os.environ.get("AUDIT_SCREENSHOTS", tmp_path))
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            started = time.time()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
            page.get_by_placeholder("请输入问题").fill("定海区2021年新收申请多少件")
            page.keyboard.press("Enter")
            page.get_by_text("本年新收政府信息公开申请数为31件").first.wait_for(timeout=60000)
            first_answer, from_launch = time.time() - started, time.time() - launched
            page.get_by_text("已核验").first.wait_for(timeout=30000)
            page.screenshot(path=str(shots / "chat.png"), full_page=True)
            page.get_by_text("年报审核", exact=True).first.click()
            page.get_by_text("报告来源").first.wait_for(timeout=30000)
            page.get_by_text("错误 / 警告 / 提示").first.wait_for(timeout=30000)
            page.screenshot(path=str(shots / "review.png"), full_page=True)
            browser.close()
        assert first_answer < 60
        (shots / "first_answer_seconds.txt").write_text(
            f"page load to answer {first_answer:.1f} s; server launch to answer {from_launch:.1f} s\n", encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
