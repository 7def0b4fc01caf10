"""``eventwire corpus ...``: update or rebuild the corpus view, and summarise it."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

corpus_app = typer.Typer(
    help="The corpus view: duplicate articles, stories and aggregated events (see docs/corpus.md).",
    no_args_is_help=True,
)
_err = Console(stderr=True)
_out = Console()


def _open(db: Path, read_only: bool):
    from eventwire.store.db import Store

    if not db.exists():
        _err.print(f"[red]error:[/] no such database: {db}")
        raise typer.Exit(2)
    return Store(db, read_only=read_only)


@corpus_app.command("update")
def update(
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="DuckDB database written by eventwire run."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Empty the corpus tables and process every article again."),
    chunk_size: int = typer.Option(500, "--chunk-size", min=1, max=100_000, help="Articles per transaction."),
    as_json: bool = typer.Option(False, "--json", help="Print the counters as JSON."),
) -> None:
    """Find duplicates, group stories and aggregate events for the articles not yet in the corpus view.

    ``eventwire run`` does this at the end of every run; use this command after ``run --no-corpus``,
    after changing the rules (``--rebuild``), or to finish an interrupted or partial update. Exit 3
    when some articles could not be added (listed; the others are), 130 when interrupted.
    """
    from eventwire.corpus.update import update_corpus

    with _open(db, read_only=False) as store:
        try:
            stats = update_corpus(store.con, rebuild=rebuild, chunk_size=chunk_size,
                                  log=lambda m: _err.print(f"[dim]{m}[/]"))
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (eventwire.stopping): exit 130 / 143
            from eventwire import stopping

            _err.print("[yellow]interrupted[/]: chunks written so far are kept; run the same command to carry on.")
            raise typer.Exit(stopping.exit_code(exc))
    if as_json:
        _out.print_json(json.dumps(stats.as_dict()))
    else:
        print_corpus_stats(stats.as_dict())
    if stats.failed:
        for f in stats.failures[:10]:
            _err.print(f"[red]not added[/] {f['article_id']}: {f['reason']}", soft_wrap=True)
        _err.print(f"[red]{stats.failed:,} article(s) could not be added to the corpus view[/]; "
                   "the others were. Run the same command again to retry them.")
        raise typer.Exit(3)


def print_corpus_stats(d: dict) -> None:
    """Print the counters of a corpus update as a table."""
    t = Table(title="corpus view update", show_header=False)
    t.add_column(justify="left")
    t.add_column(justify="right")
    pairs = ", ".join(f"{k} {v}" for k, v in sorted(d.get("pairs", {}).items())) or "0"
    for label, value in [("articles added", f"{d['articles']:,}"), ("articles that failed", f"{d.get('failed', 0):,}"), ("articles replaced", f"{d['retracted']:,}"),
                         ("new copies (duplicates)", f"{d['duplicates']:,}"), ("duplicate pairs", pairs),
                         ("new stories", f"{d['new_stories']:,}"), ("joined a story", f"{d['joined_stories']:,}"),
                         ("stories merged", f"{d['merged_stories']:,}"), ("event mentions", f"{d['mentions']:,}"),
                         ("aggregated events written", f"{d['aggregated']:,}"),
                         ("seconds", f"{d['elapsed_s']:.2f}")]:
        t.add_row(label, value)
    _out.print(t)


@corpus_app.command("stats")
def stats(
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="DuckDB database."),
    top: int = typer.Option(10, "--top", min=0, help="Largest stories to list."),
) -> None:
    """Summarise the corpus view: articles, copies by kind, stories, aggregated events by modality and
    how many are dated only by their article's publication day or not at all."""
    from eventwire.corpus.update import pending_articles

    with _open(db, read_only=True) as store:
        con = store.con
        if not store.has_table("article_corpus"):
            _err.print("[red]error:[/] this database has no corpus view yet: run eventwire corpus update")
            raise typer.Exit(2)
        new, stale = pending_articles(con)
        t = Table(title=f"corpus view of {db}", show_header=False)
        t.add_column()
        t.add_column(justify="right")
        t.add_row("articles in the view", f"{con.execute('SELECT count(*) FROM article_corpus').fetchone()[0]:,}")
        t.add_row("articles not yet in the view", f"{len(new) + len(stale):,}")
        for kind, n in con.execute("SELECT duplicate_kind, count(*) FROM article_corpus WHERE is_duplicate "
                                   "GROUP BY 1 ORDER BY 1").fetchall():
            t.add_row(f"copies: {kind}", f"{n:,}")
        t.add_row("stories", f"{con.execute('SELECT count(*) FROM stories').fetchone()[0]:,}")
        for modality, n in con.execute("SELECT modality, count(*) FROM aggregated_events GROUP BY 1 ORDER BY 1").fetchall():
            t.add_row(f"aggregated events: {modality}", f"{n:,}")
        undated, by_pub = con.execute(
            "SELECT count(*) FILTER (WHERE date IS NULL), count(*) FILTER (WHERE date_basis = 'published') "
            "FROM aggregated_events").fetchone()
        t.add_row("aggregated events dated by their article's publication day", f"{by_pub:,}")
        t.add_row("aggregated events undated (no event date, no publication date)", f"{undated:,}")
        t.add_row("event mentions", f"{con.execute('SELECT count(*) FROM event_mentions').fetchone()[0]:,}")
        _out.print(t)
        if top:
            s = Table(title=f"largest {top} stories")
            for c in ("first seen", "label", "articles", "originals", "languages", "events"):
                s.add_column(c)
            for r in con.execute("SELECT first_seen, label, n_articles, n_unique, languages, n_events FROM stories "
                                 "ORDER BY n_articles DESC, first_seen LIMIT ?", [top]).fetchall():
                s.add_row(str(r[0])[:16], (r[1] or "")[:70], str(r[2]), str(r[3]), ",".join(r[4] or []), str(r[5]))
            _out.print(s)
