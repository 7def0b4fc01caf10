"""Exports true to their formats: PLOVER entities, modes and contexts as the PLOVER manual and the
CAMEO->PLOVER map give them, one record per compound recipient, every record checked by the
validator written from the manual; GDELT's SOURCEURL, Actor1/2Geo and the Mentions table.

The database is written by hand here (two articles, known events and places), so the expected values
are known whatever the coder finds today."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.corpus import update_corpus
from eventwire.events.codebook import codebook
from eventwire.ids import content_id, stable_id
from eventwire.records import Actor, Article, Document, Event, Outcome, Place, Sentence
from eventwire.store import plover
from eventwire.store.db import Store
from eventwire.store.export import (GDELT_COLUMNS, GDELT_EVENT_FIELDS, GDELT_MENTION_COLUMNS, GDELT_MENTIONS_BLANK,
                                    export)
from tests.store.conftest import run

BODY_A = ("Kenya's foreign minister hosted envoys of Ethiopia and Eritrea in Nairobi on Tuesday. "
          "The European Union imposed sanctions on Belarusian officials. "
          "The United Nations urged both governments to keep talking. "
          "Police arrested 40 protesters in Nairobi. "
          "Police fired tear gas at the crowd.")
BODY_B = ("Ukraine and Poland agreed on Thursday to reopen the border crossing. "
          "The Arab League condemned the move.")


def _sentences(body: str) -> list[Sentence]:
    starts = [0] + [m.end() for m in re.finditer(r"(?<=\.)\s+", body)]
    ends = [s - 1 for s in starts[1:]] + [len(body)]
    return [Sentence(i, s, e) for i, (s, e) in enumerate(zip(starts, ends))]


def _actor(body: str, text: str, code: str, country: str | None, sector: str | None, name: str,
           qid: str | None = None, after: int = 0) -> Actor:
    s = body.index(text, after)
    return Actor(text=text, start=s, end=s + len(text), name=name, code=code, country=country, sector=sector, qid=qid)


def _event(body: str, sents: list[Sentence], trigger: str, sources, targets, cameo: str, date: str | None,
           place: tuple | None = None, after: int = 0, confidence: float = 0.8) -> Event:
    info = codebook().get(cameo)
    t = body.index(trigger, after)
    s = next(x for x in sents if x.start <= t < x.end)
    ev = Event(sent_idx=s.idx, sentence_start=s.start, sentence_end=s.end, trigger=trigger, trigger_start=t,
               trigger_end=t + len(trigger), sources=sources, targets=targets, cameo_code=cameo, cameo_base=cameo[:3],
               cameo_root=cameo[:2], plover_type=info.plover_type or None, plover_mode=info.plover_mode or None,
               quad_class=info.quad_class, goldstein=info.goldstein, modality="asserted", confidence=confidence,
               coder="test", decided_by="dictionary", date=date, date_granularity="day" if date else None)
    if place:
        ev.location_text, ev.location_geonameid, ev.location_country, ev.location_lat, ev.location_lon = place
    return ev


NAIROBI = ("Nairobi", 184745, "KEN", -1.28333, 36.81667)


def _articles() -> list[Article]:
    sa, sb = _sentences(BODY_A), _sentences(BODY_B)
    a = Article(article_id=stable_id("article", "a"), doc_id=content_id(b"a"), title="Talks in Nairobi", body=BODY_A,
                source="/home/me/mynews/nairobi.txt", published="2025-03-11", outlet="Nairobi Wire",
                language="en", extractor="test", sentences=sa)
    kenya = _actor(BODY_A, "Kenya's foreign minister", "KENGOV", "KEN", "GOV", "Kenya", "Q114")
    a.places = [Place(0, 5, "Kenya", 192950, "Kenya", "KEN", None, 1.0, 38.0, "A", "PCLI", "actor", 0.9, "test"),
                Place(BODY_A.index("Nairobi"), BODY_A.index("Nairobi") + 7, "Nairobi", 184745, "Nairobi", "KEN",
                      "05", -1.28333, 36.81667, "P", "PPLC", "event_location", 0.9, "test")]
    a.events = [
        _event(BODY_A, sa, "hosted", [kenya],
               [_actor(BODY_A, "Ethiopia", "ETHGOV", "ETH", "GOV", "Ethiopia", "Q115"),
                _actor(BODY_A, "Eritrea", "ERIGOV", "ERI", "GOV", "Eritrea", "Q986")], "043", "2025-03-11", NAIROBI),
        _event(BODY_A, sa, "imposed sanctions",
               [_actor(BODY_A, "The European Union", "IGOEEC", None, "IGO", "European Union", "Q458")],
               [_actor(BODY_A, "Belarusian officials", "BLRGOV", "BLR", "GOV", "Belarus")], "163", "2025-03-10"),
        _event(BODY_A, sa, "urged", [_actor(BODY_A, "The United Nations", "IGOUNO", None, "IGO", "United Nations")],
               [], "020", "2025-03-11"),
        _event(BODY_A, sa, "arrested", [_actor(BODY_A, "Police", "KENCOP", "KEN", "COP", "Kenya")],
               [_actor(BODY_A, "40 protesters", "KENCVL", "KEN", "CVL", "Kenya")], "173", "2025-03-11", NAIROBI),
        _event(BODY_A, sa, "fired tear gas",
               [_actor(BODY_A, "Police", "KENCOP", "KEN", "COP", "Kenya", after=BODY_A.index("fired") - 8)],
               [_actor(BODY_A, "the crowd", "KENCVL", "KEN", "CVL", "Kenya")], "175", "2025-03-11"),
    ]
    b = Article(article_id=stable_id("article", "b"), doc_id=content_id(b"b"), title="Border to reopen", body=BODY_B,
                source="https://www.dw.com/en/border/a-1", url="https://www.dw.com/en/border/a-1",
                published="2024-03-14T09:15", outlet="Deutsche Welle", outlet_domain="dw.com", language="en",
                translated_from="de", extractor="test", sentences=sb)
    b.events = [
        _event(BODY_B, sb, "agreed", [_actor(BODY_B, "Ukraine", "UKRGOV", "UKR", "GOV", "Ukraine")],
               [_actor(BODY_B, "Poland", "POLGOV", "POL", "GOV", "Poland")], "057", "2024-03-14", confidence=0.9),
        _event(BODY_B, sb, "condemned", [_actor(BODY_B, "The Arab League", "IGOARL", None, "IGO", "Arab League")],
               [], "111", "2024-03-14"),
    ]
    return [a, b]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "x.duckdb"
    with Store(path) as store:
        store.write("test", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="test"), "article", a)
                             for a in _articles()])
        update_corpus(store.con)
    return path


# -- PLOVER entities, modes, contexts ---------------------------------------------------------------

def test_entities_use_the_manuals_codes():
    ent = plover.entity
    # table 5.1: the EU and the UN have their own codes; other IGOs are IGO, with no sector
    assert ent("IGOEEC", None, "IGO", "European Union", "Q458") == {
        "code": "EUR", "entity_text": "European Union", "identifier_id": "Q458", "identifier_text": "European Union",
        "actor_code": "IGOEEC"}
    assert ent("IGOUNO", None, "IGO", "United Nations")["code"] == "UNO"
    # a country's own QID identifies the country itself, and an organisation's its own entity
    assert ent("KEN", "KEN", None, "Kenya", "Q114", "Kenya")["identifier_id"] == "Q114"
    assert ent("AFGINSTAL", "AFG", "INS", "Taliban", "Q42418")["identifier_id"] == "Q42418"
    assert "identifier_id" not in ent("CHLCOP", "CHL", "COP", "Chile", "Q298", "Police")
    assert ent("IGOUNOREFHCR", None, "IGO", "UNHCR")["code"] == "UNO" and "sector" not in ent("IGOUNOREFHCR")
    assert ent("IGOEECLEG", None, "IGO")["code"] == "EUR"
    arl = ent("IGOARL", None, "IGO", "Arab League")
    assert arl["code"] == "IGO" and "sector" not in arl and arl["actor_code"] == "IGOARL"
    assert ent("NGOHRIAMN", None, "NGO")["code"] == "NGO" and ent("IMGMOSISI")["code"] == "IMG"
    # table 5.2 notes 3 and 4: INS/SEP -> REB, CAMEO media MED -> JRN, CAMEO health HLH -> MED
    assert ent("AFGINSTAL", "AFG", "INS", "Taliban")["sector"] == "REB"
    assert ent("TURSEPPKK", "TUR", "SEP")["sector"] == "REB"
    assert ent("GBRMED", "GBR", "MED", "Reuters")["sector"] == "JRN"
    assert ent("USAHLH", "USA", "HLH")["sector"] == "MED"
    assert ent("CHNGOVMED", "CHN", "MED")["sector"] == "GOVJRN"  # two sectors: 6 letters
    assert ent("USAGOVPTY", "USA", "GOV")["sector"] == "GOVPTY"
    assert ent("XKXGOV", "XKX", "GOV")["code"] == "KOS"  # chapter 5.1: Kosovo is KOS
    # no country: no code (a sector alone, or a regional construct, says nothing of the country)
    assert ent("MIL", None, "MIL", "the junta") == {"sector": "MIL", "entity_text": "the junta",
                                                    "identifier_text": "the junta", "actor_code": "MIL"}
    assert "code" not in ent("WST", None, "", "Western countries")
    assert ent(None, None, None, None) is None
    for code, country, sector in [("IGOEEC", None, "IGO"), ("AFGINSTAL", "AFG", "INS"), ("CHNGOVMED", "CHN", "MED"),
                                  ("MIL", None, "MIL"), ("XKXGOV", "XKX", "GOV"), ("COLGOV", "COL", "GOV")]:
        assert plover.validate_entity(ent(code, country, sector, "x")) == [], code


def test_mode_and_context_follow_the_map():
    assert plover.mode_and_context("COERCE", "163") == (["restrict"], ["diplomatic"])
    assert plover.mode_and_context("COERCE", "173") == (["arrest"], ["legal"])
    assert plover.mode_and_context("ACCUSE", "091") == (["investigate"], ["crime", "corruption"])
    # the map's "mode" of 175 is a context name; 085's "ease" is no longer a mode (the map says so)
    assert plover.mode_and_context("ASSAULT", "175") == ([], ["military", "pro_autocracy"])
    assert plover.mode_and_context("RETREAT", "085") == ([], ["economic"])
    # a stored mode (a reviewer's) wins over the map's, when it is one of the type's modes
    assert plover.mode_and_context("CONSULT", "043", "phone") == (["phone"], [])
    assert plover.mode_and_context("CONSULT", "043", "nonsense") == ([], [])
    types = codebook().plover
    n_modes = n_contexts = 0
    for code, info in codebook().cameo.items():
        if not info.plover_type:
            continue
        modes, contexts = plover.mode_and_context(info.plover_type, code)
        if info.plover_mode in types[info.plover_type]["modes"]:
            assert modes == [info.plover_mode], code
            n_modes += 1
        assert set(info.plover_context) <= set(contexts), code
        n_contexts += bool(contexts)
    assert n_modes >= 170 and n_contexts >= 200  # cameo.tsv: 179 codes with a mode, 204 with a context


# -- PLOVER records ----------------------------------------------------------------------------------

def test_every_plover_record_passes_the_validator(con):
    recs = [json.loads(line) for line in run(con, "plover", all_modalities=True).splitlines()]
    assert len(recs) == 7  # 8 aggregated events; the two recipients of "hosted" make one record
    for r in recs:  # every date here is a day: the manual's strict check holds
        assert plover.validate(r) == [], (r, plover.validate(r))
        assert r["date_basis"] == "event"
    by_code = {r["cameo_code"]: r for r in recs}
    hosted = by_code["043"]
    assert [e["code"] for e in hosted["recipient"]] == ["ETH", "ERI"]
    assert [e["entity_text"] for e in hosted["recipient"]] == ["Ethiopia", "Eritrea"]
    # the country's QID and name identify Kenya, not its foreign minister: no identifier for this entity
    assert hosted["actor"] == [{"code": "KEN", "sector": "GOV", "entity_text": "Kenya's foreign minister",
                                "actor_code": "KENGOV"}]
    assert len(hosted["agg_event_ids"]) == 2 and hosted["id"] == f"eventwire-{min(hosted['agg_event_ids'])}"
    assert hosted["mode"] == ["visit"] and hosted["num_mentions"] == 1
    eu = by_code["163"]
    assert eu["actor"][0]["code"] == "EUR" and "sector" not in eu["actor"][0]
    assert eu["actor"][0]["actor_code"] == "IGOEEC"
    assert (eu["event"], eu["mode"], eu["context"]) == (["COERCE"], ["restrict"], ["diplomatic"])
    assert by_code["020"]["actor"][0]["code"] == "UNO" and "recipient" not in by_code["020"]
    assert (by_code["173"]["mode"], by_code["173"]["context"]) == (["arrest"], ["legal"])
    assert "mode" not in by_code["175"] and by_code["175"]["context"] == ["military", "pro_autocracy"]
    assert by_code["111"]["actor"][0]["code"] == "IGO"
    # the file-sourced article has no URL: none is invented from its path
    assert "url" not in hosted["cite_info"] and by_code["057"]["cite_info"]["url"] == "https://www.dw.com/en/border/a-1"


def test_sorted_plover_export_is_in_date_order(con):
    dates = [json.loads(line)["date"] for line in run(con, "plover", sort=True).splitlines()]
    assert dates == sorted(dates) and len(dates) == 7


def test_plover_record_leaves_out_what_lacks_a_required_field():
    base = {"agg_event_id": "x", "plover_type": "PROTEST", "date_start": "2021-10-01", "source_code": "AFGCVL",
            "source_country": "AFG"}
    assert plover.record(base)[0]["actor"] == [{"code": "AFG", "sector": "CVL", "actor_code": "AFGCVL"}]
    # no invented day: an undated event keeps a null date marked 'none', a month stays a month
    undated, _ = plover.record({**base, "date_start": None, "date_basis": "none"})
    assert undated["date"] is None and undated["date_basis"] == "none"
    month, _ = plover.record({**base, "date": "2021-10", "date_end": "2021-10-31", "date_basis": "event"})
    assert month["date"] == "2021-10" and "enddate" not in month
    assert plover.validate(undated, dates="eventwire") == [] == plover.validate(month, dates="eventwire")
    # the manual itself asks for YYYY-MM-DD: the strict check says where eventwire departs from it
    assert plover.validate(undated) == ["date: None is not a YYYY-MM-DD date"]
    assert plover.validate(month) == ["date: '2021-10' is not a YYYY-MM-DD date"]
    assert plover.validate({**month, "date": "2021-13"}, dates="eventwire") == ["date: '2021-13' is not a YYYY-MM-DD date"]
    assert plover.record({**base, "plover_type": None})[1] == "no PLOVER type (the event field is required)"
    assert plover.record({**base, "source_code": None, "source_country": None}) == (
        None, "no actor (the actor field is required)")


def test_validator_finds_what_the_manual_forbids():
    good = {"id": "x", "date": "2016-07-24", "actor": [{"code": "USA"}], "recipient": [{"code": "CAN"}],
            "event": ["CONSULT"]}
    assert plover.validate(good) == []  # the manual's simplest record
    cases = [
        ({k: v for k, v in good.items() if k != "date"}, "missing required field 'date'"),
        ({k: v for k, v in good.items() if k != "actor"}, "missing required field 'actor'"),
        ({**good, "date": "2016-13-01"}, "date: '2016-13-01' is not a YYYY-MM-DD date"),
        ({**good, "enddate": "2016-07-01"}, "enddate: before date"),
        ({**good, "actor": []}, "actor: not a non-empty list of entity objects"),
        ({**good, "actor": [{"code": "IGO", "sector": "EEC"}]}, "actor[0]: sector 'EEC' is not one or two table 5.2 codes"),
        ({**good, "recipient": [{"code": "XXX"}]}, "recipient[0]: code 'XXX' is not an ISO3 country or a table 5.1 code"),
        ({**good, "event": ["MEET"]}, "event: 'MEET' is not a PLOVER type"),
        ({**good, "mode": ["arrest"]}, "mode: 'arrest' is not a mode of CONSULT"),
        ({**good, "context": ["weather"]}, "context: 'weather' is not a table 2.1 context"),
        ({**good, "quad_code": 5}, "quad_code: 5 is not 1, 2, 3 or 4"),
        ({**good, "coded_date": "2016-07-25", "coded_time": "25:00"}, "coded_time: '25:00' does not make an ISO 8601 datetime with coded_date"),
        ({**good, "event_loc": {"lat": 91.0}}, "event_loc.lat: 91.0 is not in [-90, 90]"),
        ({**good, "cite_info": {"language": "eng"}}, "cite_info.language: 'eng' is not an ISO 639-1 two-letter code"),
        ({**good, "actorr": []}, "unknown field 'actorr'"),
    ]
    for rec, problem in cases:
        assert problem in plover.validate(rec), (problem, plover.validate(rec))


# -- GDELT ---------------------------------------------------------------------------------------------

def test_gdelt_fields_are_one_list_of_61_named_columns():
    names = [n for n, _ in GDELT_EVENT_FIELDS]
    assert names == GDELT_COLUMNS and len(names) == 61 == len(set(names))
    assert names[:5] == ["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate"]
    assert names[25:27] == ["IsRootEvent", "EventCode"] and names[35:37] == ["Actor1Geo_Type", "Actor1Geo_FullName"]
    assert names[51:53] == ["ActionGeo_Type", "ActionGeo_FullName"] and names[-2:] == ["DATEADDED", "SOURCEURL"]


def _gdelt_rows(con) -> list[dict[str, str]]:
    return [dict(zip(GDELT_COLUMNS, line.split("\t"))) for line in run(con, "gdelt").splitlines()]


def test_gdelt_sourceurl_is_a_url_or_empty_and_actor_geo_comes_from_the_actors_place(con):
    rows = _gdelt_rows(con)
    assert len(rows) == 8
    by_code = {}
    for r in rows:
        assert len(r) == 61
        by_code.setdefault(r["EventCode"], []).append(r)
    for r in rows:  # no file path ever: the URL of the first article, or empty
        assert r["SOURCEURL"] in ("", "https://www.dw.com/en/border/a-1"), r["SOURCEURL"]
    assert {r["SOURCEURL"] for r in by_code["057"]} == {"https://www.dw.com/en/border/a-1"}
    assert {r["SOURCEURL"] for r in by_code["043"]} == {""}
    hosted = by_code["043"][0]  # "Kenya's foreign minister": the place "Kenya" lies in the actor's words
    assert (hosted["Actor1Geo_Type"], hosted["Actor1Geo_FullName"], hosted["Actor1Geo_CountryCode"],
            hosted["Actor1Geo_ADM1Code"], hosted["Actor1Geo_Lat"], hosted["Actor1Geo_Long"],
            hosted["Actor1Geo_FeatureID"]) == ("1", "Kenya", "KE", "KE", "1.0", "38.0", "192950")
    assert all(hosted[f"Actor2Geo_{c}"] == "" for c in ("Type", "FullName", "CountryCode", "FeatureID"))
    assert (hosted["ActionGeo_Type"], hosted["ActionGeo_FeatureID"], hosted["ActionGeo_CountryCode"]) == (
        "4", "184745", "KE")
    police = by_code["173"][0]  # no place in "Police": nothing is filled
    assert police["Actor1Geo_Type"] == "" and police["Actor1Geo_CountryCode"] == ""
    assert {r["AvgTone"] for r in rows} == {""}


def test_gdelt_mentions_table(con, db):
    lines = run(con, "gdelt", table="mentions").splitlines()
    rows = con.execute("""SELECT e.global_event_id, m.sent_idx, m.source_start, m.target_start, m.trigger_start,
        m.confidence, length(a.body), a.url, m.trigger FROM event_mentions m
        JOIN aggregated_events e USING (agg_event_id) JOIN articles a USING (article_id)""").fetchall()
    assert len(GDELT_MENTION_COLUMNS) == 16 and len(lines) == len(rows) == 8
    assert GDELT_MENTION_COLUMNS == [
        "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
        "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
        "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras"]
    got = {}
    for line in lines:
        f = line.split("\t")
        assert len(f) == 16
        r = dict(zip(GDELT_MENTION_COLUMNS, f))
        got[(r["GLOBALEVENTID"], r["ActionCharOffset"])] = r
        for c in GDELT_MENTIONS_BLANK:
            assert r[c] == ""
        assert re.fullmatch(r"\d{14}", r["EventTimeDate"]) and re.fullmatch(r"\d{14}", r["MentionTimeDate"])
    for gid, sent_idx, s0, t0, a0, conf, doclen, url, trigger in rows:
        r = got[(str(gid), str(a0))]
        assert r["SentenceID"] == str(sent_idx + 1) and r["Actor1CharOffset"] == str(s0)
        assert r["Actor2CharOffset"] == ("" if t0 is None else str(t0))
        assert r["Confidence"] == str(round(conf * 100)) and r["MentionDocLen"] == str(doclen)
        if url:  # the translated Deutsche Welle article: a web mention with its source language
            assert (r["MentionType"], r["MentionSourceName"], r["MentionIdentifier"]) == ("1", "dw.com", url)
            assert r["MentionDocTranslationInfo"] == "srclc:deu" and r["MentionTimeDate"] == "20240314091500"
        else:  # a local file: citation only, never its path
            assert r["MentionType"] == "2" and r["MentionSourceName"] == "Nairobi Wire"
            assert r["MentionIdentifier"] == "Nairobi Wire, Talks in Nairobi, 2025-03-11"
            assert r["MentionDocTranslationInfo"] == ""
    # the command line
    res = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "gdelt", "--table", "mentions"])
    assert res.exit_code == 0, res.output
    assert sum(1 for line in res.output.splitlines() if line.count("\t") == 15) == 8


def test_gdelt_refuses_other_tables(con):
    from eventwire.store.export import ExportError

    with pytest.raises(ExportError, match="--table mentions: GDELT's Mentions table"):
        run(con, "gdelt", table="stories")


# -- pandas -----------------------------------------------------------------------------------------

def test_the_readmes_read_csv_keeps_every_code_that_looks_like_a_number(con, tmp_path):
    """The README's pandas line named only cameo_code and cameo_root, so cameo_base '043' came back as
    43 and location_admin1 '05' as 5.0: with its dtypes every text column of digits reads back as in
    the Parquet export (which keeps the types)."""
    import ast
    from pathlib import Path

    import pandas as pd

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    codes = ast.literal_eval(re.search(r"^codes = \{c: str for c in (\([^)]*\))\}", readme, re.M).group(1))
    r_line = re.search(r"colClasses = c\(([^)]*)\)", readme).group(1)
    assert sorted(re.findall(r"(\w+) = \"character\"", r_line)) == sorted(codes)  # R reads the same as text
    assert 'ev = pd.read_csv("events.csv", dtype=codes)' in readme
    export(con, "csv", str(tmp_path / "events.csv"), all_modalities=True)
    export(con, "parquet", str(tmp_path / "events.parquet"), all_modalities=True)
    csv = pd.read_csv(tmp_path / "events.csv", dtype={k: str for k in codes})
    pq = pd.read_parquet(tmp_path / "events.parquet")
    digits = [c for c in pq.columns if pq[c].notna().any() and pd.api.types.is_string_dtype(pq[c])
              and pq[c].dropna().astype(str).str.fullmatch(r"\d+").all()]
    assert {"cameo_code", "cameo_base", "cameo_root", "location_admin1"} <= set(digits) <= set(codes)
    for c in digits:
        assert list(csv[c].fillna("")) == list(pq[c].fillna("")), c
    assert "05" in set(csv["location_admin1"]) and "043" in set(csv["cameo_base"])


def test_exports_open_in_pandas(con, tmp_path):
    """pandas is installed with eventwire: DuckDB's ``.df()`` and ``pd.read_csv``/``read_parquet`` of
    the exports work as the README shows."""
    import pandas as pd

    df = con.sql("SELECT cameo_code, count(*) AS n FROM aggregated_events GROUP BY ALL ORDER BY n DESC, cameo_code").df()
    assert list(df.columns) == ["cameo_code", "n"] and int(df["n"].sum()) == 8
    export(con, "csv", str(tmp_path / "events.csv"), all_modalities=True)
    export(con, "parquet", str(tmp_path / "events.parquet"), all_modalities=True)
    csv = pd.read_csv(tmp_path / "events.csv", dtype={"cameo_code": str})
    pq = pd.read_parquet(tmp_path / "events.parquet")
    assert len(csv) == len(pq) == 8
    assert sorted(csv["cameo_code"]) == sorted(pq["cameo_code"]) == ["020", "043", "043", "057", "111", "163", "173",
                                                                      "175"]
