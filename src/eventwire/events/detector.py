"""Learned event detection over actor pairs: the events the trigger rules miss (issue 18).

The rule coder (:mod:`eventwire.events.coder`) finds events only where a trigger of its dictionary links
actors. For each codable sentence where the rules found **no candidate at all**, the detector

1. takes the actor mentions the actor resolver finds in the sentence (:func:`sentence_mentions`: the
   noun phrases with an actor, at most :data:`MAX_MENTIONS`, pronouns left out) and makes the candidate
   (source, target) pairs in both directions, and source-only candidates (:func:`candidate_pairs`);
   when the model was trained with them (``object_targets`` in its meta), also pairs of an actor and
   an uncoded object phrase of a verb (:func:`object_phrases`: the target then has no actor code);
2. scores each with the detector model (:class:`Detector`): a linear model over the same input as the
   classifier (the sentence with ``@ source @`` / ``# target #`` markers, TF-IDF word 1-2-grams and the
   parse features of :func:`~eventwire.events.classifier.parse_features`) with 16 classes, the 15 PLOVER
   roots and ``NONE`` (no event between these actors in this direction). ``p_event = 1 - P(NONE)``;
3. leaves out candidates whose trigger fails :func:`trigger_ok` (a verb, not one of being, having,
   perceiving, naming or saying) and keeps the best-scoring one of the sentence when
   ``p_event >= threshold`` (the model's
   ``threshold``, chosen by cross-validation on the training sentences, docs/detector.md);
   a model whose meta says ``"where": "no_event"`` looks at every sentence without a rule *event*
   (also those whose rule candidates the typing dropped) instead (:func:`looks_where`);
4. types it with the PLOVER classifier (:mod:`eventwire.events.classifier`, the better typer given the
   spans: docs/classifier.md), keeps it only when the classifier's root is the detector's own, and
   gives it the root's generic CAMEO code (``event_typing.ROOT_CAMEO``), while the rules' machinery gives the rest: modality (:func:`~eventwire.events.modality.modality` of the trigger,
   the lowest common ancestor of the two actors' heads), the CAMEO 03 intent code of planned
   cooperation, attribution, evidence. Such events have ``decided_by="detector"`` and ``coder``
   ``eventwire-detector/1 + <model>(<root>:<p_event>)``.

The model is trained by :mod:`eventwire.train.detector` (needs the ``train`` extra) and ships in
``eventwire/data/models/event-detector``; running it needs numpy only. Without the model (or with
:func:`set_detector` ``(None)``) coding is the rules' alone and :func:`detector_status` says why.

For training, :data:`RECORDER` (a list) collects every candidate of every codable sentence instead of
deciding (:func:`record`), with the rules' candidates of the sentence, so that training and run time
see exactly the same candidates.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventwire import lexicon
from eventwire.events.modality import SPEECH_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from eventwire.actors.resolver import ArticleActors, Ref

log = logging.getLogger(__name__)

DETECTOR_ID = "eventwire-detector/1"
#: The "no event" class of the detector model.
NONE = "NONE"
#: At most this many actor mentions of a sentence make candidates (the first ones).
MAX_MENTIONS = 6
#: The shipped model's folder.
DEFAULT_DETECTOR_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "event-detector"
#: Dependency labels of tokens that do not head their own noun phrase.
_NOT_HEAD = frozenset({"compound", "amod", "nmod", "flat", "det", "nummod"})
#: When a list, :func:`record` appends the candidates here instead of deciding (training).
RECORDER: list[dict[str, Any]] | None = None


def sentence_mentions(sent: "Span", aa: "ArticleActors") -> list["Ref"]:
    """The actor mentions of a sentence: for each noun or proper noun heading a phrase (not a
    compound or modifier, not a pronoun), the first actor the resolver gives it, skipping a mention
    whose span overlaps one already taken; at most :data:`MAX_MENTIONS`, in sentence order. A
    sentence without a verb (a list, a heading) has none."""
    if not any(t.pos_ == "VERB" for t in sent):
        return []
    out: list[Ref] = []
    taken: list[tuple[int, int]] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in _NOT_HEAD:
            continue
        refs = [r for r in aa.refs(tok) if r.start >= sent.start and r.end <= sent.end]
        if not refs:
            continue
        r = refs[0]
        if any(r.start < e and s < r.end for s, e in taken):
            continue
        taken.append((r.start, r.end))
        out.append(r)
        if len(out) == MAX_MENTIONS:
            break
    return sorted(out, key=lambda r: r.start)


#: At most this many unresolved object noun phrases of a sentence are candidate targets.
MAX_OBJECTS = 4
#: Dependency labels of the object noun phrases that may be a target without a coded actor.
_OBJECT_DEPS = frozenset({"dobj", "dative", "nsubjpass", "pobj"})


def object_phrases(sent: "Span", mentions: list["Ref"]) -> list["Ref"]:
    """Noun phrases the resolver gives no actor that are objects of a verb (direct or indirect object,
    passive subject, or the object of a preposition attached to a verb): candidate targets with no
    code (``kind="np"``; "suing *the FBI*" has an actor, "detained *110 more individuals*" has none).
    The phrase runs from its first word to its head (no trailing modifiers); at most :data:`MAX_OBJECTS`."""
    from eventwire.actors.resolver import Ref

    taken = [(r.start, r.end) for r in mentions]
    out: list[Ref] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ not in _OBJECT_DEPS:
            continue
        if tok.dep_ == "pobj" and tok.head.head.pos_ != "VERB":
            continue
        start, end = max(tok.left_edge.i, sent.start), tok.i + 1
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        out.append(Ref(None, None, None, None, None, start, end, "np", 0.5, "np"))
        if len(out) == MAX_OBJECTS:
            break
    return out


def candidate_pairs(mentions: list["Ref"], objects: list["Ref"] = (), doc: "Any" = None) -> list[tuple["Ref", "Ref | None"]]:
    """Every ordered pair of two actor mentions (both directions, the same actor named twice included:
    "the Prime Minister" and "the Ethiopian government" may both be ETHGOV), every actor mention with
    each uncoded object phrase as its target, then every mention alone as a source-only candidate.
    As in the rules, ordinary people found from context ("people") and places are never sources, nor
    (given the ``doc``) a passive subject ("Haniyeh was killed by an airstrike")."""
    from eventwire.actors.resolver import CONTEXT_RULES

    def source_ok(r):  # as the rules: ordinary people from context, places and passive subjects are never sources
        if r.role_kind == "people" and r.rule in CONTEXT_RULES or r.kind == "place":
            return False
        return doc is None or doc[r.start:r.end].root.dep_ != "nsubjpass"

    srcs = [a for a in mentions if source_ok(a)]
    pairs: list[tuple[Ref, Ref | None]] = [(a, b) for a in srcs for b in mentions if a is not b]
    pairs += [(a, o) for a in srcs for o in objects]
    return pairs + [(a, None) for a in srcs]


def char_span(sent: "Span", r: "Ref | None") -> tuple[int, int] | None:
    """``(start, end)`` character offsets of mention ``r`` in the sentence's text."""
    if r is None:
        return None
    doc = sent.doc
    return doc[r.start].idx - sent.start_char, doc[r.end - 1].idx + len(doc[r.end - 1]) - sent.start_char


