"""Bytes → text for HTML pages.

Order (the fetch stage applies the HTTP header's charset before this and passes ``str``):
1. a byte-order mark;
2. strict UTF-8, when the bytes are valid UTF-8: legacy-encoded text with non-ASCII bytes is
   almost never valid UTF-8 by accident, while pages re-saved or re-served as UTF-8 often keep
   a stale ``<meta charset>`` (e.g. ``gb2312``) that would turn them into mojibake;
3. the ``<meta charset>`` or ``http-equiv=Content-Type`` declaration in the first 4 KB;
4. charset_normalizer's statistical guess (unlabelled legacy encodings).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from newswatch.errors import ExtractError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard); pages rely on it.
_WHATWG_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_SNIFF_BYTES = 4096
_MAX_NUL_SHARE = 0.01
_MIN_NULS = 8
_TAG = re.compile(r"<\s*(?:!doctype|[a-zA-Z][a-zA-Z0-9-]*)[\s>/]")


def decode_html(data: bytes) -> str:
    """Decode a page's bytes; never fails (undecodable bytes become U+FFFD)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(data[:_SNIFF_BYTES])
    if declared:
        return data.decode(declared, errors="replace")
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("cp1252", errors="replace")


def declared_encoding(head: bytes) -> str | None:
    """The Python codec a page declares in a ``<meta>`` tag, if Python knows it."""
    found = _META_CHARSET.search(head)
    if not found:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii").lower()).name
    except LookupError:
        return None
    # A page served as UTF-16 would not have an ASCII-readable meta tag: the label is wrong.
    if name.startswith("utf-16"):
        return "utf-8"
    return _WHATWG_ALIASES.get(name, name)


def ensure_html(text: str) -> str:
    """``text`` ready for the parser; :class:`ExtractError` unless it looks like markup at all."""
    head = text[:_SNIFF_BYTES]
    # Binary files (PDF, images) are full of NULs; a stray one in a page is just dropped.
    nuls = head.count("\x00")
    if (nuls > _MIN_NULS and nuls > _MAX_NUL_SHARE * len(head)) or not _TAG.search(text[:200_000]):
        raise ExtractError(
            "input is not HTML", hint="pass a web page (HTML); feeds go in a feed source"
        )
    return text.replace("\x00", "")
