"""Issue 14, item 4: one writer holds the database for the whole run.

A run takes DuckDB's lock first thing and holds it until its final checkpoint: an export, a
``serve`` or another run started meanwhile stops at once with a one-line error naming the process
that writes (exit 2), instead of reading a half-written state. Real processes, real lock.
"""
from __future__ import annotations

import signal
import socket
import subprocess
import time

import duckdb
import pytest

from eventwire.store.db import Store, StoreOpenError
from tests.test_stopping import EXE, _lines, _start, make_input


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_readers_and_writers_are_refused_while_a_run_writes(tmp_path):
    inp = make_input(tmp_path / "in.jsonl", 400)
    db, out = tmp_path / "x.duckdb", tmp_path / "out.jsonl"
    # a database that exists before the run (the run must not leave a gap between checks and writes)
    subprocess.run([str(EXE), "run", str(make_input(tmp_path / "one.jsonl", 1)), "--db", str(db), "-q"],
                   check=True, capture_output=True, timeout=600)
    proc = _start(inp, db, out)
    try:
        deadline = time.monotonic() + 600
        while _lines(out) < 4:  # the run is writing batches
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        runs = {
            "export": [str(EXE), "export", "--db", str(db), "-f", "csv", "--table", "articles",
                       "-o", str(tmp_path / "a.csv")],
            "serve": [str(EXE), "serve", "--db", str(db), "--port", str(_free_port())],
            "corpus update": [str(EXE), "corpus", "update", "--db", str(db)],
            "run": [str(EXE), "run", str(inp), "--db", str(db), "-q"],
        }
        for name, cmd in runs.items():
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            assert r.returncode == 2, (name, r.returncode, r.stderr)
            msg = " ".join(r.stderr.split())
            assert "Traceback" not in r.stderr and f"PID {proc.pid}" in msg, (name, msg)
            if name in ("export", "serve"):
                assert "the database is being written by another process" in msg, (name, msg)
            else:
                assert "is in use by another process" in msg, (name, msg)
        assert not (tmp_path / "a.csv").exists()
        assert proc.poll() is None  # the run itself goes on
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=300)
    assert proc.returncode == 143
    con = duckdb.connect(str(db), read_only=True)
    statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    con.close()
    assert statuses == ["done", "interrupted"]  # the refused run never started a run of its own


def test_a_reader_meets_a_writer_with_the_being_written_message(tmp_path):
    db = tmp_path / "x.duckdb"
    Store(db).close()
    code = ("import sys, time; from eventwire.store.db import Store; s = Store(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)")
    import sys

    holder = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreOpenError) as info:
            Store(db, read_only=True)
        assert str(info.value).startswith(f"{db}: the database is being written by another process (PID {holder.pid})")
        with pytest.raises(StoreOpenError) as info:
            Store(db)
        assert f"is in use by another process (PID {holder.pid})" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
