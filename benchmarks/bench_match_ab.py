"""Matching speed against a previous matcher, in the same run: A/B by alternating processes.

    git worktree add /tmp/newswatch-base <commit>       # the matcher to compare with
    python benchmarks/bench_match_ab.py --baseline /tmp/newswatch-base

Each round runs one process per side, alternately, on the same seeded corpus and rules
(``bench_match.Corpus`` of each side; the corpus is the same text on both), and takes each
side's compile time (best of 3 builds) and indexed rate (articles per CPU-second, the best
of ``--passes`` passes after one untimed warm-up pass). The machine's speed drifts from
minute to minute; alternating rounds and comparing medians cancels most of it.

Both sides' processes run with the collector's first threshold at 50,000, as every
newswatch process sets it at start-up (``newswatch.gctune``'s value, passed in: an
older checkout may not have the module). Matchers from before that module paused the
collector while building themselves; under CPython's default threshold a matcher that
does not would pay thousands of collections a newswatch process never runs.

Articles are given the language of their script (``ar``, ``ru``, ``en``), as extraction
gives them; ``--unknown-language`` leaves it unset, so every analyser reads every article
(the union newswatch falls back to).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from newswatch.gctune import YOUNG_THRESHOLD

HERE = Path(__file__).resolve().parent.parent

_CHILD = r"""
import dataclasses, gc, json, re, sys, time
sys.path[:0] = [{src!r}, {root!r}]
from benchmarks.bench_match import Corpus, best_rate
from newswatch.match import Matcher

gc.set_threshold({young}, *gc.get_threshold()[1:])
corpus = Corpus({seed})
articles = [corpus.article(n) for n in range({articles})]
if {declare}:
    def lang(text):
        return "ar" if re.search("[\u0600-\u06ff]", text) else "ru" if re.search(
            "[\u0400-\u04ff]", text) else "en"
    articles = [dataclasses.replace(a, language=lang(a.text)) for a in articles]
rules = [corpus.rule(n) for n in range({rules})]
compile_s = float("inf")
for _ in range(3):
    gc.collect()
    start = time.process_time()
    matcher = Matcher(rules)
    compile_s = min(compile_s, time.process_time() - start)
for article in articles:
    matcher.match(article)
rate = best_rate(matcher.match, articles, {passes})
print(json.dumps({{"compile": compile_s, "rate": rate}}))
"""


def run(side: Path, args: argparse.Namespace) -> dict[str, float]:
    code = _CHILD.format(
        src=str(side / "src"),
        root=str(side),
        seed=args.seed,
        articles=args.articles,
        rules=args.rules,
        passes=args.passes,
        declare=not args.unknown_language,
        young=YOUNG_THRESHOLD,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout to compare")
    parser.add_argument("--rules", type=int, default=10000)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--unknown-language", action="store_true")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "this": []}
    for number in range(args.rounds):
        sides = [("baseline", args.baseline), ("this", HERE)]
        for name, side in sides if number % 2 == 0 else sides[::-1]:
            found = run(side, args)
            results[name].append(found)
            print(
                f"round {number + 1} {name:8} compile {found['compile']:.3f} s, "
                f"{found['rate']:.0f} articles/s",
                flush=True,
            )
    base, this = results["baseline"], results["this"]
    rate = statistics.median(r["rate"] for r in this) / statistics.median(r["rate"] for r in base)
    compile_ratio = statistics.median(r["compile"] for r in this) / statistics.median(
        r["compile"] for r in base
    )
    print(
        f"\n{args.rules} rules, {args.articles} articles, "
        f"{'unknown' if args.unknown_language else 'declared'} languages: "
        f"matching x{rate:.2f} of the baseline's rate (target >= 0.8), "
        f"compile x{compile_ratio:.2f} of its time (target < 2)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
