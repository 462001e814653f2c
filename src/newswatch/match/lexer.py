"""Query text → lexemes, each with its 1-based column, so every error can point at one.

Operators are upper-case words (``AND``, ``OR``, ``NOT``, ``NEAR/n``), as in Lucene: a
lower-case ``and`` is an ordinary word. A leading ``-`` negates the term it touches.
``name:`` before a term (no space) is a field; ``url:https://x`` reads the rest literally.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from newswatch.errors import QueryError
from newswatch.match.nodes import FIELDS

_FIELD = re.compile(r"([A-Za-z]+):")
_LIST_NAME = re.compile(r"[A-Za-z0-9_-]+")
_RUN = re.compile(r'[^\s()"]+')
OPERATORS = {"AND", "OR", "NOT"}


class Lexeme(NamedTuple):  # a tuple: built ~5 times per rule, thousands of rules at once
    """``kind`` is one of ( ) AND OR NOT - NEAR FIELD WORD PHRASE REGEX LIST PLACE.

    A ``WORD`` written ``=word`` keeps its ``=``; a phrase written ``="a b"`` is a
    ``PHRASE`` whose text starts with ``=`` (exact forms only, ``parser.word_term``)."""

    kind: str
    text: str
    col: int
    number: int = 0  # NEAR's distance


# Parentheses and plain words (no quote, slash, @, colon, leading "-", inner "*") are most
# of every query; one regex takes them, the general path below handles the rest.
_FAST = re.compile(r'\s*(?:([()])|([^\s()"/@:*\-][^\s()":*]*\*?)(?=[\s()]|$))')
_SPACE = re.compile(r"\s*")


def lex(query: str) -> list[Lexeme]:
    out: list[Lexeme] = []
    i = _SPACE.match(query).end()  # type: ignore[union-attr]  # \s* always matches
    n = len(query)
    while i < n:
        fast = _FAST.match(query, i)
        if fast:
            paren, word = fast.groups()
            if paren:
                out.append(Lexeme(paren, paren, fast.start(1) + 1))
                i = fast.end()
                continue
            if word not in OPERATORS and not word.startswith("NEAR"):
                out.append(Lexeme("WORD", word, fast.start(2) + 1))
                i = fast.end()
                continue
        i = _SPACE.match(query, i).end()  # type: ignore[union-attr]
        if i >= n:
            break
        # Right after "field:", the next run is a value, never another field.
        literal = (
            bool(out) and out[-1].kind == "FIELD" and out[-1].col + len(out[-1].text) + 1 == i + 1
        )
        lexeme, i = _one(query, i, literal)
        out.append(lexeme)
    return out


def _one(query: str, i: int, literal: bool) -> tuple[Lexeme, int]:
    ch, col = query[i], i + 1
    if ch in "()":
        return Lexeme(ch, ch, col), i + 1
    if ch == '"' or query.startswith('="', i):
        opening = i + (ch == "=")
        end = query.find('"', opening + 1)
        if end < 0:
            raise QueryError(col, 'unterminated phrase: missing closing "')
        return Lexeme("PHRASE", query[i:opening] + query[opening + 1 : end], col), end + 1
    if ch == "/":
        return _regex(query, i)
    if ch == "@":
        return _list(query, i)
    if ch == "-" and i + 1 < len(query) and not query[i + 1].isspace() and query[i + 1] != ")":
        return Lexeme("-", "-", col), i + 1
    found = _RUN.match(query, i)
    end = found.end() if found else i + 1
    run = query[i:end]
    if not literal and (field := _FIELD.match(run)):
        name = field.group(1)
        if name.lower() not in FIELDS:
            raise QueryError(col, f'unknown field "{name}:" (fields: {", ".join(FIELDS)})')
        after = i + len(field.group(0))
        if after == len(query) or query[after].isspace():
            raise QueryError(col, f'"{name}:" needs a term right after it (no space)')
        return Lexeme("FIELD", name.lower(), col), after
    if run in OPERATORS:
        return Lexeme(run, run, col), end
    if run == "NEAR" or run.startswith("NEAR/"):
        digits = run[5:]
        if not digits.isdigit() or not digits.isascii() or int(digits) < 1:
            raise QueryError(col, "NEAR needs a number of words, e.g. NEAR/5")
        return Lexeme("NEAR", run, col, int(digits)), end
    return Lexeme("WORD", run, col), end


def _regex(query: str, i: int) -> tuple[Lexeme, int]:
    j = i + 1
    while j < len(query):
        if query[j] == "\\":
            j += 2
            continue
        if query[j] == "/":
            return Lexeme("REGEX", query[i + 1 : j].replace("\\/", "/"), i + 1), j + 1
        j += 1
    raise QueryError(i + 1, 'unterminated regex: missing closing "/"')


def _list(query: str, i: int) -> tuple[Lexeme, int]:
    col = i + 1
    if query.startswith("@place(", i):
        end = query.find(")", i)
        if end < 0:
            raise QueryError(col, 'unbalanced "(" in @place(…)')
        name = query[i + 7 : end].strip()
        if not name:
            raise QueryError(col, "@place() needs a place name, e.g. @place(Aleppo)")
        return Lexeme("PLACE", name, col), end + 1
    found = _LIST_NAME.match(query, i + 1)
    if not found:
        raise QueryError(col, 'expected a term-list name after "@", e.g. @aleppo')
    return Lexeme("LIST", found.group(), col), found.end()
