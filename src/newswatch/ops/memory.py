"""The C allocator's settings for a daemon that runs for months with a dozen threads.

glibc's malloc gives every thread that allocates an arena (a heap) of its own, up to
8 per CPU. The daemon's poll workers, service jobs and HTTP server are ~15 threads; lxml,
SQLite and large Python objects allocate outside Python's own allocator, so each arena
keeps the memory its thread freed, and the process's RSS creeps up for a long time before
it levels off. Two arenas cut the soak benchmark's RSS by ~7 MB and flattened its curve
(benchmarks/bench_soak.py, same run: peak 117 → 110 MB, trend +0.9 → +0.1 MB per 10
simulated minutes). The cost, threads waiting on an arena's lock, is small here: the GIL
already serialises most allocation.

It is the process-level form of the usual ``MALLOC_ARENA_MAX=2``; an operator who sets
that variable keeps their value. Elsewhere (musl, macOS) there is nothing to tune.
"""

from __future__ import annotations

import ctypes
import logging
import os

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc <malloc.h>
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; call before starting threads. True when applied."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False  # glibc read the operator's value at start-up
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False  # not glibc
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    applied = bool(mallopt(M_ARENA_MAX, arenas))
    log.debug("malloc arenas limited to %d: %s", arenas, applied)
    return applied
