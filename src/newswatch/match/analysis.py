"""Which article words are forms of a query word: per-language analysis into keys.

A bare query word matches an article word when they share a *key* in the article's
language. A key is ``"<lang>:<normalised lemma or stem>"``, so keys of different
languages never meet, and no key ever equals a plain token (tokens hold no ``:``).

==========  =========================================  ===========================
language    analyser                                   article word → keys
==========  =========================================  ===========================
ar          proclitics (و ف, then ب ك ل, then ال)      every way to strip them
ru, uk      pymorphy3 dictionaries (OpenCorpora, VESUM) every lemma of the word
tr fr es    Snowball stemmers (PyStemmer)              the stem
de en
==========  =========================================  ===========================

The query side is analysed the same way, with one difference: a query word that is its
own lemma (``Київ``, ``мир``) keeps only that lemma, since the author wrote the dictionary
form; ``Києві`` in an article has the lemmas ``київ`` and ``кий`` and so still matches.

Guards (why a form is not the word): Arabic proclitics are stripped only when at least
three letters remain (``بحر`` stays ``بحر``), and only proclitics, never verb prefixes or
suffixes (``يحلبون`` is not ``حلب``); a dictionary lemmatiser never maps ``мирные`` to
``мир``; Snowball stems shorter than three letters are not used (the word is its own key);
Snowball removes inflections, so ``strikers`` (stem ``striker``) is not ``strike``.

Everything here depends only on the word and the language: the memos are caches, not
state. This module imports nothing else of newswatch but ``normalize``, so it can move to
a shared text package as it is.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from newswatch.match.normalize import normalize

LANGUAGES = ("ar", "ru", "uk", "tr", "fr", "es", "de", "en")
_SNOWBALL = {
    "tr": "turkish",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "en": "english",
}
_MORPHY = ("ru", "uk")
# What each analyser can take: a word of another script is left to the others.
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
_MIN_STEM = 3

Keys = frozenset[str]
_NONE: Keys = frozenset()

# و or ف (and), then ب ك ل (in, like, for), then the article ال; ل + ال is written لل.
_PROCLITICS = tuple(
    sorted(
        {
            conj + prep + art
            for conj in ("", "و", "ف")
            for prep, art in [(p, a) for p in ("", "ب", "ك", "ل") for a in ("", "ال")]
            + [("", "لل")]
        }
        - {""},
        key=len,
    )
)


def arabic_stems(word: str) -> list[str]:
    """The forms of a normalised Arabic ``word`` with proclitics stripped, keeping at
    least three letters: ``والقصف`` → ``والقصف``'s ``القصف``, ``لقصف``…, ``قصف``."""
    return [
        word[len(prefix) :]
        for prefix in _PROCLITICS
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM
    ]


class _Analysers:
    """The library objects, loaded on first use (pymorphy3's dictionaries take about
    20 MB each and a second to load: a deployment watching only English never pays)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stemmers: dict[str, Any] = {}
        self._morph: dict[str, Any] = {}

    def stemmer(self, lang: str) -> Callable[[str], str]:
        found = self._stemmers.get(lang)
        if found is None:
            import Stemmer  # PyStemmer

            with self._lock:
                found = self._stemmers.setdefault(lang, Stemmer.Stemmer(_SNOWBALL[lang]))
        return found.stemWord  # type: ignore[no-any-return]

    def morph(self, lang: str) -> Any:
        found = self._morph.get(lang)
        if found is None:
            import pymorphy3

            with self._lock:
                found = self._morph.get(lang)
                if found is None:
                    found = self._morph[lang] = pymorphy3.MorphAnalyzer(lang=lang)
        return found


_LIBS = _Analysers()


def _surface(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower())


def _lemmas(lang: str, word: str) -> list[str]:
    parses = _LIBS.morph(lang).parse(word)
    return list(dict.fromkeys(p.normal_form for p in parses)) or [word]


def lemmas_of(word: str) -> list[str]:
    """A Cyrillic word's Ukrainian and Russian lemmas, normalised (for place names: geo)."""
    word = _surface(word)
    if not _CYRILLIC.search(word) or not word.isalpha():
        return []
    found = [normalize(lemma) for lang in _MORPHY for lemma in _lemmas(lang, word)]
    return [lemma for lemma in dict.fromkeys(found) if lemma != word]


