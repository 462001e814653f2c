"""A thin APScheduler 3 adapter: one job per source, plus delivery and housekeeping.

Jobs never overlap for one source (a lock per job: see ``_unless_running``), missed runs
coalesce into one,
and every source job starts at once on start-up (then follows its interval with jitter).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import Config, SourceConfig
from newswatch.config.schema import Interval

log = logging.getLogger("newswatch.scheduler")

SOURCE_JOB_PREFIX = "source:"
SERVICE_EXECUTOR = "service"


def source_trigger(interval: Interval) -> IntervalTrigger | CronTrigger:
    if interval.cron:
        return CronTrigger.from_crontab(interval.cron, timezone="UTC")
    assert interval.every is not None
    seconds = interval.every.total_seconds()
    # Jitter spreads sources that share an interval so hosts are not hit in bursts.
    return IntervalTrigger(seconds=seconds, jitter=min(30.0, seconds * 0.1), timezone="UTC")


class Scheduler:
    def __init__(self, workers: int, now: Callable[[], datetime]) -> None:
        self._now = now
        self._busy: dict[str, threading.Lock] = {}  # job id -> held while it runs
        self._scheduler = BackgroundScheduler(
            # Heartbeat, delivery and retention get their own threads: when slow sources
            # fill every poll worker, the heartbeat (hence the systemd watchdog) and
            # delivery must still run.
            executors={
                "default": ThreadPoolExecutor(max_workers=workers),
                SERVICE_EXECUTOR: ThreadPoolExecutor(max_workers=4),
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone="UTC",
        )

    def sync_sources(self, config: Config, poll: Callable[[SourceConfig], object]) -> None:
        """Add, replace or remove source jobs so they match ``config`` (used by SIGHUP)."""
        wanted = {f"{SOURCE_JOB_PREFIX}{s.name}": s for s in config.sources if s.enabled}
        for job in self._scheduler.get_jobs():
            if job.id.startswith(SOURCE_JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, source in wanted.items():
            interval = source.interval or config.defaults.interval
            existing = self._scheduler.get_job(job_id)
            next_run = existing.next_run_time if existing else self._now()
            self._scheduler.add_job(
                self._unless_running(job_id, poll),
                source_trigger(interval),
                args=[source],
                id=job_id,
                name=source.name,
                replace_existing=True,
                next_run_time=next_run,
                max_instances=3,
            )

    def every_unless_running(self, job_id: str, seconds: float, func: Callable[[], object]) -> None:
        """Like ``every``, but a run due while the previous one still works (a slow
        channel: an SMTP timeout) is skipped quietly (see ``_unless_running``)."""
        self.every(job_id, seconds, self._unless_running(job_id, func), max_instances=3)

    def _unless_running(self, job_id: str, func: Callable[..., object]) -> Callable[..., None]:
        """``func`` skipped while its previous run still works: by us, at debug level,
        instead of by APScheduler with a "maximum number of running instances reached"
        warning in normal operation (a poll or a delivery longer than its period). A
        plain interval job stays scheduled whatever happens. The lock is kept per job id,
        so a reload that replaces the job still never runs one source twice at once."""
        busy = self._busy.setdefault(job_id, threading.Lock())

        def run_unless_running(*args: object) -> None:
            if not busy.acquire(blocking=False):
                log.debug("%s: previous run still working; this run skipped", job_id)
                return
            try:
                func(*args)
            finally:
                busy.release()

        return run_unless_running

    def every(
        self, job_id: str, seconds: float, func: Callable[[], object], max_instances: int = 1
    ) -> None:
        self._scheduler.add_job(
            func,
            IntervalTrigger(seconds=seconds, timezone="UTC"),
            id=job_id,
            executor=SERVICE_EXECUTOR,
            max_instances=max_instances,
            replace_existing=True,
            next_run_time=self._now() + timedelta(seconds=min(seconds, 1)),
        )

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)
