"""The daemon caps glibc's malloc arenas (service/memory.py), in a fresh interpreter each."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Eight threads allocate outside Python's small-object allocator; glibc's malloc_stats()
# then lists one "Arena N:" block per arena on stderr.
PROBE = """
import ctypes, sys, threading
from newswatch.ops.memory import limit_malloc_arenas
applied = limit_malloc_arenas() if sys.argv[1] == "limit" else False
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    blocks = [libc.malloc(4096) for _ in range(200)]
    for block in blocks:
        libc.free(block)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(applied, flush=True)
libc.malloc_stats()
"""


def _arenas(mode: str, env: dict[str, str]) -> tuple[str, int]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    )  # fmt: skip
    return result.stdout.strip(), result.stderr.count("Arena ")


@pytest.fixture
def env() -> dict[str, str]:
    if not os.confstr("CS_GNU_LIBC_VERSION"):
        pytest.skip("not glibc")
    return {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}


def test_threads_share_two_arenas_once_limited(env: dict[str, str]) -> None:
    applied, arenas = _arenas("limit", env)
    assert applied == "True"
    assert 1 <= arenas <= 2
    _, unlimited = _arenas("none", env)
    assert unlimited > 2  # the probe does exercise per-thread arenas


def test_the_operators_malloc_arena_max_wins(env: dict[str, str]) -> None:
    applied, arenas = _arenas("limit", {**env, "MALLOC_ARENA_MAX": "3"})
    assert applied == "False"
    assert arenas <= 3
