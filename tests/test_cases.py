"""Reported cases (../shared/data/cases/, see its README): each failure found when eventwire was tried as
a user would, as a regression test. The inputs are read from ../shared, never copied.

Item numbers refer to issue 13 ("dates, titles, places and text a researcher can trust")."""
from __future__ import annotations

import io
import json

import pytest

from eventwire.corpus import update_corpus
from eventwire.ids import content_id
from eventwire.records import Document
from eventwire.store.db import Store
from eventwire.store.export import GDELT_COLUMNS, export
from tests.conftest import shared_path

pytestmark = pytest.mark.shared


def knowledge_case(case_id: str) -> dict:
    """One record of ``cases/events_and_knowledge.jsonl`` by its ``id``."""
    path = shared_path("data", "cases", "events_and_knowledge.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == case_id:
            return rec
    raise AssertionError(f"case {case_id!r} not in {path}")


def text_document(rec: dict) -> Document:
    """A JSONL-style document (text + hints) for a case record, as the JSONL reader makes one."""
    hints = {"published": rec["published"]} if rec.get("published") else {}
    return Document(doc_id=content_id(rec["text"].encode("utf-8")), source=f"case:{rec['id']}", kind="jsonl",
                    member="line 1", text=rec["text"], hints=hints)


def run_cases(recs: list[dict], nlp, tmp_path):
    """The cases through the pipeline into a fresh database with its corpus view; returns the path
    and the outcomes."""
    from eventwire.pipeline import process_batch

    outs = process_batch([text_document(r) for r in recs], nlp)
    path = tmp_path / "cases.duckdb"
    with Store(path) as store:
        store.write("cases", outs)
        update_corpus(store.con)
    return path, outs


# -- item 1: no invented dates --------------------------------------------------------------------

def test_no_date_anywhere_stays_undated_in_every_table_and_export(nlp, tmp_path):
    """'no-date-anywhere': PER -> CHL meeting; published empty and the event's date empty, never the
    day the run happened, in the database and in every export."""
    import duckdb

    rec = knowledge_case("no-date-anywhere")
    path, outs = run_cases([rec], nlp, tmp_path)
    art = outs[0].article
    assert art is not None and art.published is None
    meetings = [e for e in art.events if (e.cameo_code or "").startswith("04")]
    assert meetings and all(e.date is None for e in art.events)
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM events WHERE date IS NOT NULL").fetchone()[0] == 0
        assert con.execute("SELECT DISTINCT date, date_basis FROM aggregated_events").fetchall() == [(None, "none")]
        assert con.execute("SELECT DISTINCT date, date_basis FROM event_mentions").fetchall() == [(None, "none")]
        buf = io.StringIO()
        export(con, "gdelt", buf, all_modalities=True)
        rows = [dict(zip(GDELT_COLUMNS, line.split("\t"))) for line in buf.getvalue().splitlines()]
        assert rows and all(r["Day"] == r["MonthYear"] == r["Year"] == r["FractionDate"] == "" for r in rows)
        buf = io.StringIO()
        export(con, "plover", buf, all_modalities=True)
        recs = [json.loads(line) for line in buf.getvalue().splitlines()]
        assert recs and all(r["date"] is None and r["date_basis"] == "none" for r in recs)
    finally:
        con.close()


# -- item 3: the dateline is not where the event happened ----------------------------------------

@pytest.fixture(scope="module")
def place_cases(nlp, tmp_path_factory):
    """The place cases through the pipeline into one database: id -> article, and the database."""
    ids = ["dateline-not-location", "oblast", "denial-congo"]
    path, outs = run_cases([knowledge_case(i) for i in ids], nlp, tmp_path_factory.mktemp("places"))
    return dict(zip(ids, (o.article for o in outs))), path


def test_dateline_leaves_the_body_and_is_not_the_event_location(place_cases):
    """'dateline-not-location': wire Reuters and dateline Rome out of the body, the credit line is
    boilerplate, the attack (MLI rebels -> MLI military, CAMEO 19x) is located in Gao, Mali; Mali is
    not a PERSON."""
    arts, path = place_cases
    a = arts["dateline-not-location"]
    assert (a.wire, a.dateline_place, a.outlet) == ("Reuters", "ROME", "Reuters")
    assert a.body == "Rebels attacked an army base in Mali's Gao region on Thursday, killing three soldiers."
    assert a.boilerplate == ["(Reporting by a Rome desk; Editing by an editor)"]
    (attack,) = [e for e in a.events if (e.cameo_code or "").startswith("19")]
    assert [x.code for x in attack.sources] == ["MLIREB"] and [x.code for x in attack.targets] == ["MLIMIL"]
    assert (attack.location_text, attack.location_country, attack.location_rule) == ("Gao", "MLI", "sentence")
    assert not any(p.country == "ITA" for p in a.places)
    labels = {e.text: e.label for e in a.entities}
    assert labels["Mali"] == "GPE" and labels["Gao"] == "GPE"
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT location_text, location_country, location_rule FROM events WHERE cameo_root = '19'"
                           ).fetchall() == [("Gao", "MLI", "sentence")]
    finally:
        con.close()


