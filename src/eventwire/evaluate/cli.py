"""``eventwire eval ...``: scorers for gold sets. Each gold set adds one command to :data:`eval_app`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

eval_app = typer.Typer(
    help="Measure eventwire against gold data (extraction pages, PLOVER sentences, GUM news, reviews).",
    no_args_is_help=True,
)
_out = Console()
_err = Console(stderr=True)


@eval_app.command("reviews")
def reviews_cmd(
    gold: Path = typer.Argument(..., help="Gold JSONL exported from the web app (/api/reviews.jsonl) or export-reviews."),
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="Database whose stored events are scored."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the coder's stored events against reviewers' corrections (precision, recall, F1, field accuracy)."""
    from eventwire.evaluate.reviews import score_file

    if not gold.exists():
        _err.print(f"[red]error:[/] no such file: {gold}")
        raise typer.Exit(2)
    try:
        res = score_file(gold, db)
    except FileNotFoundError as exc:
        _err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    if as_json:
        _out.print_json(json.dumps(res))
        return
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    t = Table(title=f"eventwire eval reviews: {res['gold_records']} reviewed events "
                    f"({', '.join(f'{k} {v}' for k, v in sorted(res['verdicts'].items()))})")
    t.add_column("measure")
    t.add_column("value", justify="right")
    for label, v in [("precision", fmt(res["precision"])), ("recall", fmt(res["recall"])), ("F1", fmt(res["f1"])),
                     ("gold events (correct + fixed)", res["gold_events"]), ("matched by a stored event", res["matched"]),
                     ("right (actors, CAMEO root, modality)", res["right"]),
                     ("'wrong' events still produced", res["wrong_still_produced"]),
                     ("accepted as correct at review time", fmt(res["accepted_at_review"])),
                     ("gold articles missing from the database", res["articles_missing"]),
                     ("unreviewed events in reviewed sentences", res["unreviewed_in_reviewed_sentences"])]:
        t.add_row(label, str(v))
    _out.print(t)
    if res["field_accuracy"]:
        f = Table(title="field accuracy on matched events")
        f.add_column("field")
        f.add_column("accuracy", justify="right")
        for k, v in res["field_accuracy"].items():
            f.add_row(k, fmt(v))
        _out.print(f)
    for p in res["problems"]:
        _err.print(f"[yellow]skipped[/] {p}")


@eval_app.command("export-reviews")
def export_reviews_cmd(
    out: Path = typer.Argument(..., help="Gold JSONL file to write."),
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="Database holding the reviews."),
) -> None:
    """Write the latest review of every reviewed event as gold JSONL (what `eval reviews` reads)."""
    import duckdb

    from eventwire.store.reviews import export_gold

    if not db.exists():
        _err.print(f"[red]error:[/] no database at {db}")
        raise typer.Exit(2)
    con = duckdb.connect(str(db), read_only=True)
    n = 0
    try:
        with open(out, "w", encoding="utf-8") as fh:
            for line in export_gold(con):
                fh.write(line)
                n += 1
    finally:
        con.close()
    _out.print(f"{n} reviewed events written to {out}")



