"""Two ways to hold an article for evaluation.

``NaiveDocument`` is the reference: it tokenises every field up front and answers each term
by scanning the token list. ``FastDocument`` computes only what a question needs, when it is
first asked: a token set for words and prefixes, positions only for phrases and NEAR, offsets
only to explain a match. A property test holds them to the same answers.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

from newswatch.match.analysis import MEMO, KeyMemo, prefix_keys, stems_text
from newswatch.match.evaluate import Span
from newswatch.match.nodes import FIELDS, Regex, Term
from newswatch.match.normalize import (
    ELISIONS,
    Token,
    ascii_folded,
    is_elided,
    normalize_word,
    surface_words,
    token_forms,
    token_offsets,
    token_words,
    tokenize,
)
from newswatch.match.surface import find_term, keyed_text
from newswatch.model import Article


def article_fields(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "text": article.text,
        "source": article.source,
        "url": article.url,
    }


class _Base:
    def __init__(self, fields: dict[str, str], langs: tuple[str, ...] = ()) -> None:
        """``langs``: the analysers (``match.analysis``) the article's words are read with."""
        self.raw = fields
        self.langs = langs
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


def _matches_at(doc: _Base, words: list[str], i: int, term: Term, field: str) -> bool:
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


class NaiveDocument(_Base):
    def __init__(self, fields: dict[str, str], langs: tuple[str, ...] = ()) -> None:
        super().__init__(fields, langs)
        self.words = {f: [t.text for t in self.tokens(f)] for f in FIELDS}

    def word_list(self, field: str) -> list[str]:
        return self.words[field]

    def spans(self, term: Term, field: str) -> list[Span]:
        words, k = self.words[field], len(term.tokens)
        return [(i, i + k) for i in range(len(words)) if _matches_at(self, words, i, term, field)]

    def has_term(self, term: Term) -> bool:
        return any(self.spans(term, f) for f in term.fields)


class _Forms(dict[str, set[str]]):
    """A field's token set, computed when first asked for: a field no rule looks in (often
    ``url`` and ``source``) is never tokenised. The scan text is kept beside it."""

    def __init__(
        self, raw: dict[str, str], eager: Iterable[str], langs: tuple[str, ...], memo: KeyMemo
    ) -> None:
        super().__init__()
        self.raw = raw
        self.langs = langs
        self.memo = memo
        # Each field's tokens, each after a space: what the presearcher's automaton scans.
        self.texts: dict[str, str] = {}
        # Non-ASCII fields' keyed copies (see ``surface``), also what explaining searches.
        self.keyed: dict[str, str | None] = {}
        # Each field's tokens and their keys in the article's languages (``analysis``).
        self.keysets: dict[str, set[str]] = {}
        # Each field's words as the analysers read them (lower case, not normalised).
        self.surfaces: dict[str, set[str]] = {}
        for field in eager:
            self.__missing__(field)

    def __missing__(self, field: str) -> set[str]:
        raw = self.raw[field]
        keyed = None
        if not raw.isascii():
            keyed = self.keyed[field] = keyed_text(raw)
        tokens, self.texts[field] = token_forms(raw, keyed)
        self[field] = tokens
        self.keysets[field] = self._keys(raw, tokens, field)
        return tokens

    def _keys(self, raw: str, tokens: set[str], field: str) -> set[str]:
        if not self.langs or not tokens:
            return tokens
        if raw.isascii():  # lower-case ASCII tokens are their own surfaces
            self.surfaces[field] = tokens
            return tokens.union(*(self.memo.keys(lang, tokens) for lang in _latin(self.langs)))
        surfaces = self.surfaces[field] = surface_words(raw)
        found = [self.memo.keys(lang, surfaces) for lang in self.langs]
        for lang, keys in zip(self.langs, found, strict=True):
            if lang in ("ar", "ar!") and keys:
                # Arabic stems are scanned for prefixes too: ``مدني*`` finds ``المدنيين``.
                self.texts[field] += stems_text(keys)
        return tokens.union(*found)


@lru_cache(maxsize=256)
def _latin(langs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lang for lang in langs if lang.rstrip("!") not in ("ar", "ru", "uk"))


