"""``eventwire eval ...``: scorers for gold sets. Each gold set adds one command to :data:`eval_app`."""
from __future__ import annotations

from pathlib import Path

import typer

eval_app = typer.Typer(
    help="Measure eventwire against gold data (extraction pages, PLOVER sentences, GUM news, reviews).",
    no_args_is_help=True,
)


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
