"""Exports re-read: GDELT 2.0 (61 tab-separated columns and their types), PLOVER JSON (the manual's
fields), Parquet and CSV (read back with DuckDB), JSON Lines; safe filters; the command line."""
from __future__ import annotations

import json
import re

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.corpus import update_corpus
from eventwire.records import Document, Outcome
from eventwire.store import plover
from eventwire.store.db import Store
from eventwire.store.export import (GDELT_BLANK, GDELT_COLUMNS, ExportError, Filter, actor_parts, build_query,
                                    export, parse_where, table_columns)
from tests import corpus_gen
from tests.store.conftest import run

GEN = corpus_gen.build()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "x.duckdb"
    with Store(path) as store:
        arts = [corpus_gen.to_article(g) for g in GEN]
        store.write("gen", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts])
        update_corpus(store.con)
    return path


def happened(con) -> int:
    return con.execute("SELECT count(*) FROM aggregated_events WHERE modality IN ('asserted', 'historical')").fetchone()[0]


# -- GDELT ----------------------------------------------------------------------------------------

INT_COLS = {"GlobalEventID", "Day", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions", "NumSources",
            "NumArticles", "ActionGeo_Type", "ActionGeo_FeatureID", "DATEADDED"}
FLOAT_COLS = {"FractionDate", "GoldsteinScale", "ActionGeo_Lat", "ActionGeo_Long"}


def test_gdelt_has_61_typed_columns(con):
    lines = run(con, "gdelt").splitlines()
    assert len(GDELT_COLUMNS) == 61 and len(lines) == happened(con) == 16
    for line in lines:
        fields = line.split("\t")
        assert len(fields) == 61
        row = dict(zip(GDELT_COLUMNS, fields))
        for c in INT_COLS:
            assert row[c] == "" or re.fullmatch(r"-?\d+", row[c]), (c, row[c])
        for c in FLOAT_COLS:
            if row[c]:
                float(row[c])
        for c in GDELT_BLANK:
            assert row[c] == "", c
        assert len(row["Day"]) == 8 and row["Day"].startswith("2024") and row["MonthYear"] == row["Day"][:6]
        assert row["IsRootEvent"] in ("0", "1") and 1 <= int(row["QuadClass"]) <= 4
        assert row["EventRootCode"] == row["EventCode"][:2] and row["EventBaseCode"] == row["EventCode"][:3]
        assert int(row["NumArticles"]) <= int(row["NumMentions"]) and len(row["DATEADDED"]) == 14
        assert row["SOURCEURL"].startswith("https://")


def test_gdelt_reads_back_with_duckdb_and_carries_the_values(con, tmp_path):
    out = tmp_path / "events.CSV"
    export(con, "gdelt", out)
    types = {c: "BIGINT" if c in INT_COLS else "DOUBLE" if c in FLOAT_COLS else "VARCHAR" for c in GDELT_COLUMNS}
    cols = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
    rows = duckdb.sql(f"SELECT * FROM read_csv('{out}', delim='\\t', header=false, quote='', columns={cols})").fetchall()
    assert len(rows) == 16
    oslo = [dict(zip(GDELT_COLUMNS, r)) for r in rows if r[GDELT_COLUMNS.index("ActionGeo_FullName")] == "Oslo"
            and r[GDELT_COLUMNS.index("EventCode")] == "040"][0]
    assert oslo["Day"] == 20240514 and oslo["Actor1Code"] == "COLGOV" and oslo["Actor1Name"] == "COLOMBIA"
    assert oslo["Actor1CountryCode"] == "COL" and oslo["Actor1Type1Code"] == "GOV"
    assert oslo["Actor2Code"] == "COLREB" and oslo["Actor2Type1Code"] == "REB"
    assert (oslo["NumMentions"], oslo["NumSources"], oslo["NumArticles"]) == (2, 2, 2)
    assert oslo["ActionGeo_CountryCode"] == "NO"  # FIPS 10-4 for Norway
    assert oslo["ActionGeo_Type"] == 4 and oslo["ActionGeo_FeatureID"] == 3143244
    assert abs(oslo["ActionGeo_Lat"] - 59.91273) < 1e-6 and oslo["IsRootEvent"] == 1
    assert oslo["SOURCEURL"] == "https://andeanwire.example/news/a-original"


