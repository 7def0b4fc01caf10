"""Kill -9 and resume, compared table by table with an uninterrupted run (issue 14, item 8).

Used by ``tests/test_kill_resume.py`` (one trial) and ``bench/kill_resume.py`` (many trials). A trial
starts ``eventwire run INPUTS --db B``, kills it with SIGKILL after a random delay (possibly several
times), runs the same command again until it ends by itself, and compares every table of B with the
database A of one uninterrupted run: the same rows, ignoring only the columns that record *when* or
*by which run* something was written (:data:`VOLATILE`), which no two runs share.
"""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb

from tests import corpus_gen

EXE = Path(sys.executable).with_name("eventwire")

#: Columns that differ between any two runs: run ids and wall-clock times of writing.
VOLATILE = {"run_id", "article_run_id", "processed_at", "recorded_at", "started_at", "finished_at", "updated_at",
            "added_at", "found_at"}
#: Tables about runs rather than data.
SKIP_TABLES = {"runs", "meta", "shards"}


def make_inputs(root: Path, n_generated: int = 120) -> Path:
    """The inputs of a trial under ``root/in``: the corpus generator's outlets (copies, translations,
    stories, events), ``n_generated`` bench articles (nine in ten with a publication date) with blank
    and broken lines among them, and a copy of one outlet's file."""
    from eventwire.bench import generate_corpus

    d = root / "in"
    d.mkdir(parents=True, exist_ok=True)
    files = corpus_gen.write_jsonl(d / "outlets")
    with open(d / "generated.jsonl", "w", encoding="utf-8") as fh:
        for i, (title, body) in enumerate(generate_corpus(n_generated, seed=5)):
            rec = {"title": title, "text": body, "url": f"https://example.org/g/{i}"}
            if i % 10:  # one in ten without a date: the corpus view dates it by when it was stored
                rec["published"] = f"2024-03-{1 + i % 28:02d}"
            fh.write(json.dumps(rec) + "\n")
            if i % 40 == 7:
                fh.write("\n{broken json\n")
    (d / "copy-of-an-outlet.jsonl").write_bytes(files[0].read_bytes())
    return d


#: What replaces a write time that the corpus view took as an article's date (:func:`snapshot`).
STORED_TIME = "<time the article was stored>"


def snapshot(db: Path) -> dict[str, Counter]:
    """Every data table of ``db`` as a multiset of rows, without the :data:`VOLATILE` columns.

    An article without a publication date is dated by the corpus view by when it was stored
    (``article_corpus.seen_basis = 'stored'``: ``seen_at`` is its ``processed_at``), and that time
    flows into ``article_anchors.seen_at``, ``event_mentions.seen_at``, ``stories.first_seen`` and
    ``aggregated_events.first_seen``/``last_seen``. Those values are write times, different in any
    two runs (killed or not): every occurrence of one of them is replaced by :data:`STORED_TIME`.
    """
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT seen_at FROM article_corpus WHERE seen_basis = 'stored'").fetchall()}
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            if t in SKIP_TABLES:
                continue
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [t]).fetchall() if r[0] not in VOLATILE]
            rows = con.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{t}"').fetchall()
            out[t] = Counter(repr(tuple(STORED_TIME if isinstance(v, datetime) and v in stored else v for v in r))
                             for r in rows)
        return out
    finally:
        con.close()


def differences(a: dict[str, Counter], b: dict[str, Counter]) -> dict[str, dict]:
    """Per table that differs: rows only in ``a``, only in ``b``, and one example of each."""
    out = {}
    for t in sorted(set(a) | set(b)):
        ra, rb = a.get(t, Counter()), b.get(t, Counter())
        if ra == rb:
            continue
        only_a, only_b = ra - rb, rb - ra
        out[t] = {"rows": (sum(ra.values()), sum(rb.values())), "only_uninterrupted": sum(only_a.values()),
                  "only_resumed": sum(only_b.values()),
                  "example_uninterrupted": next(iter(only_a), None), "example_resumed": next(iter(only_b), None)}
    return out


def command(inputs: Path, db: Path) -> list[str]:
    return [str(EXE), "run", str(inputs), "--db", str(db), "-q", "--batch-size", "8", "--json"]


def uninterrupted(inputs: Path, db: Path) -> float:
    """One run to the end; returns its wall-clock seconds."""
    t0 = time.perf_counter()
    subprocess.run(command(inputs, db), check=True, capture_output=True, timeout=1800)
    return time.perf_counter() - t0


def trial(inputs: Path, db: Path, rng: random.Random, span_s: float, max_kills: int = 2) -> dict:
    """Kill the run with SIGKILL after random delays (up to ``max_kills`` times, each within
    ``span_s`` seconds of its start), then run the same command to its end. Returns the kill times
    and the exit codes."""
    kills, codes = [], []
    for _ in range(rng.randint(1, max_kills)):
        delay = rng.uniform(0.3, span_s)
        proc = subprocess.Popen(command(inputs, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills.append(round(delay, 2))
        codes.append(proc.returncode)
    final = subprocess.run(command(inputs, db), capture_output=True, text=True, timeout=1800)
    codes.append(final.returncode)
    return {"kills_at_s": kills, "exit_codes": codes, "final_stderr": final.stderr[-500:]}
