"""Serving the dashboard with uvicorn: ``newswatch web`` in the foreground, ``run`` in a thread."""

from __future__ import annotations

import logging
import signal
import threading

import uvicorn

from newswatch.clock import Clock
from newswatch.ops.health import parse_address
from newswatch.store import Store
from newswatch.teamrules import LiveRules
from newswatch.web.app import build_app

log = logging.getLogger(__name__)


class WebServer:
    def __init__(self, live: LiveRules, store: Store, clock: Clock) -> None:
        config = live.current.config  # the address is the start-up config's
        listen = config.web.listen if config.web else "127.0.0.1:8080"
        self.host, self.port = parse_address(listen)
        settings = uvicorn.Config(
            build_app(live, store, clock),
            host=self.host or "127.0.0.1",
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
        return f"http://{self.host}:{self.port}"

    def run(self) -> None:
        """In the foreground until SIGINT/SIGTERM (uvicorn's handlers)."""
        log.info("dashboard on %s", self.url)
        # uvicorn raises the stop signal again once it has shut down, to the handler that
        # was there before it: the default one ended the process by the signal (exit 143,
        # not 0). A handler that does nothing lets the clean stop return.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, lambda signum, frame: None)
        self.server.run()

    def start(self) -> None:
        """In a thread, beside the daemon."""
        self._thread = threading.Thread(target=self.server.run, name="web", daemon=True)
        self._thread.start()
        log.info("dashboard on %s", self.url)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
