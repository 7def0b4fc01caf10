"""WARC and feed readers on the real samples in ../shared/data/ingest."""
from __future__ import annotations

import gzip
import json

import pytest

from eventwire.extract import NoArticle, extract
from eventwire.ingest import iter_documents
from eventwire.ingest.feeds import html_to_text, parse_feed
from eventwire.records import Document, Problem
from tests.conftest import shared_path


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Problem)]


def test_warc_html_responses_become_documents():
    path = shared_path("data", "ingest", "warc", "warcfile.warc.gz")
    docs, probs = _split(iter_documents([path]))
    assert len(docs) == 16
    assert all(d.kind == "warc" and d.member.startswith("urn:uuid:") for d in docs)
    assert docs[0].hints["url"] == "http://003338.cn/l41/481397.html"
    assert docs[0].hints["fetched_at"] == "2020-08-08T17:27:41Z"
    assert all(d.warnings == [] for d in docs)  # every block digest checks out
    # the other records are reported, with counts, not dropped silently
    assert [(p.severity, p.reason, p.detail) for p in probs] == [
        ("skipped", "WARC records that are not HTML responses", "request: 17, metadata: 16, warcinfo: 1")]


def test_warc_charset_from_http_header_decodes_cyrillic():
    path = shared_path("data", "ingest", "warc", "warcfile.warc.gz")
    docs, _ = _split(iter_documents([path]))
    (ru,) = [d for d in docs if d.hints["url"] == "http://01spb.ru/company/"]
    assert ru.hints["charset"] == "windows-1251"
    a = extract(ru)
    assert a.language == "ru"
    assert a.title == "О компании"


def test_clipped_warc_does_not_crash_and_is_flagged():
    path = shared_path("data", "ingest", "warc", "clipped.warc.gz")
    (doc,) = list(iter_documents([path]))
    assert isinstance(doc, Document)
    assert doc.warnings == ["WARC record truncated or corrupt (block digest mismatch): processed what was read"]
    a = extract(doc)
    assert a.outlet_domain == "houstonpress.com"
    assert a.title.startswith("A Humble Chance The Rapper")
    assert a.published == "2016-10-17T08:52-05:00"
    assert len(a.body.split()) > 500


def test_warc_with_unknown_records_only():
    path = shared_path("data", "ingest", "warc", "block-sized-records.warc.gz")
    items = list(iter_documents([path]))
    assert [(type(i).__name__, i.reason, i.detail) for i in items] == [
        ("Problem", "WARC records that are not HTML responses", "unknown: 3")]


