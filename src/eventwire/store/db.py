"""The DuckDB store: open (create + migrate), write outcomes in transactions, record runs and errors.

Writes are idempotent: documents are keyed by a content hash (``doc_id``) and a document already in
``documents`` is not processed again (unless ``reprocess``), so a second run on the same inputs adds
nothing. Each batch of outcomes is written in one transaction: a crash or Ctrl-C loses at most the
batch in flight, and the next run carries on from there.
"""
from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwire import __version__
from eventwire.ids import stable_id
from eventwire.stopping import deferred, reraise_if_stopping
from eventwire.records import Article, Outcome, Problem
from eventwire.store.schema import ANNOTATION_TABLES, MIGRATIONS, SCHEMA_VERSION
from eventwire.store.sql import insert_arrow


class SchemaTooNew(RuntimeError):
    """The database was written by a newer eventwire (its schema version is above ours)."""


class StoreOpenError(ValueError):
    """The database file cannot be used: not a DuckDB file, a DuckDB file of another program, locked
    by another process, or unreadable. The message is one line, meant for the user."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def lock_holder(exc: BaseException) -> str:
    """The process DuckDB names as holding a database's lock (``PID 1234``), or ``another process``."""
    import re

    m = re.search(r"\(PID (\d+)\)", str(exc))
    return f"another process (PID {m.group(1)})" if m else "another process"


def locked_error(path: str, exc: BaseException, read_only: bool) -> StoreOpenError | None:
    """The one-line :class:`StoreOpenError` for a database whose lock another process holds, or
    ``None`` when ``exc`` is not a lock conflict. A reader (``read_only``) meets only a writer: an
    ``eventwire run`` or ``corpus update`` holds the lock from its start to its final checkpoint, so
    no reader ever sees a half-written run; a writer may meet a reader too (``eventwire serve``)."""
    if "lock" not in str(exc).lower():
        return None
    who = lock_holder(exc)
    if read_only:
        return StoreOpenError(f"{path}: the database is being written by {who} (an eventwire run, corpus "
                              "update or serve --write): wait until it has finished, then try again")
    return StoreOpenError(f"{path} is in use by {who} (an 'eventwire serve' or another run?): "
                          f"stop it first, or use another --db ({_first_line(exc)})")


