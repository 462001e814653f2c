"""What changed in a story's lead: the signal for an ``updates: true`` follow-up alert.

Wire stories are updated in place as a death toll rises; the number in the lead is what
a reader needs to hear about again, while re-worded sentences are not.
"""

from __future__ import annotations

import re

LEAD_WORDS = 60
# A number with the word after it, for context ("15 people", "3,000 displaced").
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.]\d{3})+|\d+)(?![\w])(?:\s+([^\W\d_]+))?")
_WORD = re.compile(r"\S+")


def _lead(text: str) -> str:
    words = _WORD.findall(text)
    return " ".join(words[:LEAD_WORDS])


def _numbers(lead: str) -> dict[int, str]:
    """Numbers in the lead → the number as written with its following word."""
    found: dict[int, str] = {}
    for m in _NUMBER.finditer(lead):
        written = m.group(1)
        value = int(re.sub(r"[,.]", "", written))
        if written.isdigit() and len(written) == 4 and 1900 <= value <= 2100:
            continue  # a year, not a count
        found.setdefault(value, " ".join(filter(None, [m.group(1), m.group(2)])))
    return found


def substantive_change(old_text: str, new_text: str) -> str | None:
    """A short description of a new number in the lead of ``new_text``, or None.

    >>> substantive_change("An airstrike killed 12 people in Aleppo.",
    ...                    "An airstrike killed 15 people in Aleppo.")
    'new in the lead: 15 people (was: 12 people)'
    """
    old = _numbers(_lead(old_text))
    new = _numbers(_lead(new_text))
    added = [new[v] for v in new if v not in old]
    if not added:
        return None
    gone = [old[v] for v in old if v not in new]
    message = f"new in the lead: {', '.join(added)}"
    return f"{message} (was: {', '.join(gone)})" if gone else message
