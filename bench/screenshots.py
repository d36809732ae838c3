"""Screenshots of every page of the app in headless Chromium, for people to look at.

Usage: python bench/screenshots.py INDEX_DIR OUT_DIR
(Chinese text needs a CJK font on the machine, e.g. Debian's fonts-noto-cjk.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main() -> int:
    index, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(PROJECT / "app.py"), "--server.port",
                               str(port)], cwd=PROJECT, env={**os.environ, "AUDIT_INDEX": str(index)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
            page.get_by_placeholder("请输入问题").fill("2024年哪些单位行政诉讼败诉不为零")
            page.keyboard.press("Enter")
            page.get_by_text("已核验").first.wait_for(timeout=60000)
            time.sleep(2)
            page.screenshot(path=str(out / "1_chat.png"), full_page=True)
            for number, (name, action) in enumerate([("年报审核", None), ("审查意见", "生成审查意见"),
                                                      ("批量汇总", "开始汇总"), ("索引", None)], 2):
                page.get_by_text(name, exact=True).first.click()
                time.sleep(3)
                if action:
                    page.get_by_role("button", name=action).click()
                    time.sleep(6)
                page.screenshot(path=str(out / f"{number}_{name}.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
