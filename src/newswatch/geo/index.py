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
        # Every proper prefix of a multi-word key ("al", "deir ez"): the recogniser extends
        # an n-gram only while it is still the start of some name.
        self.prefixes: set[str] = set()

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
        cut = key.rfind(" ")
        while cut > 0:
            self.prefixes.add(key[:cut])
            cut = key.rfind(" ", 0, cut)

    def dump(self) -> tuple[Any, ...]:
        return (
            _SEP.join(self.ids),
            array("i", self.ids.values()).tobytes(),
            self.shared,
            _SEP.join(self.prefixes),
        )

    @classmethod
    def restore(cls, saved: tuple[Any, ...]) -> NameIndex:
        keys, values, shared, prefixes = saved
        index = cls()
        ids = array("i")
        ids.frombytes(values)
        index.ids = dict(zip(keys.split(_SEP), ids, strict=True))
        index.shared = list(shared)
        index.prefixes = set(prefixes.split(_SEP))
        return index
