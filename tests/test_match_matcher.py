"""The Matcher over many rules: source filters, the presearcher, and what a match explains."""

from __future__ import annotations

import re

import pytest

from newswatch.config.schema import RuleConfig
from newswatch.match import Matcher, NaiveMatcher, compile_query, match_query
from newswatch.match.documents import article_fields
from newswatch.match.fast import FastDocument
from newswatch.match.index import Presearcher, conjuncts, keys
from newswatch.model import Article

STORY = (
    "Russian and Syrian warplanes carried out airstrikes on eastern Aleppo on Monday, "
    "residents said. " + "The city's hospitals were overwhelmed. " * 8 + "Two more airstrikes "
    "hit the Aleppo countryside near Idlib, where civilians had fled."
)


def article(
    text: str = STORY, title: str = "Warplanes strike Aleppo", source: str = "bbc"
) -> Article:
    return Article(url="https://x.org/a", canonical_url="", title=title, text=text, source=source)


def rule(name: str, query: str, sources: list[str] | None = None) -> RuleConfig:
    return RuleConfig(name=name, query=query, sources=sources)


def test_every_matching_rule_in_config_order_and_sources_honoured() -> None:
    matcher = Matcher(
        [
            rule("aleppo", "aleppo airstrike*"),
            rule("gaza", "gaza"),
            rule("bbc-only", "idlib", sources=["bbc"]),
            rule("aj-only", "idlib", sources=["aljazeera"]),
            rule("not-sport", "NOT football"),
        ]
    )
    assert [m.rule for m in matcher.match(article())] == ["aleppo", "bbc-only", "not-sport"]


def test_terms_details_and_snippet_explain_the_match() -> None:
    found = match_query(compile_query("aleppo AND airstrike*"), article(), "r")
    assert found is not None
    assert found.rule == "r"
    assert found.terms == ("aleppo", "airstrike*")
    assert found.details == (
        'title: "Aleppo"',
        'text: "Aleppo" x2',
        'text: "airstrikes" x2 (airstrike*)',
    )
    snippet = found.snippet
    assert len(snippet.text) <= 210
    marked = [snippet.text[h.start : h.end] for h in snippet.highlights]
    assert set(marked) <= {"Aleppo", "airstrikes"} and len(marked) >= 2
    assert "**airstrikes** on eastern **Aleppo**" in snippet.marked()


def test_snippet_from_the_title_when_only_the_title_matched() -> None:
    found = match_query(compile_query("title:warplanes"), article())
    assert found is not None
    assert found.snippet.marked() == "**Warplanes** strike Aleppo"


def test_snippet_of_a_match_on_absence_starts_the_text() -> None:
    found = match_query(compile_query("NOT football"), article())
    assert found is not None
    assert found.snippet.text.startswith("Russian and Syrian")
    assert found.snippet.highlights == ()
    assert found.terms == ()


def test_regex_and_term_list_hits_are_reported() -> None:
    terms = {"aleppo": ["Halab", "Aleppo"]}
    found = match_query(compile_query("@aleppo /war\\w+/", terms), article())
    assert found is not None
    assert found.terms == ("Aleppo", "/war\\w+/")
    assert 'title: "Warplanes" (/war\\w+/)' in found.details


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aleppo", {(False, "aleppo")}),
        ("airstrike*", {(True, "airstrike")}),
        ("aleppo AND the", {(False, "aleppo")}),  # the rarer word
        ("aleppo AND idlib", {(False, "aleppo")}),  # the longer word
        ("(aleppo OR halab) AND idlib", {(False, "idlib")}),
        ("aleppo OR gaza*", {(False, "aleppo"), (True, "gaza")}),
        ('"siege of aleppo"', {(False, "aleppo")}),
        ("title:aleppo -idlib", {(False, "aleppo")}),
        ("idlib NEAR/5 (civilians OR casualties)", {(False, "idlib")}),
        ("NOT aleppo", None),
        ("/alep+o/", None),
        ("aleppo OR NOT idlib", None),
    ],
)
def test_presearch_keys(query: str, expected: set[tuple[bool, str]] | None) -> None:
    found = keys(compile_query(query).root)
    assert (_plain(found, query) if found is not None else None) == expected


def _plain(key_set: frozenset[tuple[bool, str]], query: str) -> set[tuple[bool, str]]:
    """The keys that are the query's words as written: an analysed word also has its
    stems and lemmas (``en:aleppo``, ``es:alepp``…), tested below."""
    written = set(re.findall(r"\w+", query.lower()))
    return {(prefix, token) for prefix, token in key_set if token in written}


