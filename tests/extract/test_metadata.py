"""The HTML metadata layer: title, all authors, times with offsets, canonical URL, language; pages
without an article; bounded time on huge and deeply nested pages."""
from __future__ import annotations

import pytest

from eventwire.extract import NoArticle, extract
from eventwire.extract.authors import split_names
from eventwire.extract.html import extract_html
from eventwire.extract.metadata import read_page_metadata
from eventwire.extract.titles import choose_title, split_title
from eventwire.records import Document

PARAS = "".join(
    f"<p>Paragraph {i}: the foreign ministers met in Geneva on Monday to discuss the ceasefire, the release of "
    f"prisoners and the reopening of the border crossings, officials said after the meeting.</p>" for i in range(6))

GRAPH = """<html lang="de-AT"><head><title>Minister treten zurück – Beispiel Zeitung</title>
<meta property="og:title" content="Minister treten zurück">
<meta property="og:site_name" content="Beispiel Zeitung">
<meta property="article:published_time" content="2024-05-03T17:47:42+02:00">
<link rel="canonical" href="https://www.beispiel.at/politik/minister-1234">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Beispiel Zeitung", "headline": "Beispiel Zeitung – Nachrichten"},
  {"@type": "BreadcrumbList", "itemListElement": []},
  {"@type": "NewsArticle", "headline": "Minister treten zur&uuml;ck",
   "datePublished": "2024-05-03T15:47:42.389Z", "dateModified": "2024-05-04T08:00:00Z",
   "author": [{"@type": "Person", "name": "Birgit Baumann"}, {"@type": "Person", "name": "Anna Giulia Fink (agf)"},
              {"@type": "Organization", "name": "dpa"}, {"@type": "Organization", "name": "Beispiel Zeitung"}],
   "publisher": {"@type": "Organization", "name": "Beispiel Zeitung"}}]}</script>
</head><body><header><h1>Minister treten zurück</h1></header><article>""" + PARAS + "</article></body></html>"


def test_json_ld_graph_gives_every_field():
    f = extract_html(GRAPH, "https://www.beispiel.at/politik/minister-1234?ref=x")
    assert f.title == "Minister treten zurück" and f.title_source == "ld"
    # persons, then the agency credit; the publisher itself is not an author
    assert f.authors == ["Birgit Baumann", "Anna Giulia Fink", "dpa"]
    # JSON-LD's UTC time and the meta tag's are the same instant: the publisher's own zone is kept
    assert f.published == "2024-05-03T17:47:42+02:00" and f.published_source == "meta:article:published_time"
    assert f.modified == "2024-05-04T08:00+00:00"
    assert f.canonical_url == "https://www.beispiel.at/politik/minister-1234"
    assert f.language == "de"
    assert f.site_name == "Beispiel Zeitung" and f.outlet_domain == "beispiel.at"


def test_meta_tags_only_page_time_and_authors():
    html = ("<html><head><title>Talks collapse - The Daily Example</title>"
            "<meta name='author' content='By Jane Doe and John Roe'>"
            "<meta property='article:published_time' content='2021-10-09T13:24:00-04:00'></head>"
            "<body><article><h1>Talks collapse</h1>" + PARAS + "</article></body></html>")
    f = extract_html(html, "https://dailyexample.com/a")
    assert (f.title, f.authors, f.published) == ("Talks collapse", ["Jane Doe", "John Roe"], "2021-10-09T13:24-04:00")


def test_time_element_refines_a_day_only_date():
    html = ("<html><head><title>Flood</title><script type='application/ld+json'>"
            '{"@type": "NewsArticle", "headline": "Flood", "datePublished": "2024-06-30"}</script></head>'
            "<body><article><time datetime='2024-06-30T07:48:14+02:00'>30.6.</time>" + PARAS + "</article></body></html>")
    md = read_page_metadata(html)
    assert md.published_candidates == [("ld:datePublished", "2024-06-30"), ("time", "2024-06-30T07:48:14+02:00")]
    assert md.published == "2024-06-30T07:48:14+02:00"


