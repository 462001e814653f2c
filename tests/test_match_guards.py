"""The guards that keep an analysed word from matching another word, and elided articles
in NEAR: each case is one side of a line drawn in docs/matching.md ("Guards")."""

from __future__ import annotations

import pytest

from newswatch.match import compile_query, match_query, naive_match
from newswatch.model import Article


def matches(query: str, text: str, language: str | None) -> bool:
    url = "https://news.example.org/a"
    art = Article(url=url, canonical_url=url, title="", text=text, language=language)
    compiled = compile_query(query)
    fast = match_query(compiled, art) is not None
    assert fast == (naive_match(compiled, art) is not None)  # the reference agrees
    return fast


@pytest.mark.parametrize(
    ("query", "text", "language", "expected"),
    [
        # English: an -ing noun is not its bare stem, but is its other inflections.
        ("shelling", "Shell reported record profits", "en", False),
        ("shelling", "Shell's profits rose", None, False),
        ("shelling", "Shells fell on the market", "en", True),
        ("shelling", "The city was shelled overnight", "en", True),
        ("shelling", "Heavy shelling continued", "en", True),
        ("bombing", "A bomb was found and defused", "en", False),
        ("bombings", "The bombing killed six", "en", True),
        ("shell", "Heavy shelling continued", "en", True),  # the stem reaches its forms
        ("strike", "Strikes hit the port", "en", True),
        ("=shelling", "The city was shelled overnight", "en", False),
        # Turkish: a nisba adjective is not the accusative of its noun.
        ("asker", "Askeri tatbikat tamamlandı", "tr", False),
        ("asker", "Askerler bölgeye sevk edildi", "tr", True),
        ("askeri", "Askeri tatbikat tamamlandı", "tr", True),
        ("insan", "İnsani yardım konvoyu ulaştı", "tr", False),
        # Spanish: a feminine plural participle is a form of its masculine singular.
        ("refugiado", "Acoge a diez mil refugiadas", "es", True),
        ("refugiada", "Acoge a diez mil refugiadas", "es", True),
        ("herido", "Hubo tres personas heridas", "es", True),
        ("refugio", "Acoge a diez mil refugiadas", "es", False),
        ("armado", "Las fuerzas armadas entraron", "es", True),
    ],
)
def test_guards(query: str, text: str, language: str | None, expected: bool) -> None:
    assert matches(query, text, language) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("frappe NEAR/3 Alep", "Des frappes russes près d'Alep ont fait dix morts", True),
        ("frappe NEAR/3 Alep", "Des frappes russes près d\u2019Alep ont fait dix morts", True),
        ("frappe NEAR/3 Alep", "Des frappes russes près de la ville Alep", False),
        ("frappe NEAR/2 Alep", "Des frappes russes près d'Alep ont fait dix morts", False),
        ("Alep NEAR/1 frappe", "Alep : l'frappe", True),
        # Not an elision: the apostrophe is the word's own (English possessive, Sana'a).
        ("strike NEAR/2 Sana", "strike near Sana'a city", True),
        ("strike NEAR/3 city", "strike on Aleppo's city", False),
        ("strike NEAR/4 city", "strike on Aleppo's city", True),
        # The elided article at the end of a text or before a digit is a word.
        ("frappe NEAR/2 2026", "frappe d' 2026", True),
        ("frappe NEAR/1 2026", "frappe d'2026", False),
    ],
)
def test_near_does_not_count_elided_articles(query: str, text: str, expected: bool) -> None:
    assert matches(query, text, "fr") is expected


def test_phrases_keep_the_elided_article() -> None:
    assert matches('"près d\'Alep"', "Des frappes russes près d'Alep", "fr")
    assert not matches('"près Alep"', "Des frappes russes près d'Alep", "fr")
