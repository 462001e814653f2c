"""The command line of the contract. Parses arguments, dispatches to ``commands/``, and maps
:class:`NewswatchError` to a message on stderr and an exit status."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from newswatch import __version__
from newswatch.errors import ConfigError, NewswatchError, QueryError, ServiceError
from newswatch.gctune import tune_gc

# Subcommand → module in newswatch.commands exposing ``add_arguments`` and ``main``.
COMMANDS = {
    "run": "run",
    "once": "once",
    "check": "check",
    "extract": "extract",
    "match": "match",
    "notify-test": "notify_test",
    "status": "status",
    "silence": "silence",
    "backtest": "backtest",
    "worker": "worker",
    "web": "web",
    "user": "user",
    "rules": "rules",
    "state": "state",
    "demo": "demo",
    "init": "init",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="News-monitoring alert daemon: fetch feeds and pages, match watch rules, "
        "alert once per story.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"newswatch.commands.{module_name}")
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else name
        command = sub.add_parser(name, help=summary, description=doc)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    tune_gc()  # process-wide policy, once: see newswatch/gctune.py
    parser = build_parser()
    args = parser.parse_args(argv)
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
