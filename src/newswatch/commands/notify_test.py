"""Send a test alert through one channel.

Exit status 0 when every URL of the channel accepted it, 1 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys

from newswatch.commands.common import add_config_argument, load
from newswatch.errors import NewswatchError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("channel", metavar="CHANNEL", help="a channel name from the config")


def main(args: argparse.Namespace) -> int:
    from newswatch.notify import send_test  # apprise is slow to import; --help need not wait

    config = load(args)
    if args.channel not in config.channels:
        valid = ", ".join(sorted(config.channels)) or "none configured"
        raise NewswatchError(
            f"unknown channel {args.channel!r}", hint=f"channels in the config: {valid}"
        )
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if send_test(config, args.channel):
        print(f"test alert delivered to channel {args.channel}", file=sys.stderr)
        return 0
    print(f"test alert to channel {args.channel} failed (see the log above)", file=sys.stderr)
    return 1
