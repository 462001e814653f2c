"""The shared schedule's arithmetic (no database): phases that spread a large
installation's polls over the interval, and keep them spread after an outage."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from newswatch.workers.queue import SourceSpec, first_offsets, next_due

T0 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
EVERY_5_MIN = SourceSpec("http://127.0.0.1:1", 300.0)


def test_an_overdue_source_keeps_its_phase() -> None:
    assert next_due(EVERY_5_MIN, T0, T0 + timedelta(seconds=3)) == T0 + timedelta(minutes=5)
    # Down for 17.5 minutes: the next slot of its own phase, 10:20, not 10:22:30.
    later = next_due(EVERY_5_MIN, T0, T0 + timedelta(minutes=17, seconds=30))
    assert later == T0 + timedelta(minutes=20)
    assert next_due(EVERY_5_MIN, T0, T0 + timedelta(minutes=20)) == T0 + timedelta(minutes=25)


def test_a_small_installation_is_first_polled_within_a_minute() -> None:
    sources = {f"s{i}": EVERY_5_MIN for i in range(20)}
    offsets = first_offsets(sources, random.Random(7))
    assert max(offsets.values()) < 60
    quick = first_offsets({"q": SourceSpec("http://127.0.0.1:1", 20.0)}, random.Random(7))
    assert quick["q"] < 20


def test_twenty_thousand_sources_stay_spread_over_the_interval_across_an_outage() -> None:
    sources = {f"s{i}": EVERY_5_MIN for i in range(20_000)}
    offsets = first_offsets(sources, random.Random(7))
    assert max(offsets.values()) > 290  # over the whole 5 minutes, not squeezed into one
    due = {name: T0 + timedelta(seconds=o) for name, o in offsets.items()}
    # Every worker down for 17.5 minutes: the ticks that follow reschedule every source
    # within 20 s of each other; the next dues must stay as spread as the first ones.
    back = T0 + timedelta(minutes=17, seconds=30)
    nxt = [next_due(EVERY_5_MIN, due[n], back + timedelta(seconds=i % 20)) for i, n in
           enumerate(sources)]  # fmt: skip
    per_10s = Counter(int((d - back).total_seconds()) // 10 for d in nxt)
    assert len(per_10s) >= 30 and max(per_10s.values()) < 2 * 20_000 / 30
