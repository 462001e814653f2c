"""kill -9 at random moments while sources publish: nothing lost, nothing sent twice."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import article, json_url
from .receivers import HttpReceiver
from .texts import DAEMON_CONFIG as CONFIG
from .texts import wait_for

KILLS = 20
VOCABULARY = [
    "market",
    "convoy",
    "bridge",
    "hospital",
    "school",
    "checkpoint",
    "village",
    "district",
    "ministry",
    "council",
    "engineers",
    "fuel",
    "water",
    "bakery",
    "station",
    "clinic",
    "road",
    "highway",
    "frontline",
    "ceasefire",
    "talks",
    "delegation",
    "envoy",
    "refugees",
    "camp",
    "winter",
    "supplies",
    "trucks",
    "border",
    "crossing",
    "officials",
    "monitor",
    "rescuers",
    "witnesses",
    "residents",
    "families",
    "shelter",
    "damage",
    "night",
    "morning",
    "evening",
]


def distinct_story(rng: random.Random, n: int) -> tuple[str, str]:
    """A matching article unlike the others, so each is its own story."""
    words = " ".join(rng.choice(VOCABULARY) for _ in range(120))
    title = f"Airstrike near Aleppo hits {rng.choice(VOCABULARY)} (report {n})"
    body = f"<p>An airstrike near Aleppo was reported in report {n}.</p><p>{words}.</p>"
    return title, body


def start(config: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_kill_9_at_random_moments(tmp_path: Path, site: SampleSite, receiver: HttpReceiver) -> None:
    rng = random.Random(20261127)
    state = tmp_path / "state.db"
    config = tmp_path / "newswatch.yaml"
    rule = "  - name: aleppo\n    query: 'Aleppo AND airstrike*'\n    notify: [hook]\n"
    config.write_text(
        CONFIG.format(state=state, base=site.base_url, hook=json_url(receiver), rules=rule)
    )
    log = tmp_path / "daemon.log"
    expected = []
    for n in range(KILLS):
        title, body = distinct_story(rng, n)
        site.publish(article(f"report-{n}", title, body))
        expected.append(title)
        daemon = start(config, log)
        time.sleep(rng.uniform(0.3, 4.0))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait()
        with sqlite3.connect(state) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    daemon = start(config, log)
    try:
        delivered = lambda: sorted(str(b.get("title", "")) for b in receiver.bodies())  # noqa: E731
        arrived = wait_for(lambda: len(receiver.bodies()) >= KILLS, timeout=90)
        time.sleep(3)  # a duplicate would show up now
        assert arrived, log.read_text()[-3000:]
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=15) == 0
    titles = delivered()
    assert len(titles) == KILLS, titles  # none twice
    assert all(any(t in title for title in titles) for t in expected)
