"""`audit team-stack` (what `deploy/team-stack` runs after installing Debian's packages): the settings
it writes and keeps, its refusal to start without accounts, and a start with a Chroma server of its
own and the app behind the login. The PostgreSQL step needs root and Debian's system cluster, so it
is not run here: the start below plugs in a database URL, as an office with its own server does."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

from assistant.team_stack import process_running
from conftest import free_port
from test_app_server import listening_addresses, wait_until_serving

AUDIT = Path(sys.executable).with_name("audit")
PLUGGABLE = ("AUDIT_DATABASE_URL", "AUDIT_CHROMA_URL", "AUDIT_INDEX", "AUDIT_ACCOUNTS", "AUDIT_TEAM_STATE")


def team_stack(state: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PLUGGABLE} | env
    return subprocess.run([str(AUDIT), "team-stack", "--state", str(state), *args], capture_output=True, text=True,
                          env=environment, timeout=120)


def settings(state: Path) -> dict[str, str]:
    from assistant.team_stack import read_env_file
    return read_env_file(state / "team.env")


def test_settings_are_written_once_and_no_start_without_accounts(tmp_path):
    state = tmp_path / "state"
    first = team_stack(state)
    assert first.returncode == 2 and first.stderr.startswith("audit team-stack: 请用 --address 指定")
    refused = team_stack(state, "--address", "127.0.0.1")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("audit team-stack: 团队部署必须登录，但还没有账户")
    kept = settings(state)
    assert stat.S_IMODE((state / "team.env").stat().st_mode) == 0o600
    assert kept["AUDIT_INDEX"] == str(state / "index") and kept["AUDIT_ACCOUNTS"] == str(state / "accounts.json")
    assert kept["AUDIT_DATABASE_URL"].startswith("postgresql://audit:") and kept["AUDIT_DATABASE_URL"].endswith(
        "@127.0.0.1:5432/audit")
    assert kept["AUDIT_CHROMA_URL"] == "http://127.0.0.1:8000" and kept["AUDIT_TEAM_SERVICES"] == "postgresql chroma"
    assert (kept["AUDIT_APP_ADDRESS"], kept["AUDIT_APP_PORT"]) == ("127.0.0.1", "8501")
    again = team_stack(state, "--port", "8600")  # the address and the database password are kept
    assert again.returncode == 2 and settings(state) == kept | {"AUDIT_APP_PORT": "8600"}
    assert not (state / "chroma.pid").exists() and not (state / "chroma").exists()


def test_servers_the_office_runs_plug_in_and_are_not_managed(tmp_path):
    state = tmp_path / "state"
    database, chroma = "postgresql://audit:secret@127.0.0.1:55432/audit", "http://127.0.0.1:58000"
    team_stack(state, "--address", "127.0.0.1", AUDIT_DATABASE_URL=database, AUDIT_CHROMA_URL=chroma)
    kept = settings(state)
    assert (kept["AUDIT_DATABASE_URL"], kept["AUDIT_CHROMA_URL"], kept["AUDIT_TEAM_SERVICES"]) == (database, chroma, "")
    assert settings(state) == kept and team_stack(state).returncode == 2 and settings(state) == kept


def test_starts_its_chroma_server_and_the_app_behind_the_login(tmp_path):
    state, app_port, chroma_port = tmp_path / "state", free_port(), free_port()
    accounts = state / "accounts.json"
    subprocess.run([str(AUDIT), "users", "add", "王管理", "--role", "admin", "--password-stdin"], input="admin-pass-2026\n",
                   text=True, check=True, capture_output=True, env={**os.environ, "AUDIT_ACCOUNTS": str(accounts)})
    environment = {k: v for k, v in os.environ.items() if k not in PLUGGABLE} | {
        "AUDIT_DATABASE_URL": f"postgresql://audit:unused@127.0.0.1:{free_port()}/audit"}
    stack = subprocess.Popen([str(AUDIT), "team-stack", "--state", str(state), "--address", "127.0.0.1", "--port",
                              str(app_port), "--chroma-port", str(chroma_port)], env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chroma = f"http://127.0.0.1:{chroma_port}"
    try:
        wait_until_serving(app_port, stack)
        assert settings(state)["AUDIT_TEAM_SERVICES"] == "chroma"
        assert urllib.request.urlopen(f"{chroma}/api/v2/heartbeat", timeout=5).status == 200
        login = urllib.request.urlopen(f"http://127.0.0.1:{app_port}/audit-auth/login", timeout=5).read().decode()
        assert 'name="password" type="password"' in login
        assert listening_addresses(app_port) == {"0100007F"}
        pid = int((state / "chroma.pid").read_text())
    finally:
        stack.terminate()
        stack.wait(timeout=30)
        team_stack(state, "--stop", **{k: v for k, v in environment.items() if k in PLUGGABLE})
    assert not listening_addresses(chroma_port) and not (state / "chroma.pid").exists()
    assert not process_running(pid)
