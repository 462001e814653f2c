"""The tables the workers share, besides procrastinate's own.

- ``newswatch_schedule``: each source's next due time. The tick (one at a time, across all
  workers) takes the due rows, defers their polls and moves them one interval on.
- ``newswatch_origins``: each origin's next allowed request start and Retry-After: the
  politeness of one process (``fetch.politeness``) extended to every worker. Times come
  from the database's clock, so machines whose clocks disagree still space their requests.
- ``newswatch_workers``: who runs, where, since when, and how much each has done;
  ``newswatch status`` joins it with procrastinate's heartbeats and running jobs.

These are queue state, not an installation's state: ``state copy`` does not move them, and
the schema is created (idempotently, under an advisory lock) by every worker's start-up.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool

SCHEMA_LOCK = 0x6E77717565756500  # "nwqueue\0": pg_advisory_xact_lock key for start-up DDL

SCHEMA = """
CREATE TABLE IF NOT EXISTS newswatch_schedule (
    source text PRIMARY KEY,
    next_due timestamptz NOT NULL,
    last_deferred timestamptz
);
CREATE INDEX IF NOT EXISTS newswatch_schedule_due ON newswatch_schedule (next_due);
CREATE TABLE IF NOT EXISTS newswatch_origins (
    origin text PRIMARY KEY,
    next_start timestamptz NOT NULL DEFAULT now(),
    blocked_until timestamptz NOT NULL DEFAULT 'epoch'
);
CREATE TABLE IF NOT EXISTS newswatch_workers (
    name text PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    queue_worker bigint,
    started_at timestamptz NOT NULL DEFAULT now(),
    last_beat timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz,
    polls bigint NOT NULL DEFAULT 0,
    deliveries bigint NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class WorkerRow:
    name: str
    host: str
    pid: int
    started_at: datetime
    last_heartbeat: datetime | None  # procrastinate's; None once it has unregistered
    stopped_at: datetime | None
    in_flight: int  # jobs this worker runs now
    polls: int
    deliveries: int


def worker_name() -> str:
    """host:pid, unique among live workers (a pid is unique on its host while it runs)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Coordination:
    """The shared tables over a small pool of this process's own connections."""

    def __init__(self, dsn: str, *, size: int = 4) -> None:
        self.pool = ConnectionPool(
            dsn, min_size=1, max_size=size, open=True, kwargs={"autocommit": True},
            name="newswatch-workers",
        )  # fmt: skip

    def close(self) -> None:
        self.pool.close()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.pool.connection() as conn:
            conn.execute(sql, params)

    def create_schema(self, procrastinate_schema: str) -> None:
        """procrastinate's schema when missing, then ours: once, whoever starts first."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            present = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if present is None or present[0] is None:
                conn.execute(procrastinate_schema)
            conn.execute(SCHEMA)

    # -- schedule ----------------------------------------------------------------------
    def sync_sources(self, first_due: dict[str, float]) -> None:
        """Make the schedule hold exactly these sources. A new source is first due after
        its offset (seconds from now: spreads a large installation's first polls); a
        known one keeps its due time."""
        names = list(first_due)
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM newswatch_schedule WHERE NOT (source = ANY(%s))", (names,))
            with conn.cursor() as cur:
                cur.executemany(
                    """INSERT INTO newswatch_schedule (source, next_due)
                       VALUES (%s, now() + make_interval(secs => %s))
                       ON CONFLICT (source) DO NOTHING""",
                    list(first_due.items()),
                )

    def due_sources(self, limit: int) -> list[tuple[str, datetime, datetime]]:
        """(source, its due time, now) for the sources due now by the database's clock,
        the most overdue first."""
        rows = self._all(
            """SELECT source, next_due, now() FROM newswatch_schedule WHERE next_due <= now()
               ORDER BY next_due LIMIT %s""",
            (limit,),
        )
        return [(str(r[0]), r[1], r[2]) for r in rows]

    def reschedule(self, next_due: Iterable[tuple[str, datetime]]) -> None:
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                """UPDATE newswatch_schedule SET next_due = %s, last_deferred = now()
                   WHERE source = %s""",
                [(due, source) for source, due in next_due],
            )

    def waiting(self, queueing_locks: set[str]) -> set[str]:
        """Which of these queueing locks a job waiting in the queue holds."""
        rows = self._all(
            """SELECT queueing_lock FROM procrastinate_jobs
               WHERE status = 'todo' AND queueing_lock = ANY(%s)""",
            (list(queueing_locks),),
        )
        return {str(r[0]) for r in rows}

    def schedule(self) -> dict[str, datetime]:
        return {
            str(r[0]): r[1] for r in self._all("SELECT source, next_due FROM newswatch_schedule")
        }

    # -- origins -----------------------------------------------------------------------
    def reserve_start(self, origin: str, delay: float) -> tuple[float, float]:
        """(seconds until this request may start, seconds of Retry-After still pending).
        With Retry-After pending nothing is reserved; else the origin's next start moves
        ``delay`` past this request's start, so every worker keeps the gap."""
        rows = self._all(
            """INSERT INTO newswatch_origins AS o (origin, next_start)
               VALUES (%(o)s, now() + make_interval(secs => %(d)s))
               ON CONFLICT (origin) DO UPDATE SET next_start = CASE
                   WHEN o.blocked_until > now() THEN o.next_start
                   ELSE greatest(o.next_start, now()) + make_interval(secs => %(d)s) END
               RETURNING extract(epoch FROM next_start - now()) - %(d)s,
                         CASE WHEN blocked_until > now()
                              THEN extract(epoch FROM blocked_until - now()) ELSE 0 END""",
            {"o": origin, "d": delay},  # type: ignore[arg-type]
        )
        wait, blocked = rows[0]
        return max(float(wait), 0.0), float(blocked)

    def block(self, origin: str, seconds: float) -> None:
        self._run(
            """INSERT INTO newswatch_origins AS o (origin, blocked_until)
               VALUES (%(o)s, now() + make_interval(secs => %(s)s))
               ON CONFLICT (origin) DO UPDATE SET blocked_until =
                   greatest(o.blocked_until, now() + make_interval(secs => %(s)s))""",
            {"o": origin, "s": seconds},  # type: ignore[arg-type]
        )

    # -- workers -----------------------------------------------------------------------
    def register(self, name: str, queue_worker: int | None) -> None:
        host, _, pid = name.rpartition(":")
        self._run(
            """INSERT INTO newswatch_workers (name, host, pid, queue_worker)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (name) DO UPDATE SET queue_worker = excluded.queue_worker,
                   started_at = now(), last_beat = now(), stopped_at = NULL,
                   polls = 0, deliveries = 0""",
            (name, host, int(pid), queue_worker),
        )

    def beat(self, name: str, polls: int, deliveries: int) -> None:
        self._run(
            """UPDATE newswatch_workers SET last_beat = now(), polls = %s, deliveries = %s
               WHERE name = %s""",
            (polls, deliveries, name),
        )

    def unregister(self, name: str) -> None:
        """A clean stop: the row stays (status shows when it stopped) for a day."""
        self._run("UPDATE newswatch_workers SET stopped_at = now() WHERE name = %s", (name,))
        self._run("DELETE FROM newswatch_workers WHERE stopped_at < now() - interval '1 day'")

    def workers(self) -> list[WorkerRow]:
        rows = self._all(
            """SELECT w.name, w.host, w.pid, w.started_at, pw.last_heartbeat, w.stopped_at,
                      (SELECT count(*) FROM procrastinate_jobs j
                        WHERE j.status = 'doing' AND j.worker_id = w.queue_worker),
                      w.polls, w.deliveries
               FROM newswatch_workers w
               LEFT JOIN procrastinate_workers pw ON pw.id = w.queue_worker
               ORDER BY w.host, w.pid"""
        )
        return [WorkerRow(*row) for row in rows]

    def queue_depth(self) -> dict[tuple[str, str], int]:
        """Jobs waiting (todo) or running (doing), by task name."""
        rows = self._all(
            """SELECT task_name, status::text, count(*) FROM procrastinate_jobs
               WHERE status IN ('todo', 'doing') GROUP BY task_name, status"""
        )
        return {(str(t), str(s)): int(n) for t, s, n in rows}
