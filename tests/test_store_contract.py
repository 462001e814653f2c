"""The store's contract, on both backends: SQLite files and a real PostgreSQL database.

Every test takes ``state``: a SQLite path or the URL of a fresh, empty PostgreSQL
database. The same assertions hold on both: that is what lets ``state:`` switch engines.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.clock import FakeClock
from newswatch.config.schema import DedupConfig, RetentionConfig
from newswatch.dedup import StoryIndex, identity_keys
from newswatch.errors import StoreConflict, StoreError
from newswatch.model import Article
from newswatch.store import Store, Validators
from newswatch.store.migrations import MIGRATIONS
from newswatch.store.retention import prune

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)

WORDS = ["market", "strike", "convoy", "border", "harbour", "village", "bridge", "school"]


@pytest.fixture(params=["sqlite", "postgresql"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    return str(request.getfixturevalue("pg_dsn"))


@pytest.fixture
def store(state: str) -> Iterator[Store]:
    opened = Store(state)
    yield opened
    opened.close()


def make_article(n: int, source: str = "s", text: str = "Body") -> Article:
    url = f"https://news.example.org/a/{n}"
    return Article(url=url, canonical_url=url, title=f"Title {n}", text=text, source=source)


def test_a_new_state_is_migrated_and_reopens_with_what_it_holds(state: str) -> None:
    store = Store(state)
    assert store.db.schema_version == len(MIGRATIONS)
    assert store.db.integrity_check() == "ok"
    store.fetch_state.save("https://x.org/f", Validators('"abc"', "Tue"), 200, NOW, 10)
    store.close()
    again = Store(state)
    assert again.fetch_state.validators("https://x.org/f") == Validators('"abc"', "Tue")
    again.fetch_state.forget("https://x.org/f")
    assert again.fetch_state.validators("https://x.org/f") == Validators()
    again.close()


def test_a_unit_commits_together_or_not_at_all(store: Store) -> None:
    with pytest.raises(RuntimeError), store.unit() as tx:
        article_id = tx.articles.add(make_article(1), ["url:1"], NOW)
        tx.outbox.enqueue("r", "mail", {"title": "t"}, NOW)
        assert tx.articles.find_by_keys(["url:1"]) == article_id  # the unit sees its writes
        raise RuntimeError("crash before the commit")
    assert store.articles.count() == 0 and store.outbox.counts() == {}
    with store.unit() as tx:
        article_id = tx.articles.add(make_article(1), ["url:1", "guid:1"], NOW)
        tx.outbox.enqueue("r", "mail", {"title": "t"}, NOW)
    assert store.articles.find_by_keys(["guid:1"]) == article_id
    assert store.outbox.counts() == {"pending": 1}


def test_a_taken_canonical_url_is_a_conflict_that_keeps_nothing(store: Store) -> None:
    store.articles.add(make_article(1), ["url:1"], NOW)
    with pytest.raises(StoreConflict), store.unit() as tx:
        tx.articles.add(make_article(2), ["url:2"], NOW)
        tx.articles.add(make_article(1), ["url:1b"], NOW)
    assert store.articles.count() == 1
    assert store.articles.find_by_keys(["url:2"]) is None


def test_a_rule_matches_a_story_once_and_keeps_its_follow_up_state(store: Store) -> None:
    with store.unit() as tx:
        first = tx.articles.add(make_article(1, text="12 killed"), ["url:1"], NOW)
        second = tx.articles.add(make_article(2, text="15 killed"), ["url:2"], NOW)
        story = tx.articles.new_cluster(NOW, "story")
        ids = [
            tx.matches.record("r", first, story, ["a"], {}, NOW),
            tx.matches.record("r", second, story, ["a"], {}, NOW),
            tx.matches.record("other", second, story, ["a"], {}, NOW),
        ]
    assert ids[0] is not None and ids[1] is None and ids[2] is not None
    basis = store.matches.alerted_basis("r", story)
    assert basis is not None and (basis.text, basis.terms, basis.last_update_at) == (
        "12 killed", ("a",), None,
    )  # fmt: skip
    store.matches.followed_up("r", story, second, ["a", "b"], LATER)
    basis = store.matches.alerted_basis("r", story)
    assert basis is not None and (basis.text, basis.terms, basis.last_update_at) == (
        "15 killed", ("a", "b"), LATER,
    )  # fmt: skip
    assert store.matches.alerted_basis("nobody", story) is None


def test_story_sources_name_the_first_reporter_first(store: Store) -> None:
    with store.unit() as tx:
        story = tx.articles.new_cluster(NOW, "story")
        for n, source in enumerate(["bbc", "afp", "bbc", "ap"]):
            tx.articles.add(make_article(n, source), [f"url:{n}"], NOW, cluster_id=story)
    assert store.stories.sources([story, 999]) == {story: ["bbc", "afp", "ap"]}


def test_outbox_due_claim_retry_and_send(store: Store) -> None:
    alert_id = store.outbox.enqueue("r", "mail", {"title": "t"}, NOW)
    assert [a.id for a in store.outbox.due(NOW)] == [alert_id]
    assert store.outbox.claim([alert_id], NOW, NOW + timedelta(minutes=2), "me")
    assert not store.outbox.claim([alert_id], NOW, NOW + timedelta(minutes=2), "other")
    store.outbox.retry_many([alert_id], "timeout", NOW + timedelta(minutes=1))
    assert store.outbox.due(NOW) == []
    store.outbox.record_delivered([alert_id], ["url-a"])
    [due] = store.outbox.due(NOW + timedelta(minutes=2))
    assert due.attempts == 1 and due.delivered == frozenset({"url-a"})
    store.outbox.mark_sent_many([alert_id], LATER)
    assert store.outbox.counts() == {"sent": 1}
    assert store.status.counts_by_channel() == {"mail": {"sent": 1}}


def test_leases_hand_each_alert_to_one_of_several_senders(state: str) -> None:
    setup = Store(state)
    for n in range(60):
        setup.outbox.enqueue("r", "mail", {"title": f"t{n}"}, NOW)
    setup.close()
    taken: dict[str, list[int]] = {}
    start = threading.Barrier(3)

    def sender(name: str) -> None:
        own = Store(state)  # its own connection, as another process would have
        start.wait()
        got: list[int] = []
        while batch := own.outbox.lease(NOW, NOW + timedelta(minutes=2), name, limit=7):
            got += [a.id for a in batch]
        taken[name] = got
        own.close()

    threads = [threading.Thread(target=sender, args=(f"s{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    everything = [i for got in taken.values() for i in got]
    assert len(everything) == 60 and len(set(everything)) == 60


def test_silences_are_listed_removed_and_pruned_without_reusing_ids(store: Store) -> None:
    old = store.silences.add("aleppo", NOW + timedelta(hours=1), NOW, "night shift")
    assert [s.rule for s in store.silences.active(NOW)] == ["aleppo"]
    assert store.silences.remove(old) and not store.silences.remove(old)
    new = store.silences.add("idlib", NOW + timedelta(hours=1), NOW)
    assert new > old
    assert store.silences.silenced_rules(NOW) == frozenset({"idlib"})
    assert store.silences.prune(NOW + timedelta(hours=2)) == 1


def test_source_state_counts_failures_and_resets(store: Store) -> None:
    assert store.sources.record_failure("s", NOW, "boom", backoff_until=LATER) == 1
    assert store.sources.record_failure("s", NOW, "boom") == 2
    store.sources.set_health("s", False, "no links")
    store.sources.record_success("s", LATER, items=3, new_items=1)
    state = store.sources.get("s")
    assert (state.consecutive_failures, state.last_error, state.healthy) == (0, "boom", False)
    assert state.last_new_item_at == LATER and state.backoff_until is None
    assert [s.name for s in store.sources.all()] == ["s"]


def test_retention_prunes_old_rows_on_both_engines(store: Store) -> None:
    for days, n in ((1, 3), (40, 2)):
        at = NOW - timedelta(days=days)
        with store.unit() as tx:
            for i in range(n):
                story = tx.articles.new_cluster(at, "t")
                article_id = tx.articles.add(make_article(days * 100 + i), [f"{days}:{i}"], at)
                tx.stories.set_story(article_id, story, b"sig")
                match_id = tx.matches.record("r", article_id, story, [], {}, at)
                tx.outbox.mark_sent(tx.outbox.enqueue("r", "c", {}, at, match_id=match_id), at)
    removed = prune(store, RetentionConfig(alerts=timedelta(days=30)), NOW)
    assert removed == {
        "articles": 2, "fetch_records": 0, "alerts": 2, "clusters": 2, "silences": 0,
    }  # fmt: skip
    sizes = store.status.table_sizes()
    assert (sizes.articles, sizes.matches, sizes.clusters, sizes.alerts) == (3, 3, 3, 3)


def test_two_processes_racing_on_copies_of_one_story_make_one_story(state: str) -> None:
    """Two workers (own store, own story index) store copies of one story at the same
    moment, again and again: every pair joins one story. (PostgreSQL only: a SQLite
    state has one daemon, and ``run`` refuses a second.)"""
    if not state.startswith("postgresql://"):
        pytest.skip("a SQLite state has one writing process")
    clock = FakeClock(NOW)
    stores = [Store(state), Store(state)]
    indexes = [StoryIndex(s, clock, DedupConfig()) for s in stores]
    rounds = 8
    clusters: dict[int, list[int]] = {}

    def reporter(i: int, start: threading.Barrier) -> None:
        for n in range(rounds):
            start.wait()
            text = _story(n)
            art = Article(
                f"https://{i}.example/{n}", f"https://{i}.example/{n}", f"Story {n}", text,
                source=f"site{i}",
            )  # fmt: skip
            with stores[i].unit() as tx:  # what Pipeline._record does
                article_id = tx.articles.add(art, identity_keys(art.url), clock.now())
                decision = indexes[i].assign(tx, article_id, art)
            clusters.setdefault(n, []).append(decision.cluster_id)

    start = threading.Barrier(2)
    threads = [threading.Thread(target=reporter, args=(i, start)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for store in stores:
        store.close()
    assert sorted(clusters) == list(range(rounds))
    assert all(len(set(ids)) == 1 for ids in clusters.values()), clusters
    assert len({ids[0] for ids in clusters.values()}) == rounds  # each round its own story


def _story(n: int) -> str:
    """A text of its own for round ``n``: unrelated to every other round's."""
    rng = random.Random(n)
    return " ".join(f"{rng.choice(WORDS)}{rng.randrange(1000)}" for _ in range(120))


