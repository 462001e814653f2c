"""Delivery semantics against a real json:// receiver on 127.0.0.1, time from a FakeClock."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from newswatch.clock import FakeClock
from newswatch.config.schema import RuleConfig
from newswatch.notify import DeliveryWorker, enqueue_alerts
from newswatch.store import Store
from tests.receivers import HttpReceiver, Request, http_receiver, make_config, make_message

START = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Any) -> Iterator[Store]:
    s = Store(tmp_path / "state.db")
    yield s
    s.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def enqueue(
    store: Store, config: Any, title: str, at: datetime, rule: str | RuleConfig = "aleppo"
) -> list[int]:
    rule_cfg = (
        rule if isinstance(rule, RuleConfig) else next(r for r in config.rules if r.name == rule)
    )
    rule = rule_cfg.name
    with store.unit() as tx:
        return enqueue_alerts(
            tx.outbox, rule_cfg, make_message(title, rule=rule), at, cluster_id=None, match_id=None
        )


def titles(receiver: HttpReceiver, status: int = 200) -> list[str]:
    return [b["message"] for b in receiver.bodies()]


def worker(store: Store, config: Any, clock: FakeClock) -> DeliveryWorker:
    return DeliveryWorker(store, config, clock, rng=random.Random(7))


def failing_first(n: int, status: int = 500) -> Any:
    def respond(number: int, _: Request) -> tuple[int, bytes, dict[str, str]]:
        return (status, b"down", {}) if number < n else (200, b"{}", {})

    return respond


def test_backlog_arrives_once_in_order_after_receiver_recovers(
    store: Store, clock: FakeClock
) -> None:
    with http_receiver(failing_first(4)) as rx:
        config = make_config({"hook": f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"})
        for n in range(3):
            enqueue(store, config, f"story {n}", clock.now())
        w = worker(store, config, clock)
        for _ in range(12):
            w.deliver_due()
            clock.advance(300)
        delivered = [r.json()["title"] for r in rx.requests[4:]]
    assert len(rx.requests) == 4 + 3  # the head alert alone probes the failing channel
    assert [t.split(": ", 1)[1] for t in delivered] == ["story 0", "story 1", "story 2"]
    assert store.outbox.counts() == {"sent": 3}


def test_gives_up_after_max_age_and_logs_an_error(
    store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with http_receiver(failing_first(10_000)) as rx:
        config = make_config(
            {"hook": f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"},
            delivery={"max_age": "1h", "initial_backoff": "30s", "max_backoff": "10m"},
        )
        (alert_id,) = enqueue(store, config, "doomed", clock.now())
        w = worker(store, config, clock)
        with caplog.at_level(logging.ERROR, logger="newswatch.notify"):
            for _ in range(40):
                w.deliver_due()
                clock.advance(180)
    row = store.outbox.get(alert_id)
    assert row is not None and row.status == "failed"
    assert "failed for good" in caplog.text
    # back-off: far fewer tries than the 20 three-minute rounds in the hour
    assert 4 <= len(rx.requests) <= 12


@pytest.mark.parametrize(
    ("rate_limit", "expected_gaps", "held_first_round"),
    [
        (60, [1.0, 1.0], 0),  # one per second: short waits happen inline
        (6, [10.0, 10.0], 2),  # one per 10 s: the rest wait for later rounds
    ],
)
def test_rate_limit_spaces_messages(
    store: Store,
    clock: FakeClock,
    rate_limit: int,
    expected_gaps: list[float],
    held_first_round: int,
) -> None:
    stamps: list[datetime] = []

    def respond(_: int, __: Request) -> tuple[int, bytes, dict[str, str]]:
        stamps.append(clock.now())
        return 200, b"{}", {}

    with http_receiver(respond) as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        config = make_config({"hook": {"urls": [url], "rate_limit": rate_limit}})
        for n in range(3):
            enqueue(store, config, f"story {n}", clock.now())
        w = worker(store, config, clock)
        first = w.deliver_due()
        for _ in range(25):
            clock.advance(1)
            w.deliver_due()
    assert first.held == held_first_round
    gaps = [(b - a).total_seconds() for a, b in pairwise(stamps)]
    assert gaps == expected_gaps


def test_digest_batches_a_rule_per_period(store: Store, clock: FakeClock) -> None:
    with http_receiver() as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        rules = [{"name": "aleppo", "query": "aleppo", "notify": ["hook"], "digest": "30m"}]
        config = make_config({"hook": url}, rules)
        w = worker(store, config, clock)
        enqueue(store, config, "first story", clock.now())  # 10:05
        clock.advance(15 * 60)  # 10:20
        enqueue(store, config, "second story", clock.now())
        clock.advance(4 * 60)  # 10:24
        assert w.deliver_due().messages == 0
        clock.advance(6 * 60)  # 10:30, the end of the period
        report = w.deliver_due()
        enqueue(store, config, "third story", clock.now() + timedelta(minutes=10))
        clock.advance(30 * 60)  # 11:00
        later = w.deliver_due()
    assert (report.messages, report.sent) == (1, 2)
    assert (later.messages, later.sent) == (1, 1)
    digest = rx.requests[0].json()
    assert digest["title"] == "[newswatch] aleppo: 2 alerts (digest)"
    assert "first story" in digest["message"] and "second story" in digest["message"]
    assert rx.requests[1].json()["title"] == "[newswatch] aleppo: third story"


def test_flood_of_alerts_becomes_one_message(store: Store, clock: FakeClock) -> None:
    with http_receiver() as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        config = make_config({"hook": {"urls": [url], "flood_threshold": 3}})
        for n in range(5):
            enqueue(store, config, f"story {n}", clock.now())
        report = worker(store, config, clock).deliver_due()
    assert (report.messages, report.sent) == (1, 5)
    body = rx.requests[0].json()
    assert body["title"] == "[newswatch] 5 alerts"
    assert all(f"story {n}" in body["message"] for n in range(5))


def test_silence_mutes_until_it_expires(store: Store, clock: FakeClock) -> None:
    with http_receiver() as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        config = make_config({"hook": url})
        store.silences.add("aleppo", clock.now() + timedelta(hours=4), clock.now())
        w = worker(store, config, clock)
        enqueue(store, config, "muted story", clock.now())
        muted = w.deliver_due()
        clock.advance(4 * 3600)
        enqueue(store, config, "after the silence", clock.now())
        after = w.deliver_due()
    assert (muted.silenced, muted.sent, after.sent) == (1, 0, 1)
    assert [r.json()["title"] for r in rx.requests] == ["[newswatch] aleppo: after the silence"]


def test_quiet_hours_hold_normal_alerts_until_the_window_ends(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    with http_receiver() as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        rules = [
            {"name": "aleppo", "query": "aleppo", "notify": ["hook"]},
            {"name": "urgent", "query": "x", "notify": ["hook"], "priority": "urgent"},
        ]
        quiet = {"start": "22:00", "end": "07:00", "timezone": "UTC"}
        config = make_config({"hook": {"urls": [url], "quiet_hours": quiet}}, rules)
        w = worker(store, config, clock)
        enqueue(store, config, "can wait", clock.now())
        enqueue(store, config, "wake me", clock.now(), rule="urgent")
        # ops alerts come from rules outside the config; their priority travels along
        ops = RuleConfig(name="source-health", query="x", notify=["hook"], priority="urgent")
        enqueue(store, config, "feed down", clock.now(), rule=ops)
        night = w.deliver_due()
        clock.advance(7 * 3600)  # 06:00
        early = w.deliver_due()
        clock.advance(3600)  # 07:00
        morning = w.deliver_due()
        clock.advance(3600)
        again = w.deliver_due()
    assert (night.sent, night.held, early.sent, morning.sent, again.sent) == (2, 1, 0, 1, 0)
    got = [r.json()["title"] for r in rx.requests]
    assert got == [
        "[newswatch] urgent: wake me",
        "[newswatch] source-health: feed down",
        "[newswatch] aleppo: can wait",
    ]


def test_partial_failure_retries_only_the_url_that_failed(store: Store, clock: FakeClock) -> None:
    with http_receiver() as good, http_receiver(failing_first(2)) as flaky:
        urls = [f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in" for rx in (good, flaky)]
        config = make_config({"both": {"urls": urls}})
        enqueue(store, config, "story", clock.now())
        w = worker(store, config, clock)
        for _ in range(6):
            w.deliver_due()
            clock.advance(300)
    assert len(good.requests) == 1
    assert len(flaky.requests) == 3  # two failures, then the one that arrives
    assert store.outbox.counts() == {"sent": 1}


def test_two_workers_on_one_state_file_send_each_alert_once(
    store: Store, clock: FakeClock, tmp_path: Any
) -> None:
    import threading

    with http_receiver() as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        config = make_config({"hook": {"urls": [url], "flood_threshold": 1000}})
        for n in range(20):
            enqueue(store, config, f"story {n}", clock.now())
        other = Store(tmp_path / "state.db")  # a second connection, as `once` beside `run`
        workers = [worker(store, config, clock), worker(other, config, clock)]
        threads = [threading.Thread(target=w.deliver_due) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for w in workers:
            w.deliver_due()
        other.close()
    titles = [r.json()["title"] for r in rx.requests]
    assert sorted(titles) == sorted({f"[newswatch] aleppo: story {n}" for n in range(20)})


def test_a_notifier_that_raises_counts_as_a_failed_try(store: Store, clock: FakeClock) -> None:
    class Broken:
        def send(self, batch: Any, done: frozenset[str] = frozenset()) -> Any:
            raise RuntimeError("bug")

    config = make_config({"hook": "json://127.0.0.1:9/x"})
    (alert_id,) = enqueue(store, config, "story", clock.now())
    report = DeliveryWorker(store, config, clock, notifier=Broken()).deliver_due()
    row = store.outbox.get(alert_id)
    assert report.retrying == 1
    assert row is not None and row.attempts == 1 and "RuntimeError: bug" in (row.last_error or "")


def test_alerts_are_written_in_the_callers_transaction(store: Store, clock: FakeClock) -> None:
    config = make_config({"a": "json://127.0.0.1:9/x", "b": "json://127.0.0.1:9/y"})
    with pytest.raises(RuntimeError), store.unit() as tx:
        enqueue_alerts(
            tx.outbox, config.rules[0], make_message(), clock.now(), cluster_id=None, match_id=None
        )
        raise RuntimeError("the match was not recorded after all")
    assert store.outbox.counts() == {}
    ids = enqueue(store, config, "kept", clock.now())
    assert len(ids) == 2 and store.outbox.counts() == {"pending": 2}


def test_outcomes_and_latency_reach_the_metrics(store: Store, clock: FakeClock) -> None:
    from prometheus_client import generate_latest

    from newswatch.ops.metrics import Metrics

    metrics = Metrics()
    with http_receiver(failing_first(1)) as rx:
        config = make_config({"hook": f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"})
        enqueue(store, config, "story", clock.now())
        w = DeliveryWorker(store, config, clock, rng=random.Random(7), metrics=metrics)
        w.deliver_due()  # 500: a retry
        clock.advance(3600)
        w.deliver_due()  # sent, an hour after the match
    exposed = generate_latest(metrics.registry).decode()
    assert 'channel="hook",status="retry"} 1.0' in exposed
    assert 'channel="hook",status="sent"} 1.0' in exposed
    assert "delivery" in exposed and "_sum 3600.0" in exposed
