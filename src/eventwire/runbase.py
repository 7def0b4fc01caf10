"""What the runners share: run options and counters, batching, the worker's start and its reports.

The in-process and pool runner (:func:`eventwire.runner.run`) and the Dask runner
(:func:`eventwire.scale.dask_runner.run_dask`) both take a :class:`RunConfig`, count into a
:class:`RunStats`, cut the document stream with :func:`batches`, start each worker with
:func:`worker_init` (models loaded and warmed up once), send back :func:`worker_report` with each
task's results, tune the writing connection with :func:`writer_settings` and end with
:func:`update_corpus_view`.
"""
from __future__ import annotations

import os
import re
import resource
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from eventwire import timing
from eventwire.ingest import DEFAULT_MAX_BYTES
from eventwire.pipeline import process_batch
from eventwire.records import Document, Outcome, Problem
from eventwire.store.db import Store, dumps_record

#: Documents per batch (per transaction, per ``nlp.pipe`` call, per task sent to a worker).
DEFAULT_BATCH = 16
#: Distinct (severity, reason) pairs kept in the run summary; further ones are counted under
#: :data:`OTHER_REASONS` so a corpus of unique exception messages cannot grow the summary without bound.
MAX_REASONS = 500
OTHER_REASONS = "(other reasons, see the errors table)"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (``getrusage``; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    """CPU seconds (user + system, every thread) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@dataclass
class RunStats:
    """Counters of one run (what the summary prints and ``runs`` stores)."""

    documents: int = 0        # documents and files read (including those skipped, failed or already stored)
    processed: int = 0        # documents processed in this run (extracted and annotated, or failed trying)
    articles: int = 0         # articles stored
    no_article: int = 0       # documents without an article (e.g. HTML with no main text)
    skipped: int = 0          # files/records skipped (unsupported type, empty, no article)
    failed: int = 0           # files/documents lost to an error
    already_done: int = 0     # documents found in the database from an earlier run (or read twice in this one)
    duplicates: int = 0       # of those, copies: the same content read from another file or line (recorded)
    warnings: int = 0
    entities: int = 0
    events: int = 0
    undated_events: int = 0   # events whose text gives no date (never given the run's day)
    quotes: int = 0
    places: int = 0
    times: int = 0
    words: int = 0
    elapsed_s: float = 0.0
    startup_s: float = 0.0    # seconds until every worker had loaded its models (0 in one process)
    peak_rss_mb: float = 0.0  # peak RSS of the main process, MiB
    shards: int = 0           # Dask runs: shards merged in this run
    shards_skipped: int = 0   # Dask runs: shards found done by an earlier run
    shards_reused: int = 0    # Dask runs: shards whose Parquet parts an interrupted run left complete
    shards_failed: int = 0    # Dask runs: shards lost to a failure (rerun to retry them)
    reasons: Counter = field(default_factory=Counter)  # (severity, reason) -> count
    corpus: dict[str, Any] | None = None  # the corpus view update's counters (eventwire.corpus)
    stages: dict[str, float] = field(default_factory=dict)    # stage -> seconds, summed over workers
    stages_cpu: dict[str, float] = field(default_factory=dict)  # stage -> CPU seconds, summed over workers
    cpu_s: float = 0.0        # CPU seconds of the main process and every worker, for this run
    workers_info: dict[str, dict[str, Any]] = field(default_factory=dict)  # worker -> {pid, peak_rss_mb, documents, ...}

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "reasons"}
        d["reasons"] = [{"severity": s, "reason": r, "count": n} for (s, r), n in self.reasons.most_common()]
        return d

    def add_problem(self, p: Problem) -> None:
        self.add_reason(p.severity, p.reason)

    def add_reason(self, severity: str, reason: str, n: int = 1) -> None:
        """Count ``n`` problems of one (severity, reason)."""
        key = (severity, reason)
        if key not in self.reasons and len(self.reasons) >= MAX_REASONS:
            key = (severity, OTHER_REASONS)
        self.reasons[key] += n
        if severity == "warning":
            self.warnings += n

    def add_read_problem(self, p: Problem) -> None:
        """Count a file or record that gave no document (unsupported, empty, unreadable)."""
        self.documents += 1
        self.add_problem(p)
        if p.severity == "error":
            self.failed += 1
        else:
            self.skipped += 1

    def add_stages(self, wall: dict[str, float], cpu: dict[str, float]) -> None:
        """Add seconds per stage (wall-clock and CPU)."""
        for k, v in wall.items():
            self.stages[k] = self.stages.get(k, 0.0) + v
        for k, v in cpu.items():
            self.stages_cpu[k] = self.stages_cpu.get(k, 0.0) + v

    def add_worker_report(self, report: dict[str, Any]) -> None:
        """Fold in what a worker reports about one task: stage seconds (added) and its process figures
        (``worker``, ``pid``, ``peak_rss_mb``, ``documents``, ``ready_s``; the latest report wins)."""
        self.add_stages(report.get("stages", {}), report.get("stages_cpu", {}))
        self.cpu_s += report.get("cpu_s", 0.0)
        name = str(report.get("worker", report.get("pid")))
        info = self.workers_info.setdefault(name, {"pid": report.get("pid"), "documents": 0, "peak_rss_mb": 0.0})
        info["documents"] += report.get("documents", 0)
        info["peak_rss_mb"] = max(info["peak_rss_mb"], report.get("peak_rss_mb", 0.0))
        if "ready_s" in report:
            info["ready_s"] = report["ready_s"]

    def add_outcome(self, o: Outcome) -> None:
        self.add_summary(outcome_summary(o))

    def add_summary(self, summary: "OutcomeSummary") -> None:
        """Count one processed document from its :func:`outcome_summary`."""
        self.processed += 1
        for p in summary.problems:
            self.add_problem(p)
        if summary.status == "article" and summary.counts is not None:
            self.articles += 1
            self.entities, self.events, self.quotes, self.places, self.times, self.words = (
                x + y for x, y in zip((self.entities, self.events, self.quotes, self.places, self.times, self.words),
                                      summary.counts))
            self.undated_events += summary.undated
        elif summary.status == "no_article":
            self.no_article += 1
            self.skipped += 1
        else:
            self.failed += 1


@dataclass
class OutcomeSummary:
    """What the writing process needs of an outcome whose rows a worker built: ``doc_id``, ``status``,
    ``problems``, ``counts`` (entities, events, quotes, places, times, words; ``None`` without an
    article), the ``--jsonl`` line (``None`` when not asked for, or without an article) and
    ``undated``, the number of its events without a date of their own."""

    doc_id: str
    status: str
    problems: list[Problem]
    counts: tuple[int, int, int, int, int, int] | None = None
    jsonl: str | None = None
    undated: int = 0  # events of the article without a date of their own


def outcome_summary(o: Outcome, jsonl: bool = False) -> OutcomeSummary:
    """The :class:`OutcomeSummary` of an outcome (with its ``--jsonl`` line if ``jsonl``)."""
    a = o.article
    counts = None if a is None else (len(a.entities), len(a.events), len(a.quotes), len(a.places), len(a.times),
                                     len(a.body.split()))
    return OutcomeSummary(o.document.doc_id, o.status, o.problems, counts,
                          dumps_record(a) if jsonl and a is not None else None,
                          0 if a is None else sum(1 for e in a.events if not e.date))


@dataclass
class RunConfig:
    """Options of a run (the ``eventwire run`` flags; :func:`eventwire.runner.run`)."""

    db: str = "eventwire.duckdb"
    jsonl: str | None = None
    workers: int = 1
    batch_size: int = DEFAULT_BATCH
    max_bytes: int = DEFAULT_MAX_BYTES
    reprocess: bool = False
    http: Any = None  # eventwire.ingest.http.HttpConfig for URL inputs (None: defaults)
    corpus: bool = True       # update the corpus view (duplicates, stories, aggregated events) at the end
    #: Where to run: ``None`` (this machine: one process, or a local pool with ``workers > 1``), or
    #: ``dask`` (a Dask LocalCluster of ``workers`` processes) or ``dask://ADDRESS`` (a running scheduler,
    #: ``tcp://host:8786`` or a scheduler JSON file); see :mod:`eventwire.scale.dask_runner`.
    cluster: str | None = None
    #: Dask runs: directory of the Parquet parts workers write (default ``<db>.parts``); it must be
    #: reachable at the same path by the workers and this process (a shared file system on a cluster).
    parts: str | None = None
    #: Dask runs: keep each shard's Parquet parts after merging them (to query them in place).
    keep_parts: bool = False
    #: Dask runs: a shard is a group of input files of at most this many files ...
    shard_files: int = 256
    #: ... and this many bytes; a file at least this large is a shard of its own (a JSONL file is cut
    #: into line ranges of this size).
    shard_bytes: int = 8_000_000


#: Cap on the memory DuckDB may use in a run's writing process; ``EVENTWIRE_DUCKDB_MEMORY`` overrides
#: it (e.g. ``2GB`` for databases of many millions of documents, whose key indexes count toward it).
#: DuckDB's default is 80% of the machine's RAM: it keeps the blocks it wrote cached, so a long run's
#: main process grew with the database (+75 MB from 6k to 36k documents with a 512 MB cap; +56 MB and
#: levelling off with 64 MB). Above the cap DuckDB evicts blocks or spills to ``<db>.tmp``.
WRITER_MEMORY_LIMIT = "256MB"


def writer_settings(store: Store) -> None:
    """Tune the run's DuckDB connection for many small transactions: one thread (DuckDB's parallelism
    only adds coordination to inserts of one batch: on the 2-core reference machine 64 documents
    written in batches of 16 took 0.11 CPU s with 1 thread, 0.17-0.33 s with the default), and a
    memory cap (:data:`WRITER_MEMORY_LIMIT`) so memory stays flat as the database grows.

    Raises:
        ValueError: ``EVENTWIRE_DUCKDB_MEMORY`` is not a size.
    """
    store.con.execute("SET threads = 1")
    limit = os.environ.get("EVENTWIRE_DUCKDB_MEMORY", WRITER_MEMORY_LIMIT).strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?\s*[KMGT]i?B", limit, re.I):
        raise ValueError(f"EVENTWIRE_DUCKDB_MEMORY={limit!r}: expected a size such as 256MB or 2GB")
    store.con.execute(f"SET memory_limit = '{limit}'")


# -- worker side --------------------------------------------------------------------------------

_READY_AT: float | None = None


def worker_init() -> None:
    """Load the models once per worker process, warm up every stage; remember when the worker became ready."""
    global _READY_AT
    from eventwire.nlp.pipeline import annotators, load_nlp
    from eventwire.store.schema import table_schemas

    load_nlp()
    annotators()
    table_schemas()  # the column types of the rows the worker builds (runner._worker_batch, Dask parts)
    warm_up()
    _READY_AT = time.time()


def warm_up() -> None:
    """Process two small made-up documents (a plain-text article with a dateline, a web page) through the
    whole pipeline, so that what the stages load on first use (dateparser's language data, the HTML
    extractor, the gazetteer and actor dictionaries of the annotators: seconds, not per document) is
    loaded when a worker starts, not inside its first task. The outcomes are discarded."""
    text = (b"Ministers meet in Paris\n\nMarch 3, 2024 10:00\n\nThe foreign ministers of France and Germany met "
            b"in Paris on Monday, officials said. \"We agreed on the next steps,\" the French minister told "
            b"Reuters. Thousands of farmers protested outside.\n")
    html = (b"<html><head><title>Ministers meet</title></head><body><article><h1>Ministers meet</h1><p>"
            + b"The foreign ministers met in Paris on Monday, officials said. " * 8 + b"</p></article></body></html>")
    process_batch([Document(doc_id=f"warm-up-{kind}", source=f"(warm-up).{kind}", kind=kind, data=data,
                            size=len(data)) for kind, data in (("txt", text), ("html", html))])
    freeze_loaded_objects()


def freeze_loaded_objects() -> None:
    """Collect garbage once, then move every object alive (the models, gazetteer and dictionaries just
    loaded: ~350k objects) out of the garbage collector's sight (``gc.freeze``). They live as long as
    the process anyway, and each full collection walked all of them: ~0.37 s each, two or three per
    200 bench documents (0.74 of 10.3 CPU s in one measured run; 0.04 s frozen)."""
    import gc

    gc.collect()
    gc.freeze()


def worker_report(before: tuple[dict[str, float], dict[str, float]], cpu_before: float, documents: int,
                  worker: str | None = None) -> dict[str, Any]:
    """What a worker sends back with each task's results: the stage seconds (wall-clock and CPU) spent
    since ``before`` (:func:`eventwire.timing.mark`), the CPU seconds since ``cpu_before``, its pid,
    peak RSS (MiB) and the time it became ready (``ready_at``, epoch seconds)."""
    wall, cpu = timing.since(before)
    rep: dict[str, Any] = {"worker": worker or f"pid {os.getpid()}", "pid": os.getpid(), "stages": wall,
                           "stages_cpu": cpu, "cpu_s": cpu_seconds() - cpu_before,
                           "peak_rss_mb": peak_rss_mb(), "documents": documents}
    if _READY_AT is not None:
        rep["ready_at"] = _READY_AT
    return rep


# -- main side ----------------------------------------------------------------------------------

def batches(items: Iterable[Document | Problem], size: int) -> Iterator[tuple[list[Document], list[Problem]]]:
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


def same_place(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """True when two ``(source, member)`` places name the same input: equal members, and sources equal
    as URLs or as real paths (``./in/a.txt`` and ``in/a.txt`` are one file)."""
    if a[1] != b[1]:
        return False
    if a[0] == b[0]:
        return True
    from eventwire.ingest.files import url_scheme

    if url_scheme(a[0]) or url_scheme(b[0]):
        return False
    return os.path.realpath(a[0]) == os.path.realpath(b[0])


#: The reason recorded (``errors``, severity ``skipped``) for a second copy of a content.
DUPLICATE_REASON = "duplicate of an earlier document"


def duplicate_problem(doc: Document, first: tuple[str, str | None]) -> Problem:
    """The record of ``doc``, a copy of a document already read from ``first`` (source, member): an
    ``errors`` row of severity ``skipped`` whose ``doc_id`` is the document it duplicates (its
    content hash, the key of that document's ``documents`` row), the first copy's place in ``detail``.
    ``doc`` needs only ``source``, ``member`` and ``doc_id``."""
    where = first[0] + (f" ({first[1]})" if first[1] else "")
    return Problem(doc.source, "read", "skipped", DUPLICATE_REASON,
                   f"same content as document {doc.doc_id}, read from {where}", member=doc.member,
                   doc_id=doc.doc_id)


def update_corpus_view(store: Store, run_id: str) -> dict[str, Any] | None:
    """Update the corpus view (:func:`eventwire.corpus.update_corpus`) after a run's batches are stored.

    A failure does not lose the run's articles (they are stored) but leaves the view incomplete: it is
    recorded in ``errors`` (stage ``corpus``: the whole update's exception, or one row per article
    left out, with its ``article_id`` as ``member``), and :func:`corpus_incomplete` tells the runner
    to end the run as ``partial``; ``eventwire corpus update`` retries what is missing.

    Returns:
        The update's counters (with ``failed`` and ``failures``), or ``None`` when the update failed
        as a whole.

    Raises:
        KeyboardInterrupt: interrupted; committed chunks are kept.
    """
    import traceback

    from eventwire.corpus import update_corpus
    from eventwire.stopping import reraise_if_stopping

    try:
        counters = update_corpus(store.con).as_dict()
    except Exception as exc:  # recorded with its reason; the stored articles are kept, the run is partial
        reraise_if_stopping(exc)  # DuckDB's "Query interrupted" is a stop, not a failed update
        store.write(run_id, [], [Problem("corpus", "corpus", "error", f"corpus update failed: {type(exc).__name__}",
                                         traceback.format_exc(limit=5))])
        return None
    if counters.get("failures"):
        store.write(run_id, [], [Problem("corpus", "corpus", "error",
                                         f"article not added to the corpus view: {f['reason']}"[:300], f["detail"],
                                         member=f["article_id"]) for f in counters["failures"]])
    return counters


def corpus_incomplete(counters: dict[str, Any] | None) -> bool:
    """True when a corpus update (:func:`update_corpus_view`'s result) left articles out of the view:
    it failed as a whole (``None``) or some articles could not be added."""
    return counters is None or bool(counters.get("failed"))
