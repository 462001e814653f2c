"""Turning "rule R matches" into evidence: the terms, where they hit, and a snippet.

The snippet is about 200 characters of the field with the strongest evidence (text before
title, so the alert adds to what the title already says), centred on the window holding the
most distinct matched terms, cut at spaces, with every hit inside it highlighted.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from newswatch.match.documents import FastDocument, NaiveDocument
from newswatch.match.nodes import Node, Regex, positive_leaves
from newswatch.match.normalize import token_words
from newswatch.model import Highlight, Match, Snippet

SNIPPET_CHARS = 200
_MAX_HITS = 200  # per leaf and field; enough evidence, bounded work on huge articles
# A hit in source or url alone makes a poor snippet: the text (or title) start is better.
_FIELD_ORDER = ("text", "title")


class Hit(NamedTuple):  # a tuple: long articles make hundreds, and they never escape
    field: str
    start: int
    end: int
    label: str


def explain(rule: str, root: Node, doc: FastDocument | NaiveDocument) -> Match:
    hits = _hits(root, doc)
    labels = tuple(dict.fromkeys(hit.label for hit in hits))
    return Match(rule=rule, terms=labels, snippet=_snippet(hits, doc), details=_details(hits, doc))


def _hits(root: Node, doc: FastDocument | NaiveDocument) -> list[Hit]:
    hits: list[Hit] = []
    for leaf in positive_leaves(root):
        for field in leaf.fields:
            if isinstance(leaf, Regex):
                found = islice(leaf.pattern.finditer(doc.raw[field]), _MAX_HITS)
                hits += [Hit(field, m.start(), m.end(), leaf.label) for m in found if m.end()]
                continue
            for start, end in doc.char_spans(leaf, field, _MAX_HITS):
                hits.append(Hit(field, start, end, leaf.label))
    return hits


def _details(hits: list[Hit], doc: FastDocument | NaiveDocument) -> tuple[str, ...]:
    surfaces: dict[tuple[str, str, str], str] = {}
    counts: Counter[tuple[str, str, str]] = Counter()
    normalised: dict[str, str] = {}  # a common word can hit hundreds of times
    for hit in hits:
        surface = doc.raw[hit.field][hit.start : hit.end]
        if surface not in normalised:
            normalised[surface] = _words(surface)
        key = (hit.field, hit.label, normalised[surface])
        surfaces.setdefault(key, surface)
        counts[key] += 1
    lines = []
    for key, surface in surfaces.items():
        field, label, norm = key
        line = f'{field}: "{surface}"'
        if counts[key] > 1:
            line += f" x{counts[key]}"
        if _words(label) != norm:
            line += f" ({label})"
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=1 << 16)  # labels and spellings recur from article to article
def _words(text: str) -> str:
    return " ".join(token_words(text.rstrip("*")))


def _snippet(hits: list[Hit], doc: FastDocument | NaiveDocument) -> Snippet:
    for field in _FIELD_ORDER:
        in_field = sorted((h for h in hits if h.field == field), key=lambda h: h.start)
        if in_field:
            return _window(doc.raw[field], in_field)
    text = doc.raw["text"] or doc.raw["title"]
    return _window(text, [])


def _window(text: str, hits: list[Hit]) -> Snippet:
    start = _best_start(text, hits)
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
        Highlight(h.start + shift, h.end + shift) for h in hits if h.start >= start and h.end <= end
    )
    return Snippet(lead + body + ("…" if end < len(text) else ""), highlights)


# One character for one, so highlight offsets stay valid.
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def _best_start(text: str, hits: list[Hit]) -> int:
    """Start of the window with the most distinct terms, the hit a third of the way in.

    ``hits`` are sorted by start, and so are the candidate windows, so one sliding pass
    counts the hits starting inside each window (a long article can have hundreds of hits).
    """
    best, best_score = 0, (-1, -1)
    labels: Counter[str] = Counter()
    first = last = 0  # hits[first:last] start inside the current window
    for anchor in hits:
        start = max(0, min(anchor.start - SNIPPET_CHARS // 3, len(text) - SNIPPET_CHARS))
        while last < len(hits) and hits[last].start < start + SNIPPET_CHARS:
            labels[hits[last].label] += 1
            last += 1
        while first < last and hits[first].start < start:
            labels[hits[first].label] -= 1
            if not labels[hits[first].label]:
                del labels[hits[first].label]
            first += 1
        score = (len(labels), last - first)
        if score > best_score:
            best, best_score = start, score
    return best
