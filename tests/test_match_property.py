"""The indexed matcher and the naive reference evaluator give identical matches."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.config.schema import RuleConfig
from newswatch.match import Matcher, NaiveMatcher
from newswatch.match.evaluate import near_pairs
from newswatch.model import Article

WORDS = ["aleppo", "idlib", "air", "strike", "strikes", "airstrike", "civilians", "حلب", "алеппо"]
FILLER = ["the", "on", "near", "report", "Aléppo", "AIR-STRIKE", "Aleppo's", "ХАЛЕБ", "حَلَب"]
FILLER += ["Alep\u00adpo", "air\u200dstrike", "\u200fحلب"]  # invisible characters inside words
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "'s ", "\n"]

word = st.sampled_from(WORDS)
prefix = st.tuples(word, st.integers(1, 6)).map(lambda p: p[0][: p[1]] + "*")
phrase = st.tuples(word, word, st.sampled_from(["", "*"])).map(lambda p: f'"{p[0]} {p[1]}{p[2]}"')
field = st.sampled_from(["title:", "text:", ""])
plain_leaf = st.tuples(field, st.one_of(word, prefix, phrase)).map("".join)
regex = st.sampled_from(["/alep+o/", "/air.strike/", "/\\d+/"])


def compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, st.sampled_from([" AND ", " ", " OR "]), children)
    return st.one_of(
        pair.map(lambda p: f"({''.join(p)})"),
        children.map(lambda c: f"(NOT {c})"),
        children.map(lambda c: f"(-{c})"),
    )


def near(operand: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    parts = st.tuples(operand, st.integers(1, 4), operand)
    return parts.map(lambda p: f"({p[0]} NEAR/{p[1]} {p[2]})")


query = st.recursive(
    st.one_of(plain_leaf, regex, near(st.recursive(plain_leaf, compound, max_leaves=3))),
    compound,
    max_leaves=6,
)

token = st.sampled_from(WORDS + FILLER)
text = st.lists(st.tuples(token, st.sampled_from(SEPARATORS)).map("".join), max_size=25).map(
    "".join
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(query, min_size=1, max_size=5), text, text, st.sampled_from(["a", "b"]))
def test_indexed_and_naive_agree(queries: list[str], title: str, body: str, source: str) -> None:
    rules = [
        RuleConfig(name=f"r{i}", query=q, sources=["a"] if i % 3 == 2 else None)
        for i, q in enumerate(queries)
    ]
    art = Article(url="https://x.org/1", canonical_url="", title=title, text=body, source=source)
    assert Matcher(rules).match(art) == NaiveMatcher(rules).match(art)


# ASCII fields take their own path (bytes.find on the folded text), so test them on their own
# too: with the non-ASCII tokens above, long random texts are almost never pure ASCII.
ascii_token = st.sampled_from([t for t in WORDS + FILLER if t.isascii()] + ["AIRSTRIKES", "air"])
ascii_text = st.lists(
    st.tuples(ascii_token, st.sampled_from(SEPARATORS)).map("".join), max_size=40
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(query, min_size=1, max_size=5), ascii_text, ascii_text)
def test_indexed_and_naive_agree_on_ascii(queries: list[str], title: str, body: str) -> None:
    rules = [RuleConfig(name=f"r{i}", query=q) for i, q in enumerate(queries)]
    art = Article(url="https://x.org/1", canonical_url="", title=title, text=body, source="a")
    assert Matcher(rules).match(art) == NaiveMatcher(rules).match(art)


languages = st.sampled_from([None, "en", "fr", "tr", "ru", "uk", "ar", "de"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(query, min_size=1, max_size=5),
    st.lists(st.tuples(st.one_of(text, ascii_text), text, languages), min_size=1, max_size=4),
)
def test_one_matcher_agrees_over_a_stream_of_articles(
    queries: list[str], articles: list[tuple[str, str, str | None]]
) -> None:
    """A matcher's memo learns across articles which words have keys and which are plain
    (``KeyMemo.lookup``): later articles, and the same ones again, match as fresh ones."""
    rules = [RuleConfig(name=f"r{i}", query=q) for i, q in enumerate(queries)]
    matcher, naive = Matcher(rules), NaiveMatcher(rules)
    for title, body, language in articles + articles:
        art = Article(url="u", canonical_url="", title=title, text=body, language=language)
        assert matcher.match(art) == naive.match(art)


# NEAR pairs are found by bisection over the right side's starts; the definition is every
# pair of spans at most ``distance`` words apart, as below, in any order and with duplicates.
span = st.tuples(st.integers(0, 60), st.integers(1, 3)).map(lambda s: (s[0], s[0] + s[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=30), st.lists(span, min_size=1, max_size=30), st.integers(1, 8))
def test_near_pairs_are_every_pair_within_the_distance(
    left: list[tuple[int, int]], right: list[tuple[int, int]], distance: int
) -> None:
    every = [
        (min(a[0], b[0]), max(a[1], b[1]))
        for a in left
        for b in right
        if max(0, b[0] - a[1] + 1, a[0] - b[1] + 1) <= distance
    ]
    assert sorted(near_pairs(left, right, distance)) == sorted(every)
    assert len(near_pairs(left, right, distance, limit=1)) == min(1, len(every))
