"""The app with its login routes: `streamlit run serve.py` (what `audit app` runs).

Streamlit serves `app.py` as usual; the routes of `assistant.app.auth.routes` are mounted beside it
so that local accounts can sign in with an HttpOnly session cookie, and opening the app without a
session goes to the login form. Before serving, it refuses to listen beyond loopback when no login
is configured."""

import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from assistant.app.auth.accounts import AccountsFileError
from assistant.app.auth.mode import login_mode, refusal
from assistant.app.auth.routes import ROUTES, LoginRedirect
from assistant.app.auth.sessions import LOGIN_ROUTES_MOUNTED
from assistant.config import Settings

try:
    reason = refusal(st.get_option("server.address"), login_mode(Settings.from_env().index_dir))
except AccountsFileError as error:
    reason = str(error)
if reason:
    sys.exit(f"audit: {reason}")


@asynccontextmanager
async def _mounted(_app):
    LOGIN_ROUTES_MOUNTED.set()
    yield


app = st.App(Path(__file__).with_name("app.py"), routes=ROUTES, middleware=[Middleware(LoginRedirect)],
             lifespan=_mounted)
