"""``newswatch run`` on PostgreSQL state: this machine's share of the work.

``run`` starts ``workers`` local ``newswatch worker`` processes (one per core by default)
and restarts one that dies (after 1 s, doubling up to a minute while it keeps dying). The
schedule needs no process of its own: every worker runs the periodic tick, and
procrastinate defers each tick once. ``run`` also serves ``http:`` (/healthz: every local
worker alive; /metrics: the queue's depth and the workers' heartbeats) and ``web:``.
SIGTERM/SIGINT stop the workers (each drains its running jobs) and exit 0; SIGHUP is
passed on to them (each reloads the config).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from newswatch.ops.health import HealthReport
from newswatch.ops.metrics import Metrics
from newswatch.workers.coord import Coordination

log = logging.getLogger("newswatch.run")

STOP_GRACE_S = 60.0  # a worker still draining after this is killed
MAX_RESTART_DELAY_S = 60.0


@dataclass
class Child:
    number: int
    process: subprocess.Popen[bytes] | None = None
    delay: float = 1.0  # before the next restart
    restart_at: float = 0.0


@dataclass
class Supervisor:
    config_path: Path
    workers: int
    worker_args: list[str] = field(default_factory=list)  # e.g. --log-format json
    metrics: Metrics = field(default_factory=Metrics)
    coord: Coordination | None = None  # for /metrics; None: no queue figures

    def __post_init__(self) -> None:
        self.children = [Child(n) for n in range(1, self.workers + 1)]
        self._stop = threading.Event()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        log.info("newswatch running on PostgreSQL: %d local worker(s)", self.workers)
        try:
            while not self._stop.is_set():
                self._keep_alive()
                self._measure()
                self._stop.wait(1.0)
        finally:
            self._stop_children()
        log.info("stopped")
        return 0

    def request_stop(self) -> None:
        self._stop.set()

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.request_stop()

    def _on_hup(self, signum: int, frame: FrameType | None) -> None:
        for child in self.children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGHUP)

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "newswatch", "worker", "-c", str(self.config_path),
                *self.worker_args]  # fmt: skip

    def _keep_alive(self) -> None:
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if process is not None and process.poll() is None:
                if now - child.restart_at > 10 * MAX_RESTART_DELAY_S:
                    child.delay = 1.0  # running for a while: the next death restarts fast
                continue
            if process is not None:  # died: say so once, and wait before the restart
                log.error("local worker %d exited with status %s; restarting in %.0fs",
                          child.number, process.returncode, child.delay)  # fmt: skip
                child.process = None
                child.restart_at = now + child.delay
                child.delay = min(child.delay * 2, MAX_RESTART_DELAY_S)
            if now >= child.restart_at:
                child.process = subprocess.Popen(self._command(), env=os.environ.copy())
                child.restart_at = now

    def _measure(self) -> None:
        if self.coord is None:
            return
        try:
            self.metrics.queue(self.coord.queue_depth())
        except Exception as exc:  # the database away for a moment: the next second retries
            log.debug("queue depth not measured: %s", exc)

    def _stop_children(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.error("local worker pid %d still busy after %.0fs: killed",
                          process.pid, STOP_GRACE_S)  # fmt: skip
                process.kill()
                process.wait()

    def health(self) -> HealthReport:
        dead = [c.number for c in self.children if not c.process or c.process.poll() is not None]
        reasons = [f"local worker {n} is not running" for n in dead]
        return HealthReport(ok=not dead, reasons=reasons, details={"workers": self.workers})
