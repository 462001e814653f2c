"""Fetch (or read) pages and print the extracted articles.

Exit status 0 when every input yielded text, 1 when nothing was extracted from some input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from newswatch.clock import to_iso
from newswatch.commands.common import add_page_url_argument
from newswatch.model import Article

if TYPE_CHECKING:
    from newswatch.commands.inputs import Loaded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="URL|FILE|-", help="pages to extract")
    parser.add_argument("--json", action="store_true", help="one JSON object per input and line")
    add_page_url_argument(parser)
    parser.add_argument("--no-places", action="store_true", help="skip place recognition")


def main(args: argparse.Namespace) -> int:
    from newswatch.commands.inputs import load_inputs

    recognize = None if args.no_places else _place_recognizer()
    status = 0
    total = len(args.inputs)
    show_progress = total > 3 and sys.stderr.isatty()
    for i, loaded in enumerate(load_inputs(args.inputs, args.url), start=1):
        article = loaded.article
        if article is not None and recognize is not None:
            from dataclasses import replace

            article = replace(article, places=recognize(article.title, article.text))
        if article is None or not article.text.strip():
            status = 1
            print(
                f"newswatch: {loaded.label}: {loaded.error or 'no article text found'}",
                file=sys.stderr,
            )
        _print(article, loaded, args.json)
        if show_progress:
            print(f"[{i}/{total}] {loaded.label}", file=sys.stderr)
    return status


def article_json(article: Article | None, fallback_url: str) -> dict[str, Any]:
    if article is None:
        return {
            "url": fallback_url,
            "canonical_url": fallback_url,
            "title": "",
            "text": "",
            "published": None,
            "authors": [],
            "language": None,
            "places": [],
        }
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "text": article.text,
        "published": to_iso(article.published),
        "authors": list(article.authors),
        "language": article.language,
        "places": [p.to_json() for p in article.places],
    }


def _print(article: Article | None, loaded: Loaded, as_json: bool) -> None:
    if as_json:
        print(json.dumps(article_json(article, loaded.label), ensure_ascii=False), flush=True)
        return
    if article is None:
        return
    print(f"# {article.title or '(no title)'}")
    print(f"url:       {article.canonical_url or article.url}")
    print(f"published: {to_iso(article.published) or '-'}")
    print(f"authors:   {', '.join(article.authors) or '-'}")
    print(f"language:  {article.language or '-'}")
    if article.places:
        print("places:    " + ", ".join(f"{p.name} ({p.country})" for p in article.places))
    print()
    print(article.text)
    print()


def _place_recognizer() -> Any:
    try:
        from newswatch.geo import Gazetteer, PlaceRecognizer
    except ImportError:
        return None
    return PlaceRecognizer(Gazetteer.load()).recognize
