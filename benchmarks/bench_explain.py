"""What explaining a match costs, apart from finding it.

    python benchmarks/bench_explain.py [--articles 2000] [--rules 10000] [--rounds 3]

The corpus and rules of bench_match.py. Each article is matched first (as Matcher.match
does, so the document holds what matching computed), then only the ``explain`` calls are
timed, in CPU time. Printed per match: the mean over all matches, and split into matches on
ASCII articles, on Arabic/Cyrillic ones, and matches on absence alone (no terms to find).
The best of ``--rounds`` rounds, as timeit does; the target is 50 µs a match on average.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_match import one_size, one_size_arguments  # beside this file: on the path
from newswatch.gctune import tune_gc
from newswatch.match import Matcher
from newswatch.match.explain import explain
from newswatch.model import Article


def one_round(matcher: Matcher, articles: list[Article]) -> dict[str, list[float]]:
    """Seconds per explained match, by kind of match."""
    times: dict[str, list[float]] = {"ascii": [], "other scripts": [], "absence only": []}
    for article in articles:
        doc = matcher.document(article)
        for number in matcher._matching(article, doc):
            rule, query = matcher.rules[number].name, matcher.queries[number]
            start = time.process_time()
            found = explain(rule, query.plan, doc)
            spent = time.process_time() - start
            kind = "ascii" if article.text.isascii() else "other scripts"
            times["absence only" if not found.terms else kind].append(spent)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    one_size_arguments(parser, articles=2000, rounds=3)
    args = parser.parse_args()
    tune_gc()  # as every newswatch process does at start-up (newswatch/gctune.py)
    articles, matcher = one_size(args)
    one_round(matcher, articles)  # fill the memos, as a running daemon has
    rounds = [one_round(matcher, articles) for _ in range(args.rounds)]
    best = min(rounds, key=lambda r: sum(map(sum, r.values())))
    total = sum(map(sum, best.values()))
    count = sum(map(len, best.values()))
    print(f"{count} matches, explain {total / count * 1e6:.1f} µs per match on average")
    for kind, spent in best.items():
        if spent:
            print(f"  {kind:14s} {len(spent):6d} matches {sum(spent) / len(spent) * 1e6:7.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
