"""``newswatch once`` as cron runs it: the exit status says whether alerts got out, and a
clean exit with an alert still pending is not mistaken for a crash by the next run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import NEVER_SENT, aleppo_config, article, json_url, run_cli
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY

DIED = "were being sent when a newswatch process died"


def write_config(tmp_path: Path, site: SampleSite, hook: str) -> Path:
    site.publish(article("aleppo", "Warplanes strike near Aleppo", ALEPPO_BODY))
    path = tmp_path / "newswatch.yaml"
    path.write_text(aleppo_config(tmp_path / "state.db", {"levant": site.base_url}, hook=hook))
    return path


def attempts(tmp_path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(tmp_path / "state.db") as conn:
        return [(str(s), int(a)) for s, a in conn.execute("SELECT status, attempts FROM alerts")]


def test_once_exits_3_when_an_alert_is_still_pending(tmp_path: Path, site: SampleSite) -> None:
    config = write_config(tmp_path, site, NEVER_SENT)  # port 9: connection refused
    result = run_cli("once", "-c", str(config))
    assert result.returncode == 3, result.stderr
    assert "1 alert(s) not delivered (1 waiting for a retry, 0 failed)" in result.stderr
    assert attempts(tmp_path) == [("pending", 1)]


def test_once_exits_0_when_everything_got_out(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    config = write_config(tmp_path, site, json_url(receiver))
    result = run_cli("once", "-c", str(config))
    assert result.returncode == 0, result.stderr
    assert attempts(tmp_path) == [("sent", 1)]


def test_a_clean_exit_with_a_pending_alert_is_not_taken_for_a_crash(
    tmp_path: Path, site: SampleSite
) -> None:
    config = write_config(tmp_path, site, NEVER_SENT)
    assert run_cli("once", "-c", str(config)).returncode == 3
    again = run_cli("once", "-c", str(config))
    assert DIED not in again.stderr
    # The retry waits for its back-off (30 s by default) instead of going at once.
    assert attempts(tmp_path) == [("pending", 1)]
    assert again.returncode == 3


def test_json_logs_carry_source_url_channel_rule_and_error_as_fields(
    tmp_path: Path, site: SampleSite
) -> None:
    import json

    config = write_config(tmp_path, site, NEVER_SENT)
    config.write_text(
        config.read_text().replace(
            "sources:\n", "sources:\n  - name: gone\n    feed: http://127.0.0.1:9/rss.xml\n"
        )
    )
    result = run_cli("once", "-c", str(config), "--log-format", "json")
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    failed_source = next(e for e in events if e.get("source") == "gone")
    assert failed_source["url"] == "http://127.0.0.1:9/rss.xml"
    assert failed_source["error"].startswith("connection failed")
    failed_channel = next(e for e in events if e.get("channel") == "hook")
    assert failed_channel["rule"] == "aleppo" and failed_channel["error"]
