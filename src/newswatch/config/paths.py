"""Where newswatch keeps its state file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from newswatch.config.schema import Config


def state_path(config: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """``state:`` from the config, else systemd's $STATE_DIRECTORY, else the user state dir."""
    if config.state:
        return Path(config.state).expanduser()
    if environ.get("STATE_DIRECTORY"):
        return Path(environ["STATE_DIRECTORY"].split(":")[0]) / "newswatch.db"
    return Path(platformdirs.user_state_dir("newswatch")) / "newswatch.db"
