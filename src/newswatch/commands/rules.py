"""Team rules: the rules editors made in the dashboard, kept in the state.

``rules export`` prints them as the YAML ``rules:`` list, in the order they were made:
paste the entries under a config's ``rules:`` (and remove them in the dashboard) to make
them file rules; ``newswatch check`` accepts them as they are. Exit status 0.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from newswatch.commands.common import add_config_argument, load
from newswatch.config import is_database_url, state_location


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="print the team rules as the YAML rules: list")
    add_config_argument(export)


def main(args: argparse.Namespace) -> int:
    from newswatch.store import Store

    config = load(args).config
    path = state_location(config)
    if not is_database_url(path) and not Path(path).is_file():
        # No daemon or dashboard ran yet: no team rule either.
        print(export_text([], path), end="")
        return 0
    # Opened as `user` and `silence` open it: a state file of an older version is
    # upgraded, not refused (its team rules, if any, are exported all the same).
    store = Store(path)
    try:
        bodies = [rule.body for rule in store.team_rules.all()]
        where = store.db.url  # a database URL without its password
    finally:
        store.close()
    print(export_text(bodies, where), end="")
    print(f"newswatch: {len(bodies)} team rule(s) exported", file=sys.stderr)
    return 0


def export_text(bodies: list[dict[str, object]], state: str | Path) -> str:
    header = (
        f"# newswatch team rules from {state}, exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    dumped = yaml.safe_dump(
        {"rules": bodies}, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return header + dumped
