"""A running dashboard for the web tests: the sample site polled once into a real state
file, accounts made with the real CLI, and ``newswatch web`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from newswatch.demo.server import SampleSite
from tests.conftest import run_cli
from tests.daemons import DASHBOARD_LINE, logged_port

PASSWORDS = {"editor": "editor-password-1", "viewer": "viewer-password-1"}
SECRET = "s3cr3t-TOKEN-in-a-channel-url"
CONFIG = """state: {state}
sources:
  - name: levant-feed
    feed: {base}/feed.xml
  - name: levant-page
    page: {base}/middle-east/
    links: "article.story h2 a"
channels:
  hook: "json://user:{secret}@127.0.0.1:9/never-sent"
rules:
  - name: aleppo-airstrikes
    query: 'Aleppo AND (airstrike* OR warplane* OR shelling)'
    notify: [hook]
  - name: idlib-civilians
    query: 'Idlib NEAR/15 (civilian* OR casualt*)'
    notify: [hook]
web:
  listen: 127.0.0.1:{port}
"""


@dataclass
class Running:
    base: str
    config: Path
    site: SampleSite
    process: subprocess.Popen[str]

    def poll(self) -> None:
        """One cycle of the daemon's work, as `newswatch once` does it."""
        result = run_cli("once", "-c", str(self.config))
        assert result.returncode in (0, 3), result.stderr  # 3: the hook is never reachable


def start_dashboard(tmp: Path, site: SampleSite) -> Running:
    config = tmp / "newswatch.yaml"
    # Port 0: `newswatch web` binds a port the kernel picks and says which (daemons.py).
    config.write_text(
        CONFIG.format(state=tmp / "state.db", base=site.base_url, port=0, secret=SECRET)
    )
    for name, password in PASSWORDS.items():
        added = run_cli(
            "user",
            "add",
            name,
            "--role",
            name,
            "--password-stdin",
            "-c",
            str(config),
            stdin=password + "\n",
        )
        assert added.returncode == 0, added.stderr
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp / "web.log"
    with open(log, "w") as out:  # a file, not a pipe nobody reads: a full pipe blocks the server
        process = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "web", "-c", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    running = Running("", config, site, process)
    running.poll()
    running.base = f"http://127.0.0.1:{logged_port(log.read_text, DASHBOARD_LINE)}"
    _wait_until_up(running, log)
    return running


def _wait_until_up(running: Running, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"newswatch web exited: {log.read_text()}")
        try:
            requests.get(running.base + "/login", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("newswatch web did not start")


def stop_dashboard(running: Running) -> None:
    running.process.terminate()
    try:
        running.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.wait()
    assert running.process.returncode == 0  # the contract: 0 on a clean stop


def login_session(base: str, name: str) -> tuple[requests.Session, str]:
    """A logged-in requests session and its CSRF token (read from a page, as a browser)."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=10).text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = session.post(
        base + "/login",
        data={"name": name, "password": PASSWORDS[name], "csrf_token": token, "next": "/"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.url.rstrip("/") == base, answer.text[:300]
    page = session.get(base + "/", timeout=10).text
    csrf = page.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    return session, csrf
