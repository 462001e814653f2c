"""The checkable facts of a lead — its numbers and weekday — packed into 64 bits.

A headline and one sentence say little, and wire templates make two different incidents
read alike: "Airstrikes on market town west of Aleppo kill 12" (Tuesday) and "Airstrikes on
market town south of Idlib kill 9" (Wednesday) share most of their words. What tells them
apart is the toll and the day. Two leads *conflict* when both state numbers and share none,
or both name a weekday and share none; the lead check never merges conflicting leads.

Bits 0–6 are the weekdays, bits 8–63 the numbers hashed onto 56 bits: a hash collision can
only hide a conflict (two numbers look shared), never invent one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_WEEKDAYS = {
    day: bit
    for bit, days in enumerate(
        [
            ("monday", "lundi", "lunes"),
            ("tuesday", "mardi", "martes"),
            ("wednesday", "mercredi", "miercoles"),
            ("thursday", "jeudi", "jueves"),
            ("friday", "vendredi", "viernes"),
            ("saturday", "samedi", "sabado"),
            ("sunday", "dimanche", "domingo"),
        ]
    )
    for day in days
}
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        ]
    )
}
_NUMBER_BITS = 56
WEEKDAY_MASK = np.uint64((1 << 7) - 1)
NUMBER_MASK = np.uint64(((1 << _NUMBER_BITS) - 1) << 8)


def _number(word: str) -> int | None:
    if word.isdigit():
        value = int(word)
        return None if len(word) == 4 and 1900 <= value <= 2100 else value  # a year
    return _NUMBER_WORDS.get(word)


def lead_facts(words: list[str]) -> int:
    """The facts of normalised lead ``words`` (headline and first sentences) as a bitmask."""
    facts = 0
    for word in words:
        if word in _WEEKDAYS:
            facts |= 1 << _WEEKDAYS[word]
        elif (value := _number(word)) is not None:
            facts |= 1 << (8 + (value * 2654435761) % _NUMBER_BITS)
    return facts


def conflicts(facts: int, others: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """For each of ``others``: do the two leads state different numbers or weekdays?"""
    mine = np.uint64(facts)
    out = np.zeros(len(others), dtype=np.bool_)
    for mask in (NUMBER_MASK, WEEKDAY_MASK):
        a = mine & mask
        if not a:
            continue
        b = others & mask
        out |= (b != 0) & ((b & a) == 0)
    return out
