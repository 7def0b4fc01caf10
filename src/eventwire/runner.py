"""The main job: read inputs, process them (in-process or in a local worker pool), store the results.

The runner streams: documents are read lazily, processed in batches, and each batch is written to
DuckDB in one transaction (and to ``--jsonl``) before the next is read. At most ``2 x workers`` batches
are in flight, so memory does not grow with the corpus: nothing in the path holds a list of the whole
corpus (duplicates are found by asking the database, plus a set of the ids still in flight). Documents
already in the database are not processed again, so an interrupted run is resumed by running the same
command again.

The same stages run on a Dask cluster with :func:`eventwire.scale.dask_runner.run_dask`
(``eventwire run --cluster dask``); what both runners share (options, counters, batching, the
workers' start) is :mod:`eventwire.runbase`.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any

from eventwire import stopping, timing
from eventwire.events.patterns import check_triggers
from eventwire.ingest import iter_documents
from eventwire.pipeline import process_batch
from eventwire.records import Document, Outcome, Problem
from eventwire.runbase import (OutcomeSummary, RunConfig, RunStats, batches, corpus_incomplete, cpu_seconds,
                               duplicate_problem, freeze_loaded_objects, outcome_summary, peak_rss_mb, same_place,
                               update_corpus_view, worker_init, worker_report, writer_settings)
from eventwire.store.db import Store, dumps_record
from eventwire.timing import stage

#: The names callers take from here: a run, its checks, and its options and counters (defined in runbase).
__all__ = ["RunConfig", "RunStats", "check_dictionaries", "check_inputs", "count_inputs", "count_lines", "run"]


def check_dictionaries() -> None:
    """Load the actor dictionaries listed in ``EVENTWIRE_DICTIONARIES`` once, at the start of a run,
    so that a missing or invalid file stops the run before anything is processed (instead of turning
    off event coding article by article; docs/event-coding.md). Only the user files are read here.

    Raises:
        DictionaryError: a listed file cannot be read or is not a valid dictionary; the message names
            the file (and the entry or line).
    """
    from eventwire.actors.dictionary import ActorDictionary, DictionaryError, parse_dictionary_specs

    for spec in parse_dictionary_specs(os.environ.get("EVENTWIRE_DICTIONARIES", "")):
        try:
            ActorDictionary().load_file(spec)
        except DictionaryError:
            raise
        except Exception as exc:  # a shape the loader does not expect (e.g. no "entries" list)
            raise DictionaryError(f"{spec}: not a valid actor dictionary: {type(exc).__name__}: {exc}") from exc


def check_inputs(paths: Sequence[str]) -> None:
    """Check the input arguments before anything is written.

    Raises:
        ValueError: an empty path argument (``""`` would otherwise mean the current directory).
        FileNotFoundError: a path does not exist. URLs are not checked here: an ``http(s)://`` URL is
            fetched, another scheme (``ftp://``) is recorded as a skipped input when reached.
    """
    from eventwire.ingest.files import url_scheme

    for p in paths:
        if not str(p).strip():
            raise ValueError("empty path argument ('')")
        if url_scheme(p) is None and not Path(p).exists():
            raise FileNotFoundError(f"no such file or directory: {p}")


# -- worker side --------------------------------------------------------------------------------

def _worker_batch(docs: list[Document], run_id: str, jsonl: bool = False
                  ) -> tuple[tuple[list[OutcomeSummary], dict[str, Any]], dict[str, Any]]:
    """A pool task: process ``docs`` and build their rows for the writing process (Arrow tables, see
    :func:`eventwire.store.db.outcome_tables`), so that it only inserts them; returns ((summaries,
    tables), report)."""
    from eventwire.store.db import outcome_tables_each
    from eventwire.store.schema import table_schemas

    before, cpu0 = timing.mark(), cpu_seconds()
    outcomes = process_batch(docs)
    with stage("store"):
        # a document whose values cannot be converted is replaced by its failed outcome (recorded)
        outcomes, tables = outcome_tables_each(run_id, outcomes, table_schemas())
        summaries = [outcome_summary(o, jsonl) for o in outcomes]
    return (summaries, tables), worker_report(before, cpu0, len(docs))


def _pool_worker_init() -> None:
    """A pool worker's start: it ignores Ctrl-C (SIGINT, which a terminal sends to the whole process
    group), so that only the main process stops the run (recording it, shutting the pool down) and no
    worker prints a traceback; then :func:`worker_init`."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_init()


# -- main side ----------------------------------------------------------------------------------

