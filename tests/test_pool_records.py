"""A worker pool stores exactly the records of a one-process run (workers build the rows, the main
process inserts them: eventwire.runner._worker_batch, Store.write_tables)."""
from __future__ import annotations

import json
from collections import Counter

import duckdb
import pytest

from eventwire.runner import RunConfig, run
from tests.conftest import EXAMPLES

#: Run-specific: left out of the comparison.
SKIP_TABLES = {"runs", "meta", "shards"}
SKIP_COLUMNS = {"run_id", "article_run_id", "elapsed_s"}


def _tables(db) -> dict[str, Counter]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        out = {}
        for t in sorted(set(names) - SKIP_TABLES):
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [t]).fetchall()]
            keep = ", ".join(f'"{c}"' for c in cols if c not in SKIP_COLUMNS and not c.endswith("_at"))
            out[t] = Counter(repr(r) for r in con.execute(f'SELECT {keep} FROM "{t}"').fetchall())
        return out
    finally:
        con.close()


@pytest.mark.slow
def test_two_workers_store_the_records_of_one_process(tmp_path):
    runs = {}
    for w in (1, 2):
        db, out = tmp_path / f"w{w}.duckdb", tmp_path / f"w{w}.jsonl"
        stats, status = run([str(EXAMPLES)], RunConfig(db=str(db), jsonl=str(out), batch_size=4, workers=w))
        assert status == "done"
        lines = out.read_text(encoding="utf-8").splitlines()
        runs[w] = (stats, _tables(db), Counter(lines))
    (s1, t1, j1), (s2, t2, j2) = runs[1], runs[2]
    assert s1.articles == s2.articles == 14
    for k in ("documents", "processed", "skipped", "failed", "entities", "events", "quotes", "places", "times",
              "words", "warnings"):
        assert getattr(s1, k) == getattr(s2, k), k
    assert s1.reasons == s2.reasons
    assert set(t1) == set(t2)
    for t in t1:
        assert t1[t] == t2[t], t
    assert sum(len(c) for c in t1.values()) > 1000
    assert j1 == j2 and sum(j1.values()) == 14
    assert all(json.loads(line)["article_id"] for line in j1)
