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

The analysers themselves are in ``stems``; the memo of article words' keys in ``memo``.
Everything here depends only on the word and the language: the memos are caches, not
state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from newswatch.text.normalize import normalize
from newswatch.text.stems import (
    ANALYSERS,
    ARABIC,
    CYRILLIC,
    LANGUAGES,
    MORPHY,
    lemmas,
    lowered,
    query_texts,
    word_texts,
)

Keys = frozenset[str]
# How an Arabic key begins, the language's own or pinned by a rule (``pinned``).
ARABIC_KEYS = ("ar:", "ar!:")


def lemmas_of(word: str) -> list[str]:
    """A Cyrillic word's Ukrainian and Russian lemmas, normalised (for place names: geo)."""
    word = lowered(word)
    if not CYRILLIC.search(word) or not word.isalpha():
        return []
    found = [normalize(lemma) for lang in MORPHY for lemma in lemmas(lang, word)]
    return [lemma for lemma in dict.fromkeys(found) if lemma != word]


def word_keys(lang: str, surface: str) -> Keys:
    """The keys of an article word (lower case, as written) in ``lang``: what it stands
    for, its own form included (``en:strike`` for ``strike``); empty when the language
    cannot analyse it (another script, a number). A matcher's memo keeps only the keys its
    rules have (``memo.KeyMemo``), so an article's key set stays small."""
    return frozenset(f"{lang}:{text}" for text in word_texts(lang, lowered(surface)))


def query_keys(lang: str, surface: str) -> Keys:
    """The keys of a query word in ``lang``: what it stands for, as for an article word,
    except that a word that is its own lemma keeps only that one, and an Arabic word only
    itself (and, written with the article, itself without it). A stem is a key of its
    language only: ``Hama``'s Spanish stem ``ham`` does not make it match an English
    ``ham``."""
    return frozenset(f"{lang}:{text}" for text in query_texts(lang, lowered(surface)))


@lru_cache(maxsize=1 << 16)
def term_keys(surface: str, langs: tuple[str, ...]) -> Keys:
    """A query word's keys in every language of ``langs``: one per language it can be a
    word of (one for an Arabic word, two for a Cyrillic one, five for a Latin one).
    A language written ``uk!`` is Ukrainian pinned by a rule (``pinned``)."""
    return frozenset().union(*(tagged(query_keys, lang, surface) for lang in langs))


def tagged(analyse: Callable[[str, str], Keys], lang: str, word: str) -> Keys:
    """``analyse(lang, word)``, its keys tagged ``uk!:`` when ``lang`` is pinned (``uk!``)."""
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
    if not ARABIC.match(prefix):
        return ()
    return tuple(f"{lang}:{prefix}" for lang in langs if lang in ("ar", "ar!"))


def article_languages(language: str | None) -> tuple[str, ...]:
    """The analysers an article is read with: its language when newswatch analyses it;
    every analyser when the language is unknown or mixed (``None``: the safe union, since a
    missed alert costs more than a rare extra one); none for a language it does not
    analyse (words then match their exact forms only)."""
    if language is None:
        return LANGUAGES
    code = language.lower()[:2]
    return (code,) if code in LANGUAGES else ()


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
    parts = [f"{lang} by {ANALYSERS[lang]}" for lang in langs]
    parts += [f"{tag[:-1]} by {ANALYSERS[tag[:-1]]} (a rule's lang:)" for tag in pinned]
    return head + (" — " + ", ".join(parts) if parts else "")
