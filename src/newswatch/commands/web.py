"""Serve the dashboard and its JSON API from the configured state, until SIGTERM/SIGINT.

Listens on ``web: {listen: ...}`` (default 127.0.0.1:8080). Every page and API call needs
a login or an API token: make accounts with ``newswatch user add``.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.commands.common import add_config_argument, add_log_format_argument, load
from newswatch.config import state_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)


def main(args: argparse.Namespace) -> int:
    from newswatch.clock import SystemClock
    from newswatch.ops import setup_logging
    from newswatch.store import Store
    from newswatch.store.users import UserRepo
    from newswatch.web.server import WebServer

    setup_logging(args.log_format, verbose=args.verbose)
    config = load(args)
    store = Store(state_path(config))
    try:
        if not UserRepo(store.db).all():
            print(
                "newswatch: no dashboard accounts yet; nobody can log in. "
                "Make one with: newswatch user add NAME --role admin",
                file=sys.stderr,
            )
        server = WebServer(config, store, SystemClock())
        print(f"newswatch: dashboard on {server.url}", file=sys.stderr)
        server.run()
    finally:
        store.close()
    return 0
