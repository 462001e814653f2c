"""The structured fields of a log event: ``source``, ``rule``, ``channel``, ``error`` and
``url``, so a JSON log can be filtered by them (``jq 'select(.source == "bbc")'``) instead
of by parsing ``msg``. The text format leaves them out: its message already says them.
Secrets in them are masked like the message (``RedactingFilter``)."""

from __future__ import annotations

from typing import Any

FIELDS = frozenset({"source", "rule", "channel", "error", "url"})


def log_fields(**fields: Any) -> dict[str, str]:
    """``extra=`` for a log call: the known fields given, as strings."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"not a log field: {sorted(unknown)} (one of {sorted(FIELDS)})")
    return {k: _text(v) for k, v in fields.items() if v is not None}


def _text(value: Any) -> str:
    reason = getattr(value, "reason", None)  # FetchError: the cause, without the URL again
    return str(reason if isinstance(reason, str) else value)
