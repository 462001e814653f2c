"""Who is asking: session cookies, API tokens, CSRF, and the login rate limit.

- A browser logs in with a form and gets ``nw_session``: a random token (only its hash
  is stored), HttpOnly, SameSite=Strict, Secure when the request came over TLS.
- A program sends ``Authorization: Bearer TOKEN`` (``newswatch user token NAME``); a
  token is not ambient (a browser never adds it by itself), so it needs no CSRF token.
- Every state-changing request made with a session carries the session's CSRF token in
  the ``X-CSRF-Token`` header (htmx sends it) or a ``csrf_token`` form field. The login
  form, before any session exists, uses a double-submit cookie instead.
- Failed logins are counted per client address and per account name; past the limit the
  login answers 429 until the window has passed, whatever the password.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from newswatch.clock import Clock
from newswatch.store.users import User, UserRepo

SESSION_COOKIE = "nw_session"
LOGIN_COOKIE = "nw_login"
SESSION_LENGTH = timedelta(hours=12)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Identity:
    user: User
    csrf: str | None  # None for an API token: nothing ambient to protect


class LoginLimiter:
    """At most ``limit`` failed logins per key (address, account) within ``window`` seconds."""

    def __init__(self, clock: Clock, limit: int = 5, window: float = 300.0) -> None:
        self.clock, self.limit, self.window = clock, limit, window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        cutoff = self.clock.monotonic() - self.window
        while times and times[0] < cutoff:
            times.popleft()
        if not times:
            del self._failures[key]  # bounded: only keys failing right now are kept
            return deque()
        return times

    def blocked(self, *keys: str) -> float:
        """Seconds until a login is allowed again (0: allowed now)."""
        waits = [
            times[0] + self.window - self.clock.monotonic()
            for key in keys
            if len(times := self._recent(key)) >= self.limit
        ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self.clock.monotonic()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def identify(request: Request, users: UserRepo, clock: Clock) -> Identity | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        user = users.by_token(header[7:].strip(), clock.now())
        return Identity(user, None) if user else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = users.session(cookie, clock.now())
    return Identity(session.user, session.csrf) if session else None


async def csrf_ok(request: Request, identity: Identity) -> bool:
    if request.method in SAFE_METHODS or identity.csrf is None:
        return True
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get("csrf_token", ""))
    return bool(sent) and secrets.compare_digest(str(sent), identity.csrf)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def refuse(request: Request, status: int, message: str) -> Response:
    if is_api(request) or request.headers.get("accept", "").startswith("text/event-stream"):
        return JSONResponse({"error": message}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return Response(message, status_code=status, media_type="text/plain")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LENGTH.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
