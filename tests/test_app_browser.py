"""The app served on localhost and walked page by page in Debian's headless chromium (Playwright),
on an index of the bundled reports only: no cut label on any page, a citation that opens on its
numbered source lines, search ranks with marked terms and an empty result that names its filter,
an upload with failures shown as a warning naming the uploaded files, statistics that change
after an ingest. Screenshots of every page at 1400 px go to $AUDIT_SCREENSHOTS (default: the test's
tmp folder; the path is printed).

The login as a team meets it: local accounts made by `audit users` on `serve.py` (a generic refusal,
a reviewer without 索引, the HttpOnly session cookie, an administrator's ingest in the activity log),
and the OIDC login through `st.login` against a local provider (tests/oidc_provider.py)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import PROJECT, SAMPLES, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
# Elements whose text the browser cuts with an ellipsis (labels, headers, metrics, expander titles).
CUT_TEXT = """() => [...document.querySelectorAll('[data-testid="stMainBlockContainer"] *')].filter(e => {
    const style = getComputedStyle(e);
    return style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim();
}).map(e => e.innerText.trim())"""


@pytest.fixture
def seed_index(tmp_path):
    from assistant.config import Settings
    from assistant.ingest import Ingestor

    index = tmp_path / "index"
    ingestor = Ingestor(Settings(index_dir=index))
    assert len(ingestor.ingest([SAMPLES]).new) == 5
    ingestor.close()
    return index


@contextmanager
def _served(script: str, environment: dict[str, str], port: int | None = None, options: tuple[str, ...] = ()):
    """`streamlit run SCRIPT` on localhost (a free port unless given), until the test ends; yields its URL."""
    port = port or free_port()
    environment = {k: v for k, v in {**os.environ, **environment}.items() if not k.startswith(("AUDIT_LLM", "OPENAI"))}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(PROJECT / script), "--server.port",
                               str(port), "--server.address", "127.0.0.1", "--server.headless", "true", *options],
                              cwd=PROJECT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def served_app(seed_index):
    with _served("app.py", {"AUDIT_INDEX": str(seed_index)}) as url:
        yield url, time.time()


def _no_cut_text(page) -> None:
    cut = page.evaluate(CUT_TEXT)
    assert not cut, f"labels cut with an ellipsis: {cut}"
    headers = page.locator('[data-testid="stMainBlockContainer"] th, [data-testid="stMetricLabel"], [data-testid="stMetricValue"]')
    assert not [t for t in headers.all_inner_texts() if "…" in t]


def _shot(page, path: Path) -> None:
    """The whole page: the viewport stretched to the height of the tallest scrolling content."""
    height = page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(height + 40, 12000))})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def _open(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] label').filter(has_text=name).first.click()
    page.locator("h1").filter(has_text=name).first.wait_for(timeout=30000)
    page.wait_for_timeout(800)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_every_page_in_headless_chromium(served_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, launched = served_app
    shots = Path(os.environ.get("AUDIT_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {shots.resolve()}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.time()
        page.goto(url, wait_until="networkidle")

        # 问答: a verified answer whose citation opens on the cited line with three lines either side
        page.get_by_placeholder("请输入问题").fill("定海区2021年新收申请多少件")
        page.keyboard.press("Enter")
        page.get_by_text("本年新收政府信息公开申请数为31件").first.wait_for(timeout=60000)
        first_answer, from_launch = time.time() - started, time.time() - launched
        page.get_by_text("已核验").first.wait_for(timeout=30000)
        citation = page.locator('[data-testid="stExpander"] summary').filter(has_text="[1] 定海区").first
        assert "2021年" in citation.inner_text() and ".txt" not in citation.inner_text()
        citation.click()
        cited = page.locator(".cited-line").first
        cited.wait_for(timeout=10000)
        numbers = page.locator(".source-lines").first.locator(".line-number").all_inner_texts()
        assert numbers == [str(n) for n in range(79, 86)] and cited.locator(".line-number").inner_text() == "82"
        page.get_by_placeholder("请输入问题").fill("越城区存在哪些主要问题")
        page.keyboard.press("Enter")
        quote = page.locator('[data-testid="stExpander"]').filter(has_text="越城区人民政府办公室 2021年 · 第五部分").first
        quote.wait_for(timeout=60000)
        quote.locator("summary").click()
        quote.locator(".cited-line").first.wait_for(timeout=10000)
        assert quote.locator(".line-number").count() >= 7
        _no_cut_text(page)
        _shot(page, shots / "1_问答.png")

        # 检索: ranks and marked terms; an empty result names the filter
        _open(page, "检索")
        page.get_by_label("查询").fill("政务新媒体")
        page.keyboard.press("Enter")
        page.get_by_text("第1名").first.wait_for(timeout=30000)
        page.locator(".source-lines mark").first.wait_for(timeout=10000)
        assert set(page.locator(".source-lines mark").all_inner_texts()) == {"政务新媒体"}
        assert page.get_by_text("0.0").count() == 0
        _no_cut_text(page)
        _shot(page, shots / "2_检索.png")
        page.get_by_label("单位（包含即可）").fill("火星区")
        page.keyboard.press("Enter")
        page.get_by_text("索引中没有单位为“火星区”的报告").first.wait_for(timeout=30000)

        # 年报审核: findings, the official tables, numbered sections
        _open(page, "年报审核")
        page.locator('[data-testid="stSelectbox"]').filter(has_text="报告").first.click()
        page.get_by_role("option").filter(has_text="鄞州区").first.click()
        page.get_by_text("鄞州区人民政府办公室 2020年 政府信息公开工作年度报告").first.wait_for(timeout=30000)
        page.get_by_text("核对结果：").first.wait_for(timeout=30000)
        finding = page.locator('[data-testid="stExpander"] summary').filter(has_text="警告｜").first
        finding.click()
        page.locator("details[open] .cited-line").first.wait_for(timeout=10000)
        _no_cut_text(page)
        _shot(page, shots / "3_年报审核.png")
        page.get_by_role("tab", name="统计表").click()
        page.locator(".official-table").first.wait_for(timeout=10000)
        assert page.locator(".official-table").count() == 3
        _no_cut_text(page)
        _shot(page, shots / "3_年报审核_统计表.png")
        page.get_by_role("tab", name="正文").click()
        page.locator('[data-testid="stExpander"] summary:visible').filter(has_text="二、").first.click()
        page.locator("details[open] .line-number:visible").first.wait_for(timeout=10000)
        _shot(page, shots / "3_年报审核_正文.png")

        # 审查意见
        _open(page, "审查意见")
        page.get_by_role("button", name="生成审查意见").click()
        page.get_by_text("审查意见如下").first.wait_for(timeout=60000)
        _no_cut_text(page)
        _shot(page, shots / "4_审查意见.png")

        # 批量汇总
        _open(page, "批量汇总")
        page.get_by_role("button", name="开始汇总").click()
        page.get_by_text("各报告明细").first.wait_for(timeout=60000)
        page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(
            timeout=30000)
        table = page.locator('[data-testid="stTable"]').last
        table.wait_for(timeout=30000)
        assert table.locator("tbody tr").count() == 5
        _no_cut_text(page)
        _shot(page, shots / "5_批量汇总.png")

        # 索引: an upload with a failure is a warning naming only the uploaded files; the count moves
        _open(page, "索引")
        reports = page.locator('[data-testid="stMetricValue"]').first
        assert reports.inner_text() == "5"
        uploads = tmp_path / "uploads"
        uploads.mkdir()
        (uploads / "会议通知.txt").write_text("请各单位于周五前报送材料。\n", encoding="utf-8")
        (uploads / "损坏的报告.pdf").write_bytes(b"%PDF-1.4 broken")
        street = next(SAMPLES.glob("004*.txt")).read_text(encoding="utf-8")
        (uploads / "街道年报.txt").write_text(street + "\n（本件为重新上传的版本）\n", encoding="utf-8")
        _upload(page, sorted(uploads.iterdir()))
        page.get_by_role("button", name="开始入库").click()
        warning = page.locator('[data-testid="stAlertContentWarning"]').first
        warning.wait_for(timeout=60000)
        text = warning.inner_text()
        listed = text.split("以下文件未入库：", 1)[1].strip().split("、")
        assert sorted(listed) == ["会议通知.txt", "损坏的报告.pdf"], text
        assert "/" not in text and page.locator('[data-testid="stAlertContentSuccess"]').count() == 0
        expect(reports).to_have_text("6", timeout=30000)  # drawn after the ingest: only the street report is new
        _no_cut_text(page)
        _shot(page, shots / "6_索引.png")
        browser.close()
    assert first_answer < 60
    (shots / "first_answer_seconds.txt").write_text(
        f"page load to answer {first_answer:.1f} s; server launch to answer {from_launch:.1f} s\n", encoding="utf-8")


ACCOUNTS = {"李审核": ("reviewer", "reviewer-pass-2026"), "王管理": ("admin", "admin-pass-2026")}


@pytest.fixture
def served_team_app(seed_index, tmp_path):
    """The app as a team runs it (`serve.py`, the login routes beside it), with accounts made by `audit users`."""
    accounts = tmp_path / "accounts.json"
    environment = {"AUDIT_INDEX": str(seed_index), "AUDIT_ACCOUNTS": str(accounts)}
    for name, (role, password) in ACCOUNTS.items():
        subprocess.run([str(Path(sys.executable).with_name("audit")), "users", "add", name, "--role", role,
                        "--password-stdin"], input=password + "\n", text=True, check=True, capture_output=True,
                       env={**os.environ, **environment})
    with _served("serve.py", environment) as url:
        yield url, accounts


def _upload(page, files: list[Path]) -> None:
    """Hand the files to the uploader and wait until the server has drawn the page that holds them and that
    run is over: a click sent during the upload's rerun can be lost (seen in CI under load)."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.get_by_text(f"已选择 {len(files)} 个文件。").wait_for(timeout=60000)
    page.locator('[data-test-script-state="notRunning"]').wait_for(state="attached", timeout=60000)


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url, wait_until="networkidle")  # no session: the app sends the browser to the login form
    assert page.url == url + "audit-auth/login"
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def _sidebar_pages(page) -> list[str]:
    page.locator('[data-testid="stSidebar"] [role="radiogroup"]').first.wait_for(timeout=30000)
    return page.locator('[data-testid="stSidebar"] [role="radiogroup"] label').all_inner_texts()


