"""Compiling a query once, and matching one compiled query against one article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from newswatch.match.documents import NaiveDocument, article_fields
from newswatch.match.evaluate import evaluate
from newswatch.match.explain import Plan, explain, plan
from newswatch.match.fast import FastDocument
from newswatch.match.nodes import Node
from newswatch.match.parser import PlaceResolver, parse, pinned_languages
from newswatch.model import Article, Match
from newswatch.text.analysis import article_languages


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed, validated query; ``root`` is the tree (see ``newswatch.match.nodes``)."""

    text: str
    root: Node
    lang: str | None = None  # the language its words are read in (a rule's ``lang:``)

    @cached_property
    def plan(self) -> Plan:
        """How to explain a match: worked out on the first, kept for the others."""
        return plan(self.root)


def compile_query(
    query: str,
    terms: Mapping[str, Sequence[str]] | None = None,
    places: PlaceResolver | None = None,
    lang: str | None = None,
) -> CompiledQuery:
    """Parse ``query``; raise :class:`~newswatch.errors.QueryError` (column + problem).
    ``lang`` pins the language its words are read in; None: any their script allows."""
    return CompiledQuery(query, parse(query, terms or {}, places, lang), lang)


def document_languages(article: Article, pinned: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The analysers an article is read with: its own language's (every one when unknown),
    and those of the languages rules pin (``analysis.pinned`` tags)."""
    return article_languages(article.language) + pinned


def match_query(query: CompiledQuery, article: Article, rule_name: str = "query") -> Match | None:
    """The explained match of one query against one article, or None."""
    langs = document_languages(article, _pins(query))
    doc = FastDocument(article_fields(article), langs=langs)
    return explain(rule_name, query.plan, doc) if evaluate(query.root, doc) else None


def naive_match(query: CompiledQuery, article: Article, rule_name: str = "query") -> Match | None:
    """``match_query`` by the reference evaluator: every term scanned over every token."""
    doc = NaiveDocument(article_fields(article), document_languages(article, _pins(query)))
    return explain(rule_name, query.plan, doc) if evaluate(query.root, doc) else None


def _pins(query: CompiledQuery) -> tuple[str, ...]:
    return pinned_languages(query.lang)[1:] if query.lang else ()
