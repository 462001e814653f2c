"""The dev-set metric itself: shingle F1, character shingles for CJK text."""

from __future__ import annotations

import pytest

from newswatch.extract.evaluate import is_cjk, same_title, score

TEXT = "Russian and Syrian warplanes struck villages near Aleppo on Monday, rescuers said."


@pytest.mark.parametrize(
    ("extracted", "expected", "f1"),
    [
        (TEXT, TEXT, 1.0),
        (TEXT.upper() + "  ", TEXT, 1.0),  # case and spacing do not count
        ("", TEXT, 0.0),
        ("", "", 1.0),
        ("Completely different words appear in this sentence here.", TEXT, 0.0),
    ],
)
def test_score(extracted: str, expected: str, f1: float) -> None:
    assert score(extracted, expected).f1 == pytest.approx(f1)


def test_partial_extraction_has_full_precision_and_partial_recall() -> None:
    half = " ".join(TEXT.split()[:7])
    result = score(half, TEXT)
    assert result.precision == 1.0
    assert 0 < result.recall < 1


@pytest.mark.parametrize(
    ("text", "cjk"), [("北京时间今天上午发生地震", True), (TEXT, False), ("", False)]
)
def test_is_cjk(text: str, cjk: bool) -> None:
    assert is_cjk(text) is cjk


def test_same_title_ignores_whitespace() -> None:
    assert same_title(" Aleppo\n strikes ", "Aleppo strikes")
