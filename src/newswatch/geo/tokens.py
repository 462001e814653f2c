"""Fast, memoised use of the shared ``tokenize``.

``tokenize`` normalises every token on its own, which costs ~4 µs a word: 2.5 ms for a
600-word article, more than the whole recognition budget. News text repeats its words, so
each whitespace-separated chunk is tokenised once and its tokens re-used; splitting,
look-ups and flattening all run inside C (``re.split``, ``map``, ``chain``). Character
offsets, needed only around the few words that name places, are computed on demand. The
tokens are exactly those ``tokenize`` gives, because tokens never span whitespace.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, chain
from operator import itemgetter

from newswatch.match.normalize import tokenize

# A normalised token and its character offsets (in its chunk, or in the text).
Tok = tuple[str, int, int]

_SPACES = re.compile(r"(\s+)")
_NORM = itemgetter(0)


class _ChunkMemo(dict[str, tuple[Tok, ...]]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, chunk: str) -> tuple[Tok, ...]:
        if len(self) >= self.limit:
            self.clear()
        parts = tuple((t.text, t.start, t.end) for t in tokenize(chunk))
        self[chunk] = parts
        return parts


class Tokens:
    """The normalised tokens of one text; ``span(i)`` gives token i's character offsets."""

    __slots__ = ("_chunk_starts", "_ends", "_parts", "norms", "text")

    def __init__(self, text: str, memo: _ChunkMemo) -> None:
        self.text = text
        pieces = _SPACES.split(text)  # chunk, spaces, chunk, spaces, …
        offsets = list(accumulate(map(len, pieces), initial=0))
        self._chunk_starts = offsets[0::2]
        self._parts = list(map(memo.__getitem__, pieces[0::2]))
        # Index one past each chunk's last token: bisect maps a token to its chunk.
        self._ends = list(accumulate(map(len, self._parts)))
        self.norms: list[str] = list(map(_NORM, chain.from_iterable(self._parts)))

    def __len__(self) -> int:
        return len(self.norms)

    def span(self, i: int) -> tuple[int, int]:
        k = bisect_right(self._ends, i)
        first = self._ends[k - 1] if k else 0
        _, start, end = self._parts[k][i - first]
        base = self._chunk_starts[k]
        return base + start, base + end

    def gap(self, i: int) -> str:
        """The text between token i - 1 and token i."""
        return self.text[self.span(i - 1)[1] : self.span(i)[0]]


class TokenCache:
    """Tokenises text through a bounded memo of chunk → tokens (owned by one recogniser)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._memo = _ChunkMemo(limit)

    def split(self, text: str) -> Tokens:
        return Tokens(text, self._memo)

    def key(self, name: str) -> str:
        """The lookup key of a place name: its normalised tokens joined by one space."""
        return " ".join(Tokens(name, self._memo).norms)
