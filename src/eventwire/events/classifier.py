"""The statistical PLOVER root-type classifier: given a sentence and its marked source and target
actors, which of the 15 PLOVER roots does the event belong to?

Run-time API (the event coder calls it; see ``docs/classifier.md``)::

    from eventwire.events.classifier import PloverClassifier, TypingInput
    clf = PloverClassifier.load()                        # cached once per process, offline
    [pred] = clf.predict([TypingInput(sentence, source=(0, 12), target=(30, 41))])
    pred.root, pred.probs["ACCUSE"], pred.model          # 'ACCUSE', 0.93, 'plover-root-ensemble/2.0.0'

Label set (:data:`PLOVER_ROOTS`): the 16 PLOVER event types with ``CONCEDE`` and ``RETREAT`` merged
into ``YIELD`` (as in the PLV evaluation set of the Zero-Shot-PLOVER study, whose gold roots are
these 15 labels). :func:`plv_root` maps any PLOVER type onto this set.

QuadClass (:data:`ROOT_QUAD_CLASS`, :func:`quad_class`): 1 verbal cooperation, 2 material
cooperation, 3 verbal conflict, 4 material conflict, as the PLOVER manual (§3.x.4 "Quad category")
gives them for each type; ``YIELD`` is 2, the class the PLV data gives all its YIELD sentences
(PLOVER puts CONCEDE in 1 and RETREAT in 2).

The shipped model lives in ``eventwire/data/models/plover-root/``: ``meta.json`` (name, version,
labels, input format, training data hashes and cross-validated figures) plus the backend's files.
Backends: ``onnx`` (a fine-tuned sentence encoder run with onnxruntime, int8; its tokenizer run with
``tokenizers``), ``linear`` (a linear model over word n-grams and spaCy parse features, run with
numpy) and ``ensemble`` (a weighted mean of the probabilities of such parts; the shipped model is
minilm-ft + linear-parse, 0.5 each). No torch or scikit-learn at run time.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np

#: The classifier's labels: PLOVER roots with CONCEDE and RETREAT merged into YIELD (PLV label set).
PLOVER_ROOTS: tuple[str, ...] = (
    "ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONSULT", "COOPERATE", "MOBILIZE",
    "PROTEST", "REJECT", "REQUEST", "SANCTION", "SUPPORT", "THREATEN", "YIELD",
)

#: PLOVER root -> QuadClass (1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict).
#: Source: PLOVER manual §3.1-3.16 "Quad category"; YIELD (CONCEDE+RETREAT) -> 2 as in the PLV gold.
ROOT_QUAD_CLASS: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1,
    "AID": 2, "COOPERATE": 2, "YIELD": 2,
    "ACCUSE": 3, "REJECT": 3, "REQUEST": 3, "THREATEN": 3,
    "ASSAULT": 4, "COERCE": 4, "MOBILIZE": 4, "PROTEST": 4, "SANCTION": 4,
}

#: PLOVER types that the classifier's label set merges (PLOVER type -> PLV root).
MERGED_TYPES: dict[str, str] = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}

#: Where the shipped model lives.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "plover-root"

#: Input markers around the source and target actors (punctuation markers, as in Zhou & Chen 2022,
#: "An Improved Baseline for Sentence-level Relation Extraction"). Training and run time share them.
SOURCE_MARK = ("@ ", " @")
TARGET_MARK = ("# ", " #")
#: Sentences longer than this (characters) are cut to a window around the marked spans.
MAX_INPUT_CHARS = 600

Span = tuple[int, int]
SpanArg = Union[Span, Sequence[Span], None]


def plv_root(plover_type: str | None) -> str | None:
    """The classifier's label for a PLOVER type: upper-cased, CONCEDE/RETREAT -> YIELD.

    Returns ``None`` for ``None``/empty input or a type outside :data:`PLOVER_ROOTS` (after merging).
    """
    if not plover_type:
        return None
    t = plover_type.strip().upper()
    t = MERGED_TYPES.get(t, t)
    return t if t in ROOT_QUAD_CLASS else None


def quad_class(root: str) -> int:
    """QuadClass (1-4) of a PLOVER root or type (CONCEDE/RETREAT accepted).

    Raises:
        KeyError: not a PLOVER type.
    """
    r = plv_root(root)
    if r is None:
        raise KeyError(f"not a PLOVER type: {root!r}")
    return ROOT_QUAD_CLASS[r]


@dataclass(frozen=True, slots=True)
class TypingInput:
    """One event candidate to type.

    Attributes:
        sentence: the sentence text.
        source, target: the source (PLOVER actor) and target (recipient) spans as half-open
            ``(start, end)`` character offsets into ``sentence``; a list of spans for several mentions
            or actors (all are marked); ``None`` when unknown.
        trigger: the trigger word(s) span, if known (not used by the current models; kept for
            richer models and for evidence).
        parse: optional spaCy parse of exactly ``sentence`` (a ``Doc``, or the ``Span`` of the
            sentence inside an article's ``Doc``, whose ``.text`` equals ``sentence``). Models with a
            parse-feature component (``linear`` backend) use it; when it is ``None`` they parse the
            sentence themselves with the pipeline's spaCy model (about 2 ms a sentence). Not
            compared nor shown in ``repr``.
    """

    sentence: str
    source: SpanArg = None
    target: SpanArg = None
    trigger: Span | None = None
    parse: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TypingPrediction:
    """The classifier's answer for one :class:`TypingInput`.

    Attributes:
        root: the most probable label of :data:`PLOVER_ROOTS`.
        probs: probability of every label (sums to 1).
        model: model name and version, ``"<name>/<version>"``.
    """

    root: str
    probs: dict[str, float] = field(default_factory=dict)
    model: str = ""

    @property
    def confidence(self) -> float:
        """Probability of :attr:`root`."""
        return self.probs.get(self.root, 0.0)

    @property
    def quad_class(self) -> int:
        """QuadClass of :attr:`root` (see :data:`ROOT_QUAD_CLASS`)."""
        return ROOT_QUAD_CLASS[self.root]


def _spans(arg: SpanArg, n: int, what: str) -> list[Span]:
    if arg is None:
        return []
    if len(arg) == 2 and all(isinstance(x, (int, np.integer)) for x in arg):  # one (start, end)
        items = [arg]
    else:
        items = list(arg)
    out = []
    for sp in items:
        try:
            s, e = int(sp[0]), int(sp[1])
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"{what} span must be (start, end) integers, got {sp!r}") from None
        if not 0 <= s <= e <= n:
            raise ValueError(f"{what} span {sp!r} is outside the sentence (length {n})")
        if e > s:
            out.append((s, e))
    return out


def format_input(item: TypingInput, max_chars: int = MAX_INPUT_CHARS) -> str:
    """The text the models read: the sentence with ``@ source @`` and ``# target #`` markers.

    Whitespace runs are collapsed to one space. A sentence longer than ``max_chars`` is cut to a
    window of that size centred on the marked spans (so a 500-token sentence costs no more than a
    normal one and its actors are never truncated away).

    Raises:
        ValueError: a span is not ``(start, end)`` inside the sentence.
    """
    text = item.sentence
    n = len(text)
    src = _spans(item.source, n, "source")
    tgt = _spans(item.target, n, "target")
    lo, hi = 0, n
    if n > max_chars:
        marked = src + tgt
        if not marked:
            hi = max_chars
        else:
            a, b = min(s for s, _ in marked), max(e for _, e in marked)
            if b - a >= max_chars:  # the spans alone fill the window: keep exactly them
                lo, hi = a, b
            else:
                lo = max(0, a - (max_chars - (b - a)) // 2)
                hi = min(n, lo + max_chars)
                lo = max(0, hi - max_chars)
    # (position, closers before openers, nesting key, marker): at one position a longer span opens
    # first and closes last, so a target inside a source reads "@ # Iraqi # fighters @"
    inserts: list[tuple[int, int, int, str]] = []
    for spans, (open_mark, close_mark) in ((src, SOURCE_MARK), (tgt, TARGET_MARK)):
        for s, e in spans:
            inserts += [(s, 1, -(e - s), open_mark), (e, 0, e - s, close_mark)]
    inserts.sort()
    parts, pos = [], lo
    for p, _, _, mark in inserts:
        if p < lo or p > hi:
            continue
        parts.append(text[pos:p])
        parts.append(mark)
        pos = p
    parts.append(text[pos:hi])
    return re.sub(r"\s+", " ", "".join(parts)).strip()


#: Modal auxiliaries recorded by :func:`parse_features`.
_MODALS = frozenset({"will", "would", "may", "might", "could", "should", "must"})


def parse_features(sent: Any, source: SpanArg, target: SpanArg) -> dict[str, float]:
    """Features of the ``linear-parse`` model from spaCy's parse of one sentence.

    Args:
        sent: a spaCy ``Doc`` of the sentence, or the sentence's ``Span`` inside a larger ``Doc``.
        source, target: spans as in :class:`TypingInput`, char offsets into the sentence's text
            (only the first span of each side is used).

    Returns:
        ``{name: 1.0}`` for each feature present: ``sdep=``/``tdep=`` the dependency labels of the
        source/target heads, ``tprep=`` a preposition governing the target; the trigger (lowest common
        ancestor of the source and target heads; else the nearest verb/noun above the marked actor;
        else the sentence root) as ``trig=`` lemma and ``trigpos=``, the lemmas on the path between the
        actors (``path=``), and the trigger's negation (``neg``), objects (``obj=``), prepositions and
        their objects (``prep=``, ``pobj=``), complement verbs (``comp=``, ``trig_comp=``, ``compobj=``)
        and modal auxiliaries (``modal=``). Features designed by eventwire (docs/classifier.md).

    Raises:
        ValueError: a span is outside the sentence.
    """
    from spacy.tokens import Doc

    whole = sent[:] if isinstance(sent, Doc) else sent  # a Span over the sentence either way
    n = len(whole.text)
    src, tgt = _spans(source, n, "source"), _spans(target, n, "target")

    def head(spans):
        if not spans:
            return None
        sp = whole.char_span(spans[0][0], spans[0][1], alignment_mode="expand")
        return sp.root if sp is not None and len(sp) else None

    def ancestors(t):  # the token and its heads up to the root (spaCy's Token.ancestors)
        return [t, *t.ancestors]

    f: dict[str, float] = {}
    hs, ht = head(src), head(tgt)
    if hs is not None:
        f["sdep=" + hs.dep_] = 1.0
    if ht is not None:
        f["tdep=" + ht.dep_] = 1.0
        if ht.head.dep_ == "prep" or ht.head.pos_ == "ADP":
            f["tprep=" + ht.head.lower_] = 1.0
    trig = None
    if hs is not None and ht is not None:
        a_s, a_t = ancestors(hs), ancestors(ht)
        common = [t for t in a_s if t in set(a_t)]
        if common:
            trig = common[0]
            path = a_s[1:a_s.index(trig)] + [trig] + a_t[1:a_t.index(trig)]
            for t in path:
                f["path=" + t.lemma_.lower()] = 1.0
    if trig is None:
        h = hs if hs is not None else ht
        if h is not None:
            trig = next((t for t in ancestors(h)[1:] if t.pos_ in ("VERB", "AUX", "NOUN")), h.head)
    if trig is None:
        trig = whole.root if len(whole) else None
    if trig is None:
        return f
    f["trig=" + trig.lemma_.lower()] = 1.0
    f["trigpos=" + trig.pos_] = 1.0
    for c in trig.children:
        if c.dep_ == "neg":
            f["neg"] = 1.0
        elif c.dep_ in ("dobj", "attr", "nsubjpass"):
            f["obj=" + c.lemma_.lower()] = 1.0
        elif c.dep_ == "prep":
            f["prep=" + c.lower_] = 1.0
            for g in c.children:
                if g.dep_ == "pobj":
                    f[f"pobj={c.lower_}_{g.lemma_.lower()}"] = 1.0
        elif c.dep_ in ("xcomp", "ccomp", "advcl"):
            f["comp=" + c.lemma_.lower()] = 1.0
            f[f"trig_comp={trig.lemma_.lower()}_{c.lemma_.lower()}"] = 1.0
            for g in c.children:
                if g.dep_ == "dobj":
                    f["compobj=" + g.lemma_.lower()] = 1.0
                if g.dep_ == "neg":
                    f["neg"] = 1.0
        elif c.dep_ == "aux" and c.lower_ in _MODALS:
            f["modal=" + c.lower_] = 1.0
    return f


def item_parse_features(items: Sequence[TypingInput]) -> list[dict[str, float]]:
    """:func:`parse_features` of each item, from its ``parse`` when given, else from a fresh parse of
    its sentence by the pipeline's spaCy model (``eventwire.nlp.pipeline.load_nlp``, batched).

    Raises:
        ValueError: an item's ``parse`` text differs from its sentence, or a span is outside it.
    """
    docs: list[Any] = [it.parse for it in items]
    for it, d in zip(items, docs):
        if d is not None and d.text != it.sentence:
            raise ValueError(f"parse text {d.text[:60]!r} differs from the sentence {it.sentence[:60]!r}")
    todo = [i for i, d in enumerate(docs) if d is None]
    if todo:
        from eventwire.nlp.pipeline import load_nlp

        for i, d in zip(todo, load_nlp().pipe([items[i].sentence for i in todo], batch_size=64)):
            docs[i] = d
    return [parse_features(d, it.source, it.target) for it, d in zip(items, docs)]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class PloverClassifier:
    """A trained PLOVER root classifier loaded from a model directory (see module docstring).

    Use :meth:`load` (cached) rather than the constructor. Thread-safe for :meth:`predict`.

    Attributes:
        path: the model directory; meta: its ``meta.json``; labels: output labels in order;
        model_id: ``"<name>/<version>"``.
    """

    _cache: dict[Path, "PloverClassifier"] = {}
    _lock = threading.Lock()

    def __init__(self, path: Path, meta: dict[str, Any]):
        self.path = path
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])
        unknown = [x for x in self.labels if x not in ROOT_QUAD_CLASS]
        if unknown:
            raise ValueError(f"{path}/meta.json: labels outside the PLOVER root set: {unknown}")
        self.model_id = f"{meta['name']}/{meta['version']}"
        self.max_chars = int(meta.get("max_chars", MAX_INPUT_CHARS))
        self.batch_size = int(meta.get("batch_size", 32))
        kind = meta.get("backend")
        if kind == "ensemble":
            parts = meta.get("components") or []
            if not parts:
                raise ValueError(f"{path}/meta.json: an ensemble needs 'components'")
        else:
            parts = [{**meta, "weight": 1.0}]
        #: (name, weight, backend) of each component; the model's probabilities are their weighted sum
        self.components: list[tuple[str, float, Any]] = []
        for part in parts:
            backend = _BACKENDS.get(part.get("backend"))
            if backend is None:
                raise ValueError(f"{path}/meta.json: unknown backend {part.get('backend')!r} "
                                 f"(expected one of {sorted(_BACKENDS)} or 'ensemble')")
            b = backend(path, part)
            if getattr(b, "classes", self.labels) != self.labels:
                raise ValueError(f"{path}/meta.json: component {part.get('route')!r} has classes {b.classes}, "
                                 f"not the model's labels")
            self.components.append((str(part.get("route", part["backend"])), float(part["weight"]), b))
        names = [n for n, _, _ in self.components]
        if len(set(names)) != len(names):
            raise ValueError(f"{path}/meta.json: component routes must be distinct, got {names}")
        total = sum(w for _, w, _ in self.components)
        if not total > 0:
            raise ValueError(f"{path}/meta.json: component weights must sum to more than 0")
        self.components = [(n, w / total, b) for n, w, b in self.components]
        #: whether a component reads spaCy's parse (:attr:`TypingInput.parse`, else parsed here)
        self.needs_parse = any(getattr(b, "needs_parse", False) for _, _, b in self.components)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PloverClassifier":
        """Load the model in ``path`` (default: the shipped model), once per process.

        Raises:
            FileNotFoundError: no ``meta.json`` in ``path`` (the model is not installed).
            ValueError: ``meta.json`` names an unknown backend or labels.
            ImportError: the backend's run-time library (onnxruntime, tokenizers) is missing.
        """
        p = Path(path).resolve() if path is not None else DEFAULT_MODEL_DIR
        with cls._lock:
            if p in cls._cache:
                return cls._cache[p]
            meta_path = p / "meta.json"
            if not meta_path.is_file():
                raise FileNotFoundError(f"no PLOVER classifier model at {p} (missing meta.json); "
                                        "train one with `python -m eventwire.train`")
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            clf = cls(p, meta)
            cls._cache[p] = clf
            return clf

    def predict_proba(self, items: Sequence[TypingInput]) -> np.ndarray:
        """Probabilities, shape ``(len(items), len(self.labels))``, rows summing to 1.

        Raises:
            ValueError: an item's spans are outside its sentence.
        """
        return sum(w * p for w, p in zip((w for _, w, _ in self.components), self.component_proba(items).values()))

    def component_proba(self, items: Sequence[TypingInput]) -> dict[str, np.ndarray]:
        """Each component's probabilities (``{route: (len(items), len(labels)) array}``), before weighting.

        Raises:
            ValueError: an item's spans are outside its sentence, or its ``parse`` is not of its sentence.
        """
        if not items:
            return {name: np.zeros((0, len(self.labels)), dtype=np.float32) for name, _, _ in self.components}
        texts = [format_input(it, self.max_chars) for it in items]
        feats = item_parse_features(items) if self.needs_parse else None
        out = {}
        for name, _, backend in self.components:
            if getattr(backend, "needs_parse", False):
                out[name] = backend.proba(texts, feats)
                continue
            # sort by length so that each batch pads little; restore the order at the end
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            probs = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
            for i in range(0, len(order), self.batch_size):
                idx = order[i:i + self.batch_size]
                probs[idx] = _softmax(backend.logits([texts[j] for j in idx]).astype(np.float64))
            out[name] = probs
        return out

    def predict(self, items: Sequence[TypingInput]) -> list[TypingPrediction]:
        """Type each item (batched): one :class:`TypingPrediction` per item, in order.

        Raises:
            ValueError: an item's spans are outside its sentence.
        """
        probs = self.predict_proba(items)
        preds = []
        for row in probs:
            k = int(row.argmax())
            preds.append(TypingPrediction(self.labels[k], {lab: float(p) for lab, p in zip(self.labels, row)},
                                          self.model_id))
        return preds


class _OnnxBackend:
    """A fine-tuned transformer encoder + linear head exported to ONNX (inputs ``input_ids``,
    ``attention_mask``[, ``token_type_ids``]; output ``logits``), tokenised with ``tokenizers``.
    ``meta`` keys: ``files.model``, ``files.tokenizer``, ``max_tokens``, ``pad_id``, ``pad_token``,
    ``threads``."""

    def __init__(self, path: Path, meta: dict[str, Any]):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        files = meta["files"]
        tok_file = path / files["tokenizer"]
        if not tok_file.exists():
            raise FileNotFoundError(f"{tok_file} is missing: run `python -m eventwire.events.assets` "
                                    "(make install does) to fetch the encoder's vocabulary")
        self.tokenizer = Tokenizer.from_file(str(tok_file))
        self.tokenizer.enable_truncation(int(meta.get("max_tokens", 128)))
        self.tokenizer.enable_padding(pad_id=int(meta.get("pad_id", 0)), pad_token=meta.get("pad_token", "[PAD]"))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(meta.get("threads", 1))
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path / files["model"]), opts, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}

    def logits(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        feed = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64)}
        if "token_type_ids" in self.input_names:
            feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
        return self.session.run(["logits"], feed)[0]


class _LinearBackend:
    """The ``linear-parse`` model run with numpy only (no scikit-learn at run time).

    Scores: ``x @ coef.T + intercept`` where ``x`` is the TF-IDF vector of the marked sentence's word
    1-2-grams (lower-cased, tokens ``[@#]|\\w+``, sublinear tf ``1 + ln tf``, the stored smoothed idf,
    then L2-normalised: scikit-learn's ``TfidfVectorizer`` as trained) followed by the 0/1 parse
    features of :func:`parse_features`; probabilities ``softmax(scores / temperature)``, the
    temperature fitted at training time by an inner cross-validation (docs/classifier.md).

    ``meta`` keys: ``files.weights`` (``.npz`` with ``coef`` (labels x columns), ``intercept``,
    ``idf``), ``files.vocabulary`` (JSON: ``terms`` and ``features`` in column order, ``classes``),
    ``temperature``, ``token_pattern``.
    """

    needs_parse = True

    def __init__(self, path: Path, meta: dict[str, Any]):
        files = meta["files"]
        with np.load(path / files["weights"]) as z:
            self.coef = z["coef"].astype(np.float64)
            self.intercept = z["intercept"].astype(np.float64)
            self.idf = z["idf"].astype(np.float64)
        voc = json.loads((path / files["vocabulary"]).read_text(encoding="utf-8"))
        self.terms = {t: i for i, t in enumerate(voc["terms"])}
        n_terms = len(self.terms)
        self.features = {f: n_terms + i for i, f in enumerate(voc["features"])}
        self.classes = list(voc["classes"])
        if self.coef.shape != (len(self.classes), n_terms + len(self.features)) or len(self.idf) != n_terms:
            raise ValueError(f"{path}: linear weights {self.coef.shape} do not fit the vocabulary "
                             f"({len(self.classes)} classes, {n_terms} terms, {len(self.features)} features)")
        self.temperature = float(meta.get("temperature", 1.0))
        self.token = re.compile(meta.get("token_pattern", r"[@#]|\w+"))

    def scores(self, texts: Sequence[str], feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Decision scores, shape ``(len(texts), len(classes))``."""
        out = np.tile(self.intercept, (len(texts), 1))
        for i, (text, fd) in enumerate(zip(texts, feats)):
            toks = self.token.findall(text.lower())
            counts: dict[int, int] = {}
            for g in toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]:
                j = self.terms.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
                w = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[cols]
                out[i] += self.coef[:, cols] @ (w / np.sqrt(w @ w))
            fcols = [self.features[k] for k, v in fd.items() if k in self.features and v]
            if fcols:
                out[i] += self.coef[:, fcols].sum(axis=1)
        return out

    def proba(self, texts: Sequence[str], feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Probabilities over the classes, ``softmax(scores / temperature)``."""
        return _softmax(self.scores(texts, feats) / self.temperature)


_BACKENDS: dict[str, type] = {"onnx": _OnnxBackend, "linear": _LinearBackend}
