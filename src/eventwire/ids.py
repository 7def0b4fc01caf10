"""Stable ids derived from content hashes.

Every id in the store is a hash of what identifies the record, so the same input always gets the same
id and a second run on the same inputs adds nothing. Hashes are BLAKE2b (``hashlib``), hex-encoded.
"""
from __future__ import annotations

import hashlib

_SEP = "\x1f"  # ASCII unit separator: cannot occur in the parts we join


def content_id(data: bytes) -> str:
    """Id of a document: 24 hex chars (96 bits) of BLAKE2b over its raw bytes."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def stable_id(*parts: object) -> str:
    """Id of a derived record: 20 hex chars of BLAKE2b over the parts joined by a separator.

    ``None`` parts hash as the empty string. Example: ``stable_id(article_id, "ent", 10, 14, "GPE")``.
    """
    joined = _SEP.join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=10).hexdigest()
