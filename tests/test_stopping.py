"""Issue 14, item 2: runs tell the truth when they are stopped.

SIGTERM is handled like Ctrl-C (exit 143; Ctrl-C 130), the run is recorded ``interrupted`` with the
batches written so far, a run killed with ``kill -9`` is marked ``interrupted`` when the next run
starts, and the same command then carries on to a complete database with every document once.
The subprocess test sends real signals to the installed ``eventwire`` script.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from eventwire import stopping
from eventwire.records import Document, Outcome, Problem
from eventwire.store.db import Store

EXE = Path(sys.executable).with_name("eventwire")
N_DOCS = 240


def make_input(path: Path, n: int = N_DOCS) -> Path:
    """``n`` short English news articles, one JSON line each (all different)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = (f"Talks number {i} open in Oslo\n\nMay {1 + i % 28}, 2024\n\nThe foreign ministers of Norway "
                    f"and Colombia met in Oslo on Tuesday for round {i} of the talks, officials said. Rebels "
                    f"of the National Liberation Army attended the meeting {i}, and protesters marched outside.")
            fh.write(json.dumps({"text": text, "url": f"https://example.org/{i}"}) + "\n")
    return path


def _lines(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0


def _start(inp: Path, db: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(EXE), "run", str(inp), "--db", str(db), "--jsonl", str(out), "--batch-size", "4",
                             "-q", "--no-corpus"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop_after_first_batches(proc: subprocess.Popen, out: Path, sig: int, at_least: int) -> tuple[int, str]:
    """Wait until ``out`` has ``at_least`` more lines than now (batches committed), then send ``sig``."""
    start = _lines(out)
    deadline = time.monotonic() + 600
    while _lines(out) < start + at_least:
        assert proc.poll() is None, f"the run ended before it could be stopped: {proc.communicate()}"
        assert time.monotonic() < deadline, "no batch written in 600 s"
        time.sleep(0.2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def _db(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


@pytest.mark.slow
def test_sigterm_ctrl_c_and_kill_9_are_recorded_and_the_same_command_completes(tmp_path):
    inp = make_input(tmp_path / "in.jsonl")
    db, out = tmp_path / "x.duckdb", tmp_path / "out.jsonl"

    # 1. SIGTERM: exit 143, recorded interrupted, what was written is kept, no traceback
    code, err = _stop_after_first_batches(_start(inp, db, out), out, signal.SIGTERM, 4)
    assert code == 143, err
    assert "Traceback" not in err and "interrupted" in err
    con = _db(db)
    assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    kept = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == kept
    con.close()
    assert 4 <= kept < N_DOCS and kept == _lines(out)  # whole batches only: each one in the database and the file

    # 2. Ctrl-C (SIGINT): exit 130, the run carried on from where the first stopped
    code, err = _stop_after_first_batches(_start(inp, db, out), out, signal.SIGINT, 4)
    assert code == 130, err
    assert "Traceback" not in err
    con = _db(db)
    assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()] == [
        "interrupted", "interrupted"]
    kept2 = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert kept < kept2 < N_DOCS and kept2 == _lines(out)

    # 3. kill -9: nothing can be recorded; the run stays 'running' until the next run starts
    code, _ = _stop_after_first_batches(_start(inp, db, out), out, signal.SIGKILL, 4)
    assert code == -signal.SIGKILL
    con = _db(db)
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 1
    con.close()

    # 4. the same command completes the database: every document once, the killed run marked interrupted
    proc = subprocess.run([str(EXE), "run", str(inp), "--db", str(db), "--batch-size", "16", "-q", "--json"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    con = _db(db)
    statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    assert statuses == ["interrupted", "interrupted", "interrupted", "done"]
    assert con.execute("SELECT finished_at FROM runs ORDER BY started_at").fetchall()[2] == (None,)
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (N_DOCS, N_DOCS)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == N_DOCS
    assert con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == N_DOCS
    con.close()


# -- in-process checks of the mechanisms -------------------------------------------------------------

def test_a_signal_inside_deferred_is_raised_when_the_block_ends():
    done = []
    with stopping.handling():
        with pytest.raises(stopping.Stopped) as info:
            with stopping.deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # the handler runs here: held, not raised
                done.append("checkpoint finished")
        assert info.value.signum == signal.SIGTERM and stopping.exit_code(info.value) == 143
    assert done == ["checkpoint finished"]
    stopping.reset()


def test_sigint_outside_deferred_stops_at_once_with_130():
    with stopping.handling():
        with pytest.raises(KeyboardInterrupt) as info:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
            pytest.fail("not stopped")
        assert stopping.exit_code(info.value) == 130
    stopping.reset()


def test_a_stop_met_as_a_database_error_is_not_retried_as_a_bad_batch(tmp_path, monkeypatch):
    """DuckDB reports a signal inside a query as RuntimeError('Query interrupted'); the store used to
    take it for a bad batch, retry it document by document, and the run went on."""
    with Store(tmp_path / "x.duckdb") as store:
        calls = []

        def write(run_id, outcomes, problems=(), replace=False):
            calls.append(len(outcomes))
            raise RuntimeError("Query interrupted")

        monkeypatch.setattr(store, "write", write)
        doc = Document(doc_id="d1", source="a.txt", kind="txt", data=b"x", size=1)
        with pytest.raises(KeyboardInterrupt):
            store.write_each("r", [Outcome(doc, "error", None, [Problem("a.txt", "read", "error", "x")])])
        assert calls == [1]  # not retried one by one
        monkeypatch.setattr(stopping, "_requested", signal.SIGTERM)

        def write2(run_id, outcomes, problems=(), replace=False):
            calls.append(len(outcomes))
            raise ValueError("a value Arrow refuses")

        monkeypatch.setattr(store, "write", write2)
        with pytest.raises(stopping.Stopped):
            store.write_each("r", [Outcome(doc, "error", None, [])])
        assert calls == [1, 1]
    stopping.reset()


def test_stale_running_runs_are_marked_interrupted_at_the_next_start(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        dead = store.start_run("eventwire run a", ["a"], 1)  # its process was killed: never finished
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    with Store(tmp_path / "x.duckdb") as store:
        new = store.start_run("eventwire run a", ["a"], 1)
        rows = dict(store.con.execute("SELECT run_id, status FROM runs").fetchall())
        assert rows == {dead: "interrupted", new: "running"}


def test_ctrl_c_during_the_final_checkpoint_waits_for_it_then_stops_with_130(tmp_path):
    """A Ctrl-C that arrives while the store checkpoints (the end of every run) used to give a
    traceback and exit 1: the checkpoint and the close finish, then the stop is raised."""
    store = Store(tmp_path / "x.duckdb")
    store.start_run("eventwire run a", ["a"], 1)
    real = store.con

    class Con:  # the connection, with a Ctrl-C arriving in the middle of CHECKPOINT
        def execute(self, sql, *a):
            if sql == "CHECKPOINT":
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)  # the handler runs here
            return real.execute(sql, *a)

        def close(self):
            real.close()

    store.con = Con()
    with stopping.handling():
        with pytest.raises(stopping.Stopped) as info:
            store.close()
    assert stopping.exit_code(info.value) == 130
    stopping.reset()
    with pytest.raises(duckdb.ConnectionException):  # closed: the close was not cut
        real.execute("SELECT 1")
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1  # checkpointed and readable
    con.close()
