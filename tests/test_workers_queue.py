"""The workers' coordination on a real PostgreSQL: the schedule's tick, the queueing
locks, shared politeness and the recovery of a dead worker's jobs."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import procrastinate
import psycopg
import pytest

from newswatch.clock import SystemClock
from newswatch.errors import FetchError
from newswatch.fetch.politeness import Politeness
from newswatch.model import Entry
from newswatch.workers.coord import Coordination
from newswatch.workers.queue import (
    PRIORITY,
    ArticleJobs,
    Timing,
    build_queue,
    defer_due,
    entry_from,
    retry_stalled,
)

from .workers_helpers import Recorded, specs


@pytest.fixture
def coord(pg_dsn: str) -> Iterator[Coordination]:
    c = Coordination(pg_dsn)
    c.create_schema(build_queue(pg_dsn, Recorded({}), c, Timing()).schema_manager.get_schema())
    yield c
    c.close()


def poll_jobs(dsn: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """SELECT args->>'source', lock, queueing_lock FROM procrastinate_jobs
               WHERE task_name = 'newswatch.poll' AND status = 'todo' ORDER BY id"""
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def test_start_up_schema_is_created_once_whoever_starts_first(pg_dsn: str) -> None:
    schema = build_queue(pg_dsn, Recorded({}), None, Timing()).schema_manager.get_schema()  # type: ignore[arg-type]
    errors: list[BaseException] = []

    def start() -> None:
        c = Coordination(pg_dsn)
        try:
            c.create_schema(schema)
        except BaseException as exc:
            errors.append(exc)
        finally:
            c.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    start()  # and again, on an existing schema
    assert errors == []


def test_two_workers_ticking_at_once_queue_each_due_source_once(
    pg_dsn: str, coord: Coordination
) -> None:
    sources = specs(40)
    coord.sync_sources({name: 0.0 for name in sources})
    apps = [build_queue(pg_dsn, Recorded(sources), coord, Timing()) for _ in range(2)]
    for app in apps:
        app.open()
    try:
        barrier = threading.Barrier(2)
        counts: list[int] = []

        def tick(app: procrastinate.App) -> None:
            barrier.wait()
            counts.append(defer_due(coord, sources, app.job_manager))

        threads = [threading.Thread(target=tick, args=(app,)) for app in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        jobs = poll_jobs(pg_dsn)
        assert sorted(a for a, _, _ in jobs) == sorted(sources)  # each exactly once
        assert sum(counts) == 40
        assert ("s4", "origin:http://site1:80", "poll:s4") in jobs
        # Moved one interval on: a tick now finds nothing due.
        assert defer_due(coord, sources, apps[0].job_manager) == 0
    finally:
        for app in apps:
            app.close()


def test_a_source_whose_poll_still_waits_is_not_queued_twice(
    pg_dsn: str, coord: Coordination
) -> None:
    sources = specs(3, every=1.0)
    coord.sync_sources({name: 0.0 for name in sources})
    app = build_queue(pg_dsn, Recorded(sources), coord, Timing())
    with app.open():
        manager = app.job_manager
        assert defer_due(coord, sources, manager) == 3
        with psycopg.connect(pg_dsn) as conn:  # every source due again at once
            conn.execute("UPDATE newswatch_schedule SET next_due = now() - interval '1 s'")
        assert defer_due(coord, sources, manager) == 0
    assert len(poll_jobs(pg_dsn)) == 3
    due = coord.schedule()
    assert set(due) == set(sources)


def test_a_polls_articles_are_queued_once_each_under_their_sites_lock(
    pg_dsn: str, coord: Coordination
) -> None:
    published = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    entries = [
        Entry(url=f"https://site{i % 2}.example/news/{i}", source="hub", title=f"t{i}\x00",
              summary="s", published=published, guid=f"g{i}")
        for i in range(4)
    ]  # fmt: skip
    app = build_queue(pg_dsn, Recorded({}), coord, Timing())
    with app.open():
        articles = ArticleJobs(app.job_manager)
        assert articles.defer("hub", entries, quiet=False) == 4
        extra = Entry(url="https://site0.example/news/9", source="hub")
        # Those still waiting are not queued again (their queueing lock); the new one is.
        assert articles.defer("hub", [*entries, extra], quiet=True) == 1
    with psycopg.connect(pg_dsn) as conn:
        rows = conn.execute(
            """SELECT args, lock, priority FROM procrastinate_jobs
               WHERE task_name = 'newswatch.article' ORDER BY id"""
        ).fetchall()
    assert [lock for _, lock, _ in rows] == [
        "origin:https://site0.example:443", "origin:https://site1.example:443",
        "origin:https://site0.example:443", "origin:https://site1.example:443",
        "origin:https://site0.example:443",
    ]  # fmt: skip
    assert {priority for _, _, priority in rows} == {PRIORITY["article"]} != {PRIORITY["poll"]}
    args = rows[0][0]
    assert (args["source"], args["quiet"], rows[4][0]["quiet"]) == ("hub", False, True)
    # The entry travels whole (NUL characters dropped: jsonb refuses them).
    assert entry_from("hub", args["entry"]) == replace(entries[0], title="t0")


def test_the_schedule_follows_the_config(coord: Coordination) -> None:
    coord.sync_sources({"a": 0.0, "b": 30.0})
    first = coord.schedule()
    coord.sync_sources({"b": 0.0, "c": 0.0})
    second = coord.schedule()
    assert set(second) == {"b", "c"}
    assert second["b"] == first["b"]  # a known source keeps its due time


def test_politeness_spaces_requests_to_one_origin_across_workers(pg_dsn: str) -> None:
    a, b = Coordination(pg_dsn), Coordination(pg_dsn)
    try:
        a.create_schema("SELECT 1")
        waits = [c.reserve_start("http://news.example:80", 0.5)[0] for c in (a, b, a, b)]
        assert waits[0] == pytest.approx(0.0, abs=0.05)
        for earlier, later in itertools.pairwise(waits):
            assert later - earlier == pytest.approx(0.5, abs=0.1)
        assert b.reserve_start("http://other.example:80", 0.5)[0] == pytest.approx(0, abs=0.05)
    finally:
        a.close()
        b.close()


def test_retry_after_seen_by_one_worker_holds_every_worker(pg_dsn: str) -> None:
    a, b = Coordination(pg_dsn), Coordination(pg_dsn)
    clock = SystemClock()
    try:
        a.create_schema("SELECT 1")
        first, second = Politeness(clock, delay=0.0), Politeness(clock, delay=0.0)
        first.share(a)
        second.share(b)
        first.back_off("http://news.example/feed.xml", 120)
        with pytest.raises(FetchError) as caught, second.slot("http://news.example/a.html"):
            pass
        assert caught.value.retry_after == pytest.approx(120, abs=2)
        with second.slot("http://elsewhere.example/"):  # other origins are not held
            pass
    finally:
        a.close()
        b.close()


def test_jobs_of_a_worker_whose_heartbeat_stopped_go_back_to_the_queue(
    pg_dsn: str, coord: Coordination
) -> None:
    sources = specs(2)
    app = build_queue(pg_dsn, Recorded(sources), coord, Timing())

    async def scenario() -> tuple[int, int, str]:
        async with app.open_async():
            await app.tasks["newswatch.poll"].configure(lock="origin:x").defer_async(source="s0")
            dead = await app.job_manager.register_worker()
            job = await app.job_manager.fetch_job(queues=None, worker_id=dead)
            assert job is not None
            alive = await retry_stalled(app, stalled_after=30)  # its heartbeat is fresh
            with psycopg.connect(pg_dsn, autocommit=True) as conn:  # then it stops
                conn.execute(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - %s WHERE id = %s",
                    (timedelta(seconds=31), dead),
                )
            retried = await retry_stalled(app, stalled_after=30)
            status = await app.job_manager.get_job_status_async(job.id or 0)
            return alive, retried, status.value

    alive, retried, status = asyncio.run(scenario())
    assert (alive, retried, status) == (0, 1, "todo")


def test_a_dead_workers_poll_superseded_by_a_newer_one_frees_its_origin(
    pg_dsn: str, coord: Coordination
) -> None:
    """The tick queued the source again while the dead worker's poll still counted as
    running: the newer poll stays, the dead one is closed and its origin lock freed."""
    app = build_queue(pg_dsn, Recorded(specs(1)), coord, Timing())

    async def scenario() -> list[tuple[object, ...]]:
        async with app.open_async():
            poll = app.tasks["newswatch.poll"]
            await poll.configure(lock="origin:x", queueing_lock="poll:s0").defer_async(source="s0")
            dead = await app.job_manager.register_worker()
            assert await app.job_manager.fetch_job(queues=None, worker_id=dead) is not None
            await poll.configure(lock="origin:x", queueing_lock="poll:s0").defer_async(source="s0")
            with psycopg.connect(pg_dsn, autocommit=True) as conn:
                conn.execute(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - %s WHERE id = %s",
                    (timedelta(seconds=31), dead),
                )
            assert await retry_stalled(app, stalled_after=30) == 1
            live = await app.job_manager.register_worker()
            newer = await app.job_manager.fetch_job(queues=None, worker_id=live)
            assert newer is not None  # the origin lock no longer holds it back
            with psycopg.connect(pg_dsn) as conn:
                return conn.execute(
                    "SELECT status::text FROM procrastinate_jobs ORDER BY id"
                ).fetchall()

    assert asyncio.run(scenario()) == [("doing",)]  # the dead one closed and removed
