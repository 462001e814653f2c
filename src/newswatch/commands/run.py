"""Run the daemon: poll every source on its schedule, match, deliver, until SIGTERM/SIGINT.

SIGHUP reloads the config file (an invalid new config is logged and the old one kept).
"""

from __future__ import annotations

import argparse

from newswatch.commands.common import add_config_argument, add_log_format_argument, config_path
from newswatch.config import Config, config_secrets, load_config
from newswatch.service import setup_logging
from newswatch.service.memory import limit_malloc_arenas


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)


def main(args: argparse.Namespace) -> int:
    from newswatch.app import App
    from newswatch.daemon import Daemon
    from newswatch.ruleset import prepare

    limit_malloc_arenas()  # before any thread starts: see service/memory.py
    path = config_path(args)
    setup_logging(args.log_format, verbose=args.verbose)
    config = load_config(path)
    setup_logging(args.log_format, verbose=args.verbose, secrets=config_secrets(config))
    app = App(prepare(config))

    def refresh_log_secrets(new: Config) -> None:
        # A reload may bring new ${VAR} values or channel passwords: mask those too.
        setup_logging(args.log_format, verbose=args.verbose, secrets=config_secrets(new))

    return Daemon(app, path, on_reload=refresh_log_secrets).run()
