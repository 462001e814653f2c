"""StoryIndex against a real SQLite store: windows, restarts, rollbacks, threads."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.clock import FakeClock
from newswatch.config.schema import DedupConfig
from newswatch.dedup import StoryDecision, StoryIndex, identity_keys
from newswatch.dedup.fingerprint import Fingerprint
from newswatch.dedup.stories import COMPACT_PARTS
from newswatch.model import Article
from newswatch.store import Store

LEAD = (
    "Russian and Syrian warplanes struck a crowded market in the town of Atarib west of "
    "Aleppo on Tuesday, killing at least 12 civilians including three children, rescue "
    "workers and a war monitor said."
)
BODY = (
    "The White Helmets said two missiles hit the vegetable market shortly after 10 a.m. "
    "local time, when it was busiest, and a third struck a street of shops nearby. Rescuers "
    "pulled at least 25 wounded people from the rubble, several in critical condition. The "
    "Syrian Observatory for Human Rights gave a toll of 13 and said the number could rise. "
    "There was no immediate comment from Damascus or Moscow. Atarib lies about 25 "
    "kilometers west of Aleppo city, on a road that links Idlib province with the border."
)
OTHER = (
    "Heavy rain from a winter storm flooded streets in Libya's second city Benghazi on "
    "Saturday, killing two people and forcing the evacuation of dozens of families. The "
    "civil defence service said a man and his son drowned when their car was swept into a "
    "flooded underpass in the Al-Hawari district. Schools were closed and the port suspended "
    "operations. Residents criticised the state of drainage in the city, which has seen "
    "little investment during more than a decade of conflict and political division."
)


def article(name: str, text: str, source: str = "", *, feed_only: bool = False) -> Article:
    url = f"https://{name}.example/a"
    return Article(url, url, f"Headline {name}", text, source=source or name, feed_only=feed_only)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


def add(store: Store, index: StoryIndex, clock: FakeClock, art: Article) -> StoryDecision:
    with store.unit() as tx:
        article_id = tx.articles.add(art, identity_keys(art.url), clock.now())
        return index.assign(tx, article_id, art)


def test_a_republished_story_joins_and_lists_its_reporters(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig())
    first = add(store, index, clock, article("ap", LEAD + " " + BODY, "AP"))
    second = add(store, index, clock, article("afp", "BEIRUT (AFP) — " + LEAD + " " + BODY, "AFP"))
    third = add(store, index, clock, article("mee", BODY + " Advertisement. Share this.", "MEE"))
    other = add(store, index, clock, article("storm", OTHER, "AFP"))
    assert first.new_story and other.new_story
    assert not second.new_story and not third.new_story
    assert second.cluster_id == third.cluster_id == first.cluster_id != other.cluster_id
    assert second.similar_article_id is not None and (second.similarity or 0) >= 0.5
    assert store.stories.sources([first.cluster_id])[first.cluster_id] == ["AP", "AFP", "MEE"]


def test_the_signature_and_cluster_are_persisted(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig())
    decision = add(store, index, clock, article("ap", LEAD + " " + BODY))
    with store.db.read() as conn:
        row = conn.execute("SELECT cluster_id, signature FROM articles").fetchone()
    assert row[0] == decision.cluster_id
    assert Fingerprint.from_bytes(bytes(row[1])).body_size > 50


@pytest.mark.parametrize(
    ("hours_later", "joins"),
    [(1, True), (71, True), (73, False), (24 * 10, False)],
)
def test_after_the_window_a_similar_article_is_a_new_story(
    store: Store, clock: FakeClock, hours_later: int, joins: bool
) -> None:
    index = StoryIndex(store, clock, DedupConfig(window=timedelta(hours=72)))
    first = add(store, index, clock, article("ap", LEAD + " " + BODY))
    clock.advance(hours_later * 3600)
    again = add(store, index, clock, article("copy", LEAD + " " + BODY + " Updated."))
    assert (again.cluster_id == first.cluster_id) is joins


def test_the_index_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "state.db"
    store = Store(path)
    first = add(
        store, StoryIndex(store, clock, DedupConfig()), clock, article("ap", LEAD + " " + BODY)
    )
    store.close()
    clock.advance(3600)
    store = Store(path)
    index = StoryIndex(store, clock, DedupConfig())
    assert index.size == 1
    again = add(store, index, clock, article("copy", "Updated: " + LEAD + " " + BODY))
    assert again.cluster_id == first.cluster_id and not again.new_story
    store.close()


def test_the_rebuild_skips_articles_outside_the_window(tmp_path: Path, clock: FakeClock) -> None:
    store = Store(tmp_path / "state.db")
    add(store, StoryIndex(store, clock, DedupConfig()), clock, article("ap", LEAD + " " + BODY))
    clock.advance(80 * 3600)
    add(store, StoryIndex(store, clock, DedupConfig()), clock, article("storm", OTHER))
    assert StoryIndex(store, clock, DedupConfig()).size == 1


def test_a_rolled_back_article_is_never_joined(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig())
    with pytest.raises(RuntimeError), store.unit() as tx:
        art = article("ap", LEAD + " " + BODY)
        index.assign(tx, tx.articles.add(art, [], clock.now()), art)
        raise RuntimeError("the pipeline failed after dedup")
    # SQLite re-uses the rolled-back row id for the next article.
    storm = add(store, index, clock, article("storm", OTHER))
    again = add(store, index, clock, article("copy", LEAD + " " + BODY))
    assert again.new_story and again.cluster_id != storm.cluster_id


def test_a_feed_only_item_joins_on_its_headline_and_lead(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig())
    full = add(store, index, clock, article("ap", LEAD + " " + BODY))
    summary = "Warplanes struck a crowded market in Atarib west of Aleppo, killing 12 civilians."
    item = add(store, index, clock, article("feed", summary, feed_only=True))
    unrelated = add(
        store, index, clock, article("feed2", "Storm floods Benghazi streets.", feed_only=True)
    )
    assert item.cluster_id == full.cluster_id
    assert unrelated.new_story


def test_compaction_keeps_recent_articles_findable(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig(window=timedelta(hours=1)))
    old = add(store, index, clock, article("old", OTHER))
    clock.advance(2 * 3600)
    first = add(store, index, clock, article("ap", LEAD + " " + BODY))
    for n in range(4):
        add(store, index, clock, article(f"filler{n}", f"Filler story number {n} " * 20))
    assert index.size < 7  # the expired article left memory
    again = add(store, index, clock, article("copy", LEAD + " " + BODY + " More."))
    assert again.cluster_id == first.cluster_id
    assert add(store, index, clock, article("old2", OTHER)).cluster_id != old.cluster_id


def test_expired_articles_leave_memory_on_time_not_by_count(store: Store, clock: FakeClock) -> None:
    # A quiet daemon adds few articles: the window, not a count of additions, bounds it.
    window = timedelta(hours=1)
    index = StoryIndex(store, clock, DedupConfig(window=window))
    for n in range(3):
        add(store, index, clock, article(f"early{n}", f"Early story number {n} " * 20))
    clock.advance(window.total_seconds() / COMPACT_PARTS / 2)
    add(store, index, clock, article("mid", OTHER))
    assert index.size == 4  # nothing expired yet
    clock.advance(window.total_seconds() + 1)
    add(store, index, clock, article("late", LEAD + " " + BODY))
    assert index.size == 1


def test_concurrent_assignments_are_consistent(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock, DedupConfig())
    decisions: list[StoryDecision] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        text = LEAD + " " + BODY if n % 2 else OTHER
        got = add(store, index, clock, article(f"site{n}", text + f" Site {n}."))
        with lock:
            decisions.append(got)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({d.cluster_id for d in decisions}) == 2
    assert sum(d.new_story for d in decisions) == 2
