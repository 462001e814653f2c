"""sd_notify against a real AF_UNIX datagram socket, as systemd would listen."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswatch.ops.sdnotify import SystemdNotifier


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        sock.settimeout(2)
        yield sock, path


@pytest.fixture
def abstract_socket() -> Iterator[tuple[socket.socket, str]]:
    name = f"newswatch-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        yield sock, "@" + name


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda n: n.ready(), b"READY=1"),
        (lambda n: n.stopping(), b"STOPPING=1"),
        (lambda n: n.watchdog(), b"WATCHDOG=1"),
        (lambda n: n.status("polling 3 sources\n12 alerts"), b"STATUS=polling 3 sources 12 alerts"),
    ],
)
def test_messages_reach_a_path_socket(path_socket, call, expected) -> None:
    sock, path = path_socket
    call(SystemdNotifier({"NOTIFY_SOCKET": path}))
    assert sock.recv(4096) == expected


def test_reloading_carries_the_monotonic_time_notify_reload_needs(path_socket) -> None:
    sock, path = path_socket
    before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    SystemdNotifier({"NOTIFY_SOCKET": path}).reloading()
    lines = sock.recv(4096).decode().splitlines()
    assert lines[0] == "RELOADING=1"
    assert lines[1].startswith("MONOTONIC_USEC=")
    assert before <= int(lines[1].split("=")[1]) <= before + 5_000_000


def test_a_failed_reload_ends_the_reload_with_status_and_errno(path_socket) -> None:
    sock, path = path_socket
    SystemdNotifier({"NOTIFY_SOCKET": path}).reload_failed("a.yaml: 1 error(s):\nx: bad")
    assert sock.recv(4096).decode().splitlines() == [
        "STATUS=reload failed, running the previous config: a.yaml: 1 error(s): x: bad",
        "ERRNO=22",
        "READY=1",
    ]


def test_abstract_namespace_socket(abstract_socket) -> None:
    sock, address = abstract_socket
    SystemdNotifier({"NOTIFY_SOCKET": address}).ready()
    assert sock.recv(4096) == b"READY=1"


def test_without_notify_socket_nothing_happens() -> None:
    notifier = SystemdNotifier({})
    assert not notifier.enabled
    notifier.ready()  # must not raise
    notifier.status("x")


def test_a_vanished_socket_is_logged_not_raised(tmp_path: Path, caplog) -> None:
    SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")}).ready()
    assert "sd_notify READY failed" in caplog.text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"WATCHDOG_USEC": "30000000"}, 15.0),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "junk"}, None),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),
    ],
)
def test_watchdog_interval_is_half_the_timeout(environ, expected) -> None:
    assert SystemdNotifier(environ).watchdog_interval() == expected
