"""The cross-validation protocol of the PLOVER root classifier: stratified folds over the PLV sentences.

Stratified K-fold over the PLV sentences (default K=5, seed 13); each PLV sentence is in exactly one
test fold; the NGEC stories, when used, are added to every training fold and never to a test fold
(:func:`cv_folds`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from eventwire.evaluate.datasets import PlvItem

#: Default seed of the CV splitter and of every training run.
SEED = 13
#: Default number of CV folds.
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Fold:
    """One CV fold: PLV training and test indices and the NGEC indices added to training.

    ``train_plv`` and ``test_plv`` are disjoint; NGEC items only ever appear in ``train_ngec``.
    """

    index: int
    train_plv: tuple[int, ...]
    test_plv: tuple[int, ...]
    train_ngec: tuple[int, ...] = field(default=())


def stratified_folds(labels: Sequence[str], k: int = FOLDS, seed: int = SEED) -> list[list[int]]:
    """Split ``range(len(labels))`` into ``k`` test folds with each label spread evenly.

    Each label's indices are shuffled (numpy ``default_rng(seed)``) and dealt round-robin, each
    label starting where the previous one stopped so that fold sizes differ by at most one.
    Deterministic for a given ``seed``.

    Raises:
        ValueError: ``k < 2`` or ``k`` larger than the number of items.
    """
    if k < 2 or k > len(labels):
        raise ValueError(f"need 2 <= k <= {len(labels)} folds, got {k}")
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    nxt = 0
    for lab in sorted(set(labels)):
        idx = np.array([i for i, x in enumerate(labels) if x == lab])
        rng.shuffle(idx)
        for j in idx:
            folds[nxt % k].append(int(j))
            nxt += 1
    return [sorted(f) for f in folds]


def cv_folds(plv: Sequence[PlvItem], n_ngec: int = 0, k: int = FOLDS, seed: int = SEED) -> list[Fold]:
    """The CV protocol's folds: stratified on PLV roots; all ``n_ngec`` NGEC items in every training fold.

    Raises:
        ValueError: bad ``k`` (see :func:`stratified_folds`).
    """
    tests = stratified_folds([x.root for x in plv], k, seed)
    ngec = tuple(range(n_ngec))
    out = []
    for i, test in enumerate(tests):
        held = set(test)
        out.append(Fold(i, tuple(j for j in range(len(plv)) if j not in held), tuple(test), ngec))
    return out


#: Seed and share of the fixed development split of ``plv_train.tsv`` (issue 18).
DEV_SEED = 18
DEV_SHARE = 0.2


def dev_split_ids(items: Sequence[PlvItem], share: float = DEV_SHARE, seed: int = DEV_SEED) -> list[str]:
    """The sentence ids of a development split: ``round(share * n)`` of the ``n`` distinct sentence ids
    of each gold root (numpy ``default_rng(seed)`` shuffles each root's ids, taken in id order, roots in
    sorted order), sorted by id. A sentence id marked for several actor pairs (rows) stays on one side.

    This is how ``eventwire/data/events/plv_dev20_ids.txt`` (``share`` 0.2, ``seed`` 18) was made; the
    file, not this function, is the split (:func:`eventwire.evaluate.datasets.plv_split`).

    Raises:
        ValueError: ``share`` not in (0, 1).
    """
    if not 0 < share < 1:
        raise ValueError(f"share must be in (0, 1), got {share}")
    rng = np.random.default_rng(seed)
    out: list[str] = []
    for lab in sorted({x.root for x in items}):
        ids = np.array(sorted({x.sentence_id for x in items if x.root == lab}, key=lambda s: (len(s), s)))
        rng.shuffle(ids)
        out.extend(str(i) for i in ids[: round(share * len(ids))])
    return sorted(set(out), key=lambda s: (len(s), s))
