"""Validate the config file and every rule; print each error with its location.

Exit status 0 when valid, 2 when not.
"""

from __future__ import annotations

import argparse
import sys

import yaml

from newswatch.commands.common import add_config_argument, config_path
from newswatch.config import load_config
from newswatch.config.schema import Config
from newswatch.config.warnings import config_warnings
from newswatch.config.yamltext import load_yaml
from newswatch.errors import ConfigError
from newswatch.ruleset import prepare


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
    try:  # the file is read again for the lines only when there is something to say
        if warnings:
            warnings = load_yaml(path.read_text(encoding="utf-8"))[1].annotate(warnings)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass  # the file changed under us: the warnings stand without their lines
    counts = f"{len(config.sources)} source(s), {len(config.channels)} channel(s), "
    counts += f"{len(config.rules)} rule(s)"
    print(f"{path}: ok — {counts}" + (f", {len(warnings)} warning(s)" if warnings else ""))
    for warning in warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0


def rule_warnings(config: Config) -> list[str]:
    """What is valid but almost certainly not meant (``config_warnings``), and a rule that
    alerts on nearly every article: found by building the rule set as the daemon does
    (``prepare``), so ``check`` also proves it builds."""
    found = config_warnings(config) + prepare(config).warnings()
    return sorted(found, key=_rule_number)


def _rule_number(warning: str) -> int:
    number = warning.removeprefix("rules[").split("]", 1)[0]
    return int(number) if number.isdigit() else -1
