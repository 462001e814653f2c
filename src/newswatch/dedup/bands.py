"""LSH banding over MinHash signatures, compact enough for 100,000 articles in memory.

datasketch's ``MinHashLSH`` keeps one Python ``set`` per band bucket; with 100,000
signatures it took 9–27 s to fill and 590–1,330 MB (see docs/dedup.md). Here the bulk of
the index is two sorted numpy arrays (band key → row), searched with ``searchsorted``;
rows added since the last build sit in a small dict until the next ``build``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)

Rows = npt.NDArray[np.int32]


def band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """One 64-bit key per (signature, band): FNV-1a over the band's values and its number."""
    sigs = np.atleast_2d(signatures)[:, : bands * rows].astype(np.uint64)
    sigs = sigs.reshape(len(sigs), bands, rows)
    with np.errstate(over="ignore"):
        keys = np.full((len(sigs), bands), _FNV_OFFSET, dtype=np.uint64)
        keys = (keys ^ np.arange(bands, dtype=np.uint64)) * _FNV_PRIME
        for r in range(rows):
            keys = (keys ^ sigs[:, :, r]) * _FNV_PRIME
    return keys


class BandIndex:
    """Rows whose signatures agree with a query on at least one whole band."""

    def __init__(self, bands: int, rows: int) -> None:
        self.bands = bands
        self.rows = rows
        self._keys: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._rows: Rows = np.empty(0, dtype=np.int32)
        self._delta: defaultdict[int, list[int]] = defaultdict(list)
        self.pending = 0

    def build(self, signatures: npt.NDArray[np.uint32], rows: npt.NDArray[np.int64]) -> None:
        """Replace the whole index with ``signatures`` (one per entry of ``rows``)."""
        if len(rows) == 0:
            self._keys = np.empty(0, dtype=np.uint64)
            self._rows = np.empty(0, dtype=np.int32)
        else:
            keys = band_keys(signatures, self.bands, self.rows).ravel()
            owners = np.repeat(rows.astype(np.int32), self.bands)
            order = np.argsort(keys, kind="stable")
            self._keys, self._rows = keys[order], owners[order]
        self._delta.clear()
        self.pending = 0

    def add(self, row: int, signature: npt.NDArray[np.uint32]) -> None:
        for key in band_keys(signature, self.bands, self.rows)[0].tolist():
            self._delta[key].append(row)
        self.pending += 1

    def candidates(self, signature: npt.NDArray[np.uint32]) -> Rows:
        keys = band_keys(signature, self.bands, self.rows)[0]
        found: list[Rows] = []
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            found.extend(
                self._rows[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a
            )
        for key in keys.tolist():
            hits = self._delta.get(key)
            if hits:
                found.append(np.asarray(hits, dtype=np.int32))
        if not found:
            return np.empty(0, dtype=np.int32)
        return np.unique(np.concatenate(found))

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._rows.nbytes)
