"""MinHash signatures and LSH band buckets (datasketch ``MinHash``), persisted in DuckDB.

Each article gets two signatures over its word 3-shingles (:mod:`eventwire.corpus.text`):

* the **full** signature (all shingles): copies of one story with different boilerplate or small
  edits have a high Jaccard similarity of their shingle sets;
* the **lead** signature (the shingles of the first :data:`LEAD_WORDS` words): a copy cut short by
  a republisher shares its lead with the full story although the Jaccard similarity of the whole
  bodies is low.

Signatures are split into :data:`BANDS` bands of :data:`ROWS` rows (banding LSH, Leskovec, Rajaraman
& Ullman, *Mining of Massive Datasets*, ch. 3.4). Each band is hashed into a 64-bit bucket stored in
``minhash_bands``; two articles sharing a bucket in the same band are candidate pairs. A pair with
Jaccard similarity ``s`` becomes a candidate with probability ``1 - (1 - s**ROWS)**BANDS``: with 42
bands of 3 rows that is 0.94 at s = 0.4, 0.996 at s = 0.5 and 0.29 at s = 0.2 (the S-curve is
printed by :func:`candidate_probability`). Candidates are then verified on the exact shingle sets
(:mod:`eventwire.corpus.dedup`), so LSH only has to be sensitive, not precise.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

#: Permutations per MinHash (datasketch default; standard error of a Jaccard estimate ~ 0.044 at 0.5).
NUM_PERM = 128
#: LSH bands and rows per band (BANDS * ROWS <= NUM_PERM); see the module docstring for the S-curve.
BANDS = 42
ROWS = 3
#: Words of the lead (its shingles make the lead signature).
LEAD_WORDS = 60
#: Band numbers of the lead signature start here in ``minhash_bands.band`` (full: 0..41, lead: 100..141).
LEAD_BAND_OFFSET = 100
#: Fixed seed and hashing scheme (datasketch 2.0's "affine32"): signatures stored by one run must be
#: comparable with the next.
SEED = 1
SCHEME = "affine32"


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters for (NUM_PERM, SEED), computed once per process."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def minhash(shingles: list[bytes]) -> np.ndarray | None:
    """The MinHash signature of a shingle set as ``uint32[NUM_PERM]``, or ``None`` for an empty set."""
    if not shingles:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    m.update_batch(shingles)
    return m.hashvalues.astype(np.uint32)


def to_blob(sig: np.ndarray | None) -> bytes | None:
    """A signature as little-endian bytes (``NUM_PERM * 4``) for the ``BLOB`` column."""
    return None if sig is None else sig.astype("<u4").tobytes()


def from_blob(blob: bytes | None) -> np.ndarray | None:
    """Inverse of :func:`to_blob`."""
    return None if blob is None else np.frombuffer(blob, dtype="<u4")


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the share of equal signature slots."""
    return float(np.mean(a == b))


def band_buckets(sig: np.ndarray | None, offset: int = 0) -> list[tuple[int, int]]:
    """``[(band, bucket), ...]``: each band's number and rows hashed together to a signed 64-bit
    bucket (BLAKE2b), so equal buckets mean the same band with the same rows: a lookup needs the
    bucket alone."""
    if sig is None:
        return []
    raw = sig.astype("<u4")
    out = []
    for b in range(BANDS):
        band = offset + b
        h = hashlib.blake2b(band.to_bytes(2, "little") + raw[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).digest()
        out.append((band, int.from_bytes(h, "little", signed=True)))
    return out


def candidate_probability(s: float, bands: int = BANDS, rows: int = ROWS) -> float:
    """Probability that two sets of Jaccard similarity ``s`` share at least one LSH bucket."""
    return 1.0 - (1.0 - s ** rows) ** bands
