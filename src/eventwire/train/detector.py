"""Train the learned event detector (``python -m eventwire.train.detector``; docs/detector.md).

Data (read from ``../shared``, never copied):

* PLV (``plv_train.tsv``): each distinct sentence runs through the full NLP stage with
  :data:`eventwire.events.detector.RECORDER` set, which collects every candidate (source, target)
  pair and source-only candidate of the run-time detector (:func:`collect`). A candidate whose source
  overlaps a gold source span and whose target overlaps a gold target span (or has no target where the
  gold has none) is labelled with the gold root; every other candidate, the swapped pair included, is
  ``NONE``. With ``gold_examples`` the gold-span input of each sentence is added as a positive too.
* GUM news (``../shared/data/nlp/gum_news``, optional ``--gum``): candidates of sentences where the
  rules found no candidate, all ``NONE`` (news sentences the rules see no event in). Measured by CV,
  docs/detector.md.

Model: multinomial logistic regression (scikit-learn, C from :data:`C_GRID` by CV) over TF-IDF word
1-2-grams of the marked input and the parse features, exported for the run-time ``linear`` backend
(temperature 1: the softmax of the scores is the regression's probabilities).

Choices (C, threshold, negative sources) are made by stratified 5-fold CV over the sentences of the
training split (``train80`` when figures are to be reported on ``dev20``): out-of-fold ``p_event``,
then the end-to-end score of rules + detector, typed by the detector's own root, over a threshold grid:
the threshold with the best F1 among those with precision >= :data:`MIN_PRECISION` (else best F1).
"""
from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.evaluate.datasets import PlvItem
from eventwire.events.classifier import PLOVER_ROOTS
from eventwire.events.detector import NONE

LABELS = [*PLOVER_ROOTS, NONE]
C_GRID = (1.0, 4.0, 16.0)
#: Where the detector may look (:func:`eventwire.events.detector.looks_where`), chosen by CV.
WHERE = ("no_candidate", "no_event")
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.96, 0.05))
MIN_PRECISION = 0.65
#: Least CV F1 gain for which the detector also looks at sentences with a rule candidate.
MIN_GAIN = 0.005
MODEL_NAME, MODEL_VERSION = "event-detector-linear", "1.0.0"


def _overlap(a, b) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


@dataclass(slots=True)
class Sentence:
    """One distinct PLV sentence: its gold rows and what the rules found in it (``rule_hit``: per gold
    row, whether a rule event fully matches it; ``rule_matched``: rule events matching some row)."""

    sid: str
    text: str
    gold: list[PlvItem]
    rule_events: int
    rule_matched: int
    rule_hit: list[bool]


def collect(items: Sequence[PlvItem], log=print) -> tuple[list[Sentence], list[dict[str, Any]]]:
    """Run the pipeline (detector recording) on each distinct sentence of ``items``; returns the
    sentences and their candidates (each with ``label`` and ``sid``)."""
    from eventwire.evaluate.plv import event_matches
    from eventwire.events import detector as ew_detector
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    by_id: dict[str, list[PlvItem]] = defaultdict(list)
    for it in items:
        by_id[it.sentence_id].append(it)
    arts = [Article(article_id=f"plv:{sid}", doc_id=f"plv:{sid}", title=None, body=rows[0].sentence, language="en",
                    extractor="plv") for sid, rows in by_id.items()]
    ew_detector.RECORDER = []
    t0 = time.perf_counter()
    try:
        for i in range(0, len(arts), 64):
            annotate(arts[i:i + 64])
        rec = ew_detector.RECORDER
    finally:
        ew_detector.RECORDER = None
    log(f"collected {len(rec)} candidates in {len(arts)} sentences ({time.perf_counter() - t0:.0f} s)")
    sents, cands = [], []
    for a in arts:
        sid = a.article_id[4:]
        gold = by_id[sid]
        sents.append(Sentence(sid, a.body, gold, len(a.events), sum(any(event_matches(e, g) for g in gold)
                                                                    for e in a.events),
                              [any(event_matches(e, g) for e in a.events) for g in gold]))
    for r in rec:
        sid = r["article"][4:]
        label = NONE
        for g in by_id[sid]:
            src_ok = any(_overlap(r["source"], s) for s in g.source)
            tgt_ok = (r["target"] is None and not g.target) or any(_overlap(r["target"], t) for t in g.target)
            if src_ok and tgt_ok:
                label = g.root
                break
        cands.append({**r, "sid": sid, "label": label})
    return sents, cands


