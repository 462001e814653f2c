"""The verdict behind ``/healthz``: is the daemon doing its job right now?

Healthy means the scheduler runs, its heartbeat is recent, every enabled source was polled
within ``grace`` of its interval (a fresh start gets the same grace), and fewer than
``health: {failing_share}`` of the sources (default: all of them) failed their last poll.
One failing source is what source health and ``status`` report; all of them failing is a
daemon that alerts nobody, which a probe must see.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from newswatch.config import Config
from newswatch.config.schema import Interval
from newswatch.ops.health import HealthReport
from newswatch.ops.outage import cause_first, failing, outage_summary
from newswatch.store import SourceState

DEFAULT_GRACE = 3  # intervals
HEARTBEAT_MAX_AGE = timedelta(minutes=2)
# A poll itself can take a while (timeouts, many article pages) on top of the interval.
POLL_ALLOWANCE = timedelta(minutes=2)


def period(interval: Interval, now: datetime) -> timedelta:
    """The (approximate) time between two polls, for cron schedules too."""
    if interval.every is not None:
        return interval.every
    trigger = CronTrigger.from_crontab(interval.cron or "* * * * *", timezone="UTC")
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    if first is None or second is None:
        return timedelta(days=1)
    gap: timedelta = second - first
    return gap


def check_liveness(
    config: Config,
    states: Iterable[SourceState],
    now: datetime,
    *,
    scheduler_running: bool,
    heartbeat_at: datetime | None,
    started_at: datetime,
    grace: int = DEFAULT_GRACE,
) -> HealthReport:
    reasons: list[str] = []
    if not scheduler_running:
        reasons.append("scheduler is not running")
    if heartbeat_at is None or now - heartbeat_at > HEARTBEAT_MAX_AGE:
        reasons.append(f"no scheduler heartbeat since {_iso(heartbeat_at) or 'start-up'}")
    by_name = {s.name: s for s in states}
    overdue: list[str] = []
    for source in config.sources:
        if not source.enabled:
            continue
        allowed = period(source.interval or config.defaults.interval, now) * grace
        allowed += POLL_ALLOWANCE
        state = by_name.get(source.name)
        if state is not None and state.paused_at is not None:
            continue  # paused from the dashboard: not polled on purpose
        deadline = ((state.last_poll_at if state else None) or started_at) + allowed
        if state is not None and state.backoff_until is not None:
            # A source backing off after failures is skipped on purpose, not forgotten.
            deadline = max(deadline, state.backoff_until + allowed)
        if now > deadline:
            overdue.append(source.name)
    if overdue:
        listed = ", ".join(overdue[:10]) + (" …" if len(overdue) > 10 else "")
        reasons.append(f"{len(overdue)} source(s) not polled for {grace} intervals: {listed}")
    reasons += _failing_reasons(config, list(by_name.values()))
    unhealthy = sorted(s.name for s in by_name.values() if not s.healthy)
    details = {
        "sources": sum(1 for s in config.sources if s.enabled),
        "overdue": overdue,
        "unhealthy_sources": unhealthy,
        "heartbeat_at": _iso(heartbeat_at),
        "started_at": _iso(started_at),
    }
    return HealthReport(ok=not reasons, reasons=reasons, details=details)


def _failing_reasons(config: Config, states: list[SourceState]) -> list[str]:
    """A daemon whose sources all fail is alive but useless: an uptime probe must see it
    (503), not a 200 from a server that lost its network."""
    enabled = [s.name for s in config.sources if s.enabled]
    down = failing(states, enabled)
    if not enabled or len(down) / len(enabled) < config.health.failing_share:
        return []
    summary = outage_summary(states, enabled)
    if summary:
        return [summary]
    first = cause_first(down[0].last_error or "unknown error")
    return [f"{len(down)} of {len(enabled)} source(s) failing (e.g. {down[0].name}: {first})"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
