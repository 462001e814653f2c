"""``console://``: an apprise channel that prints alerts to stdout, needing no account.

The example config and ``newswatch demo`` deliver through it. The body arrives fully
rendered (``console`` dialect: ANSI bold on a terminal, ``**x**`` otherwise).
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from apprise.decorators import notify
from apprise.manager_plugins import NotificationManager

SCHEMA = "console"
_lock = threading.Lock()


def _print_alert(body: str, title: str, *args: Any, **kwargs: Any) -> bool:
    text = f"{title}\n{body}" if title else body
    # sys.stdout is looked up per call so redirection (tests, pipes) is respected.
    print(text + "\n", file=sys.stdout, flush=True)
    return True


def register_console_plugin() -> None:
    """Register ``console://`` with apprise; calling it again does nothing."""
    with _lock:
        if SCHEMA in NotificationManager():  # type: ignore[no-untyped-call]
            return
        notify(on=SCHEMA, name="newswatch console")(_print_alert)  # type: ignore[no-untyped-call]


def stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
