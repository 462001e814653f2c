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
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from functools import cache, lru_cache

import ahocorasick

from newswatch.match.nodes import (
    DEFAULT_FIELDS,
    FIELDS,
    And,
    Near,
    Node,
    Not,
    Regex,
    Term,
    all_leaves,
    positive_leaves,
)

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
    if ":" in token:
        # A word's stems and lemmas ("en:strike") come with the word itself, in the same
        # set, and occur in about the same articles: the set costs what the word does.
        return 0.0
    cost = 50.0 if token in _COMMON else 1.0 / (1 + len(token))
    return cost * (4.0 if is_prefix else 1.0) + (5.0 if is_prefix and len(token) < 3 else 0.0)


Cost = Callable[[Key], float]
KeySet = frozenset[Key]
# How many key sets a rule must satisfy to be a candidate. A second one removes most of the
# rules that share a rare word with the article but not the incident they are about.
PASSES = 2


_OTHER_FIELDS = frozenset(FIELDS) - frozenset(DEFAULT_FIELDS)
_NOTHING: frozenset[str] = frozenset()


def conjuncts(node: Node, cost: Cost | None = None) -> list[KeySet] | None:
    """Key sets, cheapest first, such that any article ``node`` matches holds at least one
    key of *every* set (Lucene Monitor's multipass presearcher); None when there are none.

    A word is one set; a phrase, an AND and a NEAR have one set per distinct part (keeping
    the ``PASSES`` cheapest); an OR pairs its branches' sets in cost order (each pass needs
    every branch), so it has as many as its poorest branch. ``cost``: of a key, by
    default as ``shared_cost`` gives it for this query alone.
    """
    if cost is None:
        cost = shared_cost([node])
    if isinstance(node, Term):
        if len(node.tokens) == 1:  # nearly every term; 10,000 rules
            if node.keys and not node.prefix:  # any form: the word or one of its keys
                return [_word_set(node.keys[0])]
            return [frozenset(((node.prefix, node.tokens[0]),))]
        return _best(list(_term_sets(node.tokens, node.prefix, node.keys)), cost)
    if isinstance(node, Regex | Not):
        return None
    if isinstance(node, Near):
        return _all_of([node.left, node.right], cost)
    if isinstance(node, And):
        return _all_of(node.children, cost)
    branches = [conjuncts(child, cost) for child in node.children]
    usable = [branch for branch in branches if branch is not None]
    if len(usable) < len(branches):
        return None
    depth = min(len(branch) for branch in usable)
    return [frozenset().union(*(branch[i] for branch in usable)) for i in range(depth)]


def keys(node: Node, cost: Cost | None = None) -> KeySet | None:
    """The first (cheapest) of ``conjuncts``: one of these keys is in every match."""
    found = conjuncts(node, cost)
    return found[0] if found else None


def _all_of(children: Iterable[Node], cost: Cost) -> list[KeySet] | None:
    parts = [conjuncts(child, cost) for child in children]
    return _best([key_set for part in parts if part is not None for key_set in part], cost)


def _best(options: list[KeySet], cost: Cost) -> list[KeySet] | None:
    """The cheapest ``PASSES`` sets, each disjoint from those before (an overlapping set
    would let the same key satisfy two passes and filter nothing)."""
    if len(options) == 1:  # nearly every term; 10,000 rules
        return options
    chosen: list[KeySet] = []
    for key_set in sorted(options, key=lambda o: sum(map(cost, _written(o)))):
        if chosen and not _filters(key_set):
            break  # the rest cost more still
        if all(key_set.isdisjoint(earlier) for earlier in chosen):
            chosen.append(key_set)
            if len(chosen) == PASSES:
                break
    return chosen or None


def _filters(key_set: KeySet) -> bool:
    """Whether requiring the set could rule anything out: not if nearly every article holds
    one of its keys (a common word, a prefix of one or two letters)."""
    return not any(
        token in _COMMON or (prefix and len(token) < 3) for prefix, token in _written(key_set)
    )


# A memo, not state: the answer depends only on the set; rules share their words' sets.
@lru_cache(maxsize=1 << 16)
def _written(key_set: KeySet) -> tuple[Key, ...]:
    """The set's words and prefixes as written, without their keys (``en:strike``): the
    keys cost nothing (``key_cost``) and are never common words or short prefixes."""
    return tuple(key for key in key_set if ":" not in key[1])


# Memos, not state: a term's key sets depend only on it; rules share terms (incident words).
@lru_cache(maxsize=1 << 16)
def _word_set(keys: frozenset[str]) -> KeySet:
    """An analysed word's key set: the word or any of its keys."""
    return frozenset((False, key) for key in keys)


