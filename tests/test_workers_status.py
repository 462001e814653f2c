"""``newswatch status`` on PostgreSQL state: workers (alive, lost, stopped) and the queue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg

from newswatch.commands.status_text import render
from newswatch.commands.status_workers import render_workers, workers_report
from newswatch.ruleset import parse_rules
from newswatch.workers.coord import Coordination
from newswatch.workers.queue import Timing, build_queue

from .workers_helpers import Recorded, specs


def config_for(dsn: str) -> object:
    return parse_rules(f'state: "{dsn}"\nsources: []\n', {}).config


def test_status_lists_each_worker_with_its_heartbeat_and_jobs_in_flight(pg_dsn: str) -> None:
    coord = Coordination(pg_dsn)
    app = build_queue(pg_dsn, Recorded(specs(2)), coord, Timing())
    coord.create_schema(app.schema_manager.get_schema())

    async def two_workers() -> tuple[int, int]:
        async with app.open_async():
            poll = app.tasks["newswatch.poll"]
            for n in range(3):
                await poll.configure(queueing_lock=f"poll:s{n}").defer_async(source=f"s{n}")
            busy = await app.job_manager.register_worker()
            await app.job_manager.fetch_job(queues=None, worker_id=busy)
            silent = await app.job_manager.register_worker()
            return busy, silent

    busy, silent = asyncio.run(two_workers())
    coord.register("alpha:101", busy)
    coord.beat("alpha:101", polls=7, deliveries=2)
    coord.register("beta:202", silent)
    coord.register("gamma:303", None)
    coord.unregister("gamma:303")
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - %s WHERE id = %s",
            (timedelta(minutes=5), silent),
        )
    coord.close()

    now = datetime.now(UTC)
    report = workers_report(config_for(pg_dsn), now)  # type: ignore[arg-type]
    by_name = {w["name"]: w for w in report["workers"]}
    assert {n: w["state"] for n, w in by_name.items()} == {
        "alpha:101": "alive", "beta:202": "lost", "gamma:303": "stopped"
    }  # fmt: skip
    assert by_name["alpha:101"]["jobs_in_flight"] == 1
    assert (by_name["alpha:101"]["polls"], by_name["alpha:101"]["deliveries"]) == (7, 2)
    assert report["queue"] == {"poll": {"doing": 1, "todo": 2}}
    text = render_workers(report, now)
    assert "alpha:101  alive" in text and "poll: 2 waiting, 1 running" in text


def test_status_on_sqlite_state_has_no_workers_section(tmp_path: object) -> None:
    config = parse_rules(f"state: {tmp_path}/state.db\nsources: []\n", {}).config
    assert workers_report(config, datetime.now(UTC)) == {}
    assert "WORKERS" not in render(
        {"state": "x", "database": None, "sources": [], "recent_alerts": [],
         "deliveries": {"counts": {}, "by_channel": {}, "pending": [], "failed": []}},
        datetime.now(UTC),
    )  # fmt: skip


def test_status_before_any_worker_started_says_so(pg_dsn: str) -> None:
    report = workers_report(config_for(pg_dsn), datetime.now(UTC))  # type: ignore[arg-type]
    assert report == {"workers": [], "queue": {}}
    assert "(none has started yet)" in render_workers(report, datetime.now(UTC))
