"""The /healthz verdict: scheduler alive, heartbeat fresh, every source polled lately."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswatch.config import Config
from newswatch.config.schema import Interval
from newswatch.ops.liveness import check_liveness, period
from newswatch.store import SourceState

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CONFIG = Config.model_validate(
    {
        "defaults": {"interval": "5m"},
        "sources": [
            {"name": "fast", "feed": "http://127.0.0.1:1/a", "interval": "1m"},
            {"name": "hourly", "feed": "http://127.0.0.1:1/b", "interval": "cron: 0 * * * *"},
            {"name": "off", "feed": "http://127.0.0.1:1/c", "enabled": False},
        ],
    }
)


def _ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def _check(states: list[SourceState], **kwargs: object) -> tuple[bool, list[str]]:
    args: dict[str, object] = {
        "scheduler_running": True,
        "heartbeat_at": _ago(0.1),
        "started_at": _ago(600),
    }
    args.update(kwargs)
    report = check_liveness(CONFIG, states, NOW, **args)  # type: ignore[arg-type]
    return report.ok, report.reasons


@pytest.mark.parametrize(
    ("states", "kwargs", "ok", "reason"),
    [
        ([SourceState("fast", last_poll_at=_ago(1)), SourceState("hourly", last_poll_at=_ago(50))],
         {}, True, None),
        # 3 intervals + 2 minutes of allowance
        ([SourceState("fast", last_poll_at=_ago(6)), SourceState("hourly", last_poll_at=_ago(50))],
         {}, False, "1 source(s) not polled for 3 intervals: fast"),
        ([SourceState("fast", last_poll_at=_ago(1)), SourceState("hourly", last_poll_at=_ago(170))],
         {}, True, None),
        # never polled since a recent start: still within grace
        ([], {"started_at": _ago(2)}, True, None),
        ([], {}, False, "2 source(s) not polled for 3 intervals: fast, hourly"),
        # back-off: skipping polls on purpose is not being stuck
        ([SourceState("fast", last_poll_at=_ago(40), backoff_until=_ago(-10)),
          SourceState("hourly", last_poll_at=_ago(5))], {}, True, None),
        ([SourceState("fast", last_poll_at=_ago(1)), SourceState("hourly", last_poll_at=_ago(5))],
         {"scheduler_running": False}, False, "scheduler is not running"),
        ([SourceState("fast", last_poll_at=_ago(1)), SourceState("hourly", last_poll_at=_ago(5))],
         {"heartbeat_at": _ago(10)}, False, "no scheduler heartbeat since"),
    ],
)  # fmt: skip
def test_verdicts(states, kwargs, ok, reason) -> None:
    got_ok, reasons = _check(states, **kwargs)
    assert got_ok is ok
    if reason:
        assert any(r.startswith(reason) for r in reasons), reasons


def test_details_list_unhealthy_sources() -> None:
    states = [
        SourceState("fast", last_poll_at=_ago(1), healthy=False),
        SourceState("hourly", last_poll_at=_ago(1)),
    ]
    report = check_liveness(
        CONFIG, states, NOW, scheduler_running=True, heartbeat_at=NOW, started_at=_ago(60)
    )
    assert report.ok  # a failing source is reported by source health, not by liveness
    assert report.details["unhealthy_sources"] == ["fast"]
    assert report.details["sources"] == 2


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("cron: */10 * * * *", timedelta(minutes=10)),
        ("cron: 0 6 * * *", timedelta(days=1)),
    ],
)
def test_period(interval: str, expected: timedelta) -> None:
    assert period(Interval.parse(interval), NOW) == expected