def trigger_token(sent: "Span", src: "Ref", tgt: "Ref | None") -> "Token":
    """The word the event is told by: the lowest common ancestor of the two mentions' heads when it is
    neither of them, else the nearest verb above the source's head, else the sentence's root."""
    doc = sent.doc

    def head(r):
        sp = doc[r.start:r.end]
        return sp.root

    def up(t):  # the token and its heads up to the root (spaCy's Token.ancestors)
        return [t, *t.ancestors]

    hs = head(src)
    if tgt is not None:
        ht = head(tgt)
        anc_t = set(x.i for x in up(ht))
        lca = next((x for x in up(hs) if x.i in anc_t), None)
        if lca is not None and lca.i not in (hs.i, ht.i):
            return lca
    return next((x for x in up(hs)[1:] if x.pos_ in ("VERB", "AUX")), sent.root)


def path_verbs(sent: "Span", trigger: "Token", tgt: "Ref | None") -> list["Token"]:
    """The verbs between ``trigger`` and the target's head (from the target up, ``trigger`` left out):
    in "stopped short of *attacking* Kosovo" the event's own verb."""
    if tgt is None:
        return []
    t = sent.doc[tgt.start:tgt.end].root
    out = []
    while t.i != trigger.i and t.head.i != t.i:
        t = t.head
        if t.i != trigger.i and t.pos_ == "VERB":
            out.append(t)
    return out


