"""Watch-rule matching: the query language, explained matches, and a rule index.

    compile_query(text, terms, places) -> CompiledQuery     parse once, errors with a column
    match_query(compiled, article) -> Match | None          one query, explained
    Matcher(rules, terms, places).match(article)            every rule, via the presearcher
    NaiveMatcher(...)                                       the same answers, every rule tried

See docs/matching.md for the language and the tokenisation decisions.
"""

from newswatch.match.matcher import Matcher, NaiveMatcher
from newswatch.match.parser import PlaceResolver
from newswatch.match.query import CompiledQuery, compile_query, match_query, naive_match

__all__ = [
    "CompiledQuery",
    "Matcher",
    "NaiveMatcher",
    "PlaceResolver",
    "compile_query",
    "match_query",
    "naive_match",
]
