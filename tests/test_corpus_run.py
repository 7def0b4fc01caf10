"""``eventwire run`` on a folder of duplicated and translated copies: the corpus view is updated at the
end of every run, incrementally, and a failing corpus update never loses the run."""
from __future__ import annotations

import shutil
from collections import defaultdict

import duckdb
import pytest

from eventwire.runner import RunConfig, run
from tests import corpus_gen

GEN = corpus_gen.build()


def state(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""
        SELECT a.url, c.is_duplicate, d.url, c.duplicate_kind, c.story_id
        FROM article_corpus c JOIN articles a USING (article_id) LEFT JOIN articles d ON d.article_id = c.duplicate_of
        """).fetchall()
    stories = defaultdict(set)
    for url, _, _, _, sid in rows:
        stories[sid].add(url.rsplit("/", 1)[1])
    out = {"articles": {url.rsplit("/", 1)[1]: (dup, of.rsplit("/", 1)[1] if of else None, kind)
                        for url, dup, of, kind, _ in rows},
           "stories": {frozenset(s) for s in stories.values()},
           "n_stories": con.execute("SELECT count(*) FROM stories").fetchone()[0]}
    con.close()
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen")
    corpus_gen.write_jsonl(d)
    return d


def expected_stories():
    by = defaultdict(set)
    for g in GEN:
        by[g.story].add(g.name)
    return {frozenset(v) for v in by.values()}


def test_run_stores_one_story_per_happening_with_copies_marked(folder, tmp_path):
    db = tmp_path / "x.duckdb"
    stats, status = run([str(folder)], RunConfig(db=str(db)))
    assert status == "done" and stats.articles == len(GEN)
    assert stats.corpus["articles"] == len(GEN) and stats.corpus["duplicates"] == sum(1 for g in GEN if g.copy_of)
    s = state(db)
    assert s["stories"] == expected_stories() and s["n_stories"] == 6
    kinds = {"near": "near", "cut": "near", "exact": "exact", "translation": "translation"}
    for g in GEN:
        assert s["articles"][g.name] == ((True, g.copy_of, kinds[g.kind]) if g.copy_of else (False, None, None)), g.name


def test_a_second_run_adds_to_the_same_database(folder, tmp_path):
    """Half the outlets first, the rest in a later run: the same corpus view as one run."""
    files = sorted(folder.glob("*.jsonl"))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, f in enumerate(files):
        shutil.copy(f, (first if i % 2 else second) / f.name)
    db = tmp_path / "x.duckdb"
    s1, _ = run([str(first)], RunConfig(db=str(db)))
    s2, _ = run([str(second)], RunConfig(db=str(db)))
    assert s1.corpus["articles"] + s2.corpus["articles"] == len(GEN) and s2.corpus["articles"] == s2.articles
    assert state(db)["stories"] == expected_stories()
    s3, _ = run([str(folder)], RunConfig(db=str(db)))  # everything already stored
    assert s3.already_done == len(GEN) and s3.corpus["articles"] == 0


def test_no_corpus_then_corpus_update(folder, tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    db = tmp_path / "x.duckdb"
    stats, _ = run([str(folder)], RunConfig(db=str(db), corpus=False))
    assert stats.corpus is None
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == 0
    con.close()
    res = CliRunner().invoke(app, ["corpus", "update", "--db", str(db)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "articles added" in res.output
    assert state(db)["stories"] == expected_stories()


def test_a_failing_corpus_update_is_recorded_and_the_run_kept(folder, tmp_path, monkeypatch):
    import eventwire.corpus

    def boom(con, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(eventwire.corpus, "update_corpus", boom)
    db = tmp_path / "x.duckdb"
    stats, status = run([str(folder)], RunConfig(db=str(db)))
    assert status == "done" and stats.articles == len(GEN) and stats.corpus is None
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT stage, severity, reason FROM errors WHERE stage = 'corpus'").fetchall() == [
        ("corpus", "error", "corpus update failed: RuntimeError")]
    con.close()
