"""The gate every run of the app passes first: who is signed in, with which role, and which pages
that role may use.

It is decided again on every run (a page switch, a click), from the session token the browser
sends, the OIDC identity Streamlit holds, and the accounts file as it is now; a page the role may
not use is neither listed nor rendered. Nothing signed in means the login screen and `st.stop()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import streamlit as st

from assistant.app.auth import accounts
from assistant.app.auth.accounts import Role
from assistant.app.auth.mode import LoginMode, login_mode, refusal
from assistant.app.auth.routes import LOGIN_PATH, LOGOUT_PATH
from assistant.app.auth.sessions import COOKIE, LOGIN_ROUTES_MOUNTED, SESSIONS

TITLE = "政府信息公开年报审核助手"
ADMIN_PAGES = frozenset({"索引"})
_USER_KEY = "signed_in_user"


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    mode: LoginMode

    @property
    def actor(self) -> Optional[str]:
        """The name the activity log records; single-user mode leaves it to the store (the OS user)."""
        return None if self.mode is LoginMode.NONE else self.name


def signed_in_user(index_dir: Path) -> User:
    """The user of this run; draws the login screen (or the refusal) and stops the run when there is none."""
    try:
        mode = login_mode(index_dir)
    except accounts.AccountsFileError as error:
        _stop_with(str(error))
    if mode is LoginMode.OIDC:
        user = _oidc_user(index_dir)
    elif mode is LoginMode.LOCAL:
        user = _local_user(index_dir)
    else:
        user = _single_user()
    st.session_state[_USER_KEY] = user
    return user


def allowed_pages(user: User, pages: dict) -> dict:
    return {name: page for name, page in pages.items() if user.role is Role.ADMIN or name not in ADMIN_PAGES}


def current_user() -> User:
    return st.session_state[_USER_KEY]


def require_admin() -> User:
    """For the admin pages' own actions too, not only the page list."""
    user = current_user()
    if user.role is not Role.ADMIN:
        st.error("只有管理员可以使用此功能。")
        st.stop()
    return user


def sidebar_identity(user: User) -> None:
    if user.mode is LoginMode.NONE:
        st.sidebar.caption("单用户模式：未配置登录，仅限本机访问。")
        return
    st.sidebar.caption(f"当前用户：{user.name}（{user.role.label}）")
    if user.mode is LoginMode.OIDC:
        st.sidebar.button("退出登录", on_click=st.logout, key="auth_logout")
    else:
        st.sidebar.html(f'<a href="{LOGOUT_PATH}" target="_self">退出登录</a>')


def _single_user() -> User:
    reason = refusal(st.get_option("server.address"), LoginMode.NONE)
    if reason:
        _stop_with(reason)
    return User("本机用户", Role.ADMIN, LoginMode.NONE)


def _local_user(index_dir: Path) -> User:
    if not LOGIN_ROUTES_MOUNTED.is_set():
        _stop_with("已配置本地账户，但登录服务未启动：请用 `audit app` 或 `streamlit run serve.py` 启动。")
    name = SESSIONS.name(st.context.cookies.get(COOKIE))
    account = accounts.load(accounts.accounts_path(index_dir)).accounts.get(name or "")
    if account is None or not account.local:
        st.title(TITLE)
        st.info("请先登录。")
        st.html(f'<a href="{LOGIN_PATH}" target="_self">前往登录页面</a>')
        st.stop()
    return User(account.name, account.role, LoginMode.LOCAL)


def _oidc_user(index_dir: Path) -> User:
    if not st.user.is_logged_in:
        st.title(TITLE)
        st.button("使用单位统一身份认证登录", on_click=st.login, type="primary", key="auth_login")
        st.stop()
    identities = [str(st.user.get(claim)) for claim in ("email", "sub") if st.user.get(claim)]
    known = accounts.load(accounts.accounts_path(index_dir)).accounts
    account = next((known[identity] for identity in identities if identity in known), None)
    if account is None:
        st.title(TITLE)
        st.error(f"账户 {identities[0] if identities else ''} 未获授权使用本系统，请联系管理员。")
        st.button("退出登录", on_click=st.logout, key="auth_logout")
        st.stop()
    return User(account.name, account.role, LoginMode.OIDC)


def _stop_with(message: str) -> None:
    st.title(TITLE)
    st.error(message)
    st.stop()
