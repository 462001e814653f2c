"""CLI start-up: wall and CPU time of short ``newswatch`` invocations, optionally A/B.

    git worktree add /tmp/newswatch-base <commit>       # the CLI to compare with
    python benchmarks/bench_startup.py --baseline /tmp/newswatch-base [--this /tmp/other]

Runs ``python -m newswatch ARGS`` for ``--help``, ``check``, ``status`` (on a SQLite state
that exists) and ``once --help``, each ``--rounds`` times; with ``--baseline`` the two
sides alternate within each round (the baseline's ``src`` first on ``PYTHONPATH``), so the
machine's drift falls on both. ``--this`` measures another checkout instead of this one
(only a side's ``src`` differs: both run in this interpreter, with its dependencies).
Prints each side's median wall time and CPU time (user + system of the child, from
``wait4``) and this side's ratio to the baseline's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

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


def invocations(config: Path) -> dict[str, list[str]]:
    return {
        "--help": ["--help"],
        "check": ["check", "-c", str(config)],
        "status": ["status", "-c", str(config)],
        "once --help": ["once", "--help"],
    }


def timed(side: Path | None, argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``python -m newswatch ARGV``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NEWSWATCH_CONFIG")}
    if side is not None:
        env["PYTHONPATH"] = str(side / "src")
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "newswatch", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read() if child.stderr else b""
    if child.returncode != 0:
        raise SystemExit(f"newswatch {' '.join(argv)}: exit {child.returncode}: {errors!r}")
    return wall, usage.ru_utime + usage.ru_stime


def make_state(config: Path) -> None:
    """A state database that exists, so ``status`` opens it (a silence creates it)."""
    subprocess.run(
        [sys.executable, "-m", "newswatch", "silence", "aleppo", "--for", "1h", "-c", str(config)],
        check=True,
        capture_output=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with")
    parser.add_argument("--this", type=Path, help="a checkout to measure instead of this one")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sides: list[tuple[str, Path | None]] = [("this", args.this and args.this.resolve())]
    if args.baseline:
        sides.insert(0, ("baseline", args.baseline.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "newswatch.yaml"
        config.write_text(CONFIG.format(state=Path(tmp) / "state.db"), encoding="utf-8")
        make_state(config)
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for number in range(args.rounds):
            for label, argv in invocations(config).items():
                for name, side in sides if number % 2 == 0 else sides[::-1]:
                    results.setdefault((name, label), []).append(timed(side, argv))
    report(results, [name for name, _ in sides], args.rounds)
    return 0


def report(
    results: dict[tuple[str, str], list[tuple[float, float]]], names: list[str], rounds: int
) -> None:
    print(f"median of {rounds} rounds, seconds (load average {os.getloadavg()[0]:.2f})")
    print(f"{'newswatch':14} " + " ".join(f"{n + ' wall':>14} {n + ' cpu':>13}" for n in names))
    for label in dict.fromkeys(label for _, label in results):
        cells, medians = [], []
        for name in names:
            runs = results[(name, label)]
            wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
            medians.append((wall, cpu))
            cells.append(f"{wall:14.3f} {cpu:13.3f}")
        ratio = ""
        if len(medians) == 2:
            (base_wall, base_cpu), (wall, cpu) = medians
            ratio = f"   wall x{wall / base_wall:.2f}, cpu x{cpu / base_cpu:.2f}"
        print(f"{label:14} " + " ".join(cells) + ratio)


if __name__ == "__main__":
    sys.exit(main())
