"""Find place names in text and note the cues that say whether each is really a place.

A mention is the longest run of tokens whose key is in the gazetteer's index. Its cues come
from the original text, which normalisation has lowercased: capitalisation (a lowercase
"nice" is an adjective), position (the first word of a sentence or of a Title-Cased
Headline is capitalised whatever it is), the preceding word ("in", "near", "في", "в") and
whether the name sits inside a longer name: after a capitalised word (the "Michael" of
"Michael Jordan") or hyphenated to the word before it (the "Numan" of "Maarat al-Numan").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.tokens import Tok

# Words after which a capitalised name is most likely a location.
LOCATIVES = frozenset(
    [
        "in",
        "near",
        "from",
        "at",
        "to",
        "outside",
        "around",
        "into",
        "across",
        "toward",
        "towards",
        "of",
        "on",
        "via",
        "inside",
        "в",
        "во",
        "из",
        "под",
        "около",
        "возле",
        "у",
        "до",
        "к",
        "на",
        "над",
        "под",
        "между",
        "في",
        "من",
        "الى",
        "الي",
        "قرب",
        "بالقرب",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "مدينه",
        "محافظه",
        "ريف",
        "حول",
        "داخل",
    ]
)
# Capitalised words that begin a place's description rather than a person's name.
_NOT_FIRST_NAMES = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "greater",
        "upper",
        "lower",
        "old",
        "new",
        "rural",
        "downtown",
        "al",
        "el",
        "ar",
        "as",
        "ad",
        "at",
        "ash",
        "an",
        "ad",
        "de",
        "la",
        "le",
        "los",
        "las",
        "san",
    ]
)
_SENTENCE_END = frozenset(".!?…\n\r\u061f")
_OPENERS = "\"'«“‘([—–- \t"
# A multi-word name must be written as one phrase: only spaces or hyphens between words.
_PHRASE_GAP = re.compile(r"[\s\-‐]{1,3}")
_JOINERS = frozenset("-‐'’")
_CYRILLIC_END1 = frozenset("аеиоуыюяй")
_CYRILLIC_END2 = frozenset(["ом", "ем", "ой", "ей", "ою", "ью", "ах", "ях", "ам", "ям", "ов", "ев"])
_ARABIC_PROCLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class Mention:
    key: str
    surface: str
    field: str  # "title" or "text"
    start: int
    candidates: tuple[int, ...]
    inflected: bool  # found only after removing a Russian ending or an Arabic prefix
    cased: bool  # written in a script with capital letters
    lowercase: bool
    uncertain_case: bool  # sentence start, Title-Cased Headline, ALL CAPS: case says nothing
    locative: bool
    inside_name: bool


def find_mentions(
    gazetteer: Gazetteer, toks: Sequence[Tok], source: str, field: str, title_cased: bool
) -> list[Mention]:
    mentions: list[Mention] = []
    i, n = 0, len(toks)
    while i < n:
        length, key, ids, inflected = _longest(gazetteer, toks, i, source)
        if not ids:
            i += 1
            continue
        mentions.append(_mention(toks, i, length, key, ids, inflected, source, field, title_cased))
        i += length
    return mentions


def _longest(
    gazetteer: Gazetteer, toks: Sequence[Tok], i: int, source: str
) -> tuple[int, str, tuple[int, ...], bool]:
    word = toks[i][0]
    longest = gazetteer.index.max_len.get(word, 0)
    for length in range(min(longest, len(toks) - i), 1, -1):
        if not _is_phrase(toks, i, length, source):
            continue
        key = " ".join(t[0] for t in toks[i : i + length])
        ids = gazetteer.index.get(key)
        if ids:
            return length, key, ids, False
    ids = gazetteer.index.get(word) if longest else ()
    if ids:
        return 1, word, ids, False
    for variant in _base_forms(word):
        ids = gazetteer.index.get(variant)
        if ids:
            return 1, variant, ids, True
    return 1, word, (), False


def _is_phrase(toks: Sequence[Tok], i: int, length: int, source: str) -> bool:
    return all(
        _PHRASE_GAP.fullmatch(source[toks[k][2] : toks[k + 1][1]]) for k in range(i, i + length - 1)
    )


def _base_forms(word: str) -> list[str]:
    """Dictionary forms an inflected Russian word or a prefixed Arabic word may have:
    "Газиантепе" → "газиантеп", "Москве" → "москва", "وحلب" → "حلب"."""
    if len(word) < 5:
        return _arabic_bases(word) if len(word) == 4 else []
    first = word[0]
    if "\u0400" <= first <= "\u04ff":
        forms: list[str] = []
        if word[-2:] in _CYRILLIC_END2:
            forms += [word[:-2], word[:-2] + "а", word[:-2] + "ь"]
        if word[-1] in _CYRILLIC_END1:
            stem = word[:-1]
            forms += [stem, stem + "а", stem + "я", stem + "ь", stem + "й"]
        return forms
    return _arabic_bases(word)


def _arabic_bases(word: str) -> list[str]:
    if not "\u0600" <= word[0] <= "\u06ff":
        return []
    return [
        word[len(p) :] for p in _ARABIC_PROCLITICS if word.startswith(p) and len(word) - len(p) >= 3
    ]


def _mention(
    toks: Sequence[Tok],
    i: int,
    length: int,
    key: str,
    ids: tuple[int, ...],
    inflected: bool,
    source: str,
    field: str,
    title_cased: bool,
) -> Mention:
    start, end = toks[i][1], toks[i + length - 1][2]
    surface = source[start:end]
    first = surface[0]
    cased = first.lower() != first.upper()
    letters = [c for c in surface if c.isalpha()]
    all_caps = len(letters) > 1 and all(c.isupper() for c in letters)
    return Mention(
        key=key,
        surface=surface,
        field=field,
        start=start,
        candidates=tuple(ids),
        inflected=inflected,
        cased=cased,
        lowercase=cased and first.islower(),
        uncertain_case=_sentence_start(source, start) or title_cased or all_caps,
        locative=i > 0 and toks[i - 1][0] in LOCATIVES,
        inside_name=_inside_name(toks, i, source, title_cased),
    )


def _sentence_start(source: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and source[k] in _OPENERS:
        k -= 1
    return k < 0 or source[k] in _SENTENCE_END


def _inside_name(toks: Sequence[Tok], i: int, source: str, title_cased: bool) -> bool:
    if i == 0:
        return False
    norm, start, end = toks[i - 1]
    gap = source[end : toks[i][1]]
    if gap in _JOINERS:
        return True
    if title_cased or not gap.isspace() or norm in _NOT_FIRST_NAMES or norm in LOCATIVES:
        return False
    word = source[start:end]
    return word[0].isupper() and not word.isupper() and not _sentence_start(source, start)


def is_title_cased(title: str, toks: Sequence[Tok]) -> bool:
    """Headline Style Capitalises Most Words, so capitals there say nothing."""
    words = [title[s:e] for _, s, e in toks if e - s >= 4]
    cased = [w for w in words if w[0].lower() != w[0].upper()]
    if len(cased) < 3:
        return False
    return sum(w[0].isupper() for w in cased) >= 0.7 * len(cased)
