"""A source paused from the dashboard: not polled (not even requested) until resumed,
also by a daemon that restarted; `status` says so and /healthz does not call it overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.app import App
from newswatch.clock import FakeClock
from newswatch.demo.server import SampleSite
from newswatch.ops.liveness import check_liveness
from newswatch.ruleset import parse_rules
from newswatch.store import Store
from tests.conftest import aleppo_config, run_cli


def test_a_paused_source_is_skipped_until_resumed_across_restarts(tmp_path: Path) -> None:
    with SampleSite() as site:
        text = aleppo_config(tmp_path / "state.db", {"wire": site.base_url})
        (tmp_path / "newswatch.yaml").write_text(text)
        rules = parse_rules(text, {})
        config = rules.config
        source = config.sources[0]
        web = Store(tmp_path / "state.db")  # the dashboard's process
        web.sources.pause("wire", "amira", datetime.now(UTC))
        web.close()
        clock = FakeClock(datetime.now(UTC))
        app = App(rules, clock=clock)
        try:
            report = app.poll(source)
            assert report.paused and report.skipped and report.new_articles == 0
            assert site.requests == []  # not a single request
            late = clock.now() + timedelta(hours=2)
            started = clock.now()
            health = check_liveness(
                config,
                app.store.sources.all(),
                late,
                scheduler_running=True,
                heartbeat_at=late,
                started_at=started,
            )
            assert "wire" not in health.details["overdue"]
        finally:
            app.close()
        status = run_cli("status", "--json", "-c", str(tmp_path / "newswatch.yaml"))
        assert '"health": "paused"' in status.stdout and '"paused_by": "amira"' in status.stdout
        once = run_cli("once", "-c", str(tmp_path / "newswatch.yaml"))
        assert (
            "wire: paused on the dashboard" in once.stderr and site.requests == []
        )  # a new process: still
        store = Store(tmp_path / "state.db")
        assert store.sources.resume("wire") and not store.sources.resume("wire")
        store.close()
        app = App(rules, clock=clock)
        try:
            assert app.poll(source).new_articles == 3  # the feed's three
        finally:
            app.close()
