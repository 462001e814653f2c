"""Extraction quality and speed: newswatch vs trafilatura on the shared dev set.

    python benchmarks/bench_extract.py [--per-page] [--devset DIR]

Reads the 88 pages of ``../shared/data/extraction-devset`` (never copied into the repo) and
prints, for newswatch, trafilatura's default and trafilatura's best setting of those tried:
mean and median body F1 (4-word shingles), title accuracy and pages/second, then the ratios.
Every extractor runs on the same page back to back (in rotating order), so machine load
affects all alike.
The "2-fold" columns are the mean F1 on even-index and odd-index pages: newswatch's rules
were developed on the even half, so the odd column shows how they generalise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from newswatch.extract import extract_article
from newswatch.extract.evaluate import DevPage, load_devset, same_title, score
from newswatch.fetch import decode

DEFAULT_DEVSET = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-devset"
# No declared language, so newswatch's language identifier loads its model here.
WARM_UP_PAGE = (
    "<html><body><article><p>"
    + "The minister said on Monday that talks would resume next week in Geneva. " * 8
    + "</p></article></body></html>"
).encode()
Extractor = Callable[[bytes, str], tuple[str, str]]

TRAFILATURA_SETTINGS: dict[str, dict[str, Any]] = {
    "default": {},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
    "no_comments": {"include_comments": False},
    "no_comments+precision": {"include_comments": False, "favor_precision": True},
    "no_comments+recall": {"include_comments": False, "favor_recall": True},
    "no_tables": {"include_tables": False},
    "no_comments+no_tables": {"include_comments": False, "include_tables": False},
}


@dataclass
class Result:
    f1: list[float] = field(default_factory=list)
    titles: list[bool] = field(default_factory=list)
    seconds: float = 0.0

    def mean(self, part: slice = slice(None)) -> float:
        return statistics.mean(self.f1[part])


def newswatch_extractor(html: bytes, url: str) -> tuple[str, str]:
    article = extract_article(decode(html, {}), url)
    return article.text, article.title


def trafilatura_extractor(settings: dict[str, Any], *, metadata: bool = True) -> Extractor:
    """trafilatura doing newswatch's job (body, title, date, authors) or the body alone."""

    def run(html: bytes, url: str) -> tuple[str, str]:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=metadata, **settings)
        return ((doc.text or ""), (doc.title or "")) if doc is not None else ("", "")

    return run


def run_all(pages: list[DevPage], extractors: dict[str, Extractor]) -> dict[str, Result]:
    results = {name: Result() for name in extractors}
    for run in extractors.values():  # warm-up: lazy imports and models load outside the clock
        run(pages[0].html, "https://example.org/")
        run(WARM_UP_PAGE, "https://example.org/")
    names = list(extractors)
    for i, page in enumerate(pages):
        url = f"https://example.org/{page.name}"
        # Rotate who goes first, so no extractor alone pays for caches the others then reuse.
        for name in names[i % len(names) :] + names[: i % len(names)]:
            run = extractors[name]
            start = time.perf_counter()
            text, title = run(page.html, url)
            results[name].seconds += time.perf_counter() - start
            results[name].f1.append(score(text, page.expected_text).f1)
            results[name].titles.append(same_title(title, page.expected_title))
    return results


def print_table(results: dict[str, Result], rows: list[tuple[str, str]], n: int) -> None:
    head = (
        f"{'extractor':34} {'mean F1':>8} {'median':>7} {'even F1':>8} {'odd F1':>7} "
        f"{'title':>6} {'pages/s':>8}"
    )
    print(head)
    print("-" * len(head))
    for label, name in rows:
        r = results[name]
        print(
            f"{label:34} {r.mean():8.4f} {statistics.median(r.f1):7.4f} "
            f"{r.mean(slice(0, None, 2)):8.4f} {r.mean(slice(1, None, 2)):7.4f} "
            f"{sum(r.titles) / n:6.1%} {n / r.seconds:8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--per-page", action="store_true", help="print every page's F1")
    args = parser.parse_args(argv)
    if not args.devset.is_dir():
        print(
            f"SKIPPED: dev set not found at {args.devset} (it lives in ../shared, outside the repo)"
        )
        return 0
    pages = load_devset(args.devset)
    extractors: dict[str, Extractor] = {"newswatch": newswatch_extractor}
    extractors |= {
        f"trafilatura {k}": trafilatura_extractor(v) for k, v in TRAFILATURA_SETTINGS.items()
    }
    results = run_all(pages, extractors)
    best = max((k for k in results if k.startswith("trafilatura")), key=lambda k: results[k].mean())
    best_setting = best.split(" ", 1)[1]
    # Speed of the body alone, no metadata (trafilatura's fastest use), for the same two settings.
    body_only = {
        "body only: default": trafilatura_extractor({}, metadata=False),
        f"body only: {best_setting}": trafilatura_extractor(
            TRAFILATURA_SETTINGS[best_setting], metadata=False
        ),
    }
    results |= run_all(pages, {"newswatch again": newswatch_extractor} | body_only)
    n = len(pages)
    print(f"{n} pages from {args.devset}\n")
    rows = [("newswatch", "newswatch"), ("trafilatura (default)", "trafilatura default")]
    rows.append((f"trafilatura best: {best_setting}", best))
    print_table(results, rows, n)
    nw = results["newswatch"]
    for label, name in rows[1:]:
        other = results[name]
        print(
            f"\nnewswatch vs {label}: mean F1 {nw.mean() - other.mean():+.4f}, "
            f"odd-half F1 {nw.mean(slice(1, None, 2)) - other.mean(slice(1, None, 2)):+.4f}, "
            f"speed x{other.seconds / nw.seconds:.2f}"
        )
    again = results["newswatch again"]
    print("\nspeed against trafilatura extracting the body only (no title/date/authors):")
    for name in body_only:
        print(
            f"  trafilatura {name}: {n / results[name].seconds:.1f} pages/s, "
            f"newswatch in the same pass {n / again.seconds:.1f} pages/s, "
            f"ratio x{results[name].seconds / again.seconds:.2f}"
        )
    print("\nall trafilatura settings tried (with metadata, as newswatch):")
    print_table(results, [(k, k) for k in results if k.startswith("trafilatura")], n)
    if args.per_page:
        print(f"\n{'page':28} {'newswatch':>9} {'best traf':>9}")
        for i, page in enumerate(pages):
            print(f"{page.name:28} {nw.f1[i]:9.3f} {results[best].f1[i]:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
