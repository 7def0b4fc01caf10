"""Provenance: the outlet registry, wire datelines, cited sources, translation, language marking."""
from __future__ import annotations

import json
import re
from importlib import resources

import pycountry
import pytest

from eventwire.extract import extract
from eventwire.extract.language import detect_language
from eventwire.extract.outlets import default_registry
from eventwire.extract.plaintext import parse_plaintext
from eventwire.extract.provenance import cited_sources, translated_from, wire_dateline
from eventwire.ingest import iter_documents
from eventwire.records import Document
from tests.conftest import EXAMPLES

TYPES = {"wire", "public", "state-affiliated", "private"}


def test_registry_has_150_outlets_with_every_field():
    raw = json.loads(resources.files("eventwire.data").joinpath("outlets.json").read_text("utf-8"))["outlets"]
    assert len(raw) >= 150
    countries = {c.alpha_3 for c in pycountry.countries} | {"HKG", "PSE", "TWN", "XKX"}
    languages = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    for o in raw:
        assert o["name"] and o["domains"], o
        assert o["type"] in TYPES, o
        assert o["country"] in countries, o
        assert o["languages"] and set(o["languages"]) <= languages, o
        assert all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", d) for d in o["domains"]), o
    reg = default_registry()
    assert sum(1 for o in reg.outlets if o.is_agency) >= 60
    pap = reg.by_name("PAP")
    assert (pap.name, pap.country, pap.is_agency) == ("Polish Press Agency", "POL", True)
    assert reg.by_domain("https://www.france24.com/en/live-news/x").languages[:2] == ("fr", "en")
    assert reg.by_domain("de.rt.com").name == "RT DE"


@pytest.mark.parametrize("text, language, outlet, expected", [
    ("The talks resumed in Doha.", "en", "France 24", None),        # France 24 publishes in English too
    ("The talks resumed in Doha.", "en", "RT DE", "de"),            # RT DE publishes only in German
    ("Die Gespräche wurden fortgesetzt.", "de", "RT DE", None),
    ("The talks resumed. This article was translated from Russian.", "en", "France 24", "ru"),
    ("The talks resumed. This text was machine-translated.", "en", "BBC", "und"),
    ("The talks resumed in Doha.", "en", None, None),
])
def test_translated_from(text, language, outlet, expected):
    entry = default_registry().by_name(outlet) if outlet else None
    assert translated_from(text, language, entry.languages if entry else None) == expected


def test_france24_english_html_is_not_a_translation():
    html = ("<html lang='en'><head><title>Talks resume in Doha - France 24</title></head><body><article>"
            "<h1>Talks resume in Doha</h1>" + "<p>US and Taliban delegations met in Doha on Saturday for the first "
            "direct talks since the withdrawal, officials told AFP, and both sides called the meeting useful.</p>" * 3
            + "</article></body></html>").encode()
    doc = Document("f24", "f24.html", "html", data=html, hints={"url": "https://www.france24.com/en/asia-pacific/x"})
    a = extract(doc)
    assert (a.outlet, a.language, a.translated_from) == ("France 24", "en", None)
    assert a.cited_sources == ["Agence France-Presse"]


@pytest.mark.parametrize("body, wire, place", [
    ("KABUL (Reuters) - The Taliban said on Saturday", "Reuters", "KABUL"),
    ("DOHA, Oct 9 (AP) — Talks between", "Associated Press", "DOHA"),
    ("LA CROSSE, Wis. (AP) — After a summer", "Associated Press", "LA CROSSE, Wis."),
    ("Berlin (dpa) - Die Bundesregierung", "Deutsche Presse-Agentur", "Berlin"),
    ("Kabul, 9. Oktober (Reuters) - Die Taliban", "Reuters", "Kabul"),
    ("WARSAW, March 14 (PAP) - Polish farmers", "Polish Press Agency", "WARSAW"),
    ("WASHINGTON (AP/Reuters) — The", "Associated Press", "WASHINGTON"),
    ("DOHA, Qatar — The talks", None, "DOHA, Qatar"),
    ("UPDATE: The talks", None, None),
    ("The minister (AP) — said", None, None),
    ("A US delegation wants to meet", None, None),
])
def test_wire_datelines(body, wire, place):
    w, p, n = wire_dateline(body)
    assert (w, p) == (wire, place)
    assert (n > 0) == (wire is not None or place is not None)


def test_cited_sources_need_cues_for_short_names():
    text = ("Growth in the MENA region slowed, the IMF said. Officials told AFP the talks would resume. "
            "According to the Polish news agency PAP, both sides agreed. The Guardian reported that the deal "
            "was close. Time is short, said the minister.")
    assert cited_sources(text) == ["Agence France-Presse", "Polish Press Agency", "The Guardian"]


def test_plaintext_wire_copy_gives_agency_and_place(tmp_path):
    f = tmp_path / "wire.txt"
    f.write_text("Taliban and US envoys meet in Doha\n\nBy Jane Doe, October 9, 2021\n\n"
                 "DOHA, Oct 9 (Reuters) - Taliban and US envoys met in Doha on Saturday for their first talks "
                 "since the withdrawal, two officials told Reuters.\n\nThe talks will continue on Sunday.\n", encoding="utf-8")
    (doc,) = list(iter_documents([f]))
    a = extract(doc)
    assert (a.title, a.authors, a.published) == ("Taliban and US envoys meet in Doha", ["Jane Doe"], "2021-10-09")
    assert (a.wire, a.dateline_place) == ("Reuters", "DOHA")
    # the page names no outlet: the wire published it, so "told Reuters" cites no other source
    assert a.outlet == "Reuters" and a.cited_sources == []
    # the dateline left the body (it is where the story was filed: dateline_place, wire)
    assert a.body.startswith("Taliban and US envoys met in Doha on Saturday")


