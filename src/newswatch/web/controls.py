"""The Sources and Silences pages: source health with pause and resume, and silences
listed, created and expired with the same rules as ``newswatch silence``.

A pause is kept in the state: the daemon reads it at the start of every poll (also a
daemon in another process), so it takes effect at the next scheduled poll and survives
restarts. Viewers read both pages; editors change them.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from newswatch.config.durations import parse_duration
from newswatch.store.silences import SilenceRepo
from newswatch.web.app import board
from newswatch.web.pages import RULE_CHART_DAYS, page


async def sources_page(request: Request) -> Response:
    dash = board(request)
    now = dash.clock.now()
    since = (now - timedelta(days=RULE_CHART_DAYS - 1)).replace(hour=0, minute=0)
    days = [f"{since + timedelta(days=n):%Y-%m-%d}" for n in range(RULE_CHART_DAYS)]
    states = {s.name: s for s in await run_in_threadpool(dash.store.sources.all)}
    per_day = await run_in_threadpool(dash.repo.articles_per_day, since)
    redact = dash.live.current.redact
    rows = []
    for source in dash.config.sources:
        counts = [per_day.get(source.name, {}).get(day, 0) for day in days]
        state = states.get(source.name)
        rows.append(
            {
                "source": source,
                "url": redact(source.url),  # a feed URL may carry an API key
                "state": state,
                "error": redact(state.last_error or "") if state else "",
                "counts": counts,
                "peak": max(counts) or 1,
            }
        )
    return page(request, "sources.html", {"rows": rows, "days": days})


async def pause(request: Request) -> Response:
    dash = board(request)
    name = request.path_params["name"]
    if not any(s.name == name for s in dash.config.sources):
        return page(request, "missing.html", {"what": "source"}, 404)
    user = request.state.identity.user.name
    await run_in_threadpool(dash.store.sources.pause, name, user, dash.clock.now())
    return RedirectResponse(f"/sources#source-{name}", status_code=303)


async def resume(request: Request) -> Response:
    dash = board(request)
    name = request.path_params["name"]
    await run_in_threadpool(dash.store.sources.resume, name)
    return RedirectResponse(f"/sources#source-{name}", status_code=303)


async def silences_page(request: Request, error: str = "", status: int = 200) -> Response:
    dash = board(request)
    active = await run_in_threadpool(SilenceRepo(dash.store.db).active, dash.clock.now())
    rules = [r.name for r in dash.config.rules]
    context = {"silences": active, "rules": rules, "error": error}
    return page(request, "silences.html", context, status)


async def silence(request: Request) -> Response:
    """Mute a rule for a while: a known rule (file or team) and a duration with its unit."""
    dash = board(request)
    form = await request.form()
    rule, duration = str(form.get("rule", "")), str(form.get("duration", "")).strip()
    comment = str(form.get("comment", "")).strip()[:500]
    if rule not in {r.name for r in dash.config.rules}:
        return await silences_page(request, f"unknown rule {rule!r}", 422)
    try:
        span = parse_duration(duration, require_unit=True)
    except ValueError as exc:
        return await silences_page(request, f"for: {exc}", 422)
    now = dash.clock.now()
    user = request.state.identity.user.name
    note = f"{comment} (by {user})" if comment else f"by {user}"
    await run_in_threadpool(SilenceRepo(dash.store.db).add, rule, now + span, now, note)
    return RedirectResponse("/silences", status_code=303)


async def expire(request: Request) -> Response:
    dash = board(request)
    silence_id = int(request.path_params["id"])
    if not await run_in_threadpool(SilenceRepo(dash.store.db).remove, silence_id):
        return await silences_page(request, f"no silence with id {silence_id}", 404)
    return RedirectResponse("/silences", status_code=303)
