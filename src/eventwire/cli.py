"""The ``eventwire`` command line. Thin: parse arguments, call the library, print.

Exit codes: 0 success; 1 nothing could be processed (every input skipped or failed); 2 wrong
arguments (a missing path, a bad option); 3 the run is partial (its documents are stored, but Dask
shards failed or the corpus view misses articles: see the errors table, run again or ``eventwire corpus
update``); 130 interrupted (Ctrl-C; what was stored is kept); 143 stopped by SIGTERM (the same).
"""
from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eventwire import __version__
from eventwire.corpus.cli import corpus_app
from eventwire.evaluate.cli import eval_app

app = typer.Typer(
    name="eventwire",
    help="Turn news into political event data: articles, entities, places, dates, quotes and "
    "CAMEO/PLOVER-coded events, stored in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(eval_app, name="eval")
app.add_typer(corpus_app, name="corpus")
console = Console(stderr=True)
out = Console()


def _version(value: bool) -> None:
    if value:
        out.print(f"eventwire {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """eventwire: political event data from news."""


@app.command()
def run(
    paths: list[str] = typer.Argument(..., help="Files or directories (recursive): .txt(.gz), .html/.htm(.gz), .jsonl(.gz), "
                                      ".warc(.gz), .rss/.atom/.xml/.json feeds; or http(s):// URLs of pages and feeds."),
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="DuckDB database file (created if missing)."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Also append one JSON record per new article to this file."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=1024, show_default="1; with --cluster dask: the CPU count",
                                          help="Worker processes (each loads the models once)."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, max=4096, help="Documents per batch and per transaction."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", min=1, help="Refuse documents larger than this many bytes."),
    reprocess: bool = typer.Option(False, "--reprocess", help="Process documents again even if already stored (replaces their rows)."),
    corpus: bool = typer.Option(True, "--corpus/--no-corpus", help="Update duplicates, stories and aggregated events at the end (eventwire corpus update)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    user_agent: Optional[str] = typer.Option(None, "--user-agent", help="User agent for URLs (default names eventwire)."),
    delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between two requests to the same host (URLs)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="dask[://SCHEDULER]",
                                          help="Run on Dask: 'dask' starts a local cluster of --workers processes; "
                                          "'dask://HOST:PORT' (or dask:///path/scheduler.json) uses a running scheduler. "
                                          "See docs/scale.md."),
    parts: Optional[Path] = typer.Option(None, "--parts", help="With --cluster: directory for the workers' Parquet "
                                         "parts (default: DB.parts); must be shared with the workers."),
    keep_parts: bool = typer.Option(False, "--keep-parts", help="With --cluster: keep the Parquet parts after merging."),
    shard_files: int = typer.Option(256, "--shard-files", min=1, help="With --cluster: input files per shard "
                                    "(a file of 8 MB or more is a shard of its own; a JSONL file is cut into 8 MB line ranges)."),
    dictionaries: Optional[list[str]] = typer.Option(None, "--dictionaries", metavar="FILE",
                                                     help="A user actor dictionary (.json, .tsv, petrarch-actors:FILE, "
                                                     "petrarch-agents:FILE); repeatable; replaces EVENTWIRE_DICTIONARIES. "
                                                     "See docs/event-coding.md."),
    triggers: Optional[list[str]] = typer.Option(None, "--triggers", metavar="FILE",
                                                 help="A user trigger file (triggers.tsv format); repeatable; replaces "
                                                 "EVENTWIRE_TRIGGERS. See docs/event-coding.md."),
    config_file: Optional[Path] = typer.Option(None, "--config", metavar="FILE",
                                               help="Run configuration (TOML, [run] dictionaries/triggers; default: "
                                               "./eventwire.toml when it exists)."),
) -> None:
    """Read news files, extract articles, annotate them and store everything in a DuckDB database.

    Documents already in the database are skipped, so running the same command again resumes an
    interrupted run and adds nothing to a finished one. With --cluster the same stages run on Dask
    over input shards, and a rerun processes only the shards not done yet.
    """
    from eventwire.runbase import corpus_incomplete
    from eventwire.store.db import SchemaTooNew, StoreOpenError
    from eventwire.runner import RunConfig, RunStats, count_inputs
    from eventwire.runner import run as run_pipeline

    from eventwire.ingest.http import HttpConfig, is_url

    from eventwire.ingest.files import url_scheme

    if any(not p.strip() for p in paths):
        console.print("[red]error:[/] empty path argument (''): give a file, a directory (. for this one) or a URL", soft_wrap=True)
        raise typer.Exit(2)
    missing = [p for p in paths if url_scheme(p) is None and not Path(p).exists()]
    if missing:
        console.print(f"[red]error:[/] no such file or directory: {', '.join(missing)}")
        raise typer.Exit(2)
    if jsonl is not None and (jsonl.is_dir() or not jsonl.parent.is_dir()):
        what = "is a directory" if jsonl.is_dir() else f"its directory {jsonl.parent} does not exist"
        console.print(f"[red]error:[/] --jsonl {jsonl}: {what}; give a file path")
        raise typer.Exit(2)
    if cluster is not None:
        from eventwire.scale.dask_runner import parse_cluster

        try:
            parse_cluster(cluster)
        except ValueError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2)
        if workers is None:
            import os

            workers = os.cpu_count() or 1
    elif parts is not None or keep_parts or shard_files != 256:
        console.print("[red]error:[/] --parts, --keep-parts and --shard-files need --cluster")
        raise typer.Exit(2)
    _preflight(db, _configure(config_file, dictionaries, triggers))
    http = HttpConfig(delay=delay, max_bytes=max_bytes, **({"user_agent": user_agent} if user_agent else {}))
    config = RunConfig(db=str(db), jsonl=str(jsonl) if jsonl else None, workers=workers or 1,
                       batch_size=batch_size, max_bytes=max_bytes, reprocess=reprocess, http=http,
                       corpus=corpus, cluster=cluster, parts=str(parts) if parts else None,
                       keep_parts=keep_parts, shard_files=shard_files)
    total = count_inputs([str(p) for p in paths])
    show = not quiet and (total is None or total > 5)
    progress = Progress(TextColumn("[bold]eventwire run"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console,
                        transient=True, disable=not show)
    task = progress.add_task("run", total=total, rate="")

    def on_progress(s: RunStats) -> None:
        done = s.documents
        rate = f"{s.processed / s.elapsed_s:.1f} docs/s" if s.elapsed_s else ""
        progress.update(task, completed=done, rate=rate)

    command = "eventwire " + " ".join(sys.argv[1:])
    try:
        with progress:
            stats, status = run_pipeline([str(p) for p in paths], config, on_progress=on_progress, command=command)
    except (StoreOpenError, SchemaTooNew) as exc:  # locked, not DuckDB, another program's, too new
        console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(2)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (eventwire.stopping): exit 130 / 143
        from eventwire import stopping

        console.print("[yellow]interrupted[/]: batches written so far are kept; run the same command to carry on.")
        raise typer.Exit(stopping.exit_code(exc))
    if as_json:
        out.print_json(json.dumps(stats.as_dict()))
    else:
        print_summary(stats, str(db))
    if stats.shards_failed:
        console.print(f"[yellow]{stats.shards_failed} shard(s) failed[/] (see the errors and shards tables); "
                      "run the same command again to retry them.")
    if stats.articles == 0 and stats.already_done == 0:
        if stats.documents == 0:  # an empty folder: nothing was read, so no reason table either
            console.print(f"[red]no documents found[/] in {escape(', '.join(paths))}: no files in it "
                          "(eventwire run --help lists the kinds it reads)", soft_wrap=True)
        else:
            console.print("[red]no article could be processed[/]")
        raise typer.Exit(1)
    if status == "partial":
        if corpus and corpus_incomplete(stats.corpus):
            missing = "failed" if stats.corpus is None else f"left {stats.corpus['failed']:,} article(s) out"
            console.print(f"[red]the corpus view update {missing}[/] (the articles are stored; see SELECT * FROM "
                          f"errors WHERE stage = 'corpus'); run eventwire corpus update --db {db} to complete it.",
                          soft_wrap=True)
        raise typer.Exit(3)


def _configure(config_file: Path | None, dictionaries: list[str] | None, triggers: list[str] | None) -> dict[str, str]:
    """Read the run configuration (:mod:`eventwire.config`) and set the user dictionary and trigger
    lists for this run; returns where each list came from. A bad configuration file is a one-line
    error and exit 2."""
    from eventwire.config import ConfigError, apply, find_config

    try:
        settings = find_config(config_file)
    except ConfigError as exc:
        console.print(f"[red]error:[/] --config: {escape(str(exc))}" if config_file else f"[red]error:[/] {escape(str(exc))}",
                      soft_wrap=True)
        raise typer.Exit(2)
    return apply(settings, dictionaries, triggers).origins


def _preflight(db: Path, origins: dict[str, str] | None = None) -> None:
    """Checks made before a run loads any model, each a one-line error and exit 2: the user actor
    dictionaries (``EVENTWIRE_DICTIONARIES``) and trigger files (``EVENTWIRE_TRIGGERS``) load, and
    ``--db`` is not a directory. ``origins`` names where each list came from (for the message). The
    database is opened by the run itself (see the end of this function)."""
    from eventwire.actors.dictionary import DictionaryError
    from eventwire.events.patterns import TRIGGERS_ENV, PatternError, check_triggers
    from eventwire.runner import check_dictionaries

    origins = origins or {}
    try:
        check_dictionaries()
    except DictionaryError as exc:
        where = origins.get("EVENTWIRE_DICTIONARIES", "EVENTWIRE_DICTIONARIES")
        console.print(f"[red]error:[/] {escape(where)}: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2)
    try:
        check_triggers()
    except PatternError as exc:
        console.print(f"[red]error:[/] {escape(origins.get(TRIGGERS_ENV, TRIGGERS_ENV))}: {escape(str(exc))}",
                      soft_wrap=True)
        raise typer.Exit(2)
    if db.is_dir():
        console.print(f"[red]error:[/] --db {db} is a directory; give a database file")
        raise typer.Exit(2)
    # The database itself is not opened here: the run opens it first thing, before any model is
    # loaded, and holds its lock until its final checkpoint (opening and closing it here left a gap
    # in which a reader or another writer could come in); a database that cannot be used stops the
    # run there with the same one-line error and exit 2 (main()).


def print_summary(stats, db: str) -> None:
    """Print a run's summary table (documents, articles, problems by reason, counts, speed)."""
    rate = stats.processed / stats.elapsed_s if stats.elapsed_s else 0.0
    out.print(f"[bold]eventwire run[/]: {stats.elapsed_s:.1f} s, {rate:.2f} documents/s")
    t = Table(show_header=False)
    t.add_column(justify="left")
    t.add_column(justify="right")
    for label, value in [
        ("documents read", stats.documents),
        ("already in database", stats.already_done),
        ("  of which copies", stats.duplicates),
        ("processed", stats.processed),
        ("articles kept", stats.articles),
        ("no article", stats.no_article),
        ("skipped", stats.skipped),
        ("failed", stats.failed),
        ("entities", stats.entities),
        ("places", stats.places),
        ("dates", stats.times),
        ("quotes", stats.quotes),
        ("events", stats.events),
        ("  of which undated", stats.undated_events),
        ("words", stats.words),
    ] + ([("shards merged", stats.shards), ("shards already done", stats.shards_skipped),
          ("shards failed", stats.shards_failed)] if stats.shards or stats.shards_skipped or stats.shards_failed else []):
        t.add_row(label, f"{value:,}")
    out.print(t)
    if stats.reasons:
        r = Table(title="skipped, failed and warnings, by reason", show_header=True)
        r.add_column("severity")
        r.add_column("reason")
        r.add_column("count", justify="right")
        for (sev, reason), n in stats.reasons.most_common(20):
            r.add_row(sev, reason, str(n))
        out.print(r)
    if getattr(stats, "corpus", None):
        c = stats.corpus
        out.print(f"corpus view: {c['articles']:,} articles added, {c['duplicates']:,} copies, "
                  f"{c['new_stories']:,} new stories, {c['aggregated']:,} aggregated events written "
                  f"({c['elapsed_s']:.1f} s)")
        if c.get("failed"):
            out.print(f"[red]corpus view incomplete[/]: {c['failed']:,} article(s) could not be added "
                      "(errors, stage corpus); eventwire corpus update retries them")
    out.print(f"database: {db}  (details: SELECT * FROM errors)")


@app.command()
def bench(
    docs: int = typer.Option(200, "--docs", min=10, help="Documents in the generated corpus."),
    repeats: int = typer.Option(3, "--repeats", min=1, help="Timed repetitions; medians are reported."),
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="Also measure N worker processes (1: skip)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="'dask': also measure the Dask runner with N workers."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Benchmark the full pipeline against bare spaCy ``nlp.pipe`` on the same generated corpus.

    Reports, for one process and for N workers: documents/s, words/s, time per stage, peak RSS per
    process, and the ratio to bare spaCy measured in the same run (see docs/scale.md).
    """
    from eventwire.bench import run_bench

    if cluster not in (None, "dask"):
        console.print("[red]error:[/] --cluster: only 'dask' (a local Dask cluster) can be benchmarked")
        raise typer.Exit(2)
    result = run_bench(n_docs=docs, repeats=repeats, workers=workers, cluster=cluster,
                       log=lambda m: console.print(f"[dim]{m}[/]"))
    if as_json:
        out.print_json(json.dumps(result))
        return
    t = Table(title=f"eventwire bench: {result['documents']} documents, {result['words']:,} words, "
                    f"median of {result['repeats']}")
    for c in ("measure", "s", "+start", "CPU s", "docs/s", "words/s", "RSS MB", "/spaCy"):
        t.add_column(c, justify="right" if c != "measure" else "left", no_wrap=True)
    base = result["spacy"]["seconds"]
    for name, m in result["measures"].items():
        t.add_row(m["label"], f"{m['seconds']:.2f}", f"{m['total_seconds']:.2f}", f"{m['cpu_seconds']:.2f}",
                  f"{m['docs_per_s']:.1f}", f"{m['words_per_s']:,.0f}", f"{m['workers_rss_mb']:.0f}",
                  f"{m['seconds'] / base:.2f}x")
    out.print(t)
    out.print("s: median seconds, model loading excluded; +start: with worker startup; CPU s: every process; "
              "RSS MB: peak resident memory of the largest process (per worker)")
    out.print(f"pipeline time / bare spaCy time: [bold]{result['ratio']:.2f}x[/] (CPU time: {result['cpu_ratio']:.2f}x)")
    if "speedup" in result:
        out.print(f"{workers} workers vs 1 process: [bold]{result['speedup']:.2f}x[/] the throughput")
    if "dask_speedup" in result:
        out.print(f"Dask, {workers} workers vs 1 process: [bold]{result['dask_speedup']:.2f}x[/] the throughput")
    for name, m in result["measures"].items():
        if not m.get("stages"):
            continue
        st = Table(title=f"per stage: {m['label']} (medians, summed over processes)")
        st.add_column("stage", no_wrap=True)
        st.add_column("seconds", justify="right")
        st.add_column("CPU s", justify="right")
        st.add_column("CPU share", justify="right")
        cpu = m.get("stages_cpu", {})
        total = sum(cpu.values()) or 1.0
        for k, v in sorted(m["stages"].items(), key=lambda kv: -kv[1]):
            st.add_row(k, f"{v:.2f}", f"{cpu.get(k, 0.0):.2f}", f"{100 * cpu.get(k, 0.0) / total:.0f}%")
        out.print(st)


@app.command()
def serve(
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="DuckDB database file to show."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    write: bool = typer.Option(False, "--write", help="Enable reviews with a new write token, printed once "
                               "(or set EVENTWIRE_WRITE_TOKEN). Without it the server is read-only."),
) -> None:
    """Explore, check and correct the data in a web app (JSON API + pages; docs/web.md)."""
    import duckdb

    from eventwire.web.server import serve as run_server

    try:
        run_server(db, host, port, write, say=lambda m: console.print(m, soft_wrap=True))
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    except duckdb.IOException as exc:
        from eventwire.store.db import locked_error

        locked = locked_error(str(db), exc, read_only=not write)
        if locked is not None:  # a run holds the database: a clear one-line error, like export's
            console.print(f"[red]error:[/] {locked}", soft_wrap=True)
            raise typer.Exit(2)
        console.print(f"[red]error:[/] cannot open {db}: {exc}")
        raise typer.Exit(1)


def _bad_output(out_file: Path, db: Path) -> str | None:
    """Why ``out_file`` cannot be an export's output, or ``None``: it is the database itself or one
    of its companion files (``.wal``, ``.tmp``; also through a link), a directory, or in a directory
    that does not exist."""
    import os

    for companion in (db, Path(str(db) + ".wal"), Path(str(db) + ".tmp")):
        same = out_file.resolve() == companion.resolve()
        if not same and out_file.exists() and companion.exists():
            same = os.path.samefile(out_file, companion)
        if same:
            return f"this is the database{' file ' + companion.suffix if companion != db else ''} ({companion}): " \
                   "exporting would overwrite it; choose another file"
    if out_file.is_dir():
        return "is a directory; give a file path"
    if not out_file.parent.is_dir():
        return f"the directory {out_file.parent} does not exist; create it first"
    return None


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="gdelt, plover, parquet, csv or jsonl."),
    db: Path = typer.Option(Path("eventwire.duckdb"), "--db", help="DuckDB database."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default: standard output; parquet needs a file)."),
    table: str = typer.Option("events", "--table", help="events (aggregated), mentions, stories or articles (parquet/csv/jsonl); gdelt: events or mentions (GDELT's Mentions table)."),
    since: Optional[str] = typer.Option(None, "--since", help="Only rows from this ISO date on (events: event date; mentions/articles: seen; stories: last seen)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only rows up to this ISO date (inclusive)."),
    where: list[str] = typer.Option([], "--where", "-w", help="COLUMN=VALUE filter (also !=, <, <=, >, >=); repeat it; several = on one column mean any of them."),
    all_modalities: bool = typer.Option(False, "--all-modalities", help="gdelt/plover: also export planned, wished, denied and conditional events."),
    sort: bool = typer.Option(False, "--sort", help="Order rows by time (needs memory for the whole result; without it memory stays flat)."),
) -> None:
    """Export aggregated events (or mentions, stories, articles) in GDELT 2.0, PLOVER JSON, Parquet, CSV or JSONL.

    Streams in batches: memory stays flat on a large database. Values in --where are bound as query
    parameters, never pasted into SQL; columns are checked against the table. See docs/corpus.md.
    """
    from eventwire.store.db import Store
    from eventwire.store.export import ExportError
    from eventwire.store.export import export as run_export

    if not db.exists():
        console.print(f"[red]error:[/] no such database: {db}")
        raise typer.Exit(2)
    if out_file is not None and (problem := _bad_output(out_file, db)):
        console.print(f"[red]error:[/] --out {out_file}: {problem}", soft_wrap=True)
        raise typer.Exit(2)
    with Store(db, read_only=True) as store:
        if not store.has_table("article_corpus"):
            console.print("[red]error:[/] this database has no corpus view: run eventwire corpus update first")
            raise typer.Exit(2)
        from eventwire.corpus.update import pending_articles

        new, stale = pending_articles(store.con)
        if new or stale:
            console.print(f"[yellow]note:[/] {len(new) + len(stale):,} articles are not in the corpus view yet "
                          "(run eventwire corpus update)")
        try:
            res = run_export(store.con, fmt, str(out_file) if out_file else None, table=table, where=where,
                             since=since, until=until, all_modalities=all_modalities, sort=sort)
        except ExportError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2)
    msg = f"exported {res.rows:,} rows ({fmt}, {table})" + (f" to {out_file}" if out_file else "")
    if res.skipped:
        msg += f"; skipped {res.skipped:,}: {res.reason}"
    console.print(msg)


def reflow_help(text: str) -> str:
    """A docstring as ``--help`` text: the lines of each paragraph joined by spaces.

    Args:
        text: a command's docstring (hard-wrapped at about 110 characters, paragraphs split by a
            blank line).

    Returns:
        The same paragraphs, each on one line, separated by a blank line, for rich to wrap to the
        terminal's width. Typer (0.29) keeps single line breaks after the first paragraph, so the
        hard-wrapped lines and rich's own wrapping gave ragged help. A paragraph marked with click's
        ``\\b`` (no rewrap) or holding indented or bulleted lines is kept as it is; anything after
        ``\\f`` (click's cut mark) is dropped, as click does.
    """
    out = []
    for para in inspect.cleandoc(text).partition("\f")[0].split("\n\n"):
        lines = para.split("\n")
        if para.startswith("\b") or any(ln[:1] in (" ", "-", "*") for ln in lines):
            out.append(para)
        else:
            out.append(" ".join(ln.strip() for ln in lines))
    return "\n\n".join(out).strip()


def _reflow_commands(typer_app: typer.Typer) -> None:
    """Give every command of ``typer_app`` and of its sub-apps (eval, corpus) its reflowed docstring as
    help (:func:`reflow_help`), unless it has an explicit ``help=``."""
    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            info.help = reflow_help(info.callback.__doc__)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _reflow_commands(group.typer_instance)


_reflow_commands(app)


def main() -> None:
    """Console-script entry point. A database that cannot be used (``StoreOpenError``: locked, not a
    DuckDB file, another program's) ends any command with a one-line error and exit 2. Ctrl-C and
    SIGTERM stop any command the same way (:mod:`eventwire.stopping`): exit 130 and 143 (click's own
    handling of Ctrl-C, "Aborted!" and exit 1, is mapped to them)."""
    from eventwire import stopping
    from eventwire.store.db import SchemaTooNew, StoreOpenError

    with stopping.handling():
        try:
            app()
        except (StoreOpenError, SchemaTooNew) as exc:
            console.print(f"[red]error:[/] {exc}", soft_wrap=True)
            sys.exit(2)
        except KeyboardInterrupt as exc:  # raised outside a command (while importing, parsing)
            sys.exit(stopping.exit_code(exc))
        except SystemExit as exc:
            if stopping.requested() is not None and exc.code not in (0, None, 130, 143):
                sys.exit(stopping.exit_code())  # a command stopped by a signal: not exit 1 ("Aborted!")
            raise


if __name__ == "__main__":
    main()