def test_a_newer_schema_is_refused(state: str) -> None:
    Store(state).close()
    newer = len(MIGRATIONS) + 3
    if state.startswith("postgresql://"):
        _raw(state, [f"UPDATE newswatch_schema SET version = {newer}"])
    else:
        _raw(state, [f"PRAGMA user_version={newer}"])
    with pytest.raises(StoreError, match="newer than this newswatch"):
        Store(state)


def test_team_rules_keep_their_order_history_and_revision(store: Store) -> None:
    rules = store.team_rules
    assert rules.revision() == 0
    rules.save({"name": "idlib", "query": "Idlib"}, "ana", NOW)
    rules.save({"name": "aleppo", "query": "Aleppo"}, "ana", NOW)
    rules.save({"name": "idlib-v2", "query": "Idlib NEAR/5 strike*"}, "bo", LATER, renamed="idlib")
    assert [r.name for r in rules.all()] == ["aleppo", "idlib-v2"]
    renamed = rules.get("idlib-v2")
    assert renamed is not None and (renamed.created_by, renamed.updated_by) == ("ana", "bo")
    assert rules.remove("aleppo", "bo", LATER) and not rules.remove("aleppo", "bo", LATER)
    assert rules.revision() == 5  # two saves, a rename (removal + save), a removal


