"""The procrastinate App over the state database, and newswatch's tasks on it.

- ``newswatch.tick`` (periodic, every ``tick`` seconds; procrastinate defers each periodic
  run once across every worker, and the task's lock runs one tick at a time): defers a
  ``poll`` for each due source and moves the source one interval on. A source has at most
  one poll waiting (its queueing lock), so a slow or backed-up queue never piles polls up.
- ``newswatch.poll``: one poll of one source: it fetches the listing, looks up which
  entries are new (a key lookup each), records those on its own site itself (it holds that
  site's lock) and queues an ``article`` job for each of the others. Its
  lock is the source's origin, so one poll per origin runs at a time across every worker
  (the per-origin politeness of one process, extended); the delay between requests and
  Retry-After are shared through ``newswatch_origins`` (see :mod:`.coord`).
- ``newswatch.article``: one new entry: fetch and extract its page, dedup, match, record
  (the pipeline's stages 2-6). Its lock is the origin of the article's URL, the key the
  polls use: one request in flight per site across workers, for links to other sites
  too. Its queueing lock is the article's identity: it waits in the queue once, however
  many polls (or sources) list it meanwhile. An aggregator's new articles spread over
  every free worker instead of running one after another in its poll.
- ``newswatch.deliver`` (periodic): the outbox, through its leases (SKIP LOCKED on PostgreSQL).
- ``newswatch.recover`` (periodic): the jobs of a worker whose heartbeat stopped (a crash,
  ``kill -9``, a lost machine) go back to the queue, so another worker runs them.
- ``newswatch.prune`` (periodic): retention, as the single-process daemon does it.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import procrastinate
from apscheduler.triggers.cron import CronTrigger
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager

from newswatch.dedup import identity_keys
from newswatch.errors import Interrupted, StoreError
from newswatch.fetch.politeness import origin_key, origin_of
from newswatch.model import Entry
from newswatch.workers.coord import Coordination

log = logging.getLogger("newswatch.workers")

QUEUE = "newswatch"
TICK_BATCH = 5000  # due sources deferred per tick at most; the next tick takes the rest
DEFER_BATCH = 500  # jobs queued in one round trip
# A new installation's first polls, per second at most (a worker polls 20-70 a second).
FIRST_POLLS_PER_SECOND = 10.0
# Higher runs first: an alert never waits behind thousands of queued polls, and a poll's
# articles (work begun: the listing is fetched, the entries are known new) go before
# further polls, so an article's alert does not wait for the whole poll backlog, and a
# site's next poll (same lock) finds its previous entries recorded, not queued again.
PRIORITY = {"deliver": 20, "tick": 30, "recover": 30, "prune": 10, "article": 5, "poll": 0}
# A database error, or a worker's shutdown cutting the page's fetch off: the article goes
# back to the queue (a short wait, so its origin's other jobs are not held back long).
ARTICLE_RETRY = procrastinate.RetryStrategy(
    max_attempts=5, wait=2, retry_exceptions={StoreError, Interrupted}
)


@dataclass(frozen=True)
class Timing:
    tick: int = 5  # seconds between ticks (and deliveries)
    heartbeat: float = 10.0  # seconds between a worker's heartbeats
    stalled_after: float = 30.0  # a worker silent this long is dead; its jobs are retried
    # Seconds between an idle worker's looks for jobs. A job held back by its origin's
    # lock becomes runnable when the one before it ends, which procrastinate announces to
    # no one (only new jobs are notified): a site's queued articles follow each other this
    # fast, not at procrastinate's default 5 s.
    fetch_every: float = 0.5


@dataclass(frozen=True)
class SourceSpec:
    origin: str  # the politeness key: scheme://host:port of the source's URL
    every: float | None  # seconds, or None for a cron schedule
    cron: str | None = None


class Work(Protocol):
    """What the tasks do; the worker process implements it over a newswatch App."""

    def sources(self) -> dict[str, SourceSpec]: ...

    def poll(self, source: str) -> None: ...

    def article(self, source: str, entry: Entry, quiet: bool) -> None: ...

    def deliver(self) -> None: ...

    def prune(self) -> None: ...


def next_due(spec: SourceSpec, due: datetime, now: datetime) -> datetime:
    """One interval after ``due``; after an outage (already past), the first slot after
    ``now`` in the source's phase."""
    if spec.cron:
        trigger = CronTrigger.from_crontab(spec.cron, timezone="UTC")
        fire: datetime = trigger.get_next_fire_time(None, now + timedelta(seconds=1))
        return fire
    every = timedelta(seconds=spec.every or 300)
    later = due + every
    if later <= now:
        # After an outage: the next slot in the source's own phase. Restarting the clock
        # at `now` would give every overdue source the same phase, and 20,000 of them
        # would fall due together every interval from then on.
        later = due + ((now - due) // every + 1) * every
    return later


def first_offsets(sources: dict[str, SourceSpec], rng: random.Random) -> dict[str, float]:
    """When each source is first due, in seconds from now. A small installation's first
    polls come within a minute; a large one's at most FIRST_POLLS_PER_SECOND, spread up
    to each source's interval. The phases set here last (``next_due`` keeps them), so
    squeezing 20,000 sources of a 5-minute interval into one minute would queue a
    burst of 20,000 polls every 5 minutes for good."""
    window = max(60.0, len(sources) / FIRST_POLLS_PER_SECOND)
    return {name: rng.uniform(0, min(spec.every or 60.0, window)) for name, spec in sources.items()}


def build_queue(dsn: str, work: Work, coord: Coordination, timing: Timing) -> procrastinate.App:
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=dsn),
        periodic_defaults={"max_delay": 60},
    )
    every = f"* * * * * */{timing.tick}"

    @app.task(name="newswatch.poll", queue=QUEUE, priority=PRIORITY["poll"])
    def poll(source: str) -> None:
        work.poll(source)

    @app.task(name="newswatch.article", queue=QUEUE, priority=PRIORITY["article"],
              retry=ARTICLE_RETRY)  # fmt: skip
    def article(source: str, entry: dict[str, Any], quiet: bool) -> None:
        work.article(source, entry_from(source, entry), quiet)

    @app.periodic(cron=every, periodic_id="tick")
    @app.task(name="newswatch.tick", queue=QUEUE, lock="newswatch.tick",
              queueing_lock="newswatch.tick", priority=PRIORITY["tick"])  # fmt: skip
    def tick(timestamp: int) -> None:
        defer_due(coord, work.sources(), app.job_manager)

    @app.periodic(cron=every, periodic_id="deliver")
    @app.task(name="newswatch.deliver", queue=QUEUE, lock="newswatch.deliver",
              queueing_lock="newswatch.deliver", priority=PRIORITY["deliver"])  # fmt: skip
    def deliver(timestamp: int) -> None:
        work.deliver()

    @app.periodic(cron=f"* * * * * */{max(timing.tick, 5)}", periodic_id="recover")
    @app.task(name="newswatch.recover", queue=QUEUE, pass_context=True,
              queueing_lock="newswatch.recover", priority=PRIORITY["recover"])  # fmt: skip
    async def recover(context: procrastinate.JobContext, timestamp: int) -> None:
        await retry_stalled(context.app, timing.stalled_after)

    @app.periodic(cron="17 */6 * * *", periodic_id="prune")
    @app.task(name="newswatch.prune", queue=QUEUE, lock="newswatch.prune",
              queueing_lock="newswatch.prune", priority=PRIORITY["prune"])  # fmt: skip
    def prune(timestamp: int) -> None:
        work.prune()

    return app


