"""``newswatch worker``: one worker process over the state database.

The process builds the same runtime as the daemon (store, fetcher, story index, delivery,
extraction processes) and hands procrastinate's jobs to it; its polls queue their new
entries on other sites as article jobs (``runtime.articles``). SIGTERM/SIGINT drain: no new job is
taken, queued articles wait in the queue for the next worker, an article whose page fetch
the shutdown cut off goes back to the queue (its retry), and the process exits 0. SIGHUP
reloads the config (rules and sources).
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import procrastinate
from procrastinate.worker import Worker

from newswatch.app import App
from newswatch.config import Config, SourceConfig, is_database_url
from newswatch.errors import ConfigError, NewswatchError
from newswatch.fetch.politeness import origin_key, origin_of
from newswatch.model import Entry
from newswatch.ops.health import HealthReport, HealthServer
from newswatch.ruleset import RuleSet, load_rules
from newswatch.store.retention import prune
from newswatch.workers.coord import Coordination, worker_name
from newswatch.workers.queue import (
    QUEUE,
    ArticleJobs,
    SourceSpec,
    Timing,
    build_queue,
    first_offsets,
)

log = logging.getLogger("newswatch.worker")


def postgres_dsn(config: Config) -> str | None:
    """The DSN when ``state:`` is PostgreSQL, else None (a SQLite file)."""
    return config.state if config.state and is_database_url(config.state) else None


def source_spec(source: SourceConfig, config: Config) -> SourceSpec:
    interval = source.interval or config.defaults.interval
    every = interval.every.total_seconds() if interval.every else None
    return SourceSpec(origin_key(origin_of(source.url)), every, interval.cron)


class NewswatchWork:
    """The tasks' work, on this process's newswatch App (see ``queue.Work``)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.polls = 0
        self.deliveries = 0
        self._count = threading.Lock()

    def sources(self) -> dict[str, SourceSpec]:
        config = self.app.config
        return {s.name: source_spec(s, config) for s in config.sources if s.enabled}

    def _source(self, name: str) -> SourceConfig | None:
        """None when removed or disabled since its job was queued."""
        found = [s for s in self.app.config.sources if s.name == name and s.enabled]
        return found[0] if found else None

    def poll(self, source: str) -> None:
        config = self._source(source)
        if config is None:
            return
        self.app.poll(config)
        with self._count:
            self.polls += 1

    def article(self, source: str, entry: Entry, quiet: bool) -> None:
        config = self._source(source)
        if config is not None:
            self.app.article(config, entry, quiet)

    def deliver(self) -> None:
        report = self.app.delivery.deliver_due()
        if report.sent or report.failed:
            log.info("delivery: %d sent, %d failed", report.sent, report.failed)
        with self._count:
            self.deliveries += report.sent

    def prune(self) -> None:
        prune(self.app.store, self.app.config.retention, self.app.clock.now())


