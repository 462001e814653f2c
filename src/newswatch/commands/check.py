"""Validate the config file and every rule; print each error with its location.

Exit status 0 when valid, 2 when not.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.commands.common import add_config_argument, config_path
from newswatch.config import load_config
from newswatch.config.loader import checked_gazetteer, compiled_queries
from newswatch.config.schema import Config
from newswatch.errors import ConfigError
from newswatch.match import Matcher
from newswatch.match.matcher import UNCONDITIONAL


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
    warnings = rule_warnings(config)
    counts = f"{len(config.sources)} source(s), {len(config.channels)} channel(s), "
    counts += f"{len(config.rules)} rule(s)"
    print(f"{path}: ok — {counts}" + (f", {len(warnings)} warning(s)" if warnings else ""))
    for warning in warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0


def rule_warnings(config: Config) -> list[str]:
    """What is valid but almost certainly not meant: a rule that alerts on nearly every
    article. Built as the daemon builds its matcher, so ``check`` also proves it builds."""
    gazetteer = checked_gazetteer(config)
    places = gazetteer.names_for if gazetteer is not None else None
    matcher = Matcher(config.rules, config.terms, places, compiled_queries(config))
    return [
        f"rules[{n}].query ({config.rules[n].name}): {UNCONDITIONAL}"
        for n in matcher.unconditional()
    ]
