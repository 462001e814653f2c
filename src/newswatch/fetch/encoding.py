"""Bytes to text for every fetched document (feeds, listings, sitemaps, articles): the one
decoder, in this order of evidence.

1. A byte-order mark: it cannot be there by accident (browsers let it beat the header too).
2. The charset in Content-Type, if the body strictly decodes with it. The server's word
   about these very bytes comes before anything inside them, as in browsers: on a short
   page a detector's guess is often wrong, and the header is the only other witness.
3. Strict UTF-8. Legacy-encoded text with non-ASCII bytes is almost never valid UTF-8 by
   accident, while pages re-saved as UTF-8 often keep a stale ``<meta charset>``.
4. The document's own declaration (``<meta charset>``, ``http-equiv``, ``<?xml encoding?>``)
   in its first 4 KB, read as browsers read labels (WHATWG: ISO-8859-1 means windows-1252,
   GB2312 means GB18030), if the body strictly decodes with it.
5. Statistical detection (charset_normalizer), for pages that say nothing or lie.
6. A Latin-1-style label from 2 or 4 as windows-1252, else the declared label, else
   UTF-8, with replacement characters: a page never fails on its encoding alone.

Latin-1-style labels decode any byte string, so "it decodes" proves nothing for them: they
wait until the detector had its say (servers' default ``charset=ISO-8859-1`` often sits on
Cyrillic or Arabic pages).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

import charset_normalizer

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels as browsers read them (WHATWG Encoding Standard); pages rely on it.
_WHATWG_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# What ISO-8859-1, ASCII and windows-1252 labels become: any byte string decodes with it.
WEAK_LABELS = frozenset({"cp1252"})
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.I,
)
SNIFF_BYTES = 4096


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def header_charset(headers: Mapping[str, str]) -> str | None:
    """The Python codec of Content-Type's charset, if Python knows it."""
    match = _HEADER_CHARSET.search(headers.get("content-type", "") or "")
    return _codec(match.group(1)) if match else None


def declared_charset(body: bytes) -> str | None:
    """The Python codec a document declares in its first bytes, as a browser reads it."""
    match = _DECLARED.search(body[:SNIFF_BYTES])
    if not match:
        return None
    name = _codec((match.group(1) or match.group(2)).decode("ascii", "ignore"))
    if name is None:
        return None
    # A document in UTF-16 would not have an ASCII-readable declaration: the label is wrong.
    if name.startswith("utf-16"):
        return "utf-8"
    return name


def _strict(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body).best()
    return _codec(best.encoding) if best is not None else None


def _bom(body: bytes) -> str | None:
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    return None


def decode(body: bytes, headers: Mapping[str, str]) -> str:
    """``body`` as text, by the evidence above (``headers`` as received, lower-case keys
    or a case-insensitive mapping). Never fails."""
    from_bom = _bom(body)  # 1.
    if from_bom is not None:
        return from_bom
    header = header_charset(headers)
    if header not in WEAK_LABELS and (text := _strict(body, header)) is not None:  # 2.
        return text
    if (text := _strict(body, "utf-8")) is not None:  # 3.
        return text
    declared = declared_charset(body)
    if declared not in WEAK_LABELS and (text := _strict(body, declared)) is not None:  # 4.
        return text
    guessed = _strict(body, _detected(body))  # 5.
    if guessed is not None:
        return guessed
    weak = header if header in WEAK_LABELS else declared if declared in WEAK_LABELS else None
    return body.decode(weak or declared or "utf-8", "replace")  # 6.
