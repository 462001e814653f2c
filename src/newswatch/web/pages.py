"""The dashboard's pages. Each reads without JavaScript; htmx only adds live updates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from newswatch.backtest import Hit
from newswatch.config import RuleConfig
from newswatch.config.durations import parse_duration
from newswatch.store.dashboard import AlertFilter
from newswatch.web import tester
from newswatch.web.app import Dashboard, board

RULE_CHART_DAYS = 14


def alert_filter(params: Mapping[str, str], now: datetime) -> AlertFilter:
    """Filters from a query string; an unreadable ``since`` is ignored, not an error page."""
    return AlertFilter(
        rule=params.get("rule") or None,
        channel=params.get("channel") or None,
        source=params.get("source") or None,
        since=since_param(params.get("since", ""), now),
        text=(params.get("q") or "").strip() or None,
    )


def since_param(value: str, now: datetime) -> datetime | None:
    """``24h`` / ``7d`` (a period back from now) or an ISO 8601 time."""
    if not value:
        return None
    try:
        return now - parse_duration(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def page(request: Request, name: str, context: dict[str, object], status: int = 200) -> Response:
    dash = board(request)
    identity = request.state.identity
    base = {"user": identity.user, "csrf": identity.csrf or "", "path": request.url.path}
    return dash.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


async def alerts_page(request: Request) -> Response:
    dash = board(request)
    params = dict(request.query_params)
    f = alert_filter(params, dash.clock.now())
    alerts = await run_in_threadpool(dash.repo.alerts, f)
    return page(
        request,
        "alerts.html",
        {
            "alerts": alerts,
            "params": params,
            "newest": max((a.id for a in alerts), default=0),
            "live_query": str(request.url.query),
            "rules": [r.name for r in dash.config.rules],
            "channels": sorted(dash.config.channels),
            "sources": [s.name for s in dash.config.sources],
        },
    )


async def story_page(request: Request) -> Response:
    dash = board(request)
    story_id = int(request.path_params["id"])
    story = await run_in_threadpool(dash.repo.story, story_id)
    if story is None:
        return page(request, "missing.html", {"what": "story"}, 404)
    follow_ups = await run_in_threadpool(dash.repo.follow_ups, story_id)
    texts = await run_in_threadpool(dash.repo.story_texts, story_id)
    places = await run_in_threadpool(dash.places.of, texts)
    context = {"story": story, "follow_ups": follow_ups, "places": places}
    return page(request, "story.html", context)


async def rules_page(request: Request) -> Response:
    dash = board(request)
    now = dash.clock.now()
    since = now - timedelta(days=RULE_CHART_DAYS - 1)
    stats = await run_in_threadpool(dash.repo.rule_stats, since.replace(hour=0, minute=0))
    judged = await run_in_threadpool(dash.store.triage.precision)
    days = [f"{since + timedelta(days=n):%Y-%m-%d}" for n in range(RULE_CHART_DAYS)]
    live = dash.live
    team = {r.name: r for r in live.team}
    rows = []
    for rule in live.current.config.rules:
        per_day, last = stats.get(rule.name, ({}, None))
        counts = [per_day.get(day, 0) for day in days]
        good, total = judged.get(rule.name, (0, 0))
        rows.append(
            {
                "rule": rule,
                "team": team.get(rule.name) if rule.name in live.team_names else None,
                "counts": counts,
                "peak": max(counts) or 1,
                "last": last,
                "precision": f"{100 * good // total} % of {total}" if total else "—",
            }
        )
    refused = [(team[name], problems) for name, problems in live.refused.items()]
    return page(request, "rules.html", {"rows": rows, "days": days, "refused": refused})


async def tester_page(request: Request) -> Response:
    dash = board(request)
    params = request.query_params
    query, name = params.get("query", "").strip(), params.get("rule", "")
    context: dict[str, object] = {
        "query": query,
        "since": params.get("since", "7d"),
        "rule_name": name,
        "rules": dash.config.rules,
    }
    if name and not query:
        rule = next((r for r in dash.config.rules if r.name == name), None)
        query = context["query"] = rule.query if rule else ""
    if query:
        try:
            context.update(await run_in_threadpool(_test, dash, query, name, str(context["since"])))
        except tester.TesterInputError as exc:
            context["error"] = str(exc)
    return page(request, "tester.html", context)


def _test(dash: Dashboard, query: str, name: str, since_text: str) -> dict[str, object]:
    since = tester.period(since_text, dash.clock.now())
    rules = dash.live.current  # read once: a SIGHUP may swap it meanwhile
    result = tester.run(dash.store, rules, RuleConfig(name="tester", query=query), since)
    context: dict[str, object] = {"result": result, "per_day": result.per_day()}
    context["peak"] = max((n for _d, n in result.per_day()), default=1)
    if name:
        current = tester.config_rule(rules.config, name)
        context["current"] = current
        if current.query != query:
            before = tester.run(dash.store, rules, current, since)
            now_urls, old_urls = result.urls(), before.urls()
            context["added"] = [h for h in result.hits if _url(h) not in old_urls]
            context["removed"] = [h for h in before.hits if _url(h) not in now_urls]
    return context


def _url(hit: Hit) -> str:
    return hit.stored.article.canonical_url or hit.stored.article.url
