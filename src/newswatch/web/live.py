"""Server-sent events: new alerts pushed to the open Alerts page.

The page connects with the id of the newest alert it shows (``after``) and its filters;
every second the stream asks the store for newer matching alerts and sends them as one
``alert`` event holding their table rows (rendered by the same template as the page, so
escaped the same way). htmx's SSE extension prepends them to the list. The daemon may
run in another process: SQLite's WAL lets this one read its commits at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from newswatch.web.app import board
from newswatch.web.pages import alert_filter

POLL_SECONDS = 1.0
KEEPALIVE_EVERY = 15  # polls; a comment line keeps proxies from closing an idle stream


async def alert_stream(request: Request) -> Response:
    dash = board(request)
    params = dict(request.query_params)
    try:
        after = int(params.get("after", "0"))
    except ValueError:
        after = 0
    base = alert_filter(params, dash.clock.now())
    rows = dash.templates.get_template("_alert_rows.html")

    async def events() -> AsyncIterator[str]:
        newest, idle = after, 0
        while not await request.is_disconnected():
            found = await run_in_threadpool(dash.repo.alerts, replace(base, after_id=newest), 100)
            if found:
                newest = max(a.id for a in found)
                identity = request.state.identity
                html = rows.render(alerts=found, user=identity.user, csrf=identity.csrf or "")
                data = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
                yield f"event: alert\n{data}\n"
                idle = 0
            else:
                idle += 1
                if idle % KEEPALIVE_EVERY == 0:
                    yield ": keep-alive\n\n"
            await asyncio.sleep(POLL_SECONDS)

    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
