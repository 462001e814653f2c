"""``newswatch run`` as a real process, on what used to mislead an operator: a busy port,
a second daemon on one state file, a refused reload, a slow channel."""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import article, json_url, run_cli
from .daemons import NotifySocket, daemon, http_get, logged_port, wait_for
from .receivers import Request, http_receiver
from .texts import ALEPPO_BODY

CONFIG = """
state: {state}
http: 127.0.0.1:{port}
defaults:
  interval: 1s
  timeout: 5s
sources:
  - name: levant
    feed: {base}/feed.xml
channels:
  hook: "{hook}"
rules:
  - name: aleppo
    query: 'Aleppo AND airstrike*'
    notify: [hook]
"""


def write_config(tmp_path: Path, site: SampleSite, port: int, hook: str) -> Path:
    """Port 0: the daemon binds a port the kernel picks and logs it (see daemons.py)."""
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        CONFIG.format(state=tmp_path / "state.db", port=port, base=site.base_url, hook=hook)
    )
    return path


def test_a_busy_port_is_one_line_and_an_exit_status_systemd_does_not_restart(
    tmp_path: Path, site: SampleSite
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, site, port, "json://127.0.0.1:9/x")
        result = run_cli("run", "-c", str(config), timeout=60)
    assert result.returncode == 78, result.stderr
    assert (
        f"newswatch: http: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(another process uses this port: stop it or change http:)" in result.stderr
    )
    assert "Traceback" not in result.stderr and "apscheduler" not in result.stderr
    assert "fetch" not in result.stderr  # nothing was polled


def test_a_second_run_on_one_state_file_refuses_but_once_may_run_beside(
    tmp_path: Path, site: SampleSite
) -> None:
    config = write_config(tmp_path, site, 0, "json://127.0.0.1:9/x")
    log = tmp_path / "first.log"
    with daemon(config, log) as first:
        assert wait_for(lambda: "newswatch running" in log.read_text()), log.read_text()
        second = run_cli("run", "-c", str(config), timeout=60)
        assert second.returncode == 75, second.stderr
        assert f"another `newswatch run` (pid {first.pid}) already uses the state file" in (
            second.stderr
        )
        once = run_cli("once", "-c", str(config), timeout=60)
        assert once.returncode in (0, 3), once.stderr  # allowed, as before
        assert first.poll() is None


def test_a_refused_reload_is_reported_to_systemd_healthz_and_metrics(
    tmp_path: Path, site: SampleSite, notify_socket: NotifySocket
) -> None:
    config = write_config(tmp_path, site, 0, "json://127.0.0.1:9/x")
    good = config.read_text()
    log = tmp_path / "daemon.log"
    drain, received = notify_socket.drain, notify_socket.received
    with daemon(config, log, {"NOTIFY_SOCKET": notify_socket.path}) as proc:
        assert wait_for(lambda: "READY=1" in drain()), log.read_text()
        port = logged_port(log.read_text)
        metrics = wait_for(lambda: http_get(f"http://127.0.0.1:{port}/metrics")[1])
        assert b"newswatch_config_last_reload_successful 1.0" in metrics
        assert b'newswatch_build_info{version="' in metrics
        assert b"newswatch_start_time_seconds 1.7" in metrics

        config.write_text(good.replace("intervall", "x").replace("interval:", "intervall:"))
        received.clear()
        proc.send_signal(signal.SIGHUP)
        failed = wait_for(lambda: [m for m in drain() if "ERRNO=" in m], 20)
        assert failed, (received, log.read_text())
        assert received[0].startswith("RELOADING=1\nMONOTONIC_USEC=")
        assert "READY=1" in failed[0].splitlines()
        assert "STATUS=reload failed, running the previous config:" in failed[0]
        assert "defaults.intervall: unknown key (did you mean 'interval'?)" in failed[0]

        status, body = http_get(f"http://127.0.0.1:{port}/healthz")
        health = json.loads(body)
        assert status == 200 and health["ok"] is True  # the old config still runs
        assert "last reload failed" in health["warnings"][0]
        metrics = http_get(f"http://127.0.0.1:{port}/metrics")[1]
        assert b"newswatch_config_last_reload_successful 0.0" in metrics

        config.write_text(good)
        proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "reloaded" in log.read_text(), 20)
        assert json.loads(http_get(f"http://127.0.0.1:{port}/healthz")[1])["warnings"] == []
    text = log.read_text()
    assert text.count("intervall") == 1, text  # said once, in our words
    assert "Value error" not in text and "pydantic" not in text
    assert text.count("serving /healthz") == 1


def slow(_: int, request: Request) -> tuple[int, bytes, dict[str, str]]:
    time.sleep(12)  # longer than two delivery periods
    return 200, b"{}", {}


def test_a_slow_channel_does_not_make_the_scheduler_warn(tmp_path: Path, site: SampleSite) -> None:
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    with http_receiver(slow) as receiver:
        config = write_config(tmp_path, site, 0, json_url(receiver))
        log = tmp_path / "daemon.log"
        with daemon(config, log):
            # apprise gives up waiting for the answer after a few seconds: still longer than
            # a delivery period, which is what made APScheduler warn.
            assert wait_for(lambda: "channel hook failed" in log.read_text(), 45), log.read_text()
            time.sleep(6)
    assert "maximum number of running instances" not in log.read_text()
