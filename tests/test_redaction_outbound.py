"""Every string that leaves the process passes the redactor: the ops-channel health alert,
errors stored in the state file, channel errors, and alert links (issue 15, item 4).

The review saw ``feed?apikey=…`` go out three times in one ops payload while the log line
for the same error was masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.ruleset import parse_rules
from tests.receivers import HttpReceiver, Request, http_receiver
from tests.servers_hostile import LocalServer, page, serve

API_KEY = "k3yLiteral0001secret"  # written in the config, named like a credential
PATH_TOKEN = "envToken42pathsecret"  # from ${FEED_TOKEN}: a known secret wherever it appears
HOOK_TOKEN = "hookToken77webhook"  # from ${HOOK_TOKEN}, in the alert channel's URL


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as local:
        path = f"/feeds/{PATH_TOKEN}/all"
        local.routes[path] = page(f"upstream broke at {path}".encode(), 500)
        yield local


def _app(tmp_path: Path, server: LocalServer, ops: HttpReceiver, hook: str) -> App:
    text = f"""
state: {tmp_path / "state.db"}
defaults: {{robots: false}}
sources:
  - name: wire
    feed: "{server.base}/feeds/${{FEED_TOKEN}}/all?apikey={API_KEY}&lang=en"
channels:
  ops: "{ops.url.replace("http://", "json://")}/ops"
  hook: "{hook}"
ops_channel: ops
rules:
  - {{name: aleppo, query: Aleppo, notify: [hook]}}
"""
    environ = {"FEED_TOKEN": PATH_TOKEN, "HOOK_TOKEN": HOOK_TOKEN}
    return App(parse_rules(text, environ), clock=FakeClock(datetime.now(UTC)))


def _leaks(text: str) -> list[str]:
    return [s for s in (API_KEY, PATH_TOKEN, HOOK_TOKEN) if s in text]


def _dump_state(app: App) -> str:
    with app.store.db.read() as conn:
        rows = [
            *conn.execute("SELECT last_error, unhealthy_reason FROM source_state"),
            *conn.execute("SELECT payload, last_error FROM alerts"),
        ]
    return json.dumps([list(row) for row in rows])


def test_ops_alert_about_a_failing_source_carries_no_secret(
    tmp_path: Path, server: LocalServer
) -> None:
    with http_receiver() as ops:
        app = _app(tmp_path, server, ops, "json://127.0.0.1:9/never")
        try:
            reports = [app.poll(app.config.sources[0], respect_backoff=False) for _ in range(3)]
            assert [r.ok for r in reports] == [False, False, False]
            assert all(not _leaks(r.error or "") for r in reports)
            delivered = app.delivery.deliver_due()
            state = _dump_state(app)
        finally:
            app.close()
    assert delivered.sent == 1
    [alert] = [r.body.decode() for r in ops.requests]
    assert "unhealthy" in alert and "3 consecutive failures" in alert
    assert _leaks(alert) == [], alert
    assert "apikey=***" in alert  # still says where, without the key
    assert _leaks(state) == [], state


def test_channel_errors_and_alert_links_carry_no_secret(
    tmp_path: Path, server: LocalServer
) -> None:
    def refuse(_: int, request: Request) -> tuple[int, bytes, dict[str, str]]:
        return 500, f'{{"error": "no hook at {request.path}"}}'.encode(), {}

    with http_receiver() as ops, http_receiver(refuse) as hook:
        url = f"{hook.url.replace('http://', 'json://')}/hooks/${{HOOK_TOKEN}}"
        app = _app(tmp_path, server, ops, url)
        try:
            for _ in range(3):
                app.poll(app.config.sources[0], respect_backoff=False)
            with app.store.unit() as tx:
                tx.outbox.enqueue("aleppo", "hook",
                    {"title": "Aleppo", "url": f"https://news.example/a?token={API_KEY}",
                     "source": "wire", "snippet": {"text": "Aleppo", "highlights": []}},
                    app.clock.now(),
                )  # fmt: skip
            app.delivery.deliver_due()
            with app.store.db.read() as conn:
                errors = json.dumps(
                    [list(r) for r in conn.execute("SELECT last_error FROM alerts")]
                )
        finally:
            app.close()
    [sent] = [r.body.decode() for r in hook.requests]
    # The article link keeps working, without the credential a feed put in it.
    assert "https://news.example/a?token=***" in sent
    assert _leaks(sent) == [], sent
    assert "hooks/***" in errors
    assert _leaks(errors) == [], errors


def test_alert_links_lose_secrets_but_keep_working() -> None:
    from newswatch.redact import Redactor, credential_values

    known = {"s3cretValue", *credential_values("https://api.example/feed?apikey=k3yLiteral")}
    links = Redactor(known).links
    assert links("https://news.example/a?token=k3yLiteral") == "https://news.example/a?token=***"
    assert links("https://u:pw0rd@news.example/x") == "https://u:***@news.example/x"
    assert links("https://news.example/x/s3cretValue") == "https://news.example/x/***"
    # Article links whose parts only look like credentials stay usable.
    for url in (
        "https://news.example/search?keyword=aleppo",
        "https://v.example/watch/dQw4w9WgXcQ",
    ):
        assert links(url) == url
