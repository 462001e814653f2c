"""The sd_notify protocol: one datagram of ``KEY=value`` lines to ``$NOTIFY_SOCKET``.

Outside systemd (no ``NOTIFY_SOCKET``) every call is a no-op, so the daemon never needs to
know how it was started. A failed send is logged and ignored: a notification must never
take the service down.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import time
from collections.abc import Mapping

log = logging.getLogger(__name__)


def _socket_address(raw: str) -> str | bytes | None:
    if raw.startswith("@"):
        # Abstract namespace: the leading '@' stands for a NUL byte.
        return b"\0" + raw[1:].encode()
    if raw.startswith("/"):
        return raw
    return None  # e.g. vsock: addresses, which a service like this one never gets


class SystemdNotifier:
    """Tells systemd about readiness, reloads, shutdown and liveness (``Type=notify``)."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self._address = _socket_address(environ.get("NOTIFY_SOCKET", ""))
        self._watchdog_usec = _positive_int(environ.get("WATCHDOG_USEC"))
        watchdog_pid = _positive_int(environ.get("WATCHDOG_PID"))
        if watchdog_pid is not None and watchdog_pid != os.getpid():
            # The watchdog is meant for another process (e.g. our parent).
            self._watchdog_usec = None

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def ready(self) -> None:
        self.notify("READY=1")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    def reloading(self) -> None:
        """With the monotonic time: systemd's ``Type=notify-reload`` (v253+) matches it to
        the reload it asked for; older versions ignore the field."""
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self.notify(f"RELOADING=1\nMONOTONIC_USEC={usec}")

    def reload_failed(self, reason: str, errno_value: int = errno.EINVAL) -> None:
        """The reload is over (READY=1: the old config still runs) and failed: the reason
        is the unit's status line and ERRNO its error, which ``systemctl status`` shows."""
        status = " ".join(reason.split())[:400]
        self.notify(
            f"STATUS=reload failed, running the previous config: {status}\n"
            f"ERRNO={errno_value}\nREADY=1"
        )

    def status(self, text: str) -> None:
        # STATUS is a single line; a newline would start a new (bogus) assignment.
        self.notify("STATUS=" + " ".join(text.split()))

    def watchdog(self) -> None:
        self.notify("WATCHDOG=1")

    def watchdog_interval(self) -> float | None:
        """Seconds between pings: half of ``WATCHDOG_USEC``, as sd_watchdog_enabled advises."""
        if self._watchdog_usec is None:
            return None
        return self._watchdog_usec / 2_000_000

    def notify(self, message: str) -> None:
        if self._address is None:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(message.encode())
        except OSError as exc:
            log.warning("sd_notify %s failed: %s", message.split("=", 1)[0], exc)


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value) if value else 0
    except ValueError:
        return None
    return number if number > 0 else None
