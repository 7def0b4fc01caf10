"""Profile ``eventwire run`` with py-spy and say where the time goes, by stage.

Runs ``eventwire run`` in one process on a generated corpus (``eventwire.bench.generate_corpus``)
under ``py-spy record`` (a sampling profiler: ``pip install py-spy``, not a dependency of eventwire),
then sorts the samples into stages by the frames on their stacks (spaCy components, extraction with
dateparser, the store, reading, model loading, imports) and prints each stage's share of the
samples, plus the functions with the most samples of their own.

Usage::

    .venv/bin/pip install py-spy
    .venv/bin/python bench/profile.py --docs 300           # add --keep FILE to keep the raw samples
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from eventwire.bench import generate_corpus, write_corpus

#: (stage, substrings of a frame that put a sample in it). The frames of a sample are searched from
#: the leaf (the running function) to the root; the first frame matching a rule gives the stage.
RULES = [
    ("import (startup)", ["_find_and_load"]),
    ("load spaCy model", ["load_nlp (", "spacy.load", "Language.from_disk"]),
    ("spaCy: tok2vec", ["Tok2Vec."]),
    ("spaCy: attribute_ruler", ["AttributeRuler.", "FastAttributeMatch."]),
    ("spaCy: lemmatizer", ["Lemmatizer."]),
    ("spaCy: tagger", ["Tagger."]),
    ("spaCy: parser + ner (models)", ["tb_framework", "transition_parser", "_precomputable_affine", "Parser.",
                                      "EntityRecognizer."]),
    ("spaCy: tokenizer", ["Language.make_doc", "Language._ensure_doc"]),
    ("spaCy: compiled code of tagger/parser/ner", ["Language.pipe", "spacy/util.py"]),
    ("dateparser (dates, time expressions)", ["dateparser/"]),
    ("extract: other", ["eventwire/extract/"]),
    ("load gazetteer (once per process)", ["Gazetteer._build", "Gazetteer.__init__"]),
    ("annotator: places", ["eventwire/geo/annotate.py", "eventwire/geo/resolve.py"]),
    ("annotator: time expressions", ["eventwire/temporal/"]),
    ("annotator: quotes", ["eventwire/quotes/"]),
    ("annotator: amounts", ["eventwire/amounts/"]),
    ("annotator: actors + events", ["eventwire/events/", "eventwire/actors/", "eventwire/context/"]),
    ("annotators (entities, ...)", ["annotate (eventwire/nlp/pipeline.py", "fill_from_doc"]),
    ("corpus view (duplicates, stories)", ["update_corpus", "eventwire/corpus/"]),
    ("store (DuckDB)", ["Store.write", "store_batch", "store_built", "Store.close"]),
    ("read inputs", ["iter_documents", "_batches", "eventwire/ingest/"]),
]


def classify(frames: list[str]) -> str:
    """The stage of one sample, from its stack (root first)."""
    for f in reversed(frames):
        for name, keys in RULES:
            if any(k in f for k in keys):
                return name
    return "other"


def summarize(raw: Path, top: int = 15) -> tuple[Counter, Counter, int]:
    """(samples per stage, own samples per function, total) from py-spy's ``--format raw`` output."""
    stages: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        stack, _, n = line.rpartition(" ")
        count = int(n)
        frames = [re.sub(r":\d+\)", ")", f) for f in stack.split(";")]
        total += count
        stages[classify(frames)] += count
        own[frames[-1]] += count
    return stages, own, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--rate", type=int, default=100, help="samples per second")
    ap.add_argument("--keep", type=Path, default=None, help="keep the raw py-spy samples in this file")
    ap.add_argument("--raw", type=Path, default=None, help="summarize this raw py-spy file instead of profiling")
    a = ap.parse_args()
    if a.raw:
        report(*summarize(a.raw), what=str(a.raw))
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("py-spy not found: pip install py-spy")
    exe = str(Path(sys.executable).with_name("eventwire"))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, generate_corpus(a.docs))
        raw = a.keep or Path(tmp) / "profile.txt"
        subprocess.run([spy, "record", "-r", str(a.rate), "-f", "raw", "-o", str(raw), "--", exe, "run", str(corpus),
                        "--db", str(Path(tmp) / "p.duckdb"), "-q", "--batch-size", "32"],
                       check=True, capture_output=True)
        stages, own, total = summarize(raw)
    report(stages, own, total, what=f"eventwire run over {a.docs} generated documents (one process)")


def report(stages: Counter, own: Counter, total: int, what: str) -> None:
    """Print the share of samples per stage and the functions with the most samples of their own."""
    print(f"py-spy: {total} samples of {what}")
    print(f"{'stage':<42} {'share':>6}")
    for name, n in stages.most_common():
        print(f"{name:<42} {100 * n / total:>5.1f}%")
    print("\nfunctions with the most samples of their own:")
    for f, n in own.most_common(12):
        print(f"{100 * n / total:>5.1f}%  {f}")


if __name__ == "__main__":
    main()
