"""Where an article's matching time goes, step by step, at one rule count.

    python benchmarks/bench_match_steps.py [--articles 1000] [--rules 10000] [--rounds 5]
                                           [--declared]

The bench_match corpus and rules. Each article goes through the steps of ``Matcher.match``
(tokenising its fields into a FastDocument; the presearch scan and evaluating the candidate
rules; explaining the matches), each step timed alone; the table gives, per script, the
mean over the articles of each step's minimum over ``--rounds`` rounds, which leaves out
most of what other jobs on the machine add. ``--declared`` gives each article the language
of its script (``ar``, ``ru``, ``en``), as extraction does and as ``bench_match_ab`` runs
by default; without it every article is of unknown language, read by every analyser.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from dataclasses import replace

from bench_match import one_size, one_size_arguments  # beside this file: on the path
from newswatch.gctune import tune_gc
from newswatch.match import Matcher
from newswatch.match.explain import explain
from newswatch.model import Article

STEPS = ("tokenise", "scan + evaluate", "explain")


def timed_steps(matcher: Matcher, article: Article) -> tuple[float, float, float]:
    clock = time.process_time
    start = clock()
    doc = matcher.document(article)
    tokenised = clock()
    numbers = matcher._matching(article, doc)
    matched = clock()
    for number in numbers:
        query = matcher.queries[number]
        explain(matcher.rules[number].name, query.plan, doc)
    return tokenised - start, matched - tokenised, clock() - matched


def declared(article: Article) -> Article:
    """The article with the language of its script, as bench_match_ab gives it."""
    text = article.text
    script = re.search("[\u0600-\u06ff]", text), re.search("[\u0400-\u04ff]", text)
    return replace(article, language="ar" if script[0] else "ru" if script[1] else "en")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    one_size_arguments(parser, articles=1000, rounds=5)
    parser.add_argument(
        "--declared", action="store_true", help="articles in their script's language"
    )
    args = parser.parse_args()
    tune_gc()  # as every newswatch process does at start-up (newswatch/gctune.py)
    articles, matcher = one_size(args)
    if args.declared:
        articles = [declared(article) for article in articles]
    for article in articles:  # steady state: the per-word memos filled
        matcher.match(article)
    best = [[float("inf")] * len(STEPS) for _ in articles]
    for _ in range(args.rounds):
        for i, article in enumerate(articles):
            best[i] = [
                min(pair) for pair in zip(best[i], timed_steps(matcher, article), strict=True)
            ]
    groups: dict[str, list[list[float]]] = defaultdict(list)
    for article, steps in zip(articles, best, strict=True):
        groups["ASCII" if article.text.isascii() else "other scripts"].append(steps)
        groups["all"].append(steps)
    print(f"{args.rules} rules, {len(articles)} articles, best of {args.rounds} rounds, µs")
    print(f"{'articles':<14} {'count':>6} " + " ".join(f"{s:>16}" for s in STEPS) + "   total")
    for name, rows in sorted(groups.items()):
        means = [sum(col) / len(rows) * 1e6 for col in zip(*rows, strict=True)]
        cells = " ".join(f"{m:>16.1f}" for m in means)
        print(f"{name:<14} {len(rows):>6} {cells} {sum(means):>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
