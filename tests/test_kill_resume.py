"""Issue 14, item 8: a run killed with ``kill -9`` mid-write and run again gives the same database,
table by table, as one uninterrupted run (``tests/kill_resume.py``; more trials: ``bench/kill_resume.py``)."""
from __future__ import annotations

import signal
import subprocess
import time

import duckdb
import pytest

from tests.kill_resume import STORED_TIME, command, differences, make_inputs, snapshot, uninterrupted
from tests.test_stopping import _lines


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path):
    inputs = make_inputs(tmp_path, n_generated=60)
    ref = tmp_path / "reference.duckdb"
    uninterrupted(inputs, ref)
    want = snapshot(ref)
    assert sum(want["articles"].values()) == 83 and any(STORED_TIME in r for r in want["article_corpus"])

    db, out = tmp_path / "killed.duckdb", tmp_path / "out.jsonl"
    proc = subprocess.Popen(command(inputs, db) + ["--jsonl", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while _lines(out) < 16:  # at least two batches committed
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = duckdb.connect(str(db), read_only=True)
    kept = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    con.close()
    assert 16 <= kept < 83 + 10

    final = subprocess.run(command(inputs, db), capture_output=True, text=True, timeout=1200)
    assert final.returncode == 0, final.stderr
    assert differences(want, snapshot(db)) == {}
    con = duckdb.connect(str(db), read_only=True)
    assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()] == ["interrupted", "done"]
    con.close()
