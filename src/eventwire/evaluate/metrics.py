"""Scores of PLOVER root predictions against gold roots (:func:`classification_scores`).

Used by ``eventwire eval plv`` (:mod:`eventwire.evaluate.plv`) and by the classifier's
cross-validation (:mod:`eventwire.train.routes`).

Reported: accuracy, macro-F1 over the root labels, quad macro-F1 (macro-F1 over the four QuadClass
groups, the predicted root mapped with :data:`~eventwire.events.classifier.ROOT_QUAD_CLASS`, the gold
group from ``gold_penta`` when the file has it), per-class precision/recall/F1/support and the
confusion matrix. Macro-F1 averages the per-class F1 of every label that occurs in the gold or in the
predictions (as scikit-learn's ``average="macro"``); a class never predicted has F1 0.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from eventwire.events.classifier import PLOVER_ROOTS, ROOT_QUAD_CLASS, plv_root

QUADS = (1, 2, 3, 4)
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass(slots=True)
class ClassScores:
    """Precision, recall, F1 (each in [0, 1]) and gold support of one class."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(slots=True)
class ClassificationReport:
    """Figures of one set of predictions against gold labels.

    Attributes:
        n: items scored; accuracy, macro_f1, quad_accuracy, quad_macro_f1: in [0, 1].
        per_class: :class:`ClassScores` for each label in ``labels`` order.
        labels: the labels of the confusion matrix rows (gold) and columns (predicted).
        confusion: ``confusion[i][j]`` = items with gold ``labels[i]`` predicted ``labels[j]``.
        quad_confusion: the same over QuadClass 1-4.
        extra: free-form figures (CV fold spread, timings) added by the caller.
    """

    n: int
    accuracy: float
    macro_f1: float
    quad_accuracy: float
    quad_macro_f1: float
    per_class: list[ClassScores]
    labels: list[str]
    confusion: list[list[int]]
    quad_confusion: list[list[int]]
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _prf(gold: Sequence, pred: Sequence, labels: Sequence) -> tuple[list[tuple[float, float, float, int]], float]:
    """Per-label (precision, recall, f1, support) and the macro-F1 over labels seen in gold or pred."""
    out = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out.append((prec, rec, f1, n_gold))
    seen = set(gold) | set(pred)
    f1s = [o[2] for lab, o in zip(labels, out) if lab in seen]
    return out, (sum(f1s) / len(f1s) if f1s else 0.0)


def _confusion(gold: Sequence, pred: Sequence, labels: Sequence) -> list[list[int]]:
    pos = {lab: i for i, lab in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, pred):
        m[pos[g], pos[p]] += 1
    return m.tolist()


def classification_scores(gold: Sequence[str], pred: Sequence[str], gold_quad: Sequence[int] | None = None,
                          labels: Sequence[str] | None = None) -> ClassificationReport:
    """Score predicted PLOVER roots against gold ones.

    Args:
        gold, pred: roots (PLV label set; CONCEDE/RETREAT are mapped to YIELD), same length.
        gold_quad: gold QuadClass per item (e.g. PLV ``gold_penta``); default: the gold root's.
        labels: label order of the report (default :data:`PLOVER_ROOTS`, plus any other label seen).

    Raises:
        ValueError: lengths differ, nothing to score, or a label outside the PLOVER roots.
    """
    if len(gold) != len(pred) or (gold_quad is not None and len(gold_quad) != len(gold)):
        raise ValueError("gold, pred (and gold_quad) must have the same length")
    if not gold:
        raise ValueError("nothing to score")
    g = [plv_root(x) for x in gold]
    p = [plv_root(x) for x in pred]
    bad = sorted({str(x) for x, y in zip(list(gold) + list(pred), g + p) if y is None})
    if bad:
        raise ValueError(f"labels outside the PLOVER roots: {bad}")
    labs = list(labels or PLOVER_ROOTS)
    per, macro = _prf(g, p, labs)
    gq = [int(x) for x in gold_quad] if gold_quad is not None else [ROOT_QUAD_CLASS[x] for x in g]
    pq = [ROOT_QUAD_CLASS[x] for x in p]
    _, qmacro = _prf(gq, pq, QUADS)
    n = len(g)
    return ClassificationReport(
        n=n,
        accuracy=sum(a == b for a, b in zip(g, p)) / n,
        macro_f1=macro,
        quad_accuracy=sum(a == b for a, b in zip(gq, pq)) / n,
        quad_macro_f1=qmacro,
        per_class=[ClassScores(lab, *o) for lab, o in zip(labs, per)],
        labels=labs,
        confusion=_confusion(g, p, labs),
        quad_confusion=_confusion(gq, pq, QUADS),
    )