def test_oblast_is_a_division_and_its_village_resolves(place_cases):
    """'oblast': Vuhledar (UKR) and Zaporizhzhia Oblast (UKR, an admin1 region), not a PERSON."""
    a = place_cases[0]["oblast"]
    places = {p.text: p for p in a.places}
    assert places["Vuhledar"].country == "UKR" and places["Vuhledar"].geonameid == 690823
    z = places["Zaporizhzhia Oblast"]
    assert (z.country, z.feature_code, z.admin1) == ("UKR", "ADM1", "26") and z.lat is not None
    assert {e.text: e.label for e in a.entities}["Zaporizhzhia Oblast"] == "GPE"


def test_eastern_congo_is_the_dr_congo(place_cases):
    """'denial-congo' (its place part): 'eastern Congo' is the DR Congo (COD)."""
    a = place_cases[0]["denial-congo"]
    assert [(p.text, p.country) for p in a.places if p.text == "Congo"] == [("Congo", "COD")]


def test_dateline_is_only_a_fallback_and_says_so(nlp):
    """With no place named for the event, the dateline locates it, marked ``dateline``."""
    from eventwire.pipeline import process_batch

    rec = {"id": "t", "text": "NAIROBI (Reuters) - Kenya's government and the opposition agreed on Tuesday "
                              "to resume talks, officials said.", "published": "2024-05-07"}
    (out,) = process_batch([text_document(rec)], nlp)
    a = out.article
    assert a.body.startswith("Kenya's government") and a.dateline_place == "NAIROBI"
    located = [e for e in a.events if e.location_rule]
    assert located and all((e.location_rule, e.location_country) == ("dateline", "KEN") for e in located)


# -- item 2: the plain-text title does not swallow the date line ----------------------------------

def _text_case(name: str):
    from eventwire.ingest.files import iter_documents

    (doc,) = [d for d in iter_documents([str(shared_path("data", "cases", "text", name))]) if hasattr(d, "doc_id")]
    return doc


def test_long_title_then_date_line(nlp):
    """'text/title-then-date.txt': title "A long headline about the new sanctions on the regime",
    published 2025-06-12, the EU -> BLR sanction (163) dated 2025-06-11."""
    from eventwire.pipeline import process_batch

    (out,) = process_batch([_text_case("title-then-date.txt")], nlp)
    a = out.article
    assert a.title == "A long headline about the new sanctions on the regime"
    assert a.published == "2025-06-12" and a.page_date is None
    assert a.body == "The European Union on Wednesday imposed sanctions on Belarus."
    sanctions = [e for e in a.events if e.cameo_code == "163"]
    assert sanctions and sanctions[0].date == "2025-06-11"
    assert [x.code for x in sanctions[0].targets] == ["BLR"]
    assert [x.code for x in sanctions[0].sources] == ["IGOEEC"]  # CAMEO: the EU as the European Community


def test_german_title_then_date_line():
    """'text/german-date-line.txt': the title without the date line, published 2025-06-12T14:30, de."""
    from eventwire.extract import extract

    a = extract(_text_case("german-date-line.txt"))
    assert a.title == "Bundesregierung kündigt umfangreiche neue Hilfen für Landwirte in Not an"
    assert a.published == "2025-06-12T14:30" and a.language == "de"
    assert a.body.startswith("Die Bundesregierung hat am Donnerstag")


# -- item 6: articles refused that are articles; authors; titles ---------------------------------

def _page(name: str):
    """The case page ``extraction/<name>`` through extraction (as an HTML file)."""
    from eventwire.extract import extract

    path = shared_path("data", "cases", "extraction", name)
    return extract(Document(doc_id=content_id(path.read_bytes()), source=str(path), kind="html",
                            data=path.read_bytes()))


def test_paywall_lead_is_a_partial_article():
    """'r1_paywall_preview.html': an article with the visible lead (two paragraphs), flagged partial."""
    a = _page("r1_paywall_preview.html")
    assert a.title == "Harbor Town Votes on New Ferry Line" and a.authors == ["Mara Quell"]
    paras = a.body.split("\n\n")
    assert paras[0].startswith("The council of Harbor Town voted seven to two") and len(paras) == 2
    assert paras[1].endswith("Opponents worried about the cost of dredging the harbor mouth.")
    assert any(w.startswith("partial article: paywalled") for w in a.warnings)