def _open_error(path: str, exc: BaseException, read_only: bool = False) -> StoreOpenError:
    """A :class:`StoreOpenError` explaining why ``duckdb.connect(path)`` failed with ``exc``."""
    msg = str(exc)
    low = msg.lower()
    if (locked := locked_error(path, exc, read_only)) is not None:
        return locked
    if "not a valid duckdb" in low or "not a duckdb" in low or "invalid magic" in low or "unable to open" in low:
        return StoreOpenError(f"{path} is not a DuckDB database file: give another --db "
                              f"({_first_line(exc)})")
    return StoreOpenError(f"cannot open database {path}: {_first_line(exc)}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _offsets(d: dict[str, Any]) -> dict[str, Any]:
    """Rename ``start``/``end`` to ``char_start``/``char_end`` (``end`` is an SQL keyword)."""
    if "start" in d:
        d["char_start"] = d.pop("start")
    if "end" in d:
        d["char_end"] = d.pop("end")
    return d


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _as_row(rec: Any) -> dict[str, Any]:
    """A record dataclass as a dict, like ``dataclasses.asdict`` (actors inside events included) but
    without its deep copy of every value: about 10x cheaper, and the rows are only read."""
    cls = type(rec)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    d = {n: getattr(rec, n) for n in names}
    for n, v in d.items():
        if type(v) in _SCALARS:  # most values: nothing to copy or convert
            continue
        if isinstance(v, list):
            if v and hasattr(v[0], "__dataclass_fields__"):
                d[n] = [_as_row(x) for x in v]
            else:
                d[n] = list(v)
        elif hasattr(v, "__dataclass_fields__"):
            d[n] = _as_row(v)
        elif isinstance(v, dict):
            d[n] = dict(v)
    return d


def annotation_rows(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The rows of every annotation table for one article, ids included."""
    aid = article.article_id
    out: dict[str, list[dict[str, Any]]] = {}
    for table, attr, id_col in ANNOTATION_TABLES:
        rows = []
        for rec in getattr(article, attr):
            d = _offsets(_as_row(rec))
            if table == "events":
                d["sources"] = [_offsets(a) for a in d["sources"]]
                d["targets"] = [_offsets(a) for a in d["targets"]]
                d["sentence"] = article.body[rec.sentence_start:rec.sentence_end]
                d["source_code"] = rec.sources[0].code if rec.sources else None
                d["target_code"] = rec.targets[0].code if rec.targets else None
                key = (rec.sent_idx, rec.trigger_start, rec.cameo_code, rec.modality,
                       ",".join(a.code or a.text for a in rec.sources), ",".join(a.code or a.text for a in rec.targets))
            elif table == "sentences":
                key = ()
            else:
                key = (d.get("char_start"), d.get("char_end"), d.get("label") or d.get("geonameid") or d.get("kind"))
            if id_col:
                d[id_col] = stable_id(aid, table, *key)
            d["article_id"] = aid
            rows.append(d)
        out[table] = rows
    return out


def error_row(run_id: str, p: Problem, now: datetime) -> dict[str, Any]:
    """The ``errors`` row for a problem (its id is a hash of where and why, so repeats collapse)."""
    return {"error_id": stable_id(p.source, p.member, p.doc_id, p.stage, p.reason), "run_id": run_id,
            "source": safe_str(p.source), "member": safe_str(p.member), "doc_id": p.doc_id, "stage": p.stage,
            "severity": p.severity, "reason": p.reason, "detail": p.detail[:4000], "recorded_at": now}


def outcome_rows(run_id: str, outcomes: Sequence[Outcome], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows a batch of outcomes adds, per table: ``documents``, ``articles``, every annotation
    table and ``errors`` (the problems of these documents). Used by :meth:`Store.write` and by the
    Parquet part writer of Dask runs (:mod:`eventwire.scale.parts`), so both store the same rows."""
    docs, arts, errs = [], [], []
    ann: dict[str, list[dict[str, Any]]] = {t: [] for t, _, _ in ANNOTATION_TABLES}
    for o in outcomes:
        d = o.document
        reason = "; ".join(p.reason for p in o.problems if p.severity != "warning") or None
        docs.append({"doc_id": d.doc_id, "source": safe_str(d.source), "member": safe_str(d.member), "kind": d.kind,
                     "size_bytes": d.size, "status": o.status, "reason": reason, "run_id": run_id,
                     "processed_at": now})
        if o.article is not None:
            arts.append(article_row(o.article, run_id))
            for table, rows in annotation_rows(o.article).items():
                ann[table].extend(rows)
        errs.extend(error_row(run_id, p, now) for p in o.problems)
    return {"documents": docs, "articles": arts, **ann, "errors": errs}


def safe_str(value: Any) -> Any:
    """A string that can be stored (UTF-8 encodable): lone surrogates (a file name with undecodable
    bytes, a ``"\\ud800"`` JSON escape) become U+FFFD. Other values are returned unchanged."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def safe_problem(p: Problem) -> Problem:
    """``p`` with every string made storable (:func:`safe_str`)."""
    return dataclasses.replace(p, **{f.name: safe_str(getattr(p, f.name)) for f in dataclasses.fields(p)})


def store_failed(outcome: Outcome, exc: BaseException) -> Outcome:
    """The outcome to store for a document whose rows could not be stored: status ``error``, no
    article, its earlier problems plus a ``store`` error naming the exception (reason) and its
    message (detail)."""
    import traceback

    d = outcome.document
    d = dataclasses.replace(d, source=safe_str(d.source), member=safe_str(d.member))
    reason = safe_str(f"cannot store: {type(exc).__name__}: {exc}"[:300])
    detail = safe_str("".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=5)))
    problems = [safe_problem(p) for p in outcome.problems] + [Problem(d.source, "store", "error", reason, detail,
                                                        member=d.member, doc_id=d.doc_id)]
    return Outcome(d, "error", None, problems)


def outcome_tables(run_id: str, outcomes: Sequence[Outcome], schemas: dict[str, pa.Schema]) -> dict[str, pa.Table]:
    """:func:`outcome_rows` as Arrow tables with the database's column types (``schemas``: table ->
    schema, e.g. :func:`eventwire.store.schema.table_schemas`), for :meth:`Store.write_tables`. Worker
    processes build them: an Arrow table crosses to the writing process as a few buffers, which costs a
    fraction of pickling the records."""
    return {t: pa.Table.from_pylist(rows, schema=schemas[t])
            for t, rows in outcome_rows(run_id, outcomes, _now()).items()}


def outcome_tables_each(run_id: str, outcomes: Sequence[Outcome], schemas: dict[str, pa.Schema]
                        ) -> tuple[list[Outcome], dict[str, pa.Table]]:
    """:func:`outcome_tables`, and if some document's values cannot be converted to the database's
    column types, the conversion document by document: an offending document is replaced by its failed
    outcome (:func:`store_failed`: status ``error``, a ``store`` problem with the reason), so that the
    rest of the batch is stored. Returns (the outcomes as they will be stored, the tables)."""
    try:
        return list(outcomes), outcome_tables(run_id, outcomes, schemas)
    except (pa.ArrowException, TypeError, ValueError, OverflowError, UnicodeError):
        kept: list[Outcome] = []  # some document cannot be converted: find it, one by one
        parts: list[dict[str, pa.Table]] = []
    for o in outcomes:
        try:
            part = outcome_tables(run_id, [o], schemas)
        except (pa.ArrowException, TypeError, ValueError, OverflowError, UnicodeError) as exc:
            o = store_failed(o, exc)
            part = outcome_tables(run_id, [o], schemas)
        kept.append(o)
        parts.append(part)
    return kept, {t: pa.concat_tables([part[t] for part in parts]) for t in parts[0]}


def split_tables(tables: dict[str, pa.Table]) -> list[tuple[str, dict[str, pa.Table]]]:
    """Cut a batch's tables (:func:`outcome_tables`) into one set per document, in the order of the
    ``documents`` table: [(doc_id, tables)]. Rows are assigned by ``doc_id`` (documents, articles,
    errors) or by ``article_id`` (annotation tables)."""
    import pyarrow.compute as pc

    docs = tables.get("documents")
    if docs is None or docs.num_rows == 0:
        return []
    arts = tables.get("articles")
    out = []
    for doc_id in docs.column("doc_id").to_pylist():
        key = pa.array([doc_id])
        art_ids = (arts.filter(pc.is_in(arts.column("doc_id"), key)).column("article_id")
                   if arts is not None and arts.num_rows else pa.array([], pa.string()))
        one: dict[str, pa.Table] = {}
        for t, data in tables.items():
            if "doc_id" in data.column_names:
                one[t] = data.filter(pc.is_in(data.column("doc_id"), key))
            elif "article_id" in data.column_names:
                one[t] = data.filter(pc.is_in(data.column("article_id"), art_ids))
            else:
                one[t] = data.slice(0, 0)
        out.append((doc_id, one))
    return out


def article_row(article: Article, run_id: str) -> dict[str, Any]:
    """The ``articles`` row for an article."""
    row = article.metadata()
    row["source"] = safe_str(row.get("source"))  # a file name with undecodable bytes (a lone surrogate)
    row["word_count"] = len(article.body.split())
    row["run_id"] = run_id
    return row


class Store:
    """A DuckDB database holding eventwire's tables.

    Args:
        path: database file (created if missing), or ``":memory:"``.
        read_only: open without writing (no migration; an old schema is refused).

    Raises:
        SchemaTooNew: the file's schema version is newer than this program's.
        StoreOpenError: the file cannot be opened (locked by another process, not a DuckDB file) or
            belongs to another program.
    """

    def __init__(self, path: str | Path = "eventwire.duckdb", read_only: bool = False):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.read_only = read_only
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(self.path, exc, read_only) from exc
        self._columns: dict[str, list[str]] = {}
        try:
            self.check_ours()
            if not read_only:
                self.migrate()
        except BaseException:
            self.con.close()
            raise

    # -- schema ---------------------------------------------------------------------------------

    def check_ours(self) -> None:
        """Refuse a DuckDB database written by another program: one with tables but no eventwire
        ``meta`` table (key/value, with a ``schema_version``). An empty database is ours to fill.

        Raises:
            StoreOpenError: the database belongs to another program.
        """
        tables = self._tables()
        if not tables:
            return
        if "meta" in tables:
            cols = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'meta'").fetchall()}
            if {"key", "value"} <= cols and self.con.execute(
                    "SELECT count(*) FROM meta WHERE key = 'schema_version'").fetchone()[0]:
                return
        raise StoreOpenError(f"{self.path} is a DuckDB database of another program (no eventwire schema "
                             f"version; tables: {', '.join(sorted(tables)[:5])}): give another --db")

    def schema_version(self) -> int:
        """The database's schema version (0 for an empty database)."""
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not has_meta:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply pending migrations, each in a transaction. Returns the resulting version."""
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{self.path} has schema version {current}; this eventwire ({__version__}) knows up to "
                f"{SCHEMA_VERSION}. Upgrade eventwire.")
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            current = version
        return current

    def columns(self, table: str) -> list[str]:
        """Column names of ``table``, in order (cached)."""
        if table not in self._columns:
            self._columns[table] = [r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall()]
        return self._columns[table]

    # -- runs -----------------------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str], workers: int) -> str:
        """Record the start of a run; returns its ``run_id``.

        Runs still ``running`` are marked ``interrupted`` first (:meth:`mark_stale_runs`): this
        connection holds the database's write lock, so no other run can be going on.
        """
        self.mark_stale_runs()
        run_id = uuid.uuid4().hex[:16]
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, status, command, inputs, version, workers) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, _now(), "running", command, list(inputs), __version__, workers])
        return run_id

    def mark_stale_runs(self) -> int:
        """Mark runs recorded as ``running`` as ``interrupted``: their process died without recording
        its end (``kill -9``, a power cut, out of memory). ``finished_at`` stays empty (when they died
        is not known). Call it only while holding the write lock (any writable Store does). Returns
        the number of runs marked."""
        n = self.con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
        if n:
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        return int(n)

    def finish_run(self, run_id: str, status: str, stats: dict[str, Any]) -> None:
        """Record a run's end: ``status`` (``done``, ``partial``, ``interrupted``, ``failed``) and its counters."""
        cols = ["documents", "articles", "skipped", "failed", "already_done", "entities", "events", "quotes", "elapsed_s"]
        sets = ", ".join(f"{c} = ?" for c in cols)
        self.con.execute(f"UPDATE runs SET finished_at = ?, status = ?, {sets} WHERE run_id = ?",
                         [_now(), status, *[stats.get(c) for c in cols], run_id])

    # -- reads ----------------------------------------------------------------------------------

    def known_documents(self, doc_ids: Iterable[str], run_id: str | None = None) -> set[str]:
        """The subset of ``doc_ids`` already recorded in ``documents`` (by run ``run_id`` only, if given)."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return set()
        sql = "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?))"
        params: list[Any] = [ids]
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        rows = self.con.execute(sql, params).fetchall()
        return {r[0] for r in rows}

    def stored_places(self, doc_ids: Iterable[str], run_id: str | None = None) -> dict[str, tuple[str, str | None]]:
        """``doc_id -> (source, member)`` of those of ``doc_ids`` already recorded in ``documents`` (by
        run ``run_id`` only, if given): where each was read, to tell a second copy of a content from
        the same file read again."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return {}
        sql = "SELECT doc_id, source, member FROM documents WHERE doc_id IN (SELECT unnest(?))"
        params: list[Any] = [ids]
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        return {r[0]: (r[1], r[2]) for r in self.con.execute(sql, params).fetchall()}

    def count(self, table: str) -> int:
        """Number of rows in ``table`` (a name from the schema)."""
        if table not in self._tables():
            raise ValueError(f"unknown table {table!r}")
        return self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    def has_table(self, table: str) -> bool:
        """True when ``table`` exists (e.g. ``article_corpus`` once the corpus view is migrated in)."""
        return table in self._tables()

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}

    # -- writes ---------------------------------------------------------------------------------

    def _insert(self, table: str, rows: list[dict[str, Any]], ignore: bool = False) -> None:
        if not rows:
            return
        cols = [c for c in self.columns(table) if any(c in r for r in rows)]
        # column by column, as pa.Table.from_pylist does it, without a dict per row in between
        self._insert_arrow(table, pa.Table.from_arrays([[r.get(c) for r in rows] for c in cols], names=cols), ignore)

    def _insert_arrow(self, table: str, data: pa.Table, ignore: bool = False) -> None:
        insert_arrow(self.con, table, data, ignore)

    def write_tables(self, tables: dict[str, pa.Table], problems: Sequence[Problem] = (), run_id: str = "",
                     replace: bool = False) -> None:
        """Write rows built elsewhere (by :func:`outcome_tables`, in a worker process) and problems, in one
        transaction: the same rows :meth:`write` stores for the same outcomes.

        Args:
            tables: table name -> Arrow table with that table's columns (``documents``, ``articles``,
                the annotation tables, ``errors``).
            problems: problems found while reading (files that gave no document).
            run_id: the current run (for the problems' rows).
            replace: delete earlier rows of these documents first (``--reprocess``).
        """
        now = _now()
        errs = [error_row(run_id, p, now) for p in problems]
        self.con.execute("BEGIN TRANSACTION")
        try:
            docs = tables.get("documents")
            if replace and docs is not None and docs.num_rows:
                self._delete_documents(docs.column("doc_id").to_pylist())
            for table in ("documents", "articles", *(t for t, _, _ in ANNOTATION_TABLES), "errors"):
                if table in tables:
                    self._insert_arrow(table, tables[table], ignore=table in ("documents", "articles", "errors"))
            self._insert("errors", errs, ignore=True)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def write_tables_each(self, tables: dict[str, pa.Table], problems: Sequence[Problem] = (), run_id: str = "",
                          replace: bool = False) -> dict[str, Problem]:
        """:meth:`write_tables`; if the batch cannot be stored, its documents are stored one by one
        (:func:`split_tables`), so that only an offending document is lost: its ``documents`` row is
        stored with status ``error`` and a ``store`` problem in ``errors`` giving the reason.

        Returns:
            doc_id -> the ``store`` problem, for the documents that could not be stored (empty when the
            batch was stored whole).

        Raises:
            duckdb.Error: the database itself cannot be written (not even a failed document's row).
        """
        try:
            self.write_tables(tables, problems, run_id=run_id, replace=replace)
            return {}
        except Exception as exc:  # retried document by document below, each failure recorded
            reraise_if_stopping(exc)  # DuckDB's "Query interrupted" is a stop, not a bad batch
            pieces = split_tables(tables)
            if not pieces:
                raise
        failed: dict[str, Problem] = {}
        for doc_id, one in pieces:
            try:
                self.write_tables(one, run_id=run_id, replace=replace)
            except Exception as exc:  # this document's rows cannot be stored: keep it as failed
                reraise_if_stopping(exc)
                row = one["documents"].to_pylist()[0]
                prob = Problem(row["source"], "store", "error",
                               safe_str(f"cannot store: {type(exc).__name__}: {exc}"[:300]), "",
                               member=row["member"], doc_id=doc_id)
                row.update(status="error", reason=prob.reason)
                self._insert("documents", [row], ignore=True)
                self._insert("errors", [error_row(run_id, prob, _now())], ignore=True)
                failed[doc_id] = prob
        for p in problems:
            self.write(run_id, [], [safe_problem(p)])
        return failed

    def write(self, run_id: str, outcomes: Sequence[Outcome], problems: Sequence[Problem] = (),
              replace: bool = False) -> None:
        """Write a batch of outcomes and problems in one transaction.

        Args:
            run_id: the current run.
            outcomes: processed documents (their articles and annotations).
            problems: problems found while reading (files that gave no document).
            replace: delete earlier rows of these documents first (``--reprocess``).
        """
        now = _now()
        rows = outcome_rows(run_id, outcomes, now)
        docs, arts, errs = rows.pop("documents"), rows.pop("articles"), rows.pop("errors")
        ann = rows
        errs.extend(error_row(run_id, p, now) for p in problems)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if replace and docs:
                self._delete_documents([r["doc_id"] for r in docs])
            self._insert("documents", docs, ignore=True)
            self._insert("articles", arts, ignore=True)
            for table, rows in ann.items():
                self._insert(table, rows)
            self._insert("errors", errs, ignore=True)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def write_each(self, run_id: str, outcomes: Sequence[Outcome], problems: Sequence[Problem] = (),
                   replace: bool = False) -> list[Outcome]:
        """Write a batch like :meth:`write`; if the batch cannot be stored (a value DuckDB or Arrow
        refuses), store its documents one by one so that only the offending document is lost: it is
        stored as failed (:func:`store_failed`), with a ``store`` problem giving the reason, in
        ``errors``.

        Returns:
            The outcomes as stored (the offending ones replaced by their failed outcome), in order.

        Raises:
            duckdb.Error: the database itself cannot be written (even a failed document's row or the
                read problems cannot be stored).
        """
        try:
            self.write(run_id, outcomes, problems, replace=replace)
            return list(outcomes)
        except Exception as exc:  # retried document by document below, each failure recorded
            reraise_if_stopping(exc)  # DuckDB's "Query interrupted" is a stop, not a bad batch
            if not outcomes and len(problems) <= 1 and all(p == safe_problem(p) for p in problems):
                raise
        stored: list[Outcome] = []
        for o in outcomes:
            try:
                self.write(run_id, [o], replace=replace)
            except Exception as exc:  # this document's rows cannot be stored: keep it as failed
                reraise_if_stopping(exc)
                o = store_failed(o, exc)
                self.write(run_id, [o], replace=replace)
            stored.append(o)
        for p in problems:
            try:
                self.write(run_id, [], [p])
            except Exception as exc:  # a string Arrow cannot encode (a lone surrogate in a file name)
                reraise_if_stopping(exc)
                self.write(run_id, [], [safe_problem(p)])
        return stored

    def _delete_documents(self, doc_ids: list[str]) -> None:
        art_ids = [r[0] for r in self.con.execute(
            "SELECT article_id FROM articles WHERE doc_id IN (SELECT unnest(?))", [doc_ids]).fetchall()]
        for table, _, _ in ANNOTATION_TABLES:
            self.con.execute(f'DELETE FROM "{table}" WHERE article_id IN (SELECT unnest(?))', [art_ids])
        self.con.execute("DELETE FROM articles WHERE doc_id IN (SELECT unnest(?))", [doc_ids])
        self.con.execute("DELETE FROM documents WHERE doc_id IN (SELECT unnest(?))", [doc_ids])

    def close(self) -> None:
        """Checkpoint and close the connection. A stop signal (Ctrl-C, SIGTERM) received meanwhile is
        raised when both are done (:func:`eventwire.stopping.deferred`), never in the middle."""
        with deferred():
            if not self.read_only:
                self.con.execute("CHECKPOINT")
            self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dumps_record(article: Article) -> str:
    """One ``--jsonl`` line for an article (the article and everything found in it)."""
    return json.dumps(article.to_record(), ensure_ascii=False)
