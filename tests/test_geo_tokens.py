"""The recogniser's fast tokens are exactly the shared ``tokenize``'s, offsets included."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.text.normalize import tokenize
from newswatch.text.pieces import TokenCache

# Scripts news is written in, plus the characters that make normalisation look across
# letters: combining marks, Hangul jamo, compatibility ligatures and fractions, Arabic
# tashkeel, odd spaces and punctuation.
_ALPHABET = st.sampled_from(
    list("Aa Zz0 9.,-'’—«»…\n\t\u00a0\u2009_")
    + list("ÄäÖöÜüßİıŞşÇçÉéÑñŁłØøÆæ")
    + [chr(c) for c in range(0x0410, 0x0450)]
    + ["ё", "Ё", "й", "Й", "і", "ї"]
    + [chr(c) for c in range(0x0621, 0x064B)]
    + ["\u064b", "\u064e", "\u0651", "\u0640", "\u0670", "\u0653", "\u0654", "\u060c"]
    + ["\u0301", "\u0308", "\u0327", "\u0306"]
    + ["\u1100", "\u1161", "\u11a8", "\uac00", "\ufb01", "\u00bd", "\ufdfa", "\u2160"]
    + ["Σ", "ς", "σ", "\u0130", "\u212b", "\u00c5", "\u1e24", "\u1e25"]
)


def reference(text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in tokenize(text)]


def fast(cache: TokenCache, text: str) -> list[tuple[str, int, int]]:
    toks = cache.split(text)
    return [(toks.norms[i], *toks.span(i)) for i in range(len(toks))]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_fast_tokens_equal_tokenize(text: str) -> None:
    cache = TokenCache()
    assert fast(cache, text) == reference(text)
    assert fast(cache, text) == reference(text)  # the memoised second sight too


@pytest.mark.parametrize(
    "text",
    [
        "Shelling near Aleppo's old city, 2026",
        "Взрыв в Газиантепе — «под Москвой»",
        "قصف على حلبَ وإدلب، والرقة",
        "İstanbul und Zürich: Ḥalab\u00a0Ḥims",
        "ﬁre in Σάμος ΣΑΜΟΣ 한국 ½",
        "",
        "   ",
    ],
)
def test_fast_tokens_on_news_text(text: str) -> None:
    assert fast(TokenCache(), text) == reference(text)
