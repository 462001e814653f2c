"""Writing alerts into the outbox, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from newswatch.config.schema import RuleConfig
from newswatch.model import AlertMessage, OpsAlert, Snippet
from newswatch.notify.payload import alert_payload
from newswatch.notify.policy import digest_due
from newswatch.store.outbox import OutboxRepo


def enqueue_alerts(
    outbox: OutboxRepo,
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
    # The priority travels with the alert: quiet hours must know it even for a rule
    # edited since.
    payload = {**alert_payload(message), "priority": rule.priority}
    # Follow-ups (kind "update") go out at once, even for digest rules: they are news.
    batched = rule.digest is not None and kind is None
    kind = kind or ("digest" if batched else "match")
    next_at = digest_due(at, rule.digest) if batched and rule.digest else at
    return [
        outbox.enqueue(
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


def enqueue_ops(outbox: OutboxRepo, alert: OpsAlert) -> int:
    """An operations alert (a source turning unhealthy or recovering) for the ops
    channel: urgent (quiet hours never hold it), under the pseudo-rule ``alert.kind``
    that ``newswatch silence`` and ``status`` name."""
    message = AlertMessage(
        rule=alert.kind,
        title=alert.title,
        url=alert.url,
        source=alert.source,
        published=alert.at,
        snippet=Snippet(alert.title),
    )
    payload = {**alert_payload(message), "priority": "urgent"}
    return outbox.enqueue(alert.kind, alert.channel, payload, alert.at)