def count_lines(path: Path, chunk: int = 1 << 20) -> int:
    """Number of lines of a file (a last line without a newline counts), read in ``chunk``-byte pieces
    so that memory stays constant whatever the line lengths."""
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def count_inputs(paths: Sequence[str]) -> int | None:
    """Estimate the number of documents under ``paths`` (files, plus lines of plain JSONL files), for
    the progress bar. ``None`` when it cannot be estimated cheaply (WARC records, feed entries). Streams:
    constant memory (blank JSONL lines are counted too, so the figure is an upper bound)."""
    from eventwire.ingest.files import iter_paths, url_scheme

    if any(url_scheme(p) for p in paths):
        return None
    total = 0
    for p in iter_paths(paths):
        name = p.name.lower()
        if name.endswith((".jsonl", ".ndjson")):
            total += count_lines(p)
        elif name.endswith((".warc", ".warc.gz", ".arc", ".zst", ".rss", ".atom", ".rdf", ".xml", ".json",
                            ".rss.gz", ".atom.gz", ".rdf.gz", ".xml.gz", ".json.gz")):
            return None  # records or feed entries: unknown without parsing the file
        elif name.endswith(".gz") and not name.endswith((".html.gz", ".htm.gz", ".txt.gz")):
            return None
        else:
            total += 1
    return total


