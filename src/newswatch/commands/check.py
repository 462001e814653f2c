"""Validate the config file and every rule; print each error with its location.

Exit status 0 when valid, 2 when not.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.commands.common import add_config_argument, config_path
from newswatch.config import load_config
from newswatch.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)


def main(args: argparse.Namespace) -> int:
    path = config_path(args)
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"{path}: invalid ({len(exc.problems)} error(s))", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(
        f"{path}: ok — {len(config.sources)} source(s), {len(config.channels)} channel(s), "
        f"{len(config.rules)} rule(s)"
    )
    return 0
