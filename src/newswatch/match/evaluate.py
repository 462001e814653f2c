"""Evaluating a query tree against a document, independent of how the document is stored.

A :class:`Document` answers three questions about leaves; the tree logic lives here once, so
the naive reference document and the fast lazy one cannot disagree about AND/OR/NOT/NEAR.

NEAR works on word positions within one field: a span is ``(first, last + 1)``, and two spans
are ``d`` words apart when ``d`` is the difference between the last position of the earlier
and the first position of the later (adjacent words: 1; overlapping: 0). A group's span list
is the spans of its matching terms, so ``Idlib NEAR/15 (civilian* OR casualt*)`` works.
"""

from __future__ import annotations

from typing import Protocol

from newswatch.match.nodes import FIELDS, And, Near, Node, Not, Or, Regex, Term

Span = tuple[int, int]
# Enough for any real article; bounds the pairwise work when both sides are very common.
_MAX_SPANS = 1000


class Document(Protocol):
    def has_term(self, term: Term) -> bool:
        """Does the term occur in any of its fields?"""
        ...

    def spans(self, term: Term, field: str) -> list[Span]:
        """Word-position spans of the term's occurrences in one field."""
        ...

    def has_regex(self, regex: Regex) -> bool:
        """Does the pattern match the original text of any of its fields?"""
        ...


def evaluate(node: Node, doc: Document) -> bool:
    if isinstance(node, Term):
        return doc.has_term(node)
    if isinstance(node, Regex):
        return doc.has_regex(node)
    if isinstance(node, And):
        return all(evaluate(child, doc) for child in node.children)
    if isinstance(node, Or):
        return any(evaluate(child, doc) for child in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, doc)
    return any(node_spans(node, doc, field) for field in FIELDS)


def node_spans(node: Node, doc: Document, field: str) -> list[Span]:
    """Where ``node`` matches in ``field``, as word spans (empty when it does not)."""
    if isinstance(node, Term):
        return doc.spans(node, field) if field in node.fields else []
    if isinstance(node, Regex | Not):
        return []  # the parser keeps regexes out of NEAR; a negation occupies no words
    if isinstance(node, Or):
        return [s for child in node.children for s in node_spans(child, doc, field)]
    if isinstance(node, And):
        if not evaluate(node, doc):
            return []
        return [s for child in node.children for s in node_spans(child, doc, field)]
    return _near_spans(node, doc, field)


def _near_spans(node: Near, doc: Document, field: str) -> list[Span]:
    left = node_spans(node.left, doc, field)[:_MAX_SPANS]
    if not left:
        return []
    right = node_spans(node.right, doc, field)[:_MAX_SPANS]
    out: list[Span] = []
    for a in left:
        for b in right:
            if max(0, b[0] - a[1] + 1, a[0] - b[1] + 1) <= node.distance:
                out.append((min(a[0], b[0]), max(a[1], b[1])))
    return out