def run(paths: Sequence[str], config: RunConfig, *, on_progress: Callable[[RunStats], None] | None = None,
        command: str = "run") -> tuple[RunStats, str]:
    """Run the whole pipeline over ``paths`` and store the results.

    Args:
        paths: files and directories.
        config: options (database, JSONL output, workers, batch size, size cap, reprocess).
        on_progress: called with the running stats after each batch is stored.
        command: the command line, recorded in ``runs``.

    Returns:
        (stats, status) where status is ``done``, or ``partial`` when the corpus view update left
        articles out (recorded in ``errors``; ``eventwire corpus update`` retries them).

    Raises:
        FileNotFoundError: a path does not exist (checked before anything is written).
        ValueError: an empty path argument.
        DictionaryError: a file in ``EVENTWIRE_DICTIONARIES`` is missing or invalid (checked first).
        PatternError: a file in ``EVENTWIRE_TRIGGERS`` is missing or has a bad line (checked first).
        StoreOpenError: the database cannot be used (locked, not DuckDB, another program's).
        KeyboardInterrupt: re-raised after the run is recorded as interrupted; every batch written
            before it is kept. With :func:`eventwire.stopping.handling` installed (the command line),
            SIGTERM is the same (:class:`eventwire.stopping.Stopped`).
        ValueError: ``config.cluster`` names an unknown kind of cluster.
    """
    check_inputs(paths)
    check_dictionaries()
    check_triggers()
    if config.cluster:
        from eventwire.scale.dask_runner import run_dask

        return run_dask(paths, config, on_progress=on_progress, command=command)
    stats = RunStats()
    t0 = time.perf_counter()
    t0_wall = time.time()
    stages_before, cpu0 = timing.mark(), cpu_seconds()
    store = Store(config.db)
    writer_settings(store)
    run_id = store.start_run(command, [str(p) for p in paths], config.workers)
    jsonl: IO[str] | None = None
    status = "failed"
    # ids of documents read but not yet committed (at most the batches in flight), with where each was
    # read: together with the database, they tell a duplicate without keeping every id of the corpus
    # in memory
    pending: dict[str, tuple[str, str | None]] = {}
    pool: ProcessPoolExecutor | None = None
    try:
        if config.jsonl:
            jsonl = open(config.jsonl, "a", encoding="utf-8")
        stream = batches(iter_documents(paths, config.max_bytes, http=config.http), config.batch_size)

        def fresh_documents(docs: list[Document], probs: list[Problem]) -> list[Document]:
            """Count read problems; drop documents stored by an earlier run (or, with ``--reprocess``,
            earlier in this one) and documents still in flight. A copy read from another place (another
            file, another line) is recorded: a ``duplicate`` problem is appended to ``probs``, stored
            with the batch."""
            for p in probs:
                stats.add_read_problem(p)
            ids = [d.doc_id for d in docs]
            known = store.stored_places(ids, run_id=run_id if config.reprocess else None)
            fresh = []
            stats.documents += len(docs)
            for d in docs:
                first = known.get(d.doc_id) or pending.get(d.doc_id)
                if first is not None:
                    stats.already_done += 1
                    if not same_place(first, (d.source, d.member)):
                        stats.duplicates += 1
                        dup = duplicate_problem(d, first)
                        stats.add_problem(dup)
                        probs.append(dup)
                    continue
                pending[d.doc_id] = (d.source, d.member)
                fresh.append(d)
            return fresh

        def store_batch(probs: list[Problem], outcomes: list[Outcome]) -> None:
            # a batch's transaction and its --jsonl lines are one unit: a stop signal waits for both
            with stopping.deferred():
                with stage("store"):
                    # a batch that cannot be stored is stored document by document: only the offending
                    # document is lost, recorded in errors (stage store) with its reason
                    outcomes = store.write_each(run_id, outcomes, probs, replace=config.reprocess)
                for o in outcomes:
                    stats.add_outcome(o)
                    pending.pop(o.document.doc_id, None)
                    if jsonl is not None and o.article is not None:
                        jsonl.write(dumps_record(o.article) + "\n")
                if jsonl is not None:
                    jsonl.flush()
            done_batch()

        def store_built(probs: list[Problem], built: tuple[list[OutcomeSummary], dict[str, Any]] | None) -> None:
            """Store a batch whose rows a worker built (``None``: no fresh documents, problems only)."""
            summaries, tables = built if built is not None else ([], {})
            with stopping.deferred():  # the transaction and its --jsonl lines are one unit (store_batch)
                with stage("store"):
                    # a batch that cannot be stored is stored document by document (see write_tables_each)
                    failed = store.write_tables_each(tables, probs, run_id=run_id, replace=config.reprocess)
                for su in summaries:
                    if su.doc_id in failed:
                        su = OutcomeSummary(su.doc_id, "error", [*su.problems, failed[su.doc_id]])
                    stats.add_summary(su)
                    pending.pop(su.doc_id, None)
                    if jsonl is not None and su.jsonl is not None:
                        jsonl.write(su.jsonl + "\n")
                if jsonl is not None:
                    jsonl.flush()
            done_batch()

        def done_batch() -> None:
            stopping.check()  # a stop that some handler met as an error is still a stop
            stats.elapsed_s = time.perf_counter() - t0
            if on_progress:
                on_progress(stats)

        def collect(fut: Future | None) -> tuple[list[OutcomeSummary], dict[str, Any]] | None:
            if fut is None:
                return None
            built, report = fut.result()
            if "ready_at" in report:
                report["ready_s"] = report["ready_at"] - t0_wall
                stats.startup_s = max(stats.startup_s, report["ready_s"])
            stats.add_worker_report(report)
            return built

        if config.workers <= 1:
            frozen = False
            for docs, probs in stream:
                fresh = fresh_documents(docs, probs)
                store_batch(probs, process_batch(fresh) if fresh else [])
                if fresh and not frozen:  # the models are loaded by the first batch (see warm_up)
                    freeze_loaded_objects()
                    frozen = True
        else:
            ctx = mp.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=config.workers, mp_context=ctx, initializer=_pool_worker_init)
            inflight: list[tuple[Future | None, list[Problem]]] = []
            window = 2 * config.workers
            for docs, probs in stream:
                fresh = fresh_documents(docs, probs)
                fut = pool.submit(_worker_batch, fresh, run_id, jsonl is not None) if fresh else None
                inflight.append((fut, probs))
                if config.corpus and len(inflight) == 1:
                    # the corpus view's modules (datasketch imports scipy: ~0.6 CPU s) are imported while
                    # the workers (started by the first submit) load their models, not at the end of the
                    # run, when this process alone works and the workers wait
                    import eventwire.corpus  # noqa: F401
                while len(inflight) >= window:
                    f, pr = inflight.pop(0)
                    store_built(pr, collect(f))
            for f, pr in inflight:
                store_built(pr, collect(f))
        status = "done"
        if config.corpus:
            with stage("corpus"):
                stats.corpus = update_corpus_view(store, run_id)
            if corpus_incomplete(stats.corpus):
                status = "partial"  # the articles are stored; the corpus view misses some (see errors)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        # recording the run's end and the final checkpoint are not cut by a second Ctrl-C or a
        # SIGTERM: a signal received meanwhile is raised once they are done (eventwire.stopping)
        with stopping.deferred():
            if pool is not None:
                pool.shutdown(wait=status in ("done", "partial"), cancel_futures=True)
            stats.elapsed_s = time.perf_counter() - t0
            stats.peak_rss_mb = peak_rss_mb()
            stats.add_stages(*timing.since(stages_before))
            stats.cpu_s += cpu_seconds() - cpu0
            if config.workers <= 1:
                stats.workers_info["main"] = {"pid": os.getpid(), "documents": stats.processed,
                                              "peak_rss_mb": stats.peak_rss_mb}
            store.finish_run(run_id, status, stats.as_dict())
            store.close()
            if jsonl is not None:
                jsonl.close()
    return stats, status

