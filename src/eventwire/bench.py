"""``eventwire bench``: the full pipeline against bare spaCy ``nlp.pipe`` on the same generated corpus.

Measures, each in its own fresh subprocess (so each one's peak RSS is its own), on the same
deterministic corpus (:func:`generate_corpus`, seeded):

* ``spacy``: bare spaCy, ``spacy.load(MODEL)`` as shipped (no eventwire code), ``nlp.pipe`` over the
  article bodies, batch size 32;
* ``pipeline``: ``eventwire run`` in one process: read the ``.txt`` files, extract, parse, annotate,
  write to a fresh DuckDB file;
* ``pipeline-N``: the same with ``--workers N`` (a local process pool);
* ``dask-N`` (with ``--cluster dask``): the same on a Dask LocalCluster of N workers.

Model loading is excluded from the timed part: bare spaCy and the one-process pipeline load before
the clock starts; runs with workers report their time after the last worker finished loading
(``elapsed - startup``; the total is reported too). Each measure is repeated and the median is
reported, in wall-clock seconds and in CPU seconds (of every process of the run, model loading
excluded: on a shared machine CPU time is steadier than wall-clock time). The ratios to watch are
``pipeline / spacy`` (target <= 1.3) and ``pipeline / pipeline-N`` (target >= 1.6 for N = 2).
"""
from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_COUNTRIES = [
    ("United States", "American", "Washington"), ("Russia", "Russian", "Moscow"), ("China", "Chinese", "Beijing"),
    ("France", "French", "Paris"), ("Germany", "German", "Berlin"), ("India", "Indian", "New Delhi"),
    ("Pakistan", "Pakistani", "Islamabad"), ("Iran", "Iranian", "Tehran"), ("Turkey", "Turkish", "Ankara"),
    ("Brazil", "Brazilian", "Brasilia"), ("Nigeria", "Nigerian", "Abuja"), ("Kenya", "Kenyan", "Nairobi"),
    ("Japan", "Japanese", "Tokyo"), ("Ukraine", "Ukrainian", "Kyiv"), ("Egypt", "Egyptian", "Cairo"),
    ("Mexico", "Mexican", "Mexico City"), ("Qatar", "Qatari", "Doha"), ("Ethiopia", "Ethiopian", "Addis Ababa"),
]
_ROLES = ["foreign minister", "president", "defence minister", "prime minister", "ambassador", "spokesman"]
_VERBS = [
    "met with", "held talks with", "accused", "urged", "criticised", "praised", "signed an agreement with",
    "threatened", "sent humanitarian aid to", "condemned", "called on", "rejected a proposal from",
    "expelled diplomats from", "imposed sanctions on", "thanked", "invited",
]
_WHEN = ["on Monday", "on Tuesday", "last week", "this weekend", "on Thursday", "earlier this month", "in March"]
_SYLLABLES = ["ka", "lo", "mir", "vet", "san", "dro", "bel", "ush", "ten", "zor", "ia", "gan", "por", "eli",
              "nus", "rad", "qui", "fen", "tob", "ar"]
_WHAT = ["the border dispute", "trade", "the ceasefire", "energy supplies", "refugees", "the nuclear programme",
         "regional security", "grain exports", "the upcoming elections"]


