"""Scoring PLOVER typing on PLV-format gold sentences (``eventwire eval plv FILE``).

Two measures:

1. **Classification given the gold spans** (:func:`~eventwire.evaluate.metrics.classification_scores`,
   where the figures are defined): the classifier reads each sentence with its gold source and target
   marked and predicts a PLOVER root.

2. **End to end** (:func:`end_to_end_scores`): the full pipeline (``nlp.pipeline.annotate`` with
   every registered annotator) runs on each sentence; an event *matches* the gold when one of its
   source actors matches a gold source span, one of its target actors matches a gold target span
   (see :func:`spans_match`; a gold side with no marked span is matched by an event with no actor
   on that side) and its PLOVER type, mapped to the PLV label set (CONCEDE/RETREAT -> YIELD),
   equals the gold root. Reported: gold sentences with a matching event (recall), events found,
   events matching their sentence's gold (precision), and the same with roles only (type ignored).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.events.classifier import plv_root
from eventwire.evaluate.metrics import classification_scores

if TYPE_CHECKING:
    from eventwire.evaluate.datasets import PlvItem
    from eventwire.records import Actor, Event


# ---------------------------------------------------------------------------------------------
# End to end


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The span-match rule of the end-to-end score: the two ``[start, end)`` spans share at least one
    character (overlap). Lenient on purpose: "Zarif" matches gold "Iranian Foreign Minister Mohammad
    Javad Zarif"; the type check and the other role keep the match meaningful."""
    return a[0] < b[1] and b[0] < a[1]


def _side_matches(actors: Sequence["Actor"], gold: Sequence[tuple[int, int]], offset: int) -> bool:
    if not gold:
        return not actors
    return any(spans_match((x.start - offset, x.end - offset), g) for x in actors for g in gold)


def event_matches(event: "Event", item: "PlvItem", offset: int = 0, check_type: bool = True) -> bool:
    """Whether ``event`` (offsets into a body where the sentence starts at ``offset``) matches the
    gold ``item``: source and target per :func:`spans_match`, and (``check_type``) the same root."""
    if not _side_matches(event.sources, item.source, offset):
        return False
    if not _side_matches(event.targets, item.target, offset):
        return False
    return not check_type or plv_root(event.plover_type) == item.root


@dataclass(slots=True)
class EndToEndReport:
    """End-to-end figures (see the module docstring).

    Attributes:
        n_gold: gold sentences; found_events: events the pipeline produced on them.
        gold_matched: gold sentences with at least one fully matching event; recall = that / n_gold.
        events_matched: events that fully match their sentence's gold; precision = that / found_events.
        roles_matched, roles_recall: the same match ignoring the type.
        f1: harmonic mean of precision and recall (0 when either is 0).
    """

    n_gold: int
    found_events: int
    gold_matched: int
    events_matched: int
    roles_matched: int
    recall: float
    precision: float
    f1: float
    roles_recall: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def end_to_end_scores(items: Sequence["PlvItem"], events: Sequence[Sequence["Event"]],
                      offsets: Sequence[int] | None = None) -> EndToEndReport:
    """Score the events found in each gold sentence.

    Args:
        items: gold sentences; events: for each item, the events found in it.
        offsets: where each sentence starts in the body the events' offsets refer to (default 0).

    Raises:
        ValueError: ``items`` and ``events`` (or ``offsets``) differ in length.
    """
    if len(items) != len(events) or (offsets is not None and len(offsets) != len(items)):
        raise ValueError("items, events (and offsets) must have the same length")
    offs = list(offsets) if offsets is not None else [0] * len(items)
    found = sum(len(ev) for ev in events)
    gold_hit = roles_hit = ev_hit = 0
    for it, evs, off in zip(items, events, offs):
        full = [event_matches(e, it, off) for e in evs]
        roles = [event_matches(e, it, off, check_type=False) for e in evs]
        gold_hit += any(full)
        roles_hit += any(roles)
        ev_hit += sum(full)
    n = len(items)
    rec = gold_hit / n if n else 0.0
    prec = ev_hit / found if found else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return EndToEndReport(n, found, gold_hit, ev_hit, roles_hit, rec, prec, f1, roles_hit / n if n else 0.0)


