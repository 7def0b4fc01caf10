"""What event coding costs on real news, against spaCy's parse of the same text (issue 3: at most +25%).

Usage: .venv/bin/python -P bench/coder_cost.py [--repeats 3] [--no-links] [--show N]

``eventwire bench`` measures the pipeline on a generated corpus whose sentences use the trigger
dictionary's own verbs, so it cannot show what the classifier costs on real text, where it is asked
about weak rules and about actor-verb-actor links with no dictionary type. This script takes the
English pages of the fundus extraction set (``../shared/data/extraction/fundus/*/*.json``: the
reference body of each page, one version per page) and the GUM Wikinews articles, runs the NLP stage on them (spaCy and every
annotator) and reports, as medians over ``--repeats`` runs in this process:

* seconds in the ``spacy`` stage and in the ``actors`` and ``events`` stages (:mod:`eventwire.timing`), and
  their ratio;
* classifier calls (candidates sent to it) by kind: ``weak`` (a weak dictionary rule) and ``link``
  (no dictionary type), per 100 sentences, and the seconds spent in ``predict``;
* events by ``decided_by``.

``--no-links`` turns the link candidates off (the coder before they existed), for a before/after
in one run of the machine. ``--show N`` prints N classifier-typed link events (to read them).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNDUS = ROOT.parent / "shared" / "data" / "extraction" / "fundus"
GUM = ROOT.parent / "shared" / "data" / "nlp" / "gum_news"


def articles():
    """Real English news: every fundus page whose reference body is English (its first recorded
    version), and the 20 GUM Wikinews articles (their text, rebuilt from the ``.xml`` files by ``evaluate.gum.read_doc``)."""
    from eventwire.extract.language import detect_language
    from eventwire.records import Article

    out = []
    for f in sorted(FUNDUS.glob("*/*.json")):
        for ver, v in json.loads(f.read_text(encoding="utf-8")).items():
            b = v.get("body") or {}
            paras = list(b.get("summary") or []) + [p for s in b.get("sections") or [] for p in s.get("paragraphs") or []]
            body = "\n\n".join(p for p in paras if p)
            if len(body.split()) >= 40 and detect_language(body)[0] == "en":
                out.append(Article(article_id=f"{f.stem}-{ver}", doc_id=f"{f.stem}-{ver}", title=v.get("title"), body=body,
                                   source=str(f), language="en",
                                   published=(v.get("publishing_date") or "").replace(" ", "T")[:19] or None))
            break
    from eventwire.evaluate.gum import read_doc

    for f in sorted(GUM.glob("*.xml")):  # (the .conllu files have no "# text =" lines: rebuilt from the XML)
        d = read_doc(f)
        out.append(Article(article_id=f.stem, doc_id=f.stem, title=None, body=d.body, source=str(f),
                           language="en", published=None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-links", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    from eventwire import timing
    from eventwire.events import coder as coder_mod
    from eventwire.events import event_typing as ew_typing
    from eventwire.nlp.pipeline import annotate, load_nlp

    nlp = load_nlp()
    clf = ew_typing.load_classifier()
    if clf is None:
        print(f"classifier unavailable: {ew_typing.classifier_status()}", file=sys.stderr)
        return 2
    coder = coder_mod.default_coder()
    coder.link_candidates = not args.no_links
    calls: Counter = Counter()
    secs = [0.0]
    predict = clf.predict

    def counting(inputs):
        t0 = time.perf_counter()
        try:
            return predict(inputs)
        finally:
            secs[0] += time.perf_counter() - t0

    original = coder._type_and_build

    def type_and_build(article, doc, cands):
        for c in cands:
            if ew_typing.needs_classifier(c.cameo or None, c.confidence):
                calls["link" if not c.cameo else "weak"] += 1
        return original(article, doc, cands)

    clf.predict = counting
    coder._type_and_build = type_and_build
    annotate(articles()[:3], nlp)  # warm-up (dictionaries, gazetteer, the classifier session)
    runs = []
    for _ in range(args.repeats):
        arts = articles()
        calls.clear()
        secs[0] = 0.0
        timing.reset()
        annotate(arts, nlp)
        snap = timing.snapshot()
        runs.append((snap.get("spacy", 0.0), snap.get("actors", 0.0) + snap.get("events", 0.0), secs[0], dict(calls), arts))
    sp = statistics.median(r[0] for r in runs)
    ev = statistics.median(r[1] for r in runs)
    cl = statistics.median(r[2] for r in runs)
    arts = runs[-1][4]
    n_sent = sum(len(a.sentences) for a in arts)
    n_words = sum(len(a.body.split()) for a in arts)
    c = runs[-1][3]
    by = Counter(e.decided_by for a in arts for e in a.events)
    print(f"coder cost on real news: {len(arts)} English articles (fundus, GUM), {n_sent} sentences, {n_words:,} words; "
          f"links {'off' if args.no_links else 'on'}; median of {args.repeats}")
    print(f"  spacy stage {sp:.2f} s; actors + events stages {ev:.2f} s = {ev / sp:.1%} of spacy "
          f"(of which classifier predict {cl:.2f} s)")
    print(f"  classifier calls: weak rules {c.get('weak', 0)}, links {c.get('link', 0)} "
          f"({(c.get('weak', 0) + c.get('link', 0)) / max(n_sent, 1) * 100:.1f} per 100 sentences)")
    print(f"  events: {sum(by.values())} ({', '.join(f'{k} {v}' for k, v in by.most_common())})")
    shown = 0
    for a in arts:
        for e in a.events:
            if shown < args.show and "link/V" in e.coder:
                shown += 1
                s = a.body[e.sentence_start:e.sentence_end].replace("\n", " ")
                print(f"- {e.plover_type} {e.cameo_code} {e.modality} | {e.trigger} | "
                      f"{[x.text for x in e.sources]} -> {[x.text for x in e.targets]} | {s[:220]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
