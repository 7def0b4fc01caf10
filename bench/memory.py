"""Peak memory as the corpus grows: run ``eventwire run`` on generated corpora of increasing size and
report the peak RSS of the main process and of each worker.

Streaming means these figures stay flat from 1,000 to 10,000 documents (issue 8: at most 800 MB per
worker). Each size runs in a fresh process on a fresh database; the corpus is one JSONL file written
before the run (its generation is not measured).

Usage::

    .venv/bin/python bench/memory.py                       # 1,000 and 10,000 documents, 2 workers
    .venv/bin/python bench/memory.py --sizes 1000,10000 --workers 1
    .venv/bin/python bench/memory.py --cluster dask --workers 2
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eventwire.bench import generate_corpus


def write_jsonl(path: Path, n: int) -> int:
    """Write ``n`` generated articles as JSONL (``title``, ``text``, ``published``); returns the words."""
    words = 0
    with open(path, "w", encoding="utf-8") as fh:
        for title, body in generate_corpus(n, seed=11):
            words += len(body.split())
            fh.write(json.dumps({"title": title, "text": body, "published": "2024-03-03"}) + "\n")
    return words


def measure(n: int, workers: int, cluster: str | None, tmp: Path) -> dict:
    """One ``eventwire run`` over ``n`` documents in a subprocess; its JSON summary plus timings."""
    corpus = tmp / f"corpus{n}.jsonl"
    words = write_jsonl(corpus, n)
    exe = Path(sys.executable).with_name("eventwire")
    cmd = [str(exe), "run", str(corpus), "--db", str(tmp / f"m{n}.duckdb"), "--json", "-q",
           "--workers", str(workers), "--batch-size", "32"]
    if cluster:
        cmd += ["--cluster", cluster]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"eventwire run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    s = json.loads(proc.stdout[proc.stdout.index("{"):])
    if s["articles"] != n:
        raise RuntimeError(f"stored {s['articles']} articles of {n}")
    return {"documents": n, "words": words, "wall_s": wall, "elapsed_s": s["elapsed_s"], "startup_s": s["startup_s"],
            "main_rss_mb": s["peak_rss_mb"],
            "workers_rss_mb": sorted(w["peak_rss_mb"] for w in s["workers_info"].values()),
            "docs_per_s": n / max(s["elapsed_s"] - s["startup_s"], 1e-9)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cluster", default=None, help="'dask' to use the Dask runner")
    ap.add_argument("--json", action="store_true", help="print JSON")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in a.sizes.split(",")):
            print(f"running {n:,} documents...", file=sys.stderr, flush=True)
            rows.append(measure(n, a.workers, a.cluster, Path(tmp)))
    if a.json:
        print(json.dumps(rows, indent=2))
        return
    kind = f"Dask, {a.workers} workers" if a.cluster else (f"{a.workers} workers" if a.workers > 1 else "1 process")
    print(f"peak RSS by corpus size ({kind})")
    print(f"{'documents':>10} {'words':>11} {'docs/s':>7} {'main MB':>8}  workers MB")
    for r in rows:
        ws = ", ".join(f"{w:.0f}" for w in r["workers_rss_mb"])
        print(f"{r['documents']:>10,} {r['words']:>11,} {r['docs_per_s']:>7.1f} {r['main_rss_mb']:>8.0f}  {ws}")


if __name__ == "__main__":
    main()