def test_an_analysed_word_is_keyed_on_itself_and_its_forms_an_exact_one_on_itself() -> None:
    # The word as written, and its stem in each language: only in that language, so a
    # stem that happens to be a word elsewhere is no key (Hama's Spanish stem "ham").
    assert keys(compile_query("strikes").root) == {
        (False, key)
        for key in ("strikes", "en:strike", "fr:strik", "es:strik", "de:strik", "tr:strikes")
    }
    assert keys(compile_query("=strikes").root) == {(False, "strikes")}
    # A Cyrillic word is read as Russian and as Ukrainian: every lemma of each.
    assert keys(compile_query("Харкові").root) == {
        (False, key) for key in ("харкові", "uk:харків", "uk:харко", "ru:харкові")
    }
    assert keys(compile_query("Харкові", lang="uk").root) == {
        (False, key) for key in ("харкові", "uk:харків", "uk:харко", "uk!:харків", "uk!:харко")
    }


def test_a_stem_meets_only_its_own_language() -> None:
    hama = compile_query("Hama")
    url = "https://news.example.org/a"
    for language, text, expected in [
        ("en", "The ham was cheap", False),  # es:ham is Hama's Spanish stem, not English
        ("en", "Shelling in Hama overnight", True),
        ("es", "Bombardeos en Hama", True),
        ("en", "A strike hit the port", True),  # en:strike is also the word strike's key
    ]:
        query = hama if "strike" not in text else compile_query("strikes")
        art = Article(url=url, canonical_url=url, title="", text=text, language=language)
        assert (match_query(query, art) is not None) is expected, text


def test_presearcher_proposes_only_rules_whose_key_is_present() -> None:
    roots = [compile_query(q).root for q in ["gaza", "aleppo idlib", "airstr*", "NOT x", "kyiv*"]]
    index = Presearcher(roots)
    assert index.candidates([{"aleppo"}, {"airstrikes"}]) == [2, 3]  # "idlib" is missing
    assert index.candidates([{"aleppo"}, {"idlib"}]) == [1, 3]  # keys may be in any fields
    assert index.candidates([set()]) == [3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aleppo", [{(False, "aleppo")}]),
        ("aleppo idlib", [{(False, "aleppo")}, {(False, "idlib")}]),
        ("aleppo AND the", [{(False, "aleppo")}]),  # "the" rules nothing out
        ("aleppo AND ai*", [{(False, "aleppo")}]),  # nor does a two-letter prefix
        ('"siege of aleppo"', [{(False, "aleppo")}, {(False, "siege")}]),
        (
            "(aleppo OR halab) AND airstrike*",
            [{(False, "aleppo"), (False, "halab")}, {(True, "airstrike")}],
        ),
        (
            '"aleppo siege" OR (idlib shelling)',
            [{(False, "aleppo"), (False, "shelling")}, {(False, "siege"), (False, "idlib")}],
        ),
        ("aleppo OR (idlib shelling)", [{(False, "aleppo"), (False, "shelling")}]),
        (
            "idlib NEAR/5 (civilians OR casualties)",
            [{(False, "idlib")}, {(False, "civilians"), (False, "casualties")}],
        ),
        ("aleppo -idlib", [{(False, "aleppo")}]),
        ("NOT aleppo", None),
    ],
)
def test_presearch_conjuncts(query: str, expected: list[set[tuple[bool, str]]] | None) -> None:
    """Every matching article holds a key of each set; a rule is a candidate only then."""
    found = conjuncts(compile_query(query).root)
    assert ([_plain(s, query) for s in found] if found is not None else None) == expected


def test_words_seen_before_still_wake_their_rules() -> None:
    """The memo sets aside words it knows to have no keys (most of an article's); a word
    a rule is keyed on is never one of them, in any later article or language."""
    matcher = Matcher(
        [
            RuleConfig(name="aleppo", query="aleppo"),
            RuleConfig(name="idlib", query="idlib civilians"),
        ]
    )
    for language in ("en", "en", "fr", "tr", None):
        for text, expected in [
            ("strikes on aleppo", ["aleppo"]),
            ("aleppo", ["aleppo"]),
            ("idlib and its civilians", ["idlib"]),
            ("on the road", []),
        ]:
            art = Article(url="u", canonical_url="", title="", text=text, language=language)
            assert matcher.matching_rules(art) == expected, (language, text)


