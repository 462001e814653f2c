"""Send a test alert through one channel.

Exit status 0 when every URL of the channel accepted it, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.commands.common import add_config_argument, load
from newswatch.errors import NewswatchError
from newswatch.ops.logsetup import setup_logging
from newswatch.redact import Redactor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("channel", metavar="CHANNEL", help="a channel name from the config")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="on failure, print apprise's whole account of the try (secrets masked)",
    )


def main(args: argparse.Namespace) -> int:
    from newswatch.notify import send_test  # apprise is slow to import; --help need not wait

    rules = load(args)
    config = rules.config
    if args.channel not in config.channels:
        valid = ", ".join(sorted(config.channels)) or "none configured"
        raise NewswatchError(
            f"unknown channel {args.channel!r}", hint=f"channels in the config: {valid}"
        )
    secrets = rules.secrets
    setup_logging("text", secrets=secrets)
    # Printed, not logged: the same redactor as the log, or the cause carries the token.
    redact = Redactor(secrets)
    outcome = send_test(config, args.channel, secrets)
    if outcome.ok:
        print(f"test alert delivered to channel {args.channel}", file=sys.stderr)
        return 0
    print(f"test alert to channel {args.channel} failed: {redact(outcome.error)}", file=sys.stderr)
    if args.verbose:
        for line in outcome.transcript:
            print(f"  apprise: {redact(line)}", file=sys.stderr)
    else:
        print("  (add -v for apprise's whole account of the try)", file=sys.stderr)
    return 1
