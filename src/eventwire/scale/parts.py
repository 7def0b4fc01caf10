"""A shard's results as Parquet files ("parts"), and their merge into the DuckDB store.

Layout of one shard's part directory (``<parts>/<shard_id>/``)::

    documents.parquet  articles.parquet  sentences.parquet  entities.parquet  places.parquet
    times.parquet  quotes.parquet  amounts.parquet  events.parquet
    errors.parquet       problems of the shard's documents (extraction, annotation)
    read_errors.parquet  files and records that gave no document (unsupported, empty, unreadable)
    records.parquet      (doc_id, json): the ``--jsonl`` line of each article, when asked for
    _SUCCESS.json        the worker's summary; written last: a directory without it is incomplete

Every file has exactly the column names and types of the DuckDB table it feeds (the Arrow schemas
come from the schema migrations themselves, :func:`arrow_schemas`), and its rows are built by the same
functions as a local run's (:func:`eventwire.store.db.outcome_rows`), so a merged Dask run stores the
same rows as a local run. A table with no rows has no file. The parts can be queried in place with
DuckDB (``read_parquet('<parts>/*/entities.parquet')``) when kept (``--keep-parts``).

:func:`merge_part` adds one part directory to the store in one transaction, skipping documents the
store already holds, exactly as a local run skips them.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.records import Outcome, Problem
from eventwire.store.db import Store, dumps_record, error_row, outcome_rows, safe_problem, store_failed
from eventwire.store.schema import ANNOTATION_TABLES, table_schemas

SUCCESS = "_SUCCESS.json"
#: Annotation tables, in the order they are merged.
ANNOTATIONS = [t for t, _, _ in ANNOTATION_TABLES]
#: Every Parquet file a part may hold (without ``.parquet``).
PART_TABLES = ["documents", "articles", *ANNOTATIONS, "errors", "read_errors", "records"]


@lru_cache(maxsize=1)
def arrow_schemas() -> dict[str, pa.Schema]:
    """Arrow schema of each part file: the stored table's (:func:`eventwire.store.schema.table_schemas`),
    ``read_errors`` as ``errors``, and ``records`` (doc_id, json)."""
    tables = table_schemas()
    out = {t: tables[t] for t in ["documents", "articles", *ANNOTATIONS, "errors"]}
    out["read_errors"] = out["errors"]
    out["records"] = pa.schema([("doc_id", pa.string()), ("json", pa.string())])
    return out


class PartWriter:
    """Write a shard's results, batch after batch, as one Parquet file per table (row group per batch).

    Args:
        directory: the (temporary) part directory; created if missing.
        records: also write ``records.parquet`` (the ``--jsonl`` lines).

    Memory holds one batch at a time. Raises ``OSError`` when the directory cannot be written.
    """

    def __init__(self, directory: Path, records: bool = False):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.records = records
        self.schemas = arrow_schemas()
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.rows: Counter[str] = Counter()

    def _append(self, table: str, data: pa.Table) -> None:
        if not data.num_rows:
            return
        w = self._writers.get(table)
        if w is None:
            w = self._writers[table] = pq.ParquetWriter(self.directory / f"{table}.parquet", self.schemas[table],
                                                        compression="zstd")
        w.write_table(data)
        self.rows[table] += data.num_rows

    def _tables(self, run_id: str, outcomes: Sequence[Outcome], problems: Sequence[Problem],
                now: datetime) -> dict[str, pa.Table]:
        """The batch's rows as Arrow tables (raises when a value does not fit its column)."""
        rows = outcome_rows(run_id, outcomes, now)
        rows["read_errors"] = [error_row(run_id, p, now) for p in problems]
        if self.records:
            rows["records"] = [{"doc_id": o.document.doc_id, "json": dumps_record(o.article)}
                               for o in outcomes if o.article is not None]
        return {t: pa.Table.from_pylist(r, schema=self.schemas[t]) for t, r in rows.items() if r}

    def write(self, run_id: str, outcomes: Sequence[Outcome], problems: Sequence[Problem] = ()) -> list[Outcome]:
        """Append one batch: the outcomes' rows, and the read problems (files with no document).

        Every table of the batch is converted before anything is written. If the batch cannot be
        converted (a value Arrow refuses), its documents are converted one by one and only an offending
        document is lost: it is written as failed, with a ``store`` problem giving the reason
        (:func:`eventwire.store.db.store_failed`), as a local run does.

        Returns:
            The outcomes as written (offending ones replaced by their failed outcome).
        """
        now = datetime.now(timezone.utc)
        try:
            tables = [self._tables(run_id, outcomes, problems, now)]
            written = list(outcomes)
        except Exception:  # retried document by document, each failure recorded
            tables, written = [], []
            for o in outcomes:
                try:
                    tables.append(self._tables(run_id, [o], (), now))
                except Exception as exc:  # this document's rows cannot be stored: keep it as failed
                    o = store_failed(o, exc)
                    tables.append(self._tables(run_id, [o], (), now))
                written.append(o)
            tables.append(self._tables(run_id, [], [safe_problem(p) for p in problems], now))
        for batch in tables:
            for t, data in batch.items():
                self._append(t, data)
        return written

    def close(self) -> None:
        """Finish every file (writes the Parquet footers)."""
        for w in self._writers.values():
            w.close()
        self._writers.clear()


