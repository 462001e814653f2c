"""Where newswatch keeps its state: a SQLite file (the default) or a PostgreSQL database."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from newswatch.config.schema import Config

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(state: str | None) -> bool:
    """Whether ``state:`` names a PostgreSQL database rather than a SQLite file."""
    return bool(state) and str(state).startswith(DATABASE_SCHEMES)


def state_location(config: Config, environ: Mapping[str, str] = os.environ) -> str:
    """What the store opens: the ``postgresql://`` URL as written, else the SQLite file's
    path (:func:`state_path`)."""
    if config.state and is_database_url(config.state):
        return config.state
    return str(state_path(config, environ))


def state_path(config: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """The SQLite state file: ``state:`` from the config, else systemd's
    $STATE_DIRECTORY, else the user state dir."""
    if config.state:
        return Path(config.state).expanduser()
    if environ.get("STATE_DIRECTORY"):
        return Path(environ["STATE_DIRECTORY"].split(":")[0]) / "newswatch.db"
    return Path(platformdirs.user_state_dir("newswatch")) / "newswatch.db"
