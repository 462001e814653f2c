"""Language of a text when the page does not declare one."""

from __future__ import annotations

import threading

import py3langid

# Identification on a few hundred characters is as good as on the whole body and far cheaper.
_SAMPLE_CHARS = 2000
_MIN_CHARS = 40
# py3langid loads its model (~75 MB) on first use without a lock: worker threads arriving
# together would each load one (8 workers peaked at 680 MB, past the unit's MemoryMax).
_FIRST_USE = threading.Lock()
_loaded = False


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