def generate_corpus(n_docs: int, seed: int = 7) -> list[tuple[str, str]]:
    """A deterministic corpus of ``n_docs`` news-like articles as (title, body) pairs.

    Each body has 4-6 paragraphs of 3-4 sentences about interactions between countries (about 250
    words), with dates, places, roles and a quotation, so every annotator has work to do. About one
    sentence in eight names a made-up person and a number, so the vocabulary keeps growing with the
    corpus as in real news (which is what makes a process's string store grow).
    """
    rng = random.Random(seed)

    def name() -> str:
        return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                        for _ in range(2))

    docs = []
    for i in range(n_docs):
        paras = []
        for _ in range(rng.randint(4, 6)):
            sents = []
            for _ in range(rng.randint(3, 4)):
                (a, adem, acap), (b, bdem, bcap) = rng.sample(_COUNTRIES, 2)
                kind = rng.random()
                if kind > 0.875:
                    sents.append(f"{name()}, a {rng.randint(25, 80)}-year-old {rng.choice(_ROLES)} from {acap}, said "
                                 f"{rng.randint(2, 90_000):,} people had left the region {rng.choice(_WHEN)}.")
                elif kind < 0.5:
                    sents.append(f"{a}'s {rng.choice(_ROLES)} {rng.choice(_VERBS)} {b} {rng.choice(_WHEN)} over "
                                 f"{rng.choice(_WHAT)}, officials in {acap} said.")
                elif kind < 0.75:
                    sents.append(f"The {adem} government {rng.choice(_VERBS)} {bdem} officials in {bcap} "
                                 f"{rng.choice(_WHEN)}, according to Reuters.")
                else:
                    sents.append(f"\u201cWe will not accept any threat to {rng.choice(_WHAT)},\u201d the {adem} "
                                 f"{rng.choice(_ROLES)} told reporters in {acap}.")
            paras.append(" ".join(sents))
        (a, _, _), (b, _, _) = rng.sample(_COUNTRIES, 2)
        docs.append((f"{a} and {b} discuss {rng.choice(_WHAT)} (report {i})", "\n\n".join(paras)))
    return docs


