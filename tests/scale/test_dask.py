"""The Dask runner (``eventwire run --cluster dask``): same records as a local run, resume by shard,
failures that lose nothing. Runs on a LocalCluster of 2 one-thread worker processes (CI has 2 cores)."""
from __future__ import annotations

import json
import os
import signal
import time

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.runner import RunConfig, run
from eventwire.scale import parts as P
from eventwire.scale.dask_runner import parse_cluster, process_shard, run_dask
from eventwire.scale.shards import iter_shards
from tests.conftest import EXAMPLES

TABLES = ["documents", "articles", "sentences", "entities", "places", "times", "quotes", "amounts", "events", "errors"]
#: Columns that differ between two runs by nature (which run, when).
VOLATILE = {"run_id", "processed_at", "recorded_at"}


def table_rows(db) -> dict[str, list[tuple]]:
    """Every table's rows without run ids and timestamps, sorted (order of insertion does not matter)."""
    con = duckdb.connect(str(db), read_only=True)
    out = {}
    for t in TABLES:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [t]).fetchall() if r[0] not in VOLATILE]
        col_sql = ", ".join(f'"{c}"' for c in cols)
        out[t] = con.execute(f'SELECT {col_sql} FROM "{t}" ORDER BY ALL').fetchall()
    con.close()
    return out


