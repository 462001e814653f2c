"""The name index: key (normalised tokens joined by a space) → ids of the places so named.

Compact on purpose: most keys name one place, so the value is that place's id; a key shared
by several places holds ``-1 - n``, the position of their id tuple in ``shared``. Saved as a
few large strings and arrays, it loads in a fraction of the time a pickled dict of lists
takes, and costs half the memory.
"""

from __future__ import annotations

from array import array
from typing import Any

_SEP = "\n"  # never inside a key: keys are tokens joined by single spaces


class NameIndex:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.shared: list[tuple[int, ...]] = []
        # For each first token, the longest key (in tokens) that starts with it: lets the
        # recogniser try only the n-gram lengths that can possibly match.
        self.max_len: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def get(self, key: str) -> tuple[int, ...]:
        value = self.ids.get(key)
        if value is None:
            return ()
        return (value,) if value >= 0 else self.shared[-1 - value]

    def add(self, key: str, pid: int) -> None:
        value = self.ids.get(key)
        if value is None:
            self.ids[key] = pid
        elif value >= 0:
            if value != pid:
                self.shared.append((value, pid))
                self.ids[key] = -len(self.shared)
        else:
            held = self.shared[-1 - value]
            if pid not in held:
                self.shared[-1 - value] = (*held, pid)
        first, _, _ = key.partition(" ")
        length = key.count(" ") + 1
        if self.max_len.get(first, 0) < length:
            self.max_len[first] = length

    def dump(self) -> tuple[Any, ...]:
        return (
            _SEP.join(self.ids),
            array("i", self.ids.values()).tobytes(),
            self.shared,
            _SEP.join(self.max_len),
            bytes(self.max_len.values()),
        )

    @classmethod
    def restore(cls, saved: tuple[Any, ...]) -> NameIndex:
        keys, values, shared, firsts, lengths = saved
        index = cls()
        ids = array("i")
        ids.frombytes(values)
        index.ids = dict(zip(keys.split(_SEP), ids, strict=True))
        index.shared = list(shared)
        index.max_len = dict(zip(firsts.split(_SEP), lengths, strict=True))
        return index