@dataclass(slots=True)
class Detector:
    """A trained detector model (see the module docstring): :meth:`load` it, then :meth:`score`.

    Attributes:
        path: the model folder; meta: its ``detector.json``; model_id: ``"<name>/<version>"``;
        threshold: the least ``p_event`` of a kept candidate.
    """

    path: Path
    meta: dict[str, Any]
    backend: Any
    model_id: str
    threshold: float

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Detector":
        """Load ``detector.json`` and its linear weights from ``path`` (default: the shipped model).

        Raises:
            FileNotFoundError: no ``detector.json`` there.
            ValueError: the model's classes are not the 15 roots and ``NONE``, or the weights do not fit.
        """
        from eventwire.events.classifier import PLOVER_ROOTS, _LinearBackend

        p = Path(path) if path is not None else DEFAULT_DETECTOR_DIR
        mp = p / "detector.json"
        if not mp.is_file():
            raise FileNotFoundError(f"no event detector model at {p} (missing detector.json); "
                                    "train one with `python -m eventwire.train.detector`")
        meta = json.loads(mp.read_text(encoding="utf-8"))
        backend = _LinearBackend(p, meta)
        if sorted(backend.classes) != sorted([*PLOVER_ROOTS, NONE]):
            raise ValueError(f"{mp}: classes {backend.classes} are not the PLOVER roots and {NONE}")
        return cls(p, meta, backend, f"{meta['name']}/{meta['version']}", float(meta["threshold"]))

    def score(self, items: list[Any]) -> tuple[np.ndarray, list[str]]:
        """``p_event`` (shape ``(len(items),)``) and the detector's own top root of each
        :class:`~eventwire.events.classifier.TypingInput` (whose ``parse`` must be given).

        Raises:
            ValueError: a span is outside its sentence.
        """
        from eventwire.events.classifier import format_input, parse_features

        if not items:
            return np.zeros(0), []
        texts = [format_input(it) for it in items]
        feats = [parse_features(it.parse, it.source, it.target) for it in items]
        probs = self.backend.proba(texts, feats)
        k = self.backend.classes.index(NONE)
        roots = []
        for row in probs:
            row = row.copy()
            row[k] = -1.0
            roots.append(self.backend.classes[int(row.argmax())])
        return 1.0 - probs[:, k], roots


_STATE: dict[str, Any] = {"loaded": None, "reason": ""}


def load_detector() -> Detector | None:
    """The shipped detector, or ``None`` with the reason in :func:`detector_status` (tried once)."""
    if _STATE["loaded"] is not None:
        return _STATE["loaded"] or None
    try:
        det = Detector.load()
        _STATE.update(loaded=det, reason="")
        return det
    except (FileNotFoundError, ValueError, KeyError, OSError) as exc:
        _STATE.update(loaded=False, reason=f"no event detector: {type(exc).__name__}: {exc}")
    log.info("event detection is the rules' alone: %s", _STATE["reason"])
    return None


def detector_status() -> str:
    """``"on: <model id>"`` when the detector is in use, else why not."""
    det = load_detector()
    return f"on: {det.model_id} (threshold {det.threshold:.2f})" if det is not None else _STATE["reason"]


def set_detector(det: Detector | None, reason: str = "") -> None:
    """Use ``det`` from now on; ``None`` turns detection off (``reason`` kept for :func:`detector_status`)."""
    _STATE.update(loaded=det if det is not None else False, reason=reason or "turned off" if det is None else "")


def _inputs(sent: "Span", pairs) -> list[Any]:
    from eventwire.events.classifier import TypingInput

    return [TypingInput(sent.text, char_span(sent, s), char_span(sent, t), None, sent) for s, t in pairs]


def threshold_with_rules() -> float | None:
    """The least ``p_event`` of a detector event in a sentence where the rules found a candidate (its
    actors not those of a rule event), when the model has one (``threshold_with_rules``, chosen by CV);
    ``None``: the detector does not look at such sentences."""
    det = load_detector()
    t = (det.meta if det is not None else {}).get("threshold_with_rules")
    return float(t) if t is not None else None


