"""Lexemes → query tree, by recursive descent.

Precedence, loosest first: ``OR`` < ``AND`` (or plain adjacency) < ``NOT``/``-`` < ``NEAR/n``
< fields and parentheses. So ``a OR b c`` is ``a OR (b AND c)``, ``NOT a NEAR/3 b`` is
``NOT (a NEAR/3 b)`` and ``-title:x`` excludes titles with x.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import re2

from newswatch.errors import QueryError
from newswatch.match.lexer import Lexeme, lex
from newswatch.match.nodes import And, Near, Node, Not, Or, Regex, Term
from newswatch.text.analysis import pinned, term_keys
from newswatch.text.normalize import token_words, tokenize
from newswatch.text.stems import LANGUAGES

PlaceResolver = Callable[[str], Sequence[str]]

# Parentheses, NOTs and NEARs stacked deeper than this are refused: the parser and the
# matcher recurse on them (3,000 parentheses crashed with RecursionError); no real rule
# needs more than a handful.
MAX_NESTING = 100
_STARTS_PRIMARY = {"(", "FIELD", "WORD", "PHRASE", "REGEX", "LIST", "PLACE"}
_STARTS_UNARY = _STARTS_PRIMARY | {"NOT", "-"}


def parse(
    query: str,
    terms: Mapping[str, Sequence[str]],
    places: PlaceResolver | None,
    lang: str | None = None,
) -> Node:
    """``lang``: the language the query's words are read in (a rule's ``lang:``); None for
    every language their script can be (see ``text.analysis``)."""
    lexemes = lex(query)
    if not lexemes:
        raise QueryError(1, "empty query")
    _check_nesting(lexemes)
    parser = _Parser(lexemes, terms, places, pinned_languages(lang))
    node = parser.parse_or(None)
    if parser.pos < len(lexemes):
        extra = lexemes[parser.pos]  # only ")" can stop parse_or early
        raise QueryError(extra.col, f'unbalanced "{extra.text}"')
    return node


class _Parser:
    def __init__(
        self,
        lexemes: list[Lexeme],
        terms: Mapping[str, Sequence[str]],
        places: PlaceResolver | None,
        langs: tuple[str, ...] = LANGUAGES,
    ) -> None:
        self.langs = langs
        self.lexemes = lexemes
        self.kinds = [lexeme.kind for lexeme in lexemes] + ["END"]  # END: no bounds checks
        self.pos = 0
        self.terms = terms
        self.places = places

    def peek(self) -> str:
        return self.kinds[self.pos]

    def take(self) -> Lexeme:
        lexeme = self.lexemes[self.pos]
        self.pos += 1
        return lexeme

    def operand_after(self, op: Lexeme, starts: set[str]) -> None:
        if self.peek() not in starts:
            raise QueryError(op.col, f'"{op.text}" needs a term after it')

    def parse_or(self, field: str | None) -> Node:
        children = [self.parse_and(field)]
        while self.peek() == "OR":
            op = self.take()
            self.operand_after(op, _STARTS_UNARY)
            children.append(self.parse_and(field))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, field: str | None) -> Node:
        children = [self.parse_unary(field)]
        kinds = self.kinds
        while True:
            kind = kinds[self.pos]
            if kind == "AND":
                op = self.take()
                self.operand_after(op, _STARTS_UNARY)
            elif kind not in _STARTS_UNARY:
                break
            children.append(self.parse_unary(field))
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self, field: str | None) -> Node:
        if self.kinds[self.pos] in ("NOT", "-"):
            op = self.take()
            self.operand_after(op, _STARTS_UNARY)
            return Not(self.parse_unary(field))
        return self.parse_near(field)

    def parse_near(self, field: str | None) -> Node:
        left = self.parse_primary(field)
        while self.kinds[self.pos] == "NEAR":
            op = self.take()
            self.operand_after(op, _STARTS_PRIMARY)
            right = self.parse_primary(field)
            if _has_regex(left) or _has_regex(right):
                raise QueryError(op.col, f'"{op.text}" cannot take a /regex/ (it counts words)')
            left = Near(left, right, op.number)
        return left

    def parse_primary(self, field: str | None) -> Node:
        kind = self.peek()
        if kind == "END":
            last = self.lexemes[-1]
            raise QueryError(last.col, f'"{last.text}" needs a term after it')
        lexeme = self.take()
        if kind == "(":
            return self.group(lexeme, field)
        if kind == "FIELD":
            self.operand_after(Lexeme("FIELD", f"{lexeme.text}:", lexeme.col), _STARTS_PRIMARY)
            return self.parse_primary(lexeme.text)
        if kind in ("WORD", "PHRASE"):
            return word_term(lexeme.text, lexeme, field, quoted=kind == "PHRASE", langs=self.langs)
        if kind == "REGEX":
            return regex_term(lexeme, field)
        if kind == "LIST":
            return self.term_list(lexeme, field)
        if kind == "PLACE":
            return self.place(lexeme, field)
        if kind == ")":
            raise QueryError(lexeme.col, 'unbalanced ")"')
        raise QueryError(lexeme.col, f'"{lexeme.text}" needs a term before it')

    def group(self, lparen: Lexeme, field: str | None) -> Node:
        if self.peek() == ")":
            raise QueryError(lparen.col, "empty parentheses")
        if self.peek() == "END":
            raise QueryError(lparen.col, 'unbalanced "("')
        inner = self.parse_or(field)
        if self.peek() != ")":
            raise QueryError(lparen.col, 'unbalanced "("')
        self.take()
        return inner

    def term_list(self, lexeme: Lexeme, field: str | None) -> Node:
        entries = self.terms.get(lexeme.text)
        if entries is None:
            known = ", ".join(f"@{name}" for name in sorted(self.terms)) or "none defined"
            raise QueryError(lexeme.col, f'unknown term list "@{lexeme.text}" (known: {known})')
        return _alternatives(entries, lexeme, field, self.langs)

    def place(self, lexeme: Lexeme, field: str | None) -> Node:
        label = f"@place({lexeme.text})"
        if self.places is None:
            raise QueryError(lexeme.col, f"{label}: no gazetteer available to resolve it")
        try:
            names = self.places(lexeme.text)
        except LookupError as exc:
            raise QueryError(lexeme.col, f"{label}: {exc.args[0] if exc.args else exc}") from exc
        return _alternatives(names, lexeme, field, self.langs)


def pinned_languages(lang: str | None) -> tuple[str, ...]:
    """The analysers a query's words go through: a pinned language is read as its own
    tag ``uk!`` too, which every article is also analysed in (``documents``)."""
    return LANGUAGES if lang is None else (lang, pinned(lang))


def _has_regex(node: Node) -> bool:
    if isinstance(node, Regex):
        return True
    if isinstance(node, Term):
        return False
    if isinstance(node, Not):
        return _has_regex(node.child)
    if isinstance(node, Near):
        return _has_regex(node.left) or _has_regex(node.right)
    return any(_has_regex(child) for child in node.children)


def _alternatives(
    entries: Sequence[str], lexeme: Lexeme, field: str | None, langs: tuple[str, ...]
) -> Node:
    # An entry with a space is a phrase and one ending in "*" a prefix, as in a query.
    leaves: list[Node] = [
        word_term(entry, lexeme, field, quoted=True, langs=langs) for entry in entries
    ]
    if not leaves:
        raise QueryError(lexeme.col, f'"{lexeme.text}" has no terms')
    return leaves[0] if len(leaves) == 1 else Or(tuple(leaves))


def word_term(
    text: str,
    lexeme: Lexeme,
    field: str | None,
    *,
    quoted: bool,
    langs: tuple[str, ...] = LANGUAGES,
) -> Term:
    """A word, prefix or phrase: a hyphenated or multi-word term is a phrase of its tokens.
    Its words match their inflected forms (``keys``) unless written ``=word``."""
    found = _word(text, quoted, langs)
    if isinstance(found, str):
        raise QueryError(lexeme.col, found)
    tokens, prefix, keys = found
    if quoted and lexeme.kind == "PHRASE":
        exact = text.startswith("=") and len(text) > 1
        label = f'="{text[1:]}"' if exact else f'"{text}"'
    else:
        label = text
    return Term(tokens, prefix, label, field, lexeme.col, keys)


# A memo, not state: the answer depends only on the arguments, and rules share their words
# (10,000 rules write ~30,000 words, a few thousand distinct).
@lru_cache(maxsize=1 << 16)
def _word(
    text: str, quoted: bool, langs: tuple[str, ...]
) -> tuple[tuple[str, ...], bool, tuple[frozenset[str], ...]] | str:
    """A query word's tokens, whether it is a prefix, and its keys; or what is wrong with
    it (``word_term`` raises it at the word's column)."""
    exact = text.startswith("=") and len(text) > 1
    text = text[1:] if exact else text
    prefix = text.endswith("*")
    body = text[:-1] if prefix else text
    if prefix and not body:
        return '"*" needs letters or digits before it'
    if "*" in body:
        return f'"*" only at the end of a word, in "{text}"'
    if text == "-":
        return '"-" needs a term right after it'
    # Most query words are plain ASCII words: skip the general tokeniser (and, as they end
    # in a letter or digit, the prefix check) for them.
    if body.isalnum() and body.isascii():
        tokens: tuple[str, ...] = (body.lower(),)
        surfaces: list[str] = [body]
    else:
        tokens = tuple(token_words(body))
        if not tokens:
            if quoted and not body.strip():
                return "empty phrase"
            return f'nothing to search for in "{text}"'
        if prefix and not token_words(body[-1:]):
            return f'"*" must follow a letter or digit, in "{text}"'
        surfaces = [body[t.start : t.end] for t in tokenize(body)]
    keys = () if exact else _keys(tokens, tuple(surfaces), prefix, langs)
    return tokens, prefix, keys


# A memo, not state: the keys depend only on the arguments, and rules share their words.
@lru_cache(maxsize=1 << 16)
def _keys(
    tokens: tuple[str, ...], surfaces: tuple[str, ...], prefix: bool, langs: tuple[str, ...]
) -> tuple[frozenset[str], ...]:
    """Each token's own form and its keys in ``langs``; () when no word has any (numbers,
    a lone prefix, a language newswatch does not analyse): the term is then exact."""
    if len(surfaces) != len(tokens):  # a compatibility character made several tokens
        surfaces = tokens
    last = len(tokens) - 1
    out = [
        frozenset((token,))
        if prefix and i == last
        else term_keys(surface, langs) | frozenset((token,))
        for i, (token, surface) in enumerate(zip(tokens, surfaces, strict=True))
    ]
    return tuple(out) if any(len(keys) > 1 for keys in out) else ()


def regex_term(lexeme: Lexeme, field: str | None) -> Regex:
    if not lexeme.text:
        raise QueryError(lexeme.col, "empty regex //")
    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern to stderr
    options.case_sensitive = False
    try:
        pattern = re2.compile(lexeme.text, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if isinstance(exc.args[0], bytes) else str(exc)
        raise QueryError(
            lexeme.col,
            f"bad regex /{lexeme.text}/: {reason} (RE2 syntax: no backreferences or lookaround)",
        ) from exc
    return Regex(pattern, f"/{lexeme.text}/", field, lexeme.col)


def _check_nesting(lexemes: list[Lexeme]) -> None:
    """QueryError when the tree would nest more than MAX_NESTING levels: open parentheses,
    plus NOTs in a row, plus NEARs in a chain."""
    depth = nots = nears = 0
    for lexeme in lexemes:
        kind = lexeme.kind
        depth += (kind == "(") - (kind == ")")
        nots = nots + 1 if kind in ("NOT", "-") else 0
        nears = nears + 1 if kind == "NEAR" else 0 if kind in ("AND", "OR", "(", ")") else nears
        if depth + nots + nears > MAX_NESTING:
            raise QueryError(lexeme.col, f"query nested more than {MAX_NESTING} levels deep")