def test_live_blog_headline_is_the_page_not_an_update():
    html = ("<html><head><script type='application/ld+json'>"
            '{"@type": "LiveBlogPosting", "headline": "UK riots LIVE: latest", "datePublished": "2024-08-05T08:00:00Z",'
            '"liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Loud bang heard", "articleBody": "x"}]}'
            "</script></head><body>" + PARAS + "</body></html>")
    assert read_page_metadata(html).titles["ld"] == "UK riots LIVE: latest"


@pytest.mark.parametrize("raw, others, expected", [
    ("Talks between the US and Taliban delegations are scheduled in Doha – RT DE", (), "Talks between the US and Taliban delegations are scheduled in Doha"),
    ("Rebels seize town | Reuters", (), "Rebels seize town"),
    ("Bubi-Bomber wieder da: Thioune fordert Geduld | Sport | BILD.de", (), "Bubi-Bomber wieder da: Thioune fordert Geduld"),
    ("Flut in Bayern - Golem.de", ("Flut in Bayern",), "Flut in Bayern"),
    ("南海トラフ、一時調査 巨大地震：中日新聞Web", (), "南海トラフ、一時調査 巨大地震"),
    ("Fed raises rates - what it means for you", (), "Fed raises rates - what it means for you"),
])
def test_title_suffixes(raw, others, expected):
    assert split_title(raw, shorter=others)[0] == expected


def test_choose_title_prefers_json_ld_then_og_and_skips_a_login_h1():
    assert choose_title({"title": "A | Site", "og": "A", "ld": "A longer headline"})[:2] == ("A longer headline", "ld")
    assert choose_title({"h1": "Log In", "og": "Union rebels win", "title": "Union rebels win | The Nation"},
                        sitename="The Nation")[:2] == ("Union rebels win", "og")
    assert choose_title({"h1": "Log In", "title": "Union rebels win | The Nation"})[:2] == ("Union rebels win", "title")


def test_kicker_dropped_when_og_title_is_the_headline_without_it():
    # JSON-LD and <title> carry "Kicker: Headline", og:title the bare headline
    cands = {"ld": "Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig",
             "og": "Judy Lybke, ganz und gar nicht eigenartig",
             "title": "Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig - n-tv.de"}
    assert choose_title(cands)[:2] == ("Judy Lybke, ganz und gar nicht eigenartig", "ld")
    # a quoted kicker is a kicker too
    assert choose_title({"ld": '"Es wird bald beginnen": Trump spricht nach Tanker-Stürmung über Bodeneinsätze',
                         "og": "Trump spricht nach Tanker-Stürmung über Bodeneinsätze"})[0] == (
        "Trump spricht nach Tanker-Stürmung über Bodeneinsätze")


def test_kicker_kept_when_only_the_h1_lacks_it():
    # sites set the kicker in its own element above the <h1>: that is no evidence against it
    cands = {"ld": "Kenia: Nairobi von unten", "og": "Kenia: Nairobi von unten", "h1": "Nairobi von unten"}
    assert choose_title(cands)[0] == "Kenia: Nairobi von unten"


def test_two_different_kickers_leave_the_common_headline():
    cands = {"og": "Iranischer Angriff auf Israel: «Die Zurückhaltung hat viel mit den USA zu tun»",
             "h1": "Eskalation im Nahen Osten - «Die Zurückhaltung hat viel mit den USA zu tun»"}
    assert choose_title(cands)[:2] == ("«Die Zurückhaltung hat viel mit den USA zu tun»", "og")