@lru_cache(maxsize=1 << 16)
def _split(key_set: KeySet) -> tuple[frozenset[str], frozenset[str]]:
    """A key set's words and its prefixes (rules share second sets: incident words)."""
    return (
        frozenset(token for prefix, token in key_set if not prefix),
        frozenset(token for prefix, token in key_set if prefix),
    )


# Keyed on the term's words, not on the Term (whose hash and equality, generated by the
# dataclass, cost more than the sets: every compile makes new Terms, with their columns).
@lru_cache(maxsize=1 << 16)
def _term_sets(
    tokens: tuple[str, ...], prefix: bool, keys: tuple[frozenset[str], ...]
) -> tuple[KeySet, ...]:
    """One key set per word of a phrase: the word, or any of its forms' keys."""
    if not keys:
        return tuple(frozenset((key,)) for key in _term_options(tokens, prefix))
    last = len(tokens) - 1
    return tuple(
        frozenset(((True, token),))
        if prefix and i == last
        else frozenset((False, key) for key in word_keys)
        for i, (token, word_keys) in enumerate(zip(tokens, keys, strict=True))
    )


def _term_options(tokens: tuple[str, ...], prefix: bool) -> list[Key]:
    """The term's words as keys (its last a prefix key if it is one): the words as written,
    which are also the only keys of its sets that have a cost (``key_cost``)."""
    if len(tokens) == 1:  # nearly every term
        return [(prefix, tokens[0])]
    last = len(tokens) - 1
    return [(prefix and i == last, token) for i, token in enumerate(tokens)]


def shared_cost(roots: Iterable[Node]) -> Cost:
    """``key_cost`` weighted by how many of ``roots`` could use the key. A word's keys
    (``en:strike``) come with the word and cost nothing of their own (``key_cost``), so
    only the words as written are counted: a term's key sets hold no other plain word."""
    users: Counter[Key] = Counter()
    for root in roots:
        users.update(
            {
                key
                for leaf in positive_leaves(root)
                if isinstance(leaf, Term)
                for key in _term_options(leaf.tokens, leaf.prefix)
            }
        )
    return cache(lambda key: key_cost(key) * users[key])


