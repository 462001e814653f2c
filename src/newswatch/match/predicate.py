"""A query tree turned into nested closures over a :class:`FastDocument`, once per rule.

Walking the tree with ``isinstance`` dispatch for every candidate rule costs more than the
answers themselves; closures bind each leaf's token and field at compile time, so a word is
one set lookup. AND and OR try their cheapest children first (words before prefixes before
phrases, NEAR and regexes), which keeps the boolean result and skips the costly checks most
of the time. NEAR falls back to the shared evaluator, which needs word positions anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from newswatch.match.evaluate import evaluate
from newswatch.match.fast import FastDocument
from newswatch.match.nodes import DEFAULT_FIELDS, And, Near, Node, Not, Or, Regex, Term

Predicate = Callable[[FastDocument], bool]


def predicate(node: Node) -> Predicate:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Regex):
        return lambda doc: doc.has_regex(node)
    if isinstance(node, Not):
        child = predicate(node.child)
        return lambda doc: not child(doc)
    if isinstance(node, Near):
        return _near(node)
    parts = [predicate(c) for c in sorted(node.children, key=_cost)]
    if isinstance(node, And):
        if len(parts) == 2:
            first, second = parts
            return lambda doc: first(doc) and second(doc)
        if len(parts) == 3:
            first, second, third = parts
            return lambda doc: first(doc) and second(doc) and third(doc)
        return lambda doc: all(p(doc) for p in parts)
    if len(parts) == 2:
        first, second = parts
        return lambda doc: first(doc) or second(doc)
    if len(parts) == 3:
        first, second, third = parts
        return lambda doc: first(doc) or second(doc) or third(doc)
    return lambda doc: any(p(doc) for p in parts)


def _near(node: Near) -> Predicate:
    # Word positions cost a tokenisation of the field: first make sure both sides occur.
    left, right = _occurs(node.left), _occurs(node.right)
    return lambda doc: left(doc) and right(doc) and evaluate(node, doc)


def _occurs(node: Node) -> Predicate:
    """True whenever ``node`` has word spans in some field (``evaluate.node_spans``): a
    necessary condition for a NEAR to match, from token sets alone."""
    if isinstance(node, Regex | Not):
        return lambda doc: False  # they occupy no words: a NEAR on them never matches
    if isinstance(node, Or):
        parts = [_occurs(child) for child in node.children]
        return lambda doc: any(part(doc) for part in parts)
    return predicate(node)  # a term, or an AND / NEAR that must match as a whole


def _term(term: Term) -> Predicate:
    token = term.tokens[0]
    field = term.field
    if len(term.tokens) > 1:
        return lambda doc: doc.has_term(term)
    if term.prefix:
        return _prefix(token, term.fields)
    if term.keys:  # a form of the word: its keys meet the field's (``analysis``)
        # The word as written first (one lookup, and usually there when a rule is woken
        # by it), then its keys (one per language, most of them never in the article's).
        keys = term.keys[0]
        if field is None:
            return lambda doc: (
                token in doc.text_set
                or token in doc.title_set
                or not (keys.isdisjoint(doc.text_set) and keys.isdisjoint(doc.title_set))
            )
        return lambda doc: token in doc.keyset(field) or not keys.isdisjoint(doc.keyset(field))
    if field is None:
        return lambda doc: token in doc.text_set or token in doc.title_set
    return lambda doc: token in doc.sets[field]


def _prefix(token: str, fields: tuple[str, ...]) -> Predicate:
    # The presearch scan already knows which prefixes each field holds: look there directly,
    # the commonest check after a word (a method call and a generator cost more than it).
    def check(doc: FastDocument) -> bool:
        present = doc.prefixes_present
        if present is None:
            return doc.has_prefix(token, fields)
        return any(token in present[field] for field in fields)

    if fields != DEFAULT_FIELDS:
        return check

    def check_default(doc: FastDocument) -> bool:
        present = doc.prefixes_present
        if present is None:
            return doc.has_prefix(token, fields)
        return token in present["text"] or token in present["title"]

    return check_default


def _cost(node: Node) -> float:
    if isinstance(node, Term):
        return 1.0 if len(node.tokens) == 1 and not node.prefix else 2.0 + len(node.tokens)
    if isinstance(node, Regex):
        return 50.0
    if isinstance(node, Near):
        return 20.0 + _cost(node.left) + _cost(node.right)
    if isinstance(node, Not):
        return _cost(node.child)
    return sum(_cost(c) for c in node.children)
