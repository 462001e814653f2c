"""Workers on PostgreSQL (issue 19's targets), same-run ratios on this machine.

1. ``throughput``: end-to-end articles/s (poll → extract → match → record) with two
   ``newswatch worker`` processes against one, on the same local sources, each on a fresh
   database of one throwaway cluster (tests/pg.py's). Target: ≥ 1.7×.
2. ``scale``: N workers polling many local sources at an interval: every source polled
   about once per interval, and the queue's depth (polls waiting) stays bounded. The
   issue's case is 4 workers × 20,000 sources at 5 minutes (``--sources 20000
   --interval 300 --minutes 12``); the default is the same poll rate in a shorter run
   (2,000 sources at 30 s).

    python benchmarks/bench_workers.py throughput [--sources 120 --items 3]
    python benchmarks/bench_workers.py scale [--workers 4 --sources 2000 --interval 30]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from tests.pg import PgCluster, _bindir, _run_as  # noqa: E402

from soak_site import Receiver, SoakSites, vocabulary  # noqa: E402


def cluster() -> PgCluster:
    bindir = _bindir()
    if bindir is None:
        sys.exit("PostgreSQL not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="newswatch-bench-pg-"))
    root.chmod(0o755)
    pg = PgCluster(bindir=bindir, root=root / "cluster", run_as=_run_as())
    pg.init()
    pg.start()
    return pg


def fixed_items(sites: SoakSites, items: int, polls: Counter[int] | None = None) -> None:
    """Every source shows the same ``items`` recent items (a minute apart) for the whole
    run; ``polls`` counts each source's feed requests."""
    sites.periods = [60.0] * len(sites.periods)
    sites.offsets = [items * 60.0] * len(sites.offsets)
    sites.started = time.time()

    def published(i: int, now: float | None = None) -> int:  # once per feed request
        if polls is not None:
            polls[i] += 1
        return items

    sites.published = published  # type: ignore[method-assign]


