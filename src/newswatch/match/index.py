"""The presearcher: which rules could possibly match an article, found without evaluating them.

As in Lucene Monitor, each query is reduced to a set of *keys* (words or word prefixes) such
that the query cannot match an article containing none of them: a word is its own key, an
AND keeps only its cheapest child's keys (the rarest term it cannot match without), an OR
needs every branch's keys, and anything that can match on absence (``NOT x``, a regex) has
no keys, so its rule is tried for every article.

"Cheapest" is a guess at how many rules a key wakes up: short and common words are frequent
in articles, and a word many rules share (``airstrike*`` in every place × incident rule) is
a poor key however rare it is, because each hit fans out to all of them, while the place
name each rule is about is nearly unique to it. So a key's cost is its length-based guess
times the number of rules using it. At match time the article's token set is
intersected with the word keys (a C-level set operation) and scanned once for prefix keys
with an Aho-Corasick automaton; only the rules behind the keys found are evaluated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

import ahocorasick

from newswatch.match.nodes import And, Near, Node, Not, Regex, Term, all_leaves, positive_leaves

Key = tuple[bool, str]  # (is_prefix, token)

# Words so common that a rule keyed on them would be tried for nearly every article.
_COMMON = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have"),
        *("he", "in", "is", "it", "its", "of", "on", "or", "said", "says", "that", "the"),
        *("their", "they", "this", "to", "was", "were", "will", "with"),
    }
)


def key_cost(key: Key) -> float:
    """A guess at how often the key occurs in articles: short and common words are frequent."""
    is_prefix, token = key
    cost = 50.0 if token in _COMMON else 1.0 / (1 + len(token))
    return cost * (4.0 if is_prefix else 1.0) + (5.0 if is_prefix and len(token) < 3 else 0.0)


Cost = Callable[[Key], float]


def keys(node: Node, cost: Cost = key_cost) -> frozenset[Key] | None:
    """Keys one of which must be in any article ``node`` matches; None when there are none."""
    if isinstance(node, Term):
        if len(node.tokens) == 1:  # nearly every term; two calls fewer, 10,000 rules
            return frozenset(((node.prefix, node.tokens[0]),))
        return frozenset([_term_key(node, cost)])
    if isinstance(node, Regex | Not):
        return None
    if isinstance(node, Near):
        return _cheapest([keys(node.left, cost), keys(node.right, cost)], cost)
    if isinstance(node, And):
        return _cheapest([keys(child, cost) for child in node.children], cost)
    found: set[Key] = set()
    for child in node.children:
        child_keys = keys(child, cost)
        if child_keys is None:
            return None
        found |= child_keys
    return frozenset(found)


def _term_options(term: Term) -> list[Key]:
    if len(term.tokens) == 1:  # nearly every term
        return [(term.prefix, term.tokens[0])]
    last = len(term.tokens) - 1
    return [(term.prefix and i == last, token) for i, token in enumerate(term.tokens)]


def _term_key(term: Term, cost: Cost) -> Key:
    options = _term_options(term)
    return options[0] if len(options) == 1 else min(options, key=cost)


def _cheapest(options: Iterable[frozenset[Key] | None], cost: Cost) -> frozenset[Key] | None:
    usable = [o for o in options if o is not None]
    return min(usable, key=lambda o: sum(map(cost, o))) if usable else None


def shared_cost(roots: Iterable[Node]) -> Cost:
    """``key_cost`` weighted by how many of ``roots`` could use the key."""
    users: Counter[Key] = Counter()
    for root in roots:
        users.update(
            {
                key
                for leaf in positive_leaves(root)
                if isinstance(leaf, Term)
                for key in _term_options(leaf)
            }
        )
    return cache(lambda key: key_cost(key) * users[key])


class Presearcher:
    """Maps keys to rule numbers; ``scan`` gives the rules worth evaluating.

    The prefix automaton holds every prefix any rule uses, not only the keys, so the same
    scan also tells which prefixes occur in each field: evaluating ``attack*`` afterwards is
    a set lookup instead of a search of the article's words.
    """

    def __init__(self, roots: Iterable[Node]) -> None:
        self.always: list[int] = []
        self.words: dict[str, list[int]] = {}
        roots = list(roots)
        prefixes: dict[str, list[int]] = {
            leaf.tokens[-1]: []
            for root in roots
            for leaf in all_leaves(root)
            if isinstance(leaf, Term) and leaf.prefix
        }
        cost = shared_cost(roots)
        for number, root in enumerate(roots):
            found = keys(root, cost)
            if found is None:
                self.always.append(number)
                continue
            for is_prefix, token in found:
                (prefixes if is_prefix else self.words).setdefault(token, []).append(number)
        self.word_keys = frozenset(self.words)
        self.prefixes: ahocorasick.Automaton | None = None
        if prefixes:
            self.prefixes = ahocorasick.Automaton()
            for token, numbers in prefixes.items():
                # A leading space anchors the prefix at a word start in the joined token set.
                self.prefixes.add_word(" " + token, (token, numbers))
            self.prefixes.make_automaton()

    def scan(self, token_sets: dict[str, set[str]]) -> tuple[list[int], dict[str, set[str]]]:
        """Candidate rules for an article's per-field token sets, and the prefixes present
        in each field (among those the rules use)."""
        found = set(self.always)
        present: dict[str, set[str]] = {}
        for field, tokens in token_sets.items():
            for token in self.word_keys.intersection(tokens):
                found.update(self.words[token])
            present[field] = in_field = set()
            if self.prefixes is not None and tokens:
                for _end, (prefix, numbers) in self.prefixes.iter(" " + " ".join(tokens)):
                    in_field.add(prefix)
                    found.update(numbers)
        return sorted(found), present

    def candidates(self, token_sets: Iterable[set[str]]) -> list[int]:
        """Rules with a key among the tokens of any of ``token_sets``."""
        return self.scan(_numbered(token_sets))[0]


def _numbered(token_sets: Iterable[set[str]]) -> dict[str, set[str]]:
    return {str(i): tokens for i, tokens in enumerate(token_sets)}
