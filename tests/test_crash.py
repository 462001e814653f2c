"""kill -9 at random moments while sources publish: nothing lost, nothing sent twice.

The moments are drawn from a seeded generator (the seed is printed; CRASH_SEED=N replays or
varies it) and timed from what the daemon has done, not from when the process was spawned:
most kills land in the first seconds of a running daemon (the first poll, storing, matching,
queueing, and the first delivery round 1 s after start), some during start-up. Timed from
the spawn alone, half the kills hit Python's imports on a busy machine and proved nothing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newswatch.demo.server import SampleSite

from .conftest import article, json_url
from .daemons import wait_for
from .receivers import HttpReceiver
from .texts import DAEMON_CONFIG as CONFIG

# Twelve daemon start-ups: on a loaded machine each takes seconds (imports, worker processes).
pytestmark = pytest.mark.timeout(360)

KILLS = 12
RUNNING = "newswatch running"
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


def kill_moment(rng: random.Random, log: Path, runs_before: int) -> str:
    """Wait until a moment worth killing at; says which, for the failure message."""
    if rng.random() < 0.25:
        delay = rng.uniform(0.1, 1.5)  # start-up: opening the state file, scheduling
        time.sleep(delay)
        return f"{delay:.2f}s after spawn"
    started = wait_for(lambda: log.read_text().count(RUNNING) > runs_before, timeout=60)
    assert started, log.read_text()[-3000:]
    delay = rng.uniform(0.0, 2.5)  # the first poll, its alerts, the first delivery round
    time.sleep(delay)
    return f"{delay:.2f}s after running"


def test_kill_9_at_random_moments(tmp_path: Path, site: SampleSite, receiver: HttpReceiver) -> None:
    seed = int(os.environ.get("CRASH_SEED", "20261127"))
    print(f"CRASH_SEED={seed}")  # shown with a failure: the same kills again
    rng = random.Random(seed)
    state = tmp_path / "state.db"
    config = tmp_path / "newswatch.yaml"
    rule = "  - name: aleppo\n    query: 'Aleppo AND airstrike*'\n    notify: [hook]\n"
    config.write_text(
        CONFIG.format(state=state, base=site.base_url, hook=json_url(receiver), rules=rule)
    )
    log = tmp_path / "daemon.log"
    log.touch()
    expected = []
    for n in range(KILLS):
        title, body = distinct_story(rng, n)
        site.publish(article(f"report-{n}", title, body))
        expected.append(title)
        runs_before = log.read_text().count(RUNNING)
        daemon = start(config, log)
        print(f"kill {n}: {kill_moment(rng, log, runs_before)}")
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
