"""Events are stored with all their fields in DuckDB and in the --jsonl records."""
from __future__ import annotations

import json

import duckdb
import pytest

from eventwire.runner import RunConfig, run

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory, seed_path):
    tmp = tmp_path_factory.mktemp("ev")
    db, jl = tmp / "ew.duckdb", tmp / "out.jsonl"
    stats, _ = run([str(seed_path)], RunConfig(db=str(db), jsonl=str(jl)))
    assert stats.articles == 1
    return db, jl


def test_events_table_holds_every_field(seed_db):
    db, _ = seed_db
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""
        SELECT e.event_id, e.sentence, e.trigger, substr(a.body, e.trigger_start + 1, e.trigger_end - e.trigger_start),
               e.sources, e.targets, e.source_code, e.cameo_code, e.cameo_base, e.cameo_root, e.plover_type,
               e.quad_class, e.goldstein, e.modality, e.confidence, e.coder, e.decided_by, e.attribution_text
        FROM events e JOIN articles a USING (article_id) ORDER BY e.sent_idx, e.trigger_start""").fetchall()
    assert 10 <= len(rows) <= 25
    assert len({r[0] for r in rows}) == len(rows)  # stable, unique ids
    for r in rows:
        assert r[2] == r[3] and r[2] in r[1]  # trigger offsets point at the trigger inside the sentence
        assert r[4] and isinstance(r[4], list) and {"text", "char_start", "char_end", "code", "country", "qid"} <= set(r[4][0])
        assert r[6] == r[4][0]["code"]
        assert r[8] == r[7][:3] and r[9] == r[7][:2] and r[10] and r[11] in (1, 2, 3, 4)
        assert r[13] in ("asserted", "future", "intent", "negation", "hypothetical", "historical")
        assert 0 < r[14] <= 1 and r[15].startswith(("eventwire-rules/1:", "eventwire-detector/1 + ")) and r[16]
        assert r[16] in ("dictionary", "classifier", "both", "detector")
        assert r[15].startswith("eventwire-detector/1 + ") == (r[16] == "detector")
    held = [r for r in rows if r[2] == "held"][0]
    assert len(held[5]) == 10 and {t["code"] for t in held[5]} >= {"NOR", "SWE", "IGOEEC"}
    assert held[4][0]["qid"] == "Q42418"  # the Taliban
    # a query researchers will write: one row per recipient
    n = con.execute("SELECT count(*) FROM (SELECT unnest(targets) AS t FROM events) WHERE t.country = 'NOR'").fetchone()[0]
    assert n >= 1
    codes = dict(con.execute("SELECT text, actor_code FROM entities WHERE actor_code IS NOT NULL").fetchall())
    assert codes.get("Taliban") == "AFGINSTAL"


def test_jsonl_records_carry_events(seed_db):
    _, jl = seed_db
    (rec,) = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]
    evs = rec["events"]
    assert evs and all({"sources", "targets", "cameo_code", "plover_type", "modality", "confidence", "coder",
                        "decided_by", "attribution_text", "trigger_start", "sentence_start"} <= set(e) for e in evs)
    assert all(isinstance(e["sources"], list) and "start" in e["sources"][0] for e in evs)
