"""The cyclic garbage collector's settings: chosen once, when the process starts.

newswatch builds large acyclic structures (a config of 10,000 rules is a million small
objects: models, compiled queries, the matcher's index) at start-up and on every reload.
With CPython's default first threshold (700 allocations) the collector runs thousands of
times while they are built, and each full collection walks everything built so far: up to
a second of a 10,000-rule start for nothing. A first threshold of 50,000 makes young
collections rare and cheap; cycles are still collected, just in larger batches.

This is process-wide policy, so it is set here, once, by the command line's entry point:
library code never switches the collector off or freezes objects (doing that on SIGHUP,
while worker threads allocate, moved their objects out of the young generations too).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Raise the first-generation threshold; the older generations keep their defaults."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
