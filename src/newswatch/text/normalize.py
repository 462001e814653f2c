"""Text normalisation shared by queries, articles and place names.

One function decides what "the same word" means everywhere: Unicode NFKC, case folding,
diacritics removed (``Ḥalab`` → ``halab``), Arabic tashkeel and tatweel removed and
alef / yaa / taa-marbuta variants unified. Tokens are runs of letters, digits and combining
marks of any script; everything else (spaces, punctuation, hyphens, apostrophes, ``_``)
separates. See docs/matching.md for the decisions and their reasons.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, filterfalse, repeat
from operator import add

from newswatch.text._marks import MARKS

# Only the diacritic blocks (Latin/Greek/Cyrillic accents, Hebrew points) are stripped, not
# every combining mark: an Indic virama or vowel sign is part of the word's spelling.
_DIACRITICS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05c7]"
)
# Tashkeel, superscript alef, Quranic marks, tatweel; hamza above/below (U+0654/0655) too,
# which after NFD is what unifies أ/إ with ا.
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# The letters NFD cannot take apart: a stroke or bar (Łódź is lodz, Đakovo dakovo), the
# Turkish dotless i (SALDIRI and saldırı both give saldiri), and the two Latin ligatures,
# as Lucene's ASCII folding maps them. Upper case is folded to these first.
_LATIN_FOLD = {
    "\u0131": "i",  # ı
    "\u0142": "l",  # ł
    "\u00f8": "o",  # ø
    "\u0111": "d",  # đ
    "\u0127": "h",  # ħ
    "\u0167": "t",  # ŧ
    "\u0180": "b",  # ƀ
    "\u01e5": "g",  # ǥ
    "\u0268": "i",  # ɨ
    "\u01b6": "z",  # ƶ
    "\u00e6": "ae",  # æ
    "\u0153": "oe",  # œ
}
_FOLD = str.maketrans(
    {
        **_LATIN_FOLD,
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0622": "\u0627",  # آ → ا
        "\u0671": "\u0627",  # ٱ → ا
        "\u0649": "\u064a",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        "\u0624": "\u0648",  # ؤ → و
        "\u0626": "\u064a",  # ئ → ي
        # Persian and Urdu letter forms, as Lucene's Persian normaliser unifies them: a name
        # typed on a Persian keyboard (کوبانی) is the Arabic spelling (كوباني).
        "\u06a9": "\u0643",  # ک → ك
        "\u06cc": "\u064a",  # ی → ي
        "\u06d2": "\u064a",  # ے → ي
        "\u06c1": "\u0647",  # ہ → ه
        "\u06c0": "\u0647",  # ۀ → ه
        # Arabic-Indic and Persian digits are the digits they mean: ٢٠٢٦ is 2026.
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
# Invisible format characters that sit inside words and mean nothing to a reader: the soft
# hyphen (``&shy;``, which news sites put into long words: ``Luft&shy;angriffe``), zero-width
# joiner, word joiner, zero-width no-break space, and the direction marks and embeddings of
# Arabic and Hebrew text. They are part of the token and normalised away, so
# ``Alep\u00adpo`` is ``aleppo``. Not here: zero-width space and zero-width non-joiner, which
# separate words (Thai word breaks, Persian half-spaces; as Lucene's Persian analysis does).
INVISIBLE = "\u00ad\u061c\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_DROP_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# Python's \w has letters and digits of every script but not combining marks, so they are
# added: otherwise vowelled Arabic or Devanagari words would fall apart.
_TOKEN = re.compile(rf"(?:[^\W_]|[{MARKS}{INVISIBLE}])+")
# A keyed text (``surface``) holds no marks: its tokens are runs of letters and digits.
_ALNUM_RUN = re.compile(r"[^\W_]+")


# Elided articles and pronouns written onto the next word with an apostrophe (French,
# Italian and Catalan, the lists of Lucene's ElisionFilter for these languages): ``d'Alep``
# is the tokens ``d`` and ``alep``, and NEAR does not count the ``d`` as a word.
ELISIONS = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "v", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
    | {"all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl"}
    | {"negl", "sugl", "un"}
)
_APOSTROPHES = ("'", "\u2019")


def is_elided(text: str, end: int) -> bool:
    """Whether the token ending at ``end`` in ``text`` is elided onto the next word: an
    apostrophe follows, then a letter."""
    return text[end : end + 1] in _APOSTROPHES and text[end + 1 : end + 2].isalpha()


@dataclass(frozen=True)
class Token:
    """A normalised word and where it sits in the original text (character offsets)."""

    text: str
    start: int
    end: int


def normalize(text: str) -> str:
    """Drop invisible format characters; NFKC, case-fold, strip diacritics and Arabic marks,
    fold the Latin letters NFD keeps whole (ł, ø, ı, æ, …), unify Arabic letter variants."""
    folded = unicodedata.normalize("NFKC", _DROP_INVISIBLE.sub("", text)).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = _ARABIC_DIACRITICS.sub("", _DIACRITICS.sub("", decomposed))
    return unicodedata.normalize("NFC", stripped).translate(_FOLD)


# A memo, not state: the result depends only on the word. News vocabulary is Zipfian, so a
# bounded cache removes nearly all of the Unicode work from the per-article cost.
@lru_cache(maxsize=1 << 17)
def _normalize_word(word: str) -> str:
    return normalize(word)


def normalize_word(word: str) -> str:
    """``normalize`` for one token, fast for ASCII (where NFKC and folding reduce to lower)."""
    return word.lower() if word.isascii() else _normalize_word(word)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into normalised word tokens with their original offsets.

    ``air-strike`` is two tokens (``air``, ``strike``); ``Aleppo's`` is ``aleppo`` + ``s``;
    numbers are tokens (``2026``; ``1,000`` is ``1`` + ``000``); punctuation separates.
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        # A compatibility character may expand to several words (U+FDFA): one token each.
        for norm in normalize_word(m.group()).split():
            tokens.append(Token(norm, m.start(), m.end()))
    return tokens


# The fast path splits on ASCII separators (and lower-cases ASCII letters) with a C-level
# byte translation, then re-splits only the tokens holding non-ASCII characters with the full
# regex, through a memo. The result is exactly ``[t.text for t in tokenize(text)]`` (a
# property test holds it to that), several times faster, and this is most of the
# per-article cost of matching.
_ASCII_FOLD = bytes(c if c >= 128 or chr(c).isalnum() else 32 for c in bytes(range(256)).lower())
# A memo, not state: the value depends only on the key. Cleared when large, so bounded.
# Values are the normalised tokens joined by spaces, so whole texts join and split in C.
_SPLIT: dict[str, str] = {}
_SPLIT_MAX = 1 << 18


def ascii_fold(text: str) -> str:
    """``text`` with ASCII letters lower-cased and every other ASCII character a space, one
    character for one (so offsets stay valid); other characters are left as they are."""
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_FOLD)
    return data.decode("utf-8", "surrogatepass")


def _rough(text: str) -> list[str]:
    return ascii_fold(text).split()


def _normalized(roughs: list[str]) -> list[str]:
    try:
        return " ".join(map(_SPLIT.__getitem__, roughs)).split()
    except KeyError:
        pass  # new words: fill the memo, then the same C-level join
    missing = [r for r in set(roughs) if r not in _SPLIT]
    if len(_SPLIT) + len(missing) > _SPLIT_MAX:
        _SPLIT.clear()
        _UNCHANGED.clear()
        missing = list(set(roughs))
    for rough in missing:
        _SPLIT[rough] = norm = " ".join(map(normalize_word, _TOKEN.findall(rough)))
        if norm == rough:
            _UNCHANGED.add(rough)
    return " ".join(map(_SPLIT.__getitem__, roughs)).split()


# Rough pieces that are already one normalised token (most lower-case words of any script):
# a set intersection takes them all at once. A memo like ``_SPLIT``, cleared with it.
_UNCHANGED: set[str] = set()


def surface_words(text: str) -> set[str]:
    """The distinct tokens of ``text`` lower-cased but otherwise as written (``київ``, not
    the normalised ``киів``): what a dictionary lemmatiser or a stemmer needs to see.
    Split as ``token_forms`` splits: ASCII separators in C, the few odd pieces by regex."""
    pieces = set(_rough(text.lower()))
    odd = list(filterfalse(str.isalnum, pieces))
    if odd:
        pieces.difference_update(odd)
        pieces.update(_TOKEN.findall(" ".join(odd)))
    return pieces


def token_words(text: str) -> list[str]:
    """The normalised tokens of ``text`` in order, without offsets (the cheap path)."""
    roughs = _rough(text)
    return roughs if text.isascii() else _normalized(roughs)


def ascii_folded(text: str) -> bytes:
    """An ASCII ``text`` lower-cased with every separator turned into a space, framed by
    spaces: its tokens are exactly ``token_words(text)``, at the same offsets plus one, so a
    word's occurrences are ``bytes.find`` hits of `` word ``."""
    return b" " + text.encode("ascii").translate(_ASCII_FOLD) + b" "


