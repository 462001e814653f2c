"""SIGHUP storms: a reload swaps the rule set and nothing else.

The story index, the delivery worker and the source-health tracker live as long as the
process. A reload that rebuilt them lost the articles a running poll was storing (a later
copy of the story opened a new story and alerted again) and reset health streaks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newswatch.demo.server import SampleSite

from .conftest import article, json_url
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY, WHEAT_BODY

CONFIG = """
state: {state}
defaults:
  interval: 1s
  timeout: 5s
sources:
  - name: wire-a
    feed: {a}/feed.xml
  - name: wire-b
    feed: {b}/feed.xml
  - name: walled
    feed: {walled}/feed.xml
channels:
  hook: "{hook}"
ops_channel: hook
rules:
  - name: aleppo
    query: 'Aleppo AND airstrike*'
    notify: [hook]
  - name: wheat
    query: 'wheat AND drought'
    notify: [hook]
"""


@pytest.fixture
def walled() -> Iterator[str]:
    """A site that answers every request with 403, as a site blocking scrapers does."""

    class Forbidden(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forbidden)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _hup_every(proc: subprocess.Popen[bytes], seconds: float, done: threading.Event) -> None:
    while not done.wait(seconds):
        if proc.poll() is not None:
            return
        proc.send_signal(signal.SIGHUP)


def _wait_for_line(path: Path, line: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while line not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert line in path.read_text(), path.read_text()


def _settle(receiver: HttpReceiver, expected: int, timeout: float = 45) -> None:
    """Wait for ``expected`` messages, then a while longer for any duplicate."""
    deadline = time.monotonic() + timeout
    while len(receiver.bodies()) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(4)  # several polls and delivery rounds, all under reloads


def test_sighup_every_200ms_changes_no_alert_and_no_health_streak(
    tmp_path: Path, receiver: HttpReceiver, walled: str
) -> None:
    title = "Warplanes strike villages near Aleppo"
    config = tmp_path / "newswatch.yaml"
    with SampleSite([]) as a, SampleSite([]) as b:
        config.write_text(
            CONFIG.format(
                state=tmp_path / "state.db",
                a=a.base_url,
                b=b.base_url,
                walled=walled,
                hook=json_url(receiver),
            )
        )
        log_path = tmp_path / "stderr.log"
        with open(log_path, "w+") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch", "run", "-c", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            done = threading.Event()
            hups = threading.Thread(target=_hup_every, args=(proc, 0.2, done), daemon=True)
            try:
                # A SIGHUP before the daemon sets its handler would kill it.
                _wait_for_line(log_path, "newswatch running")
                hups.start()
                # One story, told three times by two wires over several polls.
                a.publish(article("strike", title, ALEPPO_BODY))
                time.sleep(1.5)
                b.publish(article("strike-b", title, ALEPPO_BODY.replace("Thursday", "Thursday,")))
                time.sleep(1.0)
                reworded = ALEPPO_BODY.replace("at least nine", "at least ten")
                a.publish(article("strike-update", title + ": ten dead", reworded))
                time.sleep(1.0)
                b.publish(
                    article("wheat", "Wheat prices climb as drought grips region", WHEAT_BODY)
                )
                _settle(receiver, expected=3)
            finally:
                done.set()
                hups.join(timeout=5)
                proc.send_signal(signal.SIGTERM)
                code = proc.wait(timeout=20)
            log = log_path.read_text()
    assert code == 0, log
    assert log.count("reloaded ") >= 10, log  # the storm did happen
    assert "Traceback" not in log, log
    texts = [json.dumps(body, ensure_ascii=False) for body in receiver.bodies()]
    aleppo = [t for t in texts if "Aleppo" in t and "walled" not in t]
    wheat = [t for t in texts if "Wheat" in t]
    assert len(aleppo) == 1, texts  # one story, one alert, whichever wire told it first
    assert len(wheat) == 1, texts
    # Two 403s in a row make a blocked source; a reload resetting the streak would have
    # let the failure count decide instead ("3 consecutive failures"), after a back-off.
    health = [t for t in texts if "source walled" in t]
    assert len(health) == 1, texts
    assert "blocked: HTTP 403 on 2 polls in a row" in health[0], texts
