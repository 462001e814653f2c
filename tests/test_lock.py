"""The check command's lock check: the lock in requirements/ must match pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


def lock_check(root: Path) -> subprocess.CompletedProcess[str]:
    script = REPO / "scripts" / "lock.py"
    return subprocess.run(
        [sys.executable, str(script), "--check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    shutil.copytree(REPO / "requirements", tmp_path / "requirements")
    return tmp_path


def test_the_committed_lock_matches_pyproject() -> None:
    checked = lock_check(REPO)
    assert checked.returncode == 0, checked.stderr


def test_a_dependency_edited_without_relocking_fails(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('"Jinja2>=3.1,<4",', '"Jinja2>=3.1,<4",\n  "tzdata",'))
    checked = lock_check(project)
    assert checked.returncode == 1
    assert "requirements/run.txt was made from other pyproject.toml dependencies" in checked.stderr


def test_a_pin_outside_its_range_is_named(project: Path) -> None:
    lock = project / "requirements" / "test.txt"
    pinned = next(line for line in lock.read_text().splitlines() if line.startswith("jinja2=="))
    lock.write_text(lock.read_text().replace(pinned, "jinja2==2.11.3 \\"))
    checked = lock_check(project)
    assert checked.returncode == 1
    assert "requirements/test.txt: Jinja2==2.11.3 is outside 'Jinja2>=3.1,<4'" in checked.stderr
