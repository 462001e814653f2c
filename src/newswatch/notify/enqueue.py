"""Writing alerts into the outbox, inside the pipeline's transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from newswatch.config.schema import RuleConfig
from newswatch.model import AlertMessage
from newswatch.notify.payload import alert_payload
from newswatch.notify.policy import digest_due
from newswatch.store.outbox import OutboxRepo


def enqueue_alerts(
    conn: sqlite3.Connection,
    rule: RuleConfig,
    message: AlertMessage,
    at: datetime,
    *,
    cluster_id: int | None,
    match_id: int | None,
    kind: str | None = None,
) -> list[int]:
    """One outbox row per channel of ``rule.notify``; returns their ids.

    A ``digest`` rule's rows are due at the end of the current digest period, so the
    worker finds a period's alerts together. Silences and quiet hours are applied when
    an alert comes due, so changing them also affects alerts already waiting.
    """
    # The priority travels with the alert: quiet hours must know it even for rules that
    # are not in the config (the daemon's source-health alerts) or were edited since.
    payload = {**alert_payload(message), "priority": rule.priority}
    # Follow-ups (kind "update") go out at once, even for digest rules: they are news.
    batched = rule.digest is not None and kind is None
    kind = kind or ("digest" if batched else "match")
    next_at = digest_due(at, rule.digest) if batched and rule.digest else at
    return [
        OutboxRepo.enqueue(
            conn,
            rule.name,
            channel,
            payload,
            at,
            kind=kind,
            cluster_id=cluster_id,
            match_id=match_id,
            next_at=next_at,
        )
        for channel in dict.fromkeys(rule.notify)
    ]
