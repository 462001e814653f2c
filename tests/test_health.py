"""Source health: one ops message when a source turns unhealthy, one when it recovers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newswatch.clock import FakeClock
from newswatch.config import Config
from newswatch.health import SourceHealthTracker
from newswatch.ops.metrics import Metrics
from newswatch.store import Store

CONFIG = Config.model_validate(
    {
        "sources": [
            {"name": "feed", "feed": "http://127.0.0.1:1/feed.xml", "stale_after": "2h"},
            {"name": "listing", "page": "http://127.0.0.1:1/news/", "links": "h2 a"},
        ]
    }
)

# One poll: ok, error, status, links found, new items.
Poll = tuple[bool, str | None, int | None, int | None, int]
OK: Poll = (True, None, 200, 5, 1)
OK_NOTHING_NEW: Poll = (True, None, 304, None, 0)
TIMEOUT: Poll = (False, "timed out", None, None, 0)
FORBIDDEN: Poll = (False, "HTTP 403", 403, None, 0)
TOO_MANY: Poll = (False, "HTTP 429", 429, None, 0)
NO_LINKS: Poll = (True, None, 200, 0, 0)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    store = Store(tmp_path / "state.db")
    yield store
    store.close()


def run(store: Store, source: str, polls: list[Poll], minutes: int = 5) -> list[str | None]:
    """Polls like the pipeline does (record the outcome, then ask the tracker)."""
    clock = FakeClock()
    metrics = Metrics()
    tracker = SourceHealthTracker(store, clock, metrics=metrics)
    messages = []
    for ok, error, status, links, new in polls:
        clock.advance(minutes * 60)
        if ok:
            store.sources.record_success(source, clock.now(), links or 0, new)
        else:
            store.sources.record_failure(source, clock.now(), error or "")
        message = tracker.after_poll(
            CONFIG.source(source), ok=ok, error=error, status=status, links_found=links
        )
        messages.append(message)
        healthy = metrics.registry.get_sample_value("newswatch_source_healthy", {"source": source})
        assert healthy == (1 if store.sources.get(source).healthy else 0)
    return messages


@pytest.mark.parametrize(
    ("source", "polls", "expected"),
    [
        ("feed", [OK, OK, OK], [None, None, None]),
        # N=3 consecutive failures, then silence, then one recovery
        (
            "feed",
            [TIMEOUT, TIMEOUT, TIMEOUT, TIMEOUT, OK, OK],
            [None, None, "unhealthy: 3 consecutive failures, last: timed out", None,
             "recovered", None],
        ),
        # a failure between successes resets the count
        ("feed", [TIMEOUT, TIMEOUT, OK, TIMEOUT, TIMEOUT], [None] * 5),
        # blocked: two 403/429 in a row
        (
            "listing",
            [FORBIDDEN, TOO_MANY, FORBIDDEN, OK],
            [None, "unhealthy: blocked: HTTP 429 on 2 polls in a row", None, "recovered"],
        ),
        # the listing page stops yielding links
        (
            "listing",
            [OK, NO_LINKS, NO_LINKS, OK],
            [None, "unhealthy: the page yielded no article links (selector 'h2 a' broken?)",
             None, "recovered"],
        ),
        # one failure while unhealthy keeps the verdict
        ("listing", [NO_LINKS, TIMEOUT, OK], ["unhealthy", None, "recovered"]),
    ],
)  # fmt: skip
def test_transitions(store, source, polls, expected) -> None:
    messages = run(store, source, polls)
    for message, want in zip(messages, expected, strict=True):
        if want is None:
            assert message is None
        else:
            assert message is not None and message.startswith(f"source {source} {want}")


def test_stale_feed_alerts_once_and_recovers_on_new_items(store) -> None:
    # stale_after 2h, polls every 30 min: the first poll brings news, then nothing.
    messages = run(store, "feed", [OK] + [OK_NOTHING_NEW] * 6 + [OK], minutes=30)
    assert [m is not None for m in messages] == [False] * 5 + [True, False, True]
    assert messages[5] is not None and "nothing new for more than 2h" in messages[5]
    assert messages[7] is not None and messages[7].startswith("source feed recovered")


def test_health_survives_a_restart(store) -> None:
    run(store, "feed", [TIMEOUT] * 3)
    assert not store.sources.get("feed").healthy
    # A new tracker (new process) must not alert again, and must announce the recovery.
    assert run(store, "feed", [TIMEOUT]) == [None]
    assert run(store, "feed", [OK])[0] == (
        "source feed recovered (was: 4 consecutive failures, last: timed out)"
    )


def test_status_shows_the_current_reason(store) -> None:
    run(store, "feed", [TIMEOUT] * 4)
    assert store.sources.get("feed").unhealthy_reason == "4 consecutive failures, last: timed out"


def test_fresh_source_gets_stale_after_from_start_up(store) -> None:
    clock = FakeClock()
    tracker = SourceHealthTracker(store, clock)
    clock.advance(timedelta(hours=3).total_seconds())
    store.sources.record_success("feed", clock.now(), 0, 0)
    message = tracker.after_poll(
        CONFIG.source("feed"), ok=True, error=None, status=304, links_found=None
    )
    assert message is not None and "since start-up" in message