def defer_due(coord: Coordination, sources: dict[str, SourceSpec], manager: JobManager) -> int:
    """Queue a poll of every due source (one waiting poll per source at most) and move
    each one interval on. Returns how many polls were queued. Polls go in batches: one
    round trip per ``DEFER_BATCH``, not one per source (20,000 sources at 5 minutes are
    67 a second)."""
    due = [(name, d, now) for name, d, now in coord.due_sources(TICK_BATCH) if name in sources]
    waiting = coord.waiting({f"poll:{name}" for name, _, _ in due})
    jobs = [_poll_job(name, sources[name]) for name, _, _ in due if f"poll:{name}" not in waiting]
    queued = 0
    for start in range(0, len(jobs), DEFER_BATCH):
        queued += _defer(manager, jobs[start : start + DEFER_BATCH])
    coord.reschedule([(name, next_due(sources[name], d, now)) for name, d, now in due])
    if queued:
        log.debug("tick: %d poll(s) queued", queued)
    return queued


def _poll_job(name: str, spec: SourceSpec) -> Job:
    return Job(
        id=None, queue=QUEUE, lock=f"origin:{spec.origin}", queueing_lock=f"poll:{name}",
        task_name="newswatch.poll", priority=PRIORITY["poll"], task_kwargs={"source": name},
    )  # fmt: skip


