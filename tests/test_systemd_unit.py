"""The systemd unit: ``systemd-analyze verify`` passes and ``security`` rates it ≤ 2.0.

Needs ``systemd-analyze`` (Debian/Ubuntu package ``systemd``); skipped without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "newswatch.service"
ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze not installed (apt-get install -y systemd)"
)
MAX_EXPOSURE = 2.0


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at an executable that exists on this machine
    (verify checks the binary; where newswatch is installed is a deployment choice)."""
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace("/usr/local/bin/newswatch", shutil.which("newswatch") or sys.executable)
    path = tmp_path / "newswatch.service"
    path.write_text(text, encoding="utf-8")
    return path


def _analyze(*args: str) -> subprocess.CompletedProcess[str]:
    assert ANALYZE is not None
    return subprocess.run([ANALYZE, *args], capture_output=True, text=True, timeout=60, check=False)


@needs_analyze
def test_verify_passes(unit: Path) -> None:
    result = _analyze("verify", str(unit))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


@needs_analyze
def test_security_exposure_at_most_2(unit: Path) -> None:
    result = _analyze("security", "--offline=yes", "--no-pager", str(unit))
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE, result.stdout


@pytest.mark.parametrize(
    "line",
    [
        "Type=notify",
        "Restart=on-failure",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "StateDirectory=newswatch",
        "EnvironmentFile=-/etc/newswatch/env",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        "IPAddressDeny=169.254.169.254 169.254.170.2 fd00:ec2::254 100.100.100.200",
        "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=",
        "RestartPreventExitStatus=2 78",
    ],
)
def test_required_settings(line: str) -> None:
    assert line in UNIT.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("key", ["WatchdogSec", "MemoryMax", "ExecStart"])
def test_required_keys_have_values(key: str) -> None:
    assert re.search(rf"^{key}=\S+", UNIT.read_text(encoding="utf-8"), re.M)


# The unit sets MemoryDenyWriteExecute=yes; the kernel's PR_SET_MDWE (Linux ≥ 6.3) applies
# the same rule to a process, so the libraries that JIT or build trampolines are tried here.
MDWE_PROBE = textwrap.dedent(
    """
    import ctypes, sys
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(65, 1, 0, 0, 0) != 0:  # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
        sys.exit(77)
    import lxml.html, trafilatura, apprise, feedparser, re2, ahocorasick, datasketch, requests
    import newswatch.ops.health, newswatch.ops.liveness, newswatch.store
    page = "<html><body><article><p>" + "Words here. " * 40 + "</p></article></body></html>"
    trafilatura.extract(page)
    apprise.Apprise().add("json://127.0.0.1:1/")
    assert ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda x: x + 1)(1) == 2
    """
)


def test_libraries_run_under_memory_deny_write_execute() -> None:
    result = subprocess.run(
        [sys.executable, "-c", MDWE_PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode == 77:
        pytest.skip("kernel lacks PR_SET_MDWE (Linux < 6.3); cannot emulate the unit's rule")
    assert result.returncode == 0, result.stderr


def test_the_notify_reload_drop_in_replaces_the_kill_reload() -> None:
    """systemd >= 253: systemd sends SIGHUP itself and waits for READY=1; the main unit's
    ExecReload= must be emptied or both would signal."""
    lines = (UNIT.parent / "notify-reload.conf").read_text(encoding="utf-8").splitlines()
    assert {"[Service]", "Type=notify-reload", "ReloadSignal=SIGHUP", "ExecReload="} <= set(lines)
