"""Find place names in text and note the cues that say whether each is really a place.

A mention is the longest run of tokens whose key is in the gazetteer's index. Its cues come
from the original text, which normalisation has lowercased: capitalisation (a lowercase
"nice" is an adjective), position (the first word of a sentence or of a Title-Cased
Headline is capitalised whatever it is), the preceding word ("in", "near", "في", "в") and
whether the name sits inside a longer name: after a capitalised word (the "Michael" of
"Michael Jordan"), before one ("Paris Hilton", "Tor Browser") or hyphenated to the word
before it (the "Numan" of "Maarat al-Numan").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from newswatch.geo.gazetteer import Gazetteer
from newswatch.geo.names import word_set
from newswatch.text.analysis import lemmas_of
from newswatch.text.pieces import Tokens

# Words after which a capitalised name is most likely a location.
LOCATIVES = word_set(
    "in near from at to outside around into across toward towards of on via inside в "
    "во из под около возле у до к на над под между في من الى الي قرب بالقرب شمال "
    "جنوب شرق غرب مدينه محافظه ريف حول داخل "
)
# "Nine of Swords", "the store on Westlake": too loose to vouch for a doubtful name
# (they still mark the word after them as no part of a longer name).
_LOOSE_LOCATIVES = word_set("of on")
_SUPPORTING = LOCATIVES - _LOOSE_LOCATIVES
# Capitalised words that begin a place's description rather than a person's name.
_NOT_FIRST_NAMES = word_set(
    "north south east west northern southern eastern western central greater upper "
    "lower old new rural downtown al el ar as ad at ash an ad de la le los las san "
)
# Words that, capitalised after a name, make it part of a place's name, not a person's.
_PLACE_WORDS = word_set(
    "province governorate city district county region oblast state airport port camp "
    "countryside municipality prefecture river valley border crossing bridge square "
    "street road highway university hospital "
)
_SENTENCE_END = frozenset(".!?…\n\r\u061f")
_OPENERS = "\"'«“‘([—–- \t"
# A multi-word name must be written as one phrase: only spaces or hyphens between words.
_PHRASE_GAP = re.compile(r"[\s\-‐'’]{1,3}")
_JOINERS = frozenset("-‐'’")
_CYRILLIC_END1 = frozenset("аеиоуыюяй")
_CYRILLIC_END2 = frozenset(["ом", "ем", "ой", "ей", "ою", "ью", "ах", "ях", "ам", "ям", "ов", "ев"])
_UNSEEN = object()
_ARABIC_PROCLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")


class Mention(NamedTuple):
    """A name found in the text (a NamedTuple: made ~100 times per article, in the hot loop)."""

    key: str
    surface: str
    field: str  # "title" or "text"
    start: int
    candidates: tuple[int, ...]
    inflected: bool  # found only after removing a Russian ending or an Arabic prefix
    cased: bool  # written in a script with capital letters
    uncertain_case: bool  # sentence start, Title-Cased Headline, ALL CAPS: case says nothing
    acronym: bool  # a short ALL-CAPS word in running text: "AJAX", "BAR", more often not a place
    locative: bool  # after "in", "near", "في", "в"…: a doubtful name is then a place
    inside_name: bool


def find_mentions(
    gazetteer: Gazetteer,
    toks: Tokens,
    field: str,
    title_cased: bool,
    base_memo: dict[str, str | None],
) -> list[Mention]:
    """Leftmost-longest matches of gazetteer keys over the tokens.

    The hot loop: set operations (in C) pick the words that can start a name or be an
    inflected one, and only their positions are visited. ``base_memo`` remembers, per
    Arabic or Cyrillic word, the name it is an inflected form of (or None).
    """
    index = gazetteer.index
    ids, prefixes, shared = index.ids, index.prefixes, index.shared
    norms = toks.norms
    words = set(norms)
    named = words & ids.keys()  # C-level, iterates the smaller side; "words - keys" would not
    starts = named | (words & prefixes)
    bases = {
        w: b
        for w in words - named
        if w[0] >= "\u0400" and w not in LOCATIVES and (b := _base(w, ids, prefixes, base_memo))
    }
    starts -= LOCATIVES  # "in", "مدينة", "в": cue words, never names themselves
    interesting = starts | bases.keys()
    mentions: list[Mention] = []
    done = 0  # tokens before this one belong to an earlier mention
    for i in [i for i, w in enumerate(norms) if w in interesting]:
        if i < done:
            continue
        word = norms[i]
        found, length = _match_at(ids, prefixes, toks, i, word) if word in starts else (None, 1)
        inflected = found is None and word in bases and _may_inflect(toks, i)
        if inflected:
            found, length = _match_at(ids, prefixes, toks, i, bases[word])
        if found is None:
            continue
        value = ids[found]
        candidates = (value,) if value >= 0 else shared[-1 - value]
        mention = _mention(toks, i, length, found, candidates, inflected, field, title_cased)
        if mention is not None:
            mentions.append(mention)
        done = i + length
    return mentions


def _match_at(
    ids: dict[str, int], prefixes: set[str], toks: Tokens, i: int, first: str
) -> tuple[str | None, int]:
    if first not in ids:
        # Only the start of longer names ("the", "al", "new"): go on only if the next
        # word continues one of them.
        pair = f"{first} {toks.norms[i + 1]}" if i + 1 < len(toks.norms) else ""
        if pair not in ids and pair not in prefixes:
            return None, 1
    return _longest(ids, prefixes, toks, i, first)


def _longest(
    ids: dict[str, int], prefixes: set[str], toks: Tokens, i: int, first: str
) -> tuple[str | None, int]:
    """The longest key starting at token i, read as ``first`` (its base form, if any)."""
    norms, n = toks.norms, len(toks.norms)
    key = first
    found, length, j = (key if key in ids else None), 1, i
    while key in prefixes and j + 1 < n:
        j += 1
        key = f"{key} {norms[j]}"
        if key in ids and _is_phrase(toks, i, j - i + 1):
            found, length = key, j - i + 1
    return found, length


def _is_phrase(toks: Tokens, i: int, length: int) -> bool:
    return all(_PHRASE_GAP.fullmatch(toks.gap(k)) for k in range(i + 1, i + length))


def _may_inflect(toks: Tokens, i: int) -> bool:
    # Russian place names are capitalised; Arabic has no capitals to tell.
    if "\u0400" <= toks.norms[i][0] <= "\u04ff":
        return toks.text[toks.span(i)[0]].isupper()
    return True


def _base(
    word: str, ids: dict[str, int], prefixes: set[str], memo: dict[str, str | None]
) -> str | None:
    # One get, not "in" then "[]": the pipeline's worker threads share this memo and
    # another may clear it in between.
    known = memo.get(word, _UNSEEN)
    if known is not _UNSEEN:
        return None if known is None else str(known)
    if len(memo) > 100_000:
        memo.clear()
    found = memo[word] = next((b for b in _base_forms(word) if b in ids or b in prefixes), None)
    return found


def cyrillic_lemmas(word: str) -> list[str]:
    """The Ukrainian and Russian lemmas of a normalised Cyrillic word (text.analysis)."""
    return lemmas_of(word)


def _base_forms(word: str) -> list[str]:
    """Dictionary forms an inflected Russian word or a prefixed Arabic word may have:
    "Газиантепе" → "газиантеп", "Москве" → "москва", "وحلب" → "حلب"."""
    if len(word) < 5:
        return _arabic_bases(word) if len(word) >= 3 else []
    first = word[0]
    if "\u0400" <= first <= "\u04ff":
        # The dictionaries' lemmas first: they know the vowel changes endings cannot
        # ("Харкові" → "харків", "Києві" → "київ"); the endings below catch the rest.
        forms: list[str] = cyrillic_lemmas(word)
        if word[-2:] in _CYRILLIC_END2:
            forms += [word[:-2], word[:-2] + "а", word[:-2] + "ь"]
        if word[-1] in _CYRILLIC_END1:
            stem = word[:-1]
            forms += [stem, stem + "а", stem + "я", stem + "ь", stem + "й", stem + "е", stem + "о"]
        return forms
    return _arabic_bases(word)


def _arabic_bases(word: str) -> list[str]:
    """Without the conjunction or preposition glued to it ("وحلب" → "حلب"), and with or
    without the article ("الخرطوم" → "خرطوم": GeoNames has one or the other)."""
    if not "\u0600" <= word[0] <= "\u06ff":
        return []
    stems = [word[len(p) :] for p in _ARABIC_PROCLITICS if word.startswith(p)]
    forms: list[str] = []
    for stem in [word, *stems]:
        forms.append(stem)
        forms.append(stem[2:] if stem.startswith("ال") else "ال" + stem)
    # Two letters can still begin a longer name ("ام" of "ام درمان").
    return [f for f in dict.fromkeys(forms) if f != word and len(f) >= 2]


def _mention(
    toks: Tokens,
    i: int,
    length: int,
    key: str,
    ids: tuple[int, ...],
    inflected: bool,
    field: str,
    title_cased: bool,
) -> Mention | None:
    """The mention with its cues; None for a lowercase word in a cased script ("the bar",
    "a new van"), which is never a place name."""
    source = toks.text
    start, end = toks.span(i)
    if length > 1:
        end = toks.span(i + length - 1)[1]
    first = source[start]
    if first.islower():
        return None
    surface = source[start:end]
    cased = first.isupper()
    all_caps = len(surface) > 1 and surface.isupper()
    return Mention(
        key=key,
        surface=surface,
        field=field,
        start=start,
        candidates=ids,
        inflected=inflected,
        cased=cased,
        uncertain_case=title_cased or all_caps or _sentence_start(source, start),
        acronym=all_caps and length == 1 and len(surface) <= 5 and field == "text",
        locative=i > 0 and toks.norms[i - 1] in _SUPPORTING,
        inside_name=(i > 0 and _inside_name(toks, i, start, title_cased))
        or (not title_cased and _before_name(toks, i + length, end)),
    )


def _sentence_start(source: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and source[k] in _OPENERS:
        k -= 1
    return k < 0 or source[k] in _SENTENCE_END


def _inside_name(toks: Tokens, i: int, start: int, title_cased: bool) -> bool:
    """After a hyphen, or after a capitalised word that does not open the sentence."""
    prev_start, prev_end = toks.span(i - 1)
    gap = toks.text[prev_end:start]
    if gap in _JOINERS:
        return True
    norm = toks.norms[i - 1]
    if title_cased or not gap.isspace() or norm in _NOT_FIRST_NAMES or norm in LOCATIVES:
        return False
    word = toks.text[prev_start:prev_end]
    return word[0].isupper() and not word.isupper() and not _sentence_start(toks.text, prev_start)


def _before_name(toks: Tokens, k: int, end: int) -> bool:
    """Followed by a capitalised word, as in "Paris Hilton", "Tor Browser", "Federal
    Reserve" — unless that word says what kind of place it is ("Aleppo Governorate")."""
    if k >= len(toks) or toks.norms[k] in _PLACE_WORDS:
        return False
    start, _ = toks.span(k)
    if not toks.text[end:start].isspace():
        return False
    first = toks.text[start]
    return first.isupper()


def is_title_cased(toks: Tokens) -> bool:
    """Headline Style Capitalises Most Words, so capitals there say nothing."""
    spans = (toks.span(i) for i in range(len(toks)))
    words = [toks.text[s:e] for s, e in spans if e - s >= 4]
    cased = [w for w in words if w[0].lower() != w[0].upper()]
    if len(cased) < 3:
        return False
    return sum(w[0].isupper() for w in cased) >= 0.7 * len(cased)
