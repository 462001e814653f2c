"""The service pieces inside the real daemon: sd_notify, /healthz, /metrics, JSON logs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import article
from .daemons import NotifySocket, http_get, logged_port, wait_for

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


def test_daemon_notifies_serves_health_and_metrics(
    tmp_path: Path, site: SampleSite, notify_socket: NotifySocket
) -> None:
    config = tmp_path / "newswatch.yaml"
    # Port 0: the daemon binds a free port and logs it (a port picked here first could be
    # taken by another process before the daemon binds it).
    config.write_text(CONFIG.format(state=tmp_path / "state.db", port=0, base=site.base_url))
    body = "Relief convoys reached the flooded districts of Derna on Monday. " * 12
    site.publish(article("derna-convoys", "Convoys reach flooded Derna", body))
    notify_path, drain, received = notify_socket.path, notify_socket.drain, notify_socket.received
    log = open(tmp_path / "stderr.log", "w+")  # noqa: SIM115 - read back below
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "-c", str(config), "--log-format", "json"],
        stderr=log,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "4000000"},
    )
    try:
        assert wait_for(lambda: "READY=1" in drain()), (tmp_path / "stderr.log").read_text()
        port = logged_port((tmp_path / "stderr.log").read_text)
        status, body = wait_for(
            lambda: (r := http_get(f"http://127.0.0.1:{port}/healthz"))[0] and r
        )
        assert status == 200, body
        assert json.loads(body)["ok"] is True
        metrics = wait_for(
            lambda: (
                b'newswatch_fetches_total{outcome="ok",source="levant"}'
                in (m := http_get(f"http://127.0.0.1:{port}/metrics")[1])
                and m
            )
        )
        assert metrics is not None
        assert wait_for(
            lambda: (
                b'newswatch_alerts_pending{channel="hook"} 0.0'
                in http_get(f"http://127.0.0.1:{port}/metrics")[1]
            )
        )
        # The heartbeat reports the story index, so its memory is visible (one window's worth).
        assert wait_for(
            lambda: re.search(
                rb"^newswatch_story_index_articles [1-9]",
                http_get(f"http://127.0.0.1:{port}/metrics")[1],
                re.M,
            )
        )
        assert wait_for(lambda: "WATCHDOG=1" in drain())
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
