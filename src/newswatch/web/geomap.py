"""The Map page: the places of recent alerts on an offline world map, and the radius of
every ``near:`` rule. Leaflet, its marker clustering and a Natural Earth world outline
are shipped in the package (``static/map/``, with their licences); no tile server, no CDN.

The page is static; ``map.js`` reads ``/api/map`` (same login, same CSP: no inline script).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newswatch.clock import to_iso
from newswatch.geo.near import centre
from newswatch.store.dashboard import AlertFilter
from newswatch.web.app import Dashboard, board
from newswatch.web.pages import page, since_param

MAX_ALERTS = 300


async def map_page(request: Request) -> Response:
    """The map, and the same places as a table (the page reads without JavaScript)."""
    dash = board(request)
    text = request.query_params.get("since", "7d")
    data = await run_in_threadpool(_data, dash, since_param(text, dash.clock.now()))
    return page(request, "map.html", {"since": text, **data})


async def map_data(request: Request) -> Response:
    dash = board(request)
    since = since_param(request.query_params.get("since", "7d"), dash.clock.now())
    data = await run_in_threadpool(_data, dash, since)
    return JSONResponse(data)


def _data(dash: Dashboard, since: Any) -> dict[str, Any]:
    alerts = dash.repo.alerts(AlertFilter(since=since), MAX_ALERTS)
    markers: dict[tuple[int, str, str], dict[str, Any]] = {}
    for alert in alerts:
        if alert.story is None:
            continue
        texts = dash.repo.story_texts(alert.story)
        for found in dash.places.of_story(alert.story, texts):
            key = (alert.story, found.place.name, found.place.country)
            marker = markers.setdefault(
                key,
                {
                    "lat": found.place.lat,
                    "lon": found.place.lon,
                    "place": found.place.name,
                    "country": found.place.country,
                    "story": alert.story,
                    "title": alert.title,
                    "rules": [],
                    "matched_at": to_iso(alert.matched_at),
                },
            )
            if alert.rule not in marker["rules"]:
                marker["rules"].append(alert.rule)
    return {"markers": list(markers.values()), "circles": _circles(dash)}


def _circles(dash: Dashboard) -> list[dict[str, Any]]:
    rules = dash.live.current
    near_rules = [r for r in rules.config.rules if r.near is not None]
    if not near_rules:
        return []
    gazetteer = dash.places.recognizer().gazetteer
    circles = []
    for rule in near_rules:
        assert rule.near is not None
        lat, lon, label = centre(rule.near, gazetteer)
        circles.append(
            {"rule": rule.name, "lat": lat, "lon": lon, "km": rule.near.km, "centre": label}
        )
    return circles
