"""A worker's poll hands over its new entries (``runtime.articles`` set, PostgreSQL workers).

A poll holds its own site's lock, which would hold back article jobs for that site anyway
(and a job costs a worker ~5 ms of CPU), so it records its own site's new entries itself,
through the pipeline's :meth:`~newswatch.pipeline.Pipeline.run_entry`. Entries on other
sites become article jobs (``workers.queue``), run wherever a worker is free under their
site's lock. Its own module so that pipeline.py holds the stages of one poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newswatch.config import SourceConfig
from newswatch.dedup import identity_keys
from newswatch.errors import Interrupted
from newswatch.fetch.politeness import origin_key, origin_of
from newswatch.model import Entry
from newswatch.runtime import ArticleQueue
from newswatch.sources import Discovery
from newswatch.store import Store


def split_by_site(entries: Sequence[Entry], site: str) -> tuple[list[Entry], list[Entry]]:
    """(entries whose URL is on ``site``, the others), each in the given order. One pass,
    one origin key per entry: a membership test per entry was quadratic in a long feed."""
    here: list[Entry] = []
    elsewhere: list[Entry] = []
    for entry in entries:
        (here if origin_key(origin_of(entry.url)) == site else elsewhere).append(entry)
    return here, elsewhere


@dataclass(frozen=True)
class HandOver:
    """What a worker's poll needs of its pipeline to hand its new entries over. Built per
    poll from the pipeline's parts (references only)."""

    articles: ArticleQueue
    store: Store
    stopping: threading.Event
    seen: Callable[[list[str], Entry], bool]  # stage 2: known, or too old to be news
    run_entry: Callable[[SourceConfig, Entry, bool], object]  # stages 2.-6., in this poll

    def run(self, source: SourceConfig, discovery: Discovery, quiet: bool) -> int:
        """Entries not seen yet (a key lookup each) on the source's own site run here;
        those on other sites become article jobs. A shutdown queues what is left.
        Returns how many were new (their jobs, or ``run_entry``, count them)."""
        entries = discovery.entries[: source.max_items]
        fresh = [e for e in entries if not self.seen(identity_keys(e.url, e.guid), e)]
        here, elsewhere = split_by_site(fresh, origin_key(origin_of(source.url)))
        self._defer(source, discovery, elsewhere, quiet)
        for done, entry in enumerate(here):
            try:
                if self.stopping.is_set():
                    raise Interrupted(f"{source.name}: stopping mid-poll")
                self.run_entry(source, entry, quiet)
            except Interrupted:
                self._defer(source, discovery, here[done:], quiet)  # the next worker goes on
                break
        return len(fresh)

    def _defer(
        self, source: SourceConfig, discovery: Discovery, entries: list[Entry], quiet: bool
    ) -> None:
        try:
            if entries:
                self.articles.defer(source.name, entries, quiet)
        except Exception:
            # Not queued: the listing's validators go, or a 304 would hide these entries.
            self.store.fetch_state.forget(discovery.url)
            raise


__all__ = ["HandOver", "split_by_site"]
