"""Tokenisation decisions (docs/matching.md), seen from queries and articles alike."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.match import compile_query, match_query
from newswatch.match.fields import FieldSets
from newswatch.model import Article
from newswatch.text.memo import KeyMemo
from newswatch.text.normalize import (
    INVISIBLE,
    MARKS,
    normalize,
    token_forms,
    token_offsets,
    token_words,
    tokenize,
)
from newswatch.text.surface import keyed_text, keyed_word


def hit(query: str, text: str) -> bool:
    art = Article(url="u", canonical_url="u", title="", text=text)
    return match_query(compile_query(query), art) is not None


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("air-strike", ["air", "strike"]),
        ("Aleppo's", ["aleppo", "s"]),
        ("Aleppo’s", ["aleppo", "s"]),
        ("F-16s", ["f", "16s"]),
        ("1,000 people; 3.5%", ["1", "000", "people", "3", "5"]),
        ("2026-11-27", ["2026", "11", "27"]),
        ("snake_case", ["snake", "case"]),
        ("Ḥalab", ["halab"]),
        ("ＡＬＥＰＰＯ", ["aleppo"]),  # full-width letters fold via NFKC
        ("Straße", ["strasse"]),
        ("حَلَب", ["حلب"]),  # tashkeel kept inside the word, then removed
        ("إدلب", ["ادلب"]),
        ("مدينة", ["مدينه"]),  # taa marbuta unified
        ("حـــلب", ["حلب"]),  # tatweel removed
        ("АЛЕППО, Сирия", ["алеппо", "сирия"]),
        ("हिन्दी", ["हिन्दी"]),  # vowel signs do not split the word
        ("...!!!", []),
        # invisible format characters inside a word are dropped: soft hyphens (&shy;) in
        # long words, joiners, direction marks; zero-width space and ZWNJ separate
        ("Luft\u00adangriffe auf Alep\u00adpo", ["luftangriffe", "auf", "aleppo"]),
        ("Ale\u200dppo Ale\u2060ppo \ufeffAleppo", ["aleppo", "aleppo", "aleppo"]),
        ("\u200fحلب\u200f \u200e", ["حلب"]),
        ("Alep\u200bpo", ["alep", "po"]),
        ("می\u200cخواهم", ["مي", "خواهم"]),  # and Farsi yeh is yeh
        # Latin letters NFD keeps whole fold as in Lucene's ASCII folding
        ("Łódź SALDIRISI saldırısı", ["lodz", "saldirisi", "saldirisi"]),
        ("Đakovo Ærø œuvre Øst", ["dakovo", "aero", "oeuvre", "ost"]),
        # Persian letter forms are the Arabic ones; Arabic-Indic digits are digits
        ("کوبانی ٢٠٢٦ ۱۲", ["كوباني", "2026", "12"]),
    ],
)
def test_tokens(text: str, tokens: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == tokens
    assert token_words(text) == tokens
    assert token_forms(text)[0] == set(tokens)
    assert token_forms(text, keyed_text(text))[0] == set(tokens)


def test_token_offsets_point_into_the_original_text() -> None:
    text = "Strike on Ḥalab's east"
    assert [text[t.start : t.end] for t in tokenize(text)] == ["Strike", "on", "Ḥalab", "s", "east"]


def test_normalize_is_what_both_sides_share() -> None:
    assert normalize("Ḥalab") == normalize("HALAB") == "halab"


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("aleppo", "Aleppo's eastern districts", True),
        ("air-strike", "an air strike", True),  # a hyphenated query word is a phrase
        ("air-strike", "an air-strike", True),
        ("air-strike", "an airstrike", False),
        ("airstrike", "an air-strike", False),
        ('"air strike"', "an air-strike", True),
        ("16", "an F-16 crashed", True),
        ("f-16", "an F-16 crashed", True),
        ("f-16", "an F 16 crashed", True),
        ("2026", "in 2026.", True),
        ("1000", "1,000 people", False),
        ('"1,000"', "1,000 people", True),
        ("don't", "they don't", True),
        ("u.n.", "the U.N. said", True),
        ("aleppo", "strikes on Alep\u00adpo", True),
        ("luftangriff*", "neue Luft\u00adangriffe", True),
        ('"luftangriffe auf aleppo"', "Luft\u00adangriffe auf Alep\u00adpo", True),
        ("saldırı*", "HAVA SALDIRISI", True),  # Turkish: I and ı are the same letter here
        ("lodz", "explosion in Łódź", True),
        ("كوباني", "هجوم على کوبانی", True),
        ("2026", "في عام ٢٠٢٦", True),
    ],
)
def test_tokenisation_in_queries(query: str, text: str, expected: bool) -> None:
    assert hit(query, text) is expected


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"))
    | st.text("ab -'_.\u0301é,حَلَбЖ1\u00ad\u200b\u200c\u200d\u200f\ufeffıIİłŁæœßکی٢۱")
)
def test_fast_paths_equal_tokenize(text: str) -> None:
    tokens = tokenize(text)
    assert token_words(text) == [t.text for t in tokens]
    # Without, then with, the keyed copy a document makes of non-ASCII fields.
    for keyed in (None, keyed_text(text)):
        token_set, scan_text = token_forms(text, keyed)
        assert token_set == {t.text for t in tokens}
        # What the presearcher's prefix automaton scans: every token, each after a space.
        assert all(f" {t.text}" in scan_text for t in tokens)
    assert token_offsets(text) == [(t.start, t.end) for t in tokens]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"))
    | st.text("ab -'_.\u0301é,حَلَбЖйїё1\u00ad\u200bıIİłŁæœßکی٢۱\u0345ǅ"),
    st.sampled_from([("ru",), ("uk",), ("fr",), ("en", "uk!"), ("ar", "ru"), ("ar",), ()]),
)
def test_a_field_read_by_its_surface_words_has_the_tokenizers_tokens(
    text: str, langs: tuple[str, ...]
) -> None:
    """A non-ASCII field read by Cyrillic or Latin analysers takes its tokens from its
    surface words (one split of the text): the same tokens as ever. Its scan text, where
    the memo's first pass does not stand in for the presearcher's, holds every token; where
    it does, the memo names every prefix of a token among the rules' (and no other)."""
    prefixes = {"а", "ab", "жй", "fr", "ı", "ł", "е"}
    memo = KeyMemo(prefixes=dict.fromkeys(prefixes, (0,)))
    sets = FieldSets({"text": text}, ("text",), langs, memo)
    tokens = {t.text for t in tokenize(text)}
    assert {t for t in sets["text"] if ":" not in t} == tokens
    if "text" in sets.woken:
        assert sets.prefixes["text"] == {p for p in prefixes for t in tokens if t.startswith(p)}
    else:
        assert all(f" {t}" in sets.texts["text"] for t in tokens)


