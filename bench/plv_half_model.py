"""Train a PLOVER root classifier on one half of the PLV file, for out-of-sample end-to-end figures.

Usage (needs the train extra, e.g. in a separate virtualenv: ``pip install -c constraints.txt -e '.[train]'``)::

    python bench/plv_half_model.py OUT_DIR [--half even|odd] [--plv PLV.tsv] [--route minilm-ft]
    .venv/bin/python -P bench/plv_coder_check.py --model OUT_DIR      # figures per half

The shipped model (``src/eventwire/data/models/plover-root``) was trained on all 1,050 PLV sentences,
so any end-to-end figure on PLV where it types events is in-sample. This script trains the shipped
recipe (:func:`eventwire.train.routes.train_and_export`, same route and seed, no NGEC) on the
sentences with even ids only (``--half even``, the half looked at while writing coder rules) and
writes a loadable model folder; :mod:`plv_coder_check` with ``--model OUT_DIR`` then reports the odd
half's figures, on sentences neither the model nor the rule writer saw. The model is weaker than
the shipped one (half the training data), so these figures are a lower bound for it. About 6-10
minutes on the 2-core reference machine.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "events" / "train" / "plv_train.tsv"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--half", choices=("even", "odd"), default="even", help="the sentence ids to train on")
    ap.add_argument("--plv", type=Path, default=DEFAULT)
    ap.add_argument("--route", default="minilm-ft")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    from eventwire.train import routes
    from eventwire.evaluate.datasets import read_plv

    plv = [it for it in read_plv(args.plv) if (int(it.sentence_id) % 2 == 0) == (args.half == "even")]
    print(f"training {args.route} on {len(plv)} PLV sentences ({args.half} ids)", file=sys.stderr)
    meta = routes.train_and_export(args.route, plv, [], args.out, args.seed, training_files={"plv": None})
    meta_path = args.out / "meta.json"
    import json

    meta["trained_on"]["half"] = f"{args.half} sentence ids of {args.plv.name}"
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({meta['train_seconds']} s training)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
