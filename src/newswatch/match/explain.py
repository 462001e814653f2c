"""Turning "rule R matches" into evidence: the terms, where they hit, and a snippet.

The snippet is about 200 characters of the field with the strongest evidence (text before
title, so the alert adds to what the title already says), centred on the window holding the
most distinct matched terms, cut at spaces, with every hit inside it highlighted.

Explaining runs for every match of every article, so it works from each term's offsets
alone (``char_spans``, at most ``_MAX_HITS`` per term and field) and normalises only what
can differ between hits: the words a prefix or a regex matched.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import NamedTuple

from newswatch.match.documents import NaiveDocument
from newswatch.match.fast import FastDocument
from newswatch.match.nodes import Leaf, Node, Regex, Term, positive_leaves
from newswatch.model import Highlight, Match, Snippet
from newswatch.text.normalize import token_words

SNIPPET_CHARS = 200
# Per term and field: enough for the snippet and the counts (shown as "x100+" beyond),
# bounded work on the commonest words of huge articles.
_MAX_HITS = 100
# A hit in source or url alone makes a poor snippet: the text (or title) start is better.
_FIELD_ORDER = ("text", "title")

Document = FastDocument | NaiveDocument
Hit = tuple[int, int, str]  # start, end, label; plain tuples, as long articles make many


class Evidence(NamedTuple):
    """Where one term of the query hit in one field."""

    label: str
    field: str
    spans: list[tuple[int, int]]
    capped: bool  # more than _MAX_HITS hits
    # What every hit normalises to (an exact word or phrase hits only itself); None for a
    # prefix, a regex or an analysed word, whose hits can each be different words.
    words: str | None


class Step(NamedTuple):
    """One term of a query to look up in one field."""

    leaf: Leaf
    field: str
    words: str | None  # as in Evidence
    # An analysed one-word term: its hits are all one word when the field holds one form.
    one_word: bool


Plan = tuple[Step, ...]


def explain(rule: str, steps: Plan, doc: Document) -> Match:
    """Why a query matched ``doc``; ``steps`` is its ``plan``, worked out once per rule and
    kept with it (``CompiledQuery.plan``), not once per match."""
    found = _evidence(steps, doc)
    if not found:  # a match on absence alone (``NOT football``): the start of the text
        return Match(rule=rule, terms=(), snippet=_opening(doc.raw["text"] or doc.raw["title"]))
    labels = tuple(dict.fromkeys([e.label for e in found]))
    return Match(
        rule=rule, terms=labels, snippet=_snippet(found, doc), details=_details(found, doc)
    )


def _evidence(steps: Plan, doc: Document) -> list[Evidence]:
    found: list[Evidence] = []
    for leaf, field, words, one_word in steps:
        if isinstance(leaf, Regex):
            found += _regex_evidence(leaf, field, doc)
            continue
        if one_word:
            # Usually the article has one form of the word: then, as for an exact word,
            # every hit is that word and need not be normalised one by one.
            spans, words = doc.word_spans(leaf, field, _MAX_HITS + 1)
        else:
            spans = doc.char_spans(leaf, field, _MAX_HITS + 1)  # one more: are there more?
        if len(spans) > _MAX_HITS:
            found.append(Evidence(leaf.label, field, spans[:_MAX_HITS], True, words))
        elif spans:
            found.append(Evidence(leaf.label, field, spans, False, words))
    return found


def plan(root: Node) -> Plan:
    """The steps of explaining a match of ``root``: each term to look up, in each field."""
    steps: dict[tuple[str, str], Step] = {}
    for leaf in positive_leaves(root):
        # A prefix, a regex or an analysed word can hit different words each time.
        fixed = isinstance(leaf, Term) and not (leaf.prefix or leaf.keys)
        words = " ".join(leaf.tokens) if isinstance(leaf, Term) and fixed else None
        one_word = (
            isinstance(leaf, Term) and bool(leaf.keys) and len(leaf.tokens) == 1 and not leaf.prefix
        )
        for field in leaf.fields:
            # A term written twice in a query (``a NEAR/3 b OR a``) is one piece of evidence.
            steps.setdefault((leaf.label, field), Step(leaf, field, words, one_word))
    return tuple(steps.values())


def _regex_evidence(leaf: Regex, field: str, doc: Document) -> list[Evidence]:
    found = islice(leaf.pattern.finditer(doc.raw[field]), _MAX_HITS + 1)
    spans = [m.span() for m in found if m.end()]
    if not spans:
        return []
    return [Evidence(leaf.label, field, spans[:_MAX_HITS], len(spans) > _MAX_HITS, None)]


def _details(found: list[Evidence], doc: Document) -> tuple[str, ...]:
    """One line per field, term and normalised spelling: its first surface and count.

    Evidence is already one per term and field, so lines only group within one: a word or
    phrase gives one line, a prefix or regex one per distinct word it matched.
    """
    lines: list[str] = []
    for e in found:
        raw = doc.raw[e.field]
        if e.words is not None:
            start, end = e.spans[0]
            lines.append(_line(e, e.words, raw[start:end], len(e.spans)))
            continue
        surfaces: dict[str, str] = {}  # normalised words → first surface
        counts: dict[str, int] = {}
        for start, end in e.spans:
            surface = raw[start:end]
            words = _words(surface)
            surfaces.setdefault(words, surface)
            counts[words] = counts.get(words, 0) + 1
        lines += [_line(e, words, surface, counts[words]) for words, surface in surfaces.items()]
    return tuple(lines)


def _line(e: Evidence, words: str, surface: str, count: int) -> str:
    line = f'{e.field}: "{surface}"'
    if count > 1 or e.capped:
        line += f" x{count}{'+' if e.capped else ''}"
    if _words(e.label) != words:
        line += f" ({e.label})"
    return line


@lru_cache(maxsize=1 << 16)  # labels and spellings recur from article to article
def _words(text: str) -> str:
    return " ".join(token_words(text.rstrip("*")))


def _snippet(found: list[Evidence], doc: Document) -> Snippet:
    for field in _FIELD_ORDER:
        in_field = [e for e in found if e.field == field]
        if in_field:
            hits = [(start, end, e.label) for e in in_field for start, end in e.spans]
            if len(in_field) > 1:
                hits.sort(key=itemgetter(0))
            return _window(doc.raw[field], hits)
    return _window(doc.raw["text"] or doc.raw["title"])


@lru_cache(maxsize=64)  # every rule matching on absence shows the same opening
def _opening(text: str) -> Snippet:
    return _window(text)


def _window(text: str, hits: list[Hit] | None = None) -> Snippet:
    start = _best_start(len(text), hits) if hits else 0
    end = min(len(text), start + SNIPPET_CHARS)
    if start > 0 and (space := text.find(" ", start, start + 30)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", end - 30, end)) > start:
        end = space
    lead = "…" if start > 0 else ""
    body = text[start:end]
    if "\n" in body or "\r" in body or "\t" in body:  # rare; translate is the slow path
        body = body.translate(_FLATTEN)
    shift = len(lead) - start
    highlights = tuple(
        Highlight(first + shift, last + shift)
        for first, last, _ in hits or ()
        if first >= start and last <= end
    )
    return Snippet(lead + body + ("…" if end < len(text) else ""), highlights)


# One character for one, so highlight offsets stay valid.
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def _best_start(size: int, hits: list[Hit]) -> int:
    """Start of the window with the most distinct terms (then the most hits; the first of
    equals), the hit a third of the way in.

    ``hits`` are sorted by start, and so are the candidate windows, so one sliding pass
    counts the hits starting inside each window (a common word can have a hundred hits).
    """
    latest = max(0, size - SNIPPET_CHARS)
    if len(hits) == 1:  # most matches: one window, nothing to compare
        return max(0, min(hits[0][0] - SNIPPET_CHARS // 3, latest))
    best, best_score, previous = 0, (-1, -1), -1
    labels: dict[str, int] = {}  # of the hits in the window, how many of each term
    first = last = 0  # hits[first:last] start inside the window
    for anchor, _, _ in hits:
        start = anchor - SNIPPET_CHARS // 3
        if start > latest:
            start = latest
        if start < 0:
            start = 0
        if start == previous:  # hits close to either end share a window
            continue
        previous = start
        while last < len(hits) and hits[last][0] < start + SNIPPET_CHARS:
            label = hits[last][2]
            labels[label] = labels.get(label, 0) + 1
            last += 1
        while hits[first][0] < start:  # stops at the anchor at the latest: it is inside
            label = hits[first][2]
            if labels[label] == 1:
                del labels[label]
            else:
                labels[label] -= 1
            first += 1
        if last - first == len(hits):  # every hit: no window can do better
            return start
        score = (len(labels), last - first)
        if score > best_score:
            best, best_score = start, score
    return best
