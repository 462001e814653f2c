"""Start-up (issue 18): an invocation imports what its subcommand needs, and ``--help``
still shows every command and every command's arguments.

The import checks run in a fresh interpreter each: ``sys.modules`` of the test process
already holds whatever other tests imported.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import newswatch.commands
from newswatch.cli import COMMANDS, Command, build_parser, main

# What the daemon, the dashboard and PostgreSQL state need, and a light command does not.
HEAVY = ("trafilatura", "procrastinate", "psycopg", "psycopg_pool", "apprise", "starlette")
# What only polling, serving /metrics or scheduling needs.
DAEMON = ("requests", "numpy", "apscheduler", "prometheus_client", "bs4")

_CHILD = """
import contextlib, io, json, sys
from newswatch.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        status = main({argv!r})
    except SystemExit as exc:
        status = exc.code
print(json.dumps({{"status": status, "out": out.getvalue(), "modules": sorted(sys.modules)}}))
"""

CONFIG = """
state: {state}
sources:
  - name: example
    feed: https://news.example.org/feed.xml
channels:
  terminal: "console://"
rules:
  - name: aleppo
    query: 'Aleppo AND (airstrike* OR shelling)'
    notify: [terminal]
"""


def run_child(*argv: str) -> tuple[int, str, set[str]]:
    """(exit status, stdout, modules loaded) of ``newswatch ARGV`` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD.format(argv=list(argv))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    return found["status"], found["out"], set(found["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(CONFIG.format(state=tmp_path / "state.db"), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_each_summary_is_its_modules_first_docstring_line(command: Command) -> None:
    module = importlib.import_module(f"newswatch.commands.{command.module}")
    assert (module.__doc__ or "").strip().splitlines()[0] == command.summary
    assert callable(module.add_arguments) and callable(module.main)


def test_every_command_module_is_registered() -> None:
    modules = set()
    for info in pkgutil.iter_modules(newswatch.commands.__path__):
        module = importlib.import_module(f"newswatch.commands.{info.name}")
        if hasattr(module, "add_arguments") and hasattr(module, "main"):
            modules.add(info.name)
    assert modules == {c.module for c in COMMANDS}


def test_top_level_help_lists_every_command_and_imports_none() -> None:
    status, out, modules = run_child("--help")
    assert status == 0
    for command in COMMANDS:
        assert f"\n    {command.name}" in out
    assert build_parser().format_help() == out
    assert not [m for m in modules if m.startswith("newswatch.commands.")]
    assert not loaded(modules, (*HEAVY, "pydantic", "yaml"))


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_each_command_help_shows_its_own_arguments(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newswatch {command} [-h]")
    assert "show this help message and exit" in out


def test_check_imports_no_network_dashboard_or_database_stack(config: Path) -> None:
    status, out, modules = run_child("check", "-c", str(config))
    assert status == 0, out
    assert "ok" in out
    assert not loaded(modules, (*HEAVY, *DAEMON))


def test_status_on_sqlite_imports_no_worker_or_postgresql_stack(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["silence", "aleppo", "--for", "1h", "-c", str(config)]) == 0  # makes the state
    capsys.readouterr()
    status, out, modules = run_child("status", "-c", str(config), "--json")
    assert status == 0
    report = json.loads(out)
    assert report["database"] is not None  # it read the SQLite file
    assert report["sources"][0]["name"] == "example"
    assert not loaded(modules, (*HEAVY, *DAEMON))
    assert "newswatch.commands.status_workers" not in modules


def test_once_help_imports_neither_the_pipeline_nor_its_stack() -> None:
    status, out, modules = run_child("once", "--help")
    assert status == 0
    assert "--baseline" in out
    assert not loaded(modules, (*HEAVY, *DAEMON, "pydantic"))
    assert "newswatch.pipeline" not in modules
