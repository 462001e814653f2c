"""newswatch as users install it: a wheel built from this tree, installed outside the tree into a
venv made the plain way (``python -m venv``, the pip that Python ships, not upgraded).

The venv gets its dependencies only from the wheelhouse `make test` fills from the lock (offline:
no index), and pip resolves them from the wheel's own metadata. So a dependency the code imports
but pyproject.toml does not declare in a way that pip resolves (jusText's ``lxml.html.clean``
behind lxml's extra, which pip 23 ignored) fails here, not in a user's poll; and a file missing
from the wheel (templates, the demo site, gazetteer sources) fails `demo`, `check` or `extract`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.timeout(600)

# Set by `make test` (and `make test-latest`): the wheels of every dependency.
WHEELHOUSE = str(Path(os.environ["WHEELHOUSE"]).resolve()) if os.environ.get("WHEELHOUSE") else ""
TREE_SKIP = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)


def _plain_environment() -> dict[str, str]:
    """The environment without this machine's pip settings: the venv's pip sees only the
    wheelhouse, as a user's pip would see only what the project declares."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INPUT": "1"}


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_plain_environment(), capture_output=True, text=True, timeout=timeout
    )


def _build_wheel(tmp: Path) -> Path:
    """`python -m build` on a copy of the tree (building writes egg-info beside the sources)."""
    tree = tmp / "tree"
    shutil.copytree(REPO, tree, ignore=TREE_SKIP)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp / "dist"), str(tree)],
        cwd=tmp,  # not the checkout: its build/ directory would shadow the `build` package
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list((tmp / "dist").glob("newswatch-*.whl"))
    assert len(wheels) == 1 and list((tmp / "dist").glob("newswatch-*.tar.gz")), built.stdout
    return wheels[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ directory of a plain venv holding the wheel and nothing else of this tree."""
    if not WHEELHOUSE or not Path(WHEELHOUSE).is_dir():
        message = "no WHEELHOUSE: run the suite with `make test`, which downloads the lock's wheels"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    tmp = tmp_path_factory.mktemp("install")
    wheel = _build_wheel(tmp)
    base_python = getattr(sys, "_base_executable", sys.executable)
    venv = tmp / "venv"
    made = _run([base_python, "-m", "venv", str(venv)], cwd=tmp)
    assert made.returncode == 0, made.stderr
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index"]
    added = _run([*pip, "--find-links", WHEELHOUSE, str(wheel)], cwd=tmp)
    assert added.returncode == 0, added.stdout[-3000:] + added.stderr[-3000:]
    yield venv / "bin"


def test_the_whole_extraction_path_imports_from_the_installed_wheel(installed: Path) -> None:
    code = (
        "import lxml.html.clean, justext, trafilatura, newswatch, newswatch.extract, "
        "newswatch.geo, newswatch.notify; print(newswatch.__file__)"
    )
    imported = _run([str(installed / "python"), "-c", code], cwd=installed)
    assert imported.returncode == 0, imported.stderr
    assert str(installed.parent) in imported.stdout, "newswatch came from outside the venv"


def test_demo_runs_from_the_wheel_alone(installed: Path) -> None:
    demo = _run([str(installed / "newswatch"), "demo"], cwd=installed.parent, timeout=180)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Aleppo" in demo.stdout


def test_init_writes_the_starter_config_and_check_accepts_it(installed: Path) -> None:
    config = installed.parent / "newswatch.yaml"
    written = _run([str(installed / "newswatch"), "init", str(config)], cwd=installed)
    assert written.returncode == 0, written.stdout + written.stderr
    example = (REPO / "config" / "newswatch.example.yaml").read_text(encoding="utf-8")
    assert config.read_text(encoding="utf-8") == example
    checked = _run([str(installed / "newswatch"), "check", "-c", str(config)], cwd=installed)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ": ok" in checked.stdout


def test_extract_and_match_a_saved_article_page(installed: Path) -> None:
    page = REPO / "tests" / "fixtures" / "extract" / "jsonld-newsarticle.html"
    extracted = _run(
        [str(installed / "newswatch"), "extract", "--json", "--url", "https://n.test/a", str(page)],
        cwd=installed,
    )
    assert extracted.returncode == 0, extracted.stderr[-3000:]
    article = json.loads(extracted.stdout)
    assert article["title"].startswith("Aid convoy") and len(article["text"]) > 200
    query = 'convoy AND "besieged town"'
    matched = _run(
        [str(installed / "newswatch"), "match", "--query", query, str(page)], cwd=installed
    )
    assert matched.returncode == 0, matched.stdout + matched.stderr
