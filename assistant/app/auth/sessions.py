"""Sign-in sessions of local accounts, kept in the server process.

The browser holds only an opaque random token in an HttpOnly cookie (set by the login route, see
`routes`); the name it stands for lives here, in the same process that runs the pages. So the cookie
carries no name, no password and no hash, logging out revokes the token at once, and a restart of
the server signs everyone out (they log in again). The failed-attempt limit lives here too.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

COOKIE = "audit_session"
SESSION_SECONDS = 12 * 3600
ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 300


@dataclass
class _Session:
    name: str
    expires: float


class SessionStore:
    """Tokens to names, each valid for `SESSION_SECONDS` from sign-in."""

    def __init__(self) -> None:
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def open(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = _Session(name, time.monotonic() + SESSION_SECONDS)
        return token

    def name(self, token: str | None) -> str | None:
        """Who the token signs in, or None for an unknown, revoked or expired token."""
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if session.expires < time.monotonic():
                del self._sessions[token]
                return None
            return session.name

    def close(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)


class AttemptLimiter:
    """At most `ATTEMPTS` failed sign-ins per name and per client address in a sliding window.

    Counted per name (guessing one account's password from many places) and per address (trying
    many names from one place); a success does not reset the address's count."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(key, now)) >= ATTEMPTS for key in self._keys(name, address))

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(name, address):
                self._failures[key] = self._recent(key, now) + [now]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name}", None)

    def _recent(self, key: str, now: float) -> list[float]:
        return [at for at in self._failures.get(key, []) if now - at < ATTEMPT_WINDOW_SECONDS]

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str]:
        return f"name:{name}", f"address:{address}"


SESSIONS = SessionStore()
# Set by `serve.py` when the login routes are served in this process: local accounts need them.
LOGIN_ROUTES_MOUNTED = threading.Event()
ATTEMPTS_LIMIT = AttemptLimiter()