def word_keys(lang: str, surface: str) -> Keys:
    """The keys of an article word (lower case, as written) in ``lang``; empty when the
    language cannot analyse it (another script, a number) or when its one key would be
    the word itself (``aleppo``, ``мир``): the word stands for itself, and the query side
    keys such words as plain words (``query_keys``), which keeps article key sets small."""
    word = _surface(surface)
    own = normalize(word)
    return frozenset(f"{lang}:{text}" for text in _texts(lang, word) if text != own)


def _texts(lang: str, word: str) -> list[str]:
    """What an article word (lower case, NFC) stands for in ``lang``, normalised."""
    if lang == "ar":
        if not _ARABIC.search(word):
            return []
        norm = normalize(word)
        return [norm, *arabic_stems(norm)]
    if lang in _MORPHY:
        if not _CYRILLIC.search(word) or not word.isalpha():
            return []
        return [normalize(lemma) for lemma in _lemmas(lang, word)]
    if not _LATIN.search(word) or not word.isalpha():
        return []
    return [normalize(form) for form in _snowball_keys(lang, word)]


# The endings a Snowball stemmer may take off for the stem to stand for the word: the
# inflections (number, gender, the regular verb forms). When it took more (a derivation:
# ``attacker`` → ``attack``, ``hospitality`` → ``hospit``, ``explosivité`` → ``explos``),
# the word is its own key, plural aside (``_singular``), so it never meets a different word.
_INFLECTIONS = {
    "en": {"", "s", "es", "ed", "ing", "ings", "y", "e"},
    "fr": {"", "s", "x", "e", "es", "ux", "é", "ée", "és", "ées", "er"},
    "es": {"", "s", "es", "a", "as", "o", "os", "e"},
    "de": {"", "e", "en", "n", "s", "es", "er", "ern", "em"},
}
_PLURALS = {
    "en": (("ies", "y"), ("ses", "s"), ("s", "")),
    "fr": (("aux", "al"), ("s", ""), ("x", "")),
    "es": (("ces", "z"), ("es", ""), ("s", "")),
    "de": (),
}


def _snowball_keys(lang: str, word: str) -> list[str]:
    stem = _LIBS.stemmer(lang)(word)
    if lang == "tr":
        return _turkish(word, stem)
    if len(stem) < _MIN_STEM:
        return [word]
    common = 0
    for a, b in zip(word, stem, strict=False):
        if a != b:
            break
        common += 1
    removed = word[common:]
    # A doubled consonant before the ending (kidnapping, kidnapped) is the stem's.
    if removed and common and removed[0] == word[common - 1]:
        removed = removed[1:]
    if removed in _INFLECTIONS[lang]:
        if lang == "en" and removed not in _BASE_FORMS:
            return [stem, stem + INFLECTED]
        return [stem]
    if lang == "es" and removed in _FEMININE_PARTICIPLES:
        return [_singular(lang, word), stem + _FEMININE_PARTICIPLES[removed]]
    return [_singular(lang, word)]


# English: an ``-ing`` noun names the event (``shelling``, ``bombing``, ``wedding``); the
# bare stem is often another word (``Shell`` the company, a ``bomb`` found, ``wed``). An
# inflected article word (``shelling``, ``shelled``, ``shells``) has this second key, and a
# query word in ``-ing`` keeps only it: ``shelling`` matches ``shelled`` and ``shells`` but
# not ``Shell``. ``~`` is never in a token, so the key meets no plain word.
INFLECTED = "~"
_BASE_FORMS = ("", "e", "y")
# Spanish: Snowball takes a participle's ``-adas`` / ``-idas`` off whole, which the guard
# does not accept (``-ado`` would also join ``refugio``); the feminine plural is also a
# form of its masculine singular, the dictionary form (``refugiadas`` → ``refugiado``,
# ``heridas`` → ``herido``). Some nouns in ``-adas`` / ``-idas`` get a key no query uses
# (``medidas``: ``medido``), one a key a query may use (``partidas``: ``partido``); the
# singular ``-ada`` is left alone, being more often a noun of its own (``llegada``).
_FEMININE_PARTICIPLES = {"adas": "ado", "idas": "ido"}


def _singular(lang: str, word: str) -> str:
    for ending, replacement in _PLURALS[lang]:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            if ending == "s" and word.endswith(("ss", "us", "is")):
                continue
            return word[: len(word) - len(ending)] + replacement
    return word