def gold_examples(items: Sequence[PlvItem]) -> list[dict[str, Any]]:
    """The gold-span input of each PLV row as a positive example (``text``, ``feats``, ``label``, ``sid``)."""
    from eventwire.events.classifier import format_input, item_parse_features

    inputs = [it.typing_input() for it in items]
    feats = item_parse_features(inputs)
    return [{"text": format_input(x), "feats": f, "label": it.root, "sid": it.sentence_id, "gold": True}
            for x, f, it in zip(inputs, feats, items)]


def collect_gum(directory: Path, log=print) -> list[dict[str, Any]]:
    """Candidates of GUM news sentences where the rules found no candidate, labelled ``NONE``
    (``sid`` is ``gum:<doc name>``)."""
    from eventwire.evaluate.gum import read_doc
    from eventwire.events import detector as ew_detector
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    docs = [read_doc(p) for p in sorted(Path(directory).glob("*.xml"))]
    arts = [Article(article_id=f"gum:{d.name}", doc_id=f"gum:{d.name}", title=None, body=d.body, language="en",
                    extractor="gum") for d in docs]
    ew_detector.RECORDER = []
    try:
        annotate(arts)
        rec = ew_detector.RECORDER
    finally:
        ew_detector.RECORDER = None
    out = [{**r, "sid": r["article"], "label": NONE} for r in rec if r["rules"] == 0]
    log(f"GUM news: {len(out)} candidates in rule-free sentences of {len(docs)} documents")
    return out