@pytest.mark.parametrize("cands, expected", [
    # reworded prefixes are not kickers: they share words
    ({"ld": "Johannesburg has failed its traders: there is a solution, here is what to do",
      "h1": "Joburg has failed its traders: there is a solution, here is what to do"},
     "Johannesburg has failed its traders: there is a solution, here is what to do"),
    # a separator inside a quotation does not end a kicker
    ({"og": "'I sell Disney holidays - booking the right day could save you thousands'",
      "h1": "'I sell Walt Disney holidays - booking the right day could save you thousands'"},
     "'I sell Disney holidays - booking the right day could save you thousands'"),
    # more than KICKER_MAX_WORDS words before the colon: a clause of the headline, kept
    ({"ld": "'This new search box does not mean AI answers only': Google's search gets more AI",
      "og": "Google's search gets more AI"},
     "'This new search box does not mean AI answers only': Google's search gets more AI"),
    # no other candidate confirms the kicker: nothing is cut
    ({"ld": "Ukraine: Russia launches drones at Kyiv"}, "Ukraine: Russia launches drones at Kyiv"),
])
def test_kicker_rule_leaves_headlines_alone(cands, expected):
    assert choose_title(cands)[0] == expected


def test_cjk_section_before_site_suffix_is_stripped():
    raw = "장동혁, 한동훈 제명했지만… 부담 커졌다-정치ㅣ한국일보"
    assert split_title(raw, sitename="한국일보") == ("장동혁, 한동훈 제명했지만… 부담 커졌다", "한국일보")
    # without a site suffix, a trailing hyphenated word stays (it may be part of the headline)
    assert split_title("부담 커졌다-정치")[0] == "부담 커졌다-정치"
    assert split_title("COVID-19 cases rise | Example News")[0] == "COVID-19 cases rise"


def test_kicker_rule_on_a_page():
    html = ("<html><head><title>SVP-Parteitag: Chiesa ruft zum Widerstand auf | Tages-Anzeiger</title>"
            "<meta property='og:title' content='Chiesa ruft zum Widerstand auf'>"
            "<meta property='og:site_name' content='Tages-Anzeiger'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"headline\": \"SVP-Parteitag: Chiesa ruft zum Widerstand auf\"}</script></head><body><article>"
            "<p class='kicker'>SVP-Parteitag</p><h1>Chiesa ruft zum Widerstand auf</h1>" + PARAS + "</article></body></html>")
    f = extract_html(html, "https://www.tagesanzeiger.ch/x")
    assert (f.title, f.title_source) == ("Chiesa ruft zum Widerstand auf", "ld")