def test_gdelt_leaves_out_plans_and_denials_unless_asked(con):
    assert len(run(con, "gdelt").splitlines()) == 16
    assert len(run(con, "gdelt", all_modalities=True).splitlines()) == 22
    assert len(run(con, "gdelt", where=["modality=future"]).splitlines()) == 4


def test_actor_parts():
    assert actor_parts("USAGOVMIL", "USA") == ("", ["GOV", "MIL"])
    assert actor_parts("IGOUNO", None) == ("UNO", ["IGO"])
    assert actor_parts("AFGTAL", "AFG") == ("TAL", [])
    assert actor_parts(None, None) == ("", [])


# -- PLOVER ---------------------------------------------------------------------------------------

# PLOVER manual chapter 6: table 6.1 (event record), 6.2 (entity), 6.3 (text), 6.5 (citation), 6.6 (location).
# The PDF draws underscores as rules; the field names are has_event, event_loc, ... as in the PLOVER repository.
PLOVER_FIELDS = {"id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event", "event_loc",
                 "event_text", "quad_code", "event_scale", "mode", "context", "link", "text", "text_info",
                 "cite_info", "coder", "coded_date", "coded_time", "comment"}
PLOVER_REQUIRED = {"id", "date", "actor", "event"}
ENTITY_FIELDS = {"code", "sector", "entity_text", "identifier_id", "identifier_text", "religion", "ethnicity",
                 "office", "gender", "age"}
TEXT_INFO = {"sequence", "start", "end", "text_story"}
CITE_INFO = {"corpus", "citation", "url", "title", "language", "publication", "license", "copyright", "coder",
             "codebook", "version"}
LOCATION = {"extracted_place", "resolved_place", "geonameid", "lat", "lon", "city", "district", "province",
            "country", "country_code", "feature_class", "feature_code", "resolution"}
OUR_EXTRAS = {"cameo_code", "goldstein", "modality", "num_mentions", "num_sources", "num_articles", "num_copies",
              "confidence", "story_ids", "first_seen", "last_seen", "date_basis"}
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def test_plover_records_have_the_manual_fields(con):
    recs = [json.loads(line) for line in run(con, "plover").splitlines()]
    assert len(recs) == 16 and len({r["id"] for r in recs}) == 16
    for r in recs:
        assert plover.validate(r, dates="eventwire") == [], plover.validate(r, dates="eventwire")
        assert PLOVER_REQUIRED <= set(r) and set(r) <= PLOVER_FIELDS | OUR_EXTRAS, set(r) - PLOVER_FIELDS - OUR_EXTRAS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]) and r["has_event"] is True
        assert isinstance(r["actor"], list) and r["actor"] and isinstance(r["event"], list)
        assert set(r["event"]) <= PLOVER_TYPES and r["quad_code"] in (1, 2, 3, 4)
        for ent in r["actor"] + r.get("recipient", []):
            assert set(ent) <= ENTITY_FIELDS | {"actor_code"} and len(ent["code"]) == 3
            assert len(ent.get("sector", "GOV")) in (3, 6)
        assert set(r.get("text_info", {})) <= TEXT_INFO and set(r["cite_info"]) <= CITE_INFO
        assert set(r.get("event_loc", {})) <= LOCATION
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["coded_date"])
        assert r["modality"] in ("asserted", "historical")
    oslo = [r for r in recs if r.get("event_loc", {}).get("extracted_place") == "Oslo" and r["cameo_code"] == "040"][0]
    # "Colombia" names the country, not its government (COLGOV): no identifier for this entity
    assert oslo["actor"][0] == {"code": "COL", "sector": "GOV", "entity_text": "Colombia", "actor_code": "COLGOV"}
    assert oslo["recipient"][0]["sector"] == "REB" and oslo["event"] == ["CONSULT"]
    assert oslo["event_loc"]["geonameid"] == 3143244 and oslo["event_loc"]["country_code"] == "NOR"
    assert oslo["event_text"] == ["met"] and oslo["text_info"]["sequence"] == 0
    assert (oslo["num_mentions"], oslo["num_sources"], oslo["num_articles"], oslo["num_copies"]) == (2, 2, 2, 4)
    assert oslo["cite_info"]["publication"] == "Andean Wire" and oslo["cite_info"]["language"] == "en"


