"""Lead facts: numbers and weekdays that tell two look-alike headlines apart."""

from __future__ import annotations

import numpy as np
import pytest

from newswatch.dedup.facts import conflicts, lead_facts
from newswatch.dedup.fingerprint import words


def facts(text: str) -> int:
    return lead_facts(words(text))


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("Strike kills 12 on Tuesday", "Strike kills 9 on Wednesday", True),
        ("Strike kills 12 on Tuesday", "Strike kills 9 on Tuesday", True),
        ("Strike kills 12 on Tuesday", "Strike kills 12 on Wednesday", True),
        ("Strike kills 12 on Tuesday", "Strike kills twelve people on Tuesday", False),
        ("Strike kills 12 and wounds 25", "Twelve killed in strike", False),
        ("Strike kills 12", "Strike near Aleppo", False),  # nothing stated: no conflict
        ("Strike kills 12 in 2026", "Strike kills 12 in 2025", False),  # years are not counts
        ("Frappe mardi: 12 morts", "Strike on Tuesday kills 12", False),
    ],
)
def test_conflicts(a: str, b: str, conflict: bool) -> None:
    others = np.array([facts(b)], dtype=np.uint64)
    assert bool(conflicts(facts(a), others)[0]) is conflict
    assert bool(conflicts(facts(b), np.array([facts(a)], dtype=np.uint64))[0]) is conflict