@dataclass(frozen=True)
class ArticleJobs:
    """Where a worker's polls hand over their new entries (``runtime.ArticleQueue``)."""

    manager: JobManager

    def defer(self, source: str, entries: Sequence[Entry], quiet: bool) -> int:
        jobs = [article_job(source, entry, quiet) for entry in entries]
        return sum(
            _defer(self.manager, jobs[start : start + DEFER_BATCH])
            for start in range(0, len(jobs), DEFER_BATCH)
        )


def article_job(source: str, entry: Entry, quiet: bool) -> Job:
    # Hashed: a URL may be longer than an index entry (the queueing lock's unique index).
    identity = hashlib.sha1(identity_keys(entry.url, entry.guid)[0].encode()).hexdigest()
    return Job(
        id=None, queue=QUEUE, lock=f"origin:{origin_key(origin_of(entry.url))}",
        queueing_lock=f"article:{identity}", task_name="newswatch.article",
        priority=PRIORITY["article"],
        task_kwargs={"source": source, "entry": entry_args(entry), "quiet": quiet},
    )  # fmt: skip


def entry_args(entry: Entry) -> dict[str, Any]:
    """The entry as the job's JSON arguments (its source travels beside it). Without NUL
    characters, which PostgreSQL's jsonb refuses: one hostile item must not fail the
    batch that queues its poll's other entries."""
    published = entry.published.isoformat() if entry.published else None
    args = {"url": entry.url, "title": entry.title, "summary": entry.summary, "guid": entry.guid}
    clean: dict[str, Any] = {k: v.replace("\x00", "") if v else v for k, v in args.items()}
    return {**clean, "published": published}


def entry_from(source: str, args: dict[str, Any]) -> Entry:
    published = args.get("published")
    return Entry(
        url=str(args["url"]), source=source, title=str(args.get("title") or ""),
        summary=str(args.get("summary") or ""), guid=args.get("guid"),
        published=datetime.fromisoformat(published) if published else None,
    )  # fmt: skip


def _defer(manager: JobManager, jobs: list[Job]) -> int:
    """A batch; when one of its jobs' queueing locks is taken meanwhile (a source's poll,
    an article, already waiting), one by one."""
    try:
        manager.batch_defer_jobs(jobs)
        return len(jobs)
    except procrastinate.exceptions.AlreadyEnqueued:
        queued = 0
        for job in jobs:
            try:
                manager.defer_job(job)
                queued += 1
            except procrastinate.exceptions.AlreadyEnqueued:
                log.debug("%s %s: already waiting in the queue", job.task_name, job.queueing_lock)
        return queued


async def retry_stalled(app: procrastinate.App, stalled_after: float) -> int:
    """Put back in the queue the running jobs of workers whose heartbeat stopped."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except procrastinate.exceptions.UniqueViolation:
            # A newer run of it already waits (a poll the tick queued since, under the
            # same queueing lock): that one does the work. Closing this one frees its
            # origin lock, which would otherwise hold that newer poll back for good.
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=True)
            log.warning("job %s of a worker that stopped answering: superseded by a "
                        "newer one already queued", job.call_string)  # fmt: skip
            continue
        log.warning("job %s of a worker that stopped answering goes back to the queue",
                    job.call_string)  # fmt: skip
    await app.job_manager.prune_stalled_workers(stalled_after)
    return len(stalled)
