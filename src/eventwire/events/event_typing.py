"""Typing: the dictionary's CAMEO code, combined with the statistical PLOVER classifier when present.

The classifier (``eventwire.events.classifier``, built separately) is imported lazily; when the module
or its model is missing, typing is dictionary-only and the reason is kept (:func:`classifier_status`).
Its run-time API::

    from eventwire.events.classifier import PloverClassifier, TypingInput, TypingPrediction
    clf = PloverClassifier.load()                       # cached, loads offline
    clf.predict([TypingInput(sentence, source, target, trigger, parse)])  # offsets (start, end) in the sentence;
                                                        # parse: the sentence's spaCy Span (optional)
        -> [TypingPrediction(root, probs: dict[str, float], model)]

The classifier predicts a PLOVER root among 15 labels (``YIELD`` stands for CONCEDE and RETREAT).

Combination (:func:`combine`), per candidate event:

* dictionary and classifier agree on the PLOVER root -> the dictionary's CAMEO code,
  ``decided_by="both"``, confidence ``1 - (1 - d)(1 - p)``;
* they disagree and the classifier is confident (``p >= CLASSIFIER_OVERRIDE``) while the dictionary rule
  is weak (``d < WEAK_RULE``) -> the classifier's root with the generic CAMEO code of that root
  (:data:`ROOT_CAMEO`), ``decided_by="classifier"``, confidence ``p * 0.9``;
* otherwise the dictionary's code stands, ``decided_by="dictionary"``, confidence lowered by the
  classifier's disagreement: ``d * (0.5 + 0.5 * q)`` with ``q`` the classifier's probability for the
  dictionary's root;
* candidates with actors but no dictionary type (an unlisted verb linking two actors) become events
  only when the classifier is confident (``p >= CLASSIFIER_ALONE``), ``decided_by="classifier"``;
* a negated candidate ("would not expel") keeps the dictionary's code: its modality already says it did
  not happen, while the classifier, trained on PLV where refusals are labelled REJECT, reads the negation
  as the event type.

The classifier is consulted only where it can change the outcome (:func:`needs_classifier`: no
dictionary type, or a weak rule). Strong dictionary rules are not sent to it: one encoder call costs
about twice spaCy's parse of the sentence (docs/classifier.md), and event coding must add at most 25%
to the parse (issue 3). The thresholds were set by hand on the development examples (no held-out tuning yet).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: A classifier probability above which it may override a weak dictionary rule.
CLASSIFIER_OVERRIDE = 0.85
#: Dictionary rules below this confidence are "weak".
WEAK_RULE = 0.65
#: A classifier probability above which an untyped candidate becomes an event.
CLASSIFIER_ALONE = 0.8

#: Generic CAMEO code used when the classifier decides a PLOVER root (the root's "not specified" code).
ROOT_CAMEO = {
    "AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "COOPERATE": "060", "AID": "070",
    "YIELD": "080", "CONCEDE": "080", "RETREAT": "084", "REQUEST": "100", "ACCUSE": "112",
    "REJECT": "120", "THREATEN": "130", "PROTEST": "140", "MOBILIZE": "150", "SANCTION": "160",
    "COERCE": "170", "ASSAULT": "190",
}


def classifier_root(plover_type: str | None) -> str | None:
    """The classifier's label for a PLOVER type (CONCEDE and RETREAT are YIELD)."""
    if plover_type in ("CONCEDE", "RETREAT"):
        return "YIELD"
    return plover_type or None


@dataclass(slots=True)
class Decision:
    """The outcome of typing one candidate.

    Attributes:
        cameo: the CAMEO code to store (``None``: drop the candidate).
        decided_by: ``dictionary``, ``classifier`` or ``both``.
        confidence: in [0, 1].
        model: the classifier model id, when it took part.
        classifier_root, classifier_p: its top label and probability.
    """

    cameo: str | None
    decided_by: str
    confidence: float
    model: str = ""
    classifier_root: str | None = None
    classifier_p: float = 0.0


def needs_classifier(dict_cameo: str | None, dict_conf: float) -> bool:
    """True when a classifier prediction can change the decision for a candidate: it has no dictionary
    type, or its dictionary rule is weak (``dict_conf < WEAK_RULE``)."""
    return dict_cameo is None or dict_conf < WEAK_RULE


