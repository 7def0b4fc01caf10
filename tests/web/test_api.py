"""API and page tests of ``eventwire serve`` with FastAPI's TestClient, on the web fixture database."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventwire.cli import app as cli_app
from eventwire.evaluate.reviews import read_gold, score
from eventwire.web import queries as web_queries
from eventwire.web.app import CSP, create_app
from eventwire.web.assets import WORLD_FILE, topojson_to_world
from eventwire.web.render import Span, highlight
from eventwire.web.server import is_loopback, resolve_token
from tests.web.conftest import HOST, TOKEN
from tests.web_fixture import EVIL, make_hostile


def all_events(db: Path, client: TestClient | None = None) -> list[dict]:
    """Every event row, read directly (through the app's own connection when it holds the file)."""
    con = client.app.state.ew.con.cursor() if client is not None else duckdb.connect(str(db), read_only=True)
    cur = con.execute("SELECT e.*, a.published FROM events e JOIN articles a USING (article_id)")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    con.close()
    return rows


def day_of(e: dict) -> str | None:
    d = e["date"] or ""
    return d[:10] if len(d) >= 10 else (e["published"] or "")[:10] or None


# -- pages ------------------------------------------------------------------------------------------

PAGES = ["/", "/events", "/map", "/network", "/search", "/search?q=ceasefire", "/reviews", "/api", "/stories",
         "/?unit=coded", "/map?unit=coded", "/network?unit=coded"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_with_security_headers(ro_client, path):
    r = ro_client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script src=\"/static/app.js\" defer></script>" in r.text
    assert "http://" not in r.text.split("<main>")[0] and "https://" not in r.text  # no CDN, no external asset


def test_dashboard_counts_are_the_database_counts(ro_client, db):
    con = duckdb.connect(str(db), read_only=True)
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    stats = ro_client.get("/api/stats").json()
    assert (stats["articles"], stats["events"]) == (n_articles, n_events) == (12, 59)
    assert stats["events_asserted"] == 48 and stats["events_located"] == 29
    html = ro_client.get("/").text
    assert '<div class="card" data-count="events"><div class="num">59</div>' in html


def test_event_and_article_pages(ro_client, db):
    ev = next(e for e in all_events(db) if e["trigger"] == "hosted")
    html = ro_client.get(f"/events/{ev['event_id']}").text
    assert '<span class="hl trig" title="trigger: hosted">hosted</span>' in html
    assert '<span class="hl src" title="source: KENGOV Kenya">Kenya&#x27;s foreign minister</span>' in html
    evidence = html.split('<blockquote id="evidence" class="sentence">')[1].split("</blockquote>")[0]
    assert evidence.count('class="hl tgt"') == 1  # two target actors on the same span: one highlight
    assert '<span class="hl tgt" title="target: ETHGOV Ethiopia · target: ERIGOV Eritrea">the two delegations</span>' in evidence
    assert "KENGOV" in html and "ETHGOV" in html and "ERIGOV" in html and "Nairobi" in html
    art = ro_client.get(f"/articles/{ev['article_id']}")
    assert art.status_code == 200
    assert f'href="/events/{ev["event_id"]}"' in art.text  # the trigger links to the event
    assert ro_client.get("/events/nope").status_code == 404
    assert ro_client.get("/articles/nope").status_code == 404
    assert ro_client.get("/api/events/nope").json() == {"detail": "no such event"}


def test_republished_article_provenance(ro_client):
    res = ro_client.get("/api/search", params={"q": "Dorohusk"}).json()
    aid = res["results"][0]["article_id"]
    a = ro_client.get(f"/api/articles/{aid}").json()
    assert a["translated_from"] == "de" and a["page_date"] and a["boilerplate"]
    html = ro_client.get(f"/articles/{aid}").text
    assert "translated from de" in html and "differs from publication date" in html
    assert '<details id="boilerplate"><summary>Removed boilerplate (5 lines)</summary>' in html


# -- filters, paging, CSV ---------------------------------------------------------------------------

FILTERS = [
    ({"actor": "usa"}, lambda e: any("usa" in "|".join(filter(None, (a["code"], a["name"], a["text"], a["country"]))).lower()
                                     for a in e["sources"] + e["targets"])),
    ({"source": "CHN"}, lambda e: any((a["code"] or "").startswith("CHN") for a in e["sources"])),
    ({"target": "ERIGOV"}, lambda e: any(a["code"] == "ERIGOV" for a in e["targets"])),
    ({"country": "eth"}, lambda e: any(a["country"] == "ETH" for a in e["sources"] + e["targets"]) or e["location_country"] == "ETH"),
    ({"cameo": "11"}, lambda e: (e["cameo_code"] or "").startswith("11")),
    ({"plover": "consult"}, lambda e: e["plover_type"] == "CONSULT"),
    ({"quad": "4"}, lambda e: e["quad_class"] == 4),
    ({"modality": "negation"}, lambda e: e["modality"] == "negation"),
    ({"date_from": "2025-01-01", "date_to": "2025-06-30"}, lambda e: "2025-01-01" <= (day_of(e) or "") <= "2025-06-30"),
    # a year or a month as the inclusive upper bound covers all of it (date_to=2025 matched nothing of 2025)
    ({"date_to": "2025"}, lambda e: day_of(e) is not None and day_of(e) <= "2025-12-31"),
    ({"date_from": "2025-03", "date_to": "2025-03"}, lambda e: "2025-03-01" <= (day_of(e) or "") <= "2025-03-31"),
    ({"place": "nairobi"}, lambda e: (e["location_text"] or "").lower() == "nairobi"),
    ({"place": "184745"}, lambda e: e["location_geonameid"] == 184745),
    ({"actor": "50%_"}, lambda e: False),  # LIKE wildcards are taken literally
]


@pytest.mark.parametrize("params,pred", FILTERS, ids=[json.dumps(f[0]) for f in FILTERS])
def test_filters_match_an_independent_count(ro_client, db, params, pred):
    want = {e["event_id"] for e in all_events(db) if pred(e)}
    got = ro_client.get("/api/events", params={**params, "limit": 200}).json()
    assert got["total"] == len(want)
    assert {e["event_id"] for e in got["events"]} == want
    page = ro_client.get("/events", params=params).text
    assert f'<strong id="total">{len(want)}</strong>' in page


def test_filter_values_are_checked(ro_client):
    from eventwire.web.queries import last_day

    assert [last_day(b) for b in ("2024", "2024-02", "2023-02", "2025-04", "2025-04-09")] == [
        "2024-12-31", "2024-02-29", "2023-02-28", "2025-04-30", "2025-04-09"]
    for bad in ({"quad": "7"}, {"date_from": "yesterday"}, {"cameo": "0a"}, {"review": "maybe"}, {"country": "ETHX"},
                {"date_to": "2025-99-99"}, {"date_from": "2025-13"}, {"date_to": "2025-02-30"}):
        assert ro_client.get("/api/events", params=bad).status_code == 422, bad


def test_paging_is_capped_and_complete(ro_client):
    assert ro_client.get("/api/events", params={"limit": 201}).status_code == 422
    assert ro_client.get("/events", params={"per_page": 500}).status_code == 422
    seen = []
    for off in range(0, 60, 7):
        seen += [e["event_id"] for e in ro_client.get("/api/events", params={"limit": 7, "offset": off}).json()["events"]]
    assert len(seen) == len(set(seen)) == 59
    days = [e["day"] for e in ro_client.get("/api/events", params={"limit": 200}).json()["events"]]
    assert days == sorted(days, reverse=True)


def test_csv_download_of_the_current_filter(ro_client, db):
    r = ro_client.get("/api/events.csv", params={"quad": "3"})
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="events.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == sum(1 for e in all_events(db) if e["quad_class"] == 3) == 20
    r0 = next(x for x in rows if x["trigger"] == "summoned" and x["sources"] == "INDGOV")
    assert (r0["targets"], r0["cameo_code"], r0["location_text"]) == ("CHNGOV", "111", "New Delhi")


def test_csv_neutralises_formulas(tmp_path, web_db_template):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(web_db_template, db)
    make_hostile(db)
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c:
        rows = list(csv.DictReader(io.StringIO(c.get("/api/events.csv", params={"actor": "chledu"}).text)))
    app.state.ew.con.close()
    assert "'=cmd|calc" in [r["trigger"] for r in rows]
    assert all(not (r["article_title"] or "x").startswith("=") for r in rows)
    assert any(r["goldstein"] == "-6.5" for r in rows)  # numbers keep their sign


# -- stats, map, network ----------------------------------------------------------------------------

def test_daily_pairs_map_network(ro_client, db):
    """Counting coded events (``unit=coded``): compared with the ``events`` rows."""
    evs = all_events(db)
    coded = {"unit": "coded"}
    daily = ro_client.get("/api/stats/daily", params=coded).json()
    assert sum(d["total"] for d in daily) == len(evs)
    assert sum(d["q4"] for d in daily) == sum(1 for e in evs if e["quad_class"] == 4)
    pairs = ro_client.get("/api/actor-pairs", params={"limit": 200, **coded}).json()
    top = pairs[0]
    assert (top["source"], top["target"], top["n"]) in {("PAKGOV", "AFGGOV", 3), ("UKRGOV", "POLGOV", 3)}
    expected = sum(1 for e in evs if any(a["code"] == "IGOUNO" for a in e["sources"])
                   and any(a["code"] == "ETHGOV" for a in e["targets"]))
    assert next(p["n"] for p in pairs if (p["source"], p["target"]) == ("IGOUNO", "ETHGOV")) == expected == 2
    m = ro_client.get("/api/map", params=coded).json()
    assert sum(p["n"] for p in m["points"]) == sum(1 for e in evs if e["location_lat"] is not None) == 29
    nairobi = next(p for p in m["points"] if p["place"] == "Nairobi")
    assert (nairobi["n"], nairobi["q1"], nairobi["q3"], nairobi["geonameid"]) == (4, 3, 1, 184745)
    net = ro_client.get("/api/network", params={"quad": "4", **coded}).json()
    assert all(e["q4"] == e["n"] for e in net["edges"])
    assert {n["id"] for n in net["nodes"]} == {x for e in net["edges"] for x in (e["source"], e["target"])}


# -- search -----------------------------------------------------------------------------------------

def test_full_text_search_ranks_and_escapes(ro_client):
    r = ro_client.get("/api/search", params={"q": "ceasefire"}).json()
    assert r["method"] == "fts" and r["total"] == 2
    assert [x["title"][:8] for x in r["results"]] == ["Colombia", "Ethiopia"]
    assert "<mark>ceasefire</mark>" in r["results"][0]["snippet_html"]
    stem = ro_client.get("/api/search", params={"q": "envoy"}).json()  # stemming: envoy matches envoys
    assert stem["total"] >= 1 and any("Eritrea" in x["title"] for x in stem["results"])
    inj = ro_client.get("/api/search", params={"q": "'; DROP TABLE articles; --"})
    assert inj.status_code == 200
    assert ro_client.get("/api/stats").json()["articles"] == 12


def test_search_falls_back_to_substring_match(ro_client, monkeypatch):
    monkeypatch.setattr(web_queries, "fts_extension_path", lambda: None)
    ro_client.app.state.ew.search = web_queries.Search()
    r = ro_client.get("/api/search", params={"q": "Dorohusk"}).json()
    assert r["method"] == "ilike" and r["total"] == 1
    assert "substring match" in ro_client.get("/search", params={"q": "Dorohusk"}).text


def test_hostile_text_is_escaped(tmp_path, web_db_template):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(web_db_template, db)
    aid = make_hostile(db)
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c:
        pages = [c.get(f"/articles/{aid}").text, c.get("/search", params={"q": "script alert"}).text,
                 c.get("/events", params={"actor": "chledu"}).text]
        ev = c.get("/api/events", params={"article": aid, "limit": 1}).json()["events"][0]
        pages.append(c.get(f"/events/{ev['event_id']}").text)
    app.state.ew.con.close()
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[0] or "&lt;script&gt;alert(&quot;x&quot;)" in pages[0]
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>" in pages[1] and "&lt;script&gt;" in pages[3]


# -- security: read-only, token, hosts --------------------------------------------------------------

def test_read_only_server_refuses_reviews(ro_client, db):
    ev = all_events(db)[0]
    r = ro_client.post(f"/api/events/{ev['event_id']}/reviews", json={"verdict": "correct", "reviewer": "x"},
                       headers={"X-Eventwire-Token": TOKEN})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert "This server is read-only" in ro_client.get(f"/events/{ev['event_id']}").text
    assert ro_client.get("/api/meta").json()["writable"] is False


def test_read_only_server_opens_the_file_read_only(db):
    app = create_app(db, allowed_hosts=HOST)
    with pytest.raises(duckdb.Error):
        app.state.ew.con.execute("CREATE TABLE x (a INTEGER)")
    app.state.ew.con.close()


def test_review_needs_the_token_and_valid_values(client, db):
    ev = all_events(db, client)[0]
    url = f"/api/events/{ev['event_id']}/reviews"
    ok = {"verdict": "correct", "reviewer": "Ann"}
    assert client.post(url, json=ok).status_code == 401
    assert client.post(url, json=ok, headers={"X-Eventwire-Token": TOKEN[:-1] + "x"}).status_code == 401
    for bad in ({"verdict": "maybe", "reviewer": "Ann"}, {"verdict": "fixed", "reviewer": "Ann", "cameo_code": "abc"},
                {"verdict": "fixed", "reviewer": "Ann", "quad_class": 7},
                {"verdict": "fixed", "reviewer": "Ann", "sources": ["usa gov"]},
                {"verdict": "fixed", "reviewer": "Ann", "modality": "probably"}, {"verdict": "correct", "reviewer": ""}):
        r = client.post(url, json=bad, headers={"X-Eventwire-Token": TOKEN})
        assert r.status_code == 422, bad
    assert client.post("/api/events/nope/reviews", json=ok, headers={"X-Eventwire-Token": TOKEN}).status_code == 404
    r = client.post(url, json=ok, headers={"X-Eventwire-Token": TOKEN})
    assert r.status_code == 201 and r.json()["reviewer"] == "Ann" and r.json()["reviewed_at"]
    assert len(client.get(f"/api/events/{ev['event_id']}").json()["reviews"]) == 1


def test_unknown_hosts_are_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_openapi_is_served_without_a_cdn_ui(ro_client):
    spec = ro_client.get("/openapi.json").json()
    for p in ("/api/events", "/api/events.csv", "/api/events/{event_id}", "/api/events/{event_id}/reviews",
              "/api/articles/{article_id}", "/api/search", "/api/map", "/api/network", "/api/stats/daily",
              "/api/reviews.jsonl"):
        assert p in spec["paths"], p
    assert ro_client.get("/docs").status_code == 404 and ro_client.get("/redoc").status_code == 404
    assert "/api/events/{event_id}/reviews" in ro_client.get("/api").text


# -- reviews -> gold -> eval ------------------------------------------------------------------------

def _review(client, event_id, **body):
    r = client.post(f"/api/events/{event_id}/reviews", json=body, headers={"X-Eventwire-Token": TOKEN})
    assert r.status_code == 201, r.text
    return r.json()


def test_reviews_become_gold_that_measures_the_coder(client, db, tmp_path):
    evs = {e["trigger"] + "/" + e["cameo_code"]: e for e in all_events(db, client)}
    good, fix, bad = evs["hosted/043"], evs["clashed/190"], evs["restore/060"]
    _review(client, good["event_id"], verdict="wrong", reviewer="Ann")  # first opinion, then corrected:
    _review(client, good["event_id"], verdict="correct", reviewer="Bob")  # the latest review counts
    _review(client, fix["event_id"], verdict="fixed", reviewer="Ann", targets=["CHNMIL", "CHNGOV"], note="two targets")
    _review(client, bad["event_id"], verdict="wrong", reviewer="Ann")
    text = client.get("/api/reviews.jsonl").text
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(text, encoding="utf-8")
    gold, problems = read_gold(gold_path)
    assert problems == [] and len(gold) == 3
    g = {r["event_id"]: r for r in gold}
    assert g[good["event_id"]]["verdict"] == "correct" and g[good["event_id"]]["reviews"] == 2
    assert g[fix["event_id"]]["gold"]["targets"] == ["CHNMIL", "CHNGOV"]
    assert g[fix["event_id"]]["coder"]["targets"] == ["CHNMIL"] and g[bad["event_id"]]["gold"] is None
    assert g[fix["event_id"]]["sentence"].startswith("Indian and Chinese soldiers clashed")
    client.app.state.ew.con.close()  # the server held the file
    con = duckdb.connect(str(db), read_only=True)
    before = score(gold, con)
    con.close()
    assert (before["gold_events"], before["matched"], before["right"], before["wrong_still_produced"]) == (2, 2, 1, 1)
    assert before["precision"] == pytest.approx(1 / 3) and before["recall"] == pytest.approx(0.5)
    assert before["f1"] == pytest.approx(0.4) and before["accepted_at_review"] == pytest.approx(1 / 3)
    assert before["field_accuracy"]["targets"] == pytest.approx(0.5)
    # a better coder: drops the negated event, finds both targets; event ids change, the gold still applies
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM events WHERE event_id = ?", [bad["event_id"]])
    con.execute("UPDATE events SET event_id = 'new-id', targets = list_concat(targets, [struct_pack(text := 'Chinese', "
                "char_start := NULL::INTEGER, char_end := NULL::INTEGER, name := 'China', code := 'CHNGOV', country := 'CHN', "
                "sector := 'GOV', qid := NULL::VARCHAR)]) WHERE event_id = ?", [fix["event_id"]])
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    after = score(gold, con)
    con.close()
    assert (after["right"], after["wrong_still_produced"], after["wrong_gone"]) == (2, 0, 1)
    assert after["precision"] == 1.0 and after["recall"] == 1.0 and after["f1"] == 1.0
    # the same through the command line
    res = CliRunner().invoke(cli_app, ["eval", "reviews", str(gold_path), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["f1"] == 1.0
    out = tmp_path / "again.jsonl"
    res = CliRunner().invoke(cli_app, ["eval", "export-reviews", str(out), "--db", str(db)])
    assert res.exit_code == 0 and "3 reviewed events" in res.stdout
    assert [json.loads(x)["event_id"] for x in out.read_text().splitlines()] == [r["event_id"] for r in gold]


def test_gold_reader_reports_bad_lines(tmp_path):
    p = tmp_path / "g.jsonl"
    p.write_text('{"article_id": "a", "sentence_start": 0, "sentence_end": 5, "verdict": "correct", "gold": {}}\n'
                 'not json\n{"article_id": "a", "verdict": "correct"}\n', encoding="utf-8")
    gold, problems = read_gold(p)
    assert len(gold) == 1 and problems == ["line 2: not JSON (Expecting value)",
                                           "line 3: missing sentence_start, sentence_end"]


# -- without the corpus view (a database from before issue 6) -----------------------------------------

@pytest.fixture
def fallback_client(tmp_path, web_fallback_template):
    db = tmp_path / "nocorpus.duckdb"
    shutil.copy(web_fallback_template, db)
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c:
        yield c
    app.state.ew.con.close()


def test_single_mention_fallback(fallback_client):
    c = fallback_client
    ev = c.get("/api/events", params={"limit": 1}).json()["events"][0]
    m = c.get(f"/api/events/{ev['event_id']}").json()
    assert m["aggregated"] == [] and len(m["mentions"]) == 1
    assert m["mentions"][0]["is_self"] and m["mentions"][0]["sentence"] == ev["sentence"]
    assert "No corpus view in this database" in c.get(f"/events/{ev['event_id']}").text


def test_without_corpus_view_everything_counts_coded_events(fallback_client):
    c = fallback_client
    meta = c.get("/api/meta").json()
    assert (meta["aggregated"], meta["stories"], meta["default_unit"]) == (False, False, "coded")
    assert "missing" in meta["corpus_note"]
    stats = c.get("/api/stats").json()
    assert stats["events"] == 59 and "aggregated_events" not in stats and "copies" not in stats
    assert sum(d["total"] for d in c.get("/api/stats/daily").json()) == 59
    html = c.get("/").text
    assert "Counting coded events" in html and "no corpus view" in html
    assert '<div class="card main" data-count="events"><div class="num">59</div>' in html
    # what needs the corpus view says so instead of failing
    assert c.get("/api/stats/daily", params={"unit": "aggregated"}).status_code == 422
    assert c.get("/api/events", params={"story": "x"}).status_code == 422
    assert c.get("/events", params={"story": "x"}).status_code == 422
    assert c.get("/api/events.csv", params={"story": "x"}).status_code == 422
    assert c.get("/api/aggregated-events").status_code == 404
    assert c.get("/api/stories").status_code == 404
    r = c.get("/stories")
    assert r.status_code == 200 and 'id="no-stories"' in r.text
    assert c.get("/stories/x").status_code == 404
    aid = c.get("/api/events", params={"limit": 1}).json()["events"][0]["article_id"]
    a = c.get(f"/api/articles/{aid}").json()
    assert a["corpus"] is None and 'id="corpus"' not in c.get(f"/articles/{aid}").text
    for path in PAGES:
        assert c.get(path).status_code == 200, path


# -- the corpus view (issue 6): real-world events, mentions, stories, copies -------------------------

@pytest.fixture(scope="module")
def real_db(tmp_path_factory, web_real_template) -> Path:
    db = tmp_path_factory.mktemp("webreal") / "real.duckdb"
    shutil.copy(web_real_template, db)
    return db


@pytest.fixture
def real_client(real_db):
    app = create_app(real_db, allowed_hosts=HOST)
    with TestClient(app) as c:
        yield c
    app.state.ew.con.close()


def _q(client: TestClient, sql: str, params: list | None = None) -> list[tuple]:
    """Rows read straight from the database (through the app's connection, which holds the file)."""
    cur = client.app.state.ew.con.cursor()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


def _agg_day(date: str | None, first_seen) -> str | None:
    """An aggregated event's day: its date when known to the day, else none (never the day it was seen)."""
    return date[:10] if len(date or "") >= 10 else None


def test_dashboard_counts_real_world_events(real_client):
    """The dashboard counts aggregated events: every figure equals a count computed from
    ``aggregated_events`` here, and copies of an article do not inflate it."""
    c = real_client
    aggs = _q(c, "SELECT agg_event_id, date, first_seen, modality, quad_class, plover_type, location_lat, "
                 "location_country, source_code, source_name, target_code, target_name FROM aggregated_events")
    n, n_events = len(aggs), _q(c, "SELECT count(*) FROM events")[0][0]
    copies = _q(c, "SELECT count(*) FROM article_corpus WHERE is_duplicate")[0][0]
    assert n > 0 and copies == 3  # the generated story: two near copies and a German translation
    stats = c.get("/api/stats").json()
    assert stats["aggregated_events"] == n and stats["events"] == n_events
    assert stats["aggregated_asserted"] == sum(1 for a in aggs if a[3] == "asserted")
    assert stats["aggregated_located"] == sum(1 for a in aggs if a[6] is not None)
    assert (stats["copies"], stats["originals"], stats["articles_pending"]) == (copies, stats["articles"] - copies, 0)
    assert c.get("/api/meta").json()["default_unit"] == "aggregated"
    html = c.get("/").text
    assert "Counting real-world events." in html and f"they are <strong>{n} real-world events</strong>" in html
    for key, value in (("aggregated_events", n), ("events", n_events), ("copies", copies), ("stories", stats["stories"])):
        assert f'data-count="{key}"><div class="num">{value}</div>' in html, key
    # the chart, by day and QuadClass
    daily = c.get("/api/stats/daily").json()
    by_day: dict[str, int] = {}
    for a in aggs:
        d = _agg_day(a[1], a[2])
        if d is not None:
            by_day[d] = by_day.get(d, 0) + 1
    assert {d["day"]: d["total"] for d in daily} == by_day
    assert sum(d["q1"] for d in daily) == sum(1 for a in aggs if a[4] == 1 and _agg_day(a[1], a[2]))
    # breakdowns and pairs
    modality = {r["value"]: r["n"] for r in c.get("/api/stats/breakdown", params={"by": "modality"}).json()}
    want: dict[str, int] = {}
    for a in aggs:
        want[a[3]] = want.get(a[3], 0) + 1
    assert modality == want
    pairs = c.get("/api/actor-pairs", params={"limit": 200}).json()
    want_pairs: dict[tuple, int] = {}
    for a in aggs:
        s, t = a[8] or a[9], a[10] or a[11]
        if s and t:
            want_pairs[(s, t)] = want_pairs.get((s, t), 0) + 1
    assert {(p["source"], p["target"]): p["n"] for p in pairs} == want_pairs
    m = c.get("/api/map").json()
    assert sum(p["n"] for p in m["points"]) == stats["aggregated_located"]
    # copies inflate coded events, not real-world events
    sid = _q(c, "SELECT story_id FROM stories WHERE n_duplicates = 3")[0][0]
    coded = c.get("/api/events", params={"story": sid}).json()["total"]
    real = c.get("/api/aggregated-events", params={"story": sid}).json()["total"]
    distinct = _q(c, "SELECT count(DISTINCT m.agg_event_id) FROM event_mentions m JOIN article_corpus c USING (article_id) "
                     "WHERE c.story_id = ?", [sid])[0][0]
    assert coded == _q(c, "SELECT count(*) FROM events JOIN article_corpus USING (article_id) WHERE story_id = ?",
                       [sid])[0][0]
    assert real == distinct and coded > real
    dash = c.get("/", params={"story": sid}).text
    assert f'data-count="aggregated_events"><div class="num">{n}</div>' in dash  # cards: the whole database
    assert sum(d["total"] for d in c.get("/api/stats/daily", params={"story": sid}).json()) == real
    coded_html = c.get("/", params={"unit": "coded"}).text
    assert "Counting coded events" in coded_html
    assert sum(d["total"] for d in c.get("/api/stats/daily", params={"unit": "coded"}).json()) == n_events


def test_aggregated_counts_follow_duplicate_groups(real_client):
    """NumArticles counts duplicate groups, NumCopies articles: checked against ``event_mentions`` and
    ``article_corpus`` for every aggregated event listed by the API."""
    c = real_client
    want = {r[0]: (r[1], r[2]) for r in _q(c, """
        SELECT m.agg_event_id, count(DISTINCT coalesce(ac.dup_group, m.article_id)), count(DISTINCT m.article_id)
        FROM event_mentions m LEFT JOIN article_corpus ac USING (article_id) GROUP BY 1""")}
    got, off = {}, 0
    while True:
        page = c.get("/api/aggregated-events", params={"limit": 50, "offset": off, "sort": "reports"}).json()
        got.update({e["agg_event_id"]: (e["num_articles"], e["num_copies"]) for e in page["events"]})
        off += 50
        if off >= page["total"]:
            break
    assert got == want and any(cp > na for na, cp in got.values())


def test_event_page_lists_every_mention_with_copy_marks(real_client):
    c = real_client
    top = c.get("/api/aggregated-events", params={"sort": "reports", "limit": 1}).json()["events"][0]
    assert top["num_copies"] > top["num_articles"]  # reported by an article and its copies
    data = c.get(f"/api/events/{top['best_event_id']}").json()
    agg_ids = [g["agg_event_id"] for g in data["aggregated"]]
    assert top["agg_event_id"] in agg_ids
    want = _q(c, "SELECT count(*), count(*) FILTER (WHERE ac.is_duplicate) FROM event_mentions m "
                 "JOIN article_corpus ac USING (article_id) WHERE m.agg_event_id IN (SELECT unnest(?))", [agg_ids])[0]
    mentions = data["mentions"]
    assert len(mentions) == want[0] and sum(1 for m in mentions if m["is_duplicate"]) == want[1] > 0
    assert sum(m["is_self"] for m in mentions) == len(agg_ids)  # its own mention in each of its dyads
    for m in mentions:
        if m["is_duplicate"]:
            assert m["duplicate_of"] and m["original_title"] and m["duplicate_kind"] in ("exact", "near", "translation")
        assert m["sentence"][m["trigger_start"] - m["sentence_start"]:m["trigger_end"] - m["sentence_start"]] == m["trigger"]
    html = c.get(f"/events/{top['best_event_id']}").text
    block = html.split(f'id="agg-{top["agg_event_id"]}"')[1].split('<div class="agg"')[0]
    assert f'<dd class="num-articles" title="NumArticles: independent articles (duplicate groups) with a mention">{top["num_articles"]}</dd>' in block
    rows = block.split("<tbody>")[1].split("</tbody>")[0]
    n_rows = rows.count("<tr ")
    assert n_rows == top["num_copies"] and rows.count('<span class="copy"') == top["num_copies"] - top["num_articles"]
    assert '<span class="hl trig" title="trigger:' in rows  # the trigger highlighted in each sentence
    one = c.get(f"/api/aggregated-events/{top['agg_event_id']}").json()
    assert one["event"]["num_mentions"] == top["num_mentions"] and len(one["mentions"]) == top["num_copies"]
    assert c.get("/api/aggregated-events/nope").status_code == 404


def test_stories_pages(real_client):
    c = real_client
    n = _q(c, "SELECT count(*) FROM stories")[0][0]
    res = c.get("/api/stories", params={"limit": 200}).json()
    assert res["total"] == n == len(res["stories"])
    page = c.get("/stories").text
    assert f'<strong id="total">{n}</strong>' in page and page.count('<a href="/stories/') == n
    oslo = c.get("/api/stories", params={"q": "talks in oslo"}).json()
    assert oslo["total"] == 1
    s = oslo["stories"][0]
    assert (s["n_articles"], s["n_unique"], s["n_duplicates"], s["languages"]) == (5, 2, 3, ["de", "en"])
    st = c.get(f"/api/stories/{s['story_id']}").json()
    assert len(st["articles"]) == 5
    [main] = [r for r in st["reports"] if r["copies"]]
    assert sorted(x["duplicate_kind"] for x in main["copies"]) == ["near", "near", "translation"]
    assert all(x["duplicate_of"] == main["original"]["article_id"] for x in main["copies"])
    n_events = _q(c, "SELECT count(*) FROM aggregated_events WHERE list_contains(story_ids, ?)", [s["story_id"]])[0][0]
    assert st["n_agg_events"] == len(st["events"]) == n_events > 0
    html = c.get(f"/stories/{s['story_id']}").text
    table = html.split('id="story-articles"')[1].split("</table>")[0]
    assert table.count('<tr class="copy-row">') == 3 and table.count('<tr class="orig-row">') == 2
    assert table.count('<span class="copy">translation</span>') == 1 and table.count('<span class="copy">near copy</span>') == 2
    assert html.split('id="story-events"')[1].split("</table>")[0].count('<tr class="quad-') == n_events
    # the story filter on the events table
    ev = c.get("/events", params={"story": s["story_id"], "unit": "aggregated"}).text
    assert f'<strong id="total">{n_events}</strong>' in ev and "talks in Oslo</a>" in ev
    coded = _q(c, "SELECT count(*) FROM events JOIN article_corpus USING (article_id) WHERE story_id = ?", [s["story_id"]])[0][0]
    assert f'<strong id="total">{coded}</strong>' in c.get("/events", params={"story": s["story_id"]}).text
    csv_rows = list(csv.DictReader(io.StringIO(c.get("/api/aggregated-events.csv", params={"story": s["story_id"]}).text)))
    assert len(csv_rows) == n_events and all(s["story_id"] in r["story_ids"].split(";") for r in csv_rows)
    assert c.get("/stories/nope").status_code == 404 and c.get("/api/stories/nope").status_code == 404
    assert c.get("/api/stories", params={"sort": "articles"}).json()["stories"][0]["n_articles"] == 5


def test_article_page_shows_story_and_copies(real_client):
    c = real_client
    orig_id, n_copies = _q(c, "SELECT duplicate_of, count(*) FROM article_corpus WHERE is_duplicate GROUP BY 1")[0]
    a = c.get(f"/api/articles/{orig_id}").json()["corpus"]
    assert a["is_duplicate"] is False and len(a["copies"]) == n_copies == 3 and a["story"]["n_articles"] == 5
    assert len(a["pairs"]) >= 3
    html = c.get(f"/articles/{orig_id}").text
    assert '<span class="orig">original</span> with 3 copies' in html and html.count('href="/stories/') >= 1
    tr_id = _q(c, "SELECT article_id FROM article_corpus WHERE duplicate_kind = 'translation'")[0][0]
    t = c.get(f"/api/articles/{tr_id}").json()
    assert t["language"] == "de" and t["corpus"]["duplicate_of"] == orig_id
    html = c.get(f"/articles/{tr_id}").text
    status = html.split('id="dup-status">')[1].split("</td>")[0]
    assert '<span class="copy">translation</span>' in status and f'href="/articles/{orig_id}"' in status
    # and the events table marks rows from copies
    ev = c.get("/events", params={"story": t["corpus"]["story_id"], "per_page": 200}).text
    n_copy_events = _q(c, "SELECT count(*) FROM events JOIN article_corpus USING (article_id) WHERE is_duplicate")[0][0]
    assert ev.count("copy</span></td>") == n_copy_events > 0


def test_corpus_pages_escape_and_bind(real_client, real_db, tmp_path):
    """Story labels and titles come from articles: untrusted. Filter values are bound, pages capped."""
    c = real_client
    assert c.get("/api/aggregated-events", params={"limit": 201}).status_code == 422
    assert c.get("/api/stories", params={"limit": 201}).status_code == 422
    assert c.get("/stories", params={"per_page": 500}).status_code == 422
    assert c.get("/api/stats/daily", params={"unit": "both"}).status_code == 422
    inj = "x' OR 1=1; DROP TABLE stories; --"
    assert c.get("/api/aggregated-events", params={"story": inj}).json()["total"] == 0
    assert c.get("/api/stories", params={"q": inj}).json()["total"] == 0
    assert c.get("/api/stories", params={"q": "%"}).json()["total"] == 0  # LIKE wildcards literal
    assert c.get("/api/stats").json()["stories"] > 0
    c.app.state.ew.con.close()
    db = tmp_path / "evil.duckdb"
    shutil.copy(real_db, db)
    con = duckdb.connect(str(db))
    sid = con.execute("SELECT story_id FROM stories WHERE n_duplicates = 3").fetchone()[0]
    con.execute("UPDATE stories SET label = ?", [EVIL])
    aid = con.execute("SELECT article_id FROM article_corpus WHERE story_id = ? AND is_duplicate LIMIT 1", [sid]).fetchone()[0]
    con.execute("UPDATE articles SET title = ? WHERE article_id IN (SELECT article_id FROM article_corpus WHERE story_id = ?)",
                [EVIL, sid])
    con.close()
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c2:
        top = c2.get("/api/aggregated-events", params={"sort": "reports", "limit": 1}).json()["events"][0]
        pages = [c2.get("/stories").text, c2.get(f"/stories/{sid}").text, c2.get(f"/articles/{aid}").text,
                 c2.get("/events", params={"story": sid}).text, c2.get(f"/events/{top['best_event_id']}").text]
    app.state.ew.con.close()
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html


def test_aggregated_review_filter(client):
    c = client
    top = c.get("/api/aggregated-events", params={"limit": 1}).json()["events"][0]
    total = c.get("/api/aggregated-events").json()["total"]
    assert c.get("/api/aggregated-events", params={"review": "reviewed"}).json()["total"] == 0
    _review(c, top["best_event_id"], verdict="correct", reviewer="Ann")
    n_aggs = len(c.get(f"/api/events/{top['best_event_id']}").json()["aggregated"])
    got = c.get("/api/aggregated-events", params={"review": "correct", "limit": 200}).json()
    assert got["total"] == n_aggs and top["agg_event_id"] in {e["agg_event_id"] for e in got["events"]}
    assert c.get("/api/aggregated-events", params={"review": "unreviewed"}).json()["total"] == total - n_aggs


# -- units -------------------------------------------------------------------------------------------

def test_highlight_escapes_and_nests():
    text = 'A <b>"x"</b> & B'
    out = highlight(text, [Span(0, 1, ("src",), "s<1>"), Span(0, 12, ("quote",)), Span(15, 16, ("tgt",), href="/events/a\"b")])
    assert out == ('<span class="hl quote src" title="s&lt;1&gt;">A</span><span class="hl quote"> &lt;b&gt;&quot;x&quot;&lt;/b&gt;</span>'
                   ' &amp; <a href="/events/a&quot;b" class="hl tgt">B</a>')
    with pytest.raises(ValueError):
        highlight("x", [Span(0, 1, ("bad class",))])


def test_world_geometry_decoding():
    topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [-180, -90]},
            "arcs": [[[10, 10], [10, 0], [0, 10]], [[10, 10], [0, 10], [10, 0]],
                     [[359, 100], [-358, 0], [0, 5], [358, 0], [0, -5]]],
            "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, ~1]], "id": "231", "properties": {"name": "Ethiopia"}},
                {"type": "Polygon", "arcs": [[2]], "properties": {"name": "Wrap"}}]}}}
    w = topojson_to_world(topo, "test")
    eth, wrap = w["countries"]
    assert (eth["id"], eth["iso3"], eth["name"]) == ("231", "ETH", "Ethiopia")
    assert eth["d"] == "M-170.00,80.00L-160.00,80.00L-160.00,70.00L-170.00,70.00L-170.00,80.00Z"
    # crosses the antimeridian: unwrapped (179 -> 181) and drawn again shifted by -360 (-181 -> -179)
    assert wrap["iso3"] is None
    assert wrap["d"] == ("M179.00,-10.00L181.00,-10.00L181.00,-15.00L179.00,-15.00L179.00,-10.00Z"
                         "M-181.00,-10.00L-179.00,-10.00L-179.00,-15.00L-181.00,-15.00L-181.00,-10.00Z")


