"""Pruning old state so the database stays bounded over months of running."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from newswatch.store import Store

log = logging.getLogger(__name__)


class Retention(Protocol):
    """How long things are kept (the config's ``retention:`` section is one)."""

    @property
    def articles(self) -> timedelta: ...

    @property
    def alerts(self) -> timedelta: ...


def prune(store: Store, retention: Retention, now: datetime) -> dict[str, int]:
    """Delete articles and fetch records older than ``retention.articles``, finished
    alerts older than ``retention.alerts`` and silences that have run out; returns how
    many rows of each went."""
    repo = store.maintenance
    articles_before = now - retention.articles
    removed = {
        "articles": repo.delete_older("articles", articles_before),
        "fetch_records": repo.delete_older("fetch_records", articles_before),
        "alerts": repo.delete_older("alerts", now - retention.alerts),
    }
    removed["clusters"] = repo.delete_empty_clusters()
    # An expired silence no longer silences anything, and `status` lists active ones only.
    removed["silences"] = store.silences.prune(now)
    store.db.checkpoint()
    if any(removed.values()):
        log.info(
            "retention: pruned %s",
            ", ".join(f"{count} {what}" for what, count in removed.items() if count),
        )
    return removed
