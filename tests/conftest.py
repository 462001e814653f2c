"""Shared fixtures: real servers on 127.0.0.1 and a way to run the real CLI."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from newswatch.demo.server import SampleArticle, SampleSite, iso_utc

from .daemons import NotifySocket
from .receivers import HttpReceiver, LocalController, http_receiver

REPO = Path(__file__).resolve().parent.parent

# A real, throwaway PostgreSQL: the pg_cluster and pg_dsn fixtures.
pytest_plugins = ("tests.pg",)


NEVER_SENT = "json://127.0.0.1:9/never-sent"  # a channel the tests never deliver to


def aleppo_config(
    state: Path, feeds: dict[str, str], *, hook: str = NEVER_SENT, **rule_options: str
) -> str:
    """A config watching ``feeds`` (source name -> site base URL) with one rule, aleppo:
    'Aleppo AND airstrike*' to the channel ``hook``, plus ``rule_options`` (YAML values)."""
    sources = "".join(
        f"  - name: {name}\n    feed: {base}/feed.xml\n" for name, base in feeds.items()
    )
    options = "".join(f"    {key}: {value}\n" for key, value in rule_options.items())
    return (
        f"state: {state}\nsources:\n{sources}"
        f'channels:\n  hook: "{hook}"\n'
        "rules:\n  - name: aleppo\n    query: 'Aleppo AND airstrike*'\n    notify: [hook]\n"
        + options
    )


@pytest.fixture(autouse=True)
def _own_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run without ``state:`` uses the user's state directory: each test gets its
    own, so no test reads another's (or the developer's) state file, whatever the order."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    for name in ("STATE_DIRECTORY", "NEWSWATCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A command run in-process installs newswatch's stderr handler on the root logger, on
    the stream pytest captured for that test. Pytest closes that stream afterwards, so a
    later test's library logging (aiosmtpd's) hit it: "I/O operation on closed file"."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    """A NOTIFY_SOCKET for a daemon under test (pass ``.path`` in its environment)."""
    sock = NotifySocket(tmp_path / "notify.sock")
    yield sock
    sock.close()


class SMTPInbox:
    """A real SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._controller = LocalController(self)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    @property
    def port(self) -> int:
        return int(self._controller.port)  # known once started

    def url(self, to: str = "security@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=newswatch@example.org&to={to}&mode=insecure"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


@pytest.fixture
def smtp() -> Iterator[SMTPInbox]:
    inbox = SMTPInbox()
    inbox.start()
    yield inbox
    inbox.stop()


@pytest.fixture
def site() -> Iterator[SampleSite]:
    """The sample news site with only the unrelated articles published."""
    with SampleSite(articles=[]) as running:
        yield running


def article(slug: str, title: str, body: str, *, in_feed: bool = True) -> SampleArticle:
    return SampleArticle(
        slug=slug,
        title=title,
        date=iso_utc(datetime.now(UTC)),
        author="Test Reporter",
        body=body,
        in_feed=in_feed,
    )


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 90, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``newswatch ARGS`` as a user would, in a subprocess."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("NEWSWATCH_CONFIG", None)
    if env and "NEWSWATCH_CONFIG" in env:
        full_env["NEWSWATCH_CONFIG"] = env["NEWSWATCH_CONFIG"]
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        input=stdin,
    )


def json_url(receiver: HttpReceiver) -> str:
    """apprise's json:// URL for a local receiver."""
    return receiver.url.replace("http://", "json://", 1) + "/alerts"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    """A local HTTP endpoint that keeps every alert apprise's json:// posts to it."""
    with http_receiver() as running:
        yield running
