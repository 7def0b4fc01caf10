"""The store: schema version, idempotent re-runs, resume after an interruption, JSONL output."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from eventwire.runner import RunConfig, run
from eventwire.store.db import SchemaTooNew, Store
from eventwire.store.schema import SCHEMA_VERSION
from tests.conftest import EXAMPLES

TABLES = ["documents", "articles", "sentences", "entities", "places", "times", "quotes", "amounts", "events", "errors"]


def _counts(db):
    con = duckdb.connect(str(db), read_only=True)
    c = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    con.close()
    return c


def test_new_database_has_schema_version(tmp_path):
    with Store(tmp_path / "x.duckdb") as s:
        assert s.schema_version() == SCHEMA_VERSION
        for t in TABLES + ["runs", "meta"]:
            assert s.count(t) >= 0


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "x.duckdb"
    with Store(db) as s:
        s.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNew, match="schema version 999"):
        Store(db)


def test_second_run_adds_nothing(tmp_path):
    db = tmp_path / "x.duckdb"
    s1, _ = run([str(EXAMPLES)], RunConfig(db=str(db)))
    first = _counts(db)
    assert first["articles"] == 14 and first["entities"] > 100 and first["sentences"] > 80
    s2, _ = run([str(EXAMPLES)], RunConfig(db=str(db)))
    assert _counts(db) == first
    assert s2.already_done == 14 and s2.processed == 0 and s2.articles == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT status) FROM runs").fetchone() == (2, 1)
    con.close()


def test_interrupted_run_keeps_batches_and_resumes(tmp_path):
    db = tmp_path / "x.duckdb"
    calls = []

    def interrupt(stats):
        calls.append(stats.processed)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run([str(EXAMPLES)], RunConfig(db=str(db), batch_size=3), on_progress=interrupt)
    partial = _counts(db)
    assert partial["articles"] == 6  # two committed batches of 3
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    con.close()
    stats, status = run([str(EXAMPLES)], RunConfig(db=str(db), batch_size=3))
    assert status == "done" and stats.already_done == 6 and stats.articles == 14 - 6
    fresh = tmp_path / "fresh.duckdb"
    run([str(EXAMPLES)], RunConfig(db=str(fresh)))
    assert _counts(db) == _counts(fresh)


def test_reprocess_replaces_rows(tmp_path):
    db = tmp_path / "x.duckdb"
    run([str(EXAMPLES / "txt")], RunConfig(db=str(db)))
    before = _counts(db)
    stats, _ = run([str(EXAMPLES / "txt")], RunConfig(db=str(db), reprocess=True))
    assert stats.processed == 4
    assert _counts(db) == before


def test_same_content_in_two_files_is_one_document(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(EXAMPLES / "txt" / "santiago-protests.txt", d / "a.txt")
    shutil.copy(EXAMPLES / "txt" / "santiago-protests.txt", d / "b.txt")
    stats, _ = run([str(d)], RunConfig(db=str(tmp_path / "x.duckdb")))
    assert stats.articles == 1 and stats.already_done == 1


def test_jsonl_output_has_article_and_annotations(tmp_path):
    out = tmp_path / "out.jsonl"
    run([str(EXAMPLES / "txt" / "santiago-protests.txt")], RunConfig(db=str(tmp_path / "x.duckdb"), jsonl=str(out)))
    (line,) = out.read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    assert rec["title"] == "Thousands of students march in Santiago over university fees"
    assert rec["published"] == "2024-04-05T18:05"
    for key in ("entities", "sentences", "places", "times", "quotes", "amounts", "events"):
        assert isinstance(rec[key], list)
    ents = {(e["text"], e["label"]) for e in rec["entities"]}
    assert ("Chile", "GPE") in ents and ("the Confederation of Chilean Students", "ORG") in ents
    for e in rec["entities"]:
        assert rec["body"][e["start"]:e["end"]] == e["text"]


def test_entity_offsets_point_into_body(tmp_path):
    db = tmp_path / "x.duckdb"
    run([str(EXAMPLES)], RunConfig(db=str(db)))
    con = duckdb.connect(str(db), read_only=True)
    bad = con.execute("""SELECT count(*) FROM entities e JOIN articles a USING (article_id)
                         WHERE substr(a.body, e.char_start + 1, e.char_end - e.char_start) <> e.text""").fetchone()[0]
    n = con.execute("SELECT count(*) FROM entities").fetchone()[0]
    con.close()
    assert n > 100 and bad == 0
