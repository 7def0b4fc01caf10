"""What the learned event detector costs on real news, against spaCy's parse of the same text (issue 18:
event detection and coding together at most 40% of the spaCy stage).

Usage: .venv/bin/python -P bench/detector_cost.py [--repeats 3] [--model DIR]

Takes the real English news of ``bench/coder_cost.py`` (the English fundus reference bodies and the GUM
Wikinews articles, from ``../shared``), runs the NLP stage on them with the detector off and on,
alternating, ``--repeats`` times each in this process, and reports the medians of the CPU seconds of
the ``spacy`` stage and of the ``actors`` + ``events`` annotators (:mod:`eventwire.timing`: actor
resolution, the rules, the classifier and the detector; CPU time, as the machine may be shared), their
ratio, and the events by ``decided_by``. ``--model DIR`` loads
the detector from DIR (default: the shipped one).
"""
from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path



def _coder_cost():
    """``bench/coder_cost.py`` as a module (loaded from its file: putting bench/ on ``sys.path`` would let
    its ``profile.py`` shadow the standard library's)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("coder_cost", Path(__file__).resolve().parent / "coder_cost.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None)
    args = ap.parse_args()
    articles = _coder_cost().articles

    from eventwire import timing
    from eventwire.events import detector as ew_detector
    from eventwire.nlp.pipeline import annotate, load_nlp

    nlp = load_nlp()
    det = ew_detector.Detector.load(args.model)
    annotate(articles()[:3], nlp)  # warm-up (dictionaries, gazetteer, classifier session)
    runs: dict[str, list] = {"off": [], "on": []}
    last: dict[str, list] = {}
    for _ in range(args.repeats):
        for mode in ("off", "on"):
            ew_detector.set_detector(det if mode == "on" else None, "off for the benchmark")
            arts = articles()
            timing.reset()
            annotate(arts, nlp)
            snap = timing.snapshot_cpu()
            coding = sum(snap.get(k, 0.0) for k in ("actors", "events", "actors_events"))
            runs[mode].append((snap.get("spacy", 0.0), coding))
            last[mode] = arts
    arts = last["on"]
    n_sent = sum(len(a.sentences) for a in arts)
    print(f"detector cost on real news: {len(arts)} English articles (fundus, GUM), {n_sent} sentences; "
          f"detector {det.model_id} (threshold {det.threshold:.2f}); median of {args.repeats}")
    for mode in ("off", "on"):
        sp = statistics.median(r[0] for r in runs[mode])
        ev = statistics.median(r[1] for r in runs[mode])
        by = Counter(e.decided_by for a in last[mode] for e in a.events)
        print(f"  detector {mode:>3}: spacy {sp:.2f} CPU s; actors + events {ev:.2f} CPU s = {ev / sp:.1%} of spacy; "
              f"events {sum(by.values())} ({', '.join(f'{k} {v}' for k, v in by.most_common())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