def test_warc_cut_mid_record_keeps_what_was_read_and_flags_the_last(tmp_path):
    raw = gzip.decompress(shared_path("data", "ingest", "warc", "warcfile.warc.gz").read_bytes())
    bad = tmp_path / "cut.warc"
    bad.write_bytes(raw[: len(raw) // 3])
    docs, probs = _split(iter_documents([bad]))
    assert len(docs) == 5
    assert [d.warnings for d in docs[:4]] == [[], [], [], []]
    assert docs[4].warnings == ["WARC record truncated or corrupt (block digest mismatch): processed what was read"]
    assert [(p.reason, p.detail) for p in probs] == [
        ("WARC records that are not HTML responses", "request: 5, metadata: 4, warcinfo: 1")]


def test_rss_and_atom_files():
    rss = shared_path("data", "ingest", "feeds", "example.rss")
    atom = shared_path("data", "ingest", "feeds", "example.atom")
    (r,) = list(iter_documents([rss]))
    assert (r.kind, r.member) == ("feed", "entry 1 (7bd204c6-1655-4c27-aeee-53f933c5395f)")
    assert r.text == "Here is some text containing an interesting description."
    assert r.hints == {"url": "http://www.example.com/blog/post/1", "title": "Example entry",
                       "published": "Sun, 06 Sep 2009 16:20:00 +0000", "summary_only": True}
    a1, a2 = list(iter_documents([atom]))
    assert (a1.hints["title"], a1.hints["url"], a1.hints["published"]) == (
        "Atom-Powered Robots Run Amok", "http://example.org/2003/12/13/atom03", "2003-12-13T18:30:02Z")
    assert a2.hints["title"] == "Self-referenced link"
    with pytest.raises(NoArticle) as e:
        extract(r)
    assert e.value.reason == "feed entry has only a summary"


def test_json_feed_file():
    path = shared_path("data", "ingest", "feeds", "npr_technology_feed.json")
    docs = list(iter_documents([path]))
    assert len(docs) == 25 and all(isinstance(d, Document) for d in docs)
    d = docs[0]
    assert d.hints["title"] == "Keller Rinaudo: How can delivery drones save lives?"
    assert d.hints["published"] == "2021-10-29T10:26:00-04:00"
    assert d.hints["authors"] == ["Manoush Zomorodi"]
    assert d.text.startswith("In rural areas, basic health care can be out of reach.")
    assert "<img" not in d.text and "npr-rss-pixel" not in d.text


def test_long_feed_entry_is_an_article(tmp_path):
    body = " ".join(["The ceasefire talks resumed in Doha on Monday with both delegations present."] * 12)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Wire", "language": "en",
            "items": [{"id": "1", "url": "https://www.reuters.com/world/talks", "title": "Talks resume in Doha",
                       "content_html": f"<p>{body}</p><p>See also: other talks</p>",
                       "date_published": "2021-10-09T13:24:00+02:00", "authors": [{"name": "Jane Doe"}]}]}
    f = tmp_path / "wire.json"
    f.write_text(json.dumps(feed), encoding="utf-8")
    (doc,) = list(iter_documents([f]))
    a = extract(doc)
    assert (a.title, a.published, a.authors, a.outlet) == ("Talks resume in Doha", "2021-10-09T13:24+02:00",
                                                           ["Jane Doe"], "Reuters")
    assert a.boilerplate == ["See also: other talks"]


def test_json_and_xml_files_that_are_not_feeds(tmp_path):
    (tmp_path / "a.json").write_text('{"V1": {"title": "x"}}', encoding="utf-8")
    (tmp_path / "b.xml").write_text("<sitemap><url>x</url></sitemap>", encoding="utf-8")
    items = list(iter_documents([tmp_path]))
    assert [(type(i).__name__, i.severity, i.reason) for i in items] == [
        ("Problem", "skipped", "not a feed"), ("Problem", "skipped", "not a feed")]
    assert "found: V1" in items[0].detail


def test_parse_feed_and_html_to_text():
    feed = parse_feed(b"<rss version='2.0'><channel><title>T</title><item><title>A</title>"
                      b"<link>https://x.org/a</link><description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;"
                      b"</description></item></channel></rss>")
    assert feed.kind == "rss" and feed.entries[0].summary_only
    assert html_to_text(feed.entries[0].content) == "One\n\nTwo"
    assert html_to_text("<div>a<br>b<script>x()</script><ul><li>c</li></ul></div>") == "a\n\nb\n\nc"


def test_example_full_text_feed():
    from tests.conftest import EXAMPLES

    docs = list(iter_documents([EXAMPLES / "feeds" / "regional-desk.rss"]))
    a, b = (extract(d) for d in docs)
    assert (a.title, a.published, a.authors) == ("Armenia and Azerbaijan agree to resume border demarcation talks",
                                                 "2024-03-12T14:05+01:00", ["Lena Hartmann"])
    # the feed names no outlet, so the dateline's wire is the outlet (issue 13.3) and not a source it cites
    assert (a.outlet, a.wire, a.dateline_place, a.cited_sources) == (
        "Agence France-Presse", "Agence France-Presse", "TBILISI", [])
    assert a.body.startswith("Armenia and Azerbaijan agreed on Tuesday")  # the dateline left the body
    assert a.boilerplate == ["Read more: How the border commissions work"]
    assert b.boilerplate == ["Photo: Example Agency/Staff"] and b.published == "2024-03-13T09:30+06:00"


def test_declared_charset_that_lies_and_invalid_bytes_do_not_crash():
    page = ("<html><head><title>Zürich talks</title></head><body><article><p>"
            + "Die Außenminister trafen sich am Montag in Zürich, um über den Waffenstillstand zu sprechen. " * 4
            + "</p></article></body></html>").encode("cp1252") + b"\x81\x8d\xff"
    doc = Document("cs", "p.html", "url", data=page, hints={"url": "https://example.ch/a", "charset": "utf-8"})
    a = extract(doc)
    assert a.title == "Zürich talks" and "Außenminister" in a.body
    assert any("not valid UTF-8" in w or "invalid UTF-8" in w for w in a.warnings)
