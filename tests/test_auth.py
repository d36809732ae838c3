"""Accounts, sign-in sessions and the attempt limit of the app's login, and the CLI that manages
accounts (`audit users`). The login as a browser meets it is in test_app_browser.py."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app.auth import accounts, sessions
from assistant.app.auth.accounts import Role
from assistant.app.auth.mode import LoginMode, login_mode, refusal

AUDIT = Path(sys.executable).with_name("audit")


def users(*args: str, password: str | None = None, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(AUDIT), "users", *args] + (["--password-stdin"] if password is not None else []),
                          input=None if password is None else password + "\n", text=True, capture_output=True,
                          env={**os.environ, **env})


def test_audit_users_keeps_salted_argon2_hashes_in_a_private_file(tmp_path):
    path = tmp_path / "accounts.json"
    env = {"AUDIT_ACCOUNTS": str(path)}
    assert users("add", "张三", "--role", "admin", password="correct horse 1", env=env).returncode == 0
    assert users("add", "李四", password="correct horse 1", env=env).returncode == 0
    assert users("add", "wang@office.gov.cn", "--oidc", env=env).returncode == 0
    short = users("add", "赵五", password="short", env=env)
    assert short.returncode == 2 and short.stderr.strip() == "audit: 密码至少 8 个字符"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text(encoding="utf-8"))["accounts"]
    assert set(stored) == {"张三", "李四", "wang@office.gov.cn"}
    assert stored["张三"]["password_hash"].startswith("$argon2id$") and "correct horse" not in path.read_text()
    assert stored["张三"]["password_hash"] != stored["李四"]["password_hash"]  # same password, own salt
    assert stored["wang@office.gov.cn"]["password_hash"] is None
    assert users("list", env=env).stdout.splitlines() == [
        "wang@office.gov.cn\treviewer\t统一认证", "张三\tadmin\t本地密码", "李四\treviewer\t本地密码"]

    assert accounts.verify(path, "张三", "correct horse 1").role is Role.ADMIN
    assert accounts.verify(path, "张三", "correct horse 2") is None
    assert accounts.verify(path, "无此人", "correct horse 1") is None
    assert accounts.verify(path, "wang@office.gov.cn", "") is None  # an OIDC identity has no password here

    assert users("add", "张三", password="correct horse 3", env=env).returncode == 0  # role kept when not given
    assert accounts.verify(path, "张三", "correct horse 3").role is Role.ADMIN
    assert users("passwd", "李四", password="another horse", env=env).returncode == 0
    assert accounts.verify(path, "李四", "correct horse 1") is None and accounts.verify(path, "李四", "another horse")
    assert users("passwd", "wang@office.gov.cn", password="another horse", env=env).returncode == 2
    assert users("remove", "李四", env=env).returncode == 0 and accounts.verify(path, "李四", "another horse") is None
    assert users("remove", "李四", env=env).stderr.strip() == "audit: 没有账户 李四"


def test_login_mode_follows_the_accounts_file(tmp_path, monkeypatch):
    path = tmp_path / "accounts.json"
    monkeypatch.setenv("AUDIT_ACCOUNTS", str(path))
    assert login_mode(tmp_path) is LoginMode.NONE
    accounts.save(path, accounts.AccountsFile(accounts={"a@b.cn": accounts.Account(name="a@b.cn", role=Role.ADMIN)}))
    assert login_mode(tmp_path) is LoginMode.NONE  # roles for OIDC identities alone are no login
    accounts.save(path, accounts.AccountsFile(accounts={"a": accounts.Account(
        name="a", role=Role.REVIEWER, password_hash=accounts.hash_password("12345678"))}))
    assert login_mode(tmp_path) is LoginMode.LOCAL


@pytest.mark.parametrize("address, refused", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                               ("127.0.0.2", False), ("0.0.0.0", True), ("", True), (None, True),
                                               ("192.0.2.10", True), ("::", True)])
def test_single_user_mode_only_on_loopback(address, refused):
    assert (refusal(address, LoginMode.NONE) is not None) == refused
    assert refusal(address, LoginMode.LOCAL) is None and refusal(address, LoginMode.OIDC) is None


def test_sessions_are_opaque_tokens_that_logout_and_expiry_end(monkeypatch):
    store = sessions.SessionStore()
    token = store.open("张三")
    assert store.name(token) == "张三" and "张三" not in token and len(token) >= 40 and store.open("张三") != token
    store.close(token)
    assert store.name(token) is None and store.name(None) is None and store.name("forged") is None
    later = store.open("李四")
    now = sessions.time.monotonic()
    monkeypatch.setattr(sessions.time, "monotonic", lambda: now + sessions.SESSION_SECONDS + 1)
    assert store.name(later) is None


def test_failed_attempts_lock_the_name_and_the_address_for_a_while(monkeypatch):
    limiter = sessions.AttemptLimiter()
    for _ in range(sessions.ATTEMPTS - 1):
        limiter.failed("张三", "10.0.0.1")
    assert not limiter.blocked("张三", "10.0.0.1")
    limiter.failed("张三", "10.0.0.1")
    assert limiter.blocked("张三", "10.0.0.9") and limiter.blocked("李四", "10.0.0.1")
    assert not limiter.blocked("李四", "10.0.0.9")
    now = sessions.time.monotonic()
    monkeypatch.setattr(sessions.time, "monotonic", lambda: now + sessions.ATTEMPT_WINDOW_SECONDS + 1)
    assert not limiter.blocked("张三", "10.0.0.1")
