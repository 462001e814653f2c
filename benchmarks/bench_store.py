"""Stage 6 through the store, on both backends: the unit of work each new article costs.

Each article is one unit, as ``Pipeline._record`` writes it: the article and its identity
keys, its story (the near-duplicate index, a third of the articles being copies of an
earlier one from another source), what the matching rule last alerted on, the match and
two outbox rows. Printed: units per second on SQLite and on PostgreSQL with one process,
then two processes sharing the PostgreSQL database (the story lock serialises their
assignments; the same stories must come out), and ``newswatch state copy`` of the SQLite
file into an empty PostgreSQL database (rows per second).

Run:  python benchmarks/bench_store.py --pg postgresql://postgres@127.0.0.1:5432/postgres
      (a server on which the benchmark may create and drop databases; without --pg only
      SQLite is measured)
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.clock import FakeClock
from newswatch.config.schema import DedupConfig
from newswatch.dedup import StoryIndex, identity_keys
from newswatch.model import Article
from newswatch.store import Store
from newswatch.store.copy import copy_state

START = datetime(2026, 11, 1, tzinfo=UTC)
VOCABULARY = [f"{stem}{n}" for stem in ("strike", "market", "convoy", "border") for n in range(300)]


def articles(count: int, seed: int = 1) -> list[Article]:
    """Stories of 150 words; every third article re-reports an earlier one elsewhere."""
    rng = random.Random(seed)
    out: list[Article] = []
    for n in range(count):
        if n % 3 == 2:
            origin = out[rng.randrange(len(out))]
            text = "Updated. " + origin.text
        else:
            text = " ".join(rng.choice(VOCABULARY) for _ in range(150))
        url = f"https://site{n % 40}.example/{seed}/{n}"
        out.append(Article(url, url, f"Story {n}", text, source=f"site{n % 40}"))
    return out


def record(state: str, batch: list[Article]) -> tuple[float, set[tuple[str, int]]]:
    """Record ``batch`` one unit per article; returns (seconds, (url, story) pairs)."""
    clock = FakeClock(START)
    store = Store(state)
    index = StoryIndex(store, clock, DedupConfig(window=timedelta(days=3)))
    stories: set[tuple[str, int]] = set()
    started = time.perf_counter()
    for art in batch:
        clock.advance(1)
        with store.unit() as tx:
            article_id = tx.articles.add(art, identity_keys(art.url, None, art.text), clock.now())
            story = index.assign(tx, article_id, art)
            tx.matches.alerted_basis("watch", story.cluster_id)
            match_id = tx.matches.record(
                "watch", article_id, story.cluster_id, ["a"], {}, clock.now()
            )
            if match_id is not None:
                for channel in ("desk", "field"):
                    tx.outbox.enqueue(
                        "watch", channel, {"title": art.title}, clock.now(), match_id=match_id
                    )
        stories.add((art.url, story.cluster_id))
    seconds = time.perf_counter() - started
    store.close()
    return seconds, stories


def _worker(args: tuple[str, list[Article]]) -> tuple[float, set[tuple[str, int]]]:
    return record(*args)


def fresh_database(server: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rsplit('/', 1)[0]}/{name}"


def story_count(pairs: set[tuple[str, int]]) -> int:
    return len({story for _, story in pairs})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="a PostgreSQL server URL (databases are created on it)")
    parser.add_argument("-n", type=int, default=3000, help="articles (default 3000)")
    args = parser.parse_args()
    batch = articles(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = str(Path(tmp) / "state.db")
        seconds, pairs = record(sqlite, batch)
        print(f"{'backend':<34} {'units/s':>9} {'stories':>8}")
        print(f"{'SQLite, 1 process':<34} {len(batch) / seconds:>9.0f} {story_count(pairs):>8}")
        if not args.pg:
            print("PostgreSQL: not measured (pass --pg URL)")
            return
        seconds, single = record(fresh_database(args.pg), batch)
        print(
            f"{'PostgreSQL, 1 process':<34} {len(batch) / seconds:>9.0f} {story_count(single):>8}"
        )
        shared = fresh_database(args.pg)
        record(shared, [])  # migrate once, outside the timing
        halves = [(shared, batch[0::2]), (shared, batch[1::2])]
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            results = pool.map(_worker, halves)
        seconds = time.perf_counter() - started
        both = results[0][1] | results[1][1]
        label = "PostgreSQL, 2 processes sharing it"
        print(f"{label:<34} {len(batch) / seconds:>9.0f} {story_count(both):>8}")
        target = Store(fresh_database(args.pg))
        source = Store(sqlite, read_only=True)
        started = time.perf_counter()
        copied = copy_state(source, target)
        seconds = time.perf_counter() - started
        rows = sum(copied.values())
        print(
            f"state copy SQLite -> PostgreSQL: {rows} rows in {seconds:.1f} s "
            f"({rows / seconds:.0f} rows/s)"
        )
        source.close()
        target.close()


if __name__ == "__main__":
    main()
