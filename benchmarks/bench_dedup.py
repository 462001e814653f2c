"""Story dedup at scale: 100,000 stored articles in a real SQLite file.

    python benchmarks/bench_dedup.py [--articles 100000] [--adds 1000] [--keep DIR]

1. Populate a state database with synthetic, seeded articles spread over the dedup window
   (stories re-published with edited leads and extra paragraphs, like wire copy).
2. In a fresh process: rebuild the ``StoryIndex`` from the store (time, memory), then add
   and query new articles the way the pipeline does — identity lookup, insert, ``assign``
   in one transaction — half near-duplicates of stored stories, half new.
3. Baselines in the same run, on the same signatures: datasketch's ``MinHashLSH`` filled
   with the body signatures, and a brute-force numpy scan of all signatures per query.

Targets (issue 5): add+query median < 5 ms, rebuild < 10 s, memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from newswatch.clock import FakeClock
from newswatch.config.schema import DedupConfig
from newswatch.dedup import StoryIndex, identity_keys
from newswatch.dedup.fingerprint import RECORD, fingerprint
from newswatch.model import Article
from newswatch.store import Store

START = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = timedelta(hours=72)
_SYLLABLES = [a + b for a in "bdfghklmnprstvz" for b in ["a", "e", "i", "o", "u", "ar", "en", "is"]]


def vocabulary(rng: np.random.Generator, size: int = 8000) -> list[str]:
    parts = rng.integers(0, len(_SYLLABLES), size=(size, 3))
    return sorted({"".join(_SYLLABLES[p] for p in row) for row in parts})


class Writer:
    """Synthetic news: Zipf-distributed words, so stock phrases recur across stories."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = vocabulary(self.rng)
        ranks = np.arange(1, len(self.words) + 1)
        self.cdf = np.cumsum(1.0 / ranks) / (1.0 / ranks).sum()

    def sentence(self, n: int) -> str:
        picks = np.minimum(np.searchsorted(self.cdf, self.rng.random(n)), len(self.words) - 1)
        return " ".join(self.words[i] for i in picks) + "."

    def story(self) -> tuple[str, str]:
        return self.sentence(10), " ".join(self.sentence(25) for _ in range(6))

    def variant(self, text: str) -> str:
        """Wire copy elsewhere: a re-written lead, sometimes an extra paragraph."""
        sentences = text.split(". ")
        sentences[0] = self.sentence(25).rstrip(".")
        if self.rng.random() < 0.5:
            sentences.append(self.sentence(25).rstrip("."))
        return ". ".join(sentences)


def _blob(item: tuple[str, str]) -> bytes:
    return fingerprint(item[0], item[1]).to_bytes()


def populate(path: Path, count: int, seed: int) -> tuple[float, datetime]:
    """Write ``count`` fingerprinted articles; returns (seconds, the time they end at)."""
    writer = Writer(seed)
    items: list[tuple[str, str]] = []
    while len(items) < count:
        title, text = writer.story()
        items.append((title, text))
        for _ in range(int(writer.rng.integers(0, 5))):
            items.append((writer.sentence(10), writer.variant(text)))
    items = items[:count]
    started = time.perf_counter()
    with multiprocessing.Pool(2) as pool:
        blobs = pool.map(_blob, items, chunksize=500)
    store = Store(path)
    step = WINDOW * 0.95 / count
    cluster_of: dict[str, int] = {}
    with store.unit() as tx:
        for n, ((title, text), blob) in enumerate(zip(items, blobs, strict=True)):
            at = START + step * n
            url = f"https://site{n % 50}.example/{n}"
            art = Article(url, url, title, text, source=f"site{n % 50}")
            article_id = tx.articles.add(art, identity_keys(url, None, text), at)
            story = text.split(". ", 2)[1]  # the first paragraph survives re-writes
            if story not in cluster_of:
                cluster_of[story] = tx.articles.new_cluster(at, title)
            tx.stories.set_story(article_id, cluster_of[story], blob)
    store.close()
    return time.perf_counter() - started, START + step * count


