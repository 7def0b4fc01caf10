"""``eventwire eval ...``: scorers for gold sets. Each gold set adds one command to :data:`eval_app`."""
from __future__ import annotations

import typer

eval_app = typer.Typer(
    help="Measure eventwire against gold data (extraction pages, PLOVER sentences, GUM news, reviews).",
    no_args_is_help=True,
)


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
