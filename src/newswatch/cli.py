"""The command line of the contract. Parses arguments, dispatches to ``commands/``, and maps
:class:`NewswatchError` to a message on stderr and an exit status.

Only the chosen subcommand's module is imported: the others (and their dependencies, most
of the program) are named here with their summaries, which is all ``newswatch --help``
shows. A start-up of ``newswatch check`` or ``--help`` then costs what that command needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from newswatch import __version__
from newswatch.errors import ConfigError, NewswatchError, QueryError, ServiceError
from newswatch.gctune import tune_gc


@dataclass(frozen=True)
class Command:
    """A subcommand: ``module`` in newswatch.commands has ``add_arguments`` and ``main``;
    ``summary`` is that module's docstring's first line (tests/test_cli_startup.py holds
    them equal), for the listing of ``newswatch --help``."""

    name: str
    module: str
    summary: str


COMMANDS = (
    Command(
        "run",
        "run",
        "Run the daemon: poll every source on its schedule, match, deliver, until SIGTERM/SIGINT.",
    ),
    Command("once", "once", "Run one full cycle of every source, deliver the alerts, and exit."),
    Command(
        "check",
        "check",
        "Validate the config file and every rule; print each error with its location.",
    ),
    Command("extract", "extract", "Fetch (or read) pages and print the extracted articles."),
    Command(
        "match",
        "match",
        "Say which rules match the given article(s) and why (highlighted terms).",
    ),
    Command("notify-test", "notify_test", "Send a test alert through one channel."),
    Command(
        "status",
        "status",
        "Show sources (last poll, errors, back-off, health), recent alerts and "
        "pending/failed deliveries.",
    ),
    Command("silence", "silence", "Mute a rule's alerts for a while; list or remove silences."),
    Command(
        "backtest",
        "backtest",
        "The stored articles of a period that a query or rule matches, with explanations.",
    ),
    Command(
        "worker",
        "worker",
        "Start one more worker on the shared PostgreSQL state: polls, extraction, deliveries.",
    ),
    Command(
        "web",
        "web",
        "Serve the dashboard and its JSON API from the configured state, until SIGTERM/SIGINT.",
    ),
    Command("user", "user", "Dashboard accounts and API tokens."),
    Command(
        "rules",
        "rules",
        "Team rules: the rules editors made in the dashboard, kept in the state.",
    ),
    Command(
        "state",
        "state",
        "``newswatch state copy FROM TO``: move an installation's state to another store.",
    ),
    Command(
        "demo",
        "demo",
        "Run one full cycle offline against a bundled sample news site and print the alerts.",
    ),
    Command(
        "init",
        "init",
        "Write a commented starter config (the one config/newswatch.example.yaml holds).",
    ),
)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command line, with the arguments of the ``chosen`` subcommand only: its module is
    imported, no other. The others are listed, by name and summary, and are never parsed."""
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="News-monitoring alert daemon: fetch feeds and pages, match watch rules, "
        "alert once per story.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        if command.name != chosen:
            # No -h of its own: in chosen_command()'s pass, ``CMD --help`` is left over for
            # the second pass, which has CMD's arguments to show.
            sub.add_parser(command.name, help=command.summary, add_help=False)
            continue
        module = importlib.import_module(f"newswatch.commands.{command.module}")
        doc = (module.__doc__ or "").strip()
        subparser = sub.add_parser(command.name, help=command.summary, description=doc)
        module.add_arguments(subparser)
        subparser.set_defaults(_module=module)
    return parser


def chosen_command(argv: Sequence[str] | None) -> str:
    """The subcommand ``argv`` names, as argparse finds it, from a parser without any
    command's arguments. ``--help``, ``--version`` and a missing or unknown command end the
    process here, with what the full parser would print: none of those needs a command."""
    found, _ = build_parser().parse_known_args(argv)
    return str(found.command)


def main(argv: Sequence[str] | None = None) -> int:
    tune_gc()  # process-wide policy, once: see newswatch/gctune.py
    args = build_parser(chosen_command(argv)).parse_args(argv)
    try:
        return int(args._module.main(args))
    except ConfigError as exc:
        print(f"newswatch: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except QueryError as exc:
        print(f"newswatch: query: {exc}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.exit_status
    except NewswatchError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
