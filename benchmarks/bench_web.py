"""The dashboard's alert list with 100,000 alerts stored.

    python benchmarks/bench_web.py [--alerts 100000] [--rounds 20] [--keep DIR]

1. Populate a state database the way the pipeline writes it: per alert an article, a rule
   match and an outbox row (``ArticleRepo.add``, ``record_match``, ``OutboxRepo.enqueue``),
   over 20 rules and 50 sources, spread over 30 days.
2. Serve it with ``newswatch web``'s server (uvicorn, in a thread) and time, over real HTTP
   with an API token: the Alerts page (``/``), ``/api/alerts``, and both with a rule filter,
   a source filter and a free-text filter. Reports the median and the worst of ``--rounds``.

Target (issue 20): the Alerts page and /api/alerts answer in < 300 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from newswatch.clock import SystemClock
from newswatch.model import Article
from newswatch.store import Store

RULES = [f"rule-{n:02d}" for n in range(20)]
WORDS = ["aleppo", "idlib", "shelling", "airstrike", "convoy", "market", "civilians"]


def populate(path: Path, count: int) -> None:
    rng = random.Random(20)
    store = Store(path)
    start = datetime.now(UTC) - timedelta(days=30)
    step = timedelta(days=30) / count
    for first in range(0, count, 5000):
        with store.unit() as tx:
            for n in range(first, min(first + 5000, count)):
                at = start + step * n
                url = f"https://news{n % 50}.example.org/story/{n}"
                text = " ".join(rng.choices(WORDS, k=60))
                title = f"{rng.choice(WORDS).capitalize()} report number {n}"
                article = Article(url, url, title, text, published=at, source=f"source-{n % 50}")
                article_id = tx.articles.add(article, [url], at, cluster_id=None)
                rule = RULES[n % len(RULES)]
                snippet = {"text": text[:200], "highlights": [[0, 6]]}
                match_id = tx.matches.record(rule, article_id, None, ["aleppo"], snippet, at)
                payload = {"rule": rule, "title": title, "url": url}
                tx.outbox.enqueue(rule, "desk", payload, at, match_id=match_id)
    store.close()


def timed(url: str, token: str, rounds: int) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    size = 0
    for _ in range(rounds):
        started = time.perf_counter()
        answer = requests.get(url, headers=headers, timeout=30)
        times.append(time.perf_counter() - started)
        answer.raise_for_status()
        size = len(answer.content)
    return statistics.median(times) * 1000, max(times) * 1000, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        path = (args.keep or Path(tmp)) / "state.db"
        if not path.exists():
            started = time.perf_counter()
            populate(path, args.alerts)
            print(f"populated {args.alerts:,} alerts in {time.perf_counter() - started:.0f} s")
        from newswatch.ruleset import parse_rules
        from newswatch.store.team_rules import TeamRuleRepo
        from newswatch.teamrules import LiveRules
        from newswatch.web.server import WebServer

        rules = parse_rules(f"state: {path}\nweb: {{listen: '127.0.0.1:0'}}\n", {}, path="<bench>")
        store = Store(path)
        token = "bench-token-" + "x" * 32
        users = store.users
        if users.get("bench") is None:
            users.add("bench", "viewer", "unused", datetime.now(UTC))
            users.add_token("bench", token, datetime.now(UTC))
        live = LiveRules(TeamRuleRepo(store.db), rules)
        server = WebServer(live, store, SystemClock())
        server.start()
        while not server.server.started:
            time.sleep(0.05)
        port = server.server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        print(f"{'request':<44} {'median':>8} {'worst':>8} {'bytes':>8}")
        for path_ in (
            "/",
            "/api/alerts",
            "/?rule=rule-07",
            "/api/alerts?rule=rule-07",
            "/api/alerts?source=source-13",
            "/api/alerts?since=24h",
            "/?q=report+number+4242",
            "/api/alerts?q=report+number+4242",
            "/api/alerts?q=aleppo",  # a word of nearly every alert
            "/?q=shell+conv",  # two word beginnings
        ):
            median, worst, size = timed(base + path_, token, args.rounds)
            print(f"{path_:<44} {median:>6.0f}ms {worst:>6.0f}ms {size:>8,}")
        print("target: < 300 ms")
        server.stop()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
