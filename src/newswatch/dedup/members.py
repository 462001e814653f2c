"""The in-memory table of recent articles: one numpy column per field, one row each.

Rows are positions; ``BandIndex`` stores rows, so a ``compact`` (dropping articles that
left the window) is followed by rebuilding the band indexes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newswatch.dedup.fingerprint import BODY_PERM, LEAD_PERM, Fingerprint


@dataclass(frozen=True)
class Member:
    row: int
    article_id: int
    cluster_id: int
    seen: float  # POSIX seconds


class Members:
    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self.article_id = np.zeros(capacity, dtype=np.int64)
        self.cluster_id = np.zeros(capacity, dtype=np.int64)
        self.seen = np.zeros(capacity, dtype=np.float64)
        self.body_size = np.zeros(capacity, dtype=np.int64)
        self.lead_size = np.zeros(capacity, dtype=np.int64)
        self.short = np.zeros(capacity, dtype=np.bool_)
        self.facts = np.zeros(capacity, dtype=np.uint64)
        self.body = np.zeros((capacity, BODY_PERM), dtype=np.uint32)
        self.lead = np.zeros((capacity, LEAD_PERM), dtype=np.uint32)

    _COLUMNS = (
        "article_id",
        "cluster_id",
        "seen",
        "body_size",
        "lead_size",
        "short",
        "facts",
        "body",
        "lead",
    )

    def _grow(self, needed: int) -> None:
        capacity = len(self.article_id)
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity * 2)
        for name in self._COLUMNS:
            old = getattr(self, name)
            grown = np.zeros((new_capacity, *old.shape[1:]), dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)

    def append(self, article_id: int, cluster_id: int, seen: float, fp: Fingerprint) -> int:
        self._grow(self.size + 1)
        row = self.size
        self.article_id[row] = article_id
        self.cluster_id[row] = cluster_id
        self.seen[row] = seen
        self.body_size[row] = fp.body_size
        self.lead_size[row] = fp.lead_size
        self.short[row] = fp.short
        self.facts[row] = fp.facts
        self.body[row] = fp.body
        self.lead[row] = fp.lead
        self.size += 1
        return row

    def extend(self, columns: dict[str, npt.NDArray[np.generic]]) -> None:
        """Append many rows at once (the start-up rebuild)."""
        count = len(columns["article_id"])
        self._grow(self.size + count)
        for name in self._COLUMNS:
            getattr(self, name)[self.size : self.size + count] = columns[name]
        self.size += count

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Keep only the rows where ``mask`` is true (renumbers rows)."""
        for name in self._COLUMNS:
            column = getattr(self, name)
            kept = column[: self.size][mask]
            fresh = np.zeros((max(len(kept) * 2, 1024), *column.shape[1:]), dtype=column.dtype)
            fresh[: len(kept)] = kept
            setattr(self, name, fresh)
        self.size = int(np.count_nonzero(mask))

    def rows(self) -> npt.NDArray[np.int64]:
        return np.arange(self.size, dtype=np.int64)

    def member(self, row: int) -> Member:
        return Member(
            row, int(self.article_id[row]), int(self.cluster_id[row]), float(self.seen[row])
        )

    def signature_is(self, row: int, blob: bytes) -> bool:
        """Whether ``blob`` (a stored fingerprint) is the one held at ``row``."""
        try:
            stored = Fingerprint.from_bytes(blob)
        except ValueError:
            return False
        return bool(np.array_equal(stored.body, self.body[row])) and bool(
            np.array_equal(stored.lead, self.lead[row])
        )

    @property
    def nbytes(self) -> int:
        return sum(int(getattr(self, name).nbytes) for name in self._COLUMNS)