def combine(dict_cameo: str | None, dict_plover: str | None, dict_conf: float, prediction: Any | None,
            modality: str = "asserted") -> Decision:
    """Combine the dictionary's typing with a classifier prediction (see the module docstring).

    Args:
        dict_cameo, dict_plover, dict_conf: the dictionary's code, its PLOVER type and the rule's confidence
            (``None`` code: the dictionary has no type for this candidate).
        prediction: a ``TypingPrediction`` (``root``, ``probs``, ``model``) or ``None``.
        modality: the candidate's modality; a ``negation`` is never overridden by the classifier.
    """
    if prediction is None:
        if dict_cameo is None:
            return Decision(None, "", 0.0)
        return Decision(dict_cameo, "dictionary", dict_conf)
    root = prediction.root
    probs = prediction.probs or {}
    p = float(probs.get(root, 0.0))
    model = getattr(prediction, "model", "") or ""
    if dict_cameo is None:
        if p >= CLASSIFIER_ALONE and root in ROOT_CAMEO:
            return Decision(ROOT_CAMEO[root], "classifier", round(p * 0.8, 3), model, root, p)
        return Decision(None, "", 0.0, model, root, p)
    droot = classifier_root(dict_plover)
    if droot is None:  # CAMEO 01 or a PETRARCH code without PLOVER type: the classifier cannot judge it
        return Decision(dict_cameo, "dictionary", dict_conf, model, root, p)
    if root == droot:
        return Decision(dict_cameo, "both", round(1 - (1 - dict_conf) * (1 - p), 3), model, root, p)
    if p >= CLASSIFIER_OVERRIDE and dict_conf < WEAK_RULE and root in ROOT_CAMEO and modality != "negation":
        return Decision(ROOT_CAMEO[root], "classifier", round(p * 0.9, 3), model, root, p)
    q = float(probs.get(droot, 0.0))
    return Decision(dict_cameo, "dictionary", round(dict_conf * (0.5 + 0.5 * q), 3), model, root, p)


_STATUS: dict[str, Any] = {"loaded": None, "reason": ""}


def load_classifier() -> Any | None:
    """The classifier (``PloverClassifier.load()``) or ``None`` with the reason kept in
    :func:`classifier_status`. Tried once per process."""
    if _STATUS["loaded"] is not None:
        return _STATUS["loaded"] or None
    try:
        from eventwire.events.classifier import PloverClassifier  # noqa: PLC0415 (optional module)

        clf = PloverClassifier.load()
        _STATUS.update(loaded=clf, reason="")
        return clf
    except ImportError as exc:
        _STATUS.update(loaded=False, reason=f"classifier module not available ({exc})")
    except Exception as exc:  # a missing or unreadable model file must not stop event coding
        _STATUS.update(loaded=False, reason=f"classifier model could not be loaded: {type(exc).__name__}: {exc}")
    log.warning("event typing is dictionary-only: %s", _STATUS["reason"])
    return None


def classifier_status() -> str:
    """Empty when the classifier is in use, else why typing is dictionary-only."""
    load_classifier()
    return _STATUS["reason"]


def set_classifier(clf: Any | None, reason: str = "") -> None:
    """Use ``clf`` (any object with ``predict(list[TypingInput])``) from now on; ``None`` disables it.

    For tests and for callers that load a classifier themselves.
    """
    _STATUS.update(loaded=clf if clf is not None else False, reason=reason if clf is None else "")


def typing_input(sentence: str, source: tuple[int, int] | None, target: tuple[int, int] | None,
                 trigger: tuple[int, int], parse: Any = None) -> Any:
    """A ``TypingInput`` for the classifier (its own class when importable, else a plain stand-in).

    ``parse``: the spaCy ``Span`` (or ``Doc``) of ``sentence``, which the coder already has; a model
    with parse features uses it instead of parsing the sentence again.
    """
    try:
        from eventwire.events.classifier import TypingInput  # noqa: PLC0415

        return TypingInput(sentence, source, target, trigger, parse)
    except ImportError:
        return _Input(sentence, source, target, trigger, parse)


@dataclass(frozen=True, slots=True)
class _Input:
    sentence: str
    source: tuple[int, int] | None
    target: tuple[int, int] | None
    trigger: tuple[int, int]
    parse: Any = None
