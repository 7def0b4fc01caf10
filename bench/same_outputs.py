"""Check that a speed change keeps every output: run the pipeline into DuckDB files, compare two runs' tables.

A performance change must not change a single stored record. This script runs ``eventwire run``
(one process) over the bench corpus (``eventwire.bench.generate_corpus``, written as ``.txt`` files
exactly as ``eventwire bench`` writes them) and over ``examples/``, each into a fresh DuckDB file,
and compares every table of two such snapshots row by row (as multisets of rows), leaving out only
what differs between any two runs: the ``runs``, ``meta`` and ``shards`` tables, run ids, wall-clock
timestamps (columns ending in ``_at``) and durations (``elapsed_s``).

Usage::

    .venv/bin/python bench/same_outputs.py snapshot /tmp/before     # on the old code
    .venv/bin/python bench/same_outputs.py snapshot /tmp/after      # on the new code
    .venv/bin/python bench/same_outputs.py compare /tmp/before /tmp/after

``compare`` exits with status 1 and prints the differing tables (with a few example rows) when
anything differs, 0 when every table is identical.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

# bench/profile.py would shadow the standard library's ``profile`` (imported by cProfile) for a
# script run from bench/: drop this directory from the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

#: Tables that describe the run, not the corpus.
SKIP_TABLES = {"runs", "meta", "shards"}
#: Columns that differ between any two runs of the same input.
SKIP_COLUMNS = {"run_id", "article_run_id", "elapsed_s"}
#: Documents of the bench corpus in a snapshot.
N_BENCH_DOCS = 200


def snapshot(out: Path, n_docs: int = N_BENCH_DOCS) -> list[Path]:
    """Run the pipeline (one process) over the bench corpus and over ``examples/`` into
    ``out/bench.duckdb`` and ``out/examples.duckdb``; returns the database paths.

    Raises:
        FileExistsError: ``out`` already holds a snapshot (a run would skip its stored documents).
    """
    from eventwire.bench import generate_corpus, write_corpus
    from eventwire.runner import RunConfig, run

    out.mkdir(parents=True, exist_ok=True)
    examples = Path(__file__).resolve().parent.parent / "examples"
    dbs = []
    # the same path in every snapshot: it is stored (documents.source, articles.source)
    corpus = Path(tempfile.gettempdir()) / "eventwire-same-outputs-corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    write_corpus(corpus, generate_corpus(n_docs))
    try:
        for name, path in (("bench", corpus), ("examples", examples)):
            db = out / f"{name}.duckdb"
            if db.exists():
                raise FileExistsError(f"{db} exists: snapshot into an empty directory")
            stats, status = run([str(path)], RunConfig(db=str(db), batch_size=32))
            print(f"{name}: {status}, {stats.articles} articles, {stats.events} events -> {db}")
            dbs.append(db)
    finally:
        shutil.rmtree(corpus)
    return dbs


def table_rows(db: Path) -> dict[str, tuple[list[str], Counter]]:
    """Every compared table of ``db``: name -> (columns compared, multiset of rows as tuples)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        ).fetchall()]
        out = {}
        for t in sorted(set(tables) - SKIP_TABLES):
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [t]).fetchall()]
            keep = [c for c in cols if c not in SKIP_COLUMNS and not c.endswith("_at")]
            rows = con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in keep)} FROM {t}").fetchall()
            out[t] = (keep, Counter(repr(r) for r in rows))
        return out
    finally:
        con.close()


def compare(a: Path, b: Path, show: int = 3) -> list[str]:
    """Differences between the tables of two databases (empty: identical), as readable lines."""
    ta, tb = table_rows(a), table_rows(b)
    diffs = []
    for t in sorted(set(ta) | set(tb)):
        if t not in ta or t not in tb:
            diffs.append(f"{t}: only in {a if t in ta else b}")
            continue
        (ca, ra), (cb, rb) = ta[t], tb[t]
        if ca != cb:
            diffs.append(f"{t}: columns differ: {ca} vs {cb}")
            continue
        if ra != rb:
            only_a, only_b = ra - rb, rb - ra
            diffs.append(f"{t}: {sum(only_a.values())} rows only in {a}, {sum(only_b.values())} only in {b}")
            diffs += [f"  - {r[:300]}" for r in list(only_a)[:show]] + [f"  + {r[:300]}" for r in list(only_b)[:show]]
    return diffs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot", help="run the bench corpus and examples/ into DIR/{bench,examples}.duckdb")
    s.add_argument("dir", type=Path)
    s.add_argument("--docs", type=int, default=N_BENCH_DOCS)
    c = sub.add_parser("compare", help="compare two snapshot directories (or two .duckdb files)")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "snapshot":
        snapshot(args.dir, args.docs)
        return
    pairs = ([(args.a / n, args.b / n) for n in ("bench.duckdb", "examples.duckdb")] if args.a.is_dir()
             else [(args.a, args.b)])
    bad = False
    for x, y in pairs:
        diffs = compare(x, y)
        n = len(table_rows(x))
        print(f"{x.name}: {'identical' if not diffs else 'DIFFERENT'} ({n} tables compared)")
        for line in diffs:
            print("  " + line)
        bad |= bool(diffs)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
