"""Two ways to hold an article for evaluation.

``NaiveDocument`` is the reference: it tokenises every field up front and answers each term
by scanning the token list. ``FastDocument`` (in ``fast``) computes only what a question
needs, when it is first asked: a token set for words and prefixes, positions only for
phrases and NEAR, offsets only to explain a match. A property test holds them to the same
answers.
"""

from __future__ import annotations

from newswatch.match.evaluate import Span
from newswatch.match.nodes import FIELDS, Regex, Term
from newswatch.model import Article
from newswatch.text.analysis import prefix_keys
from newswatch.text.memo import MEMO
from newswatch.text.normalize import (
    ELISIONS,
    Token,
    is_elided,
    normalize_word,
    surface_words,
    token_offsets,
    tokenize,
)


def article_fields(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "text": article.text,
        "source": article.source,
        "url": article.url,
    }


class BaseDocument:
    def __init__(self, fields: dict[str, str], langs: tuple[str, ...] = ()) -> None:
        """``langs``: the analysers (``text.analysis``) the article's words are read with."""
        self.raw = fields
        self.langs = langs
        self._arabic = "ar" in langs or "ar!" in langs  # the only prefixes behind clitics
        self._tokens: dict[str, list[Token]] = {}
        self._offsets: dict[str, list[tuple[int, int]]] = {}
        self._analysed: dict[str, dict[str, frozenset[str]]] = {}
        self._forms: dict[tuple[frozenset[str], str], frozenset[str]] = {}

    def analysed(self, field: str) -> dict[str, frozenset[str]]:
        """Each distinct normalised token of ``field`` → itself and its keys in the
        article's languages (for finding which words are forms of a query word)."""
        found = self._analysed.get(field)
        if found is None:
            found = self._analysed[field] = _analyse(self.raw[field], self.langs)
        return found

    def forms(self, keys: frozenset[str], field: str) -> frozenset[str]:
        """The field's normalised tokens sharing a key with ``keys``: the forms of a word."""
        found = self._forms.get((keys, field))
        if found is None:
            found = self._forms[(keys, field)] = self._find_forms(keys, field)
        return found

    def _find_forms(self, keys: frozenset[str], field: str) -> frozenset[str]:
        return frozenset(
            token for token, own in self.analysed(field).items() if not own.isdisjoint(keys)
        )

    def stem_prefixed(self, prefix: str, field: str) -> list[str]:
        """The field's tokens whose Arabic stem (proclitics off) starts with ``prefix``."""
        if not self._arabic:
            return []
        starts = prefix_keys(prefix, self.langs)
        if not starts:
            return []
        return [
            token
            for token, own in self.analysed(field).items()
            if any(key.startswith(starts) for key in own)
        ]

    def word_ok(self, term: Term, j: int, word: str, field: str) -> bool:
        """Whether ``word`` at position ``j`` of ``term`` is one of its forms."""
        last = j == len(term.tokens) - 1
        if term.prefix and last:
            token = term.tokens[j]
            return word.startswith(token) or word in self.stem_prefixed(token, field)
        if term.keys:
            return word in self.forms(term.keys[j], field)
        return word == term.tokens[j]

    def tokens(self, field: str) -> list[Token]:
        """Tokens with character offsets, for explaining a match."""
        if field not in self._tokens:
            self._tokens[field] = tokenize(self.raw[field])
        return self._tokens[field]

    def offsets(self, field: str) -> list[tuple[int, int]]:
        """Character offsets of the field's tokens, by position, for explaining a match."""
        if field not in self._offsets:
            self._offsets[field] = token_offsets(self.raw[field])
        return self._offsets[field]

    def has_regex(self, regex: Regex) -> bool:
        return any(regex.pattern.search(self.raw[f]) for f in regex.fields)

    def elided(self, field: str) -> list[int]:
        """Positions of elided articles (``d``, ``l``, ``qu``… followed by an apostrophe
        and a letter): NEAR does not count them as words."""
        raw = self.raw[field]
        if "'" not in raw and "\u2019" not in raw:
            return []
        offsets = self.offsets(field)
        return [
            i
            for i, word in enumerate(self.word_list(field))
            if word in ELISIONS and is_elided(raw, offsets[i][1])
        ]

    def word_list(self, field: str) -> list[str]:
        raise NotImplementedError

    def spans(self, term: Term, field: str) -> list[Span]:
        raise NotImplementedError

    def word_spans(
        self, term: Term, field: str, limit: int
    ) -> tuple[list[tuple[int, int]], str | None]:
        """``char_spans`` of an analysed one-word term, and the one word every hit is when
        the field holds one form of it (else None: the hits may be different words)."""
        spans = self.char_spans(term, field, limit)
        forms = self.forms(term.keys[0], field) if spans else ()
        return spans, next(iter(forms)) if len(forms) == 1 else None

    def char_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]]:
        """Character offsets of the term's first ``limit`` occurrences in ``field``."""
        spans = self.spans(term, field)[:limit]
        if not spans:
            return []
        offsets = self.offsets(field)
        return [(offsets[first][0], offsets[stop - 1][1]) for first, stop in spans]


def _analyse(raw: str, langs: tuple[str, ...]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for surface in sorted(surface_words(raw)):
        keys = frozenset().union(*(MEMO.of(lang, surface) for lang in langs))
        for token in normalize_word(surface).split():
            out[token] = out.get(token, frozenset()) | keys | {token}
    return out


def matches_at(doc: BaseDocument, words: list[str], i: int, term: Term, field: str) -> bool:
    last = len(term.tokens) - 1
    if i + last >= len(words):
        return False
    if not term.keys and not (term.prefix and doc.langs):
        for j, token in enumerate(term.tokens):
            word = words[i + j]
            ok = word.startswith(token) if term.prefix and j == last else word == token
            if not ok:
                return False
        return True
    return all(doc.word_ok(term, j, words[i + j], field) for j in range(last + 1))


class NaiveDocument(BaseDocument):
    def __init__(self, fields: dict[str, str], langs: tuple[str, ...] = ()) -> None:
        super().__init__(fields, langs)
        self.words = {f: [t.text for t in self.tokens(f)] for f in FIELDS}

    def word_list(self, field: str) -> list[str]:
        return self.words[field]

    def spans(self, term: Term, field: str) -> list[Span]:
        words, k = self.words[field], len(term.tokens)
        return [(i, i + k) for i in range(len(words)) if matches_at(self, words, i, term, field)]

    def has_term(self, term: Term) -> bool:
        return any(self.spans(term, f) for f in term.fields)
