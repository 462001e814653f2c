"""Run the daemon: poll every source on its schedule, match, deliver, until SIGTERM/SIGINT.

SIGHUP reloads the config file (an invalid new config is logged and the old one kept).
Exit status 0 on a clean stop; 2 invalid config; 75 another ``run`` holds the state file;
78 the ``http:`` address cannot be used (port in use).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from newswatch.commands.common import add_config_argument, add_log_format_argument, config_path
from newswatch.config import is_database_url, state_path
from newswatch.ops.logsetup import setup_logging
from newswatch.ops.memory import limit_malloc_arenas
from newswatch.ops.runlock import RunLock

if TYPE_CHECKING:
    from newswatch.ruleset import RuleSet


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)
    parser.add_argument(
        "--local-workers",
        type=int,
        metavar="N",
        help="with PostgreSQL state: worker processes on this machine (default: one per core; "
        "0 runs none, for a machine that only serves http:/web:)",
    )


def main(args: argparse.Namespace) -> int:
    limit_malloc_arenas()  # before any thread starts: see service/memory.py
    path = config_path(args)
    setup_logging(args.log_format, verbose=args.verbose)
    from newswatch.ruleset import load_rules  # the CLI imports every command for --help

    rules = load_rules(path)
    setup_logging(args.log_format, verbose=args.verbose, secrets=rules.secrets)
    config = rules.config
    if config.state and is_database_url(config.state):
        # Several processes and machines share the state: no run lock; the work runs in
        # worker processes (newswatch.workers), this machine's started here.
        return _run_postgres(args, path, rules, config.state)
    lock = RunLock(state_path(config))
    lock.acquire()  # before the store opens: a second daemon touches nothing
    try:
        return _run(args, path, rules)
    finally:
        lock.release()


def _run(args: argparse.Namespace, path: Path, rules: RuleSet) -> int:
    from newswatch.app import App
    from newswatch.daemon import Daemon

    app = App(rules)

    def refresh_log_secrets(new: RuleSet) -> None:
        # A reload may bring new ${VAR} values or channel passwords: mask those too.
        setup_logging(args.log_format, verbose=args.verbose, secrets=new.secrets)

    return Daemon(app, path, on_reload=refresh_log_secrets).run()


def _run_postgres(args: argparse.Namespace, path: Path, rules: RuleSet, dsn: str) -> int:
    """Local workers (``newswatch.workers.supervisor``), plus ``http:`` and ``web:``."""
    import os

    from newswatch.ops.health import HealthServer
    from newswatch.workers.coord import Coordination
    from newswatch.workers.supervisor import Supervisor

    count = args.local_workers if args.local_workers is not None else (os.cpu_count() or 1)
    extra = ["--log-format", args.log_format] + (["-v"] if args.verbose else [])
    coord = Coordination(dsn, size=2)
    supervisor = Supervisor(path, max(count, 0), worker_args=extra, coord=coord)
    config = rules.config
    health = (
        HealthServer(config.http, supervisor.health, supervisor.metrics) if config.http else None
    )
    web = None
    if config.web is not None:
        from newswatch.clock import SystemClock
        from newswatch.store import Store
        from newswatch.store.team_rules import TeamRuleRepo
        from newswatch.teamrules import LiveRules
        from newswatch.web.server import WebServer

        store = Store(dsn)
        web = WebServer(LiveRules(TeamRuleRepo(store.db), rules), store, SystemClock())
    try:
        if health:
            health.start()
        if web:
            web.start()
        return supervisor.run()
    finally:
        for server in (health, web):
            if server is not None:
                server.stop()
        coord.close()
