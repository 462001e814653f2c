"""Story dedup against the labelled set in tests/data/dedup_pairs.yaml.

Each pair runs through a fresh store and ``StoryIndex`` exactly as the pipeline does:
insert the first article, assign it, insert the second, assign it; the pair is predicted
"same story" when the second joins the first's cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from newswatch.clock import FakeClock
from newswatch.config.schema import DedupConfig
from newswatch.dedup import StoryDecision, StoryIndex, identity_keys
from newswatch.model import Article
from newswatch.store import Store

DATA = Path(__file__).parent / "data" / "dedup_pairs.yaml"


@dataclass(frozen=True)
class Labelled:
    story: str
    article: Article


def _apply_edits(base: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    text = str(base["text"])
    for old, new in spec.get("replace", []):
        assert old in text, f"replace: {old[:40]!r} not in base"
        text = text.replace(old, new)
    for passage in spec.get("drop", []):
        assert passage in text, f"drop: {passage[:40]!r} not in base"
        text = text.replace(passage, "")
    text = spec.get("prepend", "") + text + spec.get("append", "")
    return {**base, **spec, "text": text}


def load_labelled(path: Path = DATA) -> tuple[dict[str, Labelled], list[tuple[str, str, str]]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs: dict[str, dict[str, Any]] = raw["articles"]
    resolved: dict[str, Labelled] = {}
    for name, spec in specs.items():
        fields = _apply_edits(specs[spec["from"]], spec) if "from" in spec else spec
        article = Article(
            url=f"https://{name}.example/story",
            canonical_url=f"https://{name}.example/story",
            title=fields["title"],
            text=fields["text"].strip(),
            source=fields["source"],
            feed_only=bool(fields.get("feed_only", False)),
        )
        resolved[name] = Labelled(spec["story"], article)
    pairs = [(a, b, why) for a, b, why in raw["pairs"]]
    return resolved, pairs


def add(store: Store, index: StoryIndex, clock: FakeClock, article: Article) -> StoryDecision:
    keys = identity_keys(article.url, article.guid, article.text)
    with store.unit() as tx:
        article_id = tx.articles.add(article, keys, clock.now())
        return index.assign(tx, article_id, article)


def predict_same(tmp: Path, first: Article, second: Article) -> tuple[bool, float | None]:
    clock = FakeClock()
    store = Store(tmp / "state.db")
    try:
        index = StoryIndex(store, clock, DedupConfig())
        a = add(store, index, clock, first)
        clock.advance(600)
        b = add(store, index, clock, second)
        return b.cluster_id == a.cluster_id, b.similarity
    finally:
        store.close()


ARTICLES, PAIRS = load_labelled()


def test_the_set_is_big_and_balanced_enough() -> None:
    same = sum(ARTICLES[a].story == ARTICLES[b].story for a, b, _ in PAIRS)
    assert len(PAIRS) >= 30
    assert same >= 12
    assert len(PAIRS) - same >= 12


DIFFERENT = [(a, b, why) for a, b, why in PAIRS if ARTICLES[a].story != ARTICLES[b].story]
SAME = [(a, b, why) for a, b, why in PAIRS if ARTICLES[a].story == ARTICLES[b].story]


@pytest.mark.parametrize(
    ("first", "second", "why"), DIFFERENT, ids=[f"{a}~{b}" for a, b, _ in DIFFERENT]
)
def test_different_incidents_are_never_merged(
    tmp_path: Path, first: str, second: str, why: str
) -> None:
    # The earlier article first: the pipeline sees articles in arrival order.
    got, similarity = predict_same(tmp_path, ARTICLES[first].article, ARTICLES[second].article)
    assert not got, f"{why}: similarity {similarity}"


def test_same_story_recall_is_at_least_090(tmp_path: Path) -> None:
    missed = []
    for n, (first, second, why) in enumerate(SAME):
        folder = tmp_path / str(n)
        folder.mkdir()
        got, _ = predict_same(folder, ARTICLES[first].article, ARTICLES[second].article)
        if not got:
            missed.append(why)
    assert 1 - len(missed) / len(SAME) >= 0.9, missed


def test_stream_never_merges_different_incidents(tmp_path: Path) -> None:
    """All articles through one index, in file order: a cluster holds one incident only."""
    clock = FakeClock()
    store = Store(tmp_path / "state.db")
    index = StoryIndex(store, clock, DedupConfig())
    clusters: dict[int, set[str]] = {}
    for labelled in ARTICLES.values():
        decision = add(store, index, clock, labelled.article)
        clusters.setdefault(decision.cluster_id, set()).add(labelled.story)
        clock.advance(300)
    store.close()
    assert all(len(stories) == 1 for stories in clusters.values()), clusters
    stories = {labelled.story for labelled in ARTICLES.values()}
    assert len(clusters) == len(stories)


def evaluate(pairs: list[tuple[str, str]]) -> tuple[int, int, int, int]:
    """(true positives, false positives, false negatives, true negatives) over ``pairs``."""
    import tempfile

    tp = fp = fn = tn = 0
    for first, second in pairs:
        with tempfile.TemporaryDirectory() as tmp:
            got, _ = predict_same(Path(tmp), ARTICLES[first].article, ARTICLES[second].article)
        expected = ARTICLES[first].story == ARTICLES[second].story
        tp += got and expected
        fp += got and not expected
        fn += expected and not got
        tn += not got and not expected
    return tp, fp, fn, tn


def main() -> None:
    """Print precision and recall of "same story" (the numbers in docs/dedup.md)."""
    names = list(ARTICLES)
    every = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    for label, pairs in [("curated pairs", [(a, b) for a, b, _ in PAIRS]), ("all pairs", every)]:
        tp, fp, fn, tn = evaluate(pairs)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(
            f"{label:14} n={len(pairs):3}  same={tp + fn:3}  TP={tp:3} FP={fp} FN={fn} TN={tn:3}"
            f"  precision={precision:.3f}  recall={recall:.3f}"
        )


if __name__ == "__main__":
    main()