def run_pipeline(items: Sequence["PlvItem"], batch_size: int = 64) -> tuple[list[list["Event"]], list[str]]:
    """Run the full NLP pipeline (every registered annotator) on each gold sentence as its own
    one-sentence article. Returns the events per item (offsets into the sentence) and the warnings
    the pipeline recorded (one failing sentence never stops the run)."""
    from eventwire.ids import stable_id
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    arts = []
    for it in items:
        aid = stable_id("plv", it.sentence_id, it.sentence)
        arts.append(Article(article_id=aid, doc_id=aid, title=None, body=it.sentence, source=f"plv:{it.sentence_id}",
                            language="en", extractor="plv"))
    warnings: list[str] = []
    for i in range(0, len(arts), batch_size):
        for prob in annotate(arts[i:i + batch_size]):
            warnings.append(f"{prob.source}: {prob.reason}")
    for a in arts:
        warnings.extend(f"{a.source}: {w}" for w in a.warnings)
    return [list(a.events) for a in arts], warnings


# ---------------------------------------------------------------------------------------------
# The `eventwire eval plv` command's work


class EvalError(Exception):
    """A PLV evaluation that cannot run (bad file, missing model, missing train extra)."""


def evaluate_file(file: Path, model: Path | None = None, cv: int = 0, seed: int = 13, route: str | None = None,
                  ngec: Path | None = None, e2e: bool = True, limit: int = 0, log=print,
                  cross_validate: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Everything ``eventwire eval plv`` reports, as a JSON-ready ``dict``.

    Keys: ``file``, ``sentences``, ``model``, ``file_is_training_data`` (the file's SHA-256 is one the
    model records as training data), ``cross_validation`` (``--cv``: figures of a fresh K-fold CV on
    the file; else, for the training file, those recorded at training time), ``shipped_model``
    (:class:`~eventwire.evaluate.metrics.ClassificationReport` of the shipped model on the file, with
    ``meaning`` saying whether these are training-set or held-out figures) and ``end_to_end`` (:class:`EndToEndReport`).
    ``route`` (for ``cv``) defaults to the loaded model's route.

    ``cross_validate(route, items, ngec_items, k, seed, log)`` runs the ``cv`` (training code, which
    this module does not import: the ``eval plv`` command passes
    :func:`eventwire.train.routes.cross_validate`; ``route`` ``None`` means the shipped route) and
    returns its :class:`~eventwire.train.routes.CVReport`.

    Raises:
        EvalError: unreadable file, model not loadable, ``cv`` without ``cross_validate``, or ``cv``
            without the train extra.
    """
    from eventwire.evaluate.datasets import file_sha256, read_ngec, read_plv
    from eventwire.events.classifier import PloverClassifier

    if not Path(file).is_file():
        raise EvalError(f"no such file: {file}")
    try:
        items = read_plv(file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvalError(str(exc)) from None
    if limit:
        items = items[:limit]
    try:
        clf = PloverClassifier.load(model)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        raise EvalError(f"cannot load the classifier: {exc}") from None
    trained = (clf.meta.get("trained_on") or {}).get("sha256") or {}
    is_training = file_sha256(file) in set(trained.values())
    result: dict[str, Any] = {"file": str(file), "sentences": len(items), "model": clf.model_id,
                              "file_is_training_data": is_training}
    if cv:
        if cross_validate is None:
            raise EvalError("--cv needs a cross-validation function (eventwire.train.routes.cross_validate)")
        try:
            ngec_items = read_ngec(ngec) if ngec else []
            rep = cross_validate(route or clf.meta.get("route"), items, ngec_items, cv, seed, log)
        except ImportError as exc:
            raise EvalError(f"--cv needs the train extra (pip install -e '.[train]'): {exc}") from None
        except (KeyError, ValueError) as exc:
            raise EvalError(str(exc)) from None
        result["cross_validation"] = {**rep.summary(), "scores": rep.scores.to_dict()}
    elif is_training and clf.meta.get("cross_validation"):
        result["cross_validation"] = {**clf.meta["cross_validation"], "recorded_at_training": True}

    preds = clf.predict([it.typing_input() for it in items])
    cls = classification_scores([it.root for it in items], [p.root for p in preds], [it.quad for it in items])
    result["shipped_model"] = cls.to_dict()
    result["shipped_model"]["meaning"] = (
        "TRAINING-SET figures: the model was trained on this file; not a measure of accuracy" if is_training
        else "held-out figures, if the model never saw these sentences")
    if e2e:
        events, warnings = run_pipeline(items)
        result["end_to_end"] = end_to_end_scores(items, events).to_dict()
        result["end_to_end"]["warnings"] = len(warnings)
    return result


#: Three-letter abbreviations of the PLOVER roots, for the confusion matrix's columns.
ROOT_ABBREV: dict[str, str] = {
    "ACCUSE": "ACC", "AGREE": "AGR", "AID": "AID", "ASSAULT": "ASL", "COERCE": "COE", "CONSULT": "CNS",
    "COOPERATE": "COP", "MOBILIZE": "MOB", "PROTEST": "PRT", "REJECT": "REJ", "REQUEST": "REQ",
    "SANCTION": "SAN", "SUPPORT": "SUP", "THREATEN": "THR", "YIELD": "YLD",
}


def confusion_text(labels: Sequence[str], matrix: Sequence[Sequence[int]], width: int = 80,
                   bold_diagonal: bool = False) -> list[str]:
    """A confusion matrix as plain text lines: 76 columns for the 15 PLOVER roots and counts below
    1,000, so it fits an 80-column terminal; the legend is wrapped at ``width``.

    Rows are the gold labels (full names), columns the predicted ones under their three-letter
    abbreviation (:data:`ROOT_ABBREV`), zeros shown as ``.``, the row total last; a legend of the
    abbreviations follows, wrapped at ``width``. ``bold_diagonal`` wraps the diagonal cells in rich
    markup (``[bold]…[/]``, no visible width).

    Raises:
        ValueError: no labels, or ``matrix`` is not ``len(labels) x len(labels)``.
    """
    if not labels or len(matrix) != len(labels) or any(len(row) != len(labels) for row in matrix):
        raise ValueError(f"confusion matrix must be {len(labels)} x {len(labels)} (one row and column per label)")
    abbr = [ROOT_ABBREV.get(lab, lab[:3]) for lab in labels]
    cell = max(4, max((len(str(v)) for row in matrix for v in row), default=1) + 1)
    corner = "gold\\pred"
    name_w = max(max(len(lab) for lab in labels), len(corner)) + 1
    lines = [f"{corner:<{name_w}}" + "".join(f"{a:>{cell}}" for a in abbr) + f"{'n':>6}"]
    for i, (lab, row) in enumerate(zip(labels, matrix)):
        cells = []
        for j, v in enumerate(row):
            c = f"{(str(v) if v else '.'):>{cell}}"
            cells.append(f"[bold]{c}[/]" if bold_diagonal and i == j else c)
        lines.append(f"{lab:<{name_w}}" + "".join(cells) + f"{sum(row):>6}")
    head = "columns (predicted):"
    legend, cur = [], head
    for lab, a in zip(labels, abbr):
        item = f" {a}={lab}"
        if len(cur) + len(item) > width:
            legend.append(cur)
            cur = " " * len(head)
        cur += item
    legend.append(cur)
    return lines + legend


def print_report(out, result: dict[str, Any]) -> None:
    """Print :func:`evaluate_file`'s result with rich (``out`` a ``rich.console.Console``). Fits an
    80-column terminal: the confusion matrix is plain text (:func:`confusion_text`); it is the
    cross-validated one when the file is the model's training data and CV figures carry one."""
    from rich.table import Table

    out.print(f"[bold]PLV evaluation[/] of {result['file']}: {result['sentences']} sentences; model {result['model']}")
    cvr = result.get("cross_validation")
    if cvr:
        origin = " (recorded when the model was trained)" if cvr.get("recorded_at_training") else ""
        out.print(f"[bold]Headline, cross-validated{origin}[/]: {cvr['protocol']}; route {cvr['route']}")
        folds = cvr.get("fold_macro_f1") or []
        spread = f"   (folds {min(folds):.3f}-{max(folds):.3f})" if folds else ""
        out.print(f"  accuracy {cvr['accuracy']:.3f}   macro-F1 {cvr['macro_f1']:.3f}   "
                  f"quad macro-F1 {cvr['quad_macro_f1']:.3f}{spread}")
        for name, c in (cvr.get("components") or {}).items():
            out.print(f"  its {name} part alone: accuracy {c['accuracy']:.3f}   macro-F1 {c['macro_f1']:.3f}   "
                      f"quad macro-F1 {c['quad_macro_f1']:.3f}")
    elif result["file_is_training_data"]:
        out.print("[yellow]This file is the model's training data and no cross-validated figures are recorded: "
                  "run with --cv 5.[/]")
    sm = result["shipped_model"]
    style = "yellow" if result["file_is_training_data"] else "bold"
    out.print(f"[{style}]Shipped model on this file ({sm['meaning']})[/]")
    out.print(f"  accuracy {sm['accuracy']:.3f}   macro-F1 {sm['macro_f1']:.3f}   "
              f"quad macro-F1 {sm['quad_macro_f1']:.3f}   quad accuracy {sm['quad_accuracy']:.3f}")
    cv_f1 = (cvr or {}).get("per_class_f1") or {}
    if cvr and "scores" in cvr:
        cv_f1 = {c["label"]: c["f1"] for c in cvr["scores"]["per_class"]}
    cols = (["CV F1"] if cv_f1 else []) + ["P", "R", "F1", "n"]
    per = Table("PLOVER root", *cols, title="Per class" + (" (CV F1, then the shipped model on this file)"
                                                          if cv_f1 else " (shipped model on this file)"))
    for c in sm["per_class"]:
        row = [f"{cv_f1[c['label']]:.3f}"] if cv_f1 else []
        per.add_row(c["label"], *row, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", str(c["support"]))
    out.print(per)
    # cross_validation is only present for the model's training file or a fresh --cv run: then the
    # out-of-fold matrix is the meaningful one; models trained before it was recorded have none
    cv_conf = (cvr or {}).get("confusion") or ((cvr or {}).get("scores") or {}).get("confusion")
    if cv_conf:
        title, labels, matrix = "cross-validated, out-of-fold predictions", cvr.get("labels") or sm["labels"], cv_conf
    else:
        title, labels, matrix = "shipped model on this file", sm["labels"], sm["confusion"]
    out.print(f"[bold]Confusion matrix[/] ({title}; rows gold, columns predicted, diagonal in bold)")
    for line in confusion_text(labels, matrix, width=min(out.width, 100), bold_diagonal=True):
        out.print(line, highlight=False, soft_wrap=True)
    e2e = result.get("end_to_end")
    if e2e:
        out.print(f"[bold]End to end[/] (full pipeline; source and target overlap the gold spans, same PLOVER root): "
                  f"{e2e['found_events']} events found; {e2e['gold_matched']}/{e2e['n_gold']} gold sentences matched "
                  f"(recall {e2e['recall']:.3f}), precision {e2e['precision']:.3f}, F1 {e2e['f1']:.3f}; "
                  f"roles only {e2e['roles_matched']} (recall {e2e['roles_recall']:.3f})")
        if e2e["found_events"] == 0:
            out.print("  [yellow]no events found: is the event coder installed (annotator `events`)?[/]")
