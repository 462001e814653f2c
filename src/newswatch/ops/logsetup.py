"""Logging for a daemon: one line per event on stderr, text or JSON, secrets masked.

systemd's journal stores each stderr line as an entry, so a traceback is folded onto the
line of the event that caused it instead of spilling over many entries.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from newswatch.ops.logfields import FIELDS
from newswatch.redact import Redactor

# Libraries that narrate every request or job run at INFO; their warnings still show.
# Libraries that log routine events (apprise: "Notifying 1 service(s)"; trafilatura: a
# WARNING for every page without an article body) → the level they keep unless --verbose.
CHATTY_LOGGERS = {
    "apscheduler": logging.WARNING,
    "urllib3": logging.WARNING,
    "charset_normalizer": logging.WARNING,
    "apprise": logging.WARNING,
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
    "pymorphy3": logging.WARNING,  # "Loading dictionaries from …" on every start
}
# Loggers whose DEBUG records must exist: apprise keeps a failed try's cause ("SMTP AUTH
# extension not supported by server") in a DEBUG line, which its per-call capture only
# sees when the logger is enabled for DEBUG. Their level is enforced at our handler instead.
CAPTURED_LOGGERS = {"apprise": logging.WARNING}
# LogRecord's own attributes; anything else was passed with ``extra=`` and is structured data.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class RedactingFilter(logging.Filter):
    """Masks secrets in the final message, the traceback and ``extra=`` string fields."""

    def __init__(self, secrets: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.exc_info = None  # the redacted exc_text now stands for it
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in _extras(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class TextFormatter(logging.Formatter):
    """``2026-01-01T12:00:00.123Z INFO newswatch.pipeline: message key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        extras = " ".join(
            f"{k}={_compact(v)}" for k, v in _extras(record).items() if k not in FIELDS
        )
        if extras:
            line += " " + extras
        if record.exc_text:
            line += " | " + record.exc_text
        if record.stack_info:
            line += " | " + record.stack_info
        return _one_line(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, extras, and exc when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in _extras(record).items():
            event.setdefault(key, value)
        if record.exc_text:
            event["exc"] = record.exc_text
        if record.stack_info:
            event["stack"] = record.stack_info
        return json.dumps(event, ensure_ascii=False, default=str)


def setup_logging(
    fmt: str = "text",
    *,
    verbose: bool = False,
    secrets: frozenset[str] = frozenset(),
    stream: TextIO | None = None,
) -> None:
    """Route every logger to one stderr handler. Calling again (on SIGHUP, with the new
    config's secrets) replaces the handler instead of adding a second one."""
    formatters: dict[str, type[logging.Formatter]] = {"text": TextFormatter, "json": JsonFormatter}
    if fmt not in formatters:
        raise ValueError(f"unknown log format {fmt!r} (one of: {', '.join(formatters)})")
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatters[fmt]())
    handler.addFilter(RedactingFilter(secrets))
    if not verbose:
        handler.addFilter(_below(CAPTURED_LOGGERS))
    handler.set_name("newswatch")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "newswatch"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, level in CHATTY_LOGGERS.items():
        if name not in CAPTURED_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO if verbose else level)
    logging.captureWarnings(True)


def _below(levels: dict[str, int]) -> logging.Filter:
    """Drops records of these loggers (and their children) under the given level."""

    class LibraryLevels(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            top = record.name.split(".", 1)[0]
            return record.levelno >= levels.get(top, logging.NOTSET)

    return LibraryLevels()


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}


def _timestamp(record: logging.LogRecord) -> str:
    when = datetime.fromtimestamp(record.created, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


def _compact(value: Any) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " ⏎ ") if "\n" in text else text
