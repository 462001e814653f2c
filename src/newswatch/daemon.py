"""``newswatch run``: the scheduler, signals, reload, health and the systemd handshake.

The main thread only waits for signals and does the work they ask for (reload, stop);
polling and delivery happen on the scheduler's worker threads.
"""

from __future__ import annotations

import errno
import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from newswatch import __version__
from newswatch.app import App
from newswatch.errors import EXIT_CANNOT_LISTEN, ConfigError, NewswatchError, ServiceError
from newswatch.ops.health import HealthReport, HealthServer
from newswatch.ops.liveness import check_liveness
from newswatch.ops.outage import next_try, outage_summary
from newswatch.ops.sdnotify import SystemdNotifier
from newswatch.ruleset import RuleSet, load_rules
from newswatch.scheduler import Scheduler
from newswatch.store.retention import prune

if TYPE_CHECKING:
    from newswatch.web.server import WebServer

log = logging.getLogger("newswatch.daemon")

DELIVERY_EVERY_S = 5.0
HEARTBEAT_EVERY_S = 5.0
RETENTION_EVERY_S = 6 * 3600.0


class Daemon:
    def __init__(
        self,
        app: App,
        config_path: Path,
        *,
        notifier: SystemdNotifier | None = None,
        on_reload: Callable[[RuleSet], None] | None = None,
    ) -> None:
        self.app = app
        self.config_path = config_path
        self.notifier = notifier or SystemdNotifier()
        self.on_reload = on_reload
        self.scheduler = Scheduler(app.config.workers, app.clock.now)
        self._stop = threading.Event()
        self._reload = threading.Event()
        # Set by either request: the main thread wakes at once, not at its next tick.
        self._wake = threading.Event()
        self._heartbeat: datetime | None = None
        self._health: HealthServer | None = None
        self._web: WebServer | None = None
        self._started = app.clock.now()
        self._reload_failure: str | None = None  # why the last reload was refused
        self._outage: str | None = None  # the shared failure last announced

    # -- lifecycle -------------------------------------------------------------------
    def run(self) -> int:
        # The ports first: when one is taken, nothing else has started and the error is
        # one line (ServiceError, an exit status the unit does not restart on).
        self._start_health_server()
        self._start_web()
        self._install_signal_handlers()
        self.app.metrics.started(__version__, self._started.timestamp())
        self.app.start_workers()
        self.scheduler.sync_sources(self.app.config, self.app.poll_soon)
        self.scheduler.every_unless_running("delivery", DELIVERY_EVERY_S, self._deliver)
        self.scheduler.every("heartbeat", HEARTBEAT_EVERY_S, self._beat)
        self.scheduler.every("retention", RETENTION_EVERY_S, self._prune)
        self.scheduler.start()
        sources = len([s for s in self.app.config.sources if s.enabled])
        log.info("newswatch running: %d source(s), %d rule(s)", sources, len(self.app.config.rules))
        self.notifier.ready()
        self.notifier.status(f"polling {sources} sources")
        try:
            self._wait_loop()
        finally:
            self._shutdown()
        return 0

    def request_stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def request_reload(self) -> None:
        self._reload.set()
        self._wake.set()

    def _wait_loop(self) -> None:
        watchdog = self.notifier.watchdog_interval() or 5.0
        while not self._stop.is_set():
            self._wake.wait(timeout=min(watchdog, 1.0))
            self._wake.clear()
            if self._stop.is_set():
                return
            if self._reload.is_set():
                self._reload.clear()
                self.reload()
            if self._scheduler_alive():
                self.notifier.watchdog()

    def _shutdown(self) -> None:
        log.info("stopping: waiting for running polls and deliveries")
        self.notifier.stopping()
        self.app.begin_shutdown()
        self.scheduler.shutdown(wait=True)
        if self._health is not None:
            self._health.stop()
        if self._web is not None:
            self._web.stop()
        self.app.close()
        log.info("stopped")

    def reload(self) -> None:
        """Apply a changed config file; keep the old one if the new one is invalid."""
        self.notifier.reloading()
        try:
            rules = load_rules(self.config_path)
        except ConfigError as exc:
            self._reload_failed(f"{len(exc.problems)} error(s): " + "; ".join(exc.problems))
            return
        except (NewswatchError, OSError, ValueError) as exc:
            self._reload_failed(str(exc))
            return
        config = rules.config
        self.app.reload(rules)
        self.scheduler.sync_sources(config, self.app.poll_soon)
        if self.on_reload:
            self.on_reload(rules)
        self._reload_failure = None
        self.app.metrics.reloaded(True, self.app.clock.now().timestamp())
        log.info(
            "reloaded %s: %d source(s), %d rule(s)",
            self.config_path,
            len(config.sources),
            len(config.rules),
        )
        self.notifier.ready()
        self.notifier.status(f"polling {len([s for s in config.sources if s.enabled])} sources")

    def _reload_failed(self, reason: str) -> None:
        """Said once in the log, and kept where an operator looks: ``systemctl status``
        (STATUS/ERRNO), /healthz's warnings and /metrics, until a reload succeeds."""
        self._reload_failure = f"{self.config_path}: {reason}"
        log.error("reload failed, keeping the running config: %s", self._reload_failure)
        self.app.metrics.reloaded(False, self.app.clock.now().timestamp())
        self.notifier.reload_failed(self._reload_failure)

    # -- jobs ------------------------------------------------------------------------
    def _deliver(self) -> None:
        report = self.app.delivery.deliver_due()
        if report.sent or report.failed:
            log.info("delivery: %d sent, %d failed", report.sent, report.failed)
        pending = self.app.store.status.pending_by_channel()
        for channel in self.app.config.channels:
            self.app.metrics.set_pending(channel, pending.get(channel, 0))

    def _beat(self) -> None:
        self._report_outage()
        self.app.refresh_team_rules()  # a team rule saved in the dashboard, without a restart
        self._heartbeat = self.app.clock.now()
        self.app.metrics.heartbeat(self._heartbeat.timestamp())
        stories = self.app.stories
        self.app.metrics.story_index(stories.size, stories.nbytes)

    def _report_outage(self) -> None:
        """Say once when every source fails for one shared reason, and once when that ends:
        the per-source lines show an errno each, this line says what it means."""
        now = self.app.clock.now()
        states = self.app.store.sources.all()
        enabled = [s.name for s in self.app.config.sources if s.enabled]
        summary = outage_summary(states, enabled)
        if summary and summary != self._outage:
            when = next_try(states, now)
            retry = f"next try at {when:%H:%M:%S} UTC" if when else "next try at each interval"
            log.error("%s; %s", summary, retry)
        elif self._outage and not summary:
            log.info("sources answer again (the outage is over)")
        self._outage = summary

    def _prune(self) -> None:
        prune(self.app.store, self.app.config.retention, self.app.clock.now())  # logs itself

    def _scheduler_alive(self) -> bool:
        if not self.scheduler.running:
            return False
        if self._heartbeat is None:
            return True  # the first beat is due within HEARTBEAT_EVERY_S of start
        age = self.app.clock.now() - self._heartbeat
        return age < timedelta(seconds=HEARTBEAT_EVERY_S * 6)

    # -- health ----------------------------------------------------------------------
    def health(self) -> HealthReport:
        # check_liveness knows cron periods and counts a source in back-off as alive.
        report = check_liveness(
            self.app.config,
            self.app.store.sources.all(),
            self.app.clock.now(),
            scheduler_running=self.scheduler.running,
            heartbeat_at=self._heartbeat or self._started,
            started_at=self._started,
        )
        if self._reload_failure:
            report.warnings.append(f"last reload failed: {self._reload_failure}")
        return report

    def _start_health_server(self) -> None:
        if not self.app.config.http:
            return
        self._health = HealthServer(self.app.config.http, self.health, self.app.metrics)
        try:
            self._health.start()
        except OSError as exc:
            self._health = None
            raise ServiceError(
                f"http: cannot listen on {self.app.config.http}: {exc.strerror or exc}"
                + (
                    " (another process uses this port: stop it or change http:)"
                    if exc.errno == errno.EADDRINUSE
                    else ""
                ),
                exit_status=EXIT_CANNOT_LISTEN,
            ) from None
        # The bound address (once): with port 0 in the config, the one the kernel chose.
        log.info("serving /healthz and /metrics on http://%s", _bound(self._health))

    def _start_web(self) -> None:
        """``web:`` in the config: the dashboard in a thread, on the daemon's own store."""
        if self.app.config.web is None:
            return
        from newswatch.web.server import WebServer

        self._web = WebServer(self.app.live, self.app.store, self.app.clock)
        self._web.start()

    def _install_signal_handlers(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            self.request_stop()

        def hup(signum: int, frame: FrameType | None) -> None:
            self.request_reload()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, hup)


def _bound(server: HealthServer) -> str:
    host, port = server.host, server.port
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
