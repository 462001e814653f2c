"""datasketch's ``MinHash`` class, loaded without the rest of datasketch (and scipy).

Why: ``import datasketch`` runs the package's ``__init__``, which imports every sketch the
library has, and ``datasketch.lsh`` does ``from scipy.integrate import quad`` at module
level (to tune LSH band parameters). For the daemon that was ~40 MB of RSS (a quarter of
its memory budget) and ~0.5 s of every start, for an integrator it never calls:
newswatch uses only ``datasketch.minhash.MinHash`` (its LSH is ``dedup/bands.py``).

Why not a few lines of numpy instead: stored signatures (header ``N2``) are defined by
datasketch's ``affine32`` scheme and its seeded permutations, bit for bit; the library
stays their definition and their tests.

How: the ``datasketch`` package module is created from its import spec *without running
its ``__init__``*, registered in ``sys.modules`` just long enough to import
``datasketch.minhash`` (which needs only ``datasketch.hashfunc`` and numpy), then taken
out again. A later ``import datasketch`` elsewhere (tests, benchmarks) therefore runs the
real ``__init__``, which reuses the loaded submodules: it is the same ``MinHash`` class.
This runs once, at import time, before the daemon starts any thread.

What would break it, and how we would notice:

* ``datasketch.minhash`` importing, at module level, a datasketch module that needs scipy
  → ``tests/test_dedup_imports.py`` fails (scipy in the daemon's ``sys.modules``);
* ``MinHash`` moving to another module, or needing state the package ``__init__`` sets up
  → ``ImportError`` / ``AttributeError`` at start-up, in every test;
* a change of the values datasketch computes → the golden signature test fails
  (``tests/test_dedup_imports.py``). ``pyproject.toml`` pins ``datasketch<3``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch.minhash import MinHash as MinHash

_PACKAGE = "datasketch"
_MODULE = "datasketch.minhash"


def _import_minhash_module() -> ModuleType:
    if _PACKAGE in sys.modules or _MODULE in sys.modules:
        return importlib.import_module(_MODULE)  # already paid for, or already done
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("datasketch is not installed as a regular package")
    sys.modules[_PACKAGE] = importlib.util.module_from_spec(spec)  # __init__ not run
    try:
        return importlib.import_module(_MODULE)
    finally:
        del sys.modules[_PACKAGE]


if not TYPE_CHECKING:
    MinHash = _import_minhash_module().MinHash

__all__ = ["MinHash"]
