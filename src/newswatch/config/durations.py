"""Durations as users write them: ``30s``, ``5m``, ``1h``, ``2d``, ``1h30m``."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float, *, require_unit: bool = False) -> timedelta:
    """Parse ``30s``/``5m``/``1h30m``; a bare number means seconds, unless
    ``require_unit`` (the command line: ``silence RULE --for 2`` was taken as 2 seconds
    when 2 hours were meant). Raises ValueError."""
    if isinstance(text, bool):
        raise ValueError("expected a duration like 30s, 5m or 1h")
    if require_unit and (isinstance(text, int | float) or re.fullmatch(r"\s*\d+(\.\d+)?\s*", text)):
        raise ValueError(f"{text!r} has no unit: write {text}m, {text}h or {text}d (s for seconds)")
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        compact = text.strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(\.\d+)?", compact):
            seconds = float(compact)
        elif compact and _PART.sub("", compact) == "":
            seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(compact))
        else:
            raise ValueError(f"{text!r} is not a duration (use e.g. 30s, 5m, 1h, 1d)")
    if seconds <= 0:
        raise ValueError(f"{text!r}: a duration must be positive")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
