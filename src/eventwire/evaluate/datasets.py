"""Readers of the PLOVER typing data sets: PLV gold sentences and NGEC synthetic stories.

Both files are read from ``../shared/data/events/train`` (:func:`default_data_dir`), never copied into
the repository:

* ``plv_train.tsv``: 1,050 real news sentences; ``marked_sentence`` marks the source ``<s>…</s>``
  and target ``<t>…</t>`` (a span may be marked at each of its mentions, or be absent);
  ``gold_root`` is one of the 15 labels of :data:`~eventwire.events.classifier.PLOVER_ROOTS`;
  ``gold_penta`` the QuadClass-like class (1-4). Scored by ``eventwire eval plv``
  (:mod:`eventwire.evaluate.plv`) and used to train the classifier (:mod:`eventwire.train`).
* ``ngec_synthetic_stories.csv``: 4,500 SYNTHETIC stories with a PLOVER ``label`` (16 types) and
  ``mode``. Mapped onto the PLV labels with :func:`~eventwire.events.classifier.plv_root`
  (CONCEDE and RETREAT -> YIELD, the 14 other types unchanged). Each story becomes one training
  example: its first :data:`NGEC_LEDE_SENTENCES` sentences (the lede, where the story's event is
  told), without actor markers. Synthetic: used for training only, never for evaluation.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from eventwire.events.classifier import ROOT_QUAD_CLASS, TypingInput, plv_root

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


#: The fixed development split of ``plv_train.tsv`` (issue 18): 20% of the sentence ids, stratified by
#: gold root, seed 18 (:func:`eventwire.train.folds.dev_split_ids`). ``dev20`` is never used for a
#: choice (routes, rules, thresholds are chosen on ``train80`` by CV); figures are reported on it.
PLV_SPLITS = ("dev20", "train80", "all")


def plv_dev_ids() -> list[str]:
    """The sentence ids of the ``dev20`` split, from the package file ``data/events/plv_dev20_ids.txt``
    (one id a line, ``#`` comments)."""
    from importlib.resources import files

    text = files("eventwire").joinpath("data/events/plv_dev20_ids.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def plv_split(items: list[PlvItem], split: str) -> list[PlvItem]:
    """The items of one split: ``dev20`` (ids in :func:`plv_dev_ids`), ``train80`` (the others) or ``all``.

    Raises:
        ValueError: unknown split name, or a ``dev20`` id missing from ``items`` (a different file).
    """
    if split == "all":
        return list(items)
    if split not in PLV_SPLITS:
        raise ValueError(f"unknown split {split!r}; choose from {PLV_SPLITS}")
    dev = set(plv_dev_ids())
    missing = dev - {x.sentence_id for x in items}
    if missing:
        raise ValueError(f"{len(missing)} dev20 sentence ids are not in the file (e.g. {sorted(missing)[:3]}): "
                         "the split belongs to plv_train.tsv")
    return [x for x in items if (x.sentence_id in dev) == (split == "dev20")]


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (recorded in the model's meta.json to recognise training files)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