class Presearcher:
    """Maps keys to rule numbers; ``scan`` gives the rules worth evaluating.

    A rule is a candidate when the article holds a key of its first set and, if it has a
    second, a key of that too. First keys are rare by construction, so they are indexed
    (token -> rules); second keys are often common and shared by thousands of rules, so
    they are only checked, per rule, for the few rules a first key woke.

    The prefix automaton holds every prefix any rule uses, not only the keys, so the same
    scan also tells which prefixes occur in each field: evaluating ``attack*`` afterwards
    is a set lookup instead of a search of the words.
    """

    def __init__(self, roots: Iterable[Node]) -> None:
        self.always: list[int] = []
        words: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}  # every prefix any rule uses -> rules keyed on it
        roots = list(roots)
        # rule -> its second key set's words and prefixes
        self.second_words: dict[int, frozenset[str]] = {}
        self.second_prefixes: dict[int, frozenset[str]] = {}
        any_field = []  # two-key rules with a term outside the title and text
        cost = shared_cost(roots)
        fields = set(DEFAULT_FIELDS)  # the fields any rule looks in
        for number, root in enumerate(roots):
            leaves = all_leaves(root)
            for leaf in leaves:
                if leaf.field is not None:
                    fields.add(leaf.field)
                if isinstance(leaf, Term) and leaf.prefix:
                    prefixes.setdefault(leaf.tokens[-1], [])
            found = conjuncts(root, cost)
            if found is None:
                self.always.append(number)
                continue
            for is_prefix, token in found[0]:
                (prefixes if is_prefix else words).setdefault(token, []).append(number)
            if len(found) > 1:
                self.second_words[number], self.second_prefixes[number] = _split(found[1])
                if any(leaf.field in _OTHER_FIELDS for leaf in leaves):
                    any_field.append(number)
        self.fields = frozenset(fields)
        self.two_pass = frozenset(self.second_words)
        self.with_second_words = frozenset(n for n, w in self.second_words.items() if w)
        self.with_second_prefixes = frozenset(n for n, p in self.second_prefixes.items() if p)
        self.any_field = frozenset(any_field)
        # Per tuple of article languages, the second words without the other languages'
        # keys (an analysed word has one per language: seven lookups where two can hit).
        self._views: dict[tuple[str, ...], _InLanguages] = {}
        self.words = {token: tuple(numbers) for token, numbers in words.items()}
        self.word_keys = frozenset(self.words)
        # Every prefix with the rules keyed on it (``KeyMemo`` finds them per word).
        self.prefix_rules = {token: tuple(numbers) for token, numbers in prefixes.items()}
        self.prefixes: ahocorasick.Automaton | None = None
        if prefixes:
            self.prefixes = ahocorasick.Automaton()
            for token, numbers in prefixes.items():
                # A leading space anchors the prefix at a word start in the scanned text.
                self.prefixes.add_word(" " + token, (token, tuple(numbers)))
            self.prefixes.make_automaton()

    def scan(
        self,
        token_sets: Mapping[str, set[str]],
        texts: Mapping[str, str] | None = None,
        woken: Mapping[str, list[tuple[int, ...]]] | None = None,
        langs: tuple[str, ...] | None = None,
        starts: Mapping[str, AbstractSet[str]] | None = None,
    ) -> tuple[list[int], dict[str, AbstractSet[str]]]:
        """Candidate rules for an article's per-field token sets, and the prefixes present
        in each field (among those the rules use). A field missing from ``token_sets`` is
        empty; only the fields some rule looks in (``fields``) are read. ``texts`` may give,
        per field, a string holding each token after a space (``normalize.token_forms``);
        else the sets are joined. ``woken`` may give, per field, the ``words`` entries of
        every one of its tokens that is a ``word_keys`` entry, and of every ``prefix_rules``
        entry one of them starts with (``fields.FieldSets``); for such a field ``starts``
        gives these prefixes, and its text is not scanned. ``langs``, if given, are the
        only languages whose keys the sets hold (the article's analysers): the second pass
        then checks only the words' keys in those."""
        first: set[int] = set()
        present: dict[str, AbstractSet[str]] = dict.fromkeys(FIELDS, _NOTHING)
        words = self.words
        for field in self.fields:
            tokens = token_sets.get(field)
            if not tokens:
                continue
            # The woken rules as the memo found them, else by one C-level intersection;
            # merged in C either way.
            wake = woken.get(field) if woken else None
            if wake is not None and starts is not None:
                first.update(*wake)  # the prefixes' rules among them
                present[field] = starts[field]
                continue
            if wake is None:
                wake = list(map(words.__getitem__, self.word_keys.intersection(tokens)))
            first.update(*wake)
            present[field] = in_field = set()
            if self.prefixes is not None:
                text = texts[field] if texts is not None else " " + " ".join(tokens)
                for _end, (prefix, numbers) in self.prefixes.iter(text):
                    in_field.add(prefix)
                    first.update(numbers)
        seconds = self.second_words if langs is None else self._seconds(langs)
        found = self._second_pass(first, token_sets, present, seconds)
        found.update(self.always)
        return sorted(found), present

    def _seconds(self, langs: tuple[str, ...]) -> Mapping[int, frozenset[str]]:
        view = self._views.get(langs)
        if view is None:
            view = self._views.setdefault(langs, _InLanguages(self.second_words, langs))
        return view

    def _second_pass(
        self,
        first: set[int],
        token_sets: Mapping[str, set[str]],
        present: Mapping[str, AbstractSet[str]],
        words: Mapping[int, frozenset[str]],
    ) -> set[int]:
        """``first`` without the rules whose second key set is absent."""
        pending = first & self.two_pass  # both sets: C iterates the smaller
        if not pending:
            return first
        first -= pending
        prefixes = self.second_prefixes
        with_words = pending & self.with_second_words
        if with_words:
            # Keys of unqualified terms can only be in the title or the text: two checks
            # instead of merging every field's tokens (a copy of the text's set).
            title, text = token_sets.get("title", set()), token_sets.get("text", set())
            anywhere = with_words & self.any_field
            first.update(
                [
                    n
                    for n in with_words - anywhere
                    if not (words[n].isdisjoint(text) and words[n].isdisjoint(title))
                ]
            )
            if anywhere:
                tokens = set().union(*token_sets.values())
                first.update([n for n in anywhere if not words[n].isdisjoint(tokens)])
        with_prefixes = (pending & self.with_second_prefixes) - first
        if with_prefixes and (found := set().union(*present.values())):
            first.update([n for n in with_prefixes if not prefixes[n].isdisjoint(found)])
        return first

    def candidates(self, token_sets: Iterable[set[str]]) -> list[int]:
        """Rules with a key of each of their key sets among the tokens of ``token_sets``
        (taken as the text: where every key may be)."""
        return self.scan({"text": set().union(*token_sets)})[0]


class _InLanguages(dict[int, frozenset[str]]):
    """Rule → its second words without the keys of languages other than ``langs``: those
    can never be in the token set of an article read in ``langs``. Filled as rules wake."""

    def __init__(self, words: Mapping[int, frozenset[str]], langs: tuple[str, ...]) -> None:
        super().__init__()
        self.words = words
        self.langs = frozenset(langs)

    def __missing__(self, number: int) -> frozenset[str]:
        found = self[number] = _in_languages(self.words[number], self.langs)
        return found


# A memo, not state: rules share their second sets (incident words).
@lru_cache(maxsize=1 << 16)
def _in_languages(words: frozenset[str], langs: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if ":" not in w or w[: w.index(":")] in langs)
