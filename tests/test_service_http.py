"""/healthz and /metrics over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from newswatch.ops.health import HealthReport, HealthServer
from newswatch.ops.metrics import Metrics


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[], HealthReport], Metrics], HealthServer]]:
    servers: list[HealthServer] = []

    def start(health: Callable[[], HealthReport], metrics: Metrics) -> HealthServer:
        server = HealthServer("127.0.0.1:0", health, metrics)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize(
    ("report", "status"),
    [
        (HealthReport(True, [], {"sources": 3}), 200),
        (HealthReport(False, ["scheduler is not running"], {}), 503),
    ],
)
def test_healthz_status_and_json_reason(serve, report, status) -> None:
    server = serve(lambda: report, Metrics())
    code, content_type, body = _get(server.port, "/healthz")
    assert code == status
    assert content_type == "application/json"
    assert json.loads(body) == {
        "ok": report.ok,
        "reasons": report.reasons,
        "warnings": [],
        "details": report.details,
    }


def test_a_crashing_health_check_answers_503(serve) -> None:
    def broken() -> HealthReport:
        raise RuntimeError("boom")

    code, _, body = _get(serve(broken, Metrics()).port, "/healthz")
    assert code == 503
    assert json.loads(body)["reasons"] == ["health check raised RuntimeError"]


def test_metrics_in_prometheus_format(serve) -> None:
    metrics = Metrics()
    metrics.fetch("aljazeera", "ok", 2048, 0.3)
    metrics.fetch("aljazeera", "error", 0, 1.5)
    metrics.articles("aljazeera", new=2, seen=5)
    metrics.matched("aleppo-airstrikes")
    metrics.alert("desk-slack", "sent")
    metrics.alert("desk-slack", "failed")
    metrics.set_pending("desk-slack", 4)
    metrics.delivery_latency(2.0)
    metrics.source_health("aljazeera", False)
    code, content_type, body = _get(serve(lambda: HealthReport(True), metrics).port, "/metrics")
    assert code == 200
    assert content_type.startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }
    expected = {
        ("newswatch_fetches_total", (("outcome", "ok"), ("source", "aljazeera"))): 1,
        ("newswatch_fetches_total", (("outcome", "error"), ("source", "aljazeera"))): 1,
        ("newswatch_fetch_bytes_total", (("source", "aljazeera"),)): 2048,
        ("newswatch_articles_total", (("source", "aljazeera"), ("state", "new"))): 2,
        ("newswatch_articles_total", (("source", "aljazeera"), ("state", "seen"))): 5,
        ("newswatch_matches_total", (("rule", "aleppo-airstrikes"),)): 1,
        ("newswatch_alerts_total", (("channel", "desk-slack"), ("status", "sent"))): 1,
        ("newswatch_alerts_total", (("channel", "desk-slack"), ("status", "failed"))): 1,
        ("newswatch_alerts_pending", (("channel", "desk-slack"),)): 4,
        ("newswatch_poll_seconds_count", ()): 2,
        ("newswatch_delivery_latency_seconds_count", ()): 1,
        ("newswatch_source_healthy", (("source", "aljazeera"),)): 0,
    }
    for key, value in expected.items():
        assert samples[key] == value, key


def test_unknown_path_is_404(serve) -> None:
    code, _, _ = _get(serve(lambda: HealthReport(True), Metrics()).port, "/")
    assert code == 404


def test_each_metrics_object_has_its_own_registry() -> None:
    # Two daemons' worth of metrics in one process (tests, reload) must not collide.
    first, second = Metrics(), Metrics()
    first.matched("r")
    assert first.registry is not second.registry
    assert second.registry.get_sample_value("newswatch_matches_total", {"rule": "r"}) is None
    shared = CollectorRegistry()
    assert Metrics(shared).registry is shared


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.fetch("s", "exploded", 0, 0.1), "unknown fetch outcome"),
        (lambda m: m.alert("c", "maybe"), "unknown alert status"),
    ],
)
def test_unknown_labels_are_refused(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(Metrics())


def test_forget_source_drops_its_series() -> None:
    metrics = Metrics()
    metrics.fetch("gone", "ok", 10, 0.1)
    metrics.source_health("gone", True)
    metrics.forget_source("gone")
    labels = {"source": "gone", "outcome": "ok"}
    assert metrics.registry.get_sample_value("newswatch_fetches_total", labels) is None
    assert metrics.registry.get_sample_value("newswatch_source_healthy", {"source": "gone"}) is None


def test_stop_frees_the_port() -> None:
    server = HealthServer("127.0.0.1:0", lambda: HealthReport(True), Metrics())
    server.start()
    port = server.port
    server.stop()
    again = HealthServer(f"127.0.0.1:{port}", lambda: HealthReport(True), Metrics())
    again.start()  # raises OSError (address in use) if stop() left the socket bound
    try:
        assert again.port == port
        assert _get(port, "/healthz")[0] == 200
    finally:
        again.stop()
