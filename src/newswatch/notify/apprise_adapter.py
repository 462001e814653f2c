"""Channels are apprise URLs behind a small :class:`Notifier` interface.

Each URL of a channel is instantiated once and rendered in the dialect its service
understands (``email``, ``chat`` for Slack/Telegram, ``markdown``, ``text``, ``console``).
URLs appear in logs only as ``url(privacy=True)``; apprise's own log lines are scanned for
a rate-limit answer (Telegram's ``retry_after``, a ``Retry-After``) and masked by the one
:class:`~newswatch.redact.Redactor` (known secrets, URL passwords, token-looking URL parts)
before they become an error message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import apprise

from newswatch.config import Config
from newswatch.config.loader import config_secrets
from newswatch.notify.console import register_console_plugin, stdout_is_tty
from newswatch.notify.render import Batch, Rendered, render
from newswatch.redact import Redactor

log = logging.getLogger(__name__)

_RETRY_AFTER = re.compile(r"retry[ _-]?after\W{0,4}(\d+(?:\.\d+)?)", re.IGNORECASE)
_RATE_LIMITED = re.compile(r"error=429\b|too many requests", re.IGNORECASE)
# Apprise reports a 429 but not every plugin passes the Retry-After header on (Slack's
# does not), so a bare "too many requests" waits this long rather than the short back-off.
RATE_LIMITED_WAIT = 60.0
_SCHEME_DIALECT = {
    "mailto": "email",
    "mailtos": "email",
    "slack": "chat",
    "tgram": "chat",
    "console": "console",
    # Generic webhooks: their consumers are programs, so no markup.
    "json": "text",
    "jsons": "text",
    "form": "text",
    "forms": "text",
    "xml": "text",
    "xmls": "text",
}
_FORMAT_DIALECT = {"markdown": "markdown", "html": "chat", "text": "text"}


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    error: str = ""
    retry_after: float | None = None  # seconds the service asked us to wait
    # Keys ("<url index>:<piece>") accepted in this call; on a partial failure the worker
    # stores them so the retry skips those URLs and pieces.
    delivered: tuple[str, ...] = ()
    # apprise's own account of the failed try ("LEVEL message", secrets masked), for
    # `notify-test -v`: what its verbose flag would have printed.
    transcript: tuple[str, ...] = ()


class Notifier(Protocol):
    def send(self, batch: Batch, done: frozenset[str] = frozenset()) -> SendOutcome:
        """Deliver one message to every URL of ``batch.channel``, skipping the keys in
        ``done`` (accepted by an earlier, partly failed attempt)."""
        ...


@dataclass(frozen=True)
class Target:
    apprise: apprise.Apprise
    plugin: Any
    dialect: str
    masked_url: str


def scheme_of(url: str) -> str:
    return url.split("://", 1)[0].lower()


def _formats(plugin: Any) -> list[str]:
    value = getattr(plugin, "notify_format", "text")
    values = value if isinstance(value, (tuple, list)) else [value]
    return [str(getattr(v, "value", v)) for v in values]


def choose_dialect(url: str, plugin: Any, configured: str, tty: bool) -> str:
    scheme = scheme_of(url)
    dialect = _SCHEME_DIALECT.get(scheme)
    if dialect == "console":
        return "console-ansi" if tty else "console"
    if configured != "auto":
        return (
            "email" if dialect == "email" and configured == "html" else _FORMAT_DIALECT[configured]
        )
    if dialect:
        return dialect
    formats = _formats(plugin)
    if "markdown" in formats:  # bold terms and real links wherever the service renders them
        return "markdown"
    return _FORMAT_DIALECT.get(formats[0], "text")


class AppriseNotifier:
    def __init__(
        self, config: Config, *, tty: bool | None = None, secrets: Iterable[str] = ()
    ) -> None:
        """``secrets``: what else to mask besides the URLs' own (the ``${VAR}`` values,
        ``RuleSet.secrets``)."""
        register_console_plugin()  # console:// must resolve wherever a notifier exists
        # apprise's capture of a failed try's cause needs its DEBUG records to exist;
        # our log handler keeps them off stderr (logsetup.CAPTURED_LOGGERS).
        logging.getLogger("apprise").setLevel(logging.DEBUG)
        self.config = config
        self.tty = stdout_is_tty() if tty is None else tty
        self._scrub = Redactor(config_secrets(config, secrets))
        self._targets: dict[str, list[Target]] = {}

    def targets(self, channel: str) -> list[Target]:
        if channel not in self._targets:
            self._targets[channel] = [self._target(channel, url) for url in self._urls(channel)]
        return self._targets[channel]

    def _urls(self, channel: str) -> list[str]:
        if channel not in self.config.channels:
            valid = ", ".join(sorted(self.config.channels)) or "none"
            raise KeyError(f"unknown channel {channel!r} (configured: {valid})")
        return self.config.channels[channel].urls

    def _target(self, channel: str, url: str) -> Target:
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            raise ValueError(f"channel {channel}: {scheme_of(url)}://… is not a valid apprise URL")
        fmt = self.config.channels[channel].format
        box = apprise.Apprise()
        box.add(plugin)
        masked = str(plugin.url(privacy=True))  # type: ignore[no-untyped-call]
        return Target(box, plugin, choose_dialect(url, plugin, fmt, self.tty), masked)

    def send(self, batch: Batch, done: frozenset[str] = frozenset()) -> SendOutcome:
        try:
            targets = self.targets(batch.channel)
        except (KeyError, ValueError) as exc:
            return SendOutcome(False, str(exc).strip("'\""))
        template = self.config.channels[batch.channel].template
        errors: list[str] = []
        delivered: list[str] = []
        retry_after: float | None = None
        transcript: list[str] = []
        for index, target in enumerate(targets):
            rendered = render(batch, target.dialect, template)
            outcome = self._send_one(target, rendered, f"{index}:", done)
            delivered.extend(outcome.delivered)
            if not outcome.ok:
                errors.append(f"{target.masked_url}: {outcome.error}")
                transcript.extend(outcome.transcript)
                retry_after = max(retry_after or 0.0, outcome.retry_after or 0.0) or None
        if errors:
            joined = "; ".join(errors)
            return SendOutcome(False, joined, retry_after, tuple(delivered), tuple(transcript))
        return SendOutcome(True, delivered=tuple(delivered))

    def _send_one(
        self, target: Target, rendered: Rendered, prefix: str, done: frozenset[str]
    ) -> SendOutcome:
        headers = getattr(target.plugin, "headers", None)
        if rendered.headers and isinstance(headers, dict):
            headers.update(dict(rendered.headers))
        accepted: list[str] = []
        for number, body in enumerate(rendered.bodies):
            key = f"{prefix}{number}"
            if key in done:
                continue
            try:
                result = target.apprise.notify(
                    body=body,
                    title=rendered.title if number == 0 else "",
                    body_format=rendered.body_format,
                    log_level=logging.DEBUG,
                )
            except Exception as exc:  # a plugin bug must not stop the delivery worker
                error = self._scrub(f"{type(exc).__name__}: {exc}")
                return SendOutcome(False, error, delivered=tuple(accepted))
            if not result:
                failure = self._failure(result)
                return replace(failure, delivered=tuple(accepted))
            accepted.append(key)
            log.debug(
                "sent %s message (%d chars) via %s",
                rendered.body_format,
                len(body),
                target.masked_url,
            )
        return SendOutcome(True, delivered=tuple(accepted))

    def _failure(self, result: Any) -> SendOutcome:
        entries = list(result.logs())
        retry_after = None
        for entry in entries:
            found = _RETRY_AFTER.search(entry.message)
            if found:
                retry_after = float(found.group(1))
        if retry_after is None and any(_RATE_LIMITED.search(e.message) for e in entries):
            retry_after = RATE_LIMITED_WAIT
        error = failure_text(entries)
        transcript = tuple(self._scrub(f"{e.level} {e.message}") for e in entries)
        return SendOutcome(False, self._scrub(error)[:500], retry_after, transcript=transcript)


_CAUSE = re.compile(r"\bexception:\s*(.+)", re.IGNORECASE | re.DOTALL)


def failure_text(entries: list[Any]) -> str:
    """apprise's last warning with its cause. The warning alone ("Connection error while
    submitting email") hides why; the cause ("SMTP AUTH extension not supported by
    server.") is only in the DEBUG line that follows it."""
    serious = [i for i, e in enumerate(entries) if e.level in ("WARNING", "ERROR", "CRITICAL")]
    if not serious:
        return "the service refused the message"
    last = serious[-1]
    warning = str(entries[last].message).strip()
    for entry in entries[last + 1 :]:
        found = _CAUSE.search(str(entry.message))
        if found:
            cause = " ".join(found.group(1).split()).rstrip(".")
            return f"{warning}: {cause}"
    return warning
