"""``newswatch notify-test``: one made-up alert through one channel."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from newswatch.config import Config
from newswatch.model import AlertMessage, Highlight, Snippet
from newswatch.notify.apprise_adapter import AppriseNotifier, SendOutcome
from newswatch.notify.console import register_console_plugin
from newswatch.notify.render import Batch

log = logging.getLogger(__name__)

_TEXT = "A test alert from newswatch: warplanes struck near Aleppo, the sample story says."


def test_message(now: datetime | None = None) -> AlertMessage:
    start = _TEXT.index("Aleppo")
    return AlertMessage(
        rule="notify-test",
        title="newswatch test alert",
        url="https://example.org/newswatch-test",
        source="newswatch",
        published=now or datetime.now(UTC),
        snippet=Snippet(_TEXT, (Highlight(start, start + len("Aleppo")),)),
        terms=("aleppo",),
    )


def send_test(config: Config, channel: str, secrets: Iterable[str] = ()) -> SendOutcome:
    """Send a test alert through ``channel``; ``ok`` when every URL accepted it.
    ``secrets``: masked in the outcome besides the URLs' own (``RuleSet.secrets``)."""
    register_console_plugin()
    return AppriseNotifier(config, secrets=secrets).send(Batch(channel, "alert", (test_message(),)))
