"""Run the daemon: poll every source on its schedule, match, deliver, until SIGTERM/SIGINT.

SIGHUP reloads the config file (an invalid new config is logged and the old one kept).
Exit status 0 on a clean stop; 2 invalid config; 75 another ``run`` holds the state file;
78 the ``http:`` address cannot be used (port in use).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newswatch.commands.common import add_config_argument, add_log_format_argument, config_path
from newswatch.config import Config, config_secrets, is_database_url, load_config, state_path
from newswatch.ops import setup_logging
from newswatch.ops.memory import limit_malloc_arenas
from newswatch.ops.runlock import RunLock


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)


def main(args: argparse.Namespace) -> int:
    limit_malloc_arenas()  # before any thread starts: see service/memory.py
    path = config_path(args)
    setup_logging(args.log_format, verbose=args.verbose)
    config = load_config(path)
    setup_logging(args.log_format, verbose=args.verbose, secrets=config_secrets(config))
    if is_database_url(config.state):
        # A shared database is made for several processes: no file lock to take.
        return _run(args, path, config)
    lock = RunLock(state_path(config))
    lock.acquire()  # before the store opens: a second daemon touches nothing
    try:
        return _run(args, path, config)
    finally:
        lock.release()


def _run(args: argparse.Namespace, path: Path, config: Config) -> int:
    from newswatch.app import App
    from newswatch.daemon import Daemon
    from newswatch.ruleset import prepare

    app = App(prepare(config))

    def refresh_log_secrets(new: Config) -> None:
        # A reload may bring new ${VAR} values or channel passwords: mask those too.
        setup_logging(args.log_format, verbose=args.verbose, secrets=config_secrets(new))

    return Daemon(app, path, on_reload=refresh_log_secrets).run()
