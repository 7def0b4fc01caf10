"""Live sources through the polite client, against a local HTTP server only (no internet)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from eventwire.extract import extract
from eventwire.ingest.http import FetchError, HttpConfig, PoliteClient, read_url
from eventwire.records import Document, Problem
from eventwire.runner import RunConfig, run

STORY = """<html lang="en"><head><title>Rebels and army agree truce | Example Times</title>
<meta property="og:site_name" content="Example Times">
<link rel="canonical" href="/news/story.html">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Rebels and army agree truce", "datePublished": "2024-05-02T10:00:00+02:00",
 "dateModified": "2024-05-02T12:30:00+02:00",
 "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Tom Berg"}]}</script>
</head><body><article><h1>Rebels and army agree truce</h1>
<p>The army and rebel commanders agreed on Thursday to a three-day truce to allow aid into the besieged city,
the mediators said in a statement released in the capital.</p>
<p>Aid agencies welcomed the truce and said convoys carrying food and medicine were ready to leave at dawn.</p>
</article></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example Times</title>
<link>{base}/</link><language>en</language>
<item><title>Rebels and army agree truce</title><link>{base}/news/story.html</link>
<pubDate>Thu, 02 May 2024 08:00:00 +0000</pubDate><description>Short teaser.</description></item>
<item><title>Gone story</title><link>{base}/news/gone.html</link>
<pubDate>Thu, 02 May 2024 09:00:00 +0000</pubDate><description>Another teaser.</description></item>
</channel></rss>"""


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    agents: list[str] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up (the timeout test)
            pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path
        _Handler.hits[path] = _Handler.hits.get(path, 0) + 1
        _Handler.agents.append(self.headers.get("User-Agent", ""))
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/news/story.html":
            self._send(200, STORY.encode("utf-8"))
        elif path == "/feed.xml":
            self._send(200, FEED.format(base=base).encode("utf-8"), "application/rss+xml")
        elif path == "/flaky.html":
            if _Handler.hits[path] == 1:
                self._send(503, b"busy", extra={"Retry-After": "0"})
            else:
                self._send(200, STORY.encode("utf-8"))
        elif path == "/big.html":
            self._send(200, b"<html><body>" + b"x" * 5000 + b"</body></html>")
        elif path == "/slow.html":
            time.sleep(1.5)
            self._send(200, STORY.encode("utf-8"))
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        else:
            self._send(404, b"not found")


@pytest.fixture()
def server():
    _Handler.hits, _Handler.agents = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    t.join(timeout=5)


def _client(**kw) -> PoliteClient:
    cfg = HttpConfig(delay=0.0, backoff=0.0, **kw)
    return PoliteClient(cfg)


def test_page_is_fetched_with_user_agent_and_extracted(server):
    with _client(user_agent="eventwire-test/1.0") as c:
        (doc,) = list(read_url(server + "/news/story.html", c))
    assert isinstance(doc, Document) and doc.kind == "url"
    assert doc.hints["url"] == server + "/news/story.html" and doc.hints["charset"] == "utf-8"
    assert set(_Handler.agents) == {"eventwire-test/1.0"}
    assert _Handler.hits["/robots.txt"] == 1
    a = extract(doc)
    assert a.title == "Rebels and army agree truce"
    assert a.authors == ["Ana Ruiz", "Tom Berg"]
    assert (a.published, a.modified) == ("2024-05-02T10:00+02:00", "2024-05-02T12:30+02:00")
    assert a.canonical_url == server + "/news/story.html"
    assert a.language == "en"


def test_robots_txt_is_obeyed(server):
    with _client() as c:
        items = list(read_url(server + "/private/secret.html", c))
        assert c.allowed(server + "/news/story.html") is True
    assert [(type(i).__name__, i.reason) for i in items] == [("Problem", "cannot fetch URL: robots.txt disallows")]
    assert "/private/secret.html" not in _Handler.hits


def test_retry_after_503_then_success(server):
    with _client(retries=2) as c:
        f = c.fetch(server + "/flaky.html")
    assert f.status == 200 and _Handler.hits["/flaky.html"] == 2


def test_http_errors_timeouts_size_cap_and_content_type(server):
    with _client(retries=0, read_timeout=0.3, max_bytes=1000) as c:
        with pytest.raises(FetchError) as e404:
            c.fetch(server + "/nowhere.html")
        with pytest.raises(FetchError) as ebig:
            c.fetch(server + "/big.html")
        with pytest.raises(FetchError) as eslow:
            c.fetch(server + "/slow.html")
        (img,) = list(read_url(server + "/image.png", c))
    assert e404.value.reason == "HTTP 404"
    assert ebig.value.reason == "too large"
    assert eslow.value.reason == "timeout"
    assert isinstance(img, Problem) and img.reason == "unsupported content type 'image/png'"


def test_per_host_rate_limit_waits_between_requests(server):
    """The client asks to sleep so that two requests to one host are `delay` seconds apart."""
    now = [1000.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    c = PoliteClient(HttpConfig(delay=5.0), clock=lambda: now[0], sleep=sleep)
    try:
        c.fetch(server + "/news/story.html")   # robots.txt, then the page: one wait of 5 s
        c.fetch(server + "/news/story.html")   # another 5 s
    finally:
        c.close()
    assert sleeps == [5.0, 5.0]


def test_feed_url_fetches_entry_pages_and_falls_back_to_entry_content(server):
    with _client() as c:
        items = list(read_url(server + "/feed.xml", c))
    assert [type(i).__name__ for i in items] == ["Document", "Problem"]
    page, gone = items
    assert page.kind == "url" and page.hints["feed"] == server + "/feed.xml"
    assert page.hints["published"] == "Thu, 02 May 2024 08:00:00 +0000"
    # the entry's page is gone and the feed gives only a 2-word teaser: the reason is the fetch failure
    assert gone.reason == "feed entry page not fetched: HTTP 404" and gone.member == "entry 2"
    assert "only 2 words" in gone.detail


def test_run_on_urls_stores_articles_and_reasons(server, tmp_path):
    db = tmp_path / "u.duckdb"
    cfg = RunConfig(db=str(db), http=HttpConfig(delay=0.0, backoff=0.0, retries=0))
    stats, status = run([server + "/feed.xml", server + "/private/x.html"], cfg)
    assert status == "done" and stats.articles == 1
    con = duckdb.connect(str(db), read_only=True)
    arts = con.execute("SELECT title, url, authors, published, modified, canonical_url FROM articles").fetchall()
    reasons = sorted(r[0] for r in con.execute("SELECT reason FROM errors").fetchall())
    con.close()
    assert arts == [("Rebels and army agree truce", server + "/news/story.html", ["Ana Ruiz", "Tom Berg"],
                     "2024-05-02T10:00+02:00", "2024-05-02T12:30+02:00", server + "/news/story.html")]
    assert "cannot fetch URL: robots.txt disallows" in reasons
    assert "feed entry page not fetched: HTTP 404" in reasons
    assert not any("run eventwire on the feed URL" in r for r in reasons)


def _closed_port() -> int:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connections are refused
    return port


def test_network_failures_say_what_happened_not_robots(tmp_path):
    """Attack item 6: a refused connection was reported as "robots.txt disallows"."""
    port = _closed_port()
    with _client(retries=0) as c:
        items = list(read_url(f"http://127.0.0.1:{port}/x.html", c))
    assert [(type(i).__name__, i.reason) for i in items] == [("Problem", "cannot fetch URL: connection refused")]
    with _client(retries=0) as c:
        items = list(read_url("http://no-such-host.invalid/x.html", c))
    assert [i.reason for i in items] == ["cannot fetch URL: DNS lookup failed"]


class _Robots5xx(_Handler):
    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            self._send(503, b"down")
        elif self.path == "/feed.xml":
            port = self.server.dead_port  # type: ignore[attr-defined]
            self._send(200, FEED.format(base=f"http://127.0.0.1:{port}").encode("utf-8"), "application/rss+xml")
        else:
            self._send(200, STORY.encode("utf-8"))


def test_robots_5xx_disallows_with_its_reason_and_feed_entries_on_a_dead_host(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Robots5xx)
    httpd.dead_port = _closed_port()  # type: ignore[attr-defined]
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with _client(retries=0, respect_robots=False) as c:
            feed_items = list(read_url(base + "/feed.xml", c))
        with _client(retries=0) as c:
            page_items = list(read_url(base + "/news/story.html", c))
    finally:
        httpd.shutdown()
        httpd.server_close()
        t.join(timeout=5)
    assert [i.reason for i in page_items] == [
        "cannot fetch URL: robots.txt unavailable (HTTP 503): treated as disallowing every page (RFC 9309)"]
    # the feed's entries point to a host that refuses connections: say so, and no "run on the feed URL" hint
    assert [(type(i).__name__, i.reason) for i in feed_items] == [
        ("Problem", "feed entry page not fetched: connection refused")] * 2
    assert all("run eventwire" not in i.detail and "only 2 words" in i.detail for i in feed_items)
