"""``newswatch run`` as ops staff run it: start, alert, SIGHUP reload, SIGTERM stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newswatch.demo.server import SampleSite

from .conftest import article, json_url
from .daemons import wait_for
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY, WHEAT_BODY
from .texts import DAEMON_CONFIG as CONFIG

ALEPPO_RULE = "  - name: aleppo\n    query: 'Aleppo AND airstrike*'\n    notify: [hook]\n"
WHEAT_RULE = "  - name: wheat\n    query: 'wheat AND drought'\n    notify: [hook]\n"


@pytest.fixture
def daemon_env(tmp_path: Path, site: SampleSite, receiver: HttpReceiver) -> Iterator[object]:
    config = tmp_path / "newswatch.yaml"

    def write(rules: str) -> None:
        config.write_text(
            CONFIG.format(
                state=tmp_path / "state.db",
                base=site.base_url,
                hook=json_url(receiver),
                rules=rules,
            )
        )

    write(ALEPPO_RULE)
    stderr = open(tmp_path / "stderr.log", "w+")  # noqa: SIM115 - read back by the test
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    yield proc, write, tmp_path / "stderr.log"
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    stderr.close()


def test_run_alerts_reloads_and_stops_cleanly(
    daemon_env: tuple[subprocess.Popen[bytes], Callable[[str], None], Path],
    site: SampleSite,
    receiver: HttpReceiver,
) -> None:
    proc, write_config, log_path = daemon_env
    site.publish(article("aleppo-strikes", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
    assert wait_for(lambda: len(receiver.bodies()) == 1), log_path.read_text()

    # An invalid config on SIGHUP is logged and the running one kept.
    write_config("  - name: broken\n    query: '(wheat'\n")
    proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "keeping the running config" in log_path.read_text(), 15)
    assert proc.poll() is None

    # A valid one is applied: the new rule alerts on the next article.
    write_config(ALEPPO_RULE + WHEAT_RULE)
    proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "reloaded" in log_path.read_text(), 15), log_path.read_text()
    site.publish(article("wheat", "Wheat prices climb as drought grips region", WHEAT_BODY))
    assert wait_for(lambda: len(receiver.bodies()) == 2), log_path.read_text()

    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    # wait() must not be the limit being asserted: it raises at its timeout, so the elapsed
    # time could never fail the assert below if both were 10 s.
    assert proc.wait(timeout=60) == 0
    assert time.monotonic() - started < 10
    assert len(receiver.bodies()) == 2  # nothing sent twice