@pytest.mark.parametrize("raw, names", [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Von Anna Martel und Lea Wagner", ["Anna Martel", "Lea Wagner"]),
    ("Elena Oberholzer (obe)", ["Elena Oberholzer"]),
    ("Trine Juncher Jørgensen og Tôrtia Reimer-Johansen", ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"]),
    ("d.kuckelkorn@example.de", []),
    ("(Image: Getty Images)", []),
    ("chuck-ross", []),
    ("신현주 기자", ["신현주"]),
])
def test_author_names(raw, names):
    assert split_names(raw) == names


def _doc(html: str, url: str | None = None) -> Document:
    data = html.encode("utf-8")
    return Document(doc_id="t", source="t.html", kind="html", data=data, hints={"url": url} if url else {}, size=len(data))


def test_error_page_paywall_stub_and_index_page_are_no_articles():
    e404 = ("<html><head><title>Page not found | Example News</title></head><body><h1>404 - Page not found</h1>"
            "<p>Sorry, we can't find the page you were looking for. It may have been moved or deleted, or the "
            "address may be wrong. Try the search or go back to the home page to find the latest news.</p></body></html>")
    paywall = ("<html><head><title>Budget deal reached</title><script type='application/ld+json'>"
               '{"@type": "NewsArticle", "headline": "Budget deal reached", "isAccessibleForFree": "False"}</script>'
               "</head><body><article><h1>Budget deal reached</h1><p>The coalition parties agreed late on Sunday on "
               "a budget for next year after weeks of talks, according to people familiar with the matter.</p>"
               "<p>Subscribe to continue reading this article and get unlimited access to all our journalism.</p>"
               "</article></body></html>")
    links = "".join(f"<li><a href='/news/{i}'>Headline number {i} about the talks in the capital city</a></li>" for i in range(40))
    index = f"<html><head><title>News</title><meta property='og:type' content='website'></head><body><ul>{links}</ul></body></html>"
    reasons = []
    for html in (e404, paywall, index):
        with pytest.raises(NoArticle) as e:
            extract(_doc(html))
        reasons.append(e.value.reason)
    assert reasons == ["no article: error page", "no article: paywall stub", "no article: index page"]


def test_ten_megabyte_page_and_deep_nesting_finish():
    """Not a timing test: these inputs must finish and give a stated outcome (bounded by the caps)."""
    script = "<script>var blob = '" + "a" * 9_500_000 + "';</script>"
    big = "<html><head><title>Truce agreed | Example</title>" + script + "</head><body><article><h1>Truce agreed</h1>" + PARAS + "</article></body></html>"
    assert len(big) > 9_500_000
    f = extract_html(big, "https://example.org/truce")
    assert f.title == "Truce agreed" and f.body.startswith("Paragraph 0:")
    text_flood = "<html><body><article>" + "".join(
        f"<p>Item {i}: ministers met again and talked about the same things once more.</p>" for i in range(70_000)) + "</article></body></html>"
    f2 = extract_html(text_flood, None)
    assert f2.warnings and "content extracted from the first 2,000,000" in f2.warnings[0]
    deep = "<html><body>" + "<div>" * 50_000 + "<p>" + "Deep text about talks in Doha. " * 20 + "</p>" + "</div>" * 50_000 + "</body></html>"
    f3 = extract_html(deep, None)  # flattened below level 200, so the text survives libxml2's depth limit
    assert "Deep text about talks in Doha." in f3.body
    assert "markup nested deeper than 256 levels: elements below level 200 flattened" in f3.warnings


def test_english_date_lines_read_directly_equal_dateparser():
    """The fast path of ``parse_date`` (``March 3, 2024 10:00`` and its variants) gives exactly what
    dateparser gives: every month name and abbreviation, with and without a full stop and comma, days
    and times at the edges (impossible ones included: they are left to dateparser)."""
    from eventwire.dates import _MONTHS, _dateparser_date, parse_date

    langs = ("en", "de", "fr", "es")
    checked = 0
    for mon in _MONTHS:
        for day in (1, 9, 29, 30, 31):
            for dot in ("", "."):
                for comma in (",", ""):
                    for tail in ("", " 10:00", " 0:05", " 23:59", ", 7:30", " 24:00", " 12:60"):
                        s = f"{mon}{dot} {day:02d}{comma} 2024{tail}" if day == 9 and dot else f"{mon}{dot} {day}{comma} 2024{tail}"
                        assert parse_date(s) == _dateparser_date(s, langs), s
                        checked += 1
    assert checked == 3360
    assert parse_date("March 3, 2024 10:00").iso == "2024-03-03T10:00"
    assert parse_date("Feb. 29, 1996").iso == "1996-02-29"


def test_published_keeps_the_publisher_s_zone_and_refines_partial_values():
    """Issue 13, item 5: a UTC timestamp beside the same instant in the page's own zone gives the
    publisher's day; a year-only value is refined by a full date within it; a URL's date outweighs a
    candidate more than a day away."""
    from eventwire.extract.metadata import _choose_published

    assert _choose_published([("ld:datePublished", "2019-10-22T23:30:00+00:00"),
                              ("meta:article:published_time", "2019-10-23T01:30:00+02:00")]) == (
        "2019-10-23T01:30:00+02:00", "meta:article:published_time")
    assert _choose_published([("meta:date", "2019"), ("time", "2019-10-22")]) == ("2019-10-22", "time")
    # different instants stay as the most trusted says
    assert _choose_published([("ld:datePublished", "2019-10-22T10:00:00+00:00"),
                              ("meta:article:published_time", "2019-10-21T12:00:00+02:00")])[0] == "2019-10-22T10:00:00+00:00"
    assert _choose_published([("ld:datePublished", "2009-04-11")], "2019-10-22") == ("2019-10-22", "url")
    assert _choose_published([("ld:datePublished", "2019-10-21T23:00:00-04:00")], "2019-10-22")[0] == "2019-10-21T23:00:00-04:00"
    assert _choose_published([], "2019-10-22") == ("2019-10-22", "url")
