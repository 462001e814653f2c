"""The JSON API under /api/: alerts, stories, rules and backtests (see the README).

Channel *names* appear in answers; channel URLs (which hold credentials) never do.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newswatch.backtest import Hit
from newswatch.clock import to_iso
from newswatch.config import RuleConfig
from newswatch.store.dashboard import AlertRow
from newswatch.web import tester
from newswatch.web.app import board
from newswatch.web.pages import alert_filter

MAX_LIMIT = 500


def alert_json(a: AlertRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule": a.rule,
        "title": a.title,
        "url": a.url,
        "source": a.source,
        "snippet": a.snippet.marked(),
        "published": to_iso(a.published),
        "story": a.story,
        "terms": list(a.terms),
        "matched_at": to_iso(a.matched_at),
        "also_reported_by": list(a.also_reported_by),
        "deliveries": a.deliveries,
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    article = hit.stored.article
    first = hit.matches[0]
    return {
        "url": article.canonical_url or article.url,
        "title": article.title,
        "terms": list(dict.fromkeys(t for m in hit.matches for t in m.terms)),
        "snippet": first.snippet.marked(),
        "published": to_iso(article.published),
        "source": article.source,
        "seen_at": to_iso(hit.stored.seen_at),
    }


async def alerts(request: Request) -> Response:
    dash = board(request)
    params = dict(request.query_params)
    try:
        limit = min(max(int(params.get("limit", "100")), 1), MAX_LIMIT)
    except ValueError:
        return JSONResponse({"error": "limit: not a number"}, status_code=400)
    found = await run_in_threadpool(dash.repo.alerts, alert_filter(params, dash.clock.now()), limit)
    return JSONResponse({"alerts": [alert_json(a) for a in found]})


async def story(request: Request) -> Response:
    dash = board(request)
    found = await run_in_threadpool(dash.repo.story, int(request.path_params["id"]))
    if found is None:
        return JSONResponse({"error": "no such story"}, status_code=404)
    return JSONResponse(
        {
            "id": found.id,
            "title": found.title,
            "created_at": to_iso(found.created_at),
            "articles": [
                {
                    "title": a.title,
                    "url": a.url,
                    "source": a.source,
                    "published": to_iso(a.published),
                    "seen_at": to_iso(a.seen_at),
                }
                for a in found.articles
            ],
            "alerts": [alert_json(a) for a in found.alerts],
            "follow_ups": [
                {
                    "rule": f.rule,
                    "at": to_iso(f.at),
                    "title": f.title,
                    "change": f.change,
                    "deliveries": f.deliveries,
                }
                for f in await run_in_threadpool(dash.repo.follow_ups, found.id)
            ],
            "places": [
                {**p.place.to_json(), "articles": p.articles}
                for p in await run_in_threadpool(
                    dash.places.of, await run_in_threadpool(dash.repo.story_texts, found.id)
                )
            ],
        }
    )


async def rules(request: Request) -> Response:
    dash = board(request)
    now = dash.clock.now()
    stats = await run_in_threadpool(dash.repo.rule_stats, now - timedelta(days=14))
    judged = await run_in_threadpool(dash.store.triage.precision)
    out = []
    for rule in dash.config.rules:
        per_day, last = stats.get(rule.name, ({}, None))
        good, total = judged.get(rule.name, (0, 0))
        out.append(
            {
                "name": rule.name,
                "query": rule.query,
                "notify": list(rule.notify),
                "sources": rule.sources,
                "digest": rule.digest.total_seconds() if rule.digest else None,
                "priority": rule.priority,
                "near": rule.near.model_dump() if rule.near else None,
                "origin": "team" if rule.name in dash.live.team_names else "config",
                "matches_per_day": per_day,
                "last_alert": to_iso(last),
                "precision": good / total if total else None,
                "triaged": total,
            }
        )
    return JSONResponse({"rules": out})


async def backtest(request: Request) -> Response:
    dash = board(request)
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"error": "the body must be JSON"}, status_code=400)
    if not isinstance(body, dict) or bool(body.get("query")) == bool(body.get("rule")):
        return JSONResponse({"error": 'give "query" or "rule", and "since"'}, status_code=400)
    try:
        since = tester.period(str(body.get("since") or "7d"), dash.clock.now())
        rules = dash.live.current  # read once: a SIGHUP may swap it meanwhile
        if body.get("rule"):
            rule = tester.config_rule(rules.config, str(body["rule"]))
        else:
            rule = RuleConfig(name="query", query=str(body["query"]))
        result = await run_in_threadpool(tester.run, dash.store, rules, rule, since)
    except tester.TesterInputError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"articles": [hit_json(h) for h in result.hits]})
