"""Issue 14, item 1: one article never empties the corpus view, and a failed update is loud.

An article with 40,000 distinct anchors (a list page "case 10000, case 10001, ...") overflowed
``article_anchors.rank`` (SMALLINT): the whole update failed, ``article_corpus`` and
``aggregated_events`` stayed empty for every article, the run ended ``done`` with exit 0, and every
later ``eventwire corpus update`` failed again.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.corpus import update as U
from eventwire.corpus import update_corpus
from eventwire.ids import content_id, stable_id
from eventwire.records import Article, Document, Outcome
from eventwire.store.db import Store
from tests import corpus_gen

GEN = corpus_gen.build()


def _write_gen(store: Store) -> list[str]:
    arts = [corpus_gen.to_article(g) for g in GEN]
    store.write("gen", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts])
    return [a.article_id for a in arts]


def _list_page(n: int = 40_000) -> Article:
    body = "Court list of the day.\n\n" + ", ".join(f"case {10_000 + i}" for i in range(n)) + "."
    doc_id = content_id(body.encode())
    return Article(article_id=stable_id("article", doc_id), doc_id=doc_id, title="Court list", body=body,
                   source="list.txt", language="en", published="2024-05-15")


def test_an_article_with_40000_anchors_is_capped_and_every_article_is_in_the_view(tmp_path):
    page = _list_page()
    assert len(U.anchors(page.body)) == 40_000  # the case numbers ("Court" opens a sentence only)
    with Store(tmp_path / "x.duckdb") as store:
        ids = _write_gen(store)
        store.write("list", [Outcome(Document(doc_id=page.doc_id, source="list.txt", kind="txt"), "article", page)])
        st = update_corpus(store.con)
        assert st.failed == 0 and st.failures == []
        assert st.articles == len(ids) + 1
        in_view = {r[0] for r in store.con.execute("SELECT article_id FROM article_corpus").fetchall()}
        assert in_view == set(ids) | {page.article_id}
        n, top = store.con.execute("SELECT count(*), max(rank) FROM article_anchors WHERE article_id = ?",
                                   [page.article_id]).fetchone()
        assert (n, top) == (U.MAX_ANCHORS, U.MAX_ANCHORS - 1)
        assert store.con.execute("SELECT n_anchors FROM article_corpus WHERE article_id = ?",
                                 [page.article_id]).fetchone()[0] == U.MAX_ANCHORS
        assert store.con.execute("SELECT count(*) FROM aggregated_events").fetchone()[0] > 0


def test_ranks_fit_the_stored_column():
    """The cap is below the largest value of the column's type (SMALLINT)."""
    from eventwire.store.schema import table_schemas

    typ = table_schemas()["article_anchors"].field("rank").type
    assert str(typ) == "int16" and U.MAX_ANCHORS - 1 <= 32_767


def _poison(monkeypatch, bad_ids: set[str]) -> None:
    real = U.features

    def features(row, *args, **kwargs):
        if row["article_id"] in bad_ids:
            raise ValueError("poison article")
        return real(row, *args, **kwargs)

    monkeypatch.setattr(U, "features", features)


def test_a_poison_article_is_left_out_listed_and_retried_and_the_others_are_added(tmp_path, monkeypatch):
    with Store(tmp_path / "x.duckdb") as store:
        ids = _write_gen(store)
        bad = ids[3]
        _poison(monkeypatch, {bad})
        st = update_corpus(store.con, chunk_size=500)  # one chunk holding the poison article
        assert st.failed == 1 and [f["article_id"] for f in st.failures] == [bad]
        assert "ValueError: poison article" in st.failures[0]["reason"]
        assert st.articles == len(ids) - 1
        in_view = {r[0] for r in store.con.execute("SELECT article_id FROM article_corpus").fetchall()}
        assert in_view == set(ids) - {bad}
        assert store.con.execute("SELECT count(*) FROM aggregated_events").fetchone()[0] > 0
        monkeypatch.undo()
        again = update_corpus(store.con)  # repaired: the next update adds what was left out
        assert (again.articles, again.failed) == (1, 0)
        assert store.con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == len(ids)


def test_a_partial_update_is_exit_3_and_a_later_update_repairs_it(tmp_path, monkeypatch):
    from eventwire.cli import app

    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        ids = _write_gen(store)
    _poison(monkeypatch, {ids[0], ids[5]})
    r = CliRunner().invoke(app, ["corpus", "update", "--db", str(db)])
    assert r.exit_code == 3, r.output
    assert "2 article(s) could not be added" in r.output and ids[0] in r.output
    monkeypatch.undo()
    r = CliRunner().invoke(app, ["corpus", "update", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == len(ids)


def test_update_corpus_view_records_left_out_articles_and_the_run_is_partial(tmp_path, monkeypatch):
    from eventwire.runbase import corpus_incomplete, update_corpus_view

    with Store(tmp_path / "x.duckdb") as store:
        ids = _write_gen(store)
        _poison(monkeypatch, {ids[2]})
        c = update_corpus_view(store, "r1")
        assert corpus_incomplete(c) and c["failed"] == 1
        rows = store.con.execute("SELECT member, stage, severity, reason FROM errors WHERE stage = 'corpus'").fetchall()
        assert rows == [(ids[2], "corpus", "error", "article not added to the corpus view: ValueError: poison article")]
        import eventwire.corpus as C

        def broken(con):
            raise RuntimeError("broken")

        monkeypatch.setattr(C, "update_corpus", broken)
        assert update_corpus_view(store, "r2") is None and corpus_incomplete(None)
        assert store.con.execute("SELECT count(*) FROM errors WHERE reason = 'corpus update failed: RuntimeError'"
                                 ).fetchone()[0] == 1


@pytest.mark.parametrize("workers", [1])
def test_a_run_whose_corpus_update_fails_ends_partial_with_exit_3(tmp_path, monkeypatch, workers):
    from eventwire.cli import app

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Ministers meet in Oslo\n\nMay 14, 2024\n\nThe foreign ministers of Norway and "
                               "Colombia met in Oslo on Tuesday, officials said.\n", encoding="utf-8")
    _poison_all = lambda row, with_signatures=True: (_ for _ in ()).throw(ValueError("poison article"))  # noqa: E731
    monkeypatch.setattr(U, "features", _poison_all)
    db = tmp_path / "x.duckdb"
    r = CliRunner().invoke(app, ["run", str(src), "--db", str(db), "-q", "--workers", str(workers)])
    assert r.exit_code == 3, r.output
    assert "corpus view" in r.output and "left 1 article(s) out" in r.output
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("partial",)]
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    monkeypatch.undo()
    r = CliRunner().invoke(app, ["corpus", "update", "--db", str(db)])
    assert r.exit_code == 0, r.output
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM article_corpus").fetchone()[0] == 1