def shard_rows(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT shard_id, status, documents FROM shards ORDER BY shard_id").fetchall()
    con.close()
    return rows


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The reference: a local (one-process) run over examples/, with --jsonl."""
    d = tmp_path_factory.mktemp("local")
    stats, status = run([str(EXAMPLES)], RunConfig(db=str(d / "local.duckdb"), jsonl=str(d / "local.jsonl")))
    assert status == "done" and stats.articles == N_ARTICLES
    return d / "local.duckdb", d / "local.jsonl"


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    from eventwire.scale.dask_runner import local_cluster_options

    cluster = LocalCluster(**local_cluster_options(2))
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


#: examples/: 14 articles from 15 documents (README.md is skipped); in shards of 3 files
N_ARTICLES, N_DOCUMENTS = 14, 15
N_SHARDS = len(list(iter_shards([str(EXAMPLES)], max_files=3)))


def _config(tmp_path, **kw) -> RunConfig:
    base = dict(db=str(tmp_path / "dask.duckdb"), cluster="dask", workers=2, shard_files=3)
    base.update(kw)
    return RunConfig(**base)


def test_parse_cluster():
    assert parse_cluster("dask") is None
    assert parse_cluster("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert parse_cluster("dask://tls://sched:8786") == "tls://sched:8786"
    assert parse_cluster("dask:///shared/scheduler.json") == "/shared/scheduler.json"
    for bad in ("spark://x", "dask://", "daskx"):
        with pytest.raises(ValueError):
            parse_cluster(bad)


def test_cli_rejects_bad_cluster_options(tmp_path):
    r = CliRunner()
    db = str(tmp_path / "x.duckdb")
    assert r.invoke(app, ["run", str(EXAMPLES), "--db", db, "--cluster", "spark://x:7077"]).exit_code == 2
    assert r.invoke(app, ["run", str(EXAMPLES), "--db", db, "--keep-parts"]).exit_code == 2
    assert r.invoke(app, ["run", str(EXAMPLES), "--db", db, "--shard-files", "8"]).exit_code == 2
    assert not (tmp_path / "x.duckdb").exists()


def test_shards_follow_reading_order_and_are_stable(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_text("x" * 10)
    (d / "big.jsonl").write_text("y" * 500)
    (d / "sub" / "z.txt").write_text("z")
    shards = list(iter_shards([str(d)], max_files=2, max_bytes=100))
    names = [[os.path.basename(p) for p in s.paths] for s in shards]
    # directory files first (sorted), then subdirectories; a file over max_bytes is a shard of its own
    assert names == [["a.txt", "b.txt"], ["big.jsonl"], ["c.txt", "z.txt"]]
    assert [s.index for s in shards] == [0, 1, 2]
    assert [s.size_bytes for s in shards] == [20, 500, 11]
    again = list(iter_shards([str(d)], max_files=2, max_bytes=100))
    assert [s.shard_id for s in again] == [s.shard_id for s in shards]
    (d / "b.txt").write_text("changed!!!!")
    changed = list(iter_shards([str(d)], max_files=2, max_bytes=100))
    assert changed[0].shard_id != shards[0].shard_id and changed[1:] == shards[1:]
    with pytest.raises(ValueError):
        list(iter_shards([str(d)], max_files=0))


def test_big_jsonl_files_are_cut_into_line_ranges_read_like_the_whole_file(tmp_path):
    from eventwire.ingest import iter_documents

    lines = [json.dumps({"text": f"Article {i}: the minister met the envoy in Paris. " * (i % 5 + 1), "url": f"https://x/{i}"})
             for i in range(40)]
    lines[7] = ""                      # a blank line
    lines[12] = "{not json"            # a bad line: a Problem naming line 13
    lines[20] = lines[3]               # a duplicate
    f = tmp_path / "dump.jsonl"
    f.write_text("\n".join(lines), encoding="utf-8")  # no newline at the end
    shards = list(iter_shards([str(f)], max_bytes=500))
    assert len(shards) > 5 and all(s.paths == (str(f),) and s.line_range for s in shards)
    assert shards[0].line_range[0] == 0 and shards[-1].line_range[1] == f.stat().st_size
    assert all(a.line_range[1] == b.line_range[0] for a, b in zip(shards, shards[1:]))

    def key(x):
        return (type(x).__name__, x.doc_id, x.member, getattr(x, "reason", None), getattr(x, "text", None))

    whole = [key(x) for x in iter_documents([str(f)])]
    pieces = [key(x) for s in shards for x in s.read(20_000_000)]
    assert pieces == whole and len(whole) == 40  # the blank line is recorded too
    assert ("Problem", None, "line 13", "invalid JSON", None) in [(k[0], None, k[2], k[3], None) for k in whole]
    assert len({s.shard_id for s in shards}) == len(shards)


def test_cli_dask_run_stores_the_same_records_as_a_local_run(tmp_path, local_run):
    local_db, local_jsonl = local_run
    db, out = tmp_path / "dask.duckdb", tmp_path / "dask.jsonl"
    res = CliRunner().invoke(app, ["run", str(EXAMPLES), "--db", str(db), "--jsonl", str(out), "--cluster", "dask",
                                   "--workers", "2", "--shard-files", "3", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["articles"] == N_ARTICLES and summary["documents"] == N_DOCUMENTS and summary["skipped"] == 1
    assert summary["shards"] == N_SHARDS == 4 and summary["shards_failed"] == 0
    assert len(summary["workers_info"]) == 2
    assert all(w["peak_rss_mb"] > 100 for w in summary["workers_info"].values())
    assert summary["stages"]["spacy"] > 0 and summary["stages"]["merge"] > 0
    local, dask = table_rows(local_db), table_rows(db)
    for t in TABLES:
        assert dask[t] == local[t], t
    assert len(local["entities"]) > 100 and len(local["errors"]) >= 1
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(local_jsonl.read_text(encoding="utf-8").splitlines())
    assert [r[1] for r in shard_rows(db)] == ["done"] * N_SHARDS
    assert not (tmp_path / "dask.duckdb.parts").exists()  # merged parts are removed


def test_rerun_skips_done_shards_and_adds_nothing(tmp_path, client, local_run):
    stats, status = run_dask([str(EXAMPLES)], _config(tmp_path), client=client)
    assert status == "done" and stats.shards == N_SHARDS and stats.articles == N_ARTICLES
    first = table_rows(tmp_path / "dask.duckdb")
    stats2, status2 = run_dask([str(EXAMPLES)], _config(tmp_path), client=client)
    assert status2 == "done" and stats2.shards == 0 and stats2.shards_skipped == N_SHARDS
    assert stats2.documents == N_DOCUMENTS and stats2.already_done == N_DOCUMENTS and stats2.articles == 0
    assert table_rows(tmp_path / "dask.duckdb") == first == table_rows(local_run[0])


def test_jsonl_cut_into_ranges_gives_the_same_records(tmp_path, client, local_run):
    stats, status = run_dask([str(EXAMPLES)], _config(tmp_path, shard_bytes=600), client=client)
    ranges = [s for s in iter_shards([str(EXAMPLES)], max_files=3, max_bytes=600) if s.line_range]
    assert status == "done" and len(ranges) >= 3 and stats.articles == N_ARTICLES
    assert table_rows(tmp_path / "dask.duckdb") == table_rows(local_run[0])


def test_failed_shard_is_recorded_and_a_rerun_finishes_only_it(tmp_path, client, local_run):
    parts_dir = tmp_path / "parts"
    parts_dir.mkdir()
    shards = list(iter_shards([str(EXAMPLES)], max_files=3))
    blocker = parts_dir / shards[1].shard_id
    blocker.write_text("a file where the part directory should go")  # the task cannot publish its part
    cfg = _config(tmp_path, parts=str(parts_dir))
    stats, status = run_dask([str(EXAMPLES)], cfg, client=client)
    assert status == "partial" and stats.shards == N_SHARDS - 1 and stats.shards_failed == 1
    rows = dict((r[0], r[1]) for r in shard_rows(tmp_path / "dask.duckdb"))
    assert rows[shards[1].shard_id] == "failed" and list(rows.values()).count("done") == N_SHARDS - 1
    con = duckdb.connect(str(tmp_path / "dask.duckdb"), read_only=True)
    err = con.execute("SELECT stage, severity, reason, detail FROM errors WHERE stage = 'run'").fetchall()
    con.close()
    assert len(err) == 1 and err[0][1] == "error" and err[0][2].startswith("shard failed")
    assert shards[1].paths[0] in err[0][3]
    blocker.unlink()
    stats2, status2 = run_dask([str(EXAMPLES)], cfg, client=client)
    assert status2 == "done" and stats2.shards == 1 and stats2.shards_skipped == N_SHARDS - 1
    con = duckdb.connect(str(local_run[0]), read_only=True)
    expected = con.execute("SELECT count(*) FROM documents WHERE status = 'article' AND source IN (SELECT unnest(?))",
                           [list(shards[1].paths)]).fetchone()[0]
    con.close()
    assert expected >= 2 and stats2.articles == expected
    after = table_rows(tmp_path / "dask.duckdb")
    local = table_rows(local_run[0])
    assert after["errors"] != local["errors"]  # the failure stays on record ...
    for t in TABLES[:-1]:
        assert after[t] == local[t], t  # ... and every record is there, once
    assert [r for r in after["errors"] if r[4] != "run"] == local["errors"]


def test_interrupted_run_keeps_merged_shards_and_reuses_complete_parts(tmp_path, client, local_run):
    parts_dir = tmp_path / "parts"
    shards = list(iter_shards([str(EXAMPLES)], max_files=3))
    cfg = _config(tmp_path, parts=str(parts_dir))

    def interrupt(stats):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_dask([str(EXAMPLES)], cfg, client=client, on_progress=interrupt)
    con = duckdb.connect(str(tmp_path / "dask.duckdb"), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    assert con.execute("SELECT count(*) FROM shards WHERE status = 'done'").fetchone()[0] == 1
    con.close()
    # a part a worker finished but nobody merged (the client died): the rerun merges it as it is
    last = shards[-1]
    if not (parts_dir / last.shard_id / P.SUCCESS).exists():
        process_shard(last, "earlier-run", str(parts_dir), cfg.max_bytes, cfg.batch_size)
    stats, status = run_dask([str(EXAMPLES)], cfg, client=client)
    assert status == "done" and stats.shards_skipped == 1 and stats.shards == N_SHARDS - 1 and stats.shards_reused >= 1
    assert table_rows(tmp_path / "dask.duckdb") == table_rows(local_run[0])
    con = duckdb.connect(str(tmp_path / "dask.duckdb"), read_only=True)
    assert con.execute("SELECT count(DISTINCT run_id) FROM documents").fetchone()[0] == 2  # reused rows get this run's id
    assert con.execute("SELECT count(*) FROM documents WHERE run_id = 'earlier-run'").fetchone()[0] == 0
    con.close()


def test_killed_worker_loses_no_committed_results(tmp_path, client, local_run):
    pids_before = client.run(os.getpid)
    killed = []

    def kill_one(stats):
        if not killed:  # after the first merge, kill a worker process (as the OOM killer would)
            addr, pid = sorted(pids_before.items())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    stats, status = run_dask([str(EXAMPLES)], _config(tmp_path, shard_files=1), client=client, on_progress=kill_one)
    n_files = len(list(iter_shards([str(EXAMPLES)], max_files=1)))  # one shard per file
    assert killed and status == "done" and stats.shards == n_files == 10 and stats.shards_failed == 0
    assert table_rows(tmp_path / "dask.duckdb") == table_rows(local_run[0])
    deadline = time.time() + 60
    while time.time() < deadline and len(client.scheduler_info()["workers"]) < 2:
        time.sleep(0.5)  # the nanny restarts the killed worker
    pids_after = client.run(os.getpid)
    assert killed[0] not in pids_after.values() and len(pids_after) == 2
