"""LSH banding over MinHash signatures, compact enough for 100,000 articles in memory.

datasketch's ``MinHashLSH`` keeps one Python ``set`` per band bucket; filled with 100,000
signatures it took 14–50 s and ~680 MB (docs/dedup.md). Here the bulk of the index is
one sorted ``uint64`` array whose entries pack a band key (high 40 bits) with a row number
(low 24 bits), searched with ``searchsorted``. A 40-bit key collides by chance about once
in 10^4 queries, and every candidate is verified on its full signature anyway.

Rows added since the last merge sit in a small block of band keys (one row per signature,
compared by broadcasting); every ``merge_every`` additions the block is sorted and merged
into the big array in one linear pass. Plain numpy all the way: a dict of Python lists
here cost ~10 KB per article (64 int keys and lists), which made a running daemon's
memory grow with every article until the next rebuild.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
ROW_BITS = 24
MAX_ROWS = 1 << ROW_BITS  # 16.7 million articles in one window
_ROW_MASK = np.uint64(MAX_ROWS - 1)
_SHIFT = np.uint64(ROW_BITS)
# Keys are computed this many signatures at a time, to bound the temporary arrays.
_CHUNK = 8192

Rows = npt.NDArray[np.int64]


def band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """One key per (signature, band) — FNV-1a over the band's values and its number — with
    the low ``ROW_BITS`` bits cleared, ready to be or-ed with a row number."""
    sigs = np.atleast_2d(signatures)[:, : bands * rows].reshape(-1, bands, rows)
    with np.errstate(over="ignore"):
        keys = np.full((len(sigs), bands), _FNV_OFFSET, dtype=np.uint64)
        keys ^= np.arange(bands, dtype=np.uint64)
        keys *= _FNV_PRIME
        for r in range(rows):
            keys ^= sigs[:, :, r]
            keys *= _FNV_PRIME
    keys >>= _SHIFT
    keys <<= _SHIFT
    return keys


class BandIndex:
    """Rows whose signatures agree with a query on at least one whole band."""

    def __init__(self, bands: int, rows: int, *, merge_every: int = 512) -> None:
        self.bands = bands
        self.rows = rows
        self._packed: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        # Band keys (low bits clear) and rows of the additions not merged yet.
        self._recent = np.empty((merge_every, bands), dtype=np.uint64)
        self._recent_rows = np.empty(merge_every, dtype=np.int64)
        self._count = 0

    def build(self, signatures: npt.NDArray[np.uint32], rows: Rows) -> None:
        """Replace the whole index with ``signatures`` (one per entry of ``rows``)."""
        if len(rows) and int(rows.max()) >= MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows")
        packed = np.empty(len(rows) * self.bands, dtype=np.uint64)
        for start in range(0, len(rows), _CHUNK):
            stop = min(start + _CHUNK, len(rows))
            keys = band_keys(signatures[start:stop], self.bands, self.rows)
            keys |= rows[start:stop].astype(np.uint64)[:, None]
            packed[start * self.bands : stop * self.bands] = keys.ravel()
        packed.sort()  # in place: no argsort-sized temporary
        self._packed = packed
        self._count = 0

    def add(self, row: int, signature: npt.NDArray[np.uint32]) -> None:
        if row >= MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows")
        self._recent[self._count] = band_keys(signature, self.bands, self.rows)[0]
        self._recent_rows[self._count] = row
        self._count += 1
        if self._count == len(self._recent_rows):
            self._merge()

    def _merge(self) -> None:
        """Fold the recent block into the sorted array (linear: both sides are sorted)."""
        added = self._recent[: self._count] | self._recent_rows[: self._count, None].astype(
            np.uint64
        )
        added = np.sort(added, axis=None)
        self._packed = np.insert(self._packed, np.searchsorted(self._packed, added), added)
        self._count = 0

    def candidates(self, signature: npt.NDArray[np.uint32]) -> Rows:
        keys = band_keys(signature, self.bands, self.rows)[0]
        found: list[Rows] = []
        if len(self._packed):
            lo = np.searchsorted(self._packed, keys, side="left")
            hi = np.searchsorted(self._packed, keys | _ROW_MASK, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    found.append((self._packed[a:b] & _ROW_MASK).astype(np.int64))
        if self._count:
            hits = (self._recent[: self._count] == keys).any(axis=1)
            found.append(self._recent_rows[: self._count][hits])
        return _distinct(found)

    @property
    def nbytes(self) -> int:
        return int(self._packed.nbytes + self._recent.nbytes + self._recent_rows.nbytes)


def _distinct(parts: list[Rows]) -> Rows:
    """Sorted distinct rows. (``np.unique`` costs ~1 ms even on a few dozen values: it
    hashes; sorting small arrays is ~100x cheaper.)"""
    if not parts:
        return np.empty(0, dtype=np.int64)
    rows = np.concatenate(parts)
    rows.sort()
    keep = np.empty(len(rows), dtype=np.bool_)
    keep[:1] = True
    np.not_equal(rows[1:], rows[:-1], out=keep[1:])
    return rows[keep]