@dataclass
class WorkerProcess:
    """One worker: its queue app, coordination tables, newswatch App and signals."""

    config_path: Path
    work: NewswatchWork
    coord: Coordination
    queue: procrastinate.App
    timing: Timing
    concurrency: int
    name: str = ""
    http: str | None = None  # /healthz and /metrics of this worker (host:port)

    def __post_init__(self) -> None:
        self.name = self.name or worker_name()
        self._worker: Worker | None = None
        self._last_beat = time.monotonic()
        self._stopping = False

    def serve(self) -> int:
        self.coord.sync_sources(first_offsets(self.work.sources(), random.Random()))
        server = HealthServer(self.http, self.health, self.work.app.metrics) if self.http else None
        try:
            if server is not None:
                server.start()
                log.info("worker %s: /healthz and /metrics on port %d", self.name, server.port)
            asyncio.run(self._serve())
        except Exception:
            log.exception("worker %s failed", self.name)
            return 1
        finally:
            if server is not None:
                server.stop()
            self.coord.beat(self.name, self.work.polls, self.work.deliveries)  # final counts
            self.coord.unregister(self.name)
            self.work.app.close()
            self.coord.close()
        if not self._stopping:  # procrastinate gave up (its database connection failed)
            log.error("worker %s stopped without being asked to", self.name)
            return 1
        log.info("worker %s stopped", self.name)
        return 0

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        # Sync tasks run on the loop's default executor: room for every concurrent job.
        loop.set_default_executor(ThreadPoolExecutor(self.concurrency + 4, "newswatch-job"))
        async with self.queue.open_async():
            worker = Worker(
                self.queue, queues=[QUEUE], name=self.name, concurrency=self.concurrency,
                install_signal_handlers=False, delete_jobs="successful",
                update_heartbeat_interval=self.timing.heartbeat,
                stalled_worker_timeout=self.timing.stalled_after,
                fetch_job_polling_interval=self.timing.fetch_every,
            )  # fmt: skip
            self._worker = worker
            loop.add_signal_handler(signal.SIGTERM, self.stop)
            loop.add_signal_handler(signal.SIGINT, self.stop)
            loop.add_signal_handler(signal.SIGHUP, self.reload)
            beats = asyncio.create_task(self._beat(worker))
            log.info(
                "worker %s running: %d source(s) shared, %d job(s) at once",
                self.name, len(self.work.sources()), self.concurrency,
            )  # fmt: skip
            try:
                await worker.run()  # type: ignore[no-untyped-call]
            finally:
                beats.cancel()

    async def _beat(self, worker: Worker) -> None:
        """Our row in newswatch_workers (procrastinate keeps the heartbeat itself)."""
        while worker.worker_id is None:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(self.coord.register, self.name, worker.worker_id)
        while True:
            await asyncio.sleep(self.timing.heartbeat)
            work = self.work
            try:
                await asyncio.to_thread(self.coord.beat, self.name, work.polls, work.deliveries)
                # Team rules saved in the dashboard (another process): in force here too.
                await asyncio.to_thread(work.app.refresh_team_rules)
                depth = await asyncio.to_thread(self.coord.queue_depth)
                self.work.app.metrics.queue(depth)
                self.work.app.metrics.heartbeat(time.time())
                self._last_beat = time.monotonic()
            except Exception as exc:  # the database away for a moment: beat again later
                log.warning("worker %s: heartbeat not recorded: %s", self.name, exc)

    def health(self) -> HealthReport:
        """Alive while the database takes this worker's heartbeats."""
        silent = time.monotonic() - self._last_beat
        if silent < self.timing.stalled_after:
            return HealthReport(ok=True, details={"worker": self.name})
        reason = f"no heartbeat recorded for {silent:.0f}s (database unreachable?)"
        return HealthReport(ok=False, reasons=[reason], details={"worker": self.name})

    def stop(self) -> None:
        log.info("worker %s stopping: draining running jobs", self.name)
        self._stopping = True
        self.work.app.begin_shutdown()
        if self._worker is not None:
            self._worker.stop()  # type: ignore[no-untyped-call]

    def reload(self) -> None:
        threading.Thread(target=self._reload, name="newswatch-reload", daemon=True).start()

    def _reload(self) -> None:
        try:
            rules = load_rules(self.config_path)
        except (ConfigError, NewswatchError, OSError, ValueError) as exc:
            log.error("reload failed, keeping the running config: %s", exc)
            return
        self.work.app.reload(rules)
        self.coord.sync_sources(first_offsets(self.work.sources(), random.Random()))
        log.info("reloaded %s: %d source(s)", self.config_path, len(rules.config.sources))


def start_worker(
    config_path: Path,
    *,
    concurrency: int | None = None,
    timing: Timing | None = None,
    http: str | None = None,
    rules: RuleSet | None = None,
) -> WorkerProcess:
    """Everything a worker needs, connected and migrated; ``serve()`` runs it. ``rules``:
    the config file's, when the caller has read it already."""
    from newswatch.store import Store

    rules = rules or load_rules(config_path)
    config = rules.config
    dsn = postgres_dsn(config)
    if dsn is None:
        raise ConfigError(
            ["state: newswatch worker needs PostgreSQL state (state: postgresql://user@host/db);"
             " with a SQLite file, `newswatch run` does all the work in one process"],
            path=str(config_path),
        )  # fmt: skip
    timing = timing or Timing()
    store = Store(dsn)  # first: an unreachable database is one clear error, at once
    coord = Coordination(dsn)
    app = App(rules, store=store)
    app.runtime.fetcher.politeness.share(coord)
    work = NewswatchWork(app)
    queue = build_queue(dsn, work, coord, timing)
    app.runtime.articles = ArticleJobs(queue.job_manager)  # polls hand over their entries
    coord.create_schema(queue.schema_manager.get_schema())
    app.start_workers()
    return WorkerProcess(config_path, work, coord, queue, timing, concurrency or config.workers)
