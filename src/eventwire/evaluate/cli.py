"""``eventwire eval ...``: scorers for gold sets. Each gold set adds one command to :data:`eval_app`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

eval_app = typer.Typer(
    help="Measure eventwire against gold data (extraction pages, PLOVER sentences, GUM news, reviews).",
    no_args_is_help=True,
)


@eval_app.command("plv")
def plv_command(
    file: Path = typer.Argument(..., help="PLV-format TSV: sentence_id, marked_sentence (<s>…</s>, <t>…</t>), gold_root[, gold_penta]."),
    model: Optional[Path] = typer.Option(None, "--model", help="Classifier model folder (default: the shipped model)."),
    cv: int = typer.Option(0, "--cv", min=0, help="Also run K-fold cross-validation on FILE (needs the train extra)."),
    seed: int = typer.Option(13, "--seed", help="Seed of the CV splitter and training."),
    route: str = typer.Option("minilm-ft", "--route", help="Model route to cross-validate (see docs/classifier.md)."),
    ngec: Optional[Path] = typer.Option(None, "--ngec", help="With --cv: NGEC synthetic stories CSV added to every training fold."),
    e2e: bool = typer.Option(True, "--e2e/--no-e2e", help="Also run the full pipeline on each sentence (end to end)."),
    limit: int = typer.Option(0, "--limit", min=0, help="Score only the first N sentences (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON on stdout."),
) -> None:
    """PLOVER typing on PLV sentences: classification given the gold source/target spans (accuracy,
    macro-F1, quad macro-F1, per-class F1, confusion matrix), and end to end (events found whose source,
    target and type match the gold). See docs/classifier.md for the span-match rule and the CV protocol.

    When FILE is the shipped model's training file, its figures on FILE are training-set figures and
    are labelled so; the cross-validated figures (from --cv, else those recorded at training time)
    are the headline.
    """
    from rich.console import Console

    from eventwire.evaluate import plv

    err = Console(stderr=True)
    try:
        result = plv.evaluate_file(file, model=model, cv=cv, seed=seed, route=route, ngec=ngec, e2e=e2e, limit=limit,
                                   log=lambda m: err.print(m))
    except plv.EvalError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    out = Console()
    if as_json:
        out.print_json(json.dumps(result))
    else:
        plv.print_report(out, result)