def _no_secret_held(context, page, secrets: list[str]) -> None:
    """No cookie the browser holds, nor the page's HTML, carries a password or a password hash."""
    held = [f"{c['name']}={c['value']}" for c in context.cookies()]
    shown = page.content()
    for secret in secrets + ["$argon2"]:
        assert not any(secret in cookie for cookie in held) and secret not in shown


def _post_login(url: str, name: str, forwarded_for: str) -> str:
    """A wrong password posted through a reverse proxy on this machine: the notice the login answers with."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", "/audit-auth/login", urllib.parse.urlencode({"name": name, "password": "wrong"}),
                           {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{parts.netloc}",
                            "X-Forwarded-For": forwarded_for})
        response = connection.getresponse()
        assert response.status == 303
        return urllib.parse.parse_qs(urllib.parse.urlsplit(response.getheader("Location")).query)["notice"][0]
    finally:
        connection.close()


def test_behind_a_local_reverse_proxy_failures_lock_the_forwarded_client_not_everyone(served_team_app):
    """Every request then comes from the proxy's own address; the server takes the client's from
    X-Forwarded-For (sent by a proxy on this machine), so one person's failures lock only them out."""
    url, _ = served_team_app
    from assistant.app.auth.sessions import ATTEMPTS

    assert [_post_login(url, f"猜测{n}", "198.51.100.7") for n in range(ATTEMPTS)] == ["failed"] * ATTEMPTS
    assert _post_login(url, "李审核", "198.51.100.7") == "limited"
    assert _post_login(url, "王管理", "198.51.100.8") == "failed"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_login_roles_and_session_cookie_in_headless_chromium(served_team_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, accounts = served_team_app
    hashes = [entry["password_hash"] for entry in json.loads(accounts.read_text(encoding="utf-8"))["accounts"].values()]
    secrets = [password for _, password in ACCOUNTS.values()] + hashes
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)

        # Refusals: one sentence whether the name or the password was wrong; nothing of the app is shown
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        refusals = []
        for name, password in [("李审核", "wrong-password"), ("无此用户", "reviewer-pass-2026")]:
            _sign_in(page, url, name, password)
            refusals.append(page.get_by_role("alert").inner_text())
            assert page.url.startswith(url + "audit-auth/login")
        assert refusals == ["用户名或密码错误。"] * 2
        assert not [c for c in context.cookies() if c["name"] == "audit_session"]
        context.close()

        # A reviewer: five pages, no 索引, and no way to it by URL; the session cookie is HttpOnly
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        _sign_in(page, url, "李审核", ACCOUNTS["李审核"][1])
        assert _sidebar_pages(page) == ["问答", "检索", "年报审核", "审查意见", "批量汇总"]
        page.get_by_text("当前用户：李审核（审核人员）").wait_for(timeout=30000)
        session = [c for c in context.cookies() if c["name"] == "audit_session"]
        assert len(session) == 1 and session[0]["httpOnly"] and session[0]["sameSite"] == "Lax"
        assert "audit_session" not in page.evaluate("document.cookie")
        # every other cookie is Streamlit's XSRF token, which its own script must read
        assert {c["name"] for c in context.cookies() if not c["httpOnly"]} <= {"_streamlit_xsrf"}
        _no_secret_held(context, page, secrets)
        for address in [url + "?page=索引", url + "索引", url + "index"]:
            page.goto(address, wait_until="networkidle")
            assert "索引" not in _sidebar_pages(page)
            page.locator("h1").filter(has_text="问答").first.wait_for(timeout=30000)
            assert page.get_by_text("开始入库").count() == 0 and page.get_by_text("删除报告").count() == 0
        page.reload(wait_until="networkidle")  # the cookie keeps the session across a reload
        page.get_by_text("当前用户：李审核（审核人员）").wait_for(timeout=30000)
        token = session[0]
        other = context.new_page()  # logging out in another tab ends the session of this open page too
        other.goto(url, wait_until="networkidle")
        other.get_by_text("退出登录").click()
        other.get_by_text("已退出登录。").wait_for(timeout=30000)
        assert not [c for c in context.cookies() if c["name"] == "audit_session"]
        page.locator('[data-testid="stSidebar"] label').filter(has_text="检索").first.click()
        page.get_by_text("请先登录。").wait_for(timeout=30000)
        assert page.locator('[data-testid="stSidebar"]').count() == 0 and page.get_by_label("查询").count() == 0
        context.add_cookies([token])  # a copied token is dead once its session has logged out
        page.goto(url, wait_until="networkidle")
        assert page.url == url + "audit-auth/login"
        context.close()

        # An administrator ingests; the activity log names them
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        _sign_in(page, url, "王管理", ACCOUNTS["王管理"][1])
        assert _sidebar_pages(page)[-1] == "索引"
        _open(page, "索引")
        page.get_by_text("操作记录").wait_for(timeout=30000)
        page.locator('[data-test-script-state="notRunning"]').wait_for(state="attached", timeout=60000)  # run over
        upload = tmp_path / "街道年报.txt"
        upload.write_text(next(SAMPLES.glob("004*.txt")).read_text(encoding="utf-8") + "\n（重新上传）\n", encoding="utf-8")
        _upload(page, [upload])
        page.get_by_role("button", name="开始入库").click()
        page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=60000)
        expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text("6", timeout=30000)
        newest = page.locator('[data-testid="stTable"]').last.locator("tbody tr").first
        expect(newest).to_contain_text("王管理")
        assert "入库" in newest.inner_text() and "街道年报.txt" in newest.inner_text()
        _no_secret_held(context, page, secrets)
        _shot(page, tmp_path / "索引_管理员.png")
        browser.close()


