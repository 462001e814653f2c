"""The first poll of a new source: ``first_poll: alert-recent`` (the default) alerts on
the story window's entries; ``baseline`` and ``once --baseline`` record them quietly, and
only what is published afterwards alerts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import aleppo_config, article, json_url, run_cli
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY

SECOND_BODY = ALEPPO_BODY.replace("Aleppo", "Aleppo's eastern districts", 1)


def setup(tmp_path: Path, site: SampleSite, receiver: HttpReceiver, extra: str = "") -> Path:
    site.publish(article("old-strike", "Warplanes strike near Aleppo", ALEPPO_BODY))
    path = tmp_path / "newswatch.yaml"
    text = aleppo_config(tmp_path / "state.db", {"levant": site.base_url}, hook=json_url(receiver))
    path.write_text(extra + text)
    return path


def seen(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "state.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def test_the_default_first_poll_alerts_on_recent_entries(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    result = run_cli("once", "-c", str(setup(tmp_path, site, receiver)))
    assert result.returncode == 0, result.stderr
    assert len(receiver.bodies()) == 1


def test_first_poll_baseline_records_quietly_then_alerts_on_new(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    config = setup(tmp_path, site, receiver, "first_poll: baseline\n")
    first = run_cli("once", "-c", str(config))
    assert first.returncode == 0, first.stderr
    assert receiver.bodies() == []
    assert "levant: baseline: 1 article(s) recorded as seen, no alerts" in first.stderr
    assert seen(tmp_path) >= 1
    site.publish(article("new-strike", "New strikes hit eastern Aleppo", SECOND_BODY))
    second = run_cli("once", "-c", str(config))
    assert second.returncode == 0, second.stderr
    assert len(receiver.bodies()) == 1  # only the article published after the baseline


def test_a_source_may_set_its_own_first_poll(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    config = setup(tmp_path, site, receiver)
    config.write_text(
        config.read_text().replace("/feed.xml\n", "/feed.xml\n    first_poll: baseline\n", 1)
    )
    assert run_cli("once", "-c", str(config)).returncode == 0
    assert receiver.bodies() == []


def test_once_baseline_is_a_quiet_start(
    tmp_path: Path, site: SampleSite, receiver: HttpReceiver
) -> None:
    config = setup(tmp_path, site, receiver)
    result = run_cli("once", "--baseline", "-c", str(config))
    assert result.returncode == 0, result.stderr
    assert receiver.bodies() == []
    assert run_cli("once", "-c", str(config)).returncode == 0
    assert receiver.bodies() == []  # what the baseline saw stays seen
