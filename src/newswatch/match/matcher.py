"""Matching an article against every rule of the configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from newswatch.config.schema import RuleConfig
from newswatch.match.documents import NaiveDocument, article_fields
from newswatch.match.evaluate import evaluate
from newswatch.match.explain import explain
from newswatch.match.fast import FastDocument
from newswatch.match.index import Presearcher
from newswatch.match.nodes import FIELDS, Term, all_leaves
from newswatch.match.parser import PlaceResolver, pinned_languages
from newswatch.match.predicate import predicate
from newswatch.match.query import CompiledQuery, compile_query, document_languages
from newswatch.model import Article, Match
from newswatch.text.analysis import prefix_keys
from newswatch.text.memo import KeyMemo

UNCONDITIONAL = (
    "matches any article without its excluded words, so it will alert on nearly every "
    "article; add the words it is about (e.g. aleppo -football)"
)


class Matcher:
    """All rules, compiled once and indexed; ``match`` evaluates only candidate rules.

    ``rule.sources`` is honoured (the article's source must be listed); ``rule.near`` is
    not, the geo stage filters on it afterwards.
    """

    def __init__(
        self,
        rules: Sequence[RuleConfig],
        terms: Mapping[str, Sequence[str]] | None = None,
        places: PlaceResolver | None = None,
        compiled: Mapping[str, CompiledQuery] | None = None,
    ) -> None:
        """``compiled``: queries already compiled with the same ``terms`` and ``places``
        (``rulecheck.Checked.compiled``: checking the config compiles every query)."""
        self.rules = list(rules)
        known = compiled or {}
        self.queries: list[CompiledQuery] = [
            _compiled(known, rule, terms, places) for rule in self.rules
        ]
        # Languages some rule pins: every article is read in them too (``analysis``).
        self.pinned = tuple(sorted({pinned_languages(q.lang)[1] for q in self.queries if q.lang}))
        self.sources = [frozenset(r.sources) if r.sources is not None else None for r in rules]
        self.index = Presearcher(q.root for q in self.queries)
        self.predicates = [predicate(q.root) for q in self.queries]
        self.memo = _memo(self.queries, self.index.words, self.index.prefix_rules)

    def unconditional(self) -> list[int]:
        """The rules that match an article holding none of their words (``NOT football``
        alone, ``-sport``): they alert on nearly every article, which is almost always a
        mistake, so ``check`` and the daemon warn (``UNCONDITIONAL``)."""
        empty = NaiveDocument(dict.fromkeys(FIELDS, ""))
        return [n for n in self.index.always if evaluate(self.queries[n].root, empty)]

    def _allowed(self, number: int, article: Article) -> bool:
        sources = self.sources[number]
        return sources is None or article.source in sources

    def document(self, article: Article) -> FastDocument:
        """The article as the rules read it: only the fields some rule looks in tokenised."""
        langs = document_languages(article, self.pinned)
        return FastDocument(article_fields(article), self.index.fields, langs, self.memo)

    def match(self, article: Article) -> list[Match]:
        doc = self.document(article)
        rules, queries = self.rules, self.queries
        return [
            explain(rules[number].name, queries[number].plan, doc)
            for number in self._matching(article, doc)
        ]

    def matching_rules(self, article: Article) -> list[str]:
        """The names of the matching rules, without building explanations (cheaper)."""
        doc = self.document(article)
        return [self.rules[number].name for number in self._matching(article, doc)]

    def _matching(self, article: Article, doc: FastDocument) -> list[int]:
        sets = doc.sets
        candidates, doc.prefixes_present = self.index.scan(
            doc.keysets, doc.scan_texts, sets.woken, doc.langs, sets.prefixes
        )
        sources, predicates, source = self.sources, self.predicates, article.source
        return [
            number
            for number in candidates
            if ((only := sources[number]) is None or source in only) and predicates[number](doc)
        ]


def _memo(
    queries: Sequence[CompiledQuery],
    indexed: Mapping[str, tuple[int, ...]],
    prefixes: Mapping[str, tuple[int, ...]],
) -> KeyMemo:
    """A memo of article words' keys that keeps only the keys these rules have (and the
    Arabic stems when some rule has an Arabic prefix); a word's own form only when a rule
    has it for another word (``en:strike`` from ``strikes``: the article's ``strike``).
    ``indexed``: the presearcher's words and the rules each wakes, which the memo never
    sets aside as plain and merges per article word (``KeyMemo``); ``prefixes``: the same
    for its prefixes."""
    words: set[tuple[str, frozenset[str]]] = set()  # rules share words: each once
    arabic_prefix = False
    for query in queries:
        for leaf in all_leaves(query.root):
            if isinstance(leaf, Term) and leaf.keys:
                words.update(zip(leaf.tokens, leaf.keys, strict=False))
            if isinstance(leaf, Term) and leaf.prefix and not arabic_prefix:
                arabic_prefix = bool(prefix_keys(leaf.tokens[-1], ("ar",)))
    used: set[str] = set()
    own: set[str] = set()
    for token, keys in words:
        found, others = _analysed(token, keys)
        used.update(found)
        own.update(others)
    keep = ("ar:", "ar!:") if arabic_prefix else ()
    return KeyMemo(frozenset(used), keep, frozenset(own), indexed, prefixes)


# A memo, not state: rules share their words, and 10,000 rules have ~30,000 of them.
@lru_cache(maxsize=1 << 16)
def _analysed(token: str, keys: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """A query word's keys (those with a ``:``) and, among them, those that are not its own
    form (``en:strike`` for ``strikes``)."""
    found = frozenset(key for key in keys if ":" in key)
    return found, frozenset(key for key in found if key[key.index(":") + 1 :] != token)


def _compiled(
    known: Mapping[str, CompiledQuery],
    rule: RuleConfig,
    terms: Mapping[str, Sequence[str]] | None,
    places: PlaceResolver | None,
) -> CompiledQuery:
    found = known.get(rule.query)
    if found is not None and found.lang == rule.lang:
        return found
    return compile_query(rule.query, terms, places, rule.lang)


class NaiveMatcher(Matcher):
    """The reference: every rule evaluated against every article, no index, no shortcuts."""

    def match(self, article: Article) -> list[Match]:
        doc = NaiveDocument(article_fields(article), document_languages(article, self.pinned))
        matches = []
        for number, query in enumerate(self.queries):
            if self._allowed(number, article) and evaluate(query.root, doc):
                matches.append(explain(self.rules[number].name, query.plan, doc))
        return matches
