"""Triage from the Alerts page: acknowledge an alert, or mark it a false positive; CSV export."""

from __future__ import annotations

import csv
import io

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from newswatch.clock import to_iso
from newswatch.store.triage import VERDICTS
from newswatch.web.app import board
from newswatch.web.pages import alert_filter

CSV_LIMIT = 100_000


async def judge(request: Request) -> Response:
    dash = board(request)
    form = await request.form()
    verdict, note = str(form.get("verdict", "")), str(form.get("note", "")).strip()
    if verdict not in VERDICTS:
        return Response(f"verdict: one of {', '.join(VERDICTS)}", status_code=400)
    match_id = int(request.path_params["id"])
    user = request.state.identity.user.name
    found = await run_in_threadpool(
        dash.store.triage.judge, match_id, verdict, note, user, dash.clock.now()
    )
    if not found:
        return Response("no such alert", status_code=404)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse("/", status_code=303)
    alerts = await run_in_threadpool(dash.repo.by_ids, [match_id])
    html = dash.templates.get_template("_alert_rows.html").render(
        alerts=alerts, user=request.state.identity.user, csrf=request.state.identity.csrf or ""
    )
    return Response(html, media_type="text/html")


async def export_csv(request: Request) -> Response:
    """The alerts the filters select, newest first, as CSV (spreadsheet formulas defused)."""
    dash = board(request)
    f = alert_filter(dict(request.query_params), dash.clock.now())
    alerts = await run_in_threadpool(dash.repo.alerts, f, CSV_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "matched_at",
            "rule",
            "title",
            "url",
            "source",
            "published",
            "story",
            "deliveries",
            "verdict",
            "verdict_by",
            "note",
        ]
    )
    for a in alerts:
        t = a.triage
        writer.writerow(
            [
                _cell(v)
                for v in (
                    a.id,
                    to_iso(a.matched_at),
                    a.rule,
                    a.title,
                    a.url,
                    a.source,
                    to_iso(a.published) or "",
                    a.story or "",
                    " ".join(f"{c}:{s}" for c, s in a.deliveries.items()),
                    t.verdict if t else "",
                    t.user if t else "",
                    t.note if t else "",
                )
            ]
        )
    headers = {"content-disposition": 'attachment; filename="newswatch-alerts.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _cell(value: object) -> str:
    # An article title starting with = + - @ would run as a formula in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
