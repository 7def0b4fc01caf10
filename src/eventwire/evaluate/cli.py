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
