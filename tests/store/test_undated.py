"""No invented dates (issue 13, item 1): an event the text gives no date for stays undated in the
database, the corpus view and every export; its article's publication day is used only where marked
(``date_basis = 'published'``); month-granular dates stay month-granular; the day a run happened is
never an event's date."""
from __future__ import annotations

import dataclasses
import io
import json

import duckdb
import pytest

from eventwire.corpus import update_corpus
from eventwire.corpus.aggregate import DATE_BASES, date_key
from eventwire.records import Document, Outcome
from eventwire.store.db import Store
from eventwire.store.export import GDELT_COLUMNS, export, plover_date
from eventwire.store.schema import MIGRATIONS
from tests import corpus_gen


def _variant(name: str, published: str | None, date: str | None, granularity: str | None):
    """The first generated article (talks in Oslo) with its first event only, re-dated."""
    g = corpus_gen.build()[0]
    art = corpus_gen.to_article(g)
    ev = dataclasses.replace(art.events[0], date=date, date_granularity=granularity)
    return dataclasses.replace(art, article_id=f"art-{name}", doc_id=f"doc-{name}", published=published,
                               url=f"https://x.example/{name}", source=f"https://x.example/{name}", events=[ev])


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("undated") / "x.duckdb"
    arts = [_variant("month", "2024-05-20T08:00:00Z", "2024-05", "month"),
            _variant("published", "2024-05-21T08:00:00Z", None, None),
            _variant("none", None, None, None)]
    with Store(path) as store:
        store.write("t", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts])
        update_corpus(store.con)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_date_key_never_uses_the_day_of_the_run():
    assert date_key("2021-10-09T13:24", "2021-10-10") == ("2021-10-09", "event")
    assert date_key(None, "2021-10-10T08:00:00Z") == ("2021-10-10", "published")
    assert date_key("sometime", None) == (None, "none")
    assert date_key(None, None) == (None, "none")
    assert DATE_BASES == ("event", "published", "none")


def test_aggregated_dates_and_bases(con):
    rows = con.execute("""SELECT a.article_id, g.date, g.date_basis, CAST(g.date_start AS VARCHAR), CAST(g.date_end AS VARCHAR)
                          FROM aggregated_events g JOIN articles a ON a.article_id = g.first_article_id
                          ORDER BY a.article_id""").fetchall()
    assert rows == [("art-month", "2024-05", "event", "2024-05-01", "2024-05-31"),
                    ("art-none", None, "none", None, None),
                    ("art-published", "2024-05-21", "published", "2024-05-21", "2024-05-21")]
    assert con.execute("SELECT count(*) FROM event_mentions WHERE date_basis NOT IN ('event', 'published', 'none')"
                       ).fetchone()[0] == 0


def _gdelt(con) -> dict[str, dict[str, str]]:
    buf = io.StringIO()
    export(con, "gdelt", buf)
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"))) for line in buf.getvalue().splitlines()]
    return {r["SOURCEURL"].rsplit("/", 1)[1]: r for r in rows}


def test_gdelt_dates_at_their_granularity(con):
    rows = _gdelt(con)
    assert set(rows) == {"month", "published", "none"}
    m = rows["month"]
    assert (m["Day"], m["MonthYear"], m["Year"], m["FractionDate"]) == ("", "202405", "2024", "")
    p = rows["published"]
    assert (p["Day"], p["MonthYear"], p["Year"]) == ("20240521", "202405", "2024") and p["FractionDate"].startswith("2024.")
    n = rows["none"]
    assert (n["Day"], n["MonthYear"], n["Year"], n["FractionDate"]) == ("", "", "", "")


def test_plover_date_is_the_event_s_or_the_marked_publication_day_or_null(con):
    buf = io.StringIO()
    export(con, "plover", buf)
    recs = {r["cite_info"]["url"].rsplit("/", 1)[1]: r for r in map(json.loads, buf.getvalue().splitlines())}
    assert (recs["month"]["date"], recs["month"]["date_basis"]) == ("2024-05", "event") and "enddate" not in recs["month"]
    assert (recs["published"]["date"], recs["published"]["date_basis"]) == ("2024-05-21", "published")
    assert recs["none"]["date"] is None and recs["none"]["date_basis"] == "none"


def test_plover_date_shapes():
    assert plover_date("2021-10-09", "2021-10-09", "2021-10-09") == ("2021-10-09", None)
    assert plover_date("2021-10", "2021-10-01", "2021-10-31") == ("2021-10", None)
    assert plover_date("2021", "2021-01-01", "2021-12-31") == ("2021", None)
    assert plover_date("2021-W40", "2021-10-04", "2021-10-10") == ("2021-10-04", "2021-10-10")
    assert plover_date(None, None, None) == (None, None)


def test_coded_events_keep_null_dates_and_the_web_counts_them(con):
    assert con.execute("SELECT article_id, date FROM events ORDER BY article_id").fetchall() == [
        ("art-month", "2024-05"), ("art-none", None), ("art-published", None)]
    from eventwire.web.queries import Queries, detect_corpus

    st = Queries(con.cursor(), detect_corpus(con)).counts()
    assert st["events_undated"] == 2 and st["aggregated_undated"] == 1
    assert st["aggregated_no_day"] == 2  # the undated one and the month-granular one


def test_migration_6_turns_stored_dates_into_undated(tmp_path):
    c = duckdb.connect(str(tmp_path / "old.duckdb"))
    for version, statements in MIGRATIONS:
        if version == 6:
            break
        for sql in statements:
            c.execute(sql)
    c.execute("INSERT INTO aggregated_events (agg_event_id, date, date_start, date_end, date_basis) VALUES "
              "('a', '2026-12-07', DATE '2026-12-07', DATE '2026-12-07', 'stored'), "
              "('b', '2021-10-09', DATE '2021-10-09', DATE '2021-10-09', 'event')")
    c.execute("INSERT INTO event_mentions (mention_id, date, date_basis) VALUES ('m', '2026-12-07', 'stored'), ('n', '', 'none')")
    for sql in dict(MIGRATIONS)[6]:
        c.execute(sql)
    assert c.execute("SELECT agg_event_id, date, date_start, date_basis FROM aggregated_events ORDER BY 1").fetchall() == [
        ("a", None, None, "none"), ("b", "2021-10-09", __import__("datetime").date(2021, 10, 9), "event")]
    assert c.execute("SELECT mention_id, date, date_basis FROM event_mentions ORDER BY 1").fetchall() == [
        ("m", None, "none"), ("n", None, "none")]


def test_corpus_stats_counts_undated_events(con, tmp_path):
    from typer.testing import CliRunner

    from eventwire.cli import app

    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    res = CliRunner().invoke(app, ["corpus", "stats", "--db", path], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    lines = {ln.split("│")[1].strip(): ln.split("│")[2].strip() for ln in res.output.splitlines() if ln.count("│") >= 3}
    assert lines["aggregated events undated (no event date, no publication date)"] == "1"
    assert lines["aggregated events dated by their article's publication day"] == "1"
