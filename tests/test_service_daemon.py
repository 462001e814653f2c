"""The service pieces inside the real daemon: sd_notify, /healthz, /metrics, JSON logs."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import article

CONFIG = """
state: {state}
http: 127.0.0.1:{port}
defaults:
  interval: 1s
sources:
  - name: levant
    feed: {base}/feed.xml
channels:
  hook: "json://127.0.0.1:9/alerts"
"""


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except OSError:
        return 0, b""


def _until(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return None


def test_daemon_notifies_serves_health_and_metrics(tmp_path: Path, site: SampleSite) -> None:
    config = tmp_path / "newswatch.yaml"
    # Port 0: the daemon binds a free port and logs it (a port picked here first could be
    # taken by another process before the daemon binds it).
    config.write_text(CONFIG.format(state=tmp_path / "state.db", port=0, base=site.base_url))
    body = "Relief convoys reached the flooded districts of Derna on Monday. " * 12
    site.publish(article("derna-convoys", "Convoys reach flooded Derna", body))
    notify_path = str(tmp_path / "notify.sock")
    received: list[str] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(notify_path)
        notify.settimeout(0.2)

        def drain() -> list[str]:
            try:
                while True:
                    received.append(notify.recv(4096).decode())
            except TimeoutError:
                return received

        log = open(tmp_path / "stderr.log", "w+")  # noqa: SIM115 - read back below
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "run", "-c", str(config), "--log-format", "json"],
            stderr=log,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "4000000"},
        )
        try:
            assert _until(lambda: "READY=1" in drain()), (tmp_path / "stderr.log").read_text()
            serving = _until(
                lambda: re.search(
                    r"serving /healthz and /metrics on http://127\.0\.0\.1:(\d+)",
                    (tmp_path / "stderr.log").read_text(),
                )
            )
            assert serving is not None, (tmp_path / "stderr.log").read_text()
            port = int(serving.group(1))
            status, body = _until(lambda: (r := _get(f"http://127.0.0.1:{port}/healthz"))[0] and r)
            assert status == 200, body
            assert json.loads(body)["ok"] is True
            metrics = _until(
                lambda: (
                    b'newswatch_fetches_total{outcome="ok",source="levant"}'
                    in (m := _get(f"http://127.0.0.1:{port}/metrics")[1])
                    and m
                )
            )
            assert metrics is not None
            assert _until(
                lambda: (
                    b'newswatch_alerts_pending{channel="hook"} 0.0'
                    in _get(f"http://127.0.0.1:{port}/metrics")[1]
                )
            )
            # The heartbeat reports the story index, so its memory is visible (one window's worth).
            assert _until(
                lambda: re.search(
                    rb"^newswatch_story_index_articles [1-9]",
                    _get(f"http://127.0.0.1:{port}/metrics")[1],
                    re.M,
                )
            )
            assert _until(lambda: "WATCHDOG=1" in drain())
            assert any(m.startswith("STATUS=") for m in received)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=15)
        assert code == 0
        assert "STOPPING=1" in drain()
    log.seek(0)
    lines = [line for line in log.read().splitlines() if line.strip()]
    log.close()
    assert lines, "the daemon logged nothing"
    events = [json.loads(line) for line in lines]  # every line is one JSON event
    assert {"ts", "level", "logger", "msg"} <= set(events[0])
