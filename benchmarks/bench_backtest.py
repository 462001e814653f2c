"""Backtest over a month of stored articles: 150,000 in a real SQLite file.

    python benchmarks/bench_backtest.py [--articles 150000] [--days 30] [--keep DIR]

1. Populate a state database with seeded synthetic articles (~2 KB of Zipf-distributed
   words each, a few percent naming a watched place or incident word), spread evenly over
   ``--days`` days, the way the daemon stores them (``ArticleRepo.add``).
2. In a fresh process, as ``newswatch backtest --rule`` does: a typical rule, the store
   read newest first in batches, the prefilter, the daemon's Matcher. Reports the wall
   time, the share of articles the prefilter let through, and the matches.

Target (issue 20): < 10 s for 150,000 articles, with progress.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.backtest import Prefilter, backtest
from newswatch.config import Config, RuleConfig
from newswatch.model import Article
from newswatch.ruleset import prepare
from newswatch.store import Store

RULE = RuleConfig(
    name="aleppo-airstrikes",
    query='(Aleppo OR Halab OR حلب) AND (airstrike* OR "air strike*" OR warplane* OR bombing)',
)
PLACES = ["Aleppo", "Idlib", "Homs", "Gaziantep", "Kharkiv", "Mosul", "Goma", "Khartoum"]
INCIDENTS = ["airstrike", "airstrikes", "shelling", "warplanes", "bombing", "explosion"]
_SYLLABLES = [a + b for a in "bdfghklmnprstvz" for b in ["a", "e", "i", "o", "u", "ar", "en"]]


def populate(path: Path, count: int, days: int, now: datetime) -> None:
    rng = random.Random(20)
    words = sorted({"".join(rng.choices(_SYLLABLES, k=3)) for _ in range(8000)})
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    store = Store(path)
    step = timedelta(days=days) / count
    batch = 5000
    for start in range(0, count, batch):
        with store.unit() as tx:
            for n in range(start, min(start + batch, count)):
                body = rng.choices(words, weights, k=300)
                if rng.random() < 0.05:
                    body[rng.randrange(300)] = rng.choice(PLACES)
                if rng.random() < 0.1:
                    body[rng.randrange(300)] = rng.choice(INCIDENTS)
                url = f"https://news{n % 50}.example.org/{n}"
                article = Article(
                    url=url,
                    canonical_url=url,
                    title=" ".join(rng.choices(words, weights, k=8)).capitalize(),
                    text=" ".join(body) + ".",
                    source=f"source-{n % 50}",
                    language="en",  # as extraction detects it; the prefilter reads it
                )
                seen = now - timedelta(days=days) + step * n
                tx.articles.add(article, [url], seen)
    store.close()


def run(path: Path, days: int) -> None:
    store = Store(path, read_only=True)
    archive = store.archive
    ruleset = prepare(Config(rules=[RULE]))
    since = datetime.now(UTC) - timedelta(days=days, hours=1)
    ticks: list[int] = []
    started, cpu = time.perf_counter(), time.process_time()
    hits = list(backtest(archive, ruleset, since, progress=lambda done, _t: ticks.append(done)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    total = archive.count_since(since)
    keep = Prefilter(ruleset.matcher).fields
    kept = sum(len(found) for _n, found in archive.scan(since, keep))
    store.close()
    print(f"articles in the period     {total:>10,}")
    print(f"through the prefilter      {kept:>10,} ({100 * kept / max(total, 1):.1f} %)")
    print(f"matched                    {len(hits):>10,}")
    print(f"progress reports           {len(ticks):>10,}")
    print(f"backtest wall time         {elapsed:>10.2f} s   (target < 10 s)")
    # On a shared machine the wall time includes other processes' turns; CPU time does not.
    print(f"backtest CPU time          {cpu:>10.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="reuse/keep the database in this directory")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # the timed child
    args = parser.parse_args()
    if args.run:
        run(args.run, args.days)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-backtest-") as tmp:
        folder = args.keep or Path(tmp)
        path = folder / "state.db"
        if not path.exists():
            started = time.perf_counter()
            populate(path, args.articles, args.days, datetime.now(UTC))
            print(f"populated {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
        # A fresh process: no warm caches from populating.
        child = [sys.executable, __file__, "--run", str(path), "--days", str(args.days)]
        return subprocess.run(child, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