class FastDocument(_Base):
    def __init__(
        self,
        fields: dict[str, str],
        eager: Iterable[str] = FIELDS,
        langs: tuple[str, ...] = (),
        memo: KeyMemo = MEMO,
    ) -> None:
        """``eager``: the fields to tokenise now (those the rules look in); the others are
        tokenised if a question needs them. ``langs``: as for every document. ``memo``:
        where words' keys are remembered (a matcher's own keeps only its rules' keys)."""
        super().__init__(fields, langs)
        self.sets = _Forms(fields, eager, langs, memo)
        self.keysets = self.sets.keysets
        self.scan_texts = self.sets.texts
        # Unqualified terms look in both; kept apart since a union would copy the text's set.
        self.title_set, self.text_set = self.sets["title"], self.sets["text"]
        self._words: dict[str, list[str]] = {}
        self._sorted: dict[str, list[str]] = {}
        self._prefixed: dict[tuple[str, str], list[str]] = {}
        self._found: dict[tuple[str, str], list[int]] = {}
        self._has_prefix: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._folded: dict[str, bytes] = {}
        self._keyed = self.sets.keyed  # non-ASCII fields, for explaining matches
        # Filled by the Matcher's presearch scan, which finds every prefix its rules use.
        self.prefixes_present: dict[str, AbstractSet[str]] | None = None

    def token_set(self, field: str) -> set[str]:
        return self.sets[field]

    def _find_forms(self, keys: frozenset[str], field: str) -> frozenset[str]:
        # The keys present (a C-level intersection, usually one or two), then the words
        # having them from the memo's reverse map: no pass over the field's words.
        hits = keys.intersection(self.keyset(field))
        surfaces = self.sets.surfaces.get(field, ())
        found = {key for key in hits if ":" not in key}  # the word itself, as written
        for key in hits:
            if ":" in key:
                for word in self.sets.memo.words(key):
                    if word in surfaces:
                        found.update(normalize_word(word).split())
        return frozenset(found)

    def keyset(self, field: str) -> set[str]:
        """The field's tokens and their keys (what an analysed word is looked up in)."""
        self.sets[field]  # computes both on first use
        return self.keysets[field]

    def char_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]]:
        # Presence first, from the token sets, before any folding: half the leaves
        # explained miss the field.
        if not self._present(term, field):
            return []
        forms = self._word_forms(term, field)
        if forms is not None:
            found = self._forms_spans(forms, field, limit)
        elif term.keys or (term.prefix and self.stem_prefixed(term.tokens[-1], field)):
            found = None  # a phrase of analysed words: by word positions
        else:
            found = self._ascii_spans(term, field, limit)
            if found is None:
                found = self._keyed_spans(term, field, limit)
        return super().char_spans(term, field, limit) if found is None else found

    def _word_forms(self, term: Term, field: str) -> list[str] | None:
        """The article words a one-word term found, when they can differ from what it
        says (an analysed word, an Arabic prefix reaching behind proclitics); else None."""
        if len(term.tokens) != 1:
            return None
        if term.keys:
            return sorted(self.forms(term.keys[0], field))
        if term.prefix and self.stem_prefixed(term.tokens[0], field):
            return self.with_prefix(term.tokens[0], field)
        return None

    def _forms_spans(
        self, forms: list[str], field: str, limit: int
    ) -> list[tuple[int, int]] | None:
        """Where any of ``forms`` occurs as a whole word, by the same searches as a word's."""
        found: list[tuple[int, int]] = []
        if self.raw[field].isascii():
            folded = self._folded_text(field)
            for form in forms:
                found += _find_word(folded, form, limit)
        else:
            keyed = self._keyed_text(field)
            if keyed is None:
                return None
            for form in forms:
                found += find_term(keyed, (form,), False, limit)
        return sorted(found)[:limit] if len(forms) > 1 else found

    def _folded_text(self, field: str) -> bytes:
        folded = self._folded.get(field)
        if folded is None:
            folded = self._folded[field] = ascii_folded(self.raw[field])
        return folded

    def _keyed_text(self, field: str) -> str | None:
        if field not in self._keyed:
            self._keyed[field] = keyed_text(self.raw[field])
        return self._keyed[field]

    def _folded_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]] | None:
        """``char_spans`` by ``bytes.find`` on the folded text; None if the field is not ASCII
        or the term's words can take other forms (they need word positions).

        Explaining a match (and checking a phrase) only needs where its words are; in ASCII
        text, most articles, this finds them without the token offsets and word positions
        that would cost more than the rest of the explanation.
        """
        if term.keys or (term.prefix and self.langs):
            return None
        if not self._present(term, field):
            return []
        return self._ascii_spans(term, field, limit)

    def _ascii_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]] | None:
        folded = self._folded.get(field)
        if folded is None:
            if not self.raw[field].isascii():
                return None
            folded = self._folded[field] = ascii_folded(self.raw[field])
        if len(term.tokens) == 1:
            find = _find_prefix if term.prefix else _find_word
            return find(folded, term.tokens[0], limit)
        return _find_term(folded, term, limit)

    def _keyed_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]] | None:
        """``char_spans`` for a non-ASCII field by a search of its keyed copy (see
        ``surface``); None if the field has characters that need the tokeniser."""
        text = self._keyed_text(field)
        return None if text is None else find_term(text, term.tokens, term.prefix, limit)

    def has_prefix(self, prefix: str, fields: tuple[str, ...]) -> bool:
        # Many candidate rules share a prefix (``attack*``): answer each once per article.
        if self.prefixes_present is not None:
            return any(prefix in self.prefixes_present[f] for f in fields)
        key = (prefix, fields)
        found = self._has_prefix.get(key)
        if found is None:
            found = self._has_prefix[key] = any(self.with_prefix(prefix, f) for f in fields)
        return found

    def word_list(self, field: str) -> list[str]:
        return self.words(field)

    def words(self, field: str) -> list[str]:
        if field not in self._words:
            self._words[field] = token_words(self.raw[field])
        return self._words[field]

    def positions(self, word: str, field: str) -> list[int]:
        """Where ``word`` occurs, by C-level ``list.index`` scans; rules share the answers."""
        key = (word, field)
        if key in self._found:
            return self._found[key]
        words, found, i = self.words(field), [], -1
        try:
            while True:
                i = words.index(word, i + 1)
                found.append(i)
        except ValueError:
            self._found[key] = found
            return found

    def with_prefix(self, prefix: str, field: str) -> list[str]:
        """The field's distinct tokens starting with ``prefix``, by bisection."""
        key = (prefix, field)
        if key not in self._prefixed:
            if field not in self._sorted:
                self._sorted[field] = sorted(self.token_set(field))
            ordered = self._sorted[field]
            found = []
            i = bisect_left(ordered, prefix)
            while i < len(ordered) and ordered[i].startswith(prefix):
                found.append(ordered[i])
                i += 1
            # Arabic words whose stem has the prefix: ``مدني*`` takes ``المدنيين``.
            found += [t for t in self.stem_prefixed(prefix, field) if not t.startswith(prefix)]
            self._prefixed[key] = found
        return self._prefixed[key]

    def _present(self, term: Term, field: str) -> bool:
        """A cheap necessary condition from the token set alone (and the prefixes the scan
        found). Explaining asks it of every term in every field, most of them absent, and
        nearly every term is one token: no more calls than that needs."""
        tokens = self.sets[field]
        *exact, last = term.tokens
        if term.keys:  # an analysed word: a form of each word (the last may be a prefix)
            keyset = self.keysets[field]
            words = term.keys[:-1] if term.prefix else term.keys
            if any(keys.isdisjoint(keyset) for keys in words):
                return False
            if not term.prefix or last in tokens:
                return True
        else:
            if exact and any(t not in tokens for t in exact):
                return False
            if last in tokens:
                return True
            if not term.prefix:
                return False
        present = self.prefixes_present
        return last in present[field] if present is not None else self.has_prefix(last, (field,))

    def spans(self, term: Term, field: str) -> list[Span]:
        if not self._present(term, field):
            return []
        first, k = term.tokens[0], len(term.tokens)
        if term.prefix and k == 1:
            found: Iterable[str] = self.with_prefix(first, field)
        elif term.keys:
            found = self.forms(term.keys[0], field)
        else:
            found = (first,)
        starts = sorted(i for w in found for i in self.positions(w, field))
        if k == 1:
            return [(i, i + 1) for i in starts]
        words = self.words(field)
        return [(i, i + k) for i in starts if _matches_at(self, words, i, term, field)]

    def has_term(self, term: Term) -> bool:
        if len(term.tokens) == 1:
            return any(self._present(term, f) for f in term.fields)
        for field in term.fields:
            found = self._folded_spans(term, field, 1)
            if found if found is not None else self.spans(term, field):
                return True
        return False


