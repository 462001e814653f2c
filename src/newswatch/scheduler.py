"""A thin APScheduler 3 adapter: one job per source, plus delivery and housekeeping.

Jobs never overlap for one source (``max_instances=1``), missed runs coalesce into one,
and every source job starts at once on start-up (then follows its interval with jitter).
"""

from __future__ import annotations

import logging
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
                poll,
                source_trigger(interval),
                args=[source],
                id=job_id,
                name=source.name,
                replace_existing=True,
                next_run_time=next_run,
            )

    def every(self, job_id: str, seconds: float, func: Callable[[], object]) -> None:
        self._scheduler.add_job(
            func,
            IntervalTrigger(seconds=seconds, timezone="UTC"),
            id=job_id,
            executor=SERVICE_EXECUTOR,
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

    def source_job_ids(self) -> list[str]:
        return sorted(
            j.id for j in self._scheduler.get_jobs() if j.id.startswith(SOURCE_JOB_PREFIX)
        )
