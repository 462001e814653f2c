"""A document's per-field token sets and keys, computed when first asked for."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import cast

from newswatch.text.analysis import ARABIC_KEYS, stems_text
from newswatch.text.memo import KEYS, PREFIXES, WOKEN, KeyMemo
from newswatch.text.normalize import surface_words, token_forms
from newswatch.text.surface import keyed_text


class FieldSets(dict[str, set[str]]):
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
        # Each field's tokens and their keys in the article's languages (``analysis``): the
        # token set itself, keys added (``_keys``).
        self.keysets: dict[str, set[str]] = {}
        # Each field's words as the analysers read them (lower case, not normalised).
        self.surfaces: dict[str, set[str]] = {}
        # Per field, when known, what its tokens and their keys wake in the presearcher
        # the memo was made for (``KeyMemo.lookup``): its first pass, looked up already.
        self.woken: dict[str, list[tuple[int, ...]]] = {}
        # Beside ``woken``: the presearcher's prefixes its tokens (and Arabic stems) start with.
        self.prefixes: dict[str, set[str]] = {}
        for field in eager:
            self.__missing__(field)

    def __missing__(self, field: str) -> set[str]:
        raw = self.raw[field]
        keyed = None
        if not raw.isascii():
            if _by_surface(self.langs):
                return self._from_surfaces(field, raw)
            keyed = self.keyed[field] = keyed_text(raw)
        return self._from_tokens(field, raw, keyed)

    def _from_tokens(self, field: str, raw: str, keyed: str | None) -> set[str]:
        tokens, self.texts[field] = token_forms(raw, keyed)
        self[field] = tokens
        self.keysets[field] = self._keys(raw, tokens, field)
        return tokens

    def _from_surfaces(self, field: str, raw: str) -> set[str]:
        """A non-ASCII field read in languages that analyse the words as written
        (Cyrillic, accented Latin): one split of the text gives the surface words, and
        when each has a keyed form (``surface.KeyedForms``) those are the field's tokens,
        as ``token_forms`` would find them, without a second split. The keyed copy of the
        whole field is then made only if explaining a match searches it."""
        surfaces = surface_words(raw)
        forms = set(map(self.memo.forms.__getitem__, surfaces))
        if None in forms:  # a mark, a ligature: the tokeniser's way
            keyed = self.keyed[field] = keyed_text(raw)
            return self._from_tokens(field, raw, keyed)
        tokens = self[field] = cast(set[str], forms)
        self.surfaces[field] = surfaces
        # No scan text: the memo's first pass finds the prefixes too (``_add_keys``).
        self.keysets[field] = self._add_keys(field, tokens, surfaces, self.langs, True)
        return tokens

    def _keys(self, raw: str, tokens: set[str], field: str) -> set[str]:
        """``tokens`` with the keys of their words added, in place: keys hold a ``:``, so
        no key is ever taken for a token, and copying the set would cost more."""
        if not self.langs or not tokens:
            return tokens
        if raw.isascii():  # lower-case ASCII tokens are their own surfaces
            surfaces = self.surfaces[field] = tokens
            langs = _latin(self.langs)
        else:
            # Arabic is analysed in its normalised form: the tokens are its surfaces.
            arabic = all(lang in ("ar", "ar!") for lang in self.langs)
            surfaces = self.surfaces[field] = tokens if arabic else surface_words(raw)
            langs = self.langs
        # What the words wake is what the tokens wake when they are the tokens (here the
        # surfaces of a field with no keyed copy may split into several tokens each).
        return self._add_keys(field, tokens, surfaces, langs, surfaces is tokens)

    def _add_keys(
        self,
        field: str,
        tokens: set[str],
        surfaces: set[str],
        langs: tuple[str, ...],
        wake: bool,
    ) -> set[str]:
        """``wake``: whether what the surfaces wake (``KeyMemo.lookup``) is what the
        tokens and their keys wake: each surface is one token (itself or its keyed form)."""
        if not langs:
            return tokens
        found = self.memo.lookup(langs, surfaces)
        if wake:
            self.woken[field] = list(filter(None, map(WOKEN, found)))
            self.prefixes[field] = set().union(*map(PREFIXES, found))
        elif "ar" in langs or "ar!" in langs:
            # Arabic stems are scanned for prefixes too: ``مدني*`` finds ``المدنيين``.
            arabic = (k for keys in map(KEYS, found) for k in keys if k.startswith(ARABIC_KEYS))
            self.texts[field] += stems_text(arabic)
        tokens.update(*map(KEYS, found))  # after: ``surfaces`` may be ``tokens``
        return tokens


@lru_cache(maxsize=256)
def _by_surface(langs: tuple[str, ...]) -> bool:
    """Whether some analyser of ``langs`` reads words as written, not normalised (all but
    Arabic's; none when there are no analysers)."""
    return any(lang.rstrip("!") != "ar" for lang in langs)


@lru_cache(maxsize=256)
def _latin(langs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lang for lang in langs if lang.rstrip("!") not in ("ar", "ru", "uk"))
