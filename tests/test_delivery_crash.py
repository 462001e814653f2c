"""``kill -9`` in the middle of a delivery burst loses nothing; at most the one message
in flight when the process died is repeated (the documented window)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.clock import FakeClock
from newswatch.notify import DeliveryWorker, enqueue_alerts
from newswatch.notify.delivery import LEASE
from newswatch.store import Store
from tests.receivers import Request, http_receiver, make_config, make_message

REPO = Path(__file__).resolve().parent.parent
TOTAL = 30

WORKER = """
import sys
from newswatch.clock import SystemClock
from newswatch.notify import DeliveryWorker
from newswatch.store import Store
from tests.receivers import make_config
store = Store(sys.argv[1])
config = make_config({"hook": {"urls": [sys.argv[2]], "flood_threshold": 1000}})
print("ready", flush=True)
DeliveryWorker(store, config, SystemClock()).deliver_due()
"""


def test_kill_9_during_burst_then_restart_delivers_everything(tmp_path: Path) -> None:
    def slow(_: int, __: Request) -> tuple[int, bytes, dict[str, str]]:
        time.sleep(0.02)
        return 200, b"{}", {}

    db = tmp_path / "state.db"
    with http_receiver(slow) as rx:
        url = f"json://127.0.0.1:{rx.url.rsplit(':', 1)[1]}/in"
        config = make_config({"hook": {"urls": [url], "flood_threshold": 1000}})
        store = Store(db)
        now = datetime.now(UTC)
        with store.unit() as tx:
            for n in range(TOTAL):
                message = make_message(f"story {n:02d}")
                enqueue_alerts(
                    tx.outbox, config.rules[0], message, now, cluster_id=None, match_id=None
                )
        store.close()

        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), url],
            cwd=REPO,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        deadline = time.monotonic() + 20
        while len(rx.requests) < TOTAL // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.1)  # let a request the dead worker had already written land
        received_before = len(rx.requests)

        store = Store(db)
        # The batch the dead worker had claimed is due again once its lease ends.
        after_lease = FakeClock(datetime.now(UTC) + LEASE + timedelta(seconds=1))
        report = DeliveryWorker(store, config, after_lease).deliver_due()
        counts = store.outbox.counts()
        store.close()
        titles = [r.json()["title"] for r in rx.requests]

    assert 0 < received_before < TOTAL, "the kill must land mid-burst"
    seen = Counter(titles)
    assert set(seen) == {f"[newswatch] aleppo: story {n:02d}" for n in range(TOTAL)}
    assert sum(seen.values()) - TOTAL <= 1
    assert counts == {"sent": TOTAL}
    assert report.sent == TOTAL - received_before + (sum(seen.values()) - TOTAL)
    # order survives the crash
    firsts = list(dict.fromkeys(titles))
    assert firsts == sorted(firsts)
