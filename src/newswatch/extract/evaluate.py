"""Scoring extracted body text against hand-labelled text (for the benchmark and the gate test).

Per page: lowercase, NFKC-normalise, split into word tokens, build 4-word shingles and compare
the two shingle multisets (precision, recall, F1). Scripts written without spaces (Chinese,
Japanese) use character 4-grams instead, since whitespace splitting yields one giant token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newswatch.extract.overlap import is_cjk, shingles


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class DevPage:
    """One page of the dev set: its HTML and what a careful reader would extract."""

    name: str
    html: bytes
    expected_text: str
    expected_title: str


def score(extracted: str, expected: str) -> Score:
    """Shingle precision/recall/F1 of ``extracted`` against ``expected``."""
    chars = is_cjk(expected)
    got, want = shingles(extracted, chars=chars), shingles(expected, chars=chars)
    if not got and not want:
        return Score(1.0, 1.0, 1.0)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return Score(precision, recall, f1)


def same_title(extracted: str, expected: str) -> bool:
    return " ".join(extracted.split()) == " ".join(expected.split())


def load_devset(root: Path) -> list[DevPage]:
    """The dev set's pages, sorted by name (so even/odd splits are stable)."""
    return list(_iter_pages(root))


def _iter_pages(root: Path) -> Iterator[DevPage]:
    for folder in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        yield DevPage(
            name=folder.name,
            html=(folder / "source.html").read_bytes(),
            expected_text=(folder / "expected.txt").read_text(encoding="utf-8"),
            expected_title=meta.get("title") or "",
        )
