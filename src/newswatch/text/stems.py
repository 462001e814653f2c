"""What one word stands for in one language: the per-language analysers behind ``analysis``.

==========  =========================================  ===========================
language    analyser                                   article word → texts
==========  =========================================  ===========================
ar          proclitics (و ف, then ب ك ل, then ال)      every way to strip them
ru, uk      pymorphy3 dictionaries (OpenCorpora, VESUM) every lemma of the word
tr fr es    Snowball stemmers (PyStemmer)              the stem
de en
==========  =========================================  ===========================

Guards (why a form is not the word): Arabic proclitics are stripped only when at least
three letters remain (``بحر`` stays ``بحر``), and only proclitics, never verb prefixes or
suffixes (``يحلبون`` is not ``حلب``); a dictionary lemmatiser never maps ``мирные`` to
``мир``; Snowball stems shorter than three letters are not used (the word is its own key);
Snowball removes inflections, so ``strikers`` (stem ``striker``) is not ``strike``; and
the few per-language lines drawn below (``_snowball_keys``, ``_turkish``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

# One word at a time, through the tokeniser's memo (ASCII: a lower-casing, as normalize
# gives): compiling 10,000 rules normalises each query word's form in every language.
from newswatch.text.normalize import normalize_word as normalize

LANGUAGES = ("ar", "ru", "uk", "tr", "fr", "es", "de", "en")
_SNOWBALL = {
    "tr": "turkish",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "en": "english",
}
MORPHY = ("ru", "uk")
# What each analyser can take: a word of another script is left to the others.
ARABIC = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
_MIN_STEM = 3

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


def lowered(word: str) -> str:
    """A word as the analysers read it: lower case, NFC, otherwise as written."""
    return unicodedata.normalize("NFC", word.lower())


def lemmas(lang: str, word: str) -> list[str]:
    """pymorphy3's lemmas of a Cyrillic ``word`` in ``lang`` (``ru`` or ``uk``)."""
    parses = _LIBS.morph(lang).parse(word)
    return list(dict.fromkeys(p.normal_form for p in parses)) or [word]


def word_texts(lang: str, word: str) -> list[str]:
    """What an article word (lower case, NFC) stands for in ``lang``, normalised."""
    if lang == "ar":
        if not ARABIC.search(word):
            return []
        norm = normalize(word)
        return [norm, *arabic_stems(norm)]
    if lang in MORPHY:
        if not CYRILLIC.search(word) or not word.isalpha():
            return []
        return [normalize(lemma) for lemma in lemmas(lang, word)]
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


def query_texts(lang: str, word: str) -> list[str]:
    """What a query word (lower case, NFC) stands for in ``lang`` (``analysis.query_keys``)."""
    if lang == "ar":
        if not ARABIC.search(word):
            return []
        norm = normalize(word)
        return [norm, norm[2:]] if norm.startswith("ال") and len(norm) > 4 else [norm]
    if lang in MORPHY:
        if not CYRILLIC.search(word) or not word.isalpha():
            return []
        found = lemmas(lang, word)
        own = [lemma for lemma in found if lemma == word]
        return [normalize(lemma) for lemma in own or found]
    texts = word_texts(lang, word)
    if lang != "en":
        return texts
    # An -ing query word is keyed on its inflected forms only; any other on its stem.
    verbal = [text for text in texts if text.endswith(INFLECTED)]
    if verbal and word.endswith(("ing", "ings")):
        return verbal
    return [text for text in texts if not text.endswith(INFLECTED)]


ANALYSERS = {
    "ar": "Arabic proclitics",
    "ru": "pymorphy3 ru",
    "uk": "pymorphy3 uk",
    **{lang: f"Snowball {name}" for lang, name in _SNOWBALL.items()},
}
