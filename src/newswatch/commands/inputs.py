"""Reading pages for ``extract`` and ``match``: URLs, files, ``-`` (stdin), JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newswatch.clock import SystemClock, from_iso
from newswatch.errors import ExtractError, FetchError, NewswatchError
from newswatch.extract import extract_article
from newswatch.fetch import Fetcher, FetchSettings, decode, is_private_url
from newswatch.model import Article


@dataclass(frozen=True)
class Loaded:
    """One input: the article read from it, or why nothing could be read."""

    label: str
    article: Article | None
    error: str | None = None


def is_url(item: str) -> bool:
    return item.startswith(("http://", "https://"))


def load_inputs(
    items: Sequence[str], urls: Sequence[str], *, allow_jsonl: bool = False
) -> Iterator[Loaded]:
    """Yield one or more articles per input, in input order.

    ``urls`` are the page addresses of file inputs, in order (``--url`` once per file).
    """
    file_urls = iter(urls)
    fetcher: Fetcher | None = None
    for item in items:
        if is_url(item):
            if fetcher is None:
                import requests

                fetcher = Fetcher(requests.Session(), None, SystemClock(), per_origin_delay=0)
            yield _from_url(fetcher, item)
            continue
        page_url = next(file_urls, None)
        try:
            data = sys.stdin.buffer.read() if item == "-" else Path(item).read_bytes()
        except OSError as exc:
            yield Loaded(item, None, f"cannot read: {exc.strerror or exc}")
            continue
        if allow_jsonl and (item.endswith(".jsonl") or _looks_like_json(data)):
            yield from _from_jsonl(item, data)
            continue
        # A file or stdin has no headers: its bytes are decoded on their own evidence.
        yield _from_html(item, decode(data, {}), page_url or _file_url(item))


def _from_url(fetcher: Fetcher, url: str) -> Loaded:
    try:
        # Private addresses only for a URL that is itself private (an intranet page, the
        # demo): a public page must not redirect the command into the local network.
        page = fetcher.fetch(url, FetchSettings(), allow_private=is_private_url(url))
    except FetchError as exc:
        return Loaded(url, None, exc.reason)
    return _from_html(url, page.text(), page.url)


def _from_html(label: str, text: str, url: str) -> Loaded:
    try:
        return Loaded(label, extract_article(text, url))
    except ExtractError as exc:
        return Loaded(label, None, str(exc))


def _from_jsonl(label: str, data: bytes) -> Iterator[Loaded]:
    for n, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label}:{n}"
        try:
            yield Loaded(where, article_from_json(json.loads(line)))
        except (ValueError, TypeError, NewswatchError) as exc:
            yield Loaded(where, None, f"not an article JSON object: {exc}")


def article_from_json(obj: object) -> Article:
    if not isinstance(obj, dict):
        raise TypeError("expected a JSON object")
    url = str(obj.get("url") or "")
    return Article(
        url=url,
        canonical_url=str(obj.get("canonical_url") or url),
        title=str(obj.get("title") or ""),
        text=str(obj.get("text") or ""),
        published=from_iso(obj.get("published")),
        authors=tuple(obj.get("authors") or ()),
        language=obj.get("language"),
        source=str(obj.get("source") or ""),
    )


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def _file_url(path: str) -> str:
    return "" if path == "-" else Path(path).resolve().as_uri()
