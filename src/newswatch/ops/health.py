"""``/healthz`` and ``/metrics`` over HTTP, served from a daemon thread.

The standard library's threading HTTP server is enough for a scrape every few seconds
and keeps the process free of another web framework.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newswatch.ops.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HealthReport:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # What an operator must know but is no reason to restart (a failed reload: the
    # previous config still runs, and a restart would stop on the broken file).
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "details": self.details,
        }


def parse_address(address: str) -> tuple[str, int]:
    """``"127.0.0.1:9464"``, ``"[::1]:9464"`` or ``":9464"`` (all interfaces) → (host, port)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, got {address!r}")
    return host.strip("[]"), int(port)


class HealthServer:
    def __init__(self, address: str, health: Callable[[], HealthReport], metrics: Metrics) -> None:
        self.host, self._requested_port = parse_address(address)
        self._health = health
        self._metrics = metrics
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when the address asked for port 0)."""
        if self._server is None:
            return self._requested_port
        return int(self._server.server_address[1])

    def start(self) -> None:
        if self._server is not None:
            return
        server_class = _V6Server if ":" in self.host else ThreadingHTTPServer
        self._server = server_class((self.host, self._requested_port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="newswatch-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        health, metrics = self._health, self._metrics

        class Handler(_Handler):
            pass

        Handler.health = staticmethod(health)
        Handler.metrics = metrics
        return Handler


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    health: Callable[[], HealthReport]
    metrics: Metrics
    server_version = "newswatch"
    sys_version = ""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            self._healthz()
        elif path == "/metrics":
            self._send(200, CONTENT_TYPE_LATEST, generate_latest(self.metrics.registry))
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _healthz(self) -> None:
        try:
            report = self.health()
        except Exception as exc:  # a broken health check is itself unhealthy, not a crash
            log.exception("health check failed")
            report = HealthReport(False, [f"health check raised {type(exc).__name__}"])
        body = json.dumps(report.to_json(), default=str).encode() + b"\n"
        self._send(200 if report.ok else 503, "application/json", body)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Scrapes every few seconds would flood the journal at INFO.
        log.debug("%s %s", self.address_string(), format % args)
