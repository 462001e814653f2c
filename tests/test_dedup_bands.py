"""The LSH band index and the fingerprint byte format."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from newswatch.dedup.bands import BandIndex
from newswatch.dedup.fingerprint import SIGNATURE_BYTES, Fingerprint, fingerprint

RNG = np.random.default_rng(3)
SIGS = RNG.integers(0, 2**32 - 1, size=(500, 64), dtype=np.uint32)


def near(sig: np.ndarray, keep: float) -> np.ndarray:
    """A copy of ``sig`` with all but a ``keep`` share of its values replaced."""
    out = sig.copy()
    changed = RNG.random(len(sig)) >= keep
    out[changed] = RNG.integers(0, 2**32 - 1, size=int(changed.sum()), dtype=np.uint32)
    return out


@pytest.mark.parametrize("via", ["build", "add", "both"])
def test_an_identical_signature_is_a_candidate(via: str) -> None:
    index = BandIndex(bands=32, rows=2)
    rows = np.arange(len(SIGS), dtype=np.int64)
    if via in ("build", "both"):
        index.build(SIGS[:250], rows[:250])
    start = 0 if via == "add" else 250
    for row in rows[start:]:
        index.add(int(row), SIGS[row])
    for row in (0, 249, 250, 499):
        assert row in index.candidates(SIGS[row]).tolist()


@pytest.mark.parametrize(("keep", "min_found"), [(0.9, 50), (0.6, 48), (0.0, 0)])
def test_similar_signatures_are_found_unrelated_ones_are_not(keep: float, min_found: int) -> None:
    index = BandIndex(bands=32, rows=2)
    index.build(SIGS, np.arange(len(SIGS), dtype=np.int64))
    found = sum(row in index.candidates(near(SIGS[row], keep)).tolist() for row in range(50))
    assert found >= min_found
    if keep == 0.0:
        assert found <= 2


def test_candidates_are_distinct_and_sorted() -> None:
    index = BandIndex(bands=8, rows=2)
    index.build(np.repeat(SIGS[:1], 5, axis=0), np.arange(5, dtype=np.int64))
    index.add(7, SIGS[0])
    assert index.candidates(SIGS[0]).tolist() == [0, 1, 2, 3, 4, 7]


@pytest.mark.parametrize("merge_every", [1, 7, 512])
def test_added_rows_answer_the_same_before_and_after_their_merge(merge_every: int) -> None:
    built = BandIndex(bands=32, rows=2)
    built.build(SIGS, np.arange(len(SIGS), dtype=np.int64))
    added = BandIndex(bands=32, rows=2, merge_every=merge_every)
    added.build(SIGS[:100], np.arange(100, dtype=np.int64))
    for row in range(100, len(SIGS)):
        added.add(row, SIGS[row])
    for row in range(0, len(SIGS), 7):
        query = near(SIGS[row], 0.5)
        assert added.candidates(query).tolist() == built.candidates(query).tolist()


def test_added_rows_allocate_nothing_per_row_until_the_merge() -> None:
    # The recent block is allocated up front: between merges, memory does not creep up
    # with every article (a dict of lists did, ~10 KB per article).
    index = BandIndex(bands=32, rows=2, merge_every=len(SIGS) + 1)
    tracemalloc.start()
    try:
        for row in range(len(SIGS)):
            index.add(row, SIGS[row])
        grown, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert grown < 16 * 1024


def test_an_empty_index_finds_nothing() -> None:
    index = BandIndex(bands=8, rows=2)
    index.build(SIGS[:0], np.arange(0, dtype=np.int64))
    assert index.candidates(SIGS[0]).tolist() == []


def test_a_fingerprint_round_trips_through_bytes() -> None:
    fp = fingerprint("Strikes hit Aleppo", "Warplanes struck a market west of Aleppo. " * 20)
    blob = fp.to_bytes()
    assert len(blob) == SIGNATURE_BYTES
    back = Fingerprint.from_bytes(blob)
    assert np.array_equal(back.body, fp.body) and np.array_equal(back.lead, fp.lead)
    assert (back.body_size, back.lead_size, back.short) == (fp.body_size, fp.lead_size, fp.short)


@pytest.mark.parametrize("blob", [b"", b"N2" + bytes(10), b"XX" + bytes(SIGNATURE_BYTES - 2)])
def test_foreign_bytes_are_not_a_fingerprint(blob: bytes) -> None:
    with pytest.raises(ValueError):
        Fingerprint.from_bytes(blob)


@pytest.mark.parametrize(
    ("title", "text", "feed_only", "short"),
    [
        ("t", "word " * 100, False, False),
        ("t", "word " * 30, False, True),
        ("t", "word " * 100, True, True),
    ],
)
def test_short_or_feed_only_texts_are_compared_on_their_lead(
    title: str, text: str, feed_only: bool, short: bool
) -> None:
    assert fingerprint(title, text, feed_only=feed_only).short is short
