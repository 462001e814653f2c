"""``newswatch status`` through the real CLI, against a real state file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.cli import main
from newswatch.store import Store

SECRET = "hunter2-smtp-pass"


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"""
state: {tmp_path / "state.db"}
sources:
  - name: good
    feed: http://127.0.0.1:1/feed.xml
  - name: broken
    page: http://127.0.0.1:1/news/
    links: "h2 a"
  - name: fresh
    sitemap: http://127.0.0.1:1/sitemap.xml
channels:
  mail: "mailtos://alerts:${{SMTP_PASSWORD}}@127.0.0.1:2525?to=a@example.org"
ops_channel: mail
""",
        encoding="utf-8",
    )
    return path


def _populate(tmp_path: Path) -> None:
    # Relative to the moment of the test, not of the import: "3m ago" must stay "3m"
    # however long the suite ran before (30 s of slack for the rendering).
    NOW = datetime.now(UTC)
    store = Store(tmp_path / "state.db")
    long_ago = NOW - timedelta(hours=3)
    store.sources.record_success("good", NOW - timedelta(minutes=3, seconds=15), 10, 2)
    for i in range(4):
        store.sources.record_failure(
            "broken",
            long_ago + timedelta(minutes=i),
            f"mailtos://alerts:{SECRET}@127.0.0.1: HTTP 403",
            backoff_until=NOW + timedelta(minutes=30),
        )
    store.sources.set_health("broken", False, "blocked: HTTP 403 on 2 polls in a row")
    store.sources.record_success("removed-source", long_ago, 1, 0)
    with store.unit() as tx:
        for i, title in enumerate(["Airstrikes near Aleppo", "Shelling reported", "Ops note"]):
            tx.outbox.enqueue("aleppo", "mail", {"title": title}, NOW - timedelta(hours=i))
    store.outbox.mark_sent(1, NOW)
    store.outbox.mark_failed(2, f"SMTP auth failed for alerts:{SECRET}")
    store.outbox.mark_retry(3, "connection refused", NOW + timedelta(minutes=5))
    store.close()


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMTP_PASSWORD", SECRET)
    return _config(tmp_path)


def test_json(configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _populate(tmp_path)
    assert main(["status", "-c", str(configured), "--json"]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out
    report = json.loads(out)
    sources = {s["name"]: s for s in report["sources"]}
    assert [s["name"] for s in report["sources"]] == ["good", "broken", "fresh", "removed-source"]
    assert (sources["good"]["health"], sources["good"]["consecutive_failures"]) == ("ok", 0)
    broken = sources["broken"]
    assert broken["health"] == "unhealthy"
    assert broken["unhealthy_reason"] == "blocked: HTTP 403 on 2 polls in a row"
    assert broken["consecutive_failures"] == 4
    assert broken["last_error"] == "mailtos://alerts:***@127.0.0.1: HTTP 403"
    assert broken["backoff_until"] is not None
    assert sources["fresh"]["health"] == "never polled"
    assert sources["removed-source"]["in_config"] is False
    deliveries = report["deliveries"]
    assert deliveries["counts"] == {"sent": 1, "failed": 1, "pending": 1}
    assert [a["title"] for a in deliveries["failed"]] == ["Shelling reported"]
    assert deliveries["failed"][0]["last_error"] == "SMTP auth failed for alerts:***"
    assert [a["title"] for a in deliveries["pending"]] == ["Ops note"]
    assert [a["id"] for a in report["recent_alerts"]] == [3, 2, 1]
    assert report["database"]["alerts"] == 3
    store = Store(tmp_path / "state.db")
    assert store.status.pending_by_channel() == {"mail": 1}
    store.close()


def test_tables(configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _populate(tmp_path)
    assert main(["status", "-c", str(configured)]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out
    lines = out.splitlines()
    assert "SOURCES (4, 1 not ok)" in lines
    header = next(line for line in lines if line.startswith("NAME"))
    assert header.split() == ["NAME", "HEALTH", "LAST", "POLL", "LAST", "SUCCESS", "FAILS",
                              "BACK-OFF", "LAST", "ERROR"]  # fmt: skip
    good = next(line for line in lines if line.startswith("good "))
    assert good.split()[1:4] == ["ok", "3m", "ago"]
    broken = next(line for line in lines if line.startswith("broken "))
    assert "UNHEALTHY" in broken and " 4 " in broken and "in 29m" in broken
    assert "  broken: blocked: HTTP 403 on 2 polls in a row" in lines
    assert any(line.startswith("removed-source") and "(not in config)" in line for line in lines)
    assert "DELIVERIES: 1 pending · 1 failed · 1 sent" in lines
    failed_at = lines.index("FAILED (gave up)")
    assert "SMTP auth failed for alerts:***" in lines[failed_at + 2]
    assert "PENDING (next try)" in lines


def test_before_the_first_run(configured: Path, tmp_path: Path, capsys) -> None:
    assert main(["status", "-c", str(configured)]) == 0
    out = capsys.readouterr().out
    assert "no state database yet" in out
    assert not (tmp_path / "state.db").exists()  # status never creates state
    assert main(["status", "-c", str(configured), "--json"]) == 0
    sources = json.loads(capsys.readouterr().out)["sources"]
    assert {s["health"] for s in sources} == {"never polled"}


def test_invalid_config_exits_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: 3\n", encoding="utf-8")
    assert main(["status", "-c", str(bad)]) == 2


def test_active_silences_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"state: {tmp_path / 'state.db'}\nrules:\n  - name: aleppo\n    query: x\n")
    assert main(["silence", "-c", str(config), "aleppo", "--for", "4h"]) == 0
    capsys.readouterr()
    assert main(["status", "-c", str(config), "--json"]) == 0
    [silence] = json.loads(capsys.readouterr().out)["silences"]
    assert silence["rule"] == "aleppo"
    assert main(["status", "-c", str(config)]) == 0
    assert "SILENCES" in capsys.readouterr().out
