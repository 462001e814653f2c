"""Show sources (last poll, errors, back-off, health), recent alerts and pending/failed deliveries.

Reads the state database only; safe to run while the daemon runs. Secrets in errors and
URLs are masked as in the logs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newswatch.clock import to_iso
from newswatch.commands.common import add_config_argument, load
from newswatch.commands.status_text import render
from newswatch.config import Config, config_secrets, is_database_url, state_location
from newswatch.redact import Redactor
from newswatch.store import SourceState, Store
from newswatch.store.status_queries import AlertSummary, StatusQueries

RECENT_ALERTS = 10
LISTED_DELIVERIES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    parser.add_argument(
        "-n", "--alerts", type=int, default=RECENT_ALERTS, metavar="N", help="recent alerts shown"
    )


def main(args: argparse.Namespace) -> int:
    rules = load(args)
    config, path = rules.config, state_location(rules.config)
    now = datetime.now(UTC)
    report = collect(config, path, now, recent=args.alerts, secrets=rules.secrets)
    if is_database_url(path):
        # Workers and their queue exist on PostgreSQL state only; the module brings
        # procrastinate and psycopg (~0.3 s of start-up) that a SQLite status never uses.
        from newswatch.commands.status_workers import workers_report

        report.update(workers_report(config, datetime.now(UTC)))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render(report, datetime.now(UTC)))
    return 0


def collect(
    config: Config,
    path: str | Path,
    now: datetime,
    *,
    recent: int = RECENT_ALERTS,
    secrets: Iterable[str] = (),
) -> dict[str, Any]:
    """Everything ``status`` shows, as JSON-ready data with secrets masked (``secrets``: the
    ``${VAR}`` values, ``RuleSet.secrets``, besides what the config's URLs hold)."""
    redact = Redactor(config_secrets(config, secrets))
    report: dict[str, Any] = {"state": redact(str(path)), "now": to_iso(now)}
    if not is_database_url(str(path)) and not Path(path).exists():
        # Opening would create an empty database; a status check must not do that.
        report.update(
            sources=[_source(config, s.name, None, redact) for s in config.sources],
            recent_alerts=[],
            deliveries={"counts": {}, "by_channel": {}, "pending": [], "failed": []},
            silences=[],
            database=None,
        )
        return report
    # Read-only: status never creates, migrates or otherwise changes the daemon's state.
    store = Store(path, read_only=True)
    report["state"] = store.db.url  # a database URL without its password
    try:
        queries = store.status
        states = {s.name: s for s in store.sources.all()}
        names = [s.name for s in config.sources] + sorted(
            set(states) - {s.name for s in config.sources}
        )
        by_channel = queries.counts_by_channel()
        report.update(
            sources=[_source(config, name, states.get(name), redact) for name in names],
            recent_alerts=[_alert(a, redact) for a in queries.recent_alerts(recent)],
            deliveries={
                "counts": _totals(by_channel),
                "by_channel": by_channel,
                "pending": _alerts(queries, "pending", redact),
                "failed": _alerts(queries, "failed", redact),
            },
            silences=[
                {"id": s.id, "rule": s.rule, "until": to_iso(s.until), "comment": s.comment}
                for s in store.silences.active(now)
            ],
            database=asdict(queries.table_sizes()),
        )
    finally:
        store.close()
    return report


def _source(
    config: Config, name: str, state: SourceState | None, redact: Callable[[str], str]
) -> dict[str, Any]:
    in_config = any(s.name == name for s in config.sources)
    source = config.source(name) if in_config else None
    health = _health(state)
    state = state or SourceState(name)
    return {
        "name": name,
        "kind": source.kind if source else None,
        "url": redact(source.url) if source else None,
        "enabled": bool(source and source.enabled),
        "in_config": in_config,
        "health": health,
        "unhealthy_reason": redact(state.unhealthy_reason or "") or None,
        "last_poll": to_iso(state.last_poll_at),
        "last_success": to_iso(state.last_success_at),
        "last_new_item": to_iso(state.last_new_item_at),
        "last_error": redact(state.last_error or "") or None,
        "last_error_at": to_iso(state.last_error_at),
        "consecutive_failures": state.consecutive_failures,
        "backoff_until": to_iso(state.backoff_until),
        "items_last_poll": state.items_last_poll,
        "paused_at": to_iso(state.paused_at),
        "paused_by": state.paused_by,
    }


def _health(state: SourceState | None) -> str:
    return state.health if state is not None else "never polled"


def _alert(alert: AlertSummary, redact: Callable[[str], str]) -> dict[str, Any]:
    return {
        "id": alert.id,
        "rule": alert.rule,
        "channel": alert.channel,
        "kind": alert.kind,
        "status": alert.status,
        "attempts": alert.attempts,
        "created_at": to_iso(alert.created_at),
        "sent_at": to_iso(alert.sent_at),
        "next_attempt_at": to_iso(alert.next_attempt_at),
        "title": redact(alert.title),
        "also_reported_by": list(alert.also_reported_by),
        "last_error": redact(alert.last_error or "") or None,
    }


def _alerts(
    queries: StatusQueries, status: str, redact: Callable[[str], str]
) -> list[dict[str, Any]]:
    return [_alert(a, redact) for a in queries.recent_alerts(LISTED_DELIVERIES, status=status)]


def _totals(by_channel: dict[str, dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for counts in by_channel.values():
        for status, count in counts.items():
            totals[status] = totals.get(status, 0) + count
    return totals
