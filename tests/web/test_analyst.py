"""The web app as an analyst uses it: reviews checked against the codebooks (issue 14 item 5), request
bodies capped, and the analyst's additions (issue 17 item 4), on the web fixture database."""
from __future__ import annotations


import pytest
from fastapi.testclient import TestClient

from eventwire.store import reviews as review_store
from eventwire.web.app import MAX_BODY_BYTES, create_app
from tests.web.conftest import HOST, TOKEN

AUTH = {"X-Eventwire-Token": TOKEN}


def _event(client, cameo: str) -> dict:
    cur = client.app.state.ew.con.cursor()
    try:
        r = cur.execute("SELECT * FROM events WHERE cameo_code = ? ORDER BY event_id LIMIT 1", [cameo])
        names = [d[0] for d in r.description]
        return dict(zip(names, r.fetchone()))
    finally:
        cur.close()


# -- reviews: every code checked against the codebooks -------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ({"cameo_code": "999"}, "cameo_code '999' is not a CAMEO 1.1b3 event code"),
    ({"cameo_code": "0999"}, "cameo_code '0999' is not a CAMEO 1.1b3 event code"),
    ({"plover_type": "NOT_A_TYPE"}, "plover_type 'NOT_A_TYPE' is not a PLOVER event type"),
    ({"plover_mode": "arrest"}, "plover_mode 'arrest' is not a mode of CONSULT"),
    ({"sources": ["ZZZZZZ"]}, "sources: 'ZZZZZZ': 'ZZZ' is neither an ISO 3166 country code"),
    ({"targets": ["USAXYZ"]}, "targets: 'USAXYZ': 'XYZ' is not a CAMEO sector or a known group code"),
    ({"targets": ["USAGO"]}, "its parts are 3 letters each"),
    ({"quad_class": 7}, "less than or equal to 4"),
    ({"modality": "probably"}, "modality must be one of"),
])
def test_fixed_review_codes_are_checked_against_the_codebooks(client, body, message):
    ev = _event(client, "043")  # CONSULT
    r = client.post(f"/api/events/{ev['event_id']}/reviews", json={"verdict": "fixed", "reviewer": "Ann", **body},
                    headers=AUTH)
    assert r.status_code == 422, r.text
    assert message in str(r.json()["detail"]), r.json()


def test_a_fixed_review_must_change_something(client):
    ev = _event(client, "043")
    url = f"/api/events/{ev['event_id']}/reviews"
    same = {"verdict": "fixed", "reviewer": "Ann", "cameo_code": ev["cameo_code"], "plover_type": ev["plover_type"],
            "sources": [a["code"] for a in ev["sources"]]}
    r = client.post(url, json=same, headers=AUTH)
    assert r.status_code == 422 and "must change at least one value" in r.json()["detail"]
    assert client.post(url, json={"verdict": "fixed", "reviewer": "Ann"}, headers=AUTH).status_code == 422
    # a real fix is stored, with a mode of the corrected type (PLOVER modes are lower case: 'phone')
    r = client.post(url, json={"verdict": "fixed", "reviewer": "Ann", "plover_mode": "phone",
                               "targets": ["ETHGOV", "IGOUNOWFP", "AFGINSTAL"]}, headers=AUTH)
    assert r.status_code == 201, r.text
    assert (r.json()["plover_mode"], r.json()["targets"]) == ("phone", ["ETHGOV", "IGOUNOWFP", "AFGINSTAL"])
    # changing the type drops the coder's mode when it is not a mode of the new type
    r = client.post(url, json={"verdict": "fixed", "reviewer": "Bob", "cameo_code": "111", "plover_type": "ACCUSE"},
                    headers=AUTH)
    assert r.status_code == 201 and r.json()["plover_mode"] is None and r.json()["cameo_code"] == "111"


def test_actor_code_vocabulary():
    ok = ("USA", "USAGOV", "USAGOVMIL", "IGOUNO", "IGOUNOWFP", "IGOEEC", "AFGINSTAL", "MIL", "CHNGOVMED", "XKXGOV",
          "EUR", "WSTMIL")  # CAMEO region codes (table 3.3) too
    for code in ok:
        assert review_store.actor_code_problem(code) is None, code
    for code in ("ZZZZZZ", "ZZZ", "USAXYZ", "usa", "US", "USAGO"):
        assert review_store.actor_code_problem(code), code


# -- request bodies are capped --------------------------------------------------------------------------

