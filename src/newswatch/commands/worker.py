"""Start one more worker on the shared PostgreSQL state: polls, extraction, deliveries.

Any machine that reaches the database can run one (or several: `newswatch-worker@N`
under systemd). Every worker shares the schedule (each source polled once per interval,
whichever workers live), the politeness of each site and the outbox. SIGTERM/SIGINT
drain the running jobs and exit 0; SIGHUP reloads the config.
"""

from __future__ import annotations

import argparse
import logging

from newswatch.commands.common import add_config_argument, add_log_format_argument, config_path
from newswatch.ops.logsetup import setup_logging
from newswatch.ops.memory import limit_malloc_arenas


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="jobs this worker runs at once (default: the config's workers:)",
    )
    parser.add_argument(
        "--heartbeat",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="seconds between heartbeats; a worker silent for 3 of them is taken for dead "
        "and its jobs go to the others (default 10; use the same value on every worker)",
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve this worker's /healthz and /metrics (with the queue's depth) there",
    )


def main(args: argparse.Namespace) -> int:
    limit_malloc_arenas()  # before any thread starts: see ops/memory.py
    path = config_path(args)
    setup_logging(args.log_format, verbose=args.verbose)
    from newswatch.ruleset import load_rules

    rules = load_rules(path)
    setup_logging(args.log_format, verbose=args.verbose, secrets=rules.secrets)
    if not args.verbose:  # a line per job is procrastinate's debugging, not our log
        logging.getLogger("procrastinate").setLevel(logging.WARNING)

    from newswatch.workers.process import start_worker
    from newswatch.workers.queue import Timing

    beat = max(args.heartbeat, 0.5)
    worker = start_worker(
        path,
        concurrency=args.concurrency,
        timing=Timing(heartbeat=beat, stalled_after=3 * beat),
        http=args.http,
        rules=rules,
    )
    return worker.serve()
