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
    # the articles are kept, but the run says it is partial (issue 14: it used to end 'done')
    assert status == "partial" and stats.articles == len(GEN) and stats.corpus is None
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT stage, severity, reason FROM errors WHERE stage = 'corpus'").fetchall() == [
        ("corpus", "error", "corpus update failed: RuntimeError")]
    assert con.execute("SELECT status FROM runs").fetchall() == [("partial",)]
    con.close()


@pytest.mark.shared
def test_seed_and_a_republished_copy_are_one_story_and_events_count_once(seed_path, tmp_path):
    """The seed and another site's copy of it (its own date line, header and footer): one story, one
    copy, and every aggregated event reported once (num_articles 1) by two articles (num_copies 2)."""
    text = seed_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    d = tmp_path / "in"
    d.mkdir()
    (d / "seed.txt").write_text(text, encoding="utf-8")
    copy = ["August 2, 2024", ""] + lines[2:8] + ["This report was translated and republished by our partners.", ""] \
        + lines[8:] + ["", "Follow us on Telegram for more news"]
    (d / "copy.txt").write_text("\n".join(copy) + "\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db)))
    assert status == "done" and stats.articles == 2
    assert stats.corpus["duplicates"] == 1 and stats.corpus["new_stories"] == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), min(n_articles), min(n_unique) FROM stories").fetchone() == (1, 2, 1)
    n_events = con.execute("SELECT count(*) FROM events GROUP BY article_id ORDER BY 1").fetchall()
    agg = con.execute("SELECT num_articles, num_copies, num_sources FROM aggregated_events").fetchall()
    # the same text gives the same events in both copies; aggregated, each is one report seen twice
    assert len({n for n, in n_events}) <= 1
    assert all(r == (1, 2, 1) for r in agg), agg
    keys_one_article = con.execute("""SELECT count(DISTINCT agg_event_id) FROM event_mentions
        WHERE article_id = (SELECT min(article_id) FROM event_mentions)""").fetchone()[0]
    assert len(agg) == keys_one_article
    con.close()