def test_follow_up_state_moves_from_the_outbox_json_into_columns(
    state: str, at_version: Callable[[str, int], None]
) -> None:
    """Migration 7 on a state written before it: the newest follow-up's article and terms
    (they lived in its outbox JSON) become the match's columns, on both engines."""
    at_version(state, 6)
    rows = [
        "INSERT INTO articles (id, canonical_url, url, source, text, seen_at) VALUES "
        "(1, 'u1', 'u1', 's', 'first text', '2026-11-27T12:00:00+00:00'), "
        "(2, 'u2', 'u2', 's', 'newer text', '2026-11-27T13:00:00+00:00')",
        "INSERT INTO matches (rule, article_id, cluster_id, terms, matched_at) VALUES "
        "('r', 1, 7, '[\"a\"]', '2026-11-27T12:00:00+00:00'), "
        "('quiet', 1, 7, '[\"q\"]', '2026-11-27T12:00:00+00:00')",
        "INSERT INTO alerts (rule, channel, kind, payload, created_at, next_attempt_at, "
        "cluster_id) VALUES ('r', 'c', 'update', "
        '\'{"extra": {"article_id": 2, "all_terms": ["a", "b"]}}\', '
        "'2026-11-27T13:05:00+00:00', '2026-11-27T13:05:00+00:00', 7)",
    ]
    _raw(state, rows)
    store = Store(state)
    try:
        assert store.db.schema_version == len(MIGRATIONS)
        basis = store.matches.alerted_basis("r", 7)
        assert basis is not None
        assert (basis.text, basis.terms) == ("newer text", ("a", "b"))
        assert basis.last_update_at == datetime(2026, 11, 27, 13, 5, tzinfo=UTC)
        quiet = store.matches.alerted_basis("quiet", 7)
        assert quiet is not None and (quiet.text, quiet.terms) == ("first text", ("q",))
        assert quiet.last_update_at is None
    finally:
        store.close()


@pytest.fixture
def at_version() -> Callable[[str, int], None]:
    """Build a state with the first ``version`` migrations only (an older newswatch's)."""

    def build(state: str, version: int) -> None:
        if state.startswith("postgresql://"):
            scripts = [m.script("postgresql") for m in MIGRATIONS[:version]]
            scripts.append("CREATE TABLE newswatch_schema (version INTEGER NOT NULL)")
            scripts.append(f"INSERT INTO newswatch_schema VALUES ({version})")
        else:
            scripts = [m.script("sqlite") for m in MIGRATIONS[:version]]
            scripts.append(f"PRAGMA user_version={version}")
        _raw(state, scripts)

    return build


def _raw(state: str, statements: list[str]) -> None:
    """Run SQL as another program would, beside the store."""
    if state.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(state, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]
        return
    import sqlite3

    with sqlite3.connect(state) as conn:
        for statement in statements:
            conn.executescript(statement)
