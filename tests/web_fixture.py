"""Databases for the web app tests.

:func:`build`: the pipeline run on ``examples/``, with the annotations replaced by hand-coded rows
written by us for those invented articles (events with source and target actors at their real
offsets, CAMEO/PLOVER codes, QuadClass, Goldstein, modality, locations and dates; the places, dates,
quotes and amounts behind them), so the tests check known values whatever the coder finds today. The
corpus view (duplicates, stories, aggregated events) is then rebuilt over those events. Offsets are
found in the stored bodies, so every highlight points at the right text.

:func:`build_real`: the real pipeline, nothing hand-coded: ``examples/``, the seed article, and a
generated story with copies and a translation (``tests/corpus_gen.py --story A``).

:func:`drop_corpus`: a database as stored before the corpus view existed (its tables removed).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pycountry

from eventwire.ids import stable_id
from eventwire.records import Actor, Event
from eventwire.store.db import Store, annotation_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

NAMES = {"IGOUNO": "United Nations", "EUR": "European Union", "IGOARL": "Arab League",
         "IGOWAS": "Economic Community of West African States", "IGOAFU": "African Union"}

#: key -> (name, GeoNames id or None, ISO3, lat, lon)
PLACES = {
    "nairobi": ("Nairobi", 184745, "KEN", -1.2833, 36.8167),
    "zalambessa": ("Zalambessa", None, "ETH", 14.5167, 39.3833),
    "addis": ("Addis Ababa", 344979, "ETH", 9.0250, 38.7469),
    "riyadh": ("Riyadh", 108410, "SAU", 24.6877, 46.7219),
    "damascus": ("Damascus", 170654, "SYR", 33.5102, 36.2913),
    "havana": ("Havana", 3553478, "CUB", 23.1330, -82.3830),
    "luxembourg": ("Luxembourg", 2960316, "LUX", 49.6117, 6.1300),
    "athens": ("Athens", 264371, "GRC", 37.9838, 23.7278),
    "ladakh": ("Ladakh", None, "IND", 34.1526, 77.5771),
    "new delhi": ("New Delhi", 1261481, "IND", 28.6358, 77.2245),
    "bamako": ("Bamako", 2460596, "MLI", 12.6500, -8.0000),
    "torkham": ("Torkham", None, "AFG", 34.1056, 71.0944),
    "kabul": ("Kabul", 1138958, "AFG", 34.5281, 69.1723),
    "shoal": ("Second Thomas Shoal", None, None, 9.7333, 115.8667),
    "manila": ("Manila", 1701668, "PHL", 14.6042, 120.9822),
    "santiago": ("Santiago", 3871336, "CHL", -33.4569, -70.6483),
    "el fasher": ("El Fasher", 379252, "SDN", 13.6279, 25.3494),
    "warsaw": ("Warsaw", 756135, "POL", 52.2298, 21.0118),
}

# (article title start, sentence substring, trigger, sources [(text, code)], targets [(text, code)],
#  CAMEO, PLOVER type, PLOVER mode, QuadClass, Goldstein, modality, place key, date, attribution)
EVENTS = [
    ("Ethiopia and Eritrea", "Envoys from Ethiopia and Eritrea met", "met", [("Ethiopia", "ETHGOV")], [("Eritrea", "ERIGOV")], "044", "CONSULT", "meet", 1, 2.5, "asserted", "nairobi", "2025-03-11", ("Kenyan officials", "KENGOV")),
    ("Ethiopia and Eritrea", "Envoys from Ethiopia and Eritrea met", "met", [("Eritrea", "ERIGOV")], [("Ethiopia", "ETHGOV")], "044", "CONSULT", "meet", 1, 2.5, "asserted", "nairobi", "2025-03-11", ("Kenyan officials", "KENGOV")),
    ("Ethiopia and Eritrea", "Kenya's foreign minister hosted", "hosted", [("Kenya's foreign minister", "KENGOV")], [("the two delegations", "ETHGOV"), ("the two delegations", "ERIGOV")], "043", "CONSULT", "host", 1, 2.8, "asserted", "nairobi", "2025-03-11", None),
    ("Ethiopia and Eritrea", "Ethiopia's delegation accused", "accused", [("Ethiopia's delegation", "ETHGOV")], [("Eritrean troops", "ERIMIL")], "112", "ACCUSE", "", 3, -2.0, "asserted", "zalambessa", "2025-03-11", None),
    ("Ethiopia and Eritrea", "Eritrea's information minister rejected", "rejected", [("Eritrea's information minister", "ERIGOV")], [("the accusation", "ETHGOV")], "120", "REJECT", "", 3, -4.0, "asserted", "nairobi", "2025-03-11", None),
    ("Ethiopia and Eritrea", "The United Nations welcomed", "welcomed", [("The United Nations", "IGOUNO")], [("the talks", "ETHGOV"), ("the talks", "ERIGOV")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2025-03-12", None),
    ("Ethiopia and Eritrea", "The United Nations welcomed", "urged", [("The United Nations", "IGOUNO")], [("both governments", "ETHGOV"), ("both governments", "ERIGOV")], "020", "REQUEST", "", 1, 3.0, "asserted", None, "2025-03-12", None),
    ("Ethiopia and Eritrea", "A second round of talks will be held", "talks", [("A second round of talks", "ETHGOV")], [("A second round of talks", "ERIGOV")], "046", "CONSULT", "", 1, 7.0, "future", "addis", "2025-04", ("the African Union", "IGOAFU")),
    ("Arab League summit", "Arab League had not decided", "restore", [("the Arab League", "IGOARL")], [("Syria", "SYRGOV")], "060", "COOPERATE", "", 2, 6.0, "negation", "riyadh", "2026-02-21", ("Saudi Arabia's foreign minister", "SAUGOV")),
    ("Arab League summit", "Egypt and Jordan have called", "called", [("Egypt", "EGYGOV"), ("Jordan", "JORGOV")], [("the league", "IGOARL")], "020", "REQUEST", "", 1, 3.0, "asserted", None, "2026-02-21", None),
    ("Arab League summit", "Jordan's foreign minister is expected", "visit", [("Jordan's foreign minister", "JORGOV")], [("Damascus", "SYRGOV")], "042", "CONSULT", "visit", 1, 1.9, "future", "damascus", "2026-03", None),
    ("Colombia and ELN", "signed an agreement", "signed", [("Colombia's government", "COLGOV")], [("National Liberation Army", "COLREB")], "057", "AGREE", "", 1, 8.0, "asserted", "havana", "2024-05-09", None),
    ("Colombia and ELN", "The ELN released six hostages", "released", [("The ELN", "COLREB")], [], "0841", "CONCEDE", "", 2, 7.0, "asserted", None, "2024-05-02", None),
    ("Colombia and ELN", "Norway and Cuba", "welcomed", [("Norway", "NORGOV"), ("Cuba", "CUBGOV")], [("the agreement", "COLGOV")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2024-05-09", None),
    ("EU imposes", "The European Union imposed sanctions", "imposed sanctions", [("The European Union", "EUR")], [("Belarusian officials", "BLRGOV")], "163", "SANCTION", "", 4, -8.0, "asserted", "luxembourg", "2024-10-02", ("Reuters", None)),
    ("EU imposes", "Belarus's foreign ministry condemned", "condemned", [("Belarus's foreign ministry", "BLRGOV")], [("the decision", "EUR")], "111", "ACCUSE", "", 3, -2.0, "asserted", None, "2024-10-03", None),
    ("EU imposes", "Belarus's foreign ministry condemned", "respond", [("Minsk", "BLRGOV")], [("counter-measures", "EUR")], "130", "THREATEN", "", 3, -4.4, "future", None, None, None),
    ("EU imposes", "The EU's foreign policy chief urged", "urged", [("The EU's foreign policy chief", "EUR")], [("the Belarusian government", "BLRGOV")], "100", "REQUEST", "", 3, -5.0, "asserted", None, "2024-10-03", None),
    ("EU imposes", "Lithuania, which hosts", "welcomed", [("Lithuania", "LTUGOV")], [("the sanctions", "EUR")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2024-10-03", None),
    ("EU imposes", "Vilnius would not expel", "expel", [("Vilnius", "LTUGOV")], [("the opposition figures", "BLROPP")], "174", "COERCE", "", 4, -5.0, "negation", None, None, None),
    ("EU imposes", "Russia criticised the EU move", "criticised", [("Russia", "RUSGOV")], [("the EU", "EUR")], "111", "ACCUSE", "", 3, -2.0, "asserted", None, "2024-10-03", None),
    ("EU imposes", "A Kremlin spokesman denied", "sent", [("Moscow", "RUSGOV")], [("Belarusian forces", "BLRCOP")], "062", "AID", "", 2, 7.4, "negation", None, None, ("A Kremlin spokesman", "RUSGOV")),
    ("Greek and Turkish", "pledged on Wednesday to improve relations", "pledged", [("The Greek prime minister", "GRCGOV")], [("the Turkish president", "TURGOV")], "030", "COOPERATE", "", 1, 4.0, "asserted", "athens", "2024-11-20", None),
    ("Greek and Turkish", "The two leaders signed a declaration", "signed", [("The two leaders", "GRCGOV")], [("The two leaders", "TURGOV")], "057", "AGREE", "", 1, 8.0, "asserted", "athens", "2024-11-20", None),
    ("Greek and Turkish", "Greece's opposition criticised", "criticised", [("Greece's opposition", "GRCOPP")], [("the government", "GRCGOV")], "111", "ACCUSE", "", 3, -2.0, "asserted", None, "2024-11-20", None),
    ("Greek and Turkish", "The Turkish president invited", "invited", [("The Turkish president", "TURGOV")], [("his Greek counterpart", "GRCGOV")], "036", "CONSULT", "", 1, 4.0, "asserted", "athens", "2024-11-20", None),
    ("Indian and Chinese", "Indian and Chinese soldiers clashed", "clashed", [("Indian", "INDMIL")], [("Chinese soldiers", "CHNMIL")], "190", "ASSAULT", "", 4, -10.0, "asserted", "ladakh", "2024-09-06", ("army officials", "INDMIL")),
    ("Indian and Chinese", "China's defence ministry accused", "accused", [("China's defence ministry", "CHNMIL")], [("Indian troops", "INDMIL")], "112", "ACCUSE", "", 3, -2.0, "asserted", None, "2024-09-07", None),
    ("Indian and Chinese", "India's external affairs ministry summoned", "summoned", [("India's external affairs ministry", "INDGOV")], [("the Chinese ambassador", "CHNGOV")], "111", "ACCUSE", "", 3, -2.0, "asserted", "new delhi", "2024-09-07", None),
    ("Indian and Chinese", "Military commanders from both sides are expected", "meet", [("Military commanders", "INDMIL")], [("Military commanders", "CHNMIL")], "036", "CONSULT", "", 1, 4.0, "future", None, "2024-09", None),
    ("Indian and Chinese", "The clash is the most serious since 2020", "killed", [("Chinese troops", "CHNMIL")], [("20 Indian soldiers", "INDMIL")], "190", "ASSAULT", "", 4, -10.0, "historical", None, "2020", None),
    ("Mali's junta", "ordered the French ambassador to leave", "ordered", [("Mali's military government", "MLIMIL")], [("the French ambassador", "FRAGOV")], "161", "SANCTION", "", 4, -4.0, "asserted", "bamako", "2025-03-04", None),
    ("Mali's junta", "ordered the French ambassador to leave", "criticised", [("France's foreign minister", "FRAGOV")], [("the junta", "MLIMIL")], "111", "ACCUSE", "", 3, -2.0, "asserted", None, None, None),
    ("Mali's junta", "recalled its ambassador", "recalled", [("The French foreign ministry", "FRAGOV")], [("its ambassador", "MLIGOV")], "161", "SANCTION", "", 4, -4.0, "asserted", None, "2025-03-04", None),
    ("Mali's junta", "Mali's government has accused France", "accused", [("Mali's government", "MLIGOV")], [("France", "FRAGOV")], "112", "ACCUSE", "", 3, -2.0, "asserted", None, None, None),
    ("Mali's junta", "The Economic Community of West African States urged", "urged", [("The Economic Community of West African States", "IGOWAS")], [("the junta", "MLIMIL")], "100", "REQUEST", "", 3, -5.0, "asserted", None, None, None),
    ("Pakistan and Afghan", "held talks on Wednesday", "held talks", [("Pakistani officials", "PAKGOV")], [("representatives of the Taliban administration", "AFGGOV")], "046", "CONSULT", "", 1, 7.0, "asserted", "torkham", "2025-01-15", None),
    ("Pakistan and Afghan", "both sides had agreed to form a joint committee", "agreed", [("Pakistan's foreign office spokeswoman", "PAKGOV")], [("both sides", "AFGGOV")], "030", "COOPERATE", "", 1, 4.0, "asserted", None, "2025-01-15", ("Pakistan's foreign office spokeswoman", "PAKGOV")),
    ("Pakistan and Afghan", "Pakistan has accused the Taliban", "accused", [("Pakistan", "PAKGOV")], [("the Taliban", "AFGGOV")], "112", "ACCUSE", "", 3, -2.0, "asserted", "kabul", None, None),
    ("Philippines accuses", "The Philippines accused China's coast guard", "accused", [("The Philippines", "PHLGOV")], [("China's coast guard", "CHNMIL")], "112", "ACCUSE", "", 3, -2.0, "asserted", None, "2025-08-11", None),
    ("Philippines accuses", "The Philippines accused China's coast guard", "firing water cannon", [("China's coast guard", "CHNMIL")], [("a Philippine supply boat", "PHLMIL")], "180", "ASSAULT", "", 4, -9.0, "asserted", "shoal", "2025-08-11", ("The Philippines", "PHLGOV")),
    ("Philippines accuses", "The Philippine foreign ministry summoned", "summoned", [("The Philippine foreign ministry", "PHLGOV")], [("a Chinese diplomat", "CHNGOV")], "111", "ACCUSE", "", 3, -2.0, "asserted", "manila", "2025-08-11", None),
    ("Philippines accuses", "The United States condemned the incident", "condemned", [("The United States", "USAGOV")], [("the incident", "CHNGOV")], "111", "ACCUSE", "", 3, -2.0, "asserted", None, "2025-08-11", None),
    ("Philippines accuses", "China has rejected a 2016", "rejected", [("China", "CHNGOV")], [("international arbitration ruling", "IGOPCA")], "120", "REJECT", "", 3, -4.0, "historical", None, "2016", None),
    ("Thousands of students", "Thousands of students marched", "marched", [("Thousands of students", "CHLEDU")], [("central Santiago", "CHLGOV")], "141", "PROTEST", "demonstrate", 4, -6.5, "asserted", "santiago", "2024-04-05", None),
    ("Thousands of students", "Police fired tear gas", "fired tear gas", [("Police", "CHLCOP")], [("a group of protesters", "CHLEDU")], "175", "COERCE", "", 4, -9.0, "asserted", "santiago", "2024-04-05", ("the interior ministry", "CHLGOV")),
    ("Thousands of students", "Student leaders accused the government", "accused", [("Student leaders", "CHLEDU")], [("the government", "CHLGOV")], "112", "ACCUSE", "", 3, -2.0, "asserted", "santiago", "2024-04-05", None),
    ("Thousands of students", "Chile's education minister met", "met", [("Chile's education minister", "CHLGOV")], [("student representatives", "CHLEDU")], "040", "CONSULT", "", 1, 1.0, "asserted", "santiago", "2024-04-05", None),
    ("UN aid convoy", "A convoy of 28 United Nations trucks", "reached", [("28 United Nations trucks", "IGOUNO")], [("El Fasher", "SDNCVL")], "070", "AID", "", 2, 7.0, "asserted", "el fasher", "2025-06-18", None),
    ("UN aid convoy", "agreed to let it pass", "agreed", [("the Rapid Support Forces", "SDNREB")], [("The convoy", "IGOUNO")], "080", "CONCEDE", "", 2, 5.0, "asserted", "el fasher", "2025-06-18", None),
    ("UN aid convoy", "Both sides have accused each other", "accused", [("Both sides", "SDNMIL")], [("each other", "SDNREB")], "112", "ACCUSE", "", 3, -2.0, "asserted", "el fasher", None, None),
    ("UN aid convoy", "urged both parties to extend", "urged", [("The United States", "USAGOV"), ("Saudi Arabia", "SAUGOV")], [("both parties", "SDNMIL"), ("both parties", "SDNREB")], "020", "REQUEST", "", 1, 3.0, "asserted", None, "2025-06-18", None),
    ("UN aid convoy", "The Sudanese government thanked Chad", "thanked", [("The Sudanese government", "SDNGOV")], [("Chad", "TCDGOV")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2025-06-18", None),
    ("UN aid convoy", "The Sudanese government thanked Chad", "allow", [("The Sudanese government", "SDNGOV")], [("more convoys", "IGOUNO")], "080", "CONCEDE", "", 2, 5.0, "hypothetical", None, None, None),
    ("Ukraine and Poland", "Ukraine and Poland agreed", "agreed", [("Ukraine", "UKRGOV")], [("Poland", "POLGOV")], "057", "AGREE", "", 1, 8.0, "asserted", "warsaw", "2024-03-14", None),
    ("Ukraine and Poland", "The Ukrainian agriculture minister met", "met", [("The Ukrainian agriculture minister", "UKRGOV")], [("his Polish counterpart", "POLGOV")], "042", "CONSULT", "visit", 1, 1.9, "asserted", "warsaw", "2024-03-14", ("PAP", None)),
    ("Ukraine and Poland", "Polish farmers had blocked", "accusing", [("Polish farmers", "POLAGR")], [("Kyiv", "UKRGOV")], "112", "ACCUSE", "", 3, -2.0, "historical", None, "2024-02", None),
    ("Ukraine and Poland", "The European Commission praised", "praised", [("The European Commission", "EUR")], [("the agreement", "UKRGOV"), ("the agreement", "POLGOV")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2024-03-14", None),
    ("Ukraine and Poland", "Ukraine's prime minister thanked Poland", "thanked", [("Ukraine's prime minister", "UKRGOV")], [("Poland", "POLGOV")], "051", "SUPPORT", "", 1, 3.4, "asserted", None, "2024-03-14", None),
]

QUOTE_SPEAKERS = {  # quote start -> (speaker text, code)
    "Both sides have agreed": ("the Kenyan foreign minister", "KENGOV"),
    "We were told last year": ("Camila Reyes", "CHLEDU"),
    "This is a lifeline": ("a WFP spokeswoman", "IGOWFP"),
    "There is no agreement yet": ("the minister", "SAUGOV"),
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _actor(body: str, lo: int, hi: int, text: str, code: str | None, used: dict[str, int]) -> Actor:
    start = body.find(text, used.get(text, lo), hi)
    if start < 0:
        start = body.find(text, lo, hi)
    if start < 0:
        raise ValueError(f"actor text {text!r} not in sentence {body[lo:hi]!r}")
    country = code[:3] if code and pycountry.countries.get(alpha_3=code[:3]) else None
    sector = code[3:6] if code and country and len(code) > 3 else ("IGO" if code and code.startswith("IGO") else None)
    name = NAMES.get(code or "") or (pycountry.countries.get(alpha_3=country).name if country else text)
    return Actor(text=text, start=start, end=start + len(text), name=name, code=code, country=country, sector=sector)


def _last_weekday(anchor: date, wd: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - wd) % 7)


def build(db: Path) -> Path:
    """Run the pipeline on ``examples/`` into ``db`` and add the hand-coded rows; returns ``db``.

    Raises:
        ValueError: a spec's sentence or actor text is missing from the stored article (the examples
            changed: update :data:`EVENTS`).
    """
    from eventwire.runner import RunConfig, run

    # the 12 articles the hand-coded EVENTS cover (examples/feeds came later and is not part of the fixture)
    inputs = [str(EXAMPLES / d) for d in ("html", "jsonl", "txt")]
    stats, _ = run(inputs, RunConfig(db=str(db), workers=1), command="web test fixture")
    if stats.articles < 12:
        raise RuntimeError(f"expected 12 example articles, got {stats.articles}")
    with Store(db) as store:
        con = store.con
        # the fixture's hand-coded annotations replace what the pipeline found, so the web tests
        # check against known values whatever the coder and the knowledge layer produce today
        for table in ("events", "places", "quotes", "times", "amounts"):
            con.execute(f"DELETE FROM {table}")
        arts = con.execute("SELECT article_id, title, body, published FROM articles").fetchall()
        sents = {aid: con.execute("SELECT idx, char_start, char_end FROM sentences WHERE article_id = ? ORDER BY idx",
                                  [aid]).fetchall() for aid, *_ in arts}
        rows: dict[str, list[dict]] = {"events": [], "places": [], "quotes": [], "times": [], "amounts": []}
        for aid, title, body, published in arts:
            mine = [s for s in EVENTS if title.startswith(s[0])]
            if not mine:
                raise ValueError(f"no events written for example article {title!r}")
            used_places: set[str] = set()
            for (_, needle, trig, srcs, tgts, cameo, ptype, pmode, quad, gold, modality, place, day, attr) in mine:
                pos = body.find(needle)
                if pos < 0:
                    raise ValueError(f"{needle!r} not in {title!r}")
                idx, lo, hi = next(s for s in sents[aid] if s[1] <= pos < s[2])
                ts = body.find(trig, lo, hi)
                if ts < 0:
                    raise ValueError(f"trigger {trig!r} not in sentence {body[lo:hi]!r}")
                used: dict[str, int] = {}
                sources = [_actor(body, lo, hi, t, c, used) for t, c in srcs]
                targets = [_actor(body, lo, hi, t, c, used) for t, c in tgts]
                ev = Event(sent_idx=idx, sentence_start=lo, sentence_end=hi, trigger=trig, trigger_start=ts,
                           trigger_end=ts + len(trig), sources=sources, targets=targets, cameo_code=cameo,
                           cameo_base=cameo[:3], cameo_root=cameo[:2], plover_type=ptype, plover_mode=pmode or None,
                           quad_class=quad, goldstein=gold, modality=modality, confidence=0.8, coder="fixture",
                           decided_by="dictionary", date=day,
                           date_granularity={4: "year", 7: "month", 10: "day"}.get(len(day or "")) if day else None)
                if attr:
                    ev.attribution_text, ev.attribution_code = attr
                if place:
                    name, gid, iso, lat, lon = PLACES[place]
                    ev.location_text, ev.location_geonameid, ev.location_country = name, gid, iso
                    ev.location_lat, ev.location_lon = lat, lon
                    ps = body.find(name)
                    if ps >= 0 and place not in used_places:
                        used_places.add(place)
                        rows["places"].append({
                            "place_id": stable_id(aid, "places", ps), "article_id": aid, "char_start": ps,
                            "char_end": ps + len(name), "text": name, "geonameid": gid, "name": name, "country": iso,
                            "lat": lat, "lon": lon, "feature_class": "P", "role": "event_location",
                            "confidence": 0.9, "rule": "fixture"})
                from eventwire.records import Article  # build rows exactly as the store would

                tmp = Article(article_id=aid, doc_id="", title=title, body=body, events=[ev])
                rows["events"].extend(annotation_rows(tmp)["events"])
            for m in re.finditer(r'"([^"]{12,})"', body):
                spk = next((v for k, v in QUOTE_SPEAKERS.items() if m.group(1).startswith(k)), None)
                q = {"quote_id": stable_id(aid, "quotes", m.start()), "article_id": aid, "char_start": m.start(),
                     "char_end": m.end(), "text": m.group(0), "kind": "direct", "cue": "said"}
                if spk:
                    s0 = body.find(spk[0], m.end())
                    if s0 >= 0:
                        q.update(speaker_text=spk[0], speaker_start=s0, speaker_end=s0 + len(spk[0]), speaker_code=spk[1],
                                 speaker_country=spk[1][:3])
                rows["quotes"].append(q)
            anchor = date.fromisoformat(published[:10])
            for m in re.finditer(r"\bon (" + "|".join(WEEKDAYS) + r")\b", body):
                d = _last_weekday(anchor, WEEKDAYS.index(m.group(1)))
                rows["times"].append({"time_id": stable_id(aid, "times", m.start()), "article_id": aid,
                                      "char_start": m.start(), "char_end": m.end(), "text": m.group(0),
                                      "value": d.isoformat(), "granularity": "day", "anchor": anchor.isoformat(),
                                      "rule": "fixture weekday"})
            for m in re.finditer(r"\b(\d[\d,]*) ([a-z]+)", body):
                rows["amounts"].append({"amount_id": stable_id(aid, "amounts", m.start()), "article_id": aid,
                                        "char_start": m.start(), "char_end": m.end(), "text": m.group(0),
                                        "value": float(m.group(1).replace(",", "")), "counted": m.group(2),
                                        "approximate": False})
        con.execute("BEGIN TRANSACTION")
        for table, rs in rows.items():
            store._insert(table, rs)
        con.execute("COMMIT")
        from eventwire.corpus import update_corpus

        update_corpus(con, rebuild=True)  # the corpus view over the hand-coded events
    return db


#: The corpus view's tables (schema migration 4), removed by :func:`drop_corpus`.
CORPUS_TABLES = ("article_corpus", "minhash_bands", "article_anchors", "anchor_df", "duplicate_pairs", "stories",
                 "event_mentions", "aggregated_events")


def drop_corpus(db: Path) -> Path:
    """Remove the corpus view's tables from ``db`` (a database from before the corpus view); returns ``db``."""
    con = duckdb.connect(str(db))
    try:
        for t in CORPUS_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    finally:
        con.close()
    return db


