"""``newswatch state copy FROM TO``: move an installation's state to another store.

FROM and TO are ``sqlite:///path/to/newswatch.db`` (or a plain path) and
``postgresql://user@host/db`` URLs (``${VAR}`` is read from the environment, so a
password need not be typed on the command line). TO must be empty; FROM is only read.
Stop the daemon first: what it writes during the copy would not be copied.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from newswatch.errors import NewswatchError

PROGRESS_EVERY = 2.0  # seconds between progress lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy",
        help="copy every table to an empty store (e.g. SQLite to PostgreSQL)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    copy.add_argument("source", metavar="FROM", help="sqlite:///path, a path, or postgresql://…")
    copy.add_argument("target", metavar="TO", help="an empty store: postgresql://… or a path")


def main(args: argparse.Namespace) -> int:
    from newswatch.store import Store
    from newswatch.store.copy import copy_state

    source_url, target_url = _expand(args.source), _expand(args.target)
    if _is_sqlite(source_url) and not os.path.exists(_sqlite_path(source_url)):
        raise NewswatchError(f"no state database at {_sqlite_path(source_url)}")
    source = Store(source_url, read_only=True)
    try:
        target = Store(target_url)
        try:
            started = time.monotonic()
            print(f"copying {source.db.url} to {target.db.url}", file=sys.stderr)
            copied = copy_state(source, target, progress=_Progress())
        finally:
            target.close()
    finally:
        source.close()
    rows = ", ".join(f"{count} {table}" for table, count in copied.items() if count)
    elapsed = time.monotonic() - started
    print(f"copied {rows or 'nothing'} in {elapsed:.1f} s", file=sys.stderr)
    return 0


class _Progress:
    """A line on stderr per table, and every few seconds within a big one."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= PROGRESS_EVERY:
            print(f"  {table}: {done}/{total}", file=sys.stderr, flush=True)
            self.last = now


def _expand(url: str) -> str:
    """``${VAR}`` from the environment, as in the config file."""
    expanded = os.path.expandvars(url)
    if "${" in expanded:
        raise NewswatchError(f"{url}: an environment variable it names is not set")
    return expanded


def _is_sqlite(url: str) -> bool:
    return not url.startswith(("postgresql://", "postgres://"))


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite://")
