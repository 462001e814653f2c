"""Language of a text when the page does not declare one."""

from __future__ import annotations

import py3langid

# Identification on a few hundred characters is as good as on the whole body and far cheaper.
_SAMPLE_CHARS = 2000
_MIN_CHARS = 40


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code) if code else None