def token_forms(text: str, keyed: str | None = None) -> tuple[set[str], str]:
    """The distinct normalised tokens of ``text`` (what the presearcher intersects with its
    keys), and a string holding each of them after a space: what its prefix automaton scans
    (for ASCII, the folded text itself, which saves joining the set).

    ``keyed``, if the caller has it, is ``surface.keyed_text(text)``: the text already
    normalised character for character, whose tokens are the alphanumeric runs, so no
    word needs normalising (about a fifth faster on Arabic or Cyrillic text).
    """
    if text.isascii():
        rough = text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
        return set(rough.split()), " " + rough
    if keyed is not None:
        tokens = set(_rough(keyed))
        # Pieces holding a non-ASCII separator (« — ،) are few: split them by the regex.
        odd = list(filterfalse(str.isalnum, tokens))
        if odd:
            tokens.difference_update(odd)
            tokens.update(_ALNUM_RUN.findall(" ".join(odd)))
        return tokens, " " + " ".join(tokens)
    roughs = set(_rough(text))
    tokens = roughs & _UNCHANGED
    tokens.update(_normalized(list(roughs - tokens)))
    return tokens, " " + " ".join(tokens)


def token_offsets(text: str) -> list[tuple[int, int]]:
    """``[(t.start, t.end) for t in tokenize(text)]`` by the fast path's splitting."""
    # The byte translation maps ASCII to ASCII and leaves other characters alone, so
    # character offsets in the translated text are offsets in ``text``. Only spaces
    # separate in ASCII text; every step of the C path below runs without bytecode per token.
    pieces = ascii_fold(text).split(" ")
    starts = list(compress(accumulate(map(add, map(len, pieces), repeat(1)), initial=0), pieces))
    pieces = list(filter(None, pieces))
    if text.isascii() or all(map(_WHOLE_WORDS.__contains__, pieces)):
        return list(zip(starts, map(add, starts, map(len, pieces)), strict=True))
    out: list[tuple[int, int]] = []
    for base, piece in zip(starts, pieces, strict=True):
        if piece in _WHOLE_WORDS:
            out.append((base, base + len(piece)))
            continue
        words = [
            (w.start(), w.end(), len(normalize_word(w.group()).split()))
            for w in _TOKEN.finditer(piece)
        ]
        if len(words) == 1 and words[0][:2] == (0, len(piece)) and words[0][2] == 1:
            if len(_WHOLE_WORDS) > _SPLIT_MAX:
                _WHOLE_WORDS.clear()
            _WHOLE_WORDS.add(piece)
        for start, end, count in words:
            out.extend([(base + start, base + end)] * count)
    return out


# Pieces (between spaces) that are exactly one token: their offsets need no regex.
_WHOLE_WORDS: set[str] = set()
