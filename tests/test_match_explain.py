"""Explaining a match: where terms occur in any script, and what the explanation says."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.match import compile_query, match_query
from newswatch.match.documents import NaiveDocument
from newswatch.match.fast import FastDocument
from newswatch.match.nodes import Term
from newswatch.model import Article, Match
from newswatch.text.normalize import token_words
from newswatch.text.surface import find_term, keyed_text


def fields(text: str) -> dict[str, str]:
    return {"title": "", "text": text, "source": "", "url": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Бой в Москве", "бои в москве"),  # lower-cased, й → и
        ("حلب وأريحا مدينة", "حلب واريحا مدينه"),  # alef and taa marbuta variants
        ("ΟΔΟΣ Aléppo", "οδοσ aleppo"),  # final sigma, accents
        ("２０２６ ٢٠٢٦ ۱۲", "2026 2026 12"),  # fullwidth and Arabic-Indic digits become ASCII
        ("کوبانی", "كوباني"),  # Persian letter forms become the Arabic ones
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


def explained(query: str, text: str, title: str = "") -> Match:
    art = Article(url="https://x.org/a", canonical_url="", title=title, text=text, source="s")
    found = match_query(compile_query(query), art, "r")
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("query", "text", "details"),
    [
        ("aleppo", "Aleppo, aleppo and ALEPPO", ('text: "Aleppo" x3',)),
        (
            "aleppo NEAR/3 siege OR aleppo",
            "the siege of Aleppo",
            ('text: "Aleppo"', 'text: "siege"'),
        ),
        ("the", "the " * 150, ('text: "the" x100+',)),
        (
            "air*",
            "Airstrikes, an airstrike, air",
            (
                'text: "Airstrikes" (air*)',
                'text: "airstrike" (air*)',
                'text: "air"',
            ),
        ),
        ('"air strike"', "AIR-STRIKE and air strike", ('text: "AIR-STRIKE" x2',)),
        ("бой", "Бой у Москвы, бои", ('text: "Бой" x2',)),
        ("حلب", "في حلب، حلب", ('text: "حلب" x2',)),
        (
            "/war\\w+/",
            "Warplanes and warships",
            ('text: "Warplanes" (/war\\w+/)', 'text: "warships" (/war\\w+/)'),
        ),
    ],
)
def test_details(query: str, text: str, details: tuple[str, ...]) -> None:
    assert explained(query, text).details == details


def test_snippet_centres_on_the_window_with_most_distinct_terms() -> None:
    text = "aleppo " + "filler " * 60 + "aleppo was shelled " + "filler " * 60 + "aleppo"
    snippet = explained("aleppo AND shelled", text).snippet
    assert "**aleppo** was **shelled**" in snippet.marked()
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert len(snippet.text) <= 202


def test_snippet_of_a_non_ascii_text_highlights_the_surface_forms() -> None:
    snippet = explained("=москва AND бой", "В Москве. Бой под Москва, бой.").snippet
    assert snippet.marked() == "В Москве. **Бой** под **Москва**, **бой**."
    # A bare word takes its inflected forms too, and says which word each is a form of.
    found = explained("москва AND бой", "В Москве. Бой под Москва, бой.")
    assert found.snippet.marked() == "В **Москве**. **Бой** под **Москва**, **бой**."
    assert found.details == ('text: "Москве" (москва)', 'text: "Москва"', 'text: "Бой" x2')
