"""Extraction stage: an HTML page in, an :class:`~newswatch.model.Article` out."""

from newswatch.extract.article import extract_article

__all__ = ["extract_article"]