def _find_word(folded: bytes, word: str, limit: int) -> list[tuple[int, int]]:
    """Offsets of ``word``'s first ``limit`` occurrences as a whole token in ``folded``."""
    needle, size = f" {word} ".encode(), len(word)
    out: list[tuple[int, int]] = []
    # ``folded`` is framed by one space, so a hit at ``i`` is the token at ``i`` in the text.
    i = folded.find(needle)
    while i >= 0 and len(out) < limit:
        out.append((i, i + size))
        i = folded.find(needle, i + size + 1)  # the trailing space may start the next hit
    return out


def _find_prefix(folded: bytes, prefix: str, limit: int) -> list[tuple[int, int]]:
    """The same for the tokens starting with ``prefix``: each ends at the next space."""
    needle = f" {prefix}".encode()
    out: list[tuple[int, int]] = []
    i = folded.find(needle)
    while i >= 0 and len(out) < limit:
        end = folded.find(b" ", i + len(needle))  # found: ``folded`` ends with a space
        out.append((i, end - 1))
        i = folded.find(needle, end)
    return out


def _find_term(folded: bytes, term: Term, limit: int) -> list[tuple[int, int]]:
    """The same for a prefix or phrase: find the first word, then match the rest there
    (one hit per start, so overlapping phrases are all found, as by word positions)."""
    first, rest = f" {term.tokens[0]}".encode(), _rest_pattern(term.tokens, term.prefix)
    out: list[tuple[int, int]] = []
    i = folded.find(first)
    while i >= 0 and len(out) < limit:
        if found := rest.match(folded, i):
            out.append((i, found.end() - 1))
        i = folded.find(first, i + 1)
    return out


@lru_cache(maxsize=1 << 14)
def _rest_pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[bytes]:
    words = b" +".join(re.escape(t.encode()) for t in tokens)
    return re.compile(b" " + words + (b"[^ ]*" if prefix else b"") + b"(?= )")