def test_world_geometry_is_built(tmp_path):
    """``make install`` builds the outlines from npm world-atlas; CI must have them."""
    import os

    if not WORLD_FILE.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{WORLD_FILE} missing: make install runs python -m eventwire.web.assets")
        pytest.skip(f"{WORLD_FILE} missing (needs npm): python -m eventwire.web.assets")
    w = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    assert len(w["countries"]) == 177 and "Natural Earth" in w["source"]
    assert {"ETH", "USA", "CHN", "RUS", "FJI"} <= {c["iso3"] for c in w["countries"]}
    licence = (WORLD_FILE.parent / "world-atlas-LICENSE.txt").read_text()
    assert "ISC" in licence and "Michael Bostock" in licence and "public domain" in licence


def test_token_and_host_helpers():
    assert resolve_token(False, {}) == (None, False)
    tok, gen = resolve_token(True, {})
    assert gen and len(tok) == 32
    assert resolve_token(True, {"EVENTWIRE_WRITE_TOKEN": "from-env-0123456789"}) == ("from-env-0123456789", False)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_serve_command_errors(tmp_path, db, monkeypatch):
    r = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert r.exit_code == 2 and "no database" in r.output
    monkeypatch.setenv("EVENTWIRE_WRITE_TOKEN", "short")
    r = CliRunner().invoke(cli_app, ["serve", "--db", str(db)])
    assert r.exit_code == 2 and "at least 16" in r.output


def test_serve_on_a_port_in_use_is_a_clear_error_before_the_start_message(tmp_path, db):
    """A second `eventwire serve` on a busy port printed 'read-only on http://localhost:PORT/' (a URL
    another program answers), then uvicorn's '[Errno 98]' and exit 3: now one error line, exit 2."""
    import socket

    from eventwire.web.server import listen_error

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = CliRunner().invoke(cli_app, ["serve", "--db", str(db), "--port", str(port)], terminal_width=300)
        assert r.exit_code == 2, r.output
        assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in r.output
        assert "another --port" in r.output and "read-only on" not in r.output
    assert listen_error("127.0.0.1", port) is None  # free again once the other socket is closed
    assert "Cannot assign requested address" in listen_error("192.0.2.1", port)  # not this machine's