OIDC_ADMIN = "wang@office.gov.cn"


@pytest.fixture
def served_oidc_app(seed_index, tmp_path):
    """The app signing in through `st.login` against a local OIDC provider (tests/oidc_provider.py) that
    signs in OIDC_ADMIN; the accounts file gives that e-mail the admin role."""
    from oidc_provider import CLIENT_ID, CLIENT_SECRET

    provider_port, app_port = free_port(), free_port()
    provider = subprocess.Popen([sys.executable, str(PROJECT / "tests" / "oidc_provider.py"), str(provider_port),
                                 OIDC_ADMIN], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "a-cookie-secret-made-for-this-test"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"
""", encoding="utf-8")
    accounts = tmp_path / "accounts.json"
    environment = {"AUDIT_INDEX": str(seed_index), "AUDIT_ACCOUNTS": str(accounts)}
    subprocess.run([str(Path(sys.executable).with_name("audit")), "users", "add", OIDC_ADMIN, "--oidc", "--role",
                    "admin"], check=True, capture_output=True, env={**os.environ, **environment})
    try:
        with _served("serve.py", environment, app_port, ("--secrets.files", str(secrets))) as url:
            yield url, accounts
    finally:
        provider.terminate()
        provider.wait(timeout=30)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")
def test_oidc_login_maps_roles_from_the_accounts_file(served_oidc_app):
    from playwright.sync_api import sync_playwright

    url, accounts = served_oidc_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.get_by_role("button", name="使用单位统一身份认证登录").click()
        page.get_by_text(f"当前用户：{OIDC_ADMIN}（管理员）").wait_for(timeout=60000)
        assert _sidebar_pages(page)[-1] == "索引"
        identity = [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
        assert identity and all(c["httpOnly"] for c in identity)
        assert "_streamlit_user" not in page.evaluate("document.cookie")
        # The role follows the accounts file as it is now: unlisted, the same identity is refused
        subprocess.run([str(Path(sys.executable).with_name("audit")), "users", "remove", OIDC_ADMIN], check=True,
                       capture_output=True, env={**os.environ, "AUDIT_ACCOUNTS": str(accounts)})
        page.reload(wait_until="networkidle")
        page.get_by_text(f"账户 {OIDC_ADMIN} 未获授权使用本系统，请联系管理员。").wait_for(timeout=30000)
        assert page.locator('[data-testid="stSidebar"]').count() == 0
        browser.close()
