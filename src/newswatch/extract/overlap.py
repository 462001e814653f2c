"""Word-shingle multisets: how much of one text another one contains.

Used to compare extraction candidates with each other and, in :mod:`evaluate`, with
hand-labelled text. Scripts written without spaces (Chinese, Japanese) use character
shingles, since whitespace splitting yields one giant token.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

SHINGLE = 4
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Above this share of CJK characters a text is compared on character shingles.
_CJK_SHARE = 0.2
_SAMPLE_CHARS = 5000
_SPACE = re.compile(r"\s+")


def is_cjk(text: str) -> bool:
    sample = _SPACE.sub("", text[:_SAMPLE_CHARS])
    return bool(sample) and len(_CJK.findall(sample)) / len(sample) > _CJK_SHARE


def shingles(text: str, *, chars: bool) -> Counter[tuple[str, ...]]:
    norm = unicodedata.normalize("NFKC", text).lower()
    tokens = [c for c in norm if c.isalnum()] if chars else _WORD.findall(norm)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(*(tokens[i:] for i in range(SHINGLE)), strict=False))


def containment(part: str, whole: str) -> float:
    """The share of ``part``'s shingles that also occur in ``whole`` (0 when ``part`` is empty)."""
    chars = is_cjk(part + whole)
    got, ref = shingles(part, chars=chars), shingles(whole, chars=chars)
    total = sum(got.values())
    return sum((got & ref).values()) / total if total else 0.0