def write_corpus(directory: Path, docs: list[tuple[str, str]]) -> None:
    """Write the corpus as ``.txt`` files: title line, a dateline, then the body."""
    directory.mkdir(parents=True, exist_ok=True)
    for i, (title, body) in enumerate(docs):
        (directory / f"doc{i:05d}.txt").write_text(f"{title}\n\nMarch 3, 2024 10:00\n\n{body}\n", encoding="utf-8")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(kind: str, n_docs: int, repeats: int, workers: int = 1) -> dict[str, Any]:
    """Run one measure in this process and return its figures (used by the subprocess entry point).

    Args:
        kind: ``spacy`` (bare ``nlp.pipe`` over the bodies), ``pipeline`` (``eventwire run`` over the
            ``.txt`` files into a fresh DuckDB file per repetition, in one process or with ``workers``
            pool processes) or ``dask`` (the same on a Dask LocalCluster of ``workers`` processes).
        n_docs: corpus size; repeats: timed repetitions; workers: worker processes.

    Returns:
        ``label``, ``seconds`` (median, model loading excluded), ``total_seconds`` (median, including
        worker startup), ``cpu_seconds`` (median CPU time of this process), ``docs_per_s``,
        ``words_per_s``, ``peak_rss_mb`` (this process), ``workers_rss_mb`` (peak RSS per worker
        process, max over repetitions), ``stages`` (median seconds per stage, summed over workers),
        ``stages_cpu`` (the same in CPU seconds), ``runs`` (every repetition's seconds).

    Raises:
        RuntimeError: the pipeline stored fewer articles than documents.
        ValueError: an unknown ``kind``.
    """
    from eventwire import timing

    docs = generate_corpus(n_docs)
    words = sum(len(b.split()) for _, b in docs)
    times: list[float] = []
    totals: list[float] = []
    cpus: list[float] = []
    stages: list[dict[str, float]] = []
    stages_cpu: list[dict[str, float]] = []
    workers_rss: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "spacy":
            import spacy

            from eventwire.nlp.pipeline import MODEL

            nlp = spacy.load(MODEL)  # spaCy as shipped: nothing of eventwire's
            bodies = [b for _, b in docs]
            list(nlp.pipe(bodies[:5]))  # warm-up
            for _ in range(repeats):
                c0, t0 = _cpu_s(), time.perf_counter()
                for _d in nlp.pipe(bodies, batch_size=32):
                    pass
                times.append(time.perf_counter() - t0)
                cpus.append(_cpu_s() - c0)
            totals = times
            label = "bare spaCy"
        elif kind in ("pipeline", "dask"):
            from eventwire.nlp.pipeline import annotators, load_nlp
            from eventwire.runner import RunConfig, run

            corpus = Path(tmp) / "corpus"
            write_corpus(corpus, docs)
            if kind == "pipeline" and workers <= 1:
                from eventwire.runbase import warm_up

                load_nlp()  # loaded before the clock starts, as workers do before their first task
                annotators()
                warm_up()
                label = "pipeline, 1 process"
            elif kind == "pipeline":
                label = f"pipeline, {workers} workers"
            else:
                label = f"pipeline, Dask {workers} workers"
            for r in range(repeats):
                timing.reset()
                cfg = RunConfig(db=str(Path(tmp) / f"bench{r}.duckdb"), batch_size=32, workers=workers,
                                cluster="dask" if kind == "dask" else None, shard_files=max(8, n_docs // (4 * workers)))
                t0 = time.perf_counter()
                stats, _ = run([str(corpus)], cfg)
                total = time.perf_counter() - t0
                cpus.append(stats.cpu_s)
                if stats.articles != n_docs:
                    raise RuntimeError(f"pipeline stored {stats.articles} articles, expected {n_docs}")
                totals.append(total)
                times.append(total - stats.startup_s)
                stages.append(dict(stats.stages))
                stages_cpu.append(dict(stats.stages_cpu))
                if kind == "dask" or workers > 1:
                    workers_rss.extend(w["peak_rss_mb"] for w in stats.workers_info.values())
        else:
            raise ValueError(f"unknown measure {kind!r}")
    med = statistics.median(times)
    result = {"label": label, "workers": workers if kind != "spacy" else 1, "seconds": med,
              "total_seconds": statistics.median(totals), "cpu_seconds": statistics.median(cpus),
              "docs_per_s": n_docs / med, "words_per_s": words / med, "peak_rss_mb": _peak_rss_mb(),
              "workers_rss_mb": max(workers_rss) if workers_rss else _peak_rss_mb(), "runs": times}
    if stages:
        keys = sorted({k for s in stages for k in s})
        result["stages"] = {k: statistics.median(s.get(k, 0.0) for s in stages) for k in keys}
        result["stages_cpu"] = {k: statistics.median(s.get(k, 0.0) for s in stages_cpu) for k in keys}
    return result


def run_bench(n_docs: int = 200, repeats: int = 3, workers: int = 2, cluster: str | None = None,
              log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Run every measure, each in a fresh subprocess, and return their figures and ratios.

    Args:
        n_docs: corpus size; repeats: repetitions per measure (medians reported).
        workers: N for the multi-worker measure (1: skip it).
        cluster: ``dask`` to also measure the Dask runner with ``workers`` workers.

    Returns:
        ``{"documents", "words", "repeats", "measures": {name: figures}, "ratio", "cpu_ratio",
        "speedup", "stages"}``: ``ratio`` = pipeline / bare spaCy (wall-clock medians),
        ``cpu_ratio`` the same in CPU seconds, ``speedup`` = 1-process time / N-worker time.
        ``spacy`` and ``pipeline`` are also at the top level (as before).

    Raises:
        RuntimeError: a measuring subprocess failed.
    """
    docs = generate_corpus(n_docs)
    words = sum(len(b.split()) for _, b in docs)
    res: dict[str, Any] = {"documents": n_docs, "words": words, "repeats": repeats, "measures": {}}
    plan = [("spacy", "spacy", 1), ("pipeline", "pipeline", 1)]
    if workers > 1:
        plan.append((f"pipeline-{workers}", "pipeline", workers))
    if cluster == "dask":
        plan.append((f"dask-{workers}", "dask", workers))
    for name, kind, w in plan:
        log(f"measuring {name} ({repeats} runs of {n_docs} documents)...")
        proc = subprocess.run([sys.executable, "-m", "eventwire.bench", kind, str(n_docs), str(repeats), str(w)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"bench subprocess '{name}' failed:\n{proc.stderr[-2000:]}")
        res["measures"][name] = json.loads(proc.stdout.strip().splitlines()[-1])
    m = res["measures"]
    res["spacy"], res["pipeline"] = m["spacy"], m["pipeline"]
    res["ratio"] = m["pipeline"]["seconds"] / m["spacy"]["seconds"]
    res["cpu_ratio"] = m["pipeline"]["cpu_seconds"] / m["spacy"]["cpu_seconds"]
    if workers > 1:
        res["speedup"] = m["pipeline"]["seconds"] / m[f"pipeline-{workers}"]["seconds"]
    if cluster == "dask":
        res["dask_speedup"] = m["pipeline"]["seconds"] / m[f"dask-{workers}"]["seconds"]
    res["stages"] = m["pipeline"].get("stages", {})
    return res


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                             int(sys.argv[4]) if len(sys.argv) > 4 else 1)))
