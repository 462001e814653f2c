"""Where a term occurs in a text, found without tokenising the whole text.

In ASCII text, ``normalize.ascii_folded`` gives a byte string whose tokens are separated by
spaces at their original offsets: ``find_word``, ``find_prefix`` and ``find_words`` find
a term there by ``bytes.find``. The rest of this module is the same for other text:

Explaining a match needs the character offsets of a few terms. The tokeniser's offsets cost
a pass of Python over every word of the field; instead the field is turned, once, into a
*keyed* copy of the same length whose characters are the normalised characters of the
original (lower-cased, then the few characters ``normalize`` changes replaced one for one),
so a term's tokens are found as they are, by the regex engine's literal search.

That is exact only if normalising a word is normalising each of its characters, one
character for one. When a field holds a character for which it is not (a combining mark,
tatweel, a ligature, ``ß``, Hangul jamo, ``İ`` whose lower case is two characters),
``keyed_text`` answers None and the caller uses the tokeniser. A property test holds both
to the same offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newswatch.text._special import SPECIAL_ASTRAL, SPECIAL_BMP, UNICODE_VERSION
from newswatch.text.normalize import normalize

# Every character beyond the BMP is a candidate, so that the scan of a text tests one
# bitmap and one range per character; ``_replacement`` sorts the candidates out.
_CANDIDATE = re.compile(f"[{SPECIAL_BMP}\U00010000-\U0010ffff]")
_SPECIAL = re.compile(f"[{SPECIAL_BMP}{SPECIAL_ASTRAL}]")
# The class was generated from this Python's Unicode tables; with others, stay exact.
_CURRENT = unicodedata.unidata_version == UNICODE_VERSION


def keyed_text(text: str) -> str | None:
    """``text`` with every token character replaced by its normalisation, at the same
    offsets, or None if some character does not normalise one for one."""
    if not _CURRENT:
        return None
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    return keyed_word(lowered)


def keyed_word(lowered: str) -> str | None:
    """``keyed_text`` of a text already lower-cased (a word of one: ``KeyedForms``)."""
    # One search per distinct character to replace, not per occurrence: each is replaced
    # throughout at once (same length, so the search goes on from where it was).
    found = _CANDIDATE.search(lowered)
    while found is not None:
        char = found.group()
        norm = _replacement(char)
        if norm is None:
            return None
        if norm != char:
            lowered = lowered.replace(char, norm)
        found = _CANDIDATE.search(lowered, found.end())
    return lowered


class KeyedForms(dict[str, str | None]):
    """A word as written (lower case, a token of ``normalize.surface_words``) → its token
    in the keyed copy: ``keyed_word``, remembered (news repeats its words). Where the
    field's keyed copy exists, its tokens are exactly these of its surface words, since a
    character that normalises to one character is a token character exactly when its
    normalisation is (checked over every code point), so one split of the text gives both.
    Bounded; owned by a matcher's memo (``memo.KeyMemo``)."""

    MAX = 1 << 17

    def __missing__(self, word: str) -> str | None:
        if len(self) >= self.MAX:
            self.clear()
        found = self[word] = keyed_word(word) if _CURRENT else None
        return found


@lru_cache(maxsize=1 << 12)
def _replacement(char: str) -> str | None:
    """What ``char`` becomes in a keyed text: itself, its one-character normalisation, or
    None if it has none (the field then needs the tokeniser)."""
    if not _SPECIAL.match(char):
        return char
    norm = normalize(char)
    if len(norm) != 1 or not norm.isalnum() or _SPECIAL.match(norm):
        return None
    return norm


def find_term(
    keyed: str, tokens: tuple[str, ...], prefix: bool, limit: int
) -> list[tuple[int, int]]:
    """Offsets of the first ``limit`` occurrences of the term (one per starting token, so
    overlapping phrases are all found, as by word positions) in a ``keyed_text``."""
    pattern = _pattern(tokens, prefix)
    out: list[tuple[int, int]] = []
    found = pattern.search(keyed)
    while found is not None and len(out) < limit:
        start = found.start()
        # The pattern checks the end of the last token; the start is checked here, since a
        # look-behind first would cost the regex engine its fast literal scan.
        if start == 0 or not keyed[start - 1].isalnum():
            out.append((start, found.end()))
        found = pattern.search(keyed, start + 1)
    return out


@lru_cache(maxsize=1 << 12)  # compiled patterns are ~1 KB each; only explained terms
def _pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    # In a keyed text token characters are exactly the alphanumeric ones (marks send the
    # field to the tokeniser), so ``[^\W_]`` is a token character and ``[\W_]`` a separator.
    words = r"[\W_]+".join(map(re.escape, tokens))
    return re.compile(words + (r"[^\W_]*" if prefix else r"(?![^\W_])"))


def find_word(folded: bytes, word: str, limit: int) -> list[tuple[int, int]]:
    """Offsets of ``word``'s first ``limit`` occurrences as a whole token in ``folded``."""
    needle, size = f" {word} ".encode(), len(word)
    out: list[tuple[int, int]] = []
    # ``folded`` is framed by one space, so a hit at ``i`` is the token at ``i`` in the text.
    i = folded.find(needle)
    while i >= 0 and len(out) < limit:
        out.append((i, i + size))
        i = folded.find(needle, i + size + 1)  # the trailing space may start the next hit
    return out


def find_prefix(folded: bytes, prefix: str, limit: int) -> list[tuple[int, int]]:
    """The same for the tokens starting with ``prefix``: each ends at the next space."""
    needle = f" {prefix}".encode()
    out: list[tuple[int, int]] = []
    i = folded.find(needle)
    while i >= 0 and len(out) < limit:
        end = folded.find(b" ", i + len(needle))  # found: ``folded`` ends with a space
        out.append((i, end - 1))
        i = folded.find(needle, end)
    return out


def find_words(
    folded: bytes, tokens: tuple[str, ...], prefix: bool, limit: int
) -> list[tuple[int, int]]:
    """The same for a prefix or phrase: find the first word, then match the rest there
    (one hit per start, so overlapping phrases are all found, as by word positions)."""
    first, rest = f" {tokens[0]}".encode(), _rest_pattern(tokens, prefix)
    out: list[tuple[int, int]] = []
    i = folded.find(first)
    while i >= 0 and len(out) < limit:
        if found := rest.match(folded, i):
            out.append((i, found.end() - 1))
        i = folded.find(first, i + 1)
    return out


@lru_cache(maxsize=1 << 14)
def _rest_pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[bytes]:
    words = b" +".join(re.escape(t.encode()) for t in tokens)
    return re.compile(b" " + words + (b"[^ ]*" if prefix else b"") + b"(?= )")
