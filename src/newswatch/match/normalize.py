"""Text normalisation shared by queries, articles and place names.

One function decides what "the same word" means everywhere: Unicode NFKC, case folding,
diacritics removed (``Ḥalab`` → ``halab``), Arabic tashkeel and tatweel removed and
alef / yaa / taa-marbuta variants unified. Tokens are runs of letters and digits;
see ``tokenize`` for hyphens and apostrophes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0622": "\u0627",  # آ → ا
        "\u0671": "\u0627",  # ٱ → ا
        "\u0649": "\u064a",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        "\u0624": "\u0648",  # ؤ → و
        "\u0626": "\u064a",  # ئ → ي
    }
)
# Word characters: letters, marks and digits of any script. Apostrophes and hyphens split.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """A normalised word and where it sits in the original text (character offsets)."""

    text: str
    start: int
    end: int


def normalize(text: str) -> str:
    """NFKC, case-fold, strip diacritics and Arabic marks, unify Arabic letter variants."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not _is_combining(c))
    stripped = _ARABIC_DIACRITICS.sub("", stripped)
    return unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLD)


@lru_cache(maxsize=4096)
def _is_combining(char: str) -> bool:
    # Arabic hamza-above/below (U+0654/0655) are combining too; removing them after NFD
    # is what unifies أ/إ with ا.
    return unicodedata.combining(char) != 0


def normalize_word(word: str) -> str:
    return normalize(word)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into normalised word tokens with their original offsets.

    ``air-strike`` is two tokens (``air``, ``strike``); ``Aleppo's`` is ``aleppo`` + ``s``;
    numbers are tokens (``2026``); punctuation separates.
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        norm = normalize(m.group())
        if norm:
            tokens.append(Token(norm, m.start(), m.end()))
    return tokens
