"""Reported cases (../shared/data/cases/, see its README): each failure found when eventwire was tried as
a user would, as a regression test. The inputs are read from ../shared, never copied.

Item numbers refer to issue 13 ("dates, titles, places and text a researcher can trust")."""
from __future__ import annotations

import io
import json

import pytest

from eventwire.corpus import update_corpus
from eventwire.ids import content_id
from eventwire.records import Document
from eventwire.store.db import Store
from eventwire.store.export import GDELT_COLUMNS, export
from tests.conftest import shared_path

pytestmark = pytest.mark.shared


def knowledge_case(case_id: str) -> dict:
    """One record of ``cases/events_and_knowledge.jsonl`` by its ``id``."""
    path = shared_path("data", "cases", "events_and_knowledge.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == case_id:
            return rec
    raise AssertionError(f"case {case_id!r} not in {path}")


def text_document(rec: dict) -> Document:
    """A JSONL-style document (text + hints) for a case record, as the JSONL reader makes one."""
    hints = {"published": rec["published"]} if rec.get("published") else {}
    return Document(doc_id=content_id(rec["text"].encode("utf-8")), source=f"case:{rec['id']}", kind="jsonl",
                    member="line 1", text=rec["text"], hints=hints)


def run_cases(recs: list[dict], nlp, tmp_path):
    """The cases through the pipeline into a fresh database with its corpus view; returns the path
    and the outcomes."""
    from eventwire.pipeline import process_batch

    outs = process_batch([text_document(r) for r in recs], nlp)
    path = tmp_path / "cases.duckdb"
    with Store(path) as store:
        store.write("cases", outs)
        update_corpus(store.con)
    return path, outs


# -- item 1: no invented dates --------------------------------------------------------------------

def test_no_date_anywhere_stays_undated_in_every_table_and_export(nlp, tmp_path):
    """'no-date-anywhere': PER -> CHL meeting; published empty and the event's date empty, never the
    day the run happened, in the database and in every export."""
    import duckdb

    rec = knowledge_case("no-date-anywhere")
    path, outs = run_cases([rec], nlp, tmp_path)
    art = outs[0].article
    assert art is not None and art.published is None
    meetings = [e for e in art.events if (e.cameo_code or "").startswith("04")]
    assert meetings and all(e.date is None for e in art.events)
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM events WHERE date IS NOT NULL").fetchone()[0] == 0
        assert con.execute("SELECT DISTINCT date, date_basis FROM aggregated_events").fetchall() == [(None, "none")]
        assert con.execute("SELECT DISTINCT date, date_basis FROM event_mentions").fetchall() == [(None, "none")]
        buf = io.StringIO()
        export(con, "gdelt", buf, all_modalities=True)
        rows = [dict(zip(GDELT_COLUMNS, line.split("\t"))) for line in buf.getvalue().splitlines()]
        assert rows and all(r["Day"] == r["MonthYear"] == r["Year"] == r["FractionDate"] == "" for r in rows)
        buf = io.StringIO()
        export(con, "plover", buf, all_modalities=True)
        recs = [json.loads(line) for line in buf.getvalue().splitlines()]
        assert recs and all(r["date"] is None and r["date_basis"] == "none" for r in recs)
    finally:
        con.close()
