"""The login and logout routes of local accounts, served beside the Streamlit app (`serve.py`), and
the middleware that sends a page load without a session to the login form.

Streamlit's pages cannot set cookies from Python, so the password never goes through a Streamlit
widget: a plain HTML form posts it to `/audit-auth/login`, which checks it against the accounts
file and answers with the session token as an HttpOnly, SameSite=Lax cookie (Secure when served
over HTTPS) and a redirect to the app, the way Streamlit's own `st.login` routes set its signed
identity cookie. Every refusal is the same sentence, after the same delay, whether the name or the
password was wrong; too many failures lock the name and the address out for a while.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from assistant.app.auth import accounts
from assistant.app.auth.mode import LoginMode, login_mode
from assistant.app.auth.sessions import ATTEMPT_WINDOW_SECONDS, ATTEMPTS_LIMIT, COOKIE, SESSION_SECONDS, SESSIONS
from assistant.config import Settings

LOGIN_PATH = "/audit-auth/login"
LOGOUT_PATH = "/audit-auth/logout"
REFUSED = "用户名或密码错误。"
LIMITED = f"登录失败次数过多，请 {ATTEMPT_WINDOW_SECONDS // 60} 分钟后再试。"
FAILURE_DELAY_SECONDS = 1.0
_NOTICES = {"failed": REFUSED, "limited": LIMITED, "out": "已退出登录。"}

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 政府信息公开年报审核助手</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; background: #f5f6f8; margin: 0; }}
main {{ max-width: 360px; margin: 12vh auto; background: #fff; padding: 32px; border-radius: 8px;
        box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }}
h1 {{ font-size: 20px; margin: 0 0 24px; }}
label {{ display: block; margin: 16px 0 6px; font-size: 14px; }}
input {{ width: 100%; box-sizing: border-box; padding: 8px; font-size: 15px; border: 1px solid #c7ccd3; border-radius: 4px; }}
button {{ margin-top: 24px; width: 100%; padding: 10px; font-size: 15px; background: #ff4b4b; color: #fff;
          border: 0; border-radius: 4px; cursor: pointer; }}
p.notice {{ background: #fdecea; color: #7d1a12; padding: 8px 12px; border-radius: 4px; font-size: 14px; }}
</style></head>
<body><main><h1>政府信息公开年报审核助手</h1>{notice}
<form method="post" action="{action}" autocomplete="off">
<label for="name">用户名</label><input id="name" name="name" required autofocus>
<label for="password">密码</label><input id="password" name="password" type="password" required>
<button type="submit">登录</button>
</form></main></body></html>"""


def _accounts_file() -> Path:
    return accounts.accounts_path(Settings.from_env().index_dir)


async def login_form(request: Request) -> Response:
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    shown = f'<p class="notice" role="alert">{html.escape(notice)}</p>' if notice else ""
    return HTMLResponse(_PAGE.format(notice=shown, action=LOGIN_PATH), headers={"Cache-Control": "no-store"})


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return Response("跨站请求被拒绝。", status_code=403)
    form = await request.form()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    address = request.client.host if request.client else ""
    if ATTEMPTS_LIMIT.blocked(name, address):
        await asyncio.sleep(FAILURE_DELAY_SECONDS)
        return RedirectResponse(f"{LOGIN_PATH}?notice=limited", status_code=303)
    try:
        account = await asyncio.to_thread(accounts.verify, _accounts_file(), name, password)
    except accounts.AccountsFileError as error:
        return Response(str(error), status_code=503, media_type="text/plain; charset=utf-8")
    if account is None:
        ATTEMPTS_LIMIT.failed(name, address)
        await asyncio.sleep(FAILURE_DELAY_SECONDS)
        return RedirectResponse(f"{LOGIN_PATH}?notice=failed", status_code=303)
    ATTEMPTS_LIMIT.succeeded(name)
    SESSIONS.close(request.cookies.get(COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, SESSIONS.open(account.name), max_age=SESSION_SECONDS, path="/", httponly=True,
                        samesite="lax", secure=_https(request))
    return response


async def logout(request: Request) -> Response:
    SESSIONS.close(request.cookies.get(COOKIE))
    response = RedirectResponse(f"{LOGIN_PATH}?notice=out", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_https(request))
    return response


class LoginRedirect:
    """ASGI middleware: opening the app without a live session of a local account lands on the login
    form (the page itself would only say 请先登录). Other paths (assets, health, the websocket) pass."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/":
            if _local_login(Settings.from_env().index_dir) and SESSIONS.name(Request(scope).cookies.get(COOKIE)) is None:
                await RedirectResponse(LOGIN_PATH, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _local_login(index_dir: Path) -> bool:
    """A broken accounts file is not: the page itself then says what is wrong."""
    try:
        return login_mode(index_dir) is LoginMode.LOCAL
    except accounts.AccountsFileError:
        return False


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _same_origin(request: Request) -> bool:
    """A login posted from another site's page is refused (a browser always sends Origin on a POST)."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


ROUTES = [Route(LOGIN_PATH, login_form, methods=["GET"]), Route(LOGIN_PATH, login, methods=["POST"]),
          Route(LOGOUT_PATH, logout, methods=["GET"])]
