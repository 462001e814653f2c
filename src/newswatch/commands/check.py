"""Validate the config file and every rule; print each error with its location.

Exit status 0 when valid, 2 when not.
"""

from __future__ import annotations

import argparse
import sys

from newswatch.commands.common import add_config_argument, config_path
from newswatch.config import read_config
from newswatch.errors import ConfigError
from newswatch.rulecheck import config_warnings
from newswatch.ruleset import RuleSet, prepare


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)


def main(args: argparse.Namespace) -> int:
    path = config_path(args)
    try:
        file = read_config(path)
        rules = prepare(file)  # the daemon's own build: ``check`` also proves it builds
    except ConfigError as exc:
        print(f"{path}: invalid ({len(exc.problems)} error(s))", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    warnings = file.lines.annotate(rule_warnings(rules))
    config = rules.config
    counts = f"{len(config.sources)} source(s), {len(config.channels)} channel(s), "
    counts += f"{len(config.rules)} rule(s)"
    print(f"{path}: ok — {counts}" + (f", {len(warnings)} warning(s)" if warnings else ""))
    for warning in warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0


def rule_warnings(rules: RuleSet) -> list[str]:
    """What is valid but almost certainly not meant (``config_warnings``), and a rule that
    alerts on nearly every article (``RuleSet.warnings``)."""
    found = config_warnings(rules.config) + rules.warnings()
    return sorted(found, key=_rule_number)


def _rule_number(warning: str) -> int:
    number = warning.removeprefix("rules[").split("]", 1)[0]
    return int(number) if number.isdigit() else -1
