"""The app as served: `audit app` and `streamlit run app.py` listen on 127.0.0.1 by default, `audit app`
refuses any other address while no login is configured, and ending `audit app` ends the Streamlit
server (no listener is left behind)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT, free_port

AUDIT = Path(sys.executable).with_name("audit")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, read from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.time() + 90
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                pytest.fail(f"the app did not start (exit {server.poll()})")
            time.sleep(0.3)


def test_audit_app_listens_locally_and_its_end_ends_the_server(tmp_path):
    port = free_port()
    app = subprocess.Popen([str(AUDIT), "app", "--port", str(port), "--index", str(tmp_path / "index")],
                           cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(port, app)
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)
        assert listening_addresses(port) == set()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def test_streamlit_run_uses_the_project_config_and_listens_locally(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                              cwd=PROJECT, env={**os.environ, "AUDIT_INDEX": str(tmp_path / "index")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(port, server)
        assert listening_addresses(port) == {"0100007F"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_audit_app_refuses_a_network_address_without_a_login(tmp_path):
    port = free_port()
    refused = subprocess.run([str(AUDIT), "app", "--port", str(port), "--address", "0.0.0.0", "--index",
                              str(tmp_path / "index")], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "AUDIT_ACCOUNTS": str(tmp_path / "accounts.json")})
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("audit: 未配置登录，不能在 0.0.0.0 上提供服务") and listening_addresses(port) == set()
