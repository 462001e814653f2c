"""Extraction in worker processes: every core for the CPU-bound stage, the daemon safe from it.

Extraction (parse, trafilatura, Readability, metadata) is pure CPU and holds the GIL; in
the daemon's process it runs on one core whatever the machine has. :class:`ProcessExtractor`
runs it in a pool of processes, one per core this process may use, while fetching, the
matcher and the SQLite writer stay in the main process.

A page that crashes its worker (a segfault in a parser, the kernel's OOM killer) or keeps
it busy past ``deadline`` costs that one article an :class:`ExtractError` (the pipeline
then falls back to the feed's title and summary) and a new worker process; the daemon
and the other extractions go on (pebble's pool kills and replaces the one worker).

Workers run at a lower CPU priority than the main process (``WORKER_NICENESS``): the
main process is the serial part, extraction fills the cores' remaining time.

Memory: a worker holds the extraction imports (lxml, trafilatura, ~50 MB resident on
CPython 3.11; with the product's function, ``newswatch.prepare``, also dedup's numpy and
MinHash, imported once by the fork server and shared). Language identification, whose
model is ~75 MB, stays in the main process: one copy, not one per worker. Workers are
replaced after ``max_tasks`` pages so that lxml's and the allocator's growth cannot
accumulate for months.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from typing import Protocol

import pebble

from newswatch.errors import ExtractError
from newswatch.extract.language import checked_language
from newswatch.model import Article

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 60.0  # a 5 MB page takes a few seconds; a minute is a hung worker
MAX_TASKS = 1000
# Added to a worker's niceness: it yields its core to the main process (see below).
WORKER_NICENESS = 10


class Extractor(Protocol):
    """What the pipeline needs from extraction: a page's text in, an article out."""

    def __call__(self, page: str, url: str, source: str) -> Article: ...


def extract_inline(page: str, url: str, source: str) -> Article:
    """Extraction in the calling thread (``newswatch extract``, tests)."""
    from newswatch.extract.article import extract_article

    return extract_article(page, url, source=source)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _extract_in_worker(page: str, url: str, source: str) -> Article:
    from newswatch.extract.article import extract_article  # the fork server has it loaded

    return extract_article(page, url, source=source, identify_language=False)


def _yield_to_the_daemon() -> None:
    """Runs first in every worker. The main process (one GIL: fetching, matching, the
    store) is the serial part of every article; at equal priority the scheduler shares a
    core between it and the workers, so on 2 cores it got about two thirds of one and
    every poll waited on it (docs/fetching.md, "Cores"). Extraction fills what is left."""
    os.nice(WORKER_NICENESS)


def _ready() -> bool:
    return True


def _worker_context(function: Extractor) -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process that has imported the extraction stack
    once (multiprocessing's forkserver), not from the daemon: forking a process with many
    threads can copy a lock some other thread holds, locked forever. A new or replaced
    worker starts in milliseconds instead of importing everything again."""
    context = multiprocessing.get_context("forkserver")
    # One server per process, started on first use; this names what it imports first:
    # newswatch's module of the workers' function too, or each worker would import it on
    # its first page (a test's function is left to that).
    preload = [__name__, "newswatch.extract._preload"]
    if function.__module__.startswith("newswatch.") and function.__module__ not in preload:
        preload.append(function.__module__)
    context.set_forkserver_preload(preload)
    return context


class ProcessExtractor:
    def __init__(
        self,
        workers: int | None = None,
        *,
        deadline: float = DEADLINE_SECONDS,
        max_tasks: int = MAX_TASKS,
        function: Extractor | None = None,
    ) -> None:
        self.workers = workers or usable_cores()
        self.deadline = deadline
        # What runs in the worker: a module-level function (it is pickled by name), e.g.
        # newswatch.prepare's, which also computes the article's dedup digest there.
        self.function = function or _extract_in_worker
        self._pool = pebble.ProcessPool(
            max_workers=self.workers,
            max_tasks=max_tasks,
            initializer=_yield_to_the_daemon,
            context=_worker_context(self.function),
        )

    def __call__(self, page: str, url: str, source: str) -> Article:
        future = self._pool.schedule(self.function, args=(page, url, source), timeout=self.deadline)
        try:
            article: Article = future.result()
        except FutureTimeout:
            raise ExtractError(
                f"extraction took longer than {self.deadline:g}s; its process was replaced"
            ) from None
        except pebble.ProcessExpired as exc:
            log.warning("extraction process for %s died (exit code %s)", url, exc.exitcode)
            raise ExtractError(f"extraction process died (exit code {exc.exitcode})") from None
        # The worker leaves the page's declared language unchecked (see extract_article).
        return replace(article, language=checked_language(article.language, article.text))

    def start(self) -> None:
        """Start the workers now, in the background (the daemon, at start-up): its first
        article then finds them ready instead of waiting for the fork server to import
        the extraction stack. ``once`` leaves them to the first article, so a cycle with
        nothing new never pays for them. Starting them takes seconds (the fork server's
        imports), so it happens on a thread of its own: the daemon's scheduler and health
        endpoint do not wait for it."""
        threading.Thread(
            target=self._pool.schedule, args=(_ready,), name="extract-start", daemon=True
        ).start()

    def close(self) -> None:
        """Stop the workers. Called when every poll is over (``once``) or stopping: an
        extraction still running belongs to a poll that is abandoned anyway, and waiting
        for it would hold the daemon's exit."""
        self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join(timeout=5)
