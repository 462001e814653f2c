"""The worker template unit (systemd/newswatch-worker@.service): verify passes and it is
hardened like the daemon's unit (``systemd-analyze security`` ≤ 2.0)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parents[1] / "systemd" / "newswatch-worker@.service"
ANALYZE = shutil.which("systemd-analyze")
pytestmark = pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze not installed (apt-get install -y systemd)"
)


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    """Instance 1 of the template, running an executable that exists here."""
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("/usr/local/bin/newswatch", shutil.which("newswatch") or sys.executable)
    path = tmp_path / "newswatch-worker@1.service"
    path.write_text(text, encoding="utf-8")
    return path


def _analyze(*args: str) -> subprocess.CompletedProcess[str]:
    assert ANALYZE is not None
    return subprocess.run([ANALYZE, *args], capture_output=True, text=True, timeout=60, check=False)


def test_the_template_verifies(instance: Path) -> None:
    result = _analyze("verify", str(instance))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_template_is_hardened_like_the_daemon(instance: Path) -> None:
    result = _analyze("security", "--offline=yes", "--no-pager", str(instance))
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) <= 2.0, result.stdout


def test_it_runs_a_worker_and_does_not_loop_on_a_bad_config() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=\S+ worker -c ", text, re.M)
    assert "RestartPreventExitStatus=2" in text
    assert "StateDirectory" not in text  # the state lives in PostgreSQL