def test_plover_month_dates_stay_month_granular():
    from eventwire.store.export import plover_record

    rec = plover_record({"agg_event_id": "x", "plover_type": "PROTEST", "date": "2021-10", "date_start": "2021-10-01",
                         "date_end": "2021-10-31", "date_basis": "event", "source_code": "AFGCVL", "source_country": "AFG"})
    assert rec["date"] == "2021-10" and "enddate" not in rec and rec["date_basis"] == "event"
    week = plover_record({"agg_event_id": "x", "plover_type": "PROTEST", "date": "2021-W40", "date_start": "2021-10-04",
                          "date_end": "2021-10-10", "date_basis": "event", "source_code": "AFG"})
    assert week["date"] == "2021-10-04" and week["enddate"] == "2021-10-10"
    assert rec["actor"] == [{"code": "AFG", "sector": "CVL", "actor_code": "AFGCVL"}] and "recipient" not in rec
    assert plover_record({"agg_event_id": "x", "plover_type": None}) is None


# -- Parquet, CSV, JSON Lines ----------------------------------------------------------------------

@pytest.mark.parametrize("table", ["events", "mentions", "stories", "articles"])
def test_parquet_reads_back_with_duckdb(con, tmp_path, table):
    out = tmp_path / f"{table}.parquet"
    res = export(con, "parquet", out, table=table, batch_rows=4)  # several batches
    back = duckdb.sql(f"SELECT * FROM read_parquet('{out}')")
    n = back.count("*").fetchone()[0]
    src = {"events": "aggregated_events", "mentions": "event_mentions", "stories": "stories",
           "articles": "article_corpus"}[table]
    assert n == res.rows == con.execute(f"SELECT count(*) FROM {src}").fetchone()[0] > 0
    assert set(back.columns) == set(table_columns(con, table))
    if table == "events":
        got = duckdb.sql(f"SELECT sum(num_mentions), sum(num_copies), min(date_start) FROM read_parquet('{out}')").fetchone()
        assert got == con.execute("SELECT sum(num_mentions), sum(num_copies), min(date_start) FROM aggregated_events").fetchone()
        assert duckdb.sql(f"SELECT typeof(story_ids), typeof(date_start) FROM read_parquet('{out}') LIMIT 1").fetchone() \
            == ("VARCHAR[]", "DATE")


@pytest.mark.parametrize("table", ["events", "mentions", "stories", "articles"])
def test_csv_reads_back_with_duckdb(con, tmp_path, table):
    out = tmp_path / f"{table}.csv"
    res = export(con, "csv", out, table=table, batch_rows=5)
    back = duckdb.sql(f"SELECT * FROM read_csv('{out}', header=true)")
    assert back.count("*").fetchone()[0] == res.rows > 0
    assert back.columns == list(table_columns(con, table))
    if table == "stories":
        labels = {r[0] for r in duckdb.sql(f"SELECT label FROM read_csv('{out}', header=true)").fetchall()}
        assert corpus_gen.A_EN[0] in labels
        langs = {r[0] for r in duckdb.sql(f"SELECT languages FROM read_csv('{out}', header=true)").fetchall()}
        assert "de;en" in langs  # lists joined with ';'


def test_jsonl_has_one_object_per_row(con):
    rows = [json.loads(line) for line in run(con, "jsonl", table="articles").splitlines()]
    assert len(rows) == len(GEN)
    dup = [r for r in rows if r["is_duplicate"]]
    assert len(dup) == sum(1 for g in GEN if g.copy_of) == 15 and all(r["duplicate_of"] and r["story_id"] for r in dup)
    ev = [json.loads(line) for line in run(con, "jsonl").splitlines()]
    assert len(ev) == 22 and all(isinstance(e["story_ids"], list) for e in ev)


def test_empty_result_still_writes_a_csv_header(con):
    text = run(con, "csv", where=["modality=nonexistent"])
    assert text.splitlines() == [",".join(f'"{c}"' for c in table_columns(con, "events"))]


