"""Real receivers on 127.0.0.1 for delivery tests: SMTP (aiosmtpd) and HTTP.

The only redirection is at the edge of the world: apprise's Slack and Telegram plugins
get their base URL pointed at a local HTTP receiver (``point_apprise_at``).
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


# A responder turns the n-th request (0-based) into (status, body, headers).
Responder = Callable[[int, Request], tuple[int, bytes, dict[str, str]]]


def ok_json(_: int, request: Request) -> tuple[int, bytes, dict[str, str]]:
    return 200, b'{"ok": true, "result": {"message_id": 1}}', {}


@dataclass
class HttpReceiver:
    url: str
    requests: list[Request] = field(default_factory=list)
    responder: Responder = ok_json
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[Any]:
        return [r.json() for r in self.requests]


@contextmanager
def http_receiver(responder: Responder = ok_json) -> Iterator[HttpReceiver]:
    state = HttpReceiver(url="", responder=responder)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            request = Request(self.path, dict(self.headers), self.rfile.read(length))
            with state.lock:
                number = len(state.requests)
                state.requests.append(request)
            status, body, headers = state.responder(number, request)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@dataclass
class SmtpReceiver:
    port: int
    inbox: _Inbox

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def url(self, to: str = "desk@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=newswatch@example.org&to={to}&mode=insecure"


class LocalController(Controller):  # type: ignore[misc]
    """aiosmtpd's threaded server on 127.0.0.1, on a port the kernel picks (port 0): a port
    chosen beforehand could be taken by another test process before the server binds it."""

    def __init__(self, handler: Any) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=0)

    def _trigger_server(self) -> None:
        # start() connects to self.port to make sure the server answers: by now the server
        # is bound, so this is where the real port becomes known.
        self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()


@contextmanager
def smtp_receiver() -> Iterator[SmtpReceiver]:
    inbox = _Inbox()
    controller = LocalController(inbox)
    controller.start()
    try:
        yield SmtpReceiver(controller.port, inbox)
    finally:
        controller.stop()


@contextmanager
def point_apprise_at(base: str) -> Iterator[None]:
    """Send apprise's Slack and Telegram traffic to a local receiver, without throttling."""
    from apprise.plugins.slack import NotifySlack
    from apprise.plugins.telegram import NotifyTelegram

    saved = (
        NotifySlack.webhook_url,
        NotifySlack.request_rate_per_sec,
        NotifyTelegram.notify_url,
        NotifyTelegram.request_rate_per_sec,
    )
    NotifySlack.webhook_url = f"{base}/slack"
    NotifySlack.request_rate_per_sec = 0
    NotifyTelegram.notify_url = f"{base}/bot"
    NotifyTelegram.request_rate_per_sec = 0
    try:
        yield
    finally:
        (
            NotifySlack.webhook_url,
            NotifySlack.request_rate_per_sec,
            NotifyTelegram.notify_url,
            NotifyTelegram.request_rate_per_sec,
        ) = saved


# --- building blocks for delivery tests -------------------------------------------------


def make_config(channels: dict[str, Any], rules: list[dict[str, Any]] | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    from newswatch.config import Config

    rules = rules or [{"name": "aleppo", "query": "aleppo", "notify": list(channels)}]
    return Config.model_validate(
        {"channels": channels, "rules": rules, "delivery": {"initial_backoff": "30s"}, **kw}
    )


def make_message(title: str = "Warplanes strike near Aleppo", **kw: Any):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from newswatch.model import AlertMessage, Highlight, Snippet

    text = kw.pop("text", "Russian and Syrian warplanes struck villages near Aleppo on Sunday.")
    start = text.find("Aleppo")
    highlights = (Highlight(start, start + 6),) if start >= 0 else ()
    fields: dict[str, Any] = {
        "rule": "aleppo",
        "title": title,
        "url": "https://news.example.org/2026/aleppo-strikes?id=1&x=2",
        "source": "example-news",
        "published": datetime(2026, 1, 1, 9, 30, tzinfo=UTC),
        "snippet": Snippet(text, highlights),
        "terms": ("aleppo",),
    }
    fields.update(kw)
    return AlertMessage(**fields)