@eval_app.command("gum")
def gum(
    directory: Path = typer.Argument(..., help="Folder with GUM news .xml/.tsv/.conllu files (../shared/data/nlp/gum_news)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    show_errors: int = typer.Option(0, "--errors", min=0, help="Also list this many date errors."),
) -> None:
    """Score NER by type, quotes, quote speakers and date resolution on GUM's Wikinews articles."""
    import json

    from rich.console import Console
    from rich.table import Table

    from eventwire.evaluate.gum import evaluate

    if not directory.is_dir():
        Console(stderr=True).print(f"[red]error:[/] not a directory: {directory}")
        raise typer.Exit(2)
    res = evaluate(directory)
    out = Console()
    if as_json:
        out.print_json(json.dumps(res))
        return
    t = Table(title=f"GUM news: {res['documents']} documents (head match; exact = same boundaries)")
    for c in ("system", "type", "P", "R", "F1", "exact F1", "gold", "predicted"):
        t.add_column(c, justify="left" if c in ("system", "type") else "right")
    for typ, m in res["ner"].items():
        ex = res["ner_exact"].get(typ, {}).get("f1", "")
        t.add_row("spaCy NER", typ, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                  f"{ex:.3f}" if ex != "" else "", str(m["gold"]), str(m["predicted"]))
    g = res["places_geoparser"]
    t.add_row("geoparser", "place", f"{g['precision']:.3f}", f"{g['recall']:.3f}", f"{g['f1']:.3f}", "",
              str(g["gold"]), str(g["predicted"]))
    q = res["quotes"]
    t.add_row("quotes", "direct (IoU>=0.5)", f"{q['precision']:.3f}", f"{q['recall']:.3f}", f"{q['f1']:.3f}", "",
              str(q["gold"]), str(q["predicted"]))
    out.print(t)
    s = res["speakers"]
    out.print(f"speaker accuracy: {s['accuracy']:.3f} ({s['correct']}/{s['matched']} matched quotes with a derived "
              f"gold speaker; {s['gold_quotes_with_derived_speaker']} gold quotes have one)")
    d = res["dates"]
    out.print(f"date resolution: {d['accuracy']:.3f} of {d['gold']} gold dates ({d['correct']} correct, "
              f"{d['detected']} detected, {d['accuracy_of_detected']:.3f} of detected; {d['vague_skipped']} vague "
              f"notBefore/notAfter dates skipped)")
    for e in d["errors"][:show_errors]:
        out.print(f"  {e}")
    for sk in res["skipped"]:
        out.print(f"[yellow]skipped[/] {sk}")


@eval_app.command("petrarch")
def petrarch_cmd(
    directory: str = typer.Argument(..., help="the petrarch_unittest folder (records + validation dictionaries)"),
    verbs: bool = typer.Option(False, "--verbs", help="also load PETRARCH's verb dictionary (full mode)"),
    failures: int = typer.Option(0, "--failures", help="print this many failed records"),
) -> None:
    """Code PETRARCH's unit-test records with its own actor/agent dictionaries and print the pass rate."""
    from pathlib import Path

    from eventwire.evaluate.petrarch import run_petrarch

    if not (Path(directory) / "PETR.UnitTest.records.xml").exists():
        typer.echo(f"no PETR.UnitTest.records.xml in {directory}", err=True)
        raise typer.Exit(2)
    rep = run_petrarch(directory, use_verbs=verbs)
    typer.echo(rep.summary())
    for rid, expected, produced in rep.failures[:failures]:
        typer.echo(f"  FAIL {rid}: expected {expected}, produced {produced[:6]}")




@eval_app.command("extraction")
def extraction(
    root: Path = typer.Argument(..., help="The fundus test-data folder (<cc>/<Publisher>_<date>.html.gz + <Publisher>.json + meta.info)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    as_json: bool = typer.Option(False, "--json", help="Print the means (and targets) as JSON."),
    details: Optional[Path] = typer.Option(None, "--details", help="Write per-page scores and predictions to this JSON file."),
    failures: int = typer.Option(0, "--show-failures", min=0, help="List up to N pages where eventwire misses the title, the date or the authors."),
) -> None:
    """Score article extraction (title, authors, publication date and time, body) on the fundus pages,
    eventwire next to trafilatura alone."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from eventwire.evaluate.extraction import MEASURES, TARGETS, evaluate

    out, err = Console(), Console(stderr=True)
    if not root.is_dir():
        err.print(f"[red]error:[/] no such directory: {root}")
        raise typer.Exit(2)
    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("eval extraction", total=None)
        try:
            report = evaluate(root, workers=workers, on_page=lambda n: progress.update(task, completed=n))
        except ValueError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2)
    if details:
        details.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        out.print_json(json.dumps({"pages": report.pages, "means": report.means, "targets": TARGETS}))
        return
    labels = {"title": "title exact match", "authors_f1": "authors F1 (set)", "date_day": "publication date (day)",
              "datetime": "publication datetime (minute)", "body_f1": "body token F1"}
    t = Table(title=f"eventwire eval extraction: {report.pages} pages ({root})")
    for c in ("measure", "eventwire", "trafilatura alone", "target"):
        t.add_column(c, justify="left" if c == "measure" else "right")
    ew, tr = report.means["eventwire"], report.means["trafilatura"]
    for m in MEASURES:
        share = m in ("title", "date_day", "datetime")
        fmt = (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:.3f}")
        target = TARGETS.get(m)
        mark = "" if target is None else (" [green]ok[/]" if ew[m] >= target else " [red]below[/]")
        t.add_row(labels[m], fmt(ew[m]) + mark, fmt(tr[m]), fmt(target) if target is not None else "-")
    t.add_row("pages failed (no article / error)", str(int(ew["failed"])), str(int(tr["failed"])), "-")
    out.print(t)
    if failures:
        shown = 0
        for s in report.scores:
            if s.system != "eventwire" or (s.title and s.date_day and s.authors_f1 >= 1.0):
                continue
            p = s.prediction
            out.print(f"[bold]{s.page}[/] {p.error or ''}")
            if not s.title:
                out.print(f"  title     expected {s.expected_title!r}\n            got      {p.title!r}")
            if not s.date_day:
                out.print(f"  published expected {s.expected_published!r} got {p.published!r}")
            if s.authors_f1 < 1.0:
                out.print(f"  authors   expected {s.expected_authors!r} got {p.authors!r}")
            shown += 1
            if shown >= failures:
                break




def _cross_validate(route: str | None, items, ngec_items, k: int, seed: int, log):
    """``eval plv --cv``: the classifier's cross-validation (:func:`eventwire.train.routes.cross_validate`),
    imported only when asked for (it needs the train extra); ``route`` ``None``: the shipped route."""
    from eventwire.train import routes

    return routes.cross_validate(route or routes.SHIPPED_ROUTE, items, ngec_items, k, seed, log=log)


@eval_app.command("plv")
def plv_command(
    file: Path = typer.Argument(..., help="PLV-format TSV: sentence_id, marked_sentence (<s>…</s>, <t>…</t>), gold_root[, gold_penta]."),
    model: Optional[Path] = typer.Option(None, "--model", help="Classifier model folder (default: the shipped model)."),
    cv: int = typer.Option(0, "--cv", min=0, help="Also run K-fold cross-validation on FILE (needs the train extra)."),
    seed: int = typer.Option(13, "--seed", help="Seed of the CV splitter and training."),
    route: Optional[str] = typer.Option(None, "--route", help="Model route to cross-validate (default: the model's own; see docs/classifier.md)."),
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
                                   log=lambda m: err.print(m), cross_validate=_cross_validate)
    except plv.EvalError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    out = Console()
    if as_json:
        out.print_json(json.dumps(result))
    else:
        plv.print_report(out, result)
