"""The knowledge layer end to end: `eventwire run` stores places, times, quotes and amounts, and the
event context annotator fills events that an event coder produced."""
from __future__ import annotations

import json

import duckdb

from eventwire.nlp.annotators import annotator, annotators, unregister
from eventwire.records import Event
from eventwire.runner import RunConfig, run
from tests.conftest import EXAMPLES


def test_run_stores_knowledge_tables(tmp_path):
    db = tmp_path / "x.duckdb"
    out = tmp_path / "out.jsonl"
    run([str(EXAMPLES / "txt")], RunConfig(db=str(db), jsonl=str(out)))
    con = duckdb.connect(str(db), read_only=True)
    n = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("places", "times", "quotes", "amounts")}
    assert all(v > 0 for v in n.values()), n
    # offsets point into the body, in every table
    for t in ("places", "times", "quotes", "amounts"):
        bad = con.execute(f"""SELECT count(*) FROM {t} x JOIN articles a USING (article_id)
                              WHERE substr(a.body, x.char_start + 1, x.char_end - x.char_start) <> x.text""").fetchone()[0]
        assert bad == 0, t
    nairobi = con.execute("SELECT geonameid, country, role FROM places WHERE text = 'Nairobi' ORDER BY char_start").fetchall()
    assert nairobi[0][:2] == (184745, "KEN")
    assert ("event_location",) in {(r[2],) for r in nairobi}
    tue = con.execute("SELECT value, granularity, anchor FROM times WHERE text = 'Tuesday'").fetchall()
    assert ("2025-03-11", "day", "2025-03-12") in tue
    q = con.execute("SELECT speaker_text, cue, rule FROM quotes WHERE text LIKE 'Both sides have agreed%'").fetchone()
    assert q[0] == "the Kenyan foreign minister" and q[1] == "told" and q[2].startswith("direct")
    amt = con.execute("SELECT value, counted, approximate FROM amounts WHERE text LIKE '%40,000 people%'").fetchone()
    assert amt == (40000.0, "people", True)
    con.close()
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(q["rule"] for r in recs for q in r["quotes"])


def test_events_in_the_database_carry_location_and_date(tmp_path):
    """A stand-in coder makes one event per sentence with "met"; the context annotator fills it."""
    annotators()  # the built-ins first: the stand-in, registered after them, runs after the event coder

    @annotator("test_fake_coder", assigns=("events",))
    def fake_coder(article, doc):
        for s in article.sentences:
            i = article.body.find(" met ", s.start, s.end)
            if i >= 0:
                article.events.append(Event(s.idx, s.start, s.end, "met", i + 1, i + 4, coder="test"))

    try:
        assert [n for n, _ in annotators()][-3:] == ["events", "test_fake_coder", "event_context"]
        db = tmp_path / "x.duckdb"
        run([str(EXAMPLES / "txt" / "nairobi-ceasefire-talks.txt")], RunConfig(db=str(db)))
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("SELECT location_text, location_geonameid, location_country, date, date_granularity, modality "
                           "FROM events").fetchall()
        con.close()
    finally:
        unregister("test_fake_coder")
    # "Envoys from Ethiopia and Eritrea met in Nairobi on Tuesday ..."
    assert ("Nairobi", 184745, "KEN", "2025-03-11", "day", "asserted") in rows
