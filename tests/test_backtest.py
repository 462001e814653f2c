"""`newswatch backtest` over a real state file filled by a real poll of the sample site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.backtest import Prefilter, backtest
from newswatch.config import Config, RuleConfig
from newswatch.demo.server import SampleSite
from newswatch.match import Matcher, NaiveMatcher
from newswatch.model import Article
from newswatch.ruleset import prepare
from newswatch.store import Store
from tests.conftest import run_cli

STORY = "Russian and Syrian warplanes strike villages near Aleppo and Idlib"
CONFIG = """state: {state}
sources:
  - name: levant-feed
    feed: {base}/feed.xml
  - name: levant-page
    page: {base}/middle-east/
    links: "article.story h2 a"
channels:
  hook: "json://127.0.0.1:9/never-sent"
rules:
  - name: aleppo-airstrikes
    query: 'Aleppo AND (airstrike* OR warplane*)'
    notify: [hook]
  - name: football
    query: 'cup OR final'
    sources: [levant-feed]
    notify: [hook]
"""


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A config whose state holds the sample site's articles, stored by `newswatch once`."""
    tmp = tmp_path_factory.mktemp("backtest")
    config = tmp / "newswatch.yaml"
    with SampleSite() as site:
        config.write_text(CONFIG.format(state=tmp / "state.db", base=site.base_url))
        result = run_cli("once", "-c", str(config))
    assert "4 new" in result.stderr or result.returncode in (0, 3), result.stderr
    yield config


def test_a_query_lists_the_matching_stored_articles_as_json_lines(polled: Path) -> None:
    result = run_cli("backtest", "-c", str(polled), "--query", "Aleppo", "--since", "7d", "--json")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    titles = sorted(line["title"] for line in lines)
    # The Aleppo story (one stored copy per URL) and the football story that names Aleppo.
    assert STORY in titles
    assert any("Aleppo club" in t for t in titles)
    assert "Wheat prices climb as drought grips the region" not in titles
    first = lines[0]
    assert set(first) >= {"url", "title", "matches"}
    assert first["matches"][0]["rule"] == "query"
    assert "**Aleppo**" in first["matches"][0]["snippet"]
    # Newest first (the feed's story was published 25 minutes ago, the cup final 180).
    seen = [line["seen_at"] for line in lines]
    assert seen == sorted(seen, reverse=True)


def test_a_rule_keeps_its_sources_and_exits_1_when_nothing_matches(polled: Path) -> None:
    hit = run_cli("backtest", "-c", str(polled), "--rule", "aleppo-airstrikes", "--json")
    assert hit.returncode == 0, hit.stderr
    assert {json.loads(x)["title"] for x in hit.stdout.splitlines()} == {STORY}

    # The cup final is only on the listing page, and the football rule watches the feed.
    none = run_cli("backtest", "-c", str(polled), "--rule", "football", "--since", "7d")
    assert none.returncode == 1, none.stdout + none.stderr
    assert none.stdout == ""


def test_bad_query_rule_or_period_exit_2_with_the_reason(polled: Path) -> None:
    bad = run_cli("backtest", "-c", str(polled), "--query", "(Aleppo OR", "--since", "7d")
    assert bad.returncode == 2 and "col" in bad.stderr
    unknown = run_cli("backtest", "-c", str(polled), "--rule", "nope")
    assert unknown.returncode == 2 and "aleppo-airstrikes" in unknown.stderr
    period = run_cli("backtest", "-c", str(polled), "--query", "x", "--since", "soon")
    assert period.returncode == 2 and "--since" in period.stderr


def test_the_period_bounds_what_is_searched(polled: Path) -> None:
    store = Store(_state(polled), read_only=True)
    try:
        archive = store.archive
        rules = prepare(Config(rules=[RuleConfig(name="q", query="Aleppo")]))
        future = datetime.now(UTC) + timedelta(minutes=1)
        assert list(backtest(archive, rules, future)) == []
        seen: list[tuple[int, int]] = []
        hits = list(backtest(archive, rules, future - timedelta(days=1), progress=_keep(seen)))
        assert hits and seen[-1][0] == seen[-1][1] == archive.count_since(future - timedelta(1))
    finally:
        store.close()


@pytest.mark.parametrize(
    "query",
    [
        "Aleppo",
        "aléppo AND warplane*",
        '"air raids"',
        "Idlib NEAR/15 civilian*",
        "NOT football",
        "title:wheat OR /drought/",
        "bread -prices",
    ],
)
def test_the_prefilter_never_drops_an_article_the_matcher_matches(polled: Path, query: str) -> None:
    store = Store(_state(polled), read_only=True)
    try:
        rule = RuleConfig(name="q", query=query)
        keep = Prefilter(Matcher([rule]))
        naive = NaiveMatcher([rule])
        week = datetime.now(UTC) - timedelta(days=7)
        articles = [s.article for batch in store.archive.since(week) for s in batch]
        assert articles
        for article in articles:
            if naive.match(article):
                assert keep(article), (query, article.title)
    finally:
        store.close()


def _state(config: Path) -> Path:
    return config.parent / "state.db"


def _keep(seen: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    return lambda done, total: seen.append((done, total))


@pytest.mark.parametrize(
    ("query", "text", "language"),
    [
        ("Харків", "Обстріл у Харкові вночі", "uk"),
        ("Харків", "Ракета влучила в центр Харкова", None),
        ("قصف", "القصف على المدينة", "ar"),
        ("frappe", "des frappes aériennes", "fr"),
        ("strike", "Airstrikes and strikes hit", "en"),
        ("happiness", "a happy day", "en"),
        ("kitap", "kitabı okudu", "tr"),
        ("=strike", "the strike", "en"),
        ("shelling", "the city was shelled", "en"),  # key en:shell~ (``text.stems``)
    ],
)
def test_the_prefilter_keeps_inflected_forms_the_matcher_matches(
    query: str, text: str, language: str | None
) -> None:
    rules = Matcher([RuleConfig(name="q", query=query)])
    article = Article("https://x.test/a", "https://x.test/a", "", text, language=language)
    if rules.match(article):
        assert Prefilter(rules)(article)
    # Another language's text without the word is still dropped.
    other = Article("https://x.test/b", "https://x.test/b", "", "weather report", language="en")
    assert not rules.match(other) and not Prefilter(rules)(other)


def test_the_prefilter_drops_articles_without_the_keys(polled: Path) -> None:
    store = Store(_state(polled), read_only=True)
    try:
        keep = Prefilter(Matcher([RuleConfig(name="q", query="Aleppo AND warplane*")]))
        week = datetime.now(UTC) - timedelta(days=7)
        kept = [s.article.title for b in store.archive.since(week) for s in b if keep(s.article)]
        assert "Wheat prices climb as drought grips the region" not in kept
        assert STORY in kept
    finally:
        store.close()
