"""Aggregation keys and mention rows: dates at their granularity, actor keys, one mention per dyad."""
from __future__ import annotations

from datetime import date, datetime

from eventwire.corpus.aggregate import (actor_key, agg_event_id, code_key, date_key, date_range, global_event_id,
                                        location_key, mention_rows)
from eventwire.corpus.update import lead_end, outlet_key


def test_date_key_cuts_to_the_day_and_falls_back_to_publication_only():
    assert date_key("2021-10-09T13:24", "2021-10-10") == ("2021-10-09", "event")
    assert date_key("2021-10", None) == ("2021-10", "event")
    assert date_key("2021-W40", None) == ("2021-W40", "event")
    assert date_key(None, "2021-10-10T08:00:00Z") == ("2021-10-10", "published")
    assert date_key("sometime", None) == (None, "none")  # never the day it was stored


def test_date_range():
    assert date_range("2021-10-09") == (date(2021, 10, 9), date(2021, 10, 9))
    assert date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("2001") == (date(2001, 1, 1), date(2001, 12, 31))
    assert date_range("2021-W40") == (date(2021, 10, 4), date(2021, 10, 10))
    assert date_range("2021-13") == (None, None) and date_range(None) == (None, None)


def test_keys():
    assert actor_key({"code": "USAGOV", "name": "United States"}) == "USAGOV"
    assert actor_key({"code": None, "name": "Sohail  Shaheen"}) == "~sohail shaheen"
    assert actor_key({"code": None, "name": None, "text": "the envoys"}) == "~the envoys"
    assert actor_key(None) == ""
    assert code_key("0256", "CONSULT") == "0256" and code_key(None, "consult") == "plover:CONSULT"
    assert location_key(290030, "QAT") == "gn:290030" and location_key(None, "QAT") == "cc:QAT"
    k = agg_event_id("2021-10-09", "USAGOV", "AFGINS", "040", "gn:290030", "asserted")
    assert k != agg_event_id("2021-10-09", "USAGOV", "AFGINS", "040", "gn:290030", "future")
    assert 0 < global_event_id(k) < 2**63


def _actor(code, start):
    return {"text": code, "char_start": start, "char_end": start + 3, "name": code, "code": code,
            "country": code[:3], "sector": code[3:], "qid": None}


def test_one_mention_per_dyad_and_none_twice():
    ev = {"event_id": "e1", "article_id": "a1", "sent_idx": 2, "sentence_start": 100, "sentence_end": 200,
          "trigger": "met", "trigger_start": 120, "trigger_end": 123,
          "sources": [_actor("AFGINS", 101)],
          "targets": [_actor("EURGOV", 130), _actor("NORGOV", 140), _actor("USAGOV", 150), _actor("USAGOV", 160)],
          "cameo_code": "040", "cameo_base": "040", "cameo_root": "04", "plover_type": "CONSULT",
          "modality": "asserted", "confidence": 0.7, "date": "2021-10-07", "location_geonameid": 290030,
          "location_country": "QAT", "location_text": "Doha"}
    art = {"published": "2021-10-09T13:24", "stored_at": None, "seen_at": datetime(2021, 10, 9, 13, 24), "lead_end": 90}
    rows = mention_rows(ev, art, {290030: ("01", "PPLC")})
    assert [r["target_key"] for r in rows] == ["EURGOV", "NORGOV", "USAGOV"]  # the US twice: one mention
    assert len({r["agg_event_id"] for r in rows}) == 3 and len({r["mention_id"] for r in rows}) == 3
    r = rows[2]
    assert (r["source_start"], r["target_start"], r["location_admin1"], r["location_feature_code"]) == (101, 150, "01", "PPLC")
    assert r["in_lead"] is False and r["date"] == "2021-10-07" and r["date_basis"] == "event"
    no_target = mention_rows({**ev, "targets": []}, {**art, "lead_end": 500}, {})
    assert len(no_target) == 1 and no_target[0]["target_key"] == "" and no_target[0]["in_lead"] is True


def test_lead_paragraph_skips_short_headers():
    body = "Share this article\n\nBy Jane Doe\n\n" + " ".join(["word"] * 20) + "\n\nSecond paragraph."
    assert body[:lead_end(body)].endswith("word") and "Second" not in body[:lead_end(body)]
    assert lead_end("one short text") == len("one short text")


def test_outlet_key():
    assert outlet_key("www.Reuters.com", "Reuters") == "reuters.com"
    assert outlet_key(None, "Le  Monde") == "le monde" and outlet_key(None, None) is None
