"""Serve the dashboard and its JSON API from the configured state, until SIGTERM/SIGINT.

Listens on ``web: {listen: ...}`` (default 127.0.0.1:8080). Every page and API call needs
a login or an API token: make accounts with ``newswatch user add``. SIGHUP reads the
config file again (its rules, channels and sources; not the listen address).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from newswatch.commands.common import (
    add_config_argument,
    add_log_format_argument,
    config_path,
    load,
)
from newswatch.config import state_location

if TYPE_CHECKING:
    from newswatch.teamrules import LiveRules

log = logging.getLogger("newswatch.web")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)


def main(args: argparse.Namespace) -> int:
    from newswatch.clock import SystemClock
    from newswatch.ops.logsetup import setup_logging
    from newswatch.store import Store
    from newswatch.teamrules import LiveRules
    from newswatch.web.server import WebServer

    setup_logging(args.log_format, verbose=args.verbose)
    rules = load(args)
    store = Store(state_location(rules.config))
    try:
        if not store.users.all():
            print(
                "newswatch: no dashboard accounts yet; nobody can log in. "
                "Make one with: newswatch user add NAME --role admin",
                file=sys.stderr,
            )
        live = LiveRules(store.team_rules, rules)
        server = WebServer(live, store, SystemClock())
        _reload_on_hup(config_path(args), live)
        print(f"newswatch: dashboard on {server.url}", file=sys.stderr)
        server.run()
    finally:
        store.close()
    return 0


def _reload_on_hup(path: Path, live: LiveRules) -> None:
    """SIGHUP reads the config file again, as ``run`` does (the listen address stays);
    an invalid file is logged and the running rules kept."""
    from newswatch.errors import ConfigError, NewswatchError
    from newswatch.ruleset import load_rules

    def reload() -> None:
        try:
            live.use_file(load_rules(path))
        except ConfigError as exc:
            log.error("reload failed, keeping the running config: %s", "; ".join(exc.problems))
        except (NewswatchError, OSError, ValueError) as exc:
            log.error("reload failed, keeping the running config: %s", exc)
        else:
            log.info("reloaded %s", path)

    def hup(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=reload, name="reload", daemon=True).start()

    signal.signal(signal.SIGHUP, hup)
