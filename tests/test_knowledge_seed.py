"""The seed article: every item of expected.json's ``places``, ``dates`` and ``quotes`` passes.

Rules (../shared/seed/README.md): places resolve to the GeoNames id / coordinates (within 25 km) and
country given; dates resolve to one of ``resolves_to_any`` against the publication date; quotes are
found with a speaker matching one of ``speaker_any`` (case-insensitive substring) and, through the
actors annotator, the speaker's country.
"""
from __future__ import annotations

import math

import pytest

from eventwire.context.annotate import annotate_event_context
from eventwire.records import Actor, Event

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def seed(seed_path, nlp):
    from eventwire.ingest.files import iter_documents
    from eventwire.pipeline import process_batch

    docs = [d for d in iter_documents([str(seed_path)]) if hasattr(d, "doc_id")]
    (out,) = process_batch(docs, nlp)
    assert out.article is not None
    return out.article


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_seed_places(seed, seed_expected):
    for item in seed_expected["places"]:
        found = [p for p in seed.places if p.text == item["mention"]]
        assert found, f"no place for {item['mention']!r}"
        for p in found:
            assert p.country == item["country"], (item, p)
            assert seed.body[p.start:p.end] == p.text
            if "geonameid" in item:
                assert p.geonameid == item["geonameid"]
            if "lat" in item:
                assert _km(p.lat, p.lon, item["lat"], item["lon"]) <= 25, (item, p)
            if item.get("feature") == "country":
                assert (p.feature_class, p.feature_code) == ("A", "PCL")
                assert p.lat is not None and p.lon is not None
    # Doha is where the talks are held
    assert any(p.text == "Doha" and p.role == "event_location" for p in seed.places)
    # "Washington, DC, is ready to recognize ..." is metonymy: an actor, not a place
    wash = [p for p in seed.places if p.text.startswith("Washington")]
    assert wash and all(p.role == "actor" for p in wash)


def test_seed_dates(seed, seed_expected):
    for item in seed_expected["dates"]:
        pos = seed.body.index(item["mention"])
        hits = [t for t in seed.times if t.start < pos + len(item["mention"]) and pos < t.end]
        assert hits, f"no time expression at {item['mention']!r}"
        t = hits[0]
        ok = t.value in item["resolves_to_any"] or (
            t.range_start in item["resolves_to_any"] and t.range_end in item["resolves_to_any"])
        assert ok, (item, t)
        assert t.anchor == "2021-10-09"


def test_seed_quotes(seed, seed_expected):
    for item in seed_expected["quotes"]:
        found = sorted((q for q in seed.quotes if item["contains"] in q.text), key=lambda q: q.kind != "direct")
        assert found, f"no quote containing {item['contains']!r}"
        q = found[0]
        assert q.kind == "direct"
        assert q.speaker_text and any(s.lower() in q.speaker_text.lower() for s in item["speaker_any"]), (item, q)
        assert q.speaker_country == item["speaker_country"], (item, q)
        assert seed.body[q.speaker_start:q.speaker_end] == q.speaker_text
        assert q.cue
        if "via" in item:
            assert q.via and item["via"].lower() in q.via.lower()
    # the quote given to "the news agency France Press agency"
    q = next(q for q in seed.quotes if "respect the rights" in q.text)
    assert q.cue == "told" and "France Press" in (q.via or "")
    # scare quotes are not quotations
    assert not any(q.text in ("gain", "actions", "humanitarian crisis") for q in seed.quotes)


def test_seed_amounts(seed):
    got = {(a.text, a.value, a.counted) for a in seed.amounts}
    assert ("dozens of Americans", 24.0, "Americans") in got
    assert ("thousands of Afghans", 2000.0, "Afghans") in got
    assert not any("17 billion" in a.text for a in seed.amounts)  # boilerplate, not in the body


def _event(article, evidence: str, trigger: str, modality: str = "asserted", sources=()) -> Event:
    s = article.body.index(evidence)
    t = article.body.index(trigger, s)
    sent = next(x for x in article.sentences if x.start <= s < x.end)
    return Event(sent.idx, sent.start, sent.end, trigger, t, t + len(trigger), sources=list(sources),
                 modality=modality)


def test_seed_event_context(seed, nlp):
    a = seed
    doc = nlp(a.body)
    us = a.body.index("US delegation")
    talks = _event(a, "A US delegation wants to meet", "meet", "intent", [Actor("US", us, us + 2)])
    envoys = _event(a, "he had already held a meeting with envoys", "held")
    invasion = _event(a, "as a result of the US invasion in 2001", "invasion")
    denied = _event(a, "as a result of the US invasion in 2001", "invasion", "negation")
    later = _event(a, "Isolating Afghanistan has proven", "Isolating")
    a.events = [talks, envoys, invasion, denied, later]
    annotate_event_context(a, doc)
    assert (talks.location_text, talks.location_geonameid, talks.location_country) == ("Doha", 290030, "QAT")
    assert _km(talks.location_lat, talks.location_lon, 25.2854, 51.5310) <= 25
    assert talks.date in ("2021-10-09", "2021-10-10") and talks.date_granularity == "weekend"
    assert talks.modality == "intent"
    assert (envoys.location_text, envoys.location_country, envoys.date) == ("Doha", "QAT", "2021-10-07")
    assert invasion.date == "2001" and invasion.modality == "historical"
    assert denied.modality == "negation"  # a denial stays a denial
    # no place or date near it: undated (the publication date is not the event's), no location
    assert later.date is None and later.date_granularity is None and later.location_text is None
    a.events = []