def test_wire_credit_line_is_boilerplate():
    from eventwire.extract.provenance import split_wire_credits

    assert split_wire_credits("Rebels attacked.\n\n(Reporting by A; Editing by B)") == (
        "Rebels attacked.", ["(Reporting by A; Editing by B)"])
    assert split_wire_credits("Rebels attacked. (Additional reporting by C)") == (
        "Rebels attacked.", ["(Additional reporting by C)"])
    assert split_wire_credits("Rebels attacked.\nReporting by A; editing by B") == (
        "Rebels attacked.", ["Reporting by A; editing by B"])
    # article text that only mentions reporting or research is kept
    for body in ("The reporting by the ministry was wrong.", "Rebels attacked.\nResearch by Oxford shows it.",
                 "(Reporting by A)"):
        assert split_wire_credits(body) == (body, [])


def test_messy_example_cites_pap_and_keeps_boilerplate_apart():
    (doc,) = list(iter_documents([EXAMPLES / "txt" / "messy-republished-kyiv.txt"]))
    a = extract(doc)
    assert "Polish Press Agency" in a.cited_sources
    assert "Sign up for our newsletter and get the top stories every morning" in a.boilerplate
    assert "Share this article on Facebook" in a.boilerplate


@pytest.mark.parametrize("dateline, expected", [
    ("Oct. 9, 2021 at 1:24 p.m. EDT", "2021-10-09T13:24-04:00"),
    ("October 9, 2021 1:24 PM ET", "2021-10-09T13:24-04:00"),    # ET resolved with daylight saving
    ("January 9, 2021 1:24 PM ET", "2021-01-09T13:24-05:00"),
    ("Sat 9 Oct 2021 13.24 BST", "2021-10-09T13:24+01:00"),
    ("Stand: 09.10.2021 13:24 Uhr", "2021-10-09T13:24"),
    ("Publié le 09/10/2021 à 13:24", "2021-10-09T13:24"),
    ("9 de octubre de 2021, 13:24", "2021-10-09T13:24"),
    ("Actualizado: 09/10/2021 13:24 CEST", "2021-10-09T13:24+02:00"),
    ("2021/10/09 13:24", "2021-10-09T13:24"),
])
def test_more_dateline_formats(dateline, expected):
    p = parse_plaintext(f"A headline about talks\n\n{dateline}\n\nThe first paragraph of the body says something.\n")
    assert p.published == expected


def test_language_identification_is_offline_and_marks_non_english(nlp):
    from eventwire.nlp.pipeline import annotate

    assert detect_language("Die Außenminister trafen sich am Montag in Genf, um über den Waffenstillstand zu sprechen.")[0] == "de"
    assert detect_language("Les ministres se sont réunis lundi à Genève pour discuter du cessez-le-feu.")[0] == "fr"
    doc = Document("de1", "de.txt", "txt", data="Treffen in Genf\n\nDie Außenminister trafen sich am Montag in "
                   "Genf, um über den Waffenstillstand und die Freilassung von Gefangenen zu sprechen.\n".encode())
    a = extract(doc)
    annotate([a], nlp)
    assert a.language == "de"
    assert a.warnings == ["not annotated: no NLP model for language 'de'"]
    assert a.entities == []


def _full_pattern_matches(text):
    """What the registry's whole alias pattern finds in ``text`` (the reference for the candidate filter)."""
    from eventwire.extract.provenance import _alias_pattern, _names

    reg = default_registry()
    return [(m.start(), m.group(0)) for m in _alias_pattern(id(reg), _names(reg)).finditer(text)]


@pytest.mark.parametrize("text", [
    "according to Reuters, the agency said", "REUTERS reported", "told afp on Monday", "AP-led talks (AP) —",
    "the Süddeutsche Zeitung reported", "SÜDDEUTSCHE ZEITUNG", "ANADOLU AJANSI said", "Anadolu Ajansı said",
    "told REUTERſ and Reuterſ", "\u0130NTERFAX said", "interfax", "AFP_x xAFP -AFP AFP- AFP",
    "the Associated Press and The Associated Press", "Agence France-Presse told", "La Nación (Argentina) said",
    "", "nothing to see here",
])
def test_cited_sources_candidate_filter_finds_what_the_full_pattern_finds(text):
    from eventwire.extract.provenance import _alias_pattern, _candidates, _names

    reg = default_registry()
    names = _names(reg)
    pat = _alias_pattern(id(reg), names, _candidates(names, text))
    got = [] if pat is None else [(m.start(), m.group(0)) for m in pat.finditer(text)]
    assert got == _full_pattern_matches(text)


def test_cited_sources_candidate_filter_on_every_outlet_name_and_the_examples():
    """Every registry name, in upper, lower and title case inside running text, and every example body:
    the filtered pattern finds exactly the full pattern's matches (and some are found)."""
    from eventwire.extract.provenance import _alias_pattern, _candidates, _names

    reg = default_registry()
    names = _names(reg)
    texts = [f"said {f(n)}: officials told {f(n)} reporters." for n in names for f in (str.upper, str.lower, str)]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(EXAMPLES.rglob("*")) if p.is_file()]
    found = 0
    for text in texts:
        pat = _alias_pattern(id(reg), names, _candidates(names, text))
        got = [] if pat is None else [(m.start(), m.group(0)) for m in pat.finditer(text)]
        assert got == _full_pattern_matches(text), text[:80]
        found += len(got)
    assert found > 3 * len(names)
