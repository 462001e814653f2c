"""Dashboard accounts and API tokens.

``user add NAME --role viewer|editor|admin [--password-stdin]`` · ``user list`` ·
``user remove NAME`` · ``user token NAME`` (prints a new API token alone on stdout; only
its hash is kept, so it cannot be shown again).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newswatch.commands.common import add_config_argument, load
from newswatch.config import state_location
from newswatch.errors import NewswatchError

if TYPE_CHECKING:
    from newswatch.store.users import UserRepo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="make an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=["viewer", "editor", "admin"], required=True)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    actions.add_parser("list", help="every account, its role and number of API tokens")
    remove = actions.add_parser("remove", help="remove an account, its sessions and tokens")
    remove.add_argument("name")
    token = actions.add_parser("token", help="print a new API token for an account")
    token.add_argument("name")
    for sub in actions.choices.values():
        add_config_argument(sub)


def main(args: argparse.Namespace) -> int:
    from newswatch.store import Store

    config = load(args).config
    store = Store(state_location(config))
    try:
        users, now = store.users, datetime.now(UTC)
        if args.action == "add":
            return _add(users, args, now)
        if args.action == "list":
            for user, tokens in users.all():
                since = f"{user.created_at:%Y-%m-%d}"
                print(f"{user.name:<24} {user.role:<7} {tokens} token(s)  since {since}")
            return 0
        if args.action == "remove":
            if not users.remove(args.name):
                raise NewswatchError(f"no account named {args.name!r}", hint="see `user list`")
            print(f"account {args.name} removed, with its sessions and tokens", file=sys.stderr)
            return 0
        if users.get(args.name) is None:
            raise NewswatchError(f"no account named {args.name!r}", hint="see `user list`")
        from newswatch.web.auth import new_secret

        secret = new_secret()
        users.add_token(args.name, secret, now)
        print(secret)
        return 0
    finally:
        store.close()


def _add(users: UserRepo, args: argparse.Namespace, now: datetime) -> int:
    from newswatch.web.passwords import hash_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            raise NewswatchError("the passwords differ")
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise NewswatchError(str(exc)) from None
    if not users.add(args.name, args.role, hashed, now):
        raise NewswatchError(
            f"an account named {args.name!r} exists", hint="`user remove` it first"
        )
    print(f"account {args.name} ({args.role}) added", file=sys.stderr)
    return 0
