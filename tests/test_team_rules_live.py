"""`newswatch run` serving the dashboard: after a SIGHUP the pages show the new config, and
a team rule saved by another process is in force (it alerts) without a restart."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests

from newswatch.demo.server import SampleSite
from newswatch.ruleset import load_rules
from newswatch.store import Store
from newswatch.store.team_rules import TeamRuleRepo
from newswatch.teamrules import LiveRules
from tests.conftest import article, run_cli
from tests.daemons import DASHBOARD_LINE, logged_port

CONFIG = """state: {state}
sources:
  - name: wire
    feed: {base}/feed.xml
    interval: 1s
channels:
  desk: "json://127.0.0.1:9/never-sent"
rules:
  - name: aleppo
    query: 'Aleppo AND airstrike*'
    notify: [desk]
{more}web:
  listen: 127.0.0.1:{port}
"""
HOMS = "  - name: homs\n    query: 'Homs'\n    notify: [desk]\n"


def _until(what: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what.__doc__ or what}")


def test_run_dashboard_follows_sighup_and_team_rules_of_another_process(tmp_path: Path) -> None:
    path, log = tmp_path / "newswatch.yaml", tmp_path / "daemon.log"
    port = 0  # the daemon binds a port the kernel picks and logs it (tests/daemons.py)
    with SampleSite([]) as site:

        def write(more: str = "") -> None:
            state = tmp_path / "state.db"
            path.write_text(CONFIG.format(state=state, base=site.base_url, port=port, more=more))

        write()
        added = run_cli(
            "user", "add", "amira", "--role", "editor", "--password-stdin", "-c", str(path),
            stdin="editor-password-1\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        token = run_cli("user", "token", "amira", "-c", str(path)).stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}

        def rules() -> dict[str, str]:
            try:
                answer = requests.get(base + "/api/rules", headers=headers, timeout=5)
            except requests.ConnectionError:
                return {}
            return {r["name"]: r["origin"] for r in answer.json()["rules"]}

        with log.open("w") as err:
            daemon = subprocess.Popen(
                [sys.executable, "-m", "newswatch", "run", "-c", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            base = f"http://127.0.0.1:{logged_port(log.read_text, DASHBOARD_LINE)}"
            _until(lambda: rules() == {"aleppo": "config"})
            write(HOMS)
            daemon.send_signal(signal.SIGHUP)
            _until(lambda: rules() == {"aleppo": "config", "homs": "config"})
            # The dashboard of another process saves a team rule into the same state.
            other = Store(tmp_path / "state.db")
            live = LiveRules(TeamRuleRepo(other.db), load_rules(path))
            live.save(
                {"name": "idlib", "query": "Idlib", "notify": ["desk"]}, "omar", datetime.now(UTC)
            )
            other.close()
            _until(lambda: rules().get("idlib") == "team", timeout=15)  # a heartbeat is 5 s
            site.publish(article("idlib", "Shelling in Idlib", "<p>Idlib was shelled.</p>"))

            def alerted() -> bool:
                answer = requests.get(base + "/api/alerts?rule=idlib", headers=headers, timeout=5)
                return [a["title"] for a in answer.json()["alerts"]] == ["Shelling in Idlib"]

            _until(alerted)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
    assert daemon.returncode == 0, log.read_text()
    assert "team rules changed (revision 1): 1 in force" in log.read_text()