# -- filters ---------------------------------------------------------------------------------------

def test_where_binds_values_and_checks_columns(con):
    cols = table_columns(con, "events")
    f = parse_where(["num_articles>=2", "source_country=COL", "source_country=KEN", "is_root=true"], cols)
    sql, params = build_query("events", cols, f)
    assert params == [2, "COL", "KEN", True]  # typed values, bound as parameters
    assert "COL" not in sql and "KEN" not in sql and '"source_country" IN (?, ?)' in sql
    rows = [json.loads(x) for x in run(con, "jsonl", where=["source_country=COL", "source_country=KEN"]).splitlines()]
    assert rows and {r["source_country"] for r in rows} == {"COL", "KEN"}
    # reported by two independent outlets: the talks in Oslo, Norway hosting them, the next round in Havana,
    # and the signing of the water deal
    assert len(run(con, "jsonl", where=["num_articles>=2"]).splitlines()) == 4
    with pytest.raises(ExportError, match="unknown column"):
        parse_where(["source_country; DROP TABLE articles=1"], cols)
    with pytest.raises(ExportError, match="not a valid integer"):
        parse_where(["num_articles=many"], cols)
    with pytest.raises(ExportError, match="expected COLUMN=VALUE"):
        parse_where(["num_articles"], cols)
    with pytest.raises(ExportError, match="cannot filter"):
        parse_where(["story_ids=x"], cols)
    assert parse_where(["source_name=a != b"], cols)[0] == Filter("source_name", "=", "a != b")
    assert parse_where(["num_articles>=2"], cols)[0] == Filter("num_articles", ">=", 2)
    # a hostile value is only ever a value
    assert run(con, "jsonl", where=["source_name=x' OR '1'='1"]) == ""
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(GEN)


def test_since_and_until(con):
    def n(**kw):
        return len(run(con, "jsonl", **kw).splitlines())

    # B (15 May: 2 events), D and E (16 May: 6), the talks in Havana and the conference in June
    assert n(since="2024-05-15") == 10 and n(until="2024-05-14") == 12 and n() == 22
    assert n(since="2024-06-01") == 2  # the talks in Havana (3 June) and the conference (18 June)
    assert n(table="articles", since="2024-05-16") == 7
    with pytest.raises(ExportError, match="ISO date"):
        run(con, "jsonl", since="last week")


def test_bad_requests(con):
    with pytest.raises(ExportError, match="unknown format"):
        run(con, "xml")
    with pytest.raises(ExportError, match="aggregated events only"):
        run(con, "plover", table="mentions")
    with pytest.raises(ExportError, match=r"gdelt exports aggregated events \(--table events\) or their mentions"):
        run(con, "gdelt", table="articles")
    with pytest.raises(ExportError, match="needs --out"):
        export(con, "parquet", None)


def test_sorted_export(con):
    days = [line.split("\t")[1] for line in run(con, "gdelt", sort=True, all_modalities=True).splitlines()]
    assert days == sorted(days) and len(days) == 22


# -- command line ----------------------------------------------------------------------------------

def test_cli_export_and_corpus_commands(db, tmp_path):
    r = CliRunner()
    out = tmp_path / "e.parquet"
    res = r.invoke(app, ["export", "--db", str(db), "--format", "parquet", "--out", str(out), "-w", "modality=asserted"])
    assert res.exit_code == 0, res.output
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0] == 16
    res = r.invoke(app, ["export", "--db", str(db), "-f", "gdelt"])
    assert res.exit_code == 0 and len([x for x in res.stdout.splitlines() if "\t" in x]) == 16
    res = r.invoke(app, ["export", "--db", str(db), "-f", "csv", "-w", "nope=1"])
    assert res.exit_code == 2 and "unknown column" in res.output
    res = r.invoke(app, ["export", "--db", str(tmp_path / "missing.duckdb"), "-f", "csv"])
    assert res.exit_code == 2
    res = r.invoke(app, ["corpus", "stats", "--db", str(db)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "copies: translation" in res.output and corpus_gen.A_EN[0][:30] in res.output
    res = r.invoke(app, ["corpus", "update", "--db", str(db), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout[res.stdout.index("{"):])["articles"] == 0
