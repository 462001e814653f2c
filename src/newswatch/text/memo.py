"""Article word → keys, per language, remembered: news vocabulary is Zipfian, so after a
few hundred articles nearly every word has been analysed before."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import partial
from operator import itemgetter

from newswatch.text.analysis import ARABIC_KEYS, Keys, tagged, word_keys
from newswatch.text.normalize import normalize_word
from newswatch.text.surface import KeyedForms

# What ``_LangMemo.info`` holds of a word: its keys, what it and they wake (rule numbers),
# and the presearcher's prefixes its token (or an Arabic stem of it) starts with.
Info = tuple[Keys, tuple[int, ...], frozenset[str]]
KEYS = itemgetter(0)
WOKEN = itemgetter(1)
PREFIXES = itemgetter(2)


class _LangMemo:
    """One language's word → keys memo, laid out for the per-article look-up: most words
    of an article have no keys and wake nothing once a matcher keeps only its rules' keys,
    so one C-level set difference sets them aside (``plain``) and the few left are looked
    up in ``info``."""

    def __init__(self) -> None:
        self.keys: dict[str, Keys] = {}
        # The words of ``keys`` in two parts: those with no keys that are no index word
        # either (nearly every word of an article), and the others with their ``Info``.
        self.plain: set[str] = set()
        self.info: dict[str, Info] = {}
        # key → the words (of the memo) that have it: which article words a key stands for.
        self.words: dict[str, list[str]] = {}

    def clear(self) -> None:
        self.keys.clear()
        self.info.clear()
        self.plain.clear()
        self.words.clear()


class KeyMemo:
    """Article word → keys, per language, bounded: news vocabulary is Zipfian, so after a
    few hundred articles nearly every word has been analysed before."""

    MAX = 1 << 17

    def __init__(
        self,
        used: AbstractSet[str] | None = None,
        keep: tuple[str, ...] = (),
        own: AbstractSet[str] = frozenset(),
        indexed: Mapping[str, tuple[int, ...]] | None = None,
        prefixes: Mapping[str, tuple[int, ...]] | None = None,
    ) -> None:
        """``used``: the only keys worth keeping (those some rule has; None: all), plus
        any starting with one of ``keep`` (the Arabic stems, when a rule has an Arabic
        prefix to look for behind proclitics). A matcher's memo keeps only its rules'
        keys: most article words then have none, and a field's key set stays small.
        ``own``: with ``used``, the keys worth keeping when they are the word's own form
        (``en:strike`` for ``strike``): those a rule has for another word it wrote
        (``strikes``). A rule that wrote ``strike`` finds the word itself as written.
        ``indexed``: the words a presearcher looks for, each with what it wakes (rule
        numbers): a word that is one, or whose token or keys are, is never set aside as
        plain, and its ``Info`` holds what it wakes, merged when the word is analysed, so
        the presearcher looks up no key. ``prefixes``: the same for the prefixes its
        rules use (``attack*``): a word whose token starts with one (or, read in Arabic,
        one of its stems) is never plain either, and its ``Info`` names them, so the
        presearcher scans no text for them."""
        self._memo: dict[str, _LangMemo] = {}
        # Words as written → their tokens, for the fields read that way (``FieldSets``).
        self.forms = KeyedForms()
        self._used = used
        self._keep = keep
        self._own = own
        self._indexed: Mapping[str, tuple[int, ...]] = indexed or {}
        self._prefixes: Mapping[str, tuple[int, ...]] = prefixes or {}
        self._longest = max(map(len, self._prefixes), default=0)

    def _of(self, lang: str) -> _LangMemo:
        memo = self._memo.get(lang)
        if memo is None:
            memo = self._memo.setdefault(lang, _LangMemo())
        return memo

    def _clear(self, name: str) -> None:
        """Empty the memo of ``name`` and, if it is a language's, those of the groups that
        hold it (they would not refill the words its key → words map loses)."""
        for key, memo in self._memo.items():
            if key == name or name in key.split("+"):
                memo.clear()

    def _fill(self, lang: str, memo: _LangMemo, word: str) -> Keys:
        if len(memo.keys) > self.MAX:
            self._clear(lang)
        keys = tagged(word_keys, lang, word)
        if self._used is not None:
            used, keep, own = self._used, self._keep, self._own
            mine = f"{lang}:{normalize_word(word)}"
            keys = frozenset(
                key
                for key in keys
                if (key in own if key == mine else key in used or key.startswith(keep))
            )
        self._store(memo, word, keys)
        for key in keys:
            memo.words.setdefault(key, []).append(word)
        return keys

    def _fill_group(self, langs: tuple[str, ...], memo: _LangMemo, word: str) -> Keys:
        """A word's keys in every language of ``langs``, through each one's memo (which
        keeps the key → words map that explanations read)."""
        if len(memo.keys) > self.MAX:
            memo.clear()  # a group's own memo: the languages' stay as they are
        keys: Keys = frozenset().union(*(self.of(lang, word) for lang in langs))
        self._store(memo, word, keys)
        return keys

    def _store(self, memo: _LangMemo, word: str, keys: Keys) -> None:
        memo.keys[word] = keys
        indexed = self._indexed
        # A word as written may not be its token (``київ`` is ``киів``, ``frappés`` is
        # ``frappes``): what it wakes is what its token and its keys wake, so a field read
        # by its surfaces (``FieldSets``) needs no look-up of its tokens either. (A word
        # with no keyed form is never read that way: its field's tokens are looked up.)
        token = word if word.isascii() else self.forms[word] or word
        starts = self._starts(token, keys)
        if not keys and not starts and word not in indexed and token not in indexed:
            memo.plain.add(word)
            return
        woken = [indexed[key] for key in {word, token, *keys} if key in indexed]
        woken += [self._prefixes[prefix] for prefix in starts]
        # A word and its stem often wake the same rules: each once.
        wakes = woken[0] if len(woken) == 1 else tuple(set().union(*woken))
        memo.info[word] = (keys, wakes, starts)

    def _starts(self, token: str, keys: Keys) -> frozenset[str]:
        """The ``prefixes`` that ``token``, or an Arabic stem among ``keys``, starts with:
        what the presearcher's automaton finds for it in a field's scan text."""
        if not self._prefixes:
            return frozenset()
        words = [
            token,
            *(key[key.index(":") + 1 :] for key in keys if key.startswith(ARABIC_KEYS)),
        ]
        prefixes = self._prefixes
        return frozenset(
            word[:end]
            for word in words
            for end in range(1, min(len(word), self._longest) + 1)
            if word[:end] in prefixes
        )

    def words(self, key: str) -> list[str]:
        """The words analysed so far that have ``key`` (a document's words all have been)."""
        memo = self._memo.get(key[: key.index(":")])
        return memo.words.get(key, []) if memo is not None else []

    def lookup(self, langs: tuple[str, ...], words: set[str]) -> list[Info]:
        """What the memo knows of each of ``words`` (distinct lower-case surface tokens) in
        every language of ``langs`` that has keys or wakes a rule among the ``indexed``
        (``__init__``): the others, nearly all, have nothing to add.

        One C-level pass over the words (most are plain), whatever the number of
        languages (several share one memo of their union: an article of unknown language
        is read in all eight); the few left are looked up in one C-level map, which
        fails only on a new word."""
        name = langs[0] if len(langs) == 1 else "+".join(langs)  # no ":": see ``words``
        memo = self._of(name)
        rest = words.difference(memo.plain)
        try:
            return list(map(memo.info.__getitem__, rest))
        except KeyError:
            return self._fill_missing(langs, name, memo, words, rest)

    def _fill_missing(
        self, langs: tuple[str, ...], name: str, memo: _LangMemo, words: set[str], rest: set[str]
    ) -> list[Info]:
        """Analyse the words of ``rest`` never seen, then give the ``Info`` of those that
        are not plain."""
        missing = rest.difference(memo.info)
        # Full memos are emptied before, not while, filling: a group's fill goes through
        # its languages' memos, and no word of this article may be lost on the way.
        full = [n for n in (name, *langs) if len(self._of(n).keys) + len(missing) > self.MAX]
        if full:
            for full_name in full:
                self._clear(full_name)
            missing = set(words)
        fill = partial(self._fill, name) if len(langs) == 1 else partial(self._fill_group, langs)
        for word in missing:
            fill(memo, word)
        info = memo.info
        return [info[word] for word in words.difference(memo.plain)]

    def of(self, lang: str, word: str) -> Keys:
        memo = self._of(lang)
        found = memo.keys.get(word)
        return self._fill(lang, memo, word) if found is None else found


# A cache shared by every document: its values depend only on the word and the language.
MEMO = KeyMemo()
