"""Write a commented starter config (the one config/newswatch.example.yaml holds).

``newswatch init [PATH]`` (default ./newswatch.yaml); an existing file is kept unless
``--force``. Exit status 0 written, 1 not written.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from newswatch.errors import NewswatchError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default="newswatch.yaml", metavar="PATH", help="default: newswatch.yaml"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def starter_text() -> str:
    return resources.files("newswatch").joinpath("starter.yaml").read_text(encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists() and not args.force:
        raise NewswatchError(f"{path} exists; not overwritten", hint="--force to replace it")
    try:
        path.write_text(starter_text(), encoding="utf-8")
    except OSError as exc:
        raise NewswatchError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}. Next:", file=sys.stderr)
    for step in (
        f"newswatch check -c {path}                # valid? (warnings too)",
        f"newswatch once --baseline -c {path}      # a quiet start: today's news is seen",
        f"newswatch run -c {path}                  # the daemon; alerts print on stdout",
    ):
        print(f"  {step}", file=sys.stderr)
    return 0