def _sql_path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def merge_part(store: Store, part: Path, run_id: str, replace: bool = False,
               jsonl: Any = None) -> dict[str, Any]:
    """Add one complete part directory to the store, in one transaction.

    Documents already in the store are skipped with everything attached to them (as a local run
    skips them); with ``replace`` (``--reprocess``) their earlier rows are deleted and the new ones
    stored, except for documents this run already stored. ``run_id`` columns are set to ``run_id``.

    Args:
        store: the open store (this process is its only writer).
        part: a part directory holding :data:`SUCCESS`.
        run_id: the current run.
        replace: ``--reprocess``.
        jsonl: an open text file to append the new articles' ``--jsonl`` lines to, or ``None``.

    Returns:
        ``{"documents": read in the part, "new": documents stored, "articles", "no_article",
        "failed", "words", "reasons": Counter of (severity, reason), "warnings", <table>: rows added}``.

    Raises:
        FileNotFoundError: ``part`` is not a complete part directory.
        duckdb.Error: the merge failed (the transaction is rolled back: nothing of the part is stored).
    """
    part = Path(part)
    if not (part / SUCCESS).exists():
        raise FileNotFoundError(f"incomplete part directory (no {SUCCESS}): {part}")
    f = {t: part / f"{t}.parquet" for t in PART_TABLES if (part / f"{t}.parquet").exists()}
    con = store.con
    out: dict[str, Any] = {"documents": 0, "new": 0, "articles": 0, "no_article": 0, "failed": 0, "words": 0,
                           "warnings": 0, "reasons": Counter()}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _ew_new (doc_id VARCHAR)")
        con.execute("CREATE OR REPLACE TEMP TABLE _ew_new_articles (article_id VARCHAR)")
        if "documents" in f:
            docs = f"read_parquet({_sql_path(f['documents'])})"
            out["documents"] = con.execute(f"SELECT count(*) FROM {docs}").fetchone()[0]
            if replace:
                con.execute(f"""INSERT INTO _ew_new SELECT DISTINCT doc_id FROM {docs} WHERE doc_id NOT IN
                                (SELECT doc_id FROM documents WHERE run_id = ?)""", [run_id])
                ids = [r[0] for r in con.execute("SELECT doc_id FROM _ew_new").fetchall()]  # one shard's worth
                if ids:
                    store._delete_documents(ids)
            else:
                con.execute(f"""INSERT INTO _ew_new SELECT DISTINCT doc_id FROM {docs}
                                WHERE doc_id NOT IN (SELECT doc_id FROM documents)""")
            out["new"] = con.execute("SELECT count(*) FROM _ew_new").fetchone()[0]
            out["duplicates_recorded"] = _record_copies(store, docs, run_id, out["reasons"])
            con.execute(f"""INSERT INTO documents BY NAME SELECT * REPLACE (? AS run_id) FROM {docs}
                            WHERE doc_id IN (SELECT doc_id FROM _ew_new)""", [run_id])
            for status, n in con.execute(f"""SELECT status, count(*) FROM {docs}
                                             WHERE doc_id IN (SELECT doc_id FROM _ew_new) GROUP BY ALL""").fetchall():
                if status == "no_article":
                    out["no_article"] = n
                elif status == "error":
                    out["failed"] = n
        if "articles" in f:
            arts = f"read_parquet({_sql_path(f['articles'])})"
            con.execute(f"""INSERT INTO _ew_new_articles SELECT article_id FROM {arts}
                            WHERE doc_id IN (SELECT doc_id FROM _ew_new)""")
            con.execute(f"""INSERT INTO articles BY NAME SELECT * REPLACE (? AS run_id) FROM {arts}
                            WHERE doc_id IN (SELECT doc_id FROM _ew_new)""", [run_id])
            out["articles"], out["words"] = con.execute(
                f"""SELECT count(*), coalesce(sum(word_count), 0) FROM {arts}
                    WHERE doc_id IN (SELECT doc_id FROM _ew_new)""").fetchone()
        for t in ANNOTATIONS:
            out[t] = 0
            if t in f:
                out[t] = con.execute(f"""INSERT INTO "{t}" BY NAME SELECT * FROM read_parquet({_sql_path(f[t])})
                                         WHERE article_id IN (SELECT article_id FROM _ew_new_articles)""").fetchone()[0]
        sources = []
        if "errors" in f:
            sources.append(f"""SELECT * FROM read_parquet({_sql_path(f['errors'])})
                               WHERE doc_id IN (SELECT doc_id FROM _ew_new)""")
        if "read_errors" in f:
            sources.append(f"SELECT * FROM read_parquet({_sql_path(f['read_errors'])})")
        if sources:
            union = " UNION ALL BY NAME ".join(sources)
            for sev, reason, n in con.execute(f"SELECT severity, reason, count(*) FROM ({union}) GROUP BY ALL").fetchall():
                out["reasons"][(sev, reason)] += n
                if sev == "warning":
                    out["warnings"] += n
            con.execute(f"""INSERT OR IGNORE INTO errors BY NAME
                            SELECT DISTINCT ON (error_id) * REPLACE (? AS run_id) FROM ({union})""", [run_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if jsonl is not None and "records" in f:
        cur = con.execute(f"""SELECT json FROM read_parquet({_sql_path(f['records'])})
                              WHERE doc_id IN (SELECT doc_id FROM _ew_new)""")
        while rows := cur.fetchmany(256):
            jsonl.write("".join(r[0] + "\n" for r in rows))
        jsonl.flush()
    return out


def _record_copies(store: Store, docs_sql: str, run_id: str, reasons: Counter) -> int:
    """Record the part's documents that are copies of stored ones read from another place (as the
    local runner does, :func:`eventwire.runbase.duplicate_problem`); returns how many. Runs inside
    :func:`merge_part`'s transaction, before the part's new documents are inserted."""
    from types import SimpleNamespace

    from eventwire.runbase import duplicate_problem, same_place

    rows = store.con.execute(f"""SELECT p.source, p.member, p.doc_id, d.source, d.member FROM {docs_sql} p
                                 JOIN documents d USING (doc_id)
                                 WHERE p.doc_id NOT IN (SELECT doc_id FROM _ew_new)""").fetchall()
    now = datetime.now(timezone.utc)
    errs = []
    for src, member, doc_id, first_src, first_member in rows:
        if same_place((first_src, first_member), (src, member)):
            continue  # the same input read again: not a copy
        p = duplicate_problem(SimpleNamespace(source=src, member=member, doc_id=doc_id), (first_src, first_member))
        errs.append(error_row(run_id, p, now))
        reasons[(p.severity, p.reason)] += 1
    store._insert("errors", errs, ignore=True)
    return len(errs)


def read_summary(part: Path) -> dict[str, Any]:
    """The worker's summary of a complete part directory."""
    return json.loads((Path(part) / SUCCESS).read_text(encoding="utf-8"))


def remove(path: Path) -> None:
    """Delete a part directory (or a stray file in its place)."""
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
