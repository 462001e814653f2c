"""Extraction stage: an HTML page in, an :class:`~newswatch.model.Article` out.

``extract_article`` is imported on first use (PEP 562): the daemon extracts in worker
processes (:mod:`newswatch.extract.pool`), and its main process need not load lxml's
and trafilatura's extraction stack (~40 MB, a second of start-up) a second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newswatch.extract.article import extract_article

__all__ = ["extract_article"]


def __getattr__(name: str) -> Any:
    if name == "extract_article":
        from newswatch.extract.article import extract_article

        return extract_article
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