_TURKISH_VOWELS = "aeıioöuü"
# Adjectives in ``-i`` (the Arabic nisba ``-î``, its circumflex rarely written) spelt like
# the accusative or possessive of their noun (``askeri``: military, and the soldier,
# from ``asker``). In news the adjective is far the more common (``askeri üs``, ``insani
# yardım``, ``resmi açıklama``), so these words stand for themselves (normalised, so
# ``tıbbi`` and the accusative ``tıbbı`` are one).
_TURKISH_ADJECTIVES = frozenset({"askeri", "dini", "resmi", "ilmi", "edebi", "tibbi", "insani"})


def _turkish(word: str, stem: str) -> list[str]:
    """Snowball Turkish reads a word's last vowel as a case ending (``saldırı`` →
    ``saldır``) but keeps it under a real ending (``saldırıda`` → ``saldırı``): the word
    and its stem both stand for it, and a stem ending in the possessive's buffer ``s``
    (``saldırısı`` → ``saldırıs``) stands for the word without it too."""
    if normalize(word) in _TURKISH_ADJECTIVES:
        return [word]
    forms = [word, stem] if len(stem) >= _MIN_STEM else [word]
    if (
        stem.endswith("s")
        and stem == word[:-1]
        and len(stem) > _MIN_STEM
        and stem[-2] in _TURKISH_VOWELS
    ):
        forms.append(stem[:-1])
    return forms


def query_keys(lang: str, surface: str) -> Keys:
    """The keys of a query word in ``lang``: what it stands for, as for an article word,
    except that a word that is its own lemma keeps only that one, and an Arabic word only
    itself (and, written with the article, itself without it). Each such text that stands
    for itself in an article (``strike`` for ``strikes``) is a plain key too (see
    ``word_keys``)."""
    word = _surface(surface)
    texts = _query_texts(lang, word)
    plain = [text for text in texts if text in _texts(lang, text)]
    return frozenset([f"{lang}:{text}" for text in texts] + plain)


def _query_texts(lang: str, word: str) -> list[str]:
    if lang == "ar":
        if not _ARABIC.search(word):
            return []
        norm = normalize(word)
        return [norm, norm[2:]] if norm.startswith("ال") and len(norm) > 4 else [norm]
    if lang in _MORPHY:
        if not _CYRILLIC.search(word) or not word.isalpha():
            return []
        lemmas = _lemmas(lang, word)
        own = [lemma for lemma in lemmas if lemma == word]
        return [normalize(lemma) for lemma in own or lemmas]
    texts = _texts(lang, word)
    if lang != "en":
        return texts
    # An -ing query word is keyed on its inflected forms only; any other on its stem.
    verbal = [text for text in texts if text.endswith(INFLECTED)]
    if verbal and word.endswith(("ing", "ings")):
        return verbal
    return [text for text in texts if not text.endswith(INFLECTED)]


@lru_cache(maxsize=1 << 16)
def term_keys(surface: str, langs: tuple[str, ...]) -> Keys:
    """A query word's keys in every language of ``langs``: one per language it can be a
    word of (one for an Arabic word, two for a Cyrillic one, five for a Latin one).
    A language written ``uk!`` is Ukrainian pinned by a rule (``pinned``)."""
    return frozenset().union(*(_tagged(query_keys, lang, surface) for lang in langs))


def _tagged(analyse: Callable[[str, str], Keys], lang: str, word: str) -> Keys:
    if not lang.endswith("!"):
        return analyse(lang, word)
    base = lang[:-1]
    return frozenset(
        f"{lang}:{key[len(base) + 1 :]}" if ":" in key else key for key in analyse(base, word)
    )


def pinned(lang: str) -> str:
    """The tag of ``lang`` pinned by a rule: such a rule's words are read in that language,
    and so is every article (besides its own language), under this separate tag so that
    the other rules' words still meet only the article's own language."""
    return f"{lang}!"


def stems_text(keys: Iterable[str]) -> str:
    """The Arabic stems among ``keys`` (a field's ``ar`` keys), each after a space (for
    the prefix scan); "" when there are none."""
    joined = " " + " ".join(keys)
    return joined.replace(" ar:", " ").replace(" ar!:", " ") if len(joined) > 1 else ""


