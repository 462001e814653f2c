"""The login form, logging in and out."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from newswatch.web.app import board
from newswatch.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_LENGTH,
    new_secret,
    set_session_cookie,
)
from newswatch.web.passwords import verify_password


def _next(request: Request, value: str | None) -> str:
    # Only a path of this site: never an open redirect to another host.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


async def login_page(request: Request, error: str = "", status: int = 200) -> Response:
    token = new_secret()
    response = board(request).templates.TemplateResponse(
        request,
        "login.html",
        {"csrf": token, "error": error, "next": _next(request, request.query_params.get("next"))},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login", max_age=3600
    )
    return response


async def login_submit(request: Request) -> Response:
    dash = board(request)
    form = await request.form()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    sent, expected = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        return await login_page(request, "The form expired; please try again.", 403)
    client = request.client.host if request.client else "?"
    keys = (f"addr:{client}", f"user:{name}")
    wait = dash.limiter.blocked(*keys)
    if wait > 0:
        response = await login_page(request, "Too many failed logins; wait a few minutes.", 429)
        response.headers["retry-after"] = str(int(wait) + 1)
        return response
    user = dash.users.get(name)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        dash.limiter.failed(*keys)
        return await login_page(request, "Wrong name or password.", 401)
    token, now = new_secret(), dash.clock.now()
    dash.users.open_session(user.name, token, new_secret(), now, now + SESSION_LENGTH)
    response = RedirectResponse(_next(request, str(form.get("next", "/"))), status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        board(request).users.close_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
