"""Bytes to text for fetched documents, in the order browsers trust the evidence.

1. A byte-order mark (it cannot be there by accident).
2. The charset in Content-Type, if the body actually decodes with it.
3. A ``<meta charset>`` / ``http-equiv`` or ``<?xml encoding=?>`` declaration, same test.
4. Statistical detection (charset_normalizer) — for pages that say nothing or lie.
5. UTF-8 with replacement characters, so a page never fails on encoding alone.

Latin-1 style labels decode any byte string, so "it decodes" proves nothing for them: a
meta declaration or the detector may overrule them.
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
WEAK_LABELS = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii"})
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.I,
)
SNIFF_BYTES = 4096


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def header_charset(headers: Mapping[str, str]) -> str | None:
    match = _HEADER_CHARSET.search(headers.get("content-type", "") or "")
    return _codec(match.group(1)) if match else None


def declared_charset(body: bytes) -> str | None:
    match = _DECLARED.search(body[:SNIFF_BYTES])
    if not match:
        return None
    label = match.group(1) or match.group(2)
    return _codec(label.decode("ascii", "ignore"))


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


def decode(body: bytes, headers: Mapping[str, str]) -> str:
    # 1.
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    # 2. and 3.
    weak: str | None = None
    for label in (header_charset(headers), declared_charset(body)):
        text = _strict(body, label)
        if text is None:
            continue
        if label not in WEAK_LABELS:
            return text
        weak = weak or text
    if weak is None and (text := _strict(body, "utf-8")) is not None:
        return text
    # 4.
    guessed = _strict(body, _detected(body))
    if guessed is not None:
        return guessed
    # 5.
    return weak if weak is not None else body.decode("utf-8", "replace")
