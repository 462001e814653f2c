"""2 cores against 1, end to end, in the same run: ``newswatch once``'s cold cycle, alternated.

Issue 18's target: end-to-end articles/s with 2 cores >= 1.7x the same run with 1 core.
The runs use bench_once.py's sites and config (product defaults) on a CPU-bound shape by
default (500 hosts x 2 feeds x 5 items: politeness bound ~12 s, so the cores are the limit;
in the issue's 100 x 10 shape both runs finish at the ~60 s politeness bound, 1.00x).
Each round runs the cold cycle on a fresh state file with ``once`` pinned to CPU 0, then to
every CPU, so the two figures of a round see the same machine load.

The sites are a process of this same machine, and where they run changes the ratio:

- ``--server apart`` (the site server unpinned): in the 1-core run the server has the other
  core to itself, in the 2-core run it takes CPU from ``once``. Biased against 2 cores.
- ``--server with-once`` (the server pinned to the same CPUs as ``once``): each run is
  "a machine with N cores running newswatch and the sites". The server's work is parallel,
  so this flatters 2 cores slightly.

A user's machine, with the sites elsewhere, lies between the two; ``--server both``
(the default) prints both.

Run:  python benchmarks/bench_cores.py                 # 2 rounds x 2 placements (~8 min)
      python benchmarks/bench_cores.py --rounds 1 --server apart
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_once import Sites, add_site_arguments, run_once, write_config


def pin(pid: int, cpus: str | None) -> None:
    """Pin every thread of ``pid`` to ``cpus`` (None: every CPU of this process)."""
    every = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    subprocess.run(["taskset", "-a", "-p", "-c", cpus or every, str(pid)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def cold_run(sites: Sites, cpus: str | None, server: str, limit: float) -> float:
    """One cold cycle on a fresh state file; articles/s end to end."""
    pin(sites.process.pid, cpus if server == "with-once" else None)
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), sites)
        sites.control("/__stats")
        seconds, _cpu, _rss, code, killed, new = run_once(
            config, limit, Path(tmp) / "cold.log", cpus
        )
    if killed or code not in (0, 1) or new <= 0:
        raise SystemExit(f"cold cycle failed: exit {code}, killed {killed}, {new} new articles")
    return new / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_arguments(parser, hosts=500, sections=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--server", choices=["apart", "with-once", "both"], default="both")
    parser.add_argument("--limit", type=float, default=900.0, help="kill a run after this")
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("needs at least 2 CPUs")
    placements = ["apart", "with-once"] if args.server == "both" else [args.server]
    ratios: dict[str, list[float]] = {p: [] for p in placements}
    sites = Sites(args.hosts, args.sections, args.items, args.delay)
    try:
        for round_ in range(1, args.rounds + 1):
            for placement in placements:
                one = cold_run(sites, "0", placement, args.limit)
                every = cold_run(sites, None, placement, args.limit)
                ratios[placement].append(every / one)
                print(
                    f"round {round_}, server {placement}: 1 core {one:.1f} articles/s, "
                    f"all cores {every:.1f} articles/s: {every / one:.2f}x "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    finally:
        sites.close()
    cores = len(os.sched_getaffinity(0))
    for placement, values in ratios.items():
        shown = ", ".join(f"{r:.2f}x" for r in values)
        print(
            f"server {placement}: {cores} cores vs 1, median {statistics.median(values):.2f}x "
            f"({shown}; target >= 1.7x)"
        )


if __name__ == "__main__":
    main()
