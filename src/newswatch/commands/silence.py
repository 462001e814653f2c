"""Mute a rule's alerts for a while; list or remove silences.

``newswatch silence RULE --for 4h`` · ``silence --list`` · ``silence --remove ID``.
Alerts that come due while their rule is silenced are recorded as silenced, not sent.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from newswatch.commands.common import add_config_argument, load
from newswatch.config import state_location
from newswatch.config.durations import parse_duration
from newswatch.errors import NewswatchError
from newswatch.store.silences import SilenceRepo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("rule", nargs="?", metavar="RULE", help="the rule to mute")
    parser.add_argument("--for", dest="duration", metavar="DURATION", help="e.g. 30m, 4h, 2d")
    parser.add_argument("--comment", default="", help="why (shown by --list)")
    parser.add_argument("--list", action="store_true", help="list active silences")
    parser.add_argument("--remove", type=int, metavar="ID", help="remove a silence")


def main(args: argparse.Namespace) -> int:
    # Imported here: the CLI imports every command module just to build --help.
    from newswatch.store import Store

    config = load(args).config
    store = Store(state_location(config))
    try:
        repo = store.silences
        now = datetime.now(UTC)
        if args.list:
            return _list(repo, now)
        if args.remove is not None:
            if not repo.remove(args.remove):
                raise NewswatchError(f"no silence with id {args.remove}", hint="see --list")
            print(f"silence {args.remove} removed")
            return 0
        if not args.rule or not args.duration:
            raise NewswatchError("give RULE and --for DURATION", hint="or --list, or --remove ID")
        rules = [r.name for r in config.rules]
        rules += [r.name for r in store.team_rules.all()]  # made in the dashboard
        if args.rule not in rules:
            raise NewswatchError(
                f"unknown rule {args.rule!r}", hint=f"rules: {', '.join(rules) or 'none'}"
            )
        try:
            until = now + parse_duration(args.duration, require_unit=True)
        except ValueError as exc:
            raise NewswatchError(f"--for: {exc}") from None
        silence_id = repo.add(args.rule, until, now, args.comment)
        print(f"silence {silence_id}: {args.rule} muted until {until:%Y-%m-%d %H:%M} UTC")
        return 0
    finally:
        store.close()


def _list(repo: SilenceRepo, now: datetime) -> int:
    silences = repo.active(now)
    if not silences:
        print("no active silences")
    for s in silences:
        comment = f"  # {s.comment}" if s.comment else ""
        print(f"{s.id:>4}  {s.rule:<30} until {s.until:%Y-%m-%d %H:%M} UTC{comment}")
    return 0
