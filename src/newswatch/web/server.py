"""Serving the dashboard with uvicorn: ``newswatch web`` in the foreground, ``run`` in a thread."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import threading

import uvicorn

from newswatch.clock import Clock
from newswatch.errors import EXIT_CANNOT_LISTEN, ServiceError
from newswatch.ops.health import parse_address
from newswatch.store import Store
from newswatch.teamrules import LiveRules
from newswatch.web.app import build_app

log = logging.getLogger(__name__)


class WebServer:
    def __init__(self, live: LiveRules, store: Store, clock: Clock) -> None:
        config = live.current.config  # the address is the start-up config's
        listen = config.web.listen if config.web else "127.0.0.1:8080"
        host, port = parse_address(listen)
        self.host = host or "127.0.0.1"
        # Bound here, not inside uvicorn: a busy address is an error the caller can report
        # (uvicorn would exit its thread), and with port 0 the port the kernel picked is
        # known before anyone is told where the dashboard is.
        self._socket = _listen(self.host, port, listen)
        self.port = int(self._socket.getsockname()[1])
        settings = uvicorn.Config(
            build_app(live, store, clock),
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            # Live streams never end by themselves: a stop must not wait for them.
            timeout_graceful_shutdown=2,
            server_header=False,
            proxy_headers=True,  # X-Forwarded-Proto from a local reverse proxy: Secure cookies
            forwarded_allow_ips="127.0.0.1",
        )
        self.server = uvicorn.Server(settings)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """In the foreground until SIGINT/SIGTERM (uvicorn's handlers)."""
        log.info("dashboard on %s", self.url)
        # uvicorn raises the stop signal again once it has shut down, to the handler that
        # was there before it: the default one ended the process by the signal (exit 143,
        # not 0). A handler that does nothing lets the clean stop return.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, lambda signum, frame: None)
        self.server.run(sockets=[self._socket])

    def start(self) -> None:
        """In a thread, beside the daemon."""
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, name="web", daemon=True
        )
        self._thread.start()
        log.info("dashboard on %s", self.url)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()


def _listen(host: str, port: int, listen: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        busy = " (another process uses this port: stop it or change web.listen)"
        raise ServiceError(
            # create_server's own strerror repeats the address: the plain one reads better.
            f"web: cannot listen on {listen}: {os.strerror(exc.errno) if exc.errno else exc}"
            + (busy if exc.errno == errno.EADDRINUSE else ""),
            exit_status=EXIT_CANNOT_LISTEN,
        ) from None
