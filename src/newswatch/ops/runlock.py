"""One ``newswatch run`` per state file: a second daemon on the same file would poll every
source twice and race the first for the outbox, so it refuses to start.

The lock is ``flock`` on a sidecar file (``STATE.lock``), not on the SQLite file itself:
SQLite takes its own POSIX locks on the database, and an ``fcntl`` lock of ours on the same
file would be dropped whenever SQLite closes a handle to it. ``once`` and ``status`` take no
lock: running one beside the daemon is allowed, and the outbox's leases keep their
deliveries apart. The kernel releases the lock when the process dies, ``kill -9`` included.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from newswatch.errors import ServiceError

EXIT_LOCKED = 75  # EX_TEMPFAIL: the other daemon may stop; systemd's restart may then succeed


class RunLock:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.path = state.with_name(state.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ServiceError naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise ServiceError(
                f"another `newswatch run` (pid {holder}) already uses the state file "
                f"{self.state}; stop it first (`newswatch once` and `status` may run beside it)",
                exit_status=EXIT_LOCKED,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