class LinearDetector:
    """TF-IDF 1-2-grams + parse features, multinomial logistic regression over :data:`LABELS`."""

    def __init__(self, c: float = 4.0, seed: int = 13):
        self.c, self.seed = c, seed

    def _x(self, rows, fit=False):
        from scipy.sparse import hstack

        texts = [r["text"] for r in rows]
        feats = [r["feats"] for r in rows]
        if fit:
            from sklearn.feature_extraction import DictVectorizer
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[@#]|\w+")
            self.dv = DictVectorizer()
            return hstack([self.vec.fit_transform(texts), self.dv.fit_transform(feats)]).tocsr()
        return hstack([self.vec.transform(texts), self.dv.transform(feats)]).tocsr()

    def fit(self, rows) -> "LinearDetector":
        from sklearn.linear_model import LogisticRegression

        y = [r["label"] for r in rows]
        missing = set(LABELS) - set(y)
        x = self._x(rows, fit=True)
        if missing:  # every class must have a row for the exported shape: add empty rows
            from scipy.sparse import csr_matrix, vstack

            x = vstack([x, csr_matrix((len(missing), x.shape[1]))]).tocsr()
            y = y + sorted(missing)
        self.model = LogisticRegression(C=self.c, max_iter=3000, random_state=self.seed).fit(x, y)
        return self

    def proba(self, rows) -> np.ndarray:
        p = self.model.predict_proba(self._x(rows))
        out = np.zeros((len(rows), len(LABELS)))
        for j, c in enumerate(self.model.classes_):
            out[:, LABELS.index(c)] = p[:, j]
        return out

    def export(self, out: Path, threshold: float, extra: dict[str, Any]) -> dict[str, Any]:
        """Write ``detector.npz``, ``detector_vocab.json`` and ``detector.json`` into ``out``; check that
        the run-time backend gives the same probabilities."""
        from eventwire.events.classifier import _LinearBackend

        out.mkdir(parents=True, exist_ok=True)
        terms = [t for t, _ in sorted(self.vec.vocabulary_.items(), key=lambda kv: kv[1])]
        classes = [str(c) for c in self.model.classes_]
        np.savez_compressed(out / "detector.npz", coef=self.model.coef_.astype(np.float32),
                            intercept=self.model.intercept_.astype(np.float32), idf=self.vec.idf_.astype(np.float32))
        (out / "detector_vocab.json").write_text(json.dumps({"terms": terms, "features": list(self.dv.feature_names_),
                                                             "classes": classes}, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        meta = {"name": MODEL_NAME, "version": MODEL_VERSION, "backend": "linear", "temperature": 1.0,
                "token_pattern": self.vec.token_pattern, "threshold": threshold,
                "files": {"weights": "detector.npz", "vocabulary": "detector_vocab.json"},
                "recipe": {"model": "multinomial logistic regression", "C": self.c,
                           "features": "TF-IDF word 1-2-grams (sublinear tf) of the marked input + spaCy parse features"},
                **extra}
        (out / "detector.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return meta


def _check_runtime(model: LinearDetector, out: Path, rows) -> float:
    from eventwire.events.detector import Detector

    det = Detector.load(out)
    got = det.backend.proba([r["text"] for r in rows], [r["feats"] for r in rows])
    want = model.proba(rows)
    idx = [LABELS.index(c) for c in det.backend.classes]
    return float(np.abs(got - want[:, idx]).max()) if rows else 0.0


def end_to_end(sents: Sequence[Sentence], cands: Sequence[dict[str, Any]], p_event: np.ndarray,
               roots: Sequence[str], threshold: float, where: str = "no_candidate",
               trigger_filter: bool = False, with_rules: float | None = None) -> dict[str, Any]:
    """Rules + detector on the PLV sentences, as ``eventwire eval plv`` scores it (recall over gold rows,
    precision over events): the detector adds, in each spaCy sentence without a rule candidate, its best
    candidate when ``p_event >= threshold``, typed ``roots``; it matches a gold row when its label (the
    row's root, from :func:`collect`) is that row's root and its root is the label. ``where``
    ``no_event``: in each spaCy sentence without a rule event instead. ``trigger_filter``: leave out the
    candidates whose trigger (the ``trig=``/``trigpos=`` parse features, close to the run time's
    :func:`~eventwire.events.detector.trigger_token`) fails :func:`~eventwire.events.detector.trigger_ok`.
    ``with_rules``: also, in sentences with a rule candidate, the best candidate no rule event covers
    when its ``p_event`` reaches this."""
    from eventwire.events.detector import trigger_ok

    best: dict[tuple, int] = {}
    best_r: dict[tuple, int] = {}  # sentences with rule candidates: the best candidate no rule event covers
    for i, c in enumerate(cands):
        if c.get("gold"):
            continue
        if trigger_filter and not _trigger_ok_feats(c.get("feats") or {}, trigger_ok):
            continue
        key = (c["sid"], c["sent_idx"])
        if c.get("rule_events", 0) if where == "no_event" else c.get("rules", 0):
            if with_rules is not None and not c.get("covered") and (key not in best_r or p_event[i] > p_event[best_r[key]]):
                best_r[key] = i
            continue
        if key not in best or p_event[i] > p_event[best[key]]:
            best[key] = i
    extra: dict[str, list[int]] = defaultdict(list)
    for (sid, _), i in best.items():
        if p_event[i] >= threshold:
            extra[sid].append(i)
    for (sid, _), i in best_r.items():
        if p_event[i] >= with_rules:
            extra[sid].append(i)
    n = found = matched = hits = 0
    by_root: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in sents:
        ok_roots = {cands[i]["label"] for i in extra.get(s.sid, ()) if cands[i]["label"] != NONE
                    and roots[i] == cands[i]["label"]}
        for g, rule_ok in zip(s.gold, s.rule_hit):
            ok = rule_ok or g.root in ok_roots
            n += 1
            hits += ok
            by_root[g.root][0] += ok
            by_root[g.root][1] += 1
        found += s.rule_events + len(extra.get(s.sid, ()))
        matched += s.rule_matched + sum(1 for i in extra.get(s.sid, ()) if cands[i]["label"] != NONE
                                        and roots[i] == cands[i]["label"])
    r = hits / n if n else 0.0
    p = matched / found if found else 0.0
    return {"threshold": threshold, "threshold_with_rules": with_rules, "recall": round(r, 4), "precision": round(p, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "events": found,
            "recall_by_root": {k: round(v[0] / v[1], 3) for k, v in sorted(by_root.items())}}


def _trigger_ok_feats(feats: dict[str, float], ok) -> bool:
    lemma = next((k[5:] for k in feats if k.startswith("trig=")), "")
    pos = next((k[8:] for k in feats if k.startswith("trigpos=")), "")
    return ok(lemma, pos)


def cross_validate(sents: Sequence[Sentence], cands: list[dict[str, Any]], extra_train: list[dict[str, Any]],
                   c: float, k: int = 5, seed: int = 13) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold ``p_event`` and root of every candidate: folds stratified by the sentences' first gold
    root; ``extra_train`` rows (gold examples of the training sentences, GUM negatives) join the training
    folds only (gold rows by their sentence)."""
    from eventwire.train.folds import stratified_folds

    folds = stratified_folds([s.gold[0].root for s in sents], k, seed)
    p = np.zeros(len(cands))
    roots = [NONE] * len(cands)
    k_none = LABELS.index(NONE)
    for test in folds:
        held = {sents[i].sid for i in test}
        train = [x for x in cands if x["sid"] not in held] + [x for x in extra_train if x["sid"] not in held]
        model = LinearDetector(c, seed).fit(train)
        idx = [i for i, x in enumerate(cands) if x["sid"] in held]
        if not idx:
            continue
        pr = model.proba([cands[i] for i in idx])
        for j, i in enumerate(idx):
            p[i] = 1.0 - pr[j, k_none]
            row = pr[j].copy()
            row[k_none] = -1
            roots[i] = LABELS[int(row.argmax())]
    return p, roots


def choose(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The result with the best F1 among those with precision >= :data:`MIN_PRECISION` (else the best F1)."""
    if len(results) == 1:
        return results[0]
    ok = [r for r in results if r["precision"] >= MIN_PRECISION] or results
    return max(ok, key=lambda r: (r["f1"], r["precision"]))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m eventwire.train.detector``: see the module docstring and ``--help``."""
    import argparse

    from eventwire.evaluate.datasets import PLV_FILE, default_data_dir, plv_split, read_plv

    ap = argparse.ArgumentParser(prog="python -m eventwire.train.detector", description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("train80", "all"), default="all",
                    help="PLV sentences to train on (train80: for honest figures on dev20)")
    ap.add_argument("--out", type=Path, required=True, help="model folder to write detector.json into")
    ap.add_argument("--gum", choices=("yes", "no", "cv"), default="cv",
                    help="GUM news negatives: always, never, or as the CV decides (default)")
    ap.add_argument("--gold-examples", choices=("yes", "no", "cv"), default="cv",
                    help="gold-span inputs as extra positives: always, never, or as the CV decides")
    ap.add_argument("--objects", choices=("yes", "no", "cv"), default="cv",
                    help="uncoded object phrases as candidate targets: always, never, or as the CV decides")
    ap.add_argument("--c", type=float, action="append", default=None,
                    help=f"regularisation C to try (repeatable; default {C_GRID})")
    ap.add_argument("--threshold", type=float, default=None,
                    help="use this threshold and no CV (with --objects/--gold-examples/--gum yes|no and one --c), "
                    "e.g. the one the CV on train80 chose, for the model trained on all of PLV")
    ap.add_argument("--threshold-with-rules", type=float, default=None,
                    help="with --threshold: the threshold in sentences with a rule candidate (default: not there)")
    ap.add_argument("--where", choices=WHERE, default="no_candidate",
                    help="with --threshold: where the detector looks (sentences without a rule candidate / event)")
    ap.add_argument("--cache", type=Path, default=None, help="folder to cache the collected candidates in")
    ap.add_argument("--report", type=Path, default=None, help="write the CV figures here (JSON)")
    args = ap.parse_args(argv)
    data = default_data_dir()
    items = plv_split(read_plv(data / PLV_FILE), args.split)
    cache = args.cache / f"plv_{args.split}_v4.json" if args.cache else None
    if cache and cache.is_file():
        raw = json.loads(cache.read_text(encoding="utf-8"))
        sents = [Sentence(s["sid"], s["text"], [PlvItem(**{**g, "source": [tuple(x) for x in g["source"]],
                                                             "target": [tuple(x) for x in g["target"]]})
                                                for g in s["gold"]],
                          s["rule_events"], s["rule_matched"], s["rule_hit"]) for s in raw["sents"]]
        cands = [{**c, "source": tuple(c["source"]) if c["source"] else None,
                  "target": tuple(c["target"]) if c["target"] else None} for c in raw["cands"]]
    else:
        sents, cands = collect(items)
        if cache:
            from dataclasses import asdict

            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"sents": [asdict(s) for s in sents], "cands": cands}), encoding="utf-8")
    pos = sum(c["label"] != NONE for c in cands)
    print(f"{len(sents)} sentences, {len(cands)} candidates, {pos} positive; "
          f"{len({(c['sid'], c['sent_idx']) for c in cands if not c['rules']})} spaCy sentences with candidates and "
          f"no rule candidate")
    gold = gold_examples(items)
    gum: list[dict[str, Any]] = []
    if args.gum != "no":
        gum_cache = args.cache / "gum_v4.json" if args.cache else None
        if gum_cache and gum_cache.is_file():
            gum = json.loads(gum_cache.read_text(encoding="utf-8"))
        else:
            gum = collect_gum(data.parents[1] / "nlp" / "gum_news")
            if gum_cache:
                gum_cache.write_text(json.dumps(gum), encoding="utf-8")
    variants = []
    oof: dict[int, tuple] = {}  # id(variant) -> its out-of-fold p_event, roots and candidates
    all_cands = cands
    if args.threshold is not None:
        if "cv" in (args.objects, args.gold_examples, args.gum) or len(args.c or C_GRID) != 1:
            print("error: --threshold needs --objects, --gold-examples and --gum yes|no and one --c", file=sys.stderr)
            return 2
        variants.append({"objects": args.objects == "yes", "gold_examples": args.gold_examples == "yes",
                         "where": args.where,
                         "gum": args.gum == "yes", "C": (args.c or C_GRID)[0], "threshold": args.threshold,
                         "recall": None, "precision": None, "f1": None, "recall_by_root": None, "given": True})

    def opts(arg):
        return (True, False) if arg == "cv" else (arg == "yes",)

    for use_obj in opts(args.objects) if args.threshold is None else ():
        cands = [c for c in all_cands if use_obj or not c.get("np")]
        for use_gold in opts(args.gold_examples):
            for use_gum in opts(args.gum):
                for c in args.c or C_GRID:
                    extra = (gold if use_gold else []) + ([g for g in gum if use_obj or not g.get("np")] if use_gum else [])
                    t0 = time.perf_counter()
                    p, roots = cross_validate(sents, cands, extra, c)
                    first = len(variants)
                    for where, filt in ((w, f) for w in WHERE for f in (False, True)):
                        res = [end_to_end(sents, cands, p, roots, t, where, filt) for t in THRESHOLDS]
                        best = choose(res)
                        variants.append({"objects": use_obj, "gold_examples": use_gold, "gum": use_gum, "C": c,
                                         "where": where, "trigger_filter": filt, **best,
                                         "curve": [(r["threshold"], r["precision"], r["recall"], r["f1"]) for r in res]})
                        print(f"  CV objects={use_obj} gold_examples={use_gold} gum={use_gum} C={c} where={where} "
                              f"trigger_filter={filt}: "
                              f"threshold {best['threshold']}: R {best['recall']:.3f} P {best['precision']:.3f} "
                              f"F1 {best['f1']:.3f} ({time.perf_counter() - t0:.0f} s)", flush=True)
                    for v in variants[first:]:
                        oof[id(v)] = (p, roots, cands)
    rules_only = end_to_end(sents, cands, np.zeros(len(cands)), [NONE] * len(cands), 2.0)
    print(f"  rules alone on these sentences: R {rules_only['recall']:.3f} P {rules_only['precision']:.3f} "
          f"F1 {rules_only['f1']:.3f}")
    # the run time always applies the trigger filter (events.detector.trigger_ok): choose among those rows
    pick = choose([v for v in variants if v.get("trigger_filter", True)])
    if oof.get(id(pick)) is not None:  # then the threshold for sentences with a rule candidate (or none)
        p, roots, cands_used = oof[id(pick)]
        res = [end_to_end(sents, cands_used, p, roots, pick["threshold"], pick["where"], True, t)
               for t in THRESHOLDS if t >= pick["threshold"]]
        best = choose(res)
        # (used only when it adds more than MIN_GAIN F1: an extra event in a sentence the rules coded
        # costs precision on text the CV cannot see)
        gain = best["f1"] - pick["f1"] if best["precision"] >= MIN_PRECISION else 0.0
        pick["threshold_with_rules"] = best["threshold_with_rules"] if gain > MIN_GAIN else None
        print(f"  CV, also in sentences with a rule candidate: " + ", ".join(
            f"{r['threshold_with_rules']}: R {r['recall']:.3f} P {r['precision']:.3f} F1 {r['f1']:.3f}" for r in res)
            + f"; chosen {pick['threshold_with_rules']}", flush=True)
        variants.append({"with_rules_curve": [(r["threshold_with_rules"], r["precision"], r["recall"], r["f1"])
                                              for r in res]})
    cands = [c for c in all_cands if pick["objects"] or not c.get("np")]
    gum = [g for g in gum if pick["objects"] or not g.get("np")]
    print(f"chosen: objects={pick['objects']} gold_examples={pick['gold_examples']} gum={pick['gum']} C={pick['C']} threshold {pick['threshold']}")
    train = cands + (gold if pick["gold_examples"] else []) + (gum if pick["gum"] else [])
    model = LinearDetector(pick["C"]).fit(train)
    from eventwire.evaluate.datasets import file_sha256

    meta = model.export(args.out, pick["threshold"], {
        "object_targets": pick["objects"], "where": pick.get("where", args.where),
        "threshold_with_rules": pick.get("threshold_with_rules", args.threshold_with_rules),
        "trained_on": {"split": args.split, "plv_sentences": len(sents), "candidates": len(cands),
                       "gold_examples": len(gold) if pick["gold_examples"] else 0,
                       "gum_negatives": len(gum) if pick["gum"] else 0,
                       "sha256": {"plv": file_sha256(data / PLV_FILE)}},
        "cross_validation": {k: pick.get(k) for k in ("where", "threshold_with_rules", "objects", "gold_examples", "gum", "C", "threshold", "recall", "precision",
                                                  "f1", "recall_by_root")},
        "rules_alone_cv_sentences": {k: rules_only[k] for k in ("recall", "precision", "f1")}})
    diff = _check_runtime(model, args.out, cands[:300])
    meta["export_check_max_abs_diff"] = round(diff, 6)
    (args.out / "detector.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}/detector.json (run-time check: max |p diff| {diff:.2e})")
    if diff > 1e-4:
        print("error: the run-time backend does not reproduce the model", file=sys.stderr)
        return 1
    if args.report:
        args.report.write_text(json.dumps({"variants": variants, "rules_alone": rules_only}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
