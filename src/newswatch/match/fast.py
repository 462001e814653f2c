"""``FastDocument``: an article held for evaluation, computing only what a question needs
when it is first asked (see ``documents``, whose ``NaiveDocument`` is its reference)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from itertools import islice, product

from newswatch.match.documents import BaseDocument, matches_at
from newswatch.match.evaluate import Span
from newswatch.match.fields import FieldSets
from newswatch.match.nodes import FIELDS, Term
from newswatch.text.memo import MEMO, KeyMemo
from newswatch.text.normalize import ascii_folded, normalize_word, token_words
from newswatch.text.surface import find_prefix, find_term, find_word, find_words, keyed_text

_NONE: frozenset[str] = frozenset()
# Beyond this many sequences of forms a phrase is found by word positions instead.
_MAX_SEQUENCES = 8


class FastDocument(BaseDocument):
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
        self.sets = FieldSets(fields, eager, langs, memo)
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
        surfaces = self.sets.surfaces.get(field, _NONE)
        found = {key for key in hits if ":" not in key}  # the word itself, as written
        for key in hits:
            if ":" in key:
                words = surfaces.intersection(self.sets.memo.words(key))
                if surfaces is self.sets[field]:  # ASCII or Arabic: the words are tokens
                    found |= words
                else:
                    for word in words:
                        found.update(normalize_word(word).split())
        return frozenset(found)

    def word_spans(
        self, term: Term, field: str, limit: int
    ) -> tuple[list[tuple[int, int]], str | None]:
        # The common case, an ASCII field with one form of the word, in one step.
        if term.keys[0].isdisjoint(self.sets[field]):
            return [], None
        forms = self.forms(term.keys[0], field)
        if len(forms) == 1 and self.raw[field].isascii():
            (form,) = forms
            return find_word(self._folded_text(field), form, limit), form
        return super().word_spans(term, field, limit)

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
        elif term.keys:
            found = self._phrase_spans(term, field, limit)  # None: by word positions
        elif term.prefix and self.stem_prefixed(term.tokens[-1], field):
            found = None  # a prefix reaching behind Arabic proclitics: by word positions
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
            forms = self.forms(term.keys[0], field)
            return list(forms) if len(forms) == 1 else sorted(forms)
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
                found += find_word(folded, form, limit)
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
            return self._phrase_spans(term, field, limit)
        if not self._present(term, field):
            return []
        return self._ascii_spans(term, field, limit)

    def _phrase_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]] | None:
        """``char_spans`` of a phrase whose words take other forms, in an ASCII field: the
        forms of each word present in the field are few (usually one), so each sequence
        of them is searched as an exact phrase is. None where that does not apply (other
        text, a prefix reaching behind Arabic proclitics, many forms): word positions."""
        if not self.raw[field].isascii():
            return None
        if not self._present(term, field):
            return []
        last = len(term.tokens) - 1
        options: list[Iterable[str]] = []
        for j, token in enumerate(term.tokens):
            if term.prefix and j == last:
                if self.stem_prefixed(token, field):
                    return None
                options.append((token,))
            else:
                options.append(sorted(self.forms(term.keys[j], field)) if term.keys else (token,))
        sequences = list(islice(product(*options), _MAX_SEQUENCES + 1))
        if len(sequences) > _MAX_SEQUENCES:
            return None
        folded = self._folded_text(field)
        found: list[tuple[int, int]] = []
        for words in sequences:
            found += find_words(folded, words, term.prefix, limit)
        return sorted(found)[:limit] if len(sequences) > 1 else found

    def _ascii_spans(self, term: Term, field: str, limit: int) -> list[tuple[int, int]] | None:
        folded = self._folded.get(field)
        if folded is None:
            if not self.raw[field].isascii():
                return None
            folded = self._folded[field] = ascii_folded(self.raw[field])
        if len(term.tokens) == 1:
            find = find_prefix if term.prefix else find_word
            return find(folded, term.tokens[0], limit)
        return find_words(folded, term.tokens, term.prefix, limit)

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
                if ":" not in ordered[i]:  # the set's keys (``en:strike``) are no words
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
        tokens = self.sets[field]  # the keys are in it too (``fields.FieldSets``)
        keys = term.keys
        if len(keys) == 1 and not term.prefix:  # an analysed word, nearly every term
            return not keys[0].isdisjoint(tokens)
        *exact, last = term.tokens
        if keys:  # analysed words: a form of each word (the last may be a prefix)
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
        return [(i, i + k) for i in starts if matches_at(self, words, i, term, field)]

    def has_term(self, term: Term) -> bool:
        if len(term.tokens) == 1:
            return any(self._present(term, f) for f in term.fields)
        for field in term.fields:
            found = self._folded_spans(term, field, 1)
            if found if found is not None else self.spans(term, field):
                return True
        return False
