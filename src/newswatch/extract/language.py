"""Language of a text when the page does not declare one."""

from __future__ import annotations

import re
import threading

import py3langid

# Identification on a few hundred characters is as good as on the whole body and far cheaper.
_SAMPLE_CHARS = 2000
_MIN_CHARS = 40
# py3langid loads its model (~75 MB) on first use without a lock: worker threads arriving
# together would each load one (8 workers peaked at 680 MB, past the unit's MemoryMax).
_FIRST_USE = threading.Lock()
_loaded = False


# The script each declared language is written in, for the languages whose script tells
# them apart; a declaration in a Latin-script language is checked as Latin.
_SCRIPTS = {
    "Arabic": (re.compile("[\u0600-\u06ff]"), {"ar", "fa", "ur", "ps", "ku"}),
    "Cyrillic": (re.compile("[\u0400-\u04ff]"), {"ru", "uk", "be", "bg", "sr", "mk", "kk"}),
}
_LETTER = re.compile(r"[^\W\d_]")


def checked_language(declared: str | None, text: str) -> str | None:
    """The article's language: the page's declaration, unless its text is mostly in
    another script (a site-wide ``<html lang="en">`` on an Arabic story), when the
    detector decides; the detector alone when the page declares nothing."""
    if not declared:
        return detect_language(text)
    sample = text[:_SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < _MIN_CHARS:
        return declared
    for pattern, languages in _SCRIPTS.values():
        share = len(pattern.findall(sample)) / letters
        if (share > 0.5) != (declared in languages):
            return detect_language(text)
    return declared


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    code, _score = _classify(sample)
    return str(code) if code else None


def _classify(sample: str) -> tuple[str, float]:
    global _loaded
    if not _loaded:
        with _FIRST_USE:
            result = py3langid.classify(sample)
            _loaded = True
            return result  # type: ignore[no-any-return]
    return py3langid.classify(sample)  # type: ignore[no-any-return]
