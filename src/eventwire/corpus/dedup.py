"""Duplicate articles: the rules that decide whether two articles are copies of one story.

Three kinds of copy (``article_corpus.duplicate_kind``):

* ``exact``: the same normalised word sequence (:func:`eventwire.corpus.text.body_hash`): the same
  text in another file or format, differing only in case, punctuation or spacing.
* ``near``: the same language and either a Jaccard similarity of the word 3-shingle sets of at least
  :data:`NEAR_JACCARD` (one wire story on several sites with different boilerplate, small edits), or
  a shorter text whose shingles are at least :data:`CONTAINMENT` contained in the longer one (a
  copy cut short). Candidates come from MinHash LSH (:mod:`eventwire.corpus.signatures`); the rule
  is checked on the exact shingle sets.
* ``translation``: different languages, published within :data:`TRANSLATION_DAYS` days, bodies of
  comparable length, and the language-independent anchors (names, numbers, dates:
  :func:`eventwire.corpus.text.anchors`) agree: at least :data:`MIN_SHARED_ANCHORS` shared, an
  IDF-weighted overlap coefficient of at least :data:`ANCHOR_OVERLAP`, and the shared anchors
  appear in the same order (Kendall's tau of their first-occurrence ranks at least
  :data:`ORDER_TAU`), and the numbers and dates agree (Jaccard at least :data:`NUMBER_JACCARD`): a
  translation keeps the facts, their order and every figure, while another report on the same topic
  names the same actors in another order and quotes other figures.

Thresholds were set on generated copies and real pages (``tests/corpus_gen.py``,
``bench/corpus_dedup_scores.py``; figures in ``docs/corpus.md``).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Jaccard similarity of word 3-shingle sets above which two same-language articles are copies.
NEAR_JACCARD = 0.5
#: Share of the shorter text's shingles found in the longer one above which it is a cut copy.
CONTAINMENT = 0.8
#: The shorter text needs this many shingles for the containment rule (a one-line text is not a copy).
MIN_CONTAINED_SHINGLES = 40
#: Translation rule: most days between publication times.
TRANSLATION_DAYS = 7
#: Translation rule: longest / shortest body length (characters). German and French run 10-30%
#: longer than English; a ratio above 1.6 is another text (or a cut copy, left to the story layer).
MAX_LENGTH_RATIO = 1.6
#: Translation rule: fewest shared anchors.
MIN_SHARED_ANCHORS = 6
#: Translation rule: IDF-weighted overlap coefficient of the anchor sets.
ANCHOR_OVERLAP = 0.5
#: Translation rule: Kendall's tau of the shared anchors' first-occurrence ranks.
ORDER_TAU = 0.5
#: Translation rule: Jaccard similarity of the numbers and dates (``#``, ``@`` anchors) when the two
#: texts have at least :data:`MIN_NUMBERS` of them together. A translation keeps every figure;
#: another report of the same happening quotes some of the same figures and others.
NUMBER_JACCARD = 0.6
MIN_NUMBERS = 3


@dataclass(frozen=True, slots=True)
class Match:
    """A verified duplicate pair: ``kind`` (``exact``/``near``/``translation``) and the evidence
    (``jaccard``, ``containment`` for same-language pairs; ``anchor_overlap``, ``order_tau`` for
    translations; the others ``None``)."""

    kind: str
    jaccard: float | None = None
    containment: float | None = None
    anchor_overlap: float | None = None
    order_tau: float | None = None

    @property
    def score(self) -> float:
        """One number for the strength of the match in [0, 1]."""
        if self.kind == "exact":
            return 1.0
        if self.kind == "near":
            return max(self.jaccard or 0.0, self.containment or 0.0)
        return self.anchor_overlap or 0.0


def shingle_similarity(a: set[bytes], b: set[bytes]) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two shingle sets; (0, 0) if empty."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b) if len(a) <= len(b) else len(b & a)
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def verify_near(a: set[bytes], b: set[bytes]) -> Match | None:
    """The ``near`` rule on two same-language shingle sets; ``None`` when they are not copies."""
    j, c = shingle_similarity(a, b)
    if j >= NEAR_JACCARD or (c >= CONTAINMENT and min(len(a), len(b)) >= MIN_CONTAINED_SHINGLES):
        return Match("near", jaccard=round(j, 4), containment=round(c, 4))
    return None


def kendall_tau(pairs: list[tuple[int, int]]) -> float:
    """Kendall's tau-a of rank pairs ``[(rank_in_a, rank_in_b), ...]`` (1 = same order, -1 = reversed).

    Fewer than two pairs give 0. O(n^2): anchors shared by two articles number in the tens.
    """
    n = len(pairs)
    if n < 2:
        return 0.0
    s = 0
    for i in range(n):
        ai, bi = pairs[i]
        for j in range(i + 1, n):
            d = (ai - pairs[j][0]) * (bi - pairs[j][1])
            s += (d > 0) - (d < 0)
    return s / (n * (n - 1) / 2)


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency ``ln((1 + N) / (1 + df)) + 1`` (as scikit-learn's)."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def anchor_overlap(a: Mapping[str, int], b: Mapping[str, int], weights: Mapping[str, float]) -> float:
    """IDF-weighted overlap coefficient of two anchor sets: weight of the shared anchors over the
    weight of the lighter set (anchors without a weight count 1)."""
    if not a or not b:
        return 0.0
    wa = sum(weights.get(x, 1.0) for x in a)
    wb = sum(weights.get(x, 1.0) for x in b)
    shared = sum(weights.get(x, 1.0) for x in a if x in b)
    return shared / min(wa, wb)


def verify_translation(a: Mapping[str, int], b: Mapping[str, int], len_a: int, len_b: int,
                       weights: Mapping[str, float]) -> Match | None:
    """The ``translation`` rule on two articles in different languages.

    Args:
        a, b: anchor -> first-occurrence rank (:func:`eventwire.corpus.text.anchors`).
        len_a, len_b: body lengths in characters.
        weights: anchor -> IDF weight.

    Returns:
        A ``translation`` :class:`Match`, or ``None``. The caller checks the languages and dates.
    """
    if min(len_a, len_b) == 0 or max(len_a, len_b) / min(len_a, len_b) > MAX_LENGTH_RATIO:
        return None
    shared = [x for x in a if x in b]
    if len(shared) < MIN_SHARED_ANCHORS:
        return None
    ov = anchor_overlap(a, b, weights)
    if ov < ANCHOR_OVERLAP:
        return None
    tau = kendall_tau([(a[x], b[x]) for x in shared])
    if tau < ORDER_TAU:
        return None
    if number_jaccard(a, b) < NUMBER_JACCARD:
        return None
    return Match("translation", anchor_overlap=round(ov, 4), order_tau=round(tau, 4))


def number_jaccard(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """Jaccard similarity of the number and date anchors (``#...``, ``@...``) of two anchor sets;
    1.0 when together they have fewer than :data:`MIN_NUMBERS` (nothing to compare)."""
    na = {x for x in a if x[0] in "#@"}
    nb = {x for x in b if x[0] in "#@"}
    union = na | nb
    if len(union) < MIN_NUMBERS:
        return 1.0
    return len(na & nb) / len(union)


class UnionFind:
    """Disjoint sets over hashable items (path halving, union by size)."""

    def __init__(self, items: Iterable = ()):
        self.parent: dict = {}
        self.size: dict = {}
        for x in items:
            self.add(x)

    def add(self, x) -> None:
        """Add ``x`` as a singleton (no-op when present)."""
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def find(self, x):
        """The representative of ``x``'s set (``x`` is added if new)."""
        self.add(x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        """Merge the sets of ``a`` and ``b``; returns the new representative."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra

    def groups(self) -> dict:
        """Representative -> list of members."""
        out: dict = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out