def _peak_rss_mb() -> float:
    """This process's RSS high-water mark. (``ru_maxrss`` would also count the parent's
    RSS at fork time: Linux carries it across exec.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure_index(path: Path, now: datetime, adds: int, seed: int) -> dict[str, Any]:
    """Run in a fresh process: rebuild, then add+query like the pipeline."""
    store = Store(path)
    clock = FakeClock(now)
    before = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    index = StoryIndex(store, clock, DedupConfig(window=WINDOW))
    rebuild = time.perf_counter() - started
    rebuild_cpu = time.process_time() - cpu_started
    after_rebuild = _rss_mb()
    writer = Writer(seed + 1)
    # Random ids rather than ORDER BY random(): that sorts every text in SQLite's memory.
    picks = np.random.default_rng(seed).integers(1, index.size, size=adds).tolist()
    with store.db.read() as conn:
        stored = [
            conn.execute("SELECT text FROM articles WHERE id = ?", (i,)).fetchone()[0]
            for i in picks
        ]
    timings, cpu, joined = [], [], 0
    for n in range(adds):
        text = writer.variant(stored[n % len(stored)]) if n % 2 else writer.story()[1]
        url = f"https://new{seed}.example/{n}"
        art = Article(url, url, writer.sentence(10), text, source="new")
        clock.advance(1)
        t0, c0 = time.perf_counter(), time.process_time()
        keys = identity_keys(url, None, text)
        if store.articles.find_by_keys(keys) is not None:
            continue  # known already: nothing to add
        with store.unit() as tx:
            article_id = tx.articles.add(art, keys, clock.now())
            decision = index.assign(tx, article_id, art)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        joined += not decision.new_story
    return {
        "members": index.size,
        "rebuild_s": rebuild,
        "rss_before_mb": before,
        "rss_after_rebuild_mb": after_rebuild,
        "peak_rss_mb": _peak_rss_mb(),
        "index_mb": index.nbytes / 2**20,
        "add_median_ms": statistics.median(timings),
        "add_p95_ms": float(np.percentile(timings, 95)),
        "add_cpu_median_ms": statistics.median(cpu),
        "rebuild_cpu_s": rebuild_cpu,
        "joined": joined,
        "adds": adds,
    }


def measure_baselines(path: Path, queries: int) -> dict[str, Any]:
    """datasketch MinHashLSH and a numpy scan over the same stored signatures."""
    from datasketch import LeanMinHash, MinHashLSH

    store = Store(path)
    with store.db.read() as conn:
        blobs = [r[0] for r in conn.execute("SELECT signature FROM articles ORDER BY id")]
    store.close()
    body = np.frombuffer(b"".join(blobs), dtype=RECORD)["body"]
    before = _rss_mb()
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=body.shape[1])
    sketches = [LeanMinHash(seed=7, hashvalues=sig, scheme="affine32") for sig in body]
    for n, sketch in enumerate(sketches):
        lsh.insert(n, sketch, check_duplication=False)
    fill = time.perf_counter() - started
    after = _rss_mb()
    lsh_times, scan_times = [], []
    for n in range(queries):
        t0 = time.perf_counter()
        lsh.query(sketches[n * 97 % len(sketches)])
        lsh_times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        sims = np.count_nonzero(body == body[n * 97 % len(body)], axis=1)
        int(np.argmax(sims))
        scan_times.append((time.perf_counter() - t0) * 1000)
    return {
        "lsh_fill_s": fill,
        "lsh_mb": after - before,
        "lsh_query_median_ms": statistics.median(lsh_times),
        "scan_query_median_ms": statistics.median(scan_times),
    }


def _child(phase: str, args: argparse.Namespace, db: Path, now: datetime) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", phase, "--db", str(db), "--now", now.isoformat()]
    cmd += ["--adds", str(args.adds), "--seed", str(args.seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def report(n: int, populate_s: float, ours: dict[str, Any], base: dict[str, Any] | None) -> None:
    rows = [
        ("articles in the index after the adds", f"{ours['members']:,}", "", ""),
        ("populate (fingerprint + insert)", f"{populate_s:.1f} s", "", "setup"),
        ("start-up rebuild", f"{ours['rebuild_s']:.2f} s", "< 10 s", ""),
        ("start-up rebuild, CPU time", f"{ours['rebuild_cpu_s']:.2f} s", "", "own CPU"),
        ("add + query, median", f"{ours['add_median_ms']:.2f} ms", "< 5 ms", ""),
        ("add + query, median CPU time", f"{ours['add_cpu_median_ms']:.2f} ms", "", "own CPU"),
        ("add + query, p95", f"{ours['add_p95_ms']:.2f} ms", "", ""),
        ("process RSS after rebuild", f"{ours['rss_after_rebuild_mb']:.0f} MB", "< 300 MB", ""),
        ("process peak RSS (rebuild + adds)", f"{ours['peak_rss_mb']:.0f} MB", "< 300 MB", ""),
        ("index arrays", f"{ours['index_mb']:.0f} MB", "", ""),
        ("near-duplicates joined", f"{ours['joined']}/{ours['adds'] // 2}", "", "half the adds"),
    ]
    if base:
        rows += [
            (
                "baseline: datasketch MinHashLSH fill",
                f"{base['lsh_fill_s']:.2f} s",
                "",
                f"x{base['lsh_fill_s'] / ours['rebuild_s']:.1f} of ours",
            ),
            (
                "baseline: datasketch MinHashLSH memory",
                f"{base['lsh_mb']:.0f} MB",
                "",
                f"x{base['lsh_mb'] / max(ours['index_mb'], 1):.1f} of our index",
            ),
            ("baseline: MinHashLSH query, median", f"{base['lsh_query_median_ms']:.3f} ms", "", ""),
            (
                "baseline: numpy scan of all, median",
                f"{base['scan_query_median_ms']:.2f} ms",
                "",
                f"x{base['scan_query_median_ms'] / ours['add_median_ms']:.1f} of our add+query",
            ),
        ]
    print(f"\nnewswatch story dedup, {n:,} stored articles")
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (wall times grow with load)"
    )
    print(f"{'measure':40} {'value':>12} {'target':>9}  note")
    print("-" * 80)
    for name, value, target, note in rows:
        print(f"{name:40} {value:>12} {target:>9}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--adds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--phase", choices=["index", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        now = datetime.fromisoformat(args.now)
        if args.phase == "index":
            print(json.dumps(measure_index(args.db, now, args.adds, args.seed)))
        else:
            print(json.dumps(measure_baselines(args.db, args.adds)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        db = folder / "bench-dedup.db"
        if db.exists():
            sys.exit(f"{db} exists; remove it or pick another --keep folder")
        print(f"populating {args.articles:,} articles in {db} …", file=sys.stderr)
        populate_s, now = populate(db, args.articles, args.seed)
        base = None if args.no_baseline else _child("baseline", args, db, now)
        ours = _child("index", args, db, now)
        report(args.articles, populate_s, ours, base)


if __name__ == "__main__":
    main()
