"""The main job: read inputs, process them (in-process or in a local worker pool), store the results.

The runner streams: documents are read lazily, processed in batches, and each batch is written to
DuckDB in one transaction (and to ``--jsonl``) before the next is read. At most ``2 x workers`` batches
are in flight, so memory does not grow with the corpus. Documents already in the database are not
processed again, so an interrupted run is resumed by running the same command again.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from eventwire.ingest import DEFAULT_MAX_BYTES, iter_documents
from eventwire.pipeline import process_batch
from eventwire.records import Document, Outcome, Problem
from eventwire.store.db import Store, dumps_record
from eventwire.timing import stage

#: Documents per batch (per transaction, per ``nlp.pipe`` call, per task sent to a worker).
DEFAULT_BATCH = 16


@dataclass
class RunStats:
    """Counters of one run (what the summary prints and ``runs`` stores)."""

    documents: int = 0        # documents and files read (including those skipped, failed or already stored)
    processed: int = 0        # documents processed in this run (extracted and annotated, or failed trying)
    articles: int = 0         # articles stored
    no_article: int = 0       # documents without an article (e.g. HTML with no main text)
    skipped: int = 0          # files/records skipped (unsupported type, empty, no article)
    failed: int = 0           # files/documents lost to an error
    already_done: int = 0     # documents found in the database from an earlier run
    warnings: int = 0
    entities: int = 0
    events: int = 0
    quotes: int = 0
    places: int = 0
    times: int = 0
    words: int = 0
    elapsed_s: float = 0.0
    reasons: Counter = field(default_factory=Counter)  # (severity, reason) -> count
    corpus: dict[str, Any] | None = None  # the corpus view update's counters (eventwire.corpus)

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "reasons"}
        d["reasons"] = [{"severity": s, "reason": r, "count": n} for (s, r), n in self.reasons.most_common()]
        return d

    def add_problem(self, p: Problem) -> None:
        self.reasons[(p.severity, p.reason)] += 1
        if p.severity == "warning":
            self.warnings += 1

    def add_outcome(self, o: Outcome) -> None:
        self.processed += 1
        for p in o.problems:
            self.add_problem(p)
        if o.status == "article" and o.article is not None:
            a = o.article
            self.articles += 1
            self.entities += len(a.entities)
            self.events += len(a.events)
            self.quotes += len(a.quotes)
            self.places += len(a.places)
            self.times += len(a.times)
            self.words += len(a.body.split())
        elif o.status == "no_article":
            self.no_article += 1
            self.skipped += 1
        else:
            self.failed += 1


@dataclass
class RunConfig:
    """Options of :func:`run` (the ``eventwire run`` flags)."""

    db: str = "eventwire.duckdb"
    jsonl: str | None = None
    workers: int = 1
    batch_size: int = DEFAULT_BATCH
    max_bytes: int = DEFAULT_MAX_BYTES
    reprocess: bool = False
    http: Any = None  # eventwire.ingest.http.HttpConfig for URL inputs (None: defaults)
    corpus: bool = True       # update the corpus view (duplicates, stories, aggregated events) at the end


# -- worker side --------------------------------------------------------------------------------

def _worker_init() -> None:
    """Load the models once per worker process."""
    from eventwire.nlp.pipeline import annotators, load_nlp

    load_nlp()
    annotators()


def _worker_batch(docs: list[Document]) -> list[Outcome]:
    return process_batch(docs)


# -- main side ----------------------------------------------------------------------------------

def _batches(items: Iterable[Document | Problem], size: int) -> Iterator[tuple[list[Document], list[Problem]]]:
    """Group a stream of Documents and Problems into (documents, problems) batches of ``size`` documents."""
    docs: list[Document] = []
    probs: list[Problem] = []
    for it in items:
        if isinstance(it, Problem):
            probs.append(it)
            if len(probs) >= 256:
                yield docs, probs
                docs, probs = [], []
        else:
            docs.append(it)
            if len(docs) >= size:
                yield docs, probs
                docs, probs = [], []
    if docs or probs:
        yield docs, probs


def count_inputs(paths: Sequence[str]) -> int | None:
    """Estimate the number of documents under ``paths`` (files, plus lines of plain JSONL files), for
    the progress bar. ``None`` when it cannot be estimated cheaply (compressed JSONL)."""
    from eventwire.ingest.files import iter_paths
    from eventwire.ingest.http import is_url

    if any(is_url(p) for p in paths):
        return None
    total = 0
    for p in iter_paths(paths):
        name = p.name.lower()
        if name.endswith((".jsonl", ".ndjson")):
            with open(p, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        elif name.endswith((".jsonl.gz", ".ndjson.gz", ".warc", ".warc.gz", ".rss", ".atom", ".rdf", ".xml", ".json",
                            ".rss.gz", ".atom.gz", ".xml.gz", ".json.gz")):
            return None
        else:
            total += 1
    return total


def update_corpus_view(store: Store, run_id: str) -> dict[str, Any] | None:
    """Update the corpus view (:func:`eventwire.corpus.update_corpus`) after a run's batches are stored.

    A failure is recorded in ``errors`` (stage ``corpus``) and does not fail the run: the articles are
    stored, and ``eventwire corpus update`` carries on later. Returns the update's counters, or
    ``None`` when it failed.
    """
    import traceback

    from eventwire.corpus import update_corpus

    try:
        return update_corpus(store.con).as_dict()
    except Exception as exc:  # recorded with its reason; the stored articles are kept
        store.write(run_id, [], [Problem("corpus", "corpus", "error", f"corpus update failed: {type(exc).__name__}",
                                         traceback.format_exc(limit=5))])
        return None


def run(paths: Sequence[str], config: RunConfig, *, on_progress: Callable[[RunStats], None] | None = None,
        command: str = "run") -> tuple[RunStats, str]:
    """Run the whole pipeline over ``paths`` and store the results.

    Args:
        paths: files and directories.
        config: options (database, JSONL output, workers, batch size, size cap, reprocess).
        on_progress: called with the running stats after each batch is stored.
        command: the command line, recorded in ``runs``.

    Returns:
        (stats, status) where status is ``done`` or ``interrupted``.

    Raises:
        FileNotFoundError: a path does not exist (checked before anything is written).
        KeyboardInterrupt: re-raised after the run is recorded as interrupted; every batch written
            before it is kept.
    """
    from eventwire.ingest.http import is_url

    for p in paths:
        if not is_url(p) and not Path(p).exists():
            raise FileNotFoundError(f"no such file or directory: {p}")
    stats = RunStats()
    t0 = time.perf_counter()
    store = Store(config.db)
    run_id = store.start_run(command, [str(p) for p in paths], config.workers)
    jsonl: IO[str] | None = open(config.jsonl, "a", encoding="utf-8") if config.jsonl else None
    status = "failed"
    seen: set[str] = set()
    pool: ProcessPoolExecutor | None = None
    try:
        stream = _batches(iter_documents(paths, config.max_bytes, http=config.http), config.batch_size)

        def fresh_documents(docs: list[Document], probs: list[Problem]) -> list[Document]:
            """Count read problems; drop documents stored by an earlier run or seen earlier in this one."""
            for p in probs:
                stats.documents += 1
                stats.add_problem(p)
                if p.severity == "error":
                    stats.failed += 1
                else:
                    stats.skipped += 1
            known = set() if config.reprocess else store.known_documents(d.doc_id for d in docs)
            fresh = []
            stats.documents += len(docs)
            for d in docs:
                if d.doc_id in known or d.doc_id in seen:
                    stats.already_done += 1
                    continue
                seen.add(d.doc_id)
                fresh.append(d)
            return fresh

        def store_batch(probs: list[Problem], outcomes: list[Outcome]) -> None:
            with stage("store"):
                store.write(run_id, outcomes, probs, replace=config.reprocess)
            for o in outcomes:
                stats.add_outcome(o)
                if jsonl is not None and o.article is not None:
                    jsonl.write(dumps_record(o.article) + "\n")
            if jsonl is not None:
                jsonl.flush()
            stats.elapsed_s = time.perf_counter() - t0
            if on_progress:
                on_progress(stats)

        if config.workers <= 1:
            for docs, probs in stream:
                fresh = fresh_documents(docs, probs)
                store_batch(probs, process_batch(fresh) if fresh else [])
        else:
            ctx = mp.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=config.workers, mp_context=ctx, initializer=_worker_init)
            inflight: list[tuple[Future | None, list[Problem]]] = []
            window = 2 * config.workers
            for docs, probs in stream:
                fresh = fresh_documents(docs, probs)
                fut = pool.submit(_worker_batch, fresh) if fresh else None
                inflight.append((fut, probs))
                while len(inflight) >= window:
                    f, pr = inflight.pop(0)
                    store_batch(pr, f.result() if f else [])
            for f, pr in inflight:
                store_batch(pr, f.result() if f else [])
        if config.corpus:
            with stage("corpus"):
                stats.corpus = update_corpus_view(store, run_id)
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=status == "done", cancel_futures=True)
        stats.elapsed_s = time.perf_counter() - t0
        store.finish_run(run_id, status, stats.as_dict())
        store.close()
        if jsonl is not None:
            jsonl.close()
    return stats, status