@pytest.mark.parametrize(
    "text", ["Удар по Києву{c}обстріл 5{c} дронів {c}", "{c}Frappés à Alep{c}ÉTÉ"]
)
def test_a_field_without_a_keyed_copy_has_the_tokenizers_tokens(text: str) -> None:
    """A field read by its surface words skips the keyed copy of the whole text until a
    match is explained, so its tokens are the surfaces' keyed forms even where that copy
    cannot be made: whatever separator or odd character the text holds (every one of the
    first three planes tried), they are the tokeniser's tokens."""
    odd, memo, tried = [], KeyMemo(), 0
    for code in range(0x20, 0x30000):
        char = chr(code)
        field = text.format(c=char)
        if 0xD800 <= code < 0xE000 or char.isalnum() or keyed_text(field) is not None:
            continue
        tried += 1
        sets = FieldSets({"text": field}, ("text",), ("uk",), memo)
        if {t for t in sets["text"] if ":" not in t} != {t.text for t in tokenize(field)}:
            odd.append(hex(code))
    assert tried > 1000
    assert not odd


def test_one_for_one_characters_are_token_characters_exactly_when_their_forms_are() -> None:
    """What lets a field's tokens be its surface words' keyed forms (``KeyedForms``):
    wherever a character has a one-character keyed form, the tokeniser takes it into a
    word exactly when the keyed copy's split does its form."""
    inside = re.compile(f"[{MARKS}{INVISIBLE}]")
    odd = []
    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or (form := keyed_word(char)) is None:
            continue
        if (char.isalnum() or inside.match(char) is not None) != form.isalnum():
            odd.append(hex(code))
    assert not odd


def test_a_soft_hyphenated_word_is_highlighted_whole() -> None:
    text = "Neue Luft\u00adangriffe auf Alep\u00adpo am Morgen"
    art = Article(url="u", canonical_url="u", title="", text=text)
    found = match_query(compile_query("aleppo luftangriff*"), art)
    assert found is not None
    assert found.snippet.marked() == "Neue **Luft\u00adangriffe** auf **Alep\u00adpo** am Morgen"


def test_the_generated_unicode_tables_are_current() -> None:
    """_marks.py and _special.py follow from normalize(); a change to what normalize does to
    a character needs them regenerated, or explanations and matching would disagree."""
    script = Path(__file__).resolve().parent.parent / "scripts" / "gen_unicode_tables.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
