"""The tables ``newswatch status`` prints, from the data ``status.collect`` gathers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newswatch.clock import from_iso
from newswatch.ops.outage import cause_first

ERROR_WIDTH = 60
TITLE_WIDTH = 50


def render(report: dict[str, Any], now: datetime) -> str:
    parts = [f"state: {report['state']}"]
    if report["database"] is None:
        parts.append("(no state database yet: the daemon has not run with this config)")
    parts += [_sources(report["sources"], now), _recent(report["recent_alerts"], now)]
    parts.append(_deliveries(report["deliveries"], now))
    if report.get("silences"):
        rows = [
            [str(s["id"]), s["rule"], f"{s['until'][:16].replace('T', ' ')} UTC", s["comment"]]
            for s in report["silences"]
        ]
        parts.append("SILENCES\n" + _table(["ID", "RULE", "ENDS", "COMMENT"], rows))
    if "workers" in report:
        from newswatch.commands.status_workers import render_workers

        parts.append(render_workers(report, now))
    return "\n\n".join(parts)


def ago(value: str | None, now: datetime) -> str:
    """``3m ago`` / ``in 5m`` / ``-``: easier to read at a glance than timestamps."""
    when = from_iso(value)
    if when is None:
        return "-"
    seconds = int((now - when).total_seconds())
    span = _span(abs(seconds))
    return f"{span} ago" if seconds >= 0 else f"in {span}"


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _cut(text: str | None, width: int) -> str:
    if not text:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _sources(sources: list[dict[str, Any]], now: datetime) -> str:
    unhealthy = sum(1 for s in sources if s["health"] not in ("ok", "never polled"))  # failing too
    title = (
        f"SOURCES ({len(sources)}, {unhealthy} not ok)"
        if unhealthy
        else f"SOURCES ({len(sources)})"
    )
    if not sources:
        return f"{title}\n(none configured)"
    rows = []
    for s in sources:
        health = s["health"] if s["health"] in ("ok", "never polled") else s["health"].upper()
        if not s["in_config"]:
            health += " (not in config)"
        elif not s["enabled"]:
            health += " (disabled)"
        error = "-"
        if s["last_error"]:
            error = f"{ago(s['last_error_at'], now)}: {cause_first(s['last_error'])}"
        backoff = "-"
        if s["backoff_until"] and ago(s["backoff_until"], now).startswith("in "):
            backoff = ago(s["backoff_until"], now)
        rows.append(
            [s["name"], health, ago(s["last_poll"], now), ago(s["last_success"], now),
             str(s["consecutive_failures"]), backoff, _cut(error, ERROR_WIDTH)]
        )  # fmt: skip
    table = _table(
        ["NAME", "HEALTH", "LAST POLL", "LAST SUCCESS", "FAILS", "BACK-OFF", "LAST ERROR"], rows
    )
    reasons = [
        f"  {s['name']}: {s['unhealthy_reason']}" for s in sources if s["health"] == "unhealthy"
    ]
    return "\n".join([title, table, *(["unhealthy because:", *reasons] if reasons else [])])


def _recent(alerts: list[dict[str, Any]], now: datetime) -> str:
    if not alerts:
        return "RECENT ALERTS\n(none)"
    rows = [
        [
            f"#{a['id']}",
            ago(a["created_at"], now),
            a["status"],
            a["rule"],
            a["channel"],
            _cut(a["title"], TITLE_WIDTH),
            ", ".join(a.get("also_reported_by") or []) or "-",
        ]
        for a in alerts
    ]
    return f"RECENT ALERTS (last {len(alerts)})\n" + _table(
        ["ID", "CREATED", "STATUS", "RULE", "CHANNEL", "TITLE", "ALSO REPORTED BY"], rows
    )


def _deliveries(deliveries: dict[str, Any], now: datetime) -> str:
    counts = deliveries["counts"]
    summary = " · ".join(f"{counts.get(k, 0)} {k}" for k in ("pending", "failed", "sent"))
    others = " · ".join(
        f"{v} {k}" for k, v in sorted(counts.items()) if k not in ("pending", "failed", "sent")
    )
    lines = [f"DELIVERIES: {summary}" + (f" · {others}" if others else "")]
    for status, label in (("pending", "next try"), ("failed", "gave up")):
        listed = deliveries[status]
        if not listed:
            continue
        rows = [
            [f"#{a['id']}", a["channel"], a["rule"], str(a["attempts"]),
             ago(a["next_attempt_at"], now) if status == "pending" else ago(a["created_at"], now),
             _cut(cause_first(a["last_error"] or ""), ERROR_WIDTH)]
            for a in listed
        ]  # fmt: skip
        when = "NEXT TRY" if status == "pending" else "CREATED"
        lines += [
            "",
            f"{status.upper()} ({label})",
            _table(["ID", "CHANNEL", "RULE", "ATTEMPTS", when, "LAST ERROR"], rows),
        ]
    return "\n".join(lines)
