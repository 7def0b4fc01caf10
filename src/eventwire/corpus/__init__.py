"""The corpus view: duplicate articles, stories and events aggregated across articles.

* :mod:`eventwire.corpus.text`: word shingles, body hashes, language-independent anchors, seen time.
* :mod:`eventwire.corpus.signatures`: MinHash signatures and LSH bands (datasketch).
* :mod:`eventwire.corpus.dedup`: the duplicate rules (exact, near, translation).
* :mod:`eventwire.corpus.stories`: the story rule.
* :mod:`eventwire.corpus.aggregate`: mentions and aggregated events (GDELT 2.0 style counts).
* :mod:`eventwire.corpus.update`: the incremental update over a database (:func:`update_corpus`).

The corpus view reads the store (``articles``, ``events``, ``places``) and writes its own tables
(schema migration 2); see ``docs/corpus.md``.
"""
from __future__ import annotations

from eventwire.corpus.update import CorpusStats, update_corpus

__all__ = ["CorpusStats", "update_corpus"]
