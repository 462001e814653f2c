"""The daemon loads datasketch's MinHash without scipy, and its signatures stay the stored ones.

Each check runs in a fresh interpreter: ``sys.modules`` of the test process already holds
whatever other tests imported.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

DAEMON_MODULES = "newswatch.app, newswatch.daemon, newswatch.commands.run, newswatch.cli"
TITLE = "Airstrike on market town west of Aleppo kills 12 civilians on Tuesday"
TEXT = (
    "At least twelve civilians were killed on Tuesday when an airstrike hit the crowded "
    "market of a town west of Aleppo, local rescue workers said. The strike came shortly "
    "before noon, when the market is busiest, and destroyed several shops and a bakery. "
    "Rescue teams worked through the afternoon to pull survivors from the rubble, and the "
    "wounded were taken to hospitals in the nearby towns. A monitoring group said the toll "
    "was likely to rise. No party claimed the strike, the third on the area this month."
)
# sha256 of Fingerprint.to_bytes() for (TITLE, TEXT), recorded by the code that still did
# ``from datasketch import MinHash`` (the whole package): stored 'N2' signatures must keep
# matching new ones.
GOLDEN = "8a842398b9eb352a67d563ad9d13004bd2aafbb0bde2a257761c1fac2e0fc8b0"


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_daemon_import_path_does_not_load_scipy() -> None:
    out = run_python(
        f"import sys, json; import {DAEMON_MODULES}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('scipy', 'datasketch'))))"
    )
    loaded = json.loads(out)
    assert not [m for m in loaded if m.startswith("scipy")], loaded
    assert "datasketch.minhash" in loaded
    assert "datasketch.lsh" not in loaded


def test_a_later_import_datasketch_gets_the_whole_package_and_the_same_class() -> None:
    out = run_python(
        "from newswatch.dedup.minhash import MinHash; import datasketch; "
        "print(datasketch.MinHash is MinHash, hasattr(datasketch, 'MinHashLSH'))"
    )
    assert out.split() == ["True", "True"]


@pytest.mark.parametrize(
    "first",
    [
        pytest.param("", id="partial import"),
        pytest.param("import datasketch; ", id="whole package first"),
    ],
)
def test_signatures_are_the_stored_ones(first: str) -> None:
    out = run_python(
        f"{first}import hashlib; from newswatch.dedup.fingerprint import fingerprint; "
        f"print(hashlib.sha256(fingerprint({TITLE!r}, {TEXT!r}).to_bytes()).hexdigest())"
    )
    assert out.strip() == GOLDEN


def test_golden_text_is_a_full_article() -> None:
    from newswatch.dedup.fingerprint import fingerprint

    fp = fingerprint(TITLE, TEXT)
    assert not fp.short and fp.body_size > 60
    assert hashlib.sha256(fp.to_bytes()).hexdigest() == GOLDEN
