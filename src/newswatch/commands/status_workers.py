"""``newswatch status`` on PostgreSQL state: the workers and the shared queue.

A worker is ``alive`` while procrastinate's heartbeat for it is recent, ``lost`` when it
stopped beating without stopping (killed, machine gone: its jobs go to the others after
``stalled_after``), ``stopped`` after a clean stop (listed for a day).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newswatch.clock import to_iso
from newswatch.config import Config
from newswatch.errors import StoreError
from newswatch.workers.coord import Coordination, WorkerRow
from newswatch.workers.process import postgres_dsn
from newswatch.workers.queue import Timing


def workers_report(config: Config, now: datetime) -> dict[str, Any]:
    """``{"workers": [...], "queue": {...}}`` with PostgreSQL state; ``{}`` with SQLite."""
    dsn = postgres_dsn(config)
    if dsn is None:
        return {}
    try:
        coord = Coordination(dsn, size=1)
    except Exception as exc:
        raise StoreError(f"cannot reach the state database: {exc}") from None
    try:
        try:
            rows, depth = coord.workers(), coord.queue_depth()
        except Exception:  # no worker has started yet: no queue tables
            return {"workers": [], "queue": {}}
    finally:
        coord.close()
    queue: dict[str, dict[str, int]] = {}
    for (task, status), count in sorted(depth.items()):
        queue.setdefault(task.removeprefix("newswatch."), {})[status] = count
    return {"workers": [_worker(row, now) for row in rows], "queue": queue}


def _worker(row: WorkerRow, now: datetime) -> dict[str, Any]:
    if row.stopped_at is not None:
        state = "stopped"
    elif row.last_heartbeat is None:
        state = "lost"
    else:
        silent = (now - row.last_heartbeat).total_seconds()
        state = "alive" if silent < Timing().stalled_after else "lost"
    return {
        "name": row.name,
        "host": row.host,
        "pid": row.pid,
        "state": state,
        "started_at": to_iso(row.started_at),
        "last_heartbeat": to_iso(row.last_heartbeat),
        "jobs_in_flight": row.in_flight,
        "polls": row.polls,
        "deliveries": row.deliveries,
    }


def render_workers(report: dict[str, Any], now: datetime) -> str:
    from newswatch.commands.status_text import _table, ago

    rows = [
        [w["name"], w["state"], ago(w["last_heartbeat"], now), str(w["jobs_in_flight"]),
         str(w["polls"]), str(w["deliveries"]), ago(w["started_at"], now)]
        for w in report["workers"]
    ]  # fmt: skip
    header = ["WORKER", "STATE", "HEARTBEAT", "IN FLIGHT", "POLLS", "SENT", "STARTED"]
    text = "WORKERS\n" + (_table(header, rows) if rows else "(none has started yet)")
    depth = ", ".join(
        f"{task}: {counts.get('todo', 0)} waiting, {counts.get('doing', 0)} running"
        for task, counts in report["queue"].items()
    )
    return text + "\nQUEUE  " + (depth or "empty")
