"""End to end on PostgreSQL: a local news site, two ``newswatch worker`` processes and
``newswatch run`` (with one local worker), stories published across sources: every
expected alert arrives exactly once, and each worker stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from newswatch.demo.server import SampleSite

from .conftest import article, json_url, run_cli
from .daemons import wait_for
from .receivers import HttpReceiver
from .texts import ALEPPO_BODY, WHEAT_BODY
from .workers_helpers import (
    BODY_HOSPITAL,
    BODY_MARKET,
    sql,
    start,
    stop,
    write_config,
)


def titles(receiver: HttpReceiver) -> Counter[str]:
    found: Counter[str] = Counter()
    for body in receiver.bodies():
        for title in ("villages near Aleppo", "Aleppo market", "Aleppo hospital"):
            if title in body.get("title", "") + body.get("message", ""):
                found[title] += 1
    return found


def test_two_workers_and_run_alert_each_story_exactly_once(
    tmp_path: Path, pg_dsn: str, receiver: HttpReceiver
) -> None:
    with SampleSite([]) as wire, SampleSite([]) as daily:
        wire.publish(article("strike", "Warplanes strike villages near Aleppo", ALEPPO_BODY))
        wire.publish(article("wheat", "Wheat prices climb as drought grips region", WHEAT_BODY))
        # The same story on another site, a moment later: one story, one alert.
        daily.publish(
            article("strike-copy", "Warplanes strike villages near Aleppo",
                    ALEPPO_BODY.replace("Thursday", "Thursday,"))
        )  # fmt: skip
        feeds = {"wire": f"{wire.base_url}/feed.xml", "daily": f"{daily.base_url}/feed.xml"}
        config = write_config(tmp_path / "nw.yaml", pg_dsn, feeds, json_url(receiver))
        log = tmp_path / "processes.log"
        processes = [start("worker", config, log), start("worker", config, log)]
        processes.append(start("run", config, log, "--local-workers", "1"))
        try:
            assert wait_for(lambda: titles(receiver)["villages near Aleppo"] >= 1, 120), (
                log.read_text()
            )
            # Stories published while the workers run, on both sites.
            wire.publish(article("market", "Airstrike hits Aleppo market", BODY_MARKET))
            daily.publish(article("hospital", "Aleppo hospital stops admissions", BODY_HOSPITAL))
            assert wait_for(lambda: len(titles(receiver)) == 3, 90), log.read_text()
            time.sleep(8)  # several more polls and deliveries: nothing may arrive again
            polled_by = sql(
                pg_dsn, "SELECT count(*) FROM newswatch_workers WHERE stopped_at IS NULL"
            )
        finally:
            codes = [stop(p) for p in processes]
    assert titles(receiver) == {
        "villages near Aleppo": 1, "Aleppo market": 1, "Aleppo hospital": 1
    }, receiver.bodies()  # fmt: skip
    assert len(receiver.requests) == 3
    assert polled_by == [(3,)]  # two workers and run's local one, all registered
    assert codes == [0, 0, 0], log.read_text()
    status = run_cli("status", "-c", str(config), "--json")
    assert status.returncode == 0, status.stderr
    workers = json.loads(status.stdout)["workers"]
    assert sorted(w["state"] for w in workers) == ["stopped"] * 3
    assert sum(w["polls"] for w in workers) >= 4  # both sources, polled more than once
