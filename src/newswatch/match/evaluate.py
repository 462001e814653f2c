"""Evaluating a query tree against a document, independent of how the document is stored.

A :class:`Document` answers three questions about leaves; the tree logic lives here once, so
the naive reference document and the fast lazy one cannot disagree about AND/OR/NOT/NEAR.

NEAR works on word positions within one field: a span is ``(first, last + 1)``, and two spans
are ``d`` words apart when ``d`` is the difference between the last position of the earlier
and the first position of the later (adjacent words: 1; overlapping: 0). A group's span list
is the spans of its matching terms, so ``Idlib NEAR/15 (civilian* OR casualt*)`` works.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Protocol

from newswatch.match.nodes import FIELDS, And, Near, Node, Not, Or, Regex, Term

Span = tuple[int, int]
# A NEAR nested in another NEAR hands its pairs up; past this many (a pathological text, a
# common word near itself) the rest are dropped to bound memory. Top-level NEARs, nearly
# all of them, only ask whether one pair exists and have no limit.
_MAX_PAIRS = 100_000


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

    def elided(self, field: str) -> list[int]:
        """Positions of the field's elided articles (``d`` in ``d'Alep``), in order."""
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
    # Whether one pair exists: the first found is enough.
    return any(_near_spans(node, doc, field, limit=1) for field in FIELDS)


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


def _near_spans(node: Near, doc: Document, field: str, limit: int = _MAX_PAIRS) -> list[Span]:
    left = node_spans(node.left, doc, field)
    right = node_spans(node.right, doc, field) if left else []
    if not right:
        return []
    skip = doc.elided(field)
    if not skip:
        return near_pairs(left, right, node.distance, limit)
    return _pairs_skipping(left, right, node.distance, limit, skip)


def _pairs_skipping(
    left: list[Span], right: list[Span], distance: int, limit: int, skip: list[int]
) -> list[Span]:
    """``near_pairs`` not counting the words at ``skip``: an elided article is part of the
    next word (``près d'Alep`` is two words apart from ``frappes`` as ``près Alep`` is), as
    Lucene's ElisionFilter makes it. Spans are counted in words kept, then mapped back."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}

    def ranked(spans: list[Span]) -> list[Span]:
        out = []
        for s0, s1 in spans:
            r0, r1 = s0 - bisect_left(skip, s0), s1 - bisect_left(skip, s1)
            starts[r0] = min(starts.get(r0, s0), s0)
            ends[r1] = max(ends.get(r1, s1), s1)
            out.append((r0, r1))
        return out

    pairs = near_pairs(ranked(left), ranked(right), distance, limit)
    return [(starts[r0], ends[r1]) for r0, r1 in pairs]


def near_pairs(
    left: list[Span], right: list[Span], distance: int, limit: int = _MAX_PAIRS
) -> list[Span]:
    """The spans covering each pair of a ``left`` and a ``right`` span at most ``distance``
    words apart (the first ``limit``).

    ``right`` is sorted by start, and each left span only looks at the right spans that
    start close enough to it, found by bisection: a common word near a rare one costs a
    few steps per occurrence, not one per pair of occurrences.
    """
    right = sorted(right)
    starts = [b[0] for b in right]
    longest = max(b[1] - b[0] for b in right)
    out: list[Span] = []
    for a0, a1 in left:
        # b is within distance iff b0 <= a1 - 1 + distance and b1 >= a0 + 1 - distance;
        # b1 <= b0 + longest bounds the second by start.
        first = bisect_left(starts, a0 + 1 - distance - longest)
        stop = bisect_right(starts, a1 - 1 + distance, first)
        for i in range(first, stop):
            b0, b1 = right[i]
            if b1 >= a0 + 1 - distance:
                out.append((min(a0, b0), max(a1, b1)))
                if len(out) >= limit:
                    return out
    return out
