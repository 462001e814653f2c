"""An alert as JSON: what the outbox stores, and back.

The payload is the whole message, frozen at match time, so a delivery days later (after
retries, quiet hours or a digest period) still says what the match saw.
"""

from __future__ import annotations

from typing import Any

from newswatch.clock import from_iso, to_iso
from newswatch.model import AlertMessage, Highlight, Snippet


def alert_payload(message: AlertMessage) -> dict[str, Any]:
    """A JSON-able dict holding everything :func:`message_from_payload` needs."""
    return {
        "rule": message.rule,
        "title": message.title,
        "url": message.url,
        "source": message.source,
        "published": to_iso(message.published),
        "snippet": {
            "text": message.snippet.text,
            "highlights": [[h.start, h.end] for h in message.snippet.highlights],
        },
        "terms": list(message.terms),
        "feed_only": message.feed_only,
        "also_reported_by": list(message.also_reported_by),
        "extra": dict(message.extra),
    }


def message_from_payload(payload: dict[str, Any]) -> AlertMessage:
    """The inverse of :func:`alert_payload`; tolerant of keys older payloads lack."""
    snippet = payload.get("snippet") or {}
    return AlertMessage(
        rule=str(payload.get("rule", "")),
        title=str(payload.get("title", "")),
        url=str(payload.get("url", "")),
        source=str(payload.get("source", "")),
        published=from_iso(payload.get("published")),
        snippet=Snippet(
            text=str(snippet.get("text", "")),
            highlights=tuple(Highlight(int(s), int(e)) for s, e in snippet.get("highlights", [])),
        ),
        terms=tuple(payload.get("terms", ())),
        feed_only=bool(payload.get("feed_only", False)),
        also_reported_by=tuple(payload.get("also_reported_by", ())),
        extra=dict(payload.get("extra") or {}),
    )
