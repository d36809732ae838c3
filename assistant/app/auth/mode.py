"""Which login the app uses, and whether it may listen where it was asked to.

The office's OIDC provider (Streamlit's `st.login`, an `[auth]` section in `.streamlit/secrets.toml`)
when configured, else the local accounts of the accounts file, else none: single-user mode, which
is allowed only on a loopback address, because without a login anyone who reaches the port could
ingest or delete reports.
"""

from __future__ import annotations

import ipaddress
from enum import Enum
from pathlib import Path
from typing import Optional

from assistant.app.auth import accounts


class LoginMode(str, Enum):
    OIDC = "oidc"
    LOCAL = "local"
    NONE = "none"


def oidc_configured() -> bool:
    import streamlit as st

    return st.secrets.load_if_toml_exists() and st.secrets.get("auth") is not None


def login_mode(index_dir: Path) -> LoginMode:
    if oidc_configured():
        return LoginMode.OIDC
    if any(account.local for account in accounts.load(accounts.accounts_path(index_dir)).accounts.values()):
        return LoginMode.LOCAL
    return LoginMode.NONE


def is_loopback(address: Optional[str]) -> bool:
    """An empty address is Streamlit's default: every interface."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address((address or "").strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(address: Optional[str], mode: LoginMode) -> Optional[str]:
    """Why the app must not serve on `address`, in one line; None when it may."""
    if mode is LoginMode.NONE and not is_loopback(address):
        return (f"未配置登录，不能在 {address or '所有网络接口'} 上提供服务：请先用 `audit users add 用户名 --role admin` "
                "建立账户（或配置单位统一认证），或只在 127.0.0.1 上运行。")
    return None
