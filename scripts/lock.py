"""Make and check the dependency lock files in requirements/.

    python scripts/lock.py            # refresh after editing pyproject.toml; keeps existing pins
    python scripts/lock.py --upgrade  # take the newest releases pyproject.toml allows
    python scripts/lock.py --check    # offline: does the lock still match pyproject.toml?

The lock is made by uv (``uv pip compile --universal --generate-hashes``): one resolution that
holds for every Python and platform we support, with a hash for every file, written as plain
requirements files that the pip of any Python 3.11 venv installs with ``--require-hashes``. So
installing needs no tool beyond pip; only refreshing the lock needs uv.

``requirements/test.txt`` pins the runtime, the test extras and the build tools;
``requirements/run.txt`` is the runtime and build subset, constrained to the same versions.
Each file starts with a stamp of the dependency tables of pyproject.toml; ``--check`` fails when
the stamp is stale (someone edited the dependencies without re-locking) or when a pinned version
no longer satisfies its range.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
STAMP = "# pyproject-dependencies-sha256: "
LOWEST_PYTHON = "3.11"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def dependency_tables(pyproject: dict[str, object]) -> dict[str, object]:
    project = pyproject["project"]
    assert isinstance(project, dict)
    return {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "dependency-groups": pyproject.get("dependency-groups", {}),
    }


def stamp_of(pyproject: dict[str, object]) -> str:
    canonical = json.dumps(dependency_tables(pyproject), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_pyproject(root: Path) -> dict[str, object]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def locks_of(root: Path) -> dict[str, Path]:
    return {name: root / "requirements" / f"{name}.txt" for name in ("test", "run")}


def compile_lock(lock: Path, upgrade: bool, extra: list[str]) -> None:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        sys.exit("uv is not installed: run `make .venv/.test-installed` (uv is a test extra)")
    command = [uv, "pip", "compile", "pyproject.toml", "--quiet", "--group", "pyproject.toml:build"]
    command += ["--universal", "--python-version", LOWEST_PYTHON, "--generate-hashes"]
    command += ["--custom-compile-command", "make lock", "-o", str(lock), *extra]
    if upgrade:
        command.append("--upgrade")
    subprocess.run(command, cwd=ROOT, check=True)


def write_stamp(path: Path, stamp: str) -> None:
    lines = [line for line in path.read_text().splitlines() if not line.startswith(STAMP)]
    path.write_text("\n".join([STAMP + stamp, *lines]) + "\n")


def refresh(upgrade: bool) -> None:
    locks = locks_of(ROOT)
    locks["test"].parent.mkdir(exist_ok=True)
    compile_lock(locks["test"], upgrade, ["--extra", "test"])
    # The runtime lock takes the test lock's versions: `make run` gets what CI tested.
    compile_lock(locks["run"], upgrade, ["--constraints", str(locks["test"])])
    stamp = stamp_of(read_pyproject(ROOT))
    for path in locks.values():
        write_stamp(path, stamp)
    print(f"locked: {', '.join(str(p.relative_to(ROOT)) for p in locks.values())}")


def pins_of(path: Path) -> dict[str, list[Version]]:
    pins: dict[str, list[Version]] = {}
    for line in path.read_text().splitlines():
        found = PIN.match(line.strip())
        if found:
            pins.setdefault(canonicalize_name(found[1]), []).append(Version(found[2]))
    return pins


def lock_problems(path: Path, wanted: list[str], stamp: str) -> list[str]:
    relative = f"{path.parent.name}/{path.name}"
    if not path.exists():
        return [f"{relative} is missing: run `make lock`"]
    problems = []
    if not path.read_text().startswith(STAMP + stamp):
        problems.append(f"{relative} was made from other pyproject.toml dependencies: `make lock`")
    pins = pins_of(path)
    for text in wanted:
        requirement = Requirement(text)
        versions = pins.get(canonicalize_name(requirement.name), [])
        if not versions:
            problems.append(f"{relative}: {requirement.name} is not pinned")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            pinned = ", ".join(map(str, versions))
            problems.append(f"{relative}: {requirement.name}=={pinned} is outside {text!r}")
    return problems


def check(root: Path) -> int:
    pyproject = read_pyproject(root)
    project: dict[str, Any] = pyproject["project"]  # type: ignore[assignment]
    groups: dict[str, list[str]] = pyproject.get("dependency-groups", {})  # type: ignore[assignment]
    runtime = list(project.get("dependencies", []))
    build = list(groups.get("build", []))
    test = list(project.get("optional-dependencies", {}).get("test", []))
    stamp = stamp_of(pyproject)
    locks = locks_of(root)
    problems = lock_problems(locks["run"], runtime + build, stamp)
    problems += lock_problems(locks["test"], runtime + build + test, stamp)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("lock: requirements/ matches pyproject.toml")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify, offline; change nothing")
    parser.add_argument("--upgrade", action="store_true", help="take the newest allowed releases")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check:
        return check(args.root)
    refresh(args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
