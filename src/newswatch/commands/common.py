"""Arguments and helpers shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newswatch.ruleset import RuleSet


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--config",
        metavar="FILE",
        help="config file (default: $NEWSWATCH_CONFIG, ./newswatch.yaml, "
        "/etc/newswatch/newswatch.yaml)",
    )


def config_path(args: argparse.Namespace) -> Path:
    if getattr(args, "config", None):
        return Path(args.config)
    # late, as below: the config package brings pydantic (~0.1 s), which a command's
    # --help and ``extract`` never use
    from newswatch.config import default_config_path

    return default_config_path()


def load(args: argparse.Namespace) -> RuleSet:
    """The config file's rule set, checked as ``check`` checks it (exit 2 when invalid)."""
    from newswatch.ruleset import load_rules  # late: the rule compiler; --help needs none

    return load_rules(config_path(args))


def add_log_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-format", choices=["text", "json"], default="text")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def add_page_url_argument(parser: argparse.ArgumentParser) -> None:
    """``--url``: the address of a page read from a file (``extract``, ``match``)."""
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="URL",
        help="the page address of a FILE input (once per file, in order)",
    )
