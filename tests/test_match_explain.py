"""Explaining a match: where terms occur in any script, and what the explanation says."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.match.documents import FastDocument, NaiveDocument
from newswatch.match.nodes import Term
from newswatch.match.normalize import token_words
from newswatch.match.surface import find_term, keyed_text


def fields(text: str) -> dict[str, str]:
    return {"title": "", "text": text, "source": "", "url": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Бой в Москве", "бои в москве"),  # lower-cased, й → и
        ("حلب وأريحا مدينة", "حلب واريحا مدينه"),  # alef and taa marbuta variants
        ("ΟΔΟΣ Aléppo", "οδοσ aleppo"),  # final sigma, accents
        ("２０２６ ٢٠٢٦", "2026 ٢٠٢٦"),  # fullwidth digits become ASCII, Arabic ones stay
        ("Ⅻ", None),  # → "xii"
        ("حَلَب", None),  # tashkeel: removed, so not one for one
        ("Straße", None),  # ß → ss
        ("ﬁre", None),  # a ligature
        ("İstanbul", None),  # lower case is two characters
        ("तलवार", None),  # a vowel sign is a combining mark
    ],
)
def test_keyed_text(text: str, expected: str | None) -> None:
    assert keyed_text(text) == expected


@pytest.mark.parametrize(
    ("keyed", "tokens", "prefix", "expected"),
    [
        ("бои в москве", ("москве",), False, [(6, 12)]),
        ("бои боиня", ("бои",), False, [(0, 3)]),  # not inside a longer word
        ("убои бои", ("бои",), False, [(5, 8)]),
        ("бои, боиня", ("бои",), True, [(0, 3), (5, 10)]),
        ("а а а", ("а", "а"), False, [(0, 3), (2, 5)]),  # overlapping phrases
        ("в москве,  бои", ("москве", "бои"), False, [(2, 14)]),
    ],
)
def test_find_term(
    keyed: str, tokens: tuple[str, ...], prefix: bool, expected: list[tuple[int, int]]
) -> None:
    assert find_term(keyed, tokens, prefix, 10) == expected


# Spellings that normalise alike, and characters that must send a field to the tokeniser.
SPELLINGS = [
    "Бой", "бои", "БОИ", "Ёлка", "елка", "حلب", "حَلَب", "أريحا", "اريحا", "مدينة", "مدينه",
    "ΟΔΟΣ", "οδος", "Aléppo", "ALEPPO", "Straße", "strasse", "ﬁre", "fire", "२०२६", "2026",
    "２０２６", "İstanbul", "istanbul", "가", "ᄀ", "a_b", "x",
]  # fmt: skip
SEPARATORS = [" ", ", ", "«", "»", "—", "-", "\n", "'s "]


def texts_of(spellings: list[str]) -> st.SearchStrategy[str]:
    pieces = st.tuples(st.sampled_from(spellings), st.sampled_from(SEPARATORS)).map("".join)
    return st.lists(pieces, max_size=12).map("".join)


# Half the texts avoid the characters that need the tokeniser, so the keyed search runs.
texts = st.one_of(texts_of(SPELLINGS), texts_of([w for w in SPELLINGS if keyed_text(w)]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(SPELLINGS), st.sampled_from(SPELLINGS), st.integers(0, 3))
def test_fast_and_naive_char_spans_agree(text: str, first: str, second: str, shape: int) -> None:
    words = tuple(token_words(first)) + (tuple(token_words(second)) if shape == 2 else ())
    if shape == 1:
        words = (*words[:-1], words[-1][:2])
    term = Term(words, shape in (1, 3), first)
    fast, naive = FastDocument(fields(text)), NaiveDocument(fields(text))
    assert fast.char_spans(term, "text", 5) == naive.char_spans(term, "text", 5)
