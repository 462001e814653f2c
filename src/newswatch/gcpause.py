"""Pausing the cyclic garbage collector while a large, acyclic structure is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building thousands of small acyclic objects (a config of 10,000 rules, their compiled
    queries and index) triggers collection after collection, each walking everything built
    so far: a large share of the time, for nothing.

    On the way out, freeze + unfreeze moves every tracked object to the oldest generation
    (CPython documents unfreeze so), instead of leaving a million of them young, where the
    first collection after re-enabling would walk them all once more.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