def build_real(db: Path, seed: Path, workdir: Path) -> Path:
    """Run the real pipeline (no hand-coded rows) into ``db``: ``examples/``, then the seed article and
    the generated story A (an original, two near copies, a German translation, a second report) in a
    second run, as a user adding to a database would. Returns ``db``.

    Raises:
        RuntimeError: a run stored fewer articles than expected.
    """
    from eventwire.runner import RunConfig, run
    from tests import corpus_gen

    story = workdir / "story-a"
    story.mkdir(parents=True, exist_ok=True)
    arts = [a for a in corpus_gen.build() if a.story == "A"]
    corpus_gen.write_jsonl(story, arts)
    first, _ = run([str(EXAMPLES)], RunConfig(db=str(db), workers=1), command="web demo fixture")
    second, _ = run([str(story), str(seed)], RunConfig(db=str(db), workers=1), command="web demo fixture")
    if first.articles < 12 or second.articles != len(arts) + 1:
        raise RuntimeError(f"expected the examples and {len(arts) + 1} more articles, got "
                           f"{first.articles} and {second.articles}")
    return db


EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>=HYPERLINK("http://x")'


def make_hostile(db: Path) -> str:
    """Put script and a spreadsheet formula in the Santiago article's title, body start, and in the
    trigger text of its events; shift the event offsets so they stay right. Returns the article id."""
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE articles SET title = ?, body = ? || body WHERE title LIKE 'Thousands%'",
                    [EVIL, EVIL + "\n\n"])
        aid = con.execute("SELECT article_id FROM articles WHERE title = ?", [EVIL]).fetchone()[0]
        shift = len(EVIL) + 2
        con.execute("UPDATE events SET sentence_start = sentence_start + ?, sentence_end = sentence_end + ?, "
                    "trigger_start = trigger_start + ?, trigger_end = trigger_end + ?, "
                    "sources = list_transform(sources, a -> struct_update(a, char_start := a.char_start + ?, char_end := a.char_end + ?)), "
                    "targets = list_transform(targets, a -> struct_update(a, char_start := a.char_start + ?, char_end := a.char_end + ?)) "
                    "WHERE article_id = ?", [shift] * 8 + [aid])
        for t in ("entities", "places", "quotes", "times", "amounts", "sentences"):
            con.execute(f"UPDATE {t} SET char_start = char_start + ?, char_end = char_end + ? WHERE article_id = ?",
                        [shift, shift, aid])
        con.execute("UPDATE events SET trigger = '=cmd|calc' WHERE article_id = ? AND trigger = 'marched'", [aid])
    finally:
        con.close()
    return aid


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a built fixture."""
    return duckdb.connect(str(db), read_only=True)


if __name__ == "__main__":
    import sys

    out = build(Path(sys.argv[1] if len(sys.argv) > 1 else "web-fixture.duckdb"))
    print(out)