def write_config(path: Path, dsn: str, sites: SoakSites, n: int, interval: int, hook: str) -> None:
    words = sites.words
    lines = [f'state: "{dsn}"', "defaults:", f"  interval: {interval}s", "  timeout: 10s",
             f'channels:\n  hook: "{hook}"', "sources:"]  # fmt: skip
    lines += [f"  - name: s{i}\n    feed: {sites.feed_url(i)}" for i in range(n)]
    lines.append("rules:")
    for k in range(20):
        a, b = words[k * 2], words[k * 2 + 1]
        lines.append(f"  - name: r{k}\n    query: '{a} AND {b}'\n    notify: [hook]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_workers(config: Path, count: int, log: Path) -> list[subprocess.Popen[bytes]]:
    out = log.open("ab")
    return [
        subprocess.Popen(
            [sys.executable, "-m", "newswatch", "worker", "-c", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.terminate()
    for w in workers:
        w.wait(timeout=120)


def one(dsn: str, query: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(query).fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row else 0


def wait_until(check: object, timeout: float, step: float = 0.25) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(step)
    raise SystemExit(f"not done after {timeout:.0f}s")


def throughput(pg: PgCluster, workers: int, args: argparse.Namespace, tmp: Path) -> float:
    sites = SoakSites(args.sources, args.sources, 1e7, vocabulary(20000))
    fixed_items(sites, args.items)
    receiver = Receiver()
    sites.start()
    receiver.start()
    dsn = pg.dsn(pg.create_database())
    config = tmp / f"throughput-{workers}.yaml"
    write_config(config, dsn, sites, args.sources, 3600, receiver.url)
    procs = start_workers(config, workers, tmp / "workers.log")
    try:
        wait_until(lambda: _rows(dsn, "newswatch_schedule") == args.sources, 180)
        wait_until(lambda: _rows(dsn, "newswatch_workers") == workers, 120)
        with psycopg.connect(dsn, autocommit=True) as conn:  # every source due at once
            conn.execute("UPDATE newswatch_schedule SET next_due = now()")
        seconds = wait_until(lambda: _drained(dsn, args.sources), 900)
        total = _rows(dsn, "articles")
    finally:
        stop_workers(procs)
        sites.stop()
        receiver.stop()
    rate = total / seconds
    print(f"{workers} worker(s): {total} articles in {seconds:.1f}s = {rate:.1f} articles/s")
    return rate


def _drained(dsn: str, sources: int) -> bool:
    """Every source's poll queued since the start, and no poll or article job (the polls'
    new entries, on builds that have them) waiting or running."""
    queued = one(dsn, "SELECT count(*) FROM newswatch_schedule WHERE last_deferred IS NOT NULL")
    busy = one(dsn, "SELECT count(*) FROM procrastinate_jobs WHERE task_name IN "
                    "('newswatch.poll', 'newswatch.article') "
                    "AND status IN ('todo', 'doing')")  # fmt: skip
    return queued == sources and busy == 0


def _rows(dsn: str, table: str) -> int:
    try:
        return one(dsn, f"SELECT count(*) FROM {table}")
    except psycopg.errors.UndefinedTable:
        return 0


def scale(pg: PgCluster, args: argparse.Namespace, tmp: Path) -> None:
    sites = SoakSites(args.sources, max(args.sources // 10, 1), 1e7, vocabulary(20000))
    polls: Counter[int] = Counter()
    fixed_items(sites, 1, polls)
    receiver = Receiver()
    sites.start()
    receiver.start()
    dsn = pg.dsn(pg.create_database())
    config = tmp / "scale.yaml"
    write_config(config, dsn, sites, args.sources, args.interval, receiver.url)
    procs = start_workers(config, args.workers, tmp / "workers.log")
    depths: list[int] = []
    try:
        wait_until(lambda: _rows(dsn, "newswatch_workers") == args.workers, 300)
        time.sleep(min(args.interval, 60))  # measure from a minute in (first polls: first_offsets)
        started = time.monotonic()
        polls.clear()
        while time.monotonic() - started < args.minutes * 60:
            depths.append(one(dsn, "SELECT count(*) FROM procrastinate_jobs WHERE "
                                   "status = 'todo' AND task_name = 'newswatch.poll'"))  # fmt: skip
            time.sleep(5)
        elapsed = time.monotonic() - started
        feeds = [polls.get(i, 0) for i in range(args.sources)]
    finally:
        stop_workers(procs)
        sites.stop()
        receiver.stop()
    _report_scale(args, elapsed, feeds, depths)


def _report_scale(
    args: argparse.Namespace, elapsed: float, feeds: list[int], depths: list[int]
) -> None:
    expected = elapsed / args.interval
    polled = sum(feeds)
    never = sum(1 for f in feeds if f == 0)
    print(f"{args.workers} workers, {args.sources} sources every {args.interval}s, {elapsed:.0f}s:")
    print(f"  feed requests {polled} = {polled / elapsed:.1f}/s; expected about "
          f"{args.sources * expected:.0f} ({args.sources / args.interval:.1f}/s)")  # fmt: skip
    print(f"  per source: min {min(feeds)}, max {max(feeds)} (expected {expected:.1f}); "
          f"never polled: {never}")  # fmt: skip
    half = depths[len(depths) // 2 :] or [0]
    print(f"  polls waiting: max {max(depths or [0])}, second half max {max(half)}, "
          f"last {depths[-1] if depths else 0}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["throughput", "scale"])
    parser.add_argument("--sources", type=int)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=2.0)
    args = parser.parse_args()
    pg = cluster()
    tmp = Path(tempfile.mkdtemp(prefix="newswatch-bench-"))
    try:
        if args.what == "throughput":
            args.sources = args.sources or 120
            one_rate = throughput(pg, 1, args, tmp)
            two_rate = throughput(pg, 2, args, tmp)
            print(f"2 workers / 1 worker: {two_rate / one_rate:.2f}x (target >= 1.7x)")
        else:
            args.sources = args.sources or 2000
            scale(pg, args, tmp)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
