"""Helpers for the tests that run real ``newswatch worker`` processes on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg

from newswatch.model import Entry
from newswatch.workers.queue import SourceSpec

BODY_MARKET = """
<p>An airstrike hit the crowded vegetable market of Aleppo's al-Sukkari district on Monday
afternoon, medics said, the third attack on the neighbourhood this month.</p>
<p>Volunteers pulled survivors from the rubble of two collapsed shop fronts while ambulances
queued at the only road still open into the district.</p>
<p>Residents said they had begun to shop before sunrise to avoid the afternoon raids, and
that the market had been nearly empty when the first missile struck.</p>
"""

BODY_HOSPITAL = """
<p>A children's hospital in eastern Aleppo stopped admitting patients after an air strike
damaged its generator and its only operating theatre late on Tuesday, its director said.</p>
<p>Doctors moved eleven newborns in incubators to a clinic across the river in the back of
a pick-up truck, powered by a car battery for most of the journey.</p>
<p>The health directorate said it had shared the hospital's coordinates with every party to
the conflict through the United Nations deconfliction system.</p>
"""

CONFIG = """
state: "{dsn}"
defaults:
  interval: {interval}
  timeout: 5s
sources:
{sources}
channels:
  hook: "{hook}"
rules:
  - name: aleppo
    query: 'Aleppo AND (airstrike* OR "air strike*" OR warplane* OR bombing)'
    notify: [hook]
"""


def write_config(
    path: Path, dsn: str, feeds: dict[str, str], hook: str, interval: str = "2s"
) -> Path:
    sources = "".join(f"  - name: {name}\n    feed: {url}\n" for name, url in feeds.items())
    path.write_text(CONFIG.format(dsn=dsn, interval=interval, sources=sources, hook=hook))
    return path


def start(command: str, config: Path, log: Path, *args: str) -> subprocess.Popen[bytes]:
    """``newswatch COMMAND -c CONFIG ARGS`` in the background, its output in ``log``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "newswatch", command, "-c", str(config), *args],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def sql(dsn: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


class Recorded:
    """A Work whose polls only count (the real one runs newswatch's pipeline)."""

    def __init__(self, sources: dict[str, SourceSpec]) -> None:
        self._sources = sources
        self.polled: list[str] = []

    def sources(self) -> dict[str, SourceSpec]:
        return self._sources

    def poll(self, source: str) -> None:
        self.polled.append(source)

    def article(self, source: str, entry: Entry, quiet: bool) -> None:
        pass

    def deliver(self) -> None:
        pass

    def prune(self) -> None:
        pass


def specs(n: int, *, every: float = 60.0, origins: int = 3) -> dict[str, SourceSpec]:
    return {f"s{i}": SourceSpec(f"http://site{i % origins}:80", every) for i in range(n)}