def looks_where() -> str:
    """Which sentences the detector looks at: ``no_candidate`` (no rule candidate; the default) or
    ``no_event`` (no rule event), as the model's ``where`` says (chosen by CV at training time)."""
    det = load_detector()
    return str((det.meta if det is not None else {}).get("where", "no_candidate"))


def record(article_id: str, si: int, sent: "Span", aa: "ArticleActors", rule_candidates: int,
           rule_events: int = 0, rule_pairs: RulePairs = ()) -> None:
    """Training: append every candidate of ``sent`` to :data:`RECORDER` (``article``, ``sent_idx``,
    ``sentence``, ``source``/``target`` char spans, ``rules``: the rules' candidates in the sentence,
    ``rule_events``: whether the rules coded an event in it, ``covered``: whether a rule event names the
    candidate's actors (:func:`covered`), ``text``: the marked input, ``feats``: its parse features)."""
    from eventwire.events.classifier import format_input, parse_features

    if RECORDER is None:
        return
    ms = sentence_mentions(sent, aa)
    pairs = candidate_pairs(ms, object_phrases(sent, ms), sent.doc)
    for (_, tgt), it in zip(pairs, _inputs(sent, pairs)):
        RECORDER.append({"np": tgt is not None and tgt.kind == "np", "article": article_id, "sent_idx": si, "sentence": sent.text, "source": it.source,
                         "target": it.target, "rules": rule_candidates, "rule_events": rule_events,
                         "covered": covered(it.source, it.target, list(rule_pairs)), "text": format_input(it),
                         "feats": parse_features(sent, it.source, it.target)})


#: Lemmas that never trigger a detector event (see :func:`trigger_ok`).
_NOT_TRIGGERS = lexicon.words("link_stop_verbs") | lexicon.words("stative_verbs") | SPEECH_VERBS


def trigger_ok(lemma: str, pos: str) -> bool:
    """Whether a candidate's trigger word may tell an event: a verb that is not one of the rules' verbs
    of being, having, perceiving, naming or saying (the lexicon tables ``link_stop_verbs`` and
    ``stative_verbs`` the coder reads, and ``modality.SPEECH_VERBS``): "The UN *considers* Gaza ...",
    "India and the EU *come* after the US", "X *said* ..." are no events between their actors (the rules
    code what is said)."""
    return pos == "VERB" and lemma not in _NOT_TRIGGERS


RulePairs = list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]


def covered(src: tuple[int, int] | None, tgt: tuple[int, int] | None, rule_pairs: RulePairs) -> bool:
    """Whether a candidate (char spans in the sentence) names the two actors of a rule event, in either
    direction (one interaction, one event); a source-only candidate, whether its actor is in one."""
    def hit(a, spans):
        return a is not None and any(a[0] < e and s < a[1] for s, e in spans)

    for srcs, tgts in rule_pairs:
        both = srcs + tgts
        if hit(src, both) and (tgt is None or hit(tgt, both)):
            return True
    return False


def detect(sent: "Span", aa: "ArticleActors", threshold: float | None = None,
           rule_pairs: RulePairs = ()) -> tuple[tuple["Ref", "Ref | None"], float, str] | None:
    """The candidate the detector keeps in ``sent`` (see the module docstring), with its ``p_event``
    and the detector's own root; ``None`` when no candidate reaches the threshold (default: the
    model's) or there is no model. Candidates whose trigger word fails :func:`trigger_ok`, or that
    are :func:`covered` by a rule event's actors (``rule_pairs``), are not considered."""
    det = load_detector()
    if det is None:
        return None
    ms = sentence_mentions(sent, aa)
    pairs = candidate_pairs(ms, object_phrases(sent, ms) if det.meta.get("object_targets") else [], sent.doc)
    pairs = [(s, t) for s, t in pairs if trigger_ok((tok := trigger_token(sent, s, t)).lemma_.lower(), tok.pos_)]
    if rule_pairs:
        pairs = [(s, t) for s, t in pairs if not covered(char_span(sent, s), char_span(sent, t), list(rule_pairs))]
    if not pairs:
        return None
    p, roots = det.score(_inputs(sent, pairs))
    k = int(np.argmax(p))
    if p[k] < (det.threshold if threshold is None else threshold):
        return None
    return pairs[k], float(p[k]), roots[k]