def test_a_word_written_otherwise_than_its_token_wakes_the_rule_on_its_token() -> None:
    """A Cyrillic or accented field is read by its words as written (``ёлка``, ``Київ``,
    ``frappés``), whose tokens differ (``елка``, ``киів``, ``frappes``): the memo's first
    pass must wake the rules keyed on the token, in every language and seen again."""
    matcher = Matcher(
        [
            RuleConfig(name="tree", query="=ёлка"),
            RuleConfig(name="strikes", query="=frappés"),
            RuleConfig(name="kyiv", query="=Київ AND =Ёлка"),
        ]
    )
    text = "Новая Ёлка и frappés у Київ"
    for language in ("ru", "uk", "fr", "ru", None, "en"):
        art = Article(url="u", canonical_url="", title="", text=text, language=language)
        assert matcher.matching_rules(art) == ["tree", "strikes", "kyiv"], language
        alone = Article(url="u", canonical_url="", title="", text="ёлка", language=language)
        assert matcher.matching_rules(alone) == ["tree"], language


def test_a_full_memo_empties_without_losing_an_article() -> None:
    """The memo of words' keys is bounded: emptied when full, per language and for a group
    of languages (an article of unknown language), matches and explanations stay whole."""
    rules = [
        RuleConfig(name="strikes", query="strike AND aleppo"),
        RuleConfig(name="shelling", query='"air strikes" OR قصف OR обстрел'),
        RuleConfig(name="prefixes", query="strik* OR مدني* OR обстрел*"),
    ]
    matcher, naive = Matcher(rules), NaiveMatcher(rules)
    matcher.memo.MAX = 12
    texts = [
        "Air strikes on Aleppo: a striking day, the strikes went on near Aleppo's east",
        "القصف على حلب والقصف مستمر في المدينة منذ الصباح الباكر اليوم",
        "وأسفر القصف عن سقوط عدد من المدنيين في حلب صباح اليوم",
        "Обстрел Харькова: обстрелы продолжались всю ночь, сообщили власти города",
        "The air strike hit aleppo, officials said, after strikes in the north overnight",
    ]
    for language in (None, "en", None, "ru", "ar", None):
        for text in texts:
            art = Article(url="u", canonical_url="", title="", text=text, language=language)
            assert matcher.match(art) == naive.match(art), (language, text)


def test_matching_rules_names_the_same_rules_without_explaining() -> None:
    matcher = Matcher([rule("a", "aleppo"), rule("b", "gaza"), rule("c", "idlib civilians")])
    assert matcher.matching_rules(article()) == ["a", "c"]
    assert [m.rule for m in matcher.match(article())] == ["a", "c"]


def test_a_source_or_url_hit_leaves_the_snippet_to_the_text() -> None:
    found = match_query(compile_query("source:bbc"), article())
    assert found is not None
    assert found.details == ('source: "bbc"',)
    assert found.snippet.text.startswith("Russian and Syrian")


def test_fields_no_rule_looks_in_are_tokenised_only_when_asked() -> None:
    """A document tokenises up front only the fields the rules look in (``eager``); the
    others are tokenised, the same way, if a question needs them."""
    fields = article_fields(article())
    matcher = Matcher([rule("aleppo", "aleppo airstrike*")])
    assert matcher.index.fields == {"title", "text"}
    doc = FastDocument(fields, matcher.index.fields)
    assert set(doc.sets) == {"title", "text"}
    assert doc.sets["url"] == FastDocument(fields).sets["url"] == {"https", "x", "org", "a"}
    # With a url: rule the url is read up front, and a url hit still matches.
    matcher = Matcher([rule("aleppo", "aleppo airstrike*"), rule("x", "url:x.org")])
    assert "url" in matcher.index.fields
    assert [m.rule for m in matcher.match(article())] == ["aleppo", "x"]


def test_rules_that_match_without_any_of_their_words_are_named() -> None:
    matcher = Matcher(
        [
            rule("no-sport", "NOT football"),
            rule("place", "aleppo -football"),
            rule("regex", "/F-1[56]/"),
            rule("minus", "-(sport OR football)"),
            rule("either", "aleppo OR NOT idlib"),
            rule("empty-url", "NOT url:example"),
        ]
    )
    # Each flagged rule really does match an article with none of its words.
    assert matcher.unconditional() == [0, 3, 4, 5]
    unrelated = article(text="Markets rallied on Tuesday.", title="Markets")
    assert {m.rule for m in matcher.match(unrelated)} == {
        "no-sport",
        "minus",
        "either",
        "empty-url",
    }
