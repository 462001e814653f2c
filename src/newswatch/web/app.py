"""The dashboard's composition: routes, the guard every page and API call passes, headers.

Every route except ``/login`` and ``/static`` goes through :func:`guard`: no identity is
a redirect to the login page (pages) or 401 (API); a state-changing request with a
session needs its CSRF token; an edit needs the editor or admin role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswatch.clock import Clock
from newswatch.config import Config
from newswatch.store import Store
from newswatch.store.dashboard import DashboardRepo
from newswatch.store.users import UserRepo
from newswatch.teamrules import LiveRules
from newswatch.web.auth import Handler, LoginLimiter, csrf_ok, identify, refuse
from newswatch.web.places import StoryPlaces
from newswatch.web.render import add_filters

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


@dataclass
class Dashboard:
    """What the handlers work with; one per app, reached as ``request.app.state.board``."""

    live: LiveRules  # the process's one holder of the rule set in force
    store: Store
    clock: Clock
    users: UserRepo
    repo: DashboardRepo
    limiter: LoginLimiter
    templates: Jinja2Templates
    places: StoryPlaces

    @property
    def config(self) -> Config:
        """The config in force now (after any SIGHUP), team rules included."""
        return self.live.current.config


def board(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.board
    return found


def guard(handler: Handler, *, edit: bool = False) -> Handler:
    async def guarded(request: Request) -> Response:
        dash = board(request)
        identity = identify(request, dash.users, dash.clock)
        if identity is None:
            return refuse(request, 401, "log in first")
        if not await csrf_ok(request, identity):
            return refuse(request, 403, "missing or wrong CSRF token; reload the page")
        if edit and not identity.user.may_edit():
            return refuse(request, 403, f"a {identity.user.role} cannot change anything")
        request.state.identity = identity
        return await handler(request)

    return guarded


class SecurityHeaders:
    """Adds the CSP and friends to every answer; pages and API answers are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_app(rules: LiveRules, store: Store, clock: Clock) -> Starlette:
    from newswatch.web import api, controls, geomap, live, login, pages, team, triage

    package = resources.files("newswatch.web")
    templates = Jinja2Templates(directory=str(Path(str(package)) / "templates"))
    add_filters(templates.env)
    dash = Dashboard(
        live=rules,
        store=store,
        clock=clock,
        users=store.users,
        repo=store.dashboard,
        limiter=LoginLimiter(clock),
        templates=templates,
        places=StoryPlaces(rules),
    )
    g: Callable[[Handler], Handler] = guard
    routes = [
        Route("/login", login.login_page, methods=["GET"]),
        Route("/login", login.login_submit, methods=["POST"]),
        Route("/logout", g(login.logout), methods=["POST"]),
        Route("/", g(pages.alerts_page)),
        Route("/alerts/live", g(live.alert_stream)),
        Route("/alerts.csv", g(triage.export_csv)),
        Route("/alerts/{id:int}/triage", guard(triage.judge, edit=True), methods=["POST"]),
        Route("/stories/{id:int}", g(pages.story_page)),
        Route("/rules", g(pages.rules_page)),
        Route("/rules/new", guard(team.edit_page, edit=True)),
        Route("/rules/save", guard(team.save, edit=True), methods=["POST"]),
        Route("/rules/{name}/edit", guard(team.edit_page, edit=True)),
        Route("/rules/{name}/delete", guard(team.remove, edit=True), methods=["POST"]),
        Route("/tester", g(pages.tester_page)),
        Route("/map", g(geomap.map_page)),
        Route("/api/map", g(geomap.map_data)),
        Route("/sources", g(controls.sources_page)),
        Route("/sources/{name}/pause", guard(controls.pause, edit=True), methods=["POST"]),
        Route("/sources/{name}/resume", guard(controls.resume, edit=True), methods=["POST"]),
        Route("/silences", g(controls.silences_page)),
        Route("/silences", guard(controls.silence, edit=True), methods=["POST"]),
        Route("/silences/{id:int}/expire", guard(controls.expire, edit=True), methods=["POST"]),
        Route("/api/alerts", g(api.alerts)),
        Route("/api/stories/{id:int}", g(api.story)),
        Route("/api/rules", g(api.rules)),
        Route("/api/rules/{name}", guard(team.api_put, edit=True), methods=["PUT"]),
        Route("/api/rules/{name}", guard(team.api_delete, edit=True), methods=["DELETE"]),
        Route("/api/backtest", g(api.backtest), methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(Path(str(package)) / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.board = dash
    app.add_middleware(SecurityHeaders)
    return app