def prefix_keys(prefix: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """The key beginnings of the Arabic stems a query prefix reaches in an article read in
    ``langs`` (``مدني*`` reaches ``المدنيين`` through its stem ``مدنيين``)."""
    if not _ARABIC.match(prefix):
        return ()
    return tuple(f"{lang}:{prefix}" for lang in langs if lang in ("ar", "ar!"))


class _LangMemo:
    """One language's word → keys memo, laid out for the per-article union: ``keyed``
    holds the words that have keys, so an article's are one C-level set intersection
    away (most words have none once a matcher keeps only its rules' keys)."""

    def __init__(self) -> None:
        self.keys: dict[str, Keys] = {}
        self.known: set[str] = set()  # the words of ``keys``: set operations take sets fast
        self.keyed: set[str] = set()
        # key → the words (of the memo) that have it: which article words a key stands for.
        self.words: dict[str, list[str]] = {}

    def clear(self) -> None:
        self.keys.clear()
        self.known.clear()
        self.keyed.clear()
        self.words.clear()


class KeyMemo:
    """Article word → keys, per language, bounded: news vocabulary is Zipfian, so after a
    few hundred articles nearly every word has been analysed before."""

    MAX = 1 << 17

    def __init__(self, used: AbstractSet[str] | None = None, keep: tuple[str, ...] = ()) -> None:
        """``used``: the only keys worth keeping (those some rule has; None: all), plus
        any starting with one of ``keep`` (the Arabic stems, when a rule has an Arabic
        prefix to look for behind proclitics). A matcher's memo keeps only its rules'
        keys: most article words then have none, and a field's key set stays small."""
        self._memo: dict[str, _LangMemo] = {}
        self._used = used
        self._keep = keep

    def _of(self, lang: str) -> _LangMemo:
        memo = self._memo.get(lang)
        if memo is None:
            memo = self._memo.setdefault(lang, _LangMemo())
        return memo

    def _fill(self, lang: str, memo: _LangMemo, word: str) -> Keys:
        if len(memo.keys) > self.MAX:
            memo.clear()
        keys = _tagged(word_keys, lang, word)
        if self._used is not None:
            used, keep = self._used, self._keep
            keys = frozenset(key for key in keys if key in used or key.startswith(keep))
        memo.keys[word] = keys
        memo.known.add(word)
        if keys:
            memo.keyed.add(word)
        for key in keys:
            memo.words.setdefault(key, []).append(word)
        return keys

    def words(self, key: str) -> list[str]:
        """The words analysed so far that have ``key`` (a document's words all have been)."""
        memo = self._memo.get(key[: key.index(":")])
        return memo.words.get(key, []) if memo is not None else []

    def keys(self, lang: str, words: set[str]) -> set[str]:
        """The union of the keys of ``words`` (distinct lower-case surface tokens)."""
        memo = self._of(lang)
        missing = words.difference(memo.known)
        if missing:
            if len(memo.keys) + len(missing) > self.MAX:
                memo.clear()
                missing = words
            for word in missing:
                self._fill(lang, memo, word)
        hits = memo.keyed.intersection(words)
        return set().union(*map(memo.keys.__getitem__, hits)) if hits else set()

    def of(self, lang: str, word: str) -> Keys:
        memo = self._of(lang)
        found = memo.keys.get(word)
        return self._fill(lang, memo, word) if found is None else found


# A cache shared by every document: its values depend only on the word and the language.
MEMO = KeyMemo()


def article_languages(language: str | None) -> tuple[str, ...]:
    """The analysers an article is read with: its language when newswatch analyses it;
    every analyser when the language is unknown or mixed (``None``: the safe union, since a
    missed alert costs more than a rare extra one); none for a language it does not
    analyse (words then match their exact forms only)."""
    if language is None:
        return LANGUAGES
    code = language.lower()[:2]
    return (code,) if code in LANGUAGES else ()


_ANALYSERS = {
    "ar": "Arabic proclitics",
    "ru": "pymorphy3 ru",
    "uk": "pymorphy3 uk",
    **{lang: f"Snowball {name}" for lang, name in _SNOWBALL.items()},
}


def describe(language: str | None, pinned: tuple[str, ...] = ()) -> str:
    """How an article in ``language`` is read, for ``newswatch match --explain``:
    ``uk: pymorphy3 uk``, or the union when the language is unknown."""
    langs = article_languages(language)
    if language is None:
        head = "unknown, so read in every language (the safe union)"
    elif not langs:
        head = f"{language}, not analysed: words match their exact forms only"
    else:
        head = language
    parts = [f"{lang} by {_ANALYSERS[lang]}" for lang in langs]
    parts += [f"{tag[:-1]} by {_ANALYSERS[tag[:-1]]} (a rule's lang:)" for tag in pinned]
    return head + (" — " + ", ".join(parts) if parts else "")