def test_short_item_on_a_link_heavy_page_is_an_article():
    """'r2_short_article_navheavy.html': a 70-word item among menu links is an article."""
    a = _page("r2_short_article_navheavy.html")
    assert a.title == "Clinic vans broken into overnight"
    assert "three of its seven vans had been broken into" in a.body and "Secretaria" not in a.body


def test_results_table_is_kept_in_the_body():
    """'r3_table.html': the results table stays in the body, one row per line."""
    a = _page("r3_table.html")
    for row in ("Pos. | Rider | Points | Wins", "1 | Ilse Varga | 412 | 4", "4 | Nils Arroyo | 350 | 1"):
        assert row in a.body.split("\n\n")
    assert a.body.endswith("The next round takes place in two weeks.")


def test_how_to_steps_beginning_sign_up_for_are_kept():
    """'r4_signup_steps.html': the steps "Sign up for ..." are the article, not a newsletter prompt."""
    a = _page("r4_signup_steps.html")
    assert "Sign up for a resident account on the city portal for $4.99 a month" in a.body
    assert "Sign up for the family bundle at any library desk using your resident card" in a.body
    assert not any(b.startswith("Sign up") for b in a.boilerplate)


def test_profile_url_names_no_author():
    """'r5_author_url.html': a profile URL in <link rel="author"> gives no author "https"."""
    assert _page("r5_author_url.html").authors == []


def test_profile_link_label_is_not_an_author():
    """'r6_profile_link.html': "View my complete profile" is not an author; Rina Caldwell is."""
    assert _page("r6_profile_link.html").authors == ["Rina Caldwell"]


def test_generic_json_ld_headline_loses_to_the_page_headline():
    """'r9_ld_headline_generic.html': the specific headline, not "Rivopedia list article"."""
    assert _page("r9_ld_headline_generic.html").title == "List of bridges over the Arlen river"


def test_site_banner_h1_loses_to_the_page_title():
    """'r10_site_h1.html': the page's own title, not the site banner <h1>."""
    assert _page("r10_site_h1.html").title == "Tidewater: Shared Harbour Schedules"


# -- item 5: publication dates --------------------------------------------------------------------

def test_sidebar_time_is_not_the_publication_date():
    """'r8_sidebar_time.html': a sidebar <time> of 2009 beside "Posted on 22 October 2019" in the
    article, and a URL with /2019/10/22/: published 2019-10-22 (from the URL, and from the article's
    own date line when the URL is not known)."""
    from eventwire.extract import extract

    path = shared_path("data", "cases", "extraction", "r8_sidebar_time.html")
    data = path.read_bytes()
    for hints in ({"url": "https://hometips.example/2019/10/22/descale-kettle"}, {}):
        a = extract(Document(doc_id=content_id(data), source=str(path), kind="html", data=data, hints=hints))
        assert a.published == "2019-10-22", hints


def test_url_date():
    from eventwire.extract.metadata import url_date

    assert url_date("https://x.org/2019/10/22/kettle") == "2019-10-22"
    assert url_date("https://x.org/news/2019-10-22-kettle") == "2019-10-22"
    assert url_date("https://x.org/20191022/a") == "2019-10-22"
    for url in ("https://x.org/2019/10/", "https://x.org/a?d=2019/10/22", "https://x.org/id/1234567890123",
                "https://x.org/2019/02/30/a", None):
        assert url_date(url) is None, url


def test_compact_and_month_only_dates_in_text():
    """'compact-date': "Posted 20190315 by the press office." -> published 2019-03-15; 'month-only-date':
    "Published 2022/07 in the annual report." -> published 2022-07 (month granularity, no day invented)."""
    from eventwire.extract import extract

    a = extract(text_document(knowledge_case("compact-date")))
    assert a.published == "2019-03-15" and a.body == "The ministry announced a new plan."
    b = extract(text_document(knowledge_case("month-only-date")))
    assert b.published == "2022-07" and b.body == "The board met to approve the accounts."


def test_quote_with_its_opening_mark_missing(nlp):
    """'unbalanced-quote': a direct quote whose opening mark is missing, speaker 'the governor'."""
    from eventwire.pipeline import process_batch

    (out,) = process_batch([text_document(knowledge_case("unbalanced-quote"))], nlp)
    (q,) = [q for q in out.article.quotes if q.kind == "direct"]
    assert q.text == "Fishermen are angry and the ferries sit idle at the port"
    assert q.speaker_text == "the governor" and "unbalanced" in q.rule
