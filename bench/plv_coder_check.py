"""Development check of the rule-based event coder on real news sentences (PLV, with gold roles).

Usage: .venv/bin/python -P bench/plv_coder_check.py [PLV.tsv] [--split dev20|train80|all] [--half all|dev|held]
       [--limit N] [--show K] [--no-classifier | --model DIR] [--gold-spans] [--detector | --no-detector]
       [--json OUT]

(``-P``: this folder holds a ``profile.py`` that would shadow the standard library's.)

``PLV.tsv`` defaults to ``../shared/data/events/train/plv_train.tsv`` (1,050 real news sentences with
the source and target marked ``<s>..</s>``, ``<t>..</t>`` and the gold PLOVER root). Each sentence is
run through the whole NLP stage (spaCy + annotators, as its own undated article), and the coder's
events are compared with the gold spans:

* ``pair``: some event has a source actor overlapping the gold source span and a target actor
  overlapping the gold target span (an event listing both as sources with no target, i.e. a
  reciprocal event, counts too);
* ``end-to-end``: such an event whose PLOVER root equals the gold root (CONCEDE and RETREAT count as
  YIELD, as in the gold labels);
* ``type precision``: among sentences with a pair found, the share whose event has the gold root;
* ``any event``: sentences with at least one event; ``events``: events coded in all.

This measures recall of end-to-end coding on real sentences (which actors and which triggers the
coder recognises) - it is not ``eventwire eval plv`` (the classifier's task given gold spans), and
PLV's annotation conventions differ from CAMEO's in places (e.g. "signed a pact" is SUPPORT there),
so 100% is not the target. Prints the figures and, with ``--show``, sentences missed.

It also prints the figures of ``eventwire eval plv``'s end-to-end score (the same rule,
:func:`eventwire.evaluate.plv.end_to_end_scores`: recall over gold sentences, precision over all events
found) for the whole file and for each half, from the same run.

``--model DIR`` types with a classifier model folder other than the shipped one, e.g. one trained on
the even sentence ids only (``python -m eventwire.train``'s ``train_and_export`` on that half):
its figures on the odd half are then out-of-sample. The shipped model was trained on the whole PLV
file, so any figure with it on PLV is in-sample.

``--split dev20|train80`` (issue 18) scores the fixed development split (``dev20``: 20% of the sentence
ids, stratified by gold root, seed 18, in ``eventwire/data/events/plv_dev20_ids.txt``; never used for a
choice) or the rest (``train80``, where choices are made by CV). Figures on ``dev20`` are out-of-sample
only with a model trained on ``train80`` (``--model DIR``); the shipped model saw all of PLV. Reported:
end-to-end recall, precision and F1 (the rule of ``eventwire eval plv``) overall and recall by gold root;
``--gold-spans`` adds the classifier's figures given the gold spans (accuracy, macro-F1, per root);
``--detector`` / ``--no-detector`` turn the learned detector (``eventwire.events.detector``) on or off
when the installed version has one. ``--json OUT`` writes the figures.

``--half dev`` (even sentence ids) is the half a rule writer may look at; ``--half held`` (odd ids) is
kept for reporting, so that rules are not fitted to the sentences they are scored on.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "events" / "train" / "plv_train.tsv"
_TAG = re.compile(r"</?[st]>")


def gold_spans(marked: str) -> tuple[str, tuple[int, int] | None, tuple[int, int] | None]:
    """Plain sentence and the (start, end) char spans of the ``<s>`` and ``<t>`` marks in it."""
    out, spans, open_at = [], {}, {}
    pos = 0
    k = 0
    for m in _TAG.finditer(marked):
        out.append(marked[k:m.start()])
        pos += m.start() - k
        k = m.end()
        tag = m.group()
        if tag.startswith("</"):
            spans[tag[2]] = (open_at.get(tag[2], pos), pos)
        else:
            open_at[tag[1]] = pos
    out.append(marked[k:])
    return "".join(out), spans.get("s"), spans.get("t")


def _overlap(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def root_of(plover: str | None) -> str | None:
    """The PLV label of a PLOVER type (CONCEDE and RETREAT are YIELD)."""
    return "YIELD" if plover in ("CONCEDE", "RETREAT") else plover


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print this many missed sentences")
    ap.add_argument("--no-classifier", action="store_true", help="dictionary-only typing")
    ap.add_argument("--model", type=Path, default=None, help="classifier model folder (default: the shipped one)")
    ap.add_argument("--half", choices=("all", "dev", "held"), default="all",
                    help="dev: even sentence ids (looked at while writing rules), held: odd ids (not looked at)")
    ap.add_argument("--split", choices=("all", "dev20", "train80"), default="all",
                    help="dev20: the fixed development split (never used for a choice); train80: the rest")
    ap.add_argument("--gold-spans", action="store_true", help="also score the classifier given the gold spans")
    det = ap.add_mutually_exclusive_group()
    det.add_argument("--detector", dest="detector", action="store_true", default=None,
                     help="use the learned detector (default: as installed)")
    det.add_argument("--no-detector", dest="detector", action="store_false", help="rules and classifier only")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    args = ap.parse_args()
    rows = list(csv.DictReader(args.path.open(encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    if args.split != "all":
        from eventwire.evaluate.datasets import plv_dev_ids

        dev = set(plv_dev_ids())
        if not dev <= {r["sentence_id"] for r in rows}:
            sys.exit(f"{args.path}: the dev20 ids are those of plv_train.tsv; this file lacks some")
        rows = [r for r in rows if (r["sentence_id"] in dev) == (args.split == "dev20")]
    if args.half != "all":
        rows = [r for r in rows if (int(r["sentence_id"]) % 2 == 0) == (args.half == "dev")]
    if args.limit:
        rows = rows[: args.limit]
    from eventwire.events import event_typing as ew_typing
    from eventwire.nlp.pipeline import annotate, load_nlp
    from eventwire.records import Article

    from eventwire.events.classifier import PloverClassifier

    clf = None
    if args.no_classifier:
        ew_typing.set_classifier(None, "disabled for the check")
    elif args.model is not None:
        clf = PloverClassifier.load(args.model)
        ew_typing.set_classifier(clf)
    detector = _set_detector(args.detector, args.model)
    nlp = load_nlp()
    arts, golds = [], []
    for r in rows:
        text, s, t = gold_spans(r["marked_sentence"])
        arts.append(Article(article_id=r["sentence_id"], doc_id=r["sentence_id"], title=None, body=text,
                            published=None, language="en"))
        golds.append((s, t, r["gold_root"]))
    t0 = time.perf_counter()
    annotate(arts, nlp)
    secs = time.perf_counter() - t0
    n = len(rows)
    pair = e2e = anyev = nev = 0
    by_root: Counter = Counter()
    found_root: Counter = Counter()
    missed = []
    for art, (s, t, root) in zip(arts, golds):
        evs = art.events
        nev += len(evs)
        anyev += bool(evs)
        by_root[root] += 1
        ok_pair = ok_type = False
        for e in evs:
            src = [(a.start, a.end) for a in e.sources]
            tgt = [(a.start, a.end) for a in e.targets]
            if t is None or s is None:
                continue
            hit = (any(_overlap(x, s) for x in src) and any(_overlap(x, t) for x in tgt)) or (
                not tgt and any(_overlap(x, s) for x in src) and any(_overlap(x, t) for x in src))
            if hit:
                ok_pair = True
                if root_of(e.plover_type) == root:
                    ok_type = True
        pair += ok_pair
        e2e += ok_type
        found_root[root] += ok_type
        if not ok_type:
            missed.append((art, root, [(e.trigger, e.cameo_code, [a.text for a in e.sources],
                                        [a.text for a in e.targets]) for e in evs]))
    label = args.split if args.split != "all" else args.half
    model_id = "none" if args.no_classifier else (clf or PloverClassifier.load()).model_id
    print(f"PLV coder check: {n} sentences ({args.path.name}, {label}), annotate {secs:.1f} s; classifier "
          f"{model_id} from {args.model or 'the package'}; detector {detector}")
    print(f"  end-to-end (source, target and root match): {e2e}/{n} = {e2e / n:.1%}")
    print(f"  pair found (source and target match):      {pair}/{n} = {pair / n:.1%}")
    print(f"  type precision on found pairs:              {e2e}/{pair} = {e2e / max(pair, 1):.1%}")
    print(f"  sentences with any event:                   {anyev}/{n} = {anyev / n:.1%}  ({nev} events)")
    print("  end-to-end by gold root: " + ", ".join(f"{r} {found_root[r]}/{c}" for r, c in by_root.most_common()))
    figures = _eval_style(rows, arts)
    figures.update(split=label, sentences=n, classifier=model_id, model_dir=str(args.model or "package"),
                   detector=detector, annotate_seconds=round(secs, 2))
    if args.gold_spans and not args.no_classifier:
        figures["gold_spans"] = _gold_spans(rows, clf or PloverClassifier.load())
    if args.json:
        import json

        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    marked = {r["sentence_id"]: r["marked_sentence"] for r in rows}
    for art, root, evs in missed[: args.show]:
        print(f"- [{root}] {marked[art.article_id]}\n    got: {evs}")
    sys.stdout.flush()


def _set_detector(want: bool | None, model: Path | None) -> str:
    """Turn the learned detector on or off (``None``: as installed); returns what is in use."""
    try:
        from eventwire.events import detector as ew_detector
    except ImportError:
        if want:
            sys.exit("--detector: this version has no eventwire.events.detector")
        return "none (not in this version)"
    if want is False:
        ew_detector.set_detector(None, "disabled for the check")
        return "disabled"
    if model is not None and (model / "detector.json").is_file():
        ew_detector.set_detector(ew_detector.Detector.load(model))
    status = ew_detector.detector_status()
    if want and not status.startswith("on"):
        sys.exit(f"--detector: {status}")
    return status


def _items(rows):
    from eventwire.evaluate.datasets import PlvItem, unmark

    items = []
    for r in rows:
        text, src, tgt = unmark(r["marked_sentence"])
        items.append(PlvItem(r["sentence_id"], text, src, tgt, root_of(r["gold_root"]), 0))
    return items


def _gold_spans(rows, clf) -> dict:
    """The classifier given the gold spans: accuracy, macro-F1 and F1 per root; printed and returned."""
    from eventwire.evaluate.metrics import classification_scores

    items = _items(rows)
    preds = clf.predict([it.typing_input() for it in items])
    rep = classification_scores([it.root for it in items], [p.root for p in preds])
    per = {c.label: round(c.f1, 3) for c in rep.per_class}
    print(f"  given the gold spans ({clf.model_id}): accuracy {rep.accuracy:.3f}, macro-F1 {rep.macro_f1:.3f}, "
          f"quad macro-F1 {rep.quad_macro_f1:.3f}")
    print("    F1 by root: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(per.items())))
    return {"accuracy": rep.accuracy, "macro_f1": rep.macro_f1, "quad_macro_f1": rep.quad_macro_f1, "f1_by_root": per}


def _eval_style(rows, arts) -> dict:
    """Print ``eventwire eval plv``'s end-to-end figures (all sentences, even ids, odd ids) and the
    recall by gold root; return the figures of all the rows."""
    from collections import defaultdict

    from eventwire.evaluate.plv import end_to_end_scores, event_matches

    items = _items(rows)
    result: dict = {}
    for name, keep in (("all", lambda i: True), ("dev (even ids)", lambda i: i % 2 == 0),
                       ("held (odd ids)", lambda i: i % 2 == 1)):
        sel = [(it, a) for it, a in zip(items, arts) if keep(int(it.sentence_id))]
        if not sel:
            continue
        rep = end_to_end_scores([it for it, _ in sel], [a.events for _, a in sel])
        print(f"  eval-plv end to end, {name}: {rep.found_events} events, {rep.gold_matched}/{rep.n_gold} matched: "
              f"recall {rep.recall:.3f}, precision {rep.precision:.3f}, F1 {rep.f1:.3f}; roles only recall "
              f"{rep.roles_recall:.3f}")
        if name == "all":
            result["end_to_end"] = rep.to_dict()
    hit: dict = defaultdict(int)
    tot: dict = defaultdict(int)
    for it, a in zip(items, arts):
        tot[it.root] += 1
        hit[it.root] += any(event_matches(e, it) for e in a.events)
    by_root = {r: round(hit[r] / tot[r], 3) for r in sorted(tot)}
    print("  eval-plv recall by gold root: " + ", ".join(f"{r} {hit[r]}/{tot[r]} ({by_root[r]:.2f})" for r in sorted(tot)))
    low = [r for r, v in by_root.items() if v < 0.35]
    print(f"  roots with recall < 0.35: {len(low)} ({', '.join(low) or 'none'})")
    result["recall_by_root"] = by_root
    return result


if __name__ == "__main__":
    main()
