"""Team rules in the dashboard: the form, save and remove (editors), and the API's PUT.

A rule is checked exactly as ``newswatch check`` checks the file's rules (same messages,
with columns) and, once saved, is in force at once: here through the process's
``LiveRules``, in a daemon of another process within its next heartbeat.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from newswatch.teamrules import TeamRuleError
from newswatch.web.app import board
from newswatch.web.pages import page

LANGUAGES = ("ar", "ru", "uk", "tr", "fr", "es", "de", "en")


def form_body(form: FormData) -> dict[str, Any]:
    """The form as a ``rules:`` entry: only what was filled in, as a user writes YAML."""
    body: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "query": str(form.get("query", "")).strip(),
    }
    for key in ("notify", "sources"):
        chosen = [str(v) for v in form.getlist(key) if str(v)]
        if chosen:
            body[key] = chosen
    digest = str(form.get("digest", "")).strip()
    if digest:
        body["digest"] = digest
    if form.get("priority") == "urgent":
        body["priority"] = "urgent"
    place, km = str(form.get("near_place", "")).strip(), str(form.get("near_km", "")).strip()
    if place or km:
        body["near"] = {"place": place or None, "km": _number(km)}
    if form.get("updates"):
        body["updates"] = True
    lang = str(form.get("lang", ""))
    if lang:
        body["lang"] = lang
    return body


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text  # the check says what is wrong with it, as it would in YAML


async def edit_page(request: Request) -> Response:
    dash = board(request)
    name = request.path_params.get("name", "")
    body: dict[str, Any] = {"name": "", "query": request.query_params.get("query", "")}
    if name:
        found = next((r for r in dash.live.team if r.name == name), None)
        if found is None:
            return page(request, "missing.html", {"what": "team rule"}, 404)
        body = found.body
    return _form(request, body, editing=name)


def _form(
    request: Request, body: dict[str, Any], editing: str, problems: list[str] | None = None
) -> Response:
    dash = board(request)
    config = dash.live.file.config  # a team rule may name what the file defines
    context = {
        "body": body,
        "near": body.get("near") or {},
        "editing": editing,
        "problems": problems or [],
        "channels": sorted(config.channels),
        "sources": [s.name for s in config.sources],
        "languages": LANGUAGES,
    }
    return page(request, "rule_form.html", context, 422 if problems else 200)


async def save(request: Request) -> Response:
    dash = board(request)
    form = await request.form()
    body, editing = form_body(form), str(form.get("editing", ""))
    user = request.state.identity.user.name
    try:
        await run_in_threadpool(dash.live.save, body, user, dash.clock.now(), editing)
    except TeamRuleError as exc:
        return _form(request, body, editing, exc.problems)
    return RedirectResponse(f"/rules#rule-{body['name']}", status_code=303)


async def remove(request: Request) -> Response:
    dash = board(request)
    name = request.path_params["name"]
    user = request.state.identity.user.name
    gone = await run_in_threadpool(dash.live.remove, name, user, dash.clock.now())
    if not gone:
        return page(request, "missing.html", {"what": "team rule"}, 404)
    return RedirectResponse("/rules", status_code=303)


async def api_put(request: Request) -> Response:
    """``PUT /api/rules/NAME`` with the rule's mapping as JSON: create or replace."""
    dash = board(request)
    name = request.path_params["name"]
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"error": "the body must be JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "the body must be a rule's mapping"}, status_code=400)
    body.setdefault("name", name)
    if any(r.name == name for r in dash.live.file.config.rules):
        return JSONResponse({"error": f"{name} is a rule of the config file"}, status_code=409)
    known = any(r.name == name for r in dash.live.team)
    user = request.state.identity.user.name
    try:
        await run_in_threadpool(dash.live.save, body, user, dash.clock.now(), name if known else "")
    except TeamRuleError as exc:
        return JSONResponse({"error": "invalid rule", "problems": exc.problems}, status_code=422)
    return JSONResponse({"saved": body["name"]}, status_code=200 if known else 201)


async def api_delete(request: Request) -> Response:
    dash = board(request)
    name = request.path_params["name"]
    user = request.state.identity.user.name
    if not await run_in_threadpool(dash.live.remove, name, user, dash.clock.now()):
        return JSONResponse({"error": f"no team rule named {name!r}"}, status_code=404)
    return JSONResponse({"removed": name})