def test_request_bodies_over_64_kb_get_413(client):
    ev = _event(client, "043")
    url = f"/api/events/{ev['event_id']}/reviews"
    big = b'{"verdict": "correct", "reviewer": "Ann", "note": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    r = client.post(url, content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413 and "at most 65,536 bytes" in r.json()["detail"]
    assert r.headers["content-security-policy"].startswith("default-src 'self'")

    def chunks():  # no Content-Length: counted while read
        yield b'{"verdict": "correct", "reviewer": "Ann", "note": "'
        for _ in range(40):
            yield b"y" * 4096
        yield b'"}'

    r = client.post(url, content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    # a normal review still works, and nothing of the refused ones was stored
    assert client.post(url, json={"verdict": "correct", "reviewer": "Ann"}, headers=AUTH).status_code == 201
    cur = client.app.state.ew.con.cursor()
    assert cur.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    cur.close()


def test_read_only_database_still_answers_413_before_403(db):
    app = create_app(db, allowed_hosts=HOST)
    with TestClient(app) as c:
        r = c.post("/api/events/x/reviews", content=b"x" * (MAX_BODY_BYTES + 10))
        assert r.status_code == 413
    app.state.ew.con.close()


# -- the analyst's additions -----------------------------------------------------------------------------

def _outlet_counts(client) -> dict[str, int]:
    cur = client.app.state.ew.con.cursor()
    try:
        return dict(cur.execute("""SELECT a.outlet, count(*) FROM events e JOIN articles a USING (article_id)
                                   WHERE a.outlet IS NOT NULL GROUP BY 1""").fetchall())
    finally:
        cur.close()


def test_outlet_filter(client):
    counts = _outlet_counts(client)
    assert len(counts) >= 3
    outlet, n = sorted(counts.items())[0]
    got = client.get("/api/events", params={"outlet": outlet.upper(), "limit": 200}).json()
    assert got["total"] == n and {e["article_outlet"] for e in got["events"]} == {outlet}
    agg = client.get("/api/aggregated-events", params={"outlet": outlet, "limit": 200}).json()
    cur = client.app.state.ew.con.cursor()
    n_agg = cur.execute("""SELECT count(DISTINCT m.agg_event_id) FROM event_mentions m JOIN articles a
                           USING (article_id) WHERE a.outlet = ?""", [outlet]).fetchone()[0]
    cur.close()
    assert agg["total"] == n_agg > 0  # real-world events with a mention in one of its articles
    assert client.get("/api/events", params={"outlet": "No Such Outlet"}).json()["total"] == 0
    page = client.get("/events", params={"outlet": outlet}).text
    assert f"<option selected>{outlet}</option>" in page  # the form shows the choice
    assert f"<strong id=\"total\">{n}</strong>" in page


def test_network_shows_names_next_to_codes(client):
    net = client.get("/api/network", params={"unit": "coded"}).json()
    by_id = {n["id"]: n for n in net["nodes"]}
    assert by_id["IGOUNO"]["name"] == "United Nations" and by_id["KENGOV"]["name"] == "Kenya"
    page = client.get("/network", params={"unit": "coded"}).text
    assert 'KENGOV <span class="dim">Kenya</span>' in page


def test_events_page_has_a_timeline_and_a_map_with_the_same_filters(client):
    page = client.get("/events", params={"plover": "ACCUSE", "unit": "aggregated"}).text
    assert 'id="daily-chart"' in page and 'data-src="/api/stats/daily?plover=ACCUSE&amp;unit=aggregated"' in page
    assert 'data-src="/api/map?plover=ACCUSE&amp;unit=aggregated"' in page
    daily = client.get("/api/stats/daily", params={"plover": "ACCUSE", "unit": "aggregated"}).json()
    total = client.get("/api/aggregated-events", params={"plover": "ACCUSE"}).json()["total"]
    dated = sum(d["total"] for d in daily)
    assert 0 < dated <= total


def test_filtered_downloads_as_parquet_and_plover(client, tmp_path):
    import io
    import json

    import pyarrow.parquet as pq

    from eventwire.store import plover

    n_coded = client.get("/api/events", params={"plover": "ACCUSE"}).json()["total"]
    r = client.get("/api/events.parquet", params={"plover": "ACCUSE"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    t = pq.read_table(io.BytesIO(r.content))
    assert t.num_rows == n_coded and set(t.column("plover_type").to_pylist()) == {"ACCUSE"}
    agg = client.get("/api/aggregated-events", params={"plover": "ACCUSE", "limit": 200}).json()
    t = pq.read_table(io.BytesIO(client.get("/api/aggregated-events.parquet", params={"plover": "ACCUSE"}).content))
    assert t.num_rows == agg["total"] and "num_articles" in t.column_names
    r = client.get("/api/aggregated-events.plover.jsonl", params={"plover": "ACCUSE"})
    recs = [json.loads(x) for x in r.text.splitlines()]
    happened = [e for e in agg["events"] if e["modality"] in ("asserted", "historical")]
    assert recs and len(recs) <= len(happened) and {x["event"][0] for x in recs} == {"ACCUSE"}
    for rec in recs:
        assert plover.validate(rec, dates="eventwire") == [], rec
    # with a modality filter, that modality only
    fut = client.get("/api/aggregated-events.plover.jsonl", params={"modality": "future"}).text.splitlines()
    assert fut and {json.loads(x)["modality"] for x in fut} == {"future"}


# -- an event the coder missed ---------------------------------------------------------------------------

def test_add_a_missed_event_from_the_article_page(client, tmp_path):
    import json

    from eventwire.evaluate.reviews import read_gold, score

    cur = client.app.state.ew.con.cursor()
    aid, body = cur.execute("SELECT article_id, body FROM articles WHERE title LIKE 'Ethiopia and Eritrea%'").fetchone()
    idx, s0, s1 = cur.execute("SELECT idx, char_start, char_end FROM sentences WHERE article_id = ? ORDER BY idx "
                              "LIMIT 1", [aid]).fetchone()
    cur.close()
    sentence = body[s0:s1]
    trigger = sentence.split()[2]
    page = client.get(f"/articles/{aid}").text
    assert 'id="missed-form"' in page and f'<option value="{idx}">' in page
    url = f"/api/articles/{aid}/missed-events"
    ok = {"reviewer": "Ann", "sent_idx": idx, "trigger": trigger, "cameo_code": "042", "sources": ["ethgov"],
          "targets": ["KENGOV"], "modality": "asserted"}
    assert client.post(url, json=ok).status_code == 401
    for bad, msg in ((dict(ok, cameo_code="999"), "not a CAMEO 1.1b3 event code"),
                     (dict(ok, sources=["ZZZZZZ"]), "'ZZZ' is neither an ISO 3166 country code"),
                     (dict(ok, trigger="no such words"), "is not in sentence"),
                     (dict(ok, sent_idx=9999), "the article has no sentence 9999"),
                     (dict(ok, sources=[]), "at least 1 item")):
        r = client.post(url, json=bad, headers=AUTH)
        assert r.status_code == 422 and msg in str(r.json()["detail"]), (bad, r.json())
    r = client.post(url, json=ok, headers=AUTH)
    assert r.status_code == 201, r.text
    row = r.json()
    assert (row["verdict"], row["event_id"], row["sources"], row["targets"]) == ("missed", None, ["ETHGOV"], ["KENGOV"])
    assert (row["plover_type"], row["plover_mode"], row["quad_class"]) == ("CONSULT", "visit", 1)  # from the map
    assert body[row["trigger_start"]:row["trigger_end"]] == trigger and s0 <= row["trigger_start"] < s1
    page = client.get(f"/articles/{aid}").text
    assert "Events the coder missed (1)" in page and "ETHGOV → KENGOV" in page
    # exported as gold with the reviews, and scored: the coder did not find it, so recall counts it
    lines = [json.loads(x) for x in client.get("/api/reviews.jsonl").text.splitlines()]
    missed = [g for g in lines if g["verdict"] == "missed"]
    assert len(missed) == 1 and missed[0]["gold"]["cameo_code"] == "042" and missed[0]["coder"] is None
    assert missed[0]["sentence"] == sentence and missed[0]["trigger"] == trigger
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in lines), encoding="utf-8")
    gold, problems = read_gold(gold_path)
    assert problems == [] and len(gold) == 1
    res = score(gold, client.app.state.ew.con.cursor())
    assert res["verdicts"] == {"missed": 1} and res["gold_events"] == 1 and res["right"] == 0
    # two missed events in one article are two gold records (not one "latest review")
    assert client.post(url, json=dict(ok, cameo_code="036", trigger=None), headers=AUTH).status_code == 201
    assert len([x for x in client.get("/api/reviews.jsonl").text.splitlines() if '"missed"' in x]) == 2
    assert "Events the coder missed (2)" in client.get(f"/articles/{aid}").text
