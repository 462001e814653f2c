"""Content fingerprints: MinHash signatures of an article's text and of its headline.

Two signatures per article:

* ``body``: MinHash (datasketch's, loaded by ``dedup.minhash`` without scipy) over word
  3-grams of the normalised text. Wire copy re-published with a new lead, other page
  furniture or an extra paragraph keeps most of its 3-grams; a different incident on the
  same topic shares only stock phrases.
* ``lead``: MinHash over the content words of the headline and the first sentences. It is
  what a feed-only item (title + summary, no body) can be compared on.

Similarity between bodies is the estimated *overlap coefficient*
``|A ∩ B| / min(|A|, |B|)``, derived from the Jaccard estimate and the two set sizes: a
short brief fully contained in a long report is the same story, which Jaccard alone would
miss.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newswatch.dedup.facts import lead_facts
from newswatch.dedup.minhash import MinHash
from newswatch.text.normalize import normalize

# Signatures are scored on all their values; the LSH bands use a prefix of them. Two-row
# bands make a pair with Jaccard 0.33 a candidate with probability 0.97
# (body and lead); unrelated candidates cost one vectorised comparison each.
BODY_PERM, LEAD_PERM = 96, 64
BODY_BANDS, BODY_ROWS = 32, 2
LEAD_BANDS, LEAD_ROWS = 32, 2
# Fewer words than this and the body says too little: compare on the headline instead.
SHORT_WORDS = 60
LEAD_WORDS = 40
_SEED = 7
_HEADER = struct.Struct("<2sBxIIQ")  # magic, flags, body size, lead size, lead facts
MAGIC = b"N2"
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# Function words carry no identity; the list covers the languages of the bundled sources.
_STOPWORD_TEXT = """
    a an the of in on at to for from by with and or but is are was were be been has have
    had it its this that these those as after before over under into about than said says
    will would could not no new de la le les des du et en un une au aux pour par sur dans
    el los las y del con por para في من على الى عن ان"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Signature = npt.NDArray[np.uint32]

# Permutations are a pure function of the seed: computed once, not per signature.
_BODY_PERMUTATIONS = MinHash(num_perm=BODY_PERM, seed=_SEED).permutations
_LEAD_PERMUTATIONS = MinHash(num_perm=LEAD_PERM, seed=_SEED).permutations


@dataclass(frozen=True, eq=False)
class Fingerprint:
    body: Signature
    lead: Signature
    body_size: int  # distinct 3-grams; 0 when the body is empty
    lead_size: int  # distinct headline/lead words
    short: bool  # feed-only or too few words: matched on its lead
    facts: int = 0  # numbers and weekday of the lead (dedup.facts)

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(MAGIC, int(self.short), self.body_size, self.lead_size, self.facts)
        return header + self.body.tobytes() + self.lead.tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Fingerprint:
        if len(blob) != SIGNATURE_BYTES or blob[:2] != MAGIC:
            raise ValueError("not a newswatch fingerprint")
        _, flags, body_size, lead_size, facts = _HEADER.unpack_from(blob)
        body = np.frombuffer(blob, np.uint32, BODY_PERM, _HEADER.size)
        lead = np.frombuffer(blob, np.uint32, LEAD_PERM, _HEADER.size + 4 * BODY_PERM)
        return cls(body, lead, body_size, lead_size, bool(flags & 1), facts)


SIGNATURE_BYTES = _HEADER.size + 4 * (BODY_PERM + LEAD_PERM)
HEADER_BYTES = _HEADER.size


def words(text: str) -> list[str]:
    return _WORDS.findall(normalize(text))


def _stem(word: str) -> str:
    """Fold English inflections (killed, killing, kills → kill) so that a headline and a
    re-written lead share their content words; other scripts pass through."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _minhash(items: set[bytes], num_perm: int, permutations: object) -> Signature:
    # CRC-32 instead of datasketch's default SHA-1: 4x faster per shingle, stable across
    # processes (signatures are stored), and datasketch pre-mixes it (fmix) before permuting.
    mh = MinHash(
        num_perm=num_perm,
        seed=_SEED,
        permutations=permutations,
        scheme="affine32",
        hashfunc=zlib.crc32,
    )
    if items:
        mh.update_batch(list(items))
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def fingerprint(title: str, text: str, *, feed_only: bool = False) -> Fingerprint:
    body_words = words(text)
    shingles = {
        " ".join(body_words[i : i + 3]).encode() for i in range(max(len(body_words) - 2, 0))
    }
    lead_words = [*words(title), *body_words[:LEAD_WORDS]]
    lead_terms = {_stem(w).encode() for w in lead_words if w not in _STOPWORDS and len(w) > 1}
    return Fingerprint(
        body=_minhash(shingles, BODY_PERM, _BODY_PERMUTATIONS),
        lead=_minhash(lead_terms, LEAD_PERM, _LEAD_PERMUTATIONS),
        body_size=len(shingles),
        lead_size=len(lead_terms),
        short=feed_only or len(body_words) < SHORT_WORDS,
        facts=lead_facts(lead_words),
    )


def jaccard(a: Signature, b: Signature) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def overlap(
    j: npt.NDArray[np.float64], size: int, sizes: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Overlap coefficients implied by Jaccard estimates ``j`` between a set of ``size``
    elements and sets of ``sizes`` elements: |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    smaller = np.maximum(np.minimum(sizes, size), 1)
    common = j * (sizes + size) / (1.0 + j)
    return np.asarray(np.minimum(1.0, common / smaller), dtype=np.float64)


def resemblance(
    a: Signature, size: int, others: npt.NDArray[np.uint32], sizes: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Similarity of signature ``a`` to each row of ``others``: the mean of the Jaccard
    estimate and the overlap coefficient it implies.

    Jaccard alone misses a brief that is wholly contained in a long report; overlap alone
    merges two short reports that share their background paragraphs (measured on the
    labelled set: docs/dedup.md). The mean separates both.
    """
    j = np.count_nonzero(others == a, axis=1) / a.size
    return np.asarray((j + overlap(j, size, sizes)) / 2.0, dtype=np.float64)


# The byte layout of ``Fingerprint.to_bytes`` as a numpy record, to decode many at once.
RECORD = np.dtype(
    [
        ("magic", "S2"),
        ("flags", "u1"),
        ("pad", "u1"),
        ("body_size", "<u4"),
        ("lead_size", "<u4"),
        ("facts", "<u8"),
        ("body", "<u4", (BODY_PERM,)),
        ("lead", "<u4", (LEAD_PERM,)),
    ]
)
assert RECORD.itemsize == SIGNATURE_BYTES
