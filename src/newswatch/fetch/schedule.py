"""Per-origin queues feeding one shared pool of threads: no head-of-line blocking.

A job is work tied to the origin of its first request (one poll of one source: its feed,
then its articles, which usually live on the same site). The pool

- runs at most ``per_origin`` jobs of one origin at a time: the politeness slot would make
  any more wait anyway, so a site listed with ten sections never takes ten workers;
- gives a free worker the job of the origin due soonest (its politeness delay over), in
  submission order among equals, never one whose origin is busy;
- *parks* a worker that must sleep inside a job for its origin's delay (the poll's second
  request to that site): a parked worker does not count against ``workers``, so another
  thread takes other origins' due work meanwhile. A worker therefore never sleeps on one
  origin's delay while another origin has due work (up to ``max_threads`` threads).

Threads start when work arrives and end after ``idle`` seconds without it: the number in
use follows the work (origins with due work, at most ``workers`` running plus the parked
ones), not a fixed size. Retry-After is not waited for here: such an origin's job runs at
once and fails fast in the politeness slot, as before.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from newswatch.clock import Clock
from newswatch.fetch.politeness import Origin, origin_of

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_THREADS = 512  # running + parked; a parked thread costs a stack and little else
IDLE_SECONDS = 30.0


@dataclass(eq=False)
class _Job:
    origin: Origin
    key: Hashable | None
    run: Callable[[], Any]
    future: Future[Any]


class OriginPool:
    def __init__(
        self,
        clock: Clock,
        *,
        workers: int,
        due: Callable[[Origin], float] | None = None,
        per_origin: int = 1,
        max_threads: int = MAX_THREADS,
        idle: float = IDLE_SECONDS,
    ) -> None:
        if workers < 1 or per_origin < 1:
            raise ValueError("workers and per_origin must be at least 1")
        self.clock = clock
        self.workers = workers
        # When an origin's next request may start (monotonic); 0 when it has no delay pending.
        self.due = due or (lambda origin: 0.0)
        self.per_origin = per_origin
        self.max_threads = max(max_threads, workers)
        self.idle = idle
        self._cond = threading.Condition()
        self._queues: dict[Origin, deque[_Job]] = {}
        self._running: dict[Origin, int] = {}
        self._ready: list[tuple[float, int, Origin]] = []  # heap of origins with due-able work
        self._in_ready: set[Origin] = set()
        self._keys: dict[Hashable, Future[Any]] = {}
        self._order = itertools.count()
        self._threads = self._parked = self._waiting = 0
        self._closed = False
        self._local = threading.local()  # marks this pool's own threads

    # -- the outside ----------------------------------------------------------------
    def submit(self, url: str, run: Callable[[], T], *, key: Hashable | None = None) -> Future[T]:
        """Queue ``run`` behind the other jobs of ``url``'s origin. A job whose ``key`` is
        already queued or running is not queued twice: its future is returned."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the pool is shut down")
            if key is not None and key in self._keys:
                return self._keys[key]
            job = _Job(origin_of(url), key, run, Future())
            if key is not None:
                self._keys[key] = job.future
            self._queues.setdefault(job.origin, deque()).append(job)
            self._make_ready(job.origin)
            self._wake()
            return job.future

    @contextmanager
    def parked(self) -> Iterator[None]:
        """Wrap a sleep on one origin's politeness delay: while in it, this worker does not
        count as running, and another thread may take other origins' work."""
        if not getattr(self._local, "worker", False):
            yield
            return
        with self._cond:
            self._parked += 1
            self._wake()
        try:
            yield
        finally:
            with self._cond:
                self._parked -= 1

    def resize(self, workers: int) -> None:
        with self._cond:
            self.workers = max(1, workers)
            self.max_threads = max(self.max_threads, self.workers)
            self._wake()

    def shutdown(self, *, wait: bool = True, cancel: bool = True) -> None:
        """Stop taking work; queued jobs are cancelled (or, ``cancel=False``, still run)."""
        with self._cond:
            self._closed = True
            if cancel:
                for queue in self._queues.values():
                    for job in queue:
                        job.future.cancel()
                        self._forget(job)
                    queue.clear()
                self._ready.clear()
                self._in_ready.clear()
            self._cond.notify_all()
            while wait and self._threads:
                self._cond.wait(0.1)

    def stats(self) -> dict[str, int]:
        with self._cond:
            queued = sum(len(q) for q in self._queues.values())
            return {"threads": self._threads, "parked": self._parked, "queued": queued}

    # -- scheduling (hold self._cond) ----------------------------------------------------
    def _make_ready(self, origin: Origin) -> None:
        if origin in self._in_ready or not self._queues.get(origin):
            return
        if self._running.get(origin, 0) >= self.per_origin:
            return
        heapq.heappush(self._ready, (self.due(origin), next(self._order), origin))
        self._in_ready.add(origin)

    def _wake(self) -> None:
        """Let an idle worker look at the queues, or start one if none is idle."""
        if not self._ready:
            return
        if self._waiting:
            self._cond.notify()
            return
        running = self._threads - self._parked
        if running < self.workers and self._threads < self.max_threads:
            self._threads += 1
            self._waiting += 1  # counted as looking for work from the start
            threading.Thread(target=self._work, name="poll", daemon=True).start()

    def _take(self) -> _Job | None:
        """The next job whose origin is due; None when this worker should end."""
        idle_until = self.clock.monotonic() + self.idle
        while True:
            now = self.clock.monotonic()
            if self._threads - self._parked > self.workers:
                return None  # a parked worker woke up: one too many run now
            if self._ready:
                due, order, origin = self._ready[0]
                current = self.due(origin)
                if current > due:  # a request since it was queued moved its delay on
                    heapq.heapreplace(self._ready, (current, order, origin))
                    continue
                if due <= now:
                    return self._pop(origin)
                self._cond.wait(due - now)
                continue
            if self._closed or now >= idle_until:
                return None
            self._cond.wait(idle_until - now)

    def _pop(self, origin: Origin) -> _Job:
        heapq.heappop(self._ready)
        self._in_ready.discard(origin)
        job = self._queues[origin].popleft()
        self._running[origin] = self._running.get(origin, 0) + 1
        self._make_ready(origin)
        return job

    def _finish(self, job: _Job) -> None:
        origin = job.origin
        self._running[origin] -= 1
        self._forget(job)
        if self._queues.get(origin):
            self._make_ready(origin)
            self._wake()
        elif not self._running[origin]:
            # A daemon meets ever new origins: keep nothing for an idle one.
            del self._running[origin]
            self._queues.pop(origin, None)

    def _forget(self, job: _Job) -> None:
        if job.key is not None and self._keys.get(job.key) is job.future:
            del self._keys[job.key]

    # -- the workers -------------------------------------------------------------------
    def _work(self) -> None:
        self._local.worker = True
        with self._cond:
            while True:
                job = self._take()
                self._waiting -= 1
                if job is None:
                    self._threads -= 1
                    self._cond.notify_all()
                    return
                self._wake()  # more due work: another idle or new worker takes it
                self._cond.release()
                try:
                    _run(job)
                finally:
                    self._cond.acquire()
                    self._waiting += 1
                    self._finish(job)


def _run(job: _Job) -> None:
    if not job.future.set_running_or_notify_cancel():
        return
    try:
        result = job.run()
    except BaseException as exc:  # handed to whoever waits on the future
        job.future.set_exception(exc)
    else:
        job.future.set_result(result)
