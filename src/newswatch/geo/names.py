"""Which of a place's names are worth matching, and which words are ordinary words.

GeoNames' alternate names mix real exonyms (Halab, Alep, حلب, Алеппо) with noise that would
only produce false matches: airport codes (``ALP``, ``TIP``), lowercase machine
transliterations (``hlb``, ``de li bo li``), three-letter Latin variants (``Ben`` for Bern,
``Tor`` for Sloviansk) and names in scripts written without spaces, which whole-word
matching can never find in running text. Calendar words are never places ("in March").
"""

from __future__ import annotations

import re

# Thai, Lao, Tibetan, Myanmar, Khmer, kana, CJK: no spaces between words.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
)
_ARABIC = re.compile("[\u0600-\u06ff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")

# Above this Zipf frequency (≈ once per 10,000 words) a word is common in its language; above
# the second it is a function word ("of", "most", "так", "كان") that is never read as a place.
_COMMON_ZIPF = {"en": 3.5, "ru": 4.5, "ar": 5.3}
_FUNCTION_ZIPF = {"en": 5.8, "ru": 5.8, "ar": 6.0}
# Names this prominent are what the word usually means, even when it is frequent
# ("Paris", "London", "Moscow").
PROMINENT_POPULATION = 1_000_000


def keep_alternate(name: str) -> bool:
    if not name or _UNSPACED.search(name):
        return False
    if name.isascii():
        if name == name.lower():
            return False
        if name.isupper() and len(name) <= 4:
            return False
    return True


def usable_key(key: str, primary: str) -> bool:
    """Long enough to be a name: three letters, four for a Latin variant ("Ben" is a
    spelling of Bern only in GeoNames)."""
    letters = len(key) - key.count(" ")
    return letters >= 3 and (letters > 3 or key == primary or not key.isascii())


def language_of(key: str) -> str:
    if _ARABIC.search(key):
        return "ar"
    if _CYRILLIC.search(key):
        return "ru"
    return "en"


# Months and weekdays: "in March" is a date, never the town.
def word_set(text: str) -> frozenset[str]:
    """A word list written as text (easier to read and edit than a list literal)."""
    return frozenset(text.split())


_CALENDAR = word_set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def word_commonness(key: str, surface: str) -> int:
    """0 for a name that is no ordinary word; 1 for a frequent word of its script's language
    ("nice", "reading", "bar"; "صور"; "мира"); 2 for a function word ("of", "كان", "так").
    Multi-word names are never ordinary words. Both the key and the word as written are
    looked up: normalisation can turn a common word into a rare spelling (مدينة → مدينه)."""
    if key in _CALENDAR:
        return 2
    if " " in key:
        return 0
    from wordfreq import zipf_frequency  # ~0.3 s to import: only once recognition starts

    lang = language_of(key)
    zipf = max(zipf_frequency(key, lang), zipf_frequency(surface, lang))
    if zipf >= _FUNCTION_ZIPF[lang]:
        return 2
    return 1 if zipf >= _COMMON_ZIPF[lang] else 0
