"""``eventwire run --cluster dask[://SCHEDULER]``: the same stages on a Dask cluster.

How a run goes:

1. The inputs are cut into shards, lazily (:func:`eventwire.scale.shards.iter_shards`): groups of
   files in reading order; a big file (WARC, JSONL) is a shard of its own.
2. Each shard not done yet becomes one task, :func:`process_shard`, on a worker. Workers load the
   spaCy pipeline and the annotators once, when they join (:class:`LoadModels`, a worker plugin). The
   task reads the shard's files, runs :func:`eventwire.pipeline.process_batch` batch by batch, and writes
   the results as Parquet parts (:mod:`eventwire.scale.parts`) into ``<parts>/<shard_id>/``: first into a
   temporary directory, renamed when complete, so a part is either whole or absent.
3. This process (the only writer of the DuckDB file) merges each finished part into the database in
   one transaction, in shard order (so duplicates resolve as in a local run), records the shard in
   the ``shards`` table, then deletes the part (unless ``--keep-parts``). At most ``2 x worker
   threads`` shards are in flight: memory stays flat however many inputs there are.

Failures: a worker that dies takes no committed result with it (only this process commits); Dask
reruns its task on another worker (``distributed.scheduler.allowed-failures``, 3 by default). A shard
whose task fails for good is recorded (``shards.status = 'failed'`` and a row in ``errors``) and the
run goes on; the run ends with status ``partial``. Running the same command again skips the shards
done, merges the complete parts an interrupted run left behind without recomputing them, and
processes the rest.

Inputs and the parts directory must be reachable at the same paths from the workers and from this
process (a shared file system on a cluster; on one machine, nothing to do).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from eventwire import timing
from eventwire.pipeline import process_batch
from eventwire.records import Problem
from eventwire.ingest.files import iter_documents, url_scheme
from eventwire.ingest.http import is_url
from eventwire.runbase import (DUPLICATE_REASON, RunConfig, RunStats, batches, corpus_incomplete, cpu_seconds,
                               duplicate_problem, peak_rss_mb, same_place, update_corpus_view, worker_init,
                               worker_report, writer_settings)
from eventwire.scale import parts as P
from eventwire.scale.shards import Shard, iter_shards
from eventwire.store.db import Store, error_row
from eventwire.timing import stage

log = logging.getLogger(__name__)


def parse_cluster(spec: str) -> str | None:
    """The scheduler address in ``--cluster``: ``dask`` -> ``None`` (start a LocalCluster);
    ``dask://HOST:PORT`` -> ``tcp://HOST:PORT``; ``dask://tls://HOST:PORT`` -> ``tls://HOST:PORT``;
    ``dask:///path/scheduler.json`` -> ``/path/scheduler.json`` (a scheduler file).

    Raises:
        ValueError: not a ``dask`` cluster spec.
    """
    s = spec.strip()
    if s == "dask":
        return None
    if not s.startswith("dask://") or len(s) == len("dask://"):
        raise ValueError(f"unknown cluster {spec!r}: use 'dask' (a local cluster) or 'dask://HOST:PORT'")
    rest = s[len("dask://"):]
    if rest.endswith(".json") or rest.startswith("/"):
        return rest
    return rest if "://" in rest else "tcp://" + rest


# -- worker side --------------------------------------------------------------------------------

try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # dask is a dependency; this keeps the module importable for its docs without it
    _WorkerPlugin = object  # type: ignore[misc,assignment]


def _untrim_malloc() -> bool:
    """Undo the effect of ``MALLOC_TRIM_THRESHOLD_`` on this worker's allocator, if it is set.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (its
    ``distributed.nanny.pre-spawn-environ``). Setting it turns off glibc's adaptive thresholds, so every
    numpy array above 128 KiB is mmap-ed and unmapped again: spaCy then took ~40% more CPU time
    (measured on the 2-core reference machine: 1.7-1.9 s instead of 1.2-1.4 s for the same 64
    documents). Restored here with ``mallopt``: mmap above 16 MiB, trim above 32 MiB of free heap (about
    where glibc's adaptive thresholds settle for spaCy; same CPU time as 32/128 MiB in a comparison on
    64 documents, less memory kept). Returns whether it changed anything (Linux/glibc only).
    """
    import ctypes
    import ctypes.util

    if not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
        return bool(libc.mallopt(m_trim_threshold, 32 * 2**20) and libc.mallopt(m_mmap_threshold, 16 * 2**20))
    except (OSError, AttributeError) as exc:  # not glibc: nothing to undo
        log.info("mallopt unavailable: %s", exc)
        return False


class LoadModels(_WorkerPlugin):  # type: ignore[misc,valid-type]
    """Dask worker plugin: load the spaCy pipeline and the annotators once, when a worker starts (and
    when a restarted worker rejoins), so that no task pays for it; and undo the nanny's malloc setting
    that makes spaCy slow (:func:`_untrim_malloc`)."""

    name = "eventwire-models"
    idempotent = True

    def setup(self, worker: Any) -> None:
        _untrim_malloc()
        worker_init()


#: spaCy pipelines are not made to be shared by threads (memory zones above all): on a worker with
#: several threads, shards take turns in the NLP stage. Run workers with one thread (``--nthreads 1``).
_NLP_LOCK = threading.Lock()


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def process_shard(shard: Shard, run_id: str, parts_root: str, max_bytes: int, batch_size: int,
                  records: bool = False) -> dict[str, Any]:
    """Process one shard on a worker and write its part directory ``<parts_root>/<shard_id>``.

    Idempotent: when the part is already complete (an earlier attempt finished), its summary is
    returned and nothing is recomputed.

    Args:
        shard: the files to read.
        run_id: the run (stored in ``run_id`` columns; the merge sets it again).
        parts_root: the parts directory, shared with the client.
        max_bytes: ``--max-bytes``.
        batch_size: documents per ``process_batch`` call and per Parquet row group.
        records: also write the ``--jsonl`` lines.

    Returns:
        The summary also saved as ``_SUCCESS.json``: shard id, ``documents`` (read, including files
        that gave none), ``read_skipped``, ``read_failed``, ``duplicates`` (repeats inside the shard),
        ``rows`` per table, ``elapsed_s``, and the worker ``report`` (stage seconds, pid, peak RSS).

    Raises:
        OSError: the part directory cannot be written (the task fails; the shard is retried on rerun).
    """
    root = Path(parts_root)
    final = root / shard.shard_id
    if (final / P.SUCCESS).exists():
        return P.read_summary(final)
    t0 = time.perf_counter()
    before, cpu0 = timing.mark(), cpu_seconds()
    tmp = root / f".{shard.shard_id}.{uuid.uuid4().hex[:8]}.tmp"
    writer = P.PartWriter(tmp, records=records)
    counts = {"documents": 0, "read_skipped": 0, "read_failed": 0, "duplicates": 0}
    seen: dict[str, tuple[str, str | None]] = {}  # one shard's ids and where each was read: bounded by the shard
    try:
        for docs, probs in batches(shard.read(max_bytes), batch_size):
            counts["documents"] += len(probs) + len(docs)
            for p in probs:
                counts["read_failed" if p.severity == "error" else "read_skipped"] += 1
            fresh = []
            for d in docs:
                first = seen.get(d.doc_id)
                if first is not None:
                    counts["duplicates"] += 1
                    if not same_place(first, (d.source, d.member)):  # a copy: recorded, as a local run does
                        probs.append(duplicate_problem(d, first))
                else:
                    seen[d.doc_id] = (d.source, d.member)
                    fresh.append(d)
            with _NLP_LOCK:
                outcomes = process_batch(fresh) if fresh else []
            with stage("write parts"):
                writer.write(run_id, outcomes, probs)
        writer.close()
    except BaseException:
        writer.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary = {"shard_id": shard.shard_id, "index": shard.index, **counts, "rows": dict(writer.rows),
               "elapsed_s": time.perf_counter() - t0,
               "report": worker_report(before, cpu0, counts["documents"], worker=_worker_name())}
    (tmp / P.SUCCESS).write_text(json.dumps(summary), encoding="utf-8")
    if final.is_dir():
        if (final / P.SUCCESS).exists():  # another attempt finished first: keep its part
            shutil.rmtree(tmp, ignore_errors=True)
            return P.read_summary(final)
        shutil.rmtree(final)
    os.rename(tmp, final)  # fails (NotADirectoryError, ...) if something else is in the way
    return summary


# -- client side --------------------------------------------------------------------------------

def local_cluster_options(workers: int) -> dict[str, Any]:
    """LocalCluster arguments: ``workers`` one-thread processes (spaCy gains nothing from threads under
    the GIL), everything bound to the loopback interface, the scheduler's HTTP server on a free port
    (several clusters can run side by side), no dashboard."""
    return dict(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR)


def _connect(address: str | None, workers: int):
    """A Dask client: to ``address``, or to a new LocalCluster of ``workers`` one-thread processes."""
    from distributed import Client, LocalCluster

    if address is None:
        cluster = LocalCluster(**local_cluster_options(workers))
        return Client(cluster), cluster
    if address.endswith(".json"):
        return Client(scheduler_file=address), None
    return Client(address), None


def _done_shard(store: Store, shard_id: str) -> int | None:
    """Documents of a shard already merged by an earlier run, or None if it is not done."""
    row = store.con.execute("SELECT documents FROM shards WHERE shard_id = ? AND status = 'done'",
                            [shard_id]).fetchone()
    return None if row is None else int(row[0] or 0)


def _record_shard(store: Store, shard: Shard, status: str, run_id: str, reason: str | None = None,
                  documents: int = 0, articles: int = 0, worker: str | None = None, elapsed: float = 0.0) -> None:
    store.con.execute("INSERT OR REPLACE INTO shards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [shard.shard_id, list(shard.paths), len(shard.paths), shard.size_bytes, status, reason,
                       documents, articles, worker, elapsed, run_id, datetime.now(timezone.utc)])


def run_dask(paths: Sequence[str], config: RunConfig, *, on_progress: Callable[[RunStats], None] | None = None,
             command: str = "run", client: Any = None) -> tuple[RunStats, str]:
    """Run the pipeline over ``paths`` on Dask and store the results in ``config.db``.

    Args:
        paths: files and directories (as for a local run).
        config: run options; ``config.cluster`` is ``dask`` or ``dask://ADDRESS`` (ignored when
            ``client`` is given); ``config.workers`` sizes a LocalCluster.
        on_progress: called with the running stats after each shard is merged.
        command: the command line, recorded in ``runs``.
        client: an existing ``distributed.Client`` to use (e.g. on a dask-jobqueue or Kubernetes
            cluster made in Python); it is left open.

    Returns:
        (stats, status): status ``done``, or ``partial`` when some shards failed (rerun to retry them)
        or the corpus view update left articles out (``eventwire corpus update`` retries them).

    Raises:
        FileNotFoundError: a path does not exist (checked before anything is written).
        ValueError: a bad ``config.cluster``.
        KeyboardInterrupt: re-raised after the run is recorded as interrupted; merged shards are kept,
            and complete parts are merged by the next run without recomputing them.
    """
    other_schemes = [p for p in paths if url_scheme(p) and not is_url(p)]  # ftp://...: recorded, skipped
    for p in paths:
        if is_url(p):
            raise ValueError(f"URLs are read by the local runner only (no --cluster): {p}")
        if p in other_schemes:
            continue
        if not Path(p).exists():
            raise FileNotFoundError(f"no such file or directory: {p}")
    address = parse_cluster(config.cluster or "dask") if client is None else None
    stats = RunStats()
    t0 = time.perf_counter()
    stages_before, cpu0 = timing.mark(), cpu_seconds()
    store = Store(config.db)
    writer_settings(store)
    parts_root = Path(config.parts or (str(config.db) + ".parts")).absolute()
    parts_root.mkdir(parents=True, exist_ok=True)
    for stale in parts_root.glob(".*.tmp"):  # half-written parts of a dead run (the DB lock makes us alone)
        shutil.rmtree(stale, ignore_errors=True)
    run_id = store.start_run(command, [str(p) for p in paths], config.workers)
    jsonl: IO[str] | None = None
    own_client = client is None
    cluster = None
    status = "failed"
    inflight: deque[tuple[Shard, Any]] = deque()
    try:
        if config.jsonl:
            jsonl = open(config.jsonl, "a", encoding="utf-8")
        if other_schemes:
            probs = [p for p in iter_documents(other_schemes) if isinstance(p, Problem)]
            store.write(run_id, [], probs)
            for p in probs:
                stats.add_read_problem(p)
            paths = [p for p in paths if p not in other_schemes]
        if own_client:
            client, cluster = _connect(address, max(1, config.workers))
        client.register_plugin(LoadModels())  # returns once every current worker has loaded the models
        n_workers = len(client.scheduler_info().get("workers", {}))
        store.con.execute("UPDATE runs SET workers = ? WHERE run_id = ?", [n_workers, run_id])
        stats.startup_s = time.perf_counter() - t0
        window = max(2, 2 * sum(client.nthreads().values()))

        def finish(shard: Shard, fut: Any) -> None:
            reused = fut is None
            try:
                summary = P.read_summary(parts_root / shard.shard_id) if reused else fut.result()
            except Exception as exc:  # the task failed for good (an error, or workers killed by it)
                stats.shards_failed += 1
                reason = f"shard failed: {type(exc).__name__}"
                p = Problem(shard.paths[0], "run", "error", reason,
                            f"{exc}\nfiles: {', '.join(shard.paths)}"[:4000])
                stats.add_problem(p)
                store.con.execute("BEGIN TRANSACTION")
                try:
                    _record_shard(store, shard, "failed", run_id, reason=f"{reason}: {exc}"[:1000])
                    store._insert("errors", [error_row(run_id, p, datetime.now(timezone.utc))], ignore=True)
                    store.con.execute("COMMIT")
                except BaseException:
                    store.con.execute("ROLLBACK")
                    raise
                log.warning("shard %s failed: %s", shard.shard_id, exc)
                return
            part = parts_root / shard.shard_id
            with stage("merge"):
                m = P.merge_part(store, part, run_id, replace=config.reprocess, jsonl=jsonl)
                report = summary.get("report", {})
                _record_shard(store, shard, "done", run_id, documents=summary["documents"],
                              articles=m["articles"], worker=report.get("worker"), elapsed=summary["elapsed_s"])
            if not config.keep_parts:
                P.remove(part)
            stats.shards += 1
            stats.shards_reused += reused
            dups = summary["duplicates"] + (m["documents"] - m["new"])
            stats.documents += summary["documents"]
            stats.already_done += dups
            stats.processed += m["new"]
            stats.articles += m["articles"]
            stats.no_article += m["no_article"]
            stats.skipped += summary["read_skipped"] + m["no_article"]
            stats.failed += summary["read_failed"] + m["failed"]
            stats.words += m["words"]
            stats.entities += m["entities"]
            stats.events += m["events"]
            stats.quotes += m["quotes"]
            stats.places += m["places"]
            stats.times += m["times"]
            for (sev, reason), n in m["reasons"].items():
                stats.add_reason(sev, reason, n)
            stats.duplicates += m["reasons"].get(("skipped", DUPLICATE_REASON), 0)  # copies, recorded
            if not reused and report:
                stats.add_worker_report(report)
            stats.elapsed_s = time.perf_counter() - t0
            if on_progress:
                on_progress(stats)

        walk_problems: list[Problem] = []  # unreadable directories, link loops, FIFOs: in no shard

        def record_walk_problems() -> None:
            if walk_problems:
                store.write_each(run_id, [], walk_problems)
                for p in walk_problems:
                    stats.add_read_problem(p)
                walk_problems.clear()

        for shard in iter_shards(paths, config.shard_files, config.shard_bytes, walk_problems):
            record_walk_problems()
            if not config.reprocess:
                done = _done_shard(store, shard.shard_id)
                if done is not None:
                    stats.shards_skipped += 1
                    stats.documents += done
                    stats.already_done += done
                    continue
            if (parts_root / shard.shard_id / P.SUCCESS).exists():
                fut = None  # a complete part left by an interrupted run: merge it, do not recompute
            else:
                fut = client.submit(process_shard, shard, run_id, str(parts_root), config.max_bytes,
                                    config.batch_size, bool(config.jsonl), pure=False,
                                    key=f"eventwire-shard-{shard.shard_id}-{uuid.uuid4().hex[:8]}")
            inflight.append((shard, fut))
            while len(inflight) >= window:
                finish(*inflight.popleft())
        record_walk_problems()  # those met after the last shard
        while inflight:
            finish(*inflight.popleft())
        status = "partial" if stats.shards_failed else "done"
        if config.corpus:
            with stage("corpus"):
                stats.corpus = update_corpus_view(store, run_id)
            if corpus_incomplete(stats.corpus):
                status = "partial"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        for _, fut in inflight:
            if fut is not None:
                fut.cancel()
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        stats.elapsed_s = time.perf_counter() - t0
        stats.peak_rss_mb = peak_rss_mb()
        stats.add_stages(*timing.since(stages_before))
        stats.cpu_s += cpu_seconds() - cpu0
        store.finish_run(run_id, status, stats.as_dict())
        store.close()
        if jsonl is not None:
            jsonl.close()
        if not config.keep_parts and parts_root.is_dir() and not any(parts_root.iterdir()):
            parts_root.rmdir()
    return stats, status
