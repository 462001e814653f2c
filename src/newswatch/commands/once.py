"""Run one full cycle of every source, deliver the alerts, and exit.

Exit status 0 when every source was polled and every alert due was delivered; 1 when some
source failed; 3 when every source was polled but some alert was not delivered (a channel
refused it: it waits for a retry, or it failed for good). 1 comes first: it is the status
the contract names, and the log line tells both.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from newswatch.commands.common import add_config_argument, add_log_format_argument, config_path
from newswatch.ops.logsetup import setup_logging
from newswatch.ops.outage import explain, shared_cause

if TYPE_CHECKING:  # main() imports the pipeline through App; --help need not
    from newswatch.pipeline import PollReport

log = logging.getLogger("newswatch.once")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    add_log_format_argument(parser)
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="a quiet start: record every entry found as seen, alert on none; later polls "
        "alert on what is new",
    )


def main(args: argparse.Namespace) -> int:
    from newswatch.app import App
    from newswatch.ruleset import load_rules

    setup_logging(args.log_format, verbose=args.verbose)
    rules = load_rules(config_path(args))
    setup_logging(args.log_format, verbose=args.verbose, secrets=rules.secrets)
    app = App(rules)
    try:
        report = app.run_cycle(progress=sys.stderr.isatty(), baseline=args.baseline)
    finally:
        app.close()
    failed = report.failed_sources
    new = sum(p.new_articles for p in report.polls)
    log.info(
        "cycle done: %d source(s), %d failed, %d new article(s), %d alert(s) sent, "
        "%d failed, %d pending",
        len(report.polls),
        len(failed),
        new,
        report.sent,
        report.failed,
        report.pending,
    )
    _shared_failure(report.polls)
    undelivered = report.retrying + report.failed
    if undelivered:
        log.error(
            "%d alert(s) not delivered (%d waiting for a retry, %d failed): "
            "see `newswatch status` for the channel's error",
            undelivered,
            report.retrying,
            report.failed,
        )
    return exit_status(bool(failed), undelivered)


def _shared_failure(polls: list[PollReport]) -> None:
    """One line when every source failed for one reason (no network, no DNS, the proxy)."""
    label = shared_cause([p.error or "" for p in polls]) if all(not p.ok for p in polls) else None
    if label:
        log.error(
            "all %d sources failed: %s; nothing was fetched. Fix that, then run "
            "`newswatch once` again (the daemon retries by itself at each source's interval)",
            len(polls),
            explain(label),
        )


EXIT_SOURCE_FAILED = 1
EXIT_UNDELIVERED = 3


def exit_status(source_failed: bool, undelivered: int) -> int:
    """0 ok; 1 some source failed (first: the contract's code); 3 alerts not delivered."""
    if source_failed:
        return EXIT_SOURCE_FAILED
    return EXIT_UNDELIVERED if undelivered else 0
