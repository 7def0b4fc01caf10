"""Memory of the corpus-view update, chunk by chunk, on an existing database.

Run ``eventwire run ... --no-corpus`` first (for instance on ``bench/memory.py``'s generated corpus),
then this script on a copy of the database: it runs :func:`eventwire.corpus.update.update_corpus`
with the settings of a run's writing process (one DuckDB thread, ``memory_limit`` 256 MB unless
``--memory-limit``) and prints, after every chunk, the process's resident memory, its peak so far and
the memory DuckDB itself accounts for (``duckdb_memory()``). With ``--trim``, glibc's
``malloc_trim(0)`` is called before each line (a diagnostic: memory freed but kept by the allocator
is then returned, so the line shows what is still in use).

Usage::

    .venv/bin/eventwire run corpus.jsonl --db /tmp/m.duckdb --workers 2 --no-corpus
    cp /tmp/m.duckdb /tmp/m2.duckdb && .venv/bin/python bench/corpus_memory.py /tmp/m2.duckdb [--trim]

The database is updated in place (its corpus tables are filled).
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import sys
import time
from pathlib import Path

# bench/profile.py would shadow the standard library's ``profile``: drop this directory from the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    import duckdb

    from eventwire.corpus.update import DEFAULT_CHUNK, update_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--memory-limit", default="256MB")
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
    ap.add_argument("--trim", action="store_true", help="malloc_trim(0) before each measurement (glibc)")
    a = ap.parse_args()
    if not a.db.is_file():
        ap.error(f"no database at {a.db}")
    trim = ctypes.CDLL("libc.so.6").malloc_trim if a.trim else None
    con = duckdb.connect(str(a.db))
    con.execute("SET threads = 1")
    con.execute(f"SET memory_limit = '{a.memory_limit}'")
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if trim is not None:
            trim(0)
        tracked = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{time.perf_counter() - t0:7.1f} s  {msg}: RSS {_rss_mb():.0f} MB, peak {peak:.0f} MB, "
              f"DuckDB tracked {tracked:.0f} MB", flush=True)

    log("start")
    st = update_corpus(con, chunk_size=a.chunk_size, log=log)
    log(f"end ({st.articles} articles)")
    con.close()


if __name__ == "__main__":
    main()
