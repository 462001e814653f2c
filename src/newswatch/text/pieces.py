"""The normalised tokens of a text, exactly those the shared ``tokenize`` gives, found cheaply.

``tokenize`` normalises every word on its own (~4 µs a word: 2.5 ms for a 600-word
article, more than the whole recognition budget), and a recogniser must not pay that on
words it has never seen. Instead:

1. One C-level byte translation lower-cases ASCII letters and turns every other ASCII
   character into a space; ``str.split(" ")`` then gives pieces whose offsets are offsets
   in the text (the translation maps ASCII to ASCII, one character to one).
2. In ASCII text each piece is one token, already normalised: nothing else to do.
3. A piece with other characters is looked up in a memo of pieces (news repeats its
   words). New pieces made only of "plain" characters — letters whose ``normalize`` does
   not depend on their neighbours (Cyrillic, Arabic, accented Latin) — are normalised by a
   per-character ``str.translate`` table built from ``normalize`` itself; any other piece
   (combining marks, non-ASCII punctuation or spaces) goes through ``tokenize``.

The result equals ``tokenize`` token for token (a property test holds it to that).
"""

from __future__ import annotations

import unicodedata
from itertools import accumulate, chain, compress, repeat
from operator import add, itemgetter

from newswatch.text.normalize import ascii_fold, normalize, tokenize

# A normalised token and its character offsets (in its piece).
Tok = tuple[str, int, int]

_NORM, _START, _END = itemgetter(0), itemgetter(1), itemgetter(2)


class _Plain:
    """Characters that normalise on their own, and to what: a ``str.translate`` table.

    A character qualifies when it and its normal form are letters or digits without
    combining marks, outside Hangul (whose jamo compose with their neighbours): then no
    step of ``normalize`` (NFKC, case-folding, stripping marks, NFC, the Arabic folds)
    looks across characters, and a word of them normalises character by character.
    Bounded by the characters ever seen, not by vocabulary.
    """

    def __init__(self) -> None:
        self.chars: set[str] = {c for c in map(chr, range(128)) if c.isalnum() and c.islower()}
        self.chars.update("0123456789")
        self.table: dict[int, str] = {}
        self._rejected: set[str] = set()

    def normalize(self, piece: str) -> str | None:
        """The piece's one token, or None when it needs the full ``tokenize``."""
        chars = set(piece)
        if not chars <= self.chars:
            for c in chars - self.chars - self._rejected:
                self._learn(c)
            if not chars <= self.chars:
                return None
        return piece.translate(self.table)

    def _learn(self, c: str) -> None:
        norm = normalize(c)
        if _plain(c) and norm and all(map(_plain, norm)):
            self.table[ord(c)] = norm  # first: another thread may read chars meanwhile
            self.chars.add(c)
        else:
            self._rejected.add(c)


def _plain(c: str) -> bool:
    return (
        c.isalnum()
        and not unicodedata.combining(c)
        and unicodedata.category(c)[0] != "M"
        and not ("\u1100" <= c <= "\u11ff" or "\ua960" <= c <= "\ud7ff")
    )


_PLAIN = _Plain()


class _PieceMemo(dict[str, tuple[Tok, ...]]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, piece: str) -> tuple[Tok, ...]:
        if len(self) >= self.limit:
            self.clear()
        norm = piece if piece.isascii() else _PLAIN.normalize(piece)
        if norm is not None:
            parts: tuple[Tok, ...] = ((norm, 0, len(piece)),)
        else:
            parts = tuple((t.text, t.start, t.end) for t in tokenize(piece))
        self[piece] = parts
        return parts


class Tokens:
    """The normalised tokens of one text; ``span(i)`` gives token i's character offsets."""

    __slots__ = ("_ends", "_parts", "_starts", "norms", "text")

    def __init__(self, text: str, memo: _PieceMemo) -> None:
        self.text = text
        pieces = ascii_fold(text).split(" ")
        offsets = compress(accumulate(map(add, map(len, pieces), repeat(1)), initial=0), pieces)
        words = list(filter(None, pieces))
        self._starts = list(offsets)
        if text.isascii():
            # Every piece is one lowercase alphanumeric token: all of it runs in C.
            self.norms = words
            self._ends = list(map(add, self._starts, map(len, words)))
            self._parts: list[tuple[Tok, ...]] = []
            return
        # Per piece here (a piece may hold several tokens, or none); per-token offsets are
        # worked out only if some token turns out to name a place.
        self._parts = list(map(memo.__getitem__, words))
        self._ends = []
        self.norms = list(map(_NORM, chain.from_iterable(self._parts)))

    def __len__(self) -> int:
        return len(self.norms)

    def span(self, i: int) -> tuple[int, int]:
        if self._parts:
            self._flatten()
        return self._starts[i], self._ends[i]

    def _flatten(self) -> None:
        """Per-token offsets from per-piece ones, once, when the first is asked for."""
        # All in C: each piece's offset repeated once per token it holds, plus the token's.
        flat = list(chain.from_iterable(self._parts))
        bases = list(chain.from_iterable(map(repeat, self._starts, map(len, self._parts))))
        self._starts = list(map(add, bases, map(_START, flat)))
        self._ends = list(map(add, bases, map(_END, flat)))
        self._parts = []

    def gap(self, i: int) -> str:
        """The text between token i - 1 and token i."""
        return self.text[self.span(i - 1)[1] : self.span(i)[0]]


class TokenCache:
    """Tokenises text through a bounded memo of piece → tokens (owned by one recogniser)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._memo = _PieceMemo(limit)

    def split(self, text: str) -> Tokens:
        return Tokens(text, self._memo)

    def key(self, name: str) -> str:
        """The lookup key of a place name: its normalised tokens joined by one space."""
        return " ".join(Tokens(name, self._memo).norms)
