"""Every query error: the column it points at and the problem it names."""

from __future__ import annotations

import pytest

from newswatch.errors import QueryError
from newswatch.match import compile_query

TERMS = {"aleppo": ["Aleppo"], "idlib": ["Idlib"]}


def resolve(name: str) -> list[str]:
    raise LookupError(f'"{name}" is ambiguous: Tripoli (LY), Tripoli (LB)')


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "col 1: empty query"),
        ("   ", "col 1: empty query"),
        ("aleppo (idlib OR homs", 'col 8: unbalanced "("'),
        ("aleppo idlib)", 'col 13: unbalanced ")"'),
        ("aleppo ()", "col 8: empty parentheses"),
        ("aleppo AND", 'col 8: "AND" needs a term after it'),
        ("AND aleppo", 'col 1: "AND" needs a term before it'),
        ("aleppo OR", 'col 8: "OR" needs a term after it'),
        ("aleppo OR OR idlib", 'col 8: "OR" needs a term after it'),
        ("aleppo AND OR idlib", 'col 8: "AND" needs a term after it'),
        ("aleppo NOT", 'col 8: "NOT" needs a term after it'),
        ("aleppo -", 'col 8: "-" needs a term right after it'),
        ("NEAR/3 aleppo", 'col 1: "NEAR/3" needs a term before it'),
        ("aleppo NEAR/3", 'col 8: "NEAR/3" needs a term after it'),
        ("aleppo AND idlib NEAR civilians", "col 18: NEAR needs a number of words, e.g. NEAR/5"),
        ("aleppo NEAR/x idlib", "col 8: NEAR needs a number of words, e.g. NEAR/5"),
        ("aleppo NEAR/0 idlib", "col 8: NEAR needs a number of words, e.g. NEAR/5"),
        ("aleppo NEAR/3 /x+/", 'col 8: "NEAR/3" cannot take a /regex/ (it counts words)'),
        ('aleppo "air strike', 'col 8: unterminated phrase: missing closing "'),
        ('aleppo ""', "col 8: empty phrase"),
        ("aleppo /abc", 'col 8: unterminated regex: missing closing "/"'),
        ("aleppo //", "col 8: empty regex //"),
        (
            "x /(a/",
            "col 3: bad regex /(a/: missing ): (a (RE2 syntax: no backreferences or lookaround)",
        ),
        (
            r"x /(a)\1/",
            r"col 3: bad regex /(a)\1/: invalid escape sequence: \1 "
            "(RE2 syntax: no backreferences or lookaround)",
        ),
        (
            "x /(?=a)b/",
            "col 3: bad regex /(?=a)b/: invalid perl operator: (?= "
            "(RE2 syntax: no backreferences or lookaround)",
        ),
        ("aleppo @homs", 'col 8: unknown term list "@homs" (known: @aleppo, @idlib)'),
        ("aleppo @", 'col 8: expected a term-list name after "@", e.g. @aleppo'),
        ("@place(Tripoli)", '@place(Tripoli): "Tripoli" is ambiguous: Tripoli (LY), Tripoli (LB)'),
        ("@place()", "col 1: @place() needs a place name, e.g. @place(Aleppo)"),
        ("@place(Aleppo", 'col 1: unbalanced "(" in @place(…)'),
        ("aleppo body:idlib", 'col 8: unknown field "body:" (fields: title, text, source, url)'),
        ("aleppo title:", 'col 8: "title:" needs a term right after it (no space)'),
        ("aleppo title: idlib", 'col 8: "title:" needs a term right after it (no space)'),
        ("aleppo title:)", 'col 8: "title:" needs a term after it'),
        ("air*strike", 'col 1: "*" only at the end of a word, in "air*strike"'),
        ("aleppo *", 'col 8: "*" needs letters or digits before it'),
        ('"air *"', 'col 1: "*" must follow a letter or digit, in "air *"'),
        ("aleppo &", 'col 8: nothing to search for in "&"'),
    ],
)
def test_error_message_names_column_and_problem(query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(query, TERMS, resolve)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"col {caught.value.col}: ")


def test_place_without_gazetteer_is_an_error() -> None:
    with pytest.raises(QueryError, match=r"col 1: @place\(Aleppo\): no gazetteer"):
        compile_query("@place(Aleppo)")


def test_unknown_term_list_with_no_lists_defined() -> None:
    with pytest.raises(QueryError, match=r"known: none defined"):
        compile_query("@aleppo")
