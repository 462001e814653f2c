"""Who holds an outbox lease: host, boot and process, so a restarted newswatch can tell a
lease left by a dead process (send it now) from one a live process holds (leave it)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def this_process() -> str:
    return f"{socket.gethostname()}|{_boot_id()}|{os.getpid()}"


def is_alive(claimant: str) -> bool:
    """False only when the holder is surely gone: same host, and a past boot or a dead PID.
    A holder on another host (a shared state file over NFS) is assumed alive."""
    parts = claimant.split("|")
    if len(parts) != 3:
        return True
    host, boot, pid = parts
    if host != socket.gethostname():
        return True
    if boot != _boot_id():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def _boot_id() -> str:
    try:
        return _BOOT_ID.read_text().strip()
    except OSError:
        return "unknown-boot"
