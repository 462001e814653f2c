"""``newswatch run`` (and ``web``) as real processes for the tests: start one, wait on what it
logs, read the port it bound, and receive its sd_notify datagrams.

Servers in the tests bind port 0 and report the port the kernel chose: a port picked by the
test and handed to the server later can be taken in between by another test (the suite runs
in several processes at once) or by anything else on the machine.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# What `run` logs once its health server is up, and what `run`/`web` log for the dashboard.
HEALTH_LINE = "serving /healthz and /metrics on"
DASHBOARD_LINE = "dashboard on"


def wait_for(condition: Callable[[], T], timeout: float = 30) -> T | None:
    """Poll ``condition`` until it returns something truthy (returned) or ``timeout`` passes
    (None). Tests synchronise on what they wait for, never on a guess of how long it takes."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def http_get(url: str) -> tuple[int, bytes]:
    """(status, body); (0, b"") while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except OSError:
        return 0, b""


@contextmanager
def daemon(
    config: Path, log: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """``newswatch run -c CONFIG ARGS`` with stderr in ``log``; SIGTERM (then SIGKILL) at exit."""
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch", "run", "-c", str(config), *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def logged_port(read: Callable[[], str], line: str = HEALTH_LINE, timeout: float = 60) -> int:
    """The port a process logged in ``line`` (``... http://127.0.0.1:PORT``), once it has."""
    pattern = re.compile(re.escape(line) + r" http://127\.0\.0\.1:(\d+)")
    found = wait_for(lambda: pattern.search(read()), timeout)
    assert found is not None, f"no {line!r} in the log:\n{read()[-3000:]}"
    port = int(found.group(1))
    assert port != 0, "the process logged the port it asked for, not the one it bound"
    return port


class NotifySocket:
    """A systemd-style NOTIFY_SOCKET: a unix datagram socket keeping every message."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.received: list[str] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(self.path)
        self._sock.setblocking(False)

    def drain(self) -> list[str]:
        """Every message so far (after reading what waits on the socket)."""
        try:
            while True:
                self.received.append(self._sock.recv(4096).decode())
        except BlockingIOError:
            return self.received

    def close(self) -> None:
        self._sock.close()
