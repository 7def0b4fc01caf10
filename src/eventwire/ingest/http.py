"""Live sources: pages and feeds fetched over HTTP(S) by a polite client (httpx).

``eventwire run https://example.org/news/story.html`` reads one page; ``eventwire run
https://example.org/feed.xml`` reads the feed and fetches the page of every entry (when an entry's page
cannot be fetched, the entry's own content is used, with a warning).

The client (:class:`PoliteClient`) is polite by construction:

* **robots.txt** is read once per host and obeyed for our user agent (RFC 9309: a robots.txt that
  answers 4xx allows everything; one that answers 5xx disallows everything; one that cannot be
  reached means the host is unreachable, and every URL of it fails with that reason, e.g.
  ``connection refused``, ``DNS lookup failed``, ``timeout``);
  its ``Crawl-delay`` is honoured when it is longer than ours;
* **per-host rate limit**: at least :attr:`HttpConfig.delay` seconds between two requests to the same
  host (1 s by default);
* **timeouts** (10 s to connect, 30 s to read), **retries** with exponential backoff on timeouts,
  connection errors and 429/5xx answers (``Retry-After`` honoured, capped at 60 s), at most 5
  redirects;
* a **user agent** naming eventwire (configurable: ``--user-agent``);
* a **size cap**: a body over ``--max-bytes`` is refused (``Content-Length`` is checked first, then the
  stream is cut at the cap).

Every failure becomes a Problem with its reason (``robots.txt disallows``, ``HTTP 404``, ``timeout``,
``connection refused``, ``DNS lookup failed``, ``too large``); nothing is skipped silently.
"""
from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

from eventwire import __version__
from eventwire.ids import content_id
from eventwire.ingest.base import DEFAULT_MAX_BYTES, DocumentTooLarge
from eventwire.records import Document, Problem

DEFAULT_USER_AGENT = f"eventwire/{__version__} (news research; +https://pypi.org/project/eventwire/)"
_RETRY_STATUS = {429, 500, 502, 503, 504}
_FEED_TYPES = ("rss", "atom", "application/xml", "text/xml", "application/rdf", "feed+json", "application/json")
_HTML_TYPES = ("text/html", "application/xhtml")


def is_url(s: object) -> bool:
    """True for ``http://`` and ``https://`` URLs (the inputs read by this module)."""
    return isinstance(s, str) and s.lower().startswith(("http://", "https://"))


@dataclass(slots=True)
class HttpConfig:
    """Settings of the polite client.

    Attributes:
        user_agent: sent with every request and matched against robots.txt groups.
        delay: minimum seconds between two requests to the same host.
        connect_timeout, read_timeout: seconds.
        retries: further attempts after a timeout, a connection error or a 429/5xx answer.
        backoff: seconds before the first retry; doubled for each further one.
        max_bytes: size cap of one body.
        max_redirects: redirects followed.
        max_retry_after: the longest ``Retry-After`` or ``Crawl-delay`` honoured, in seconds.
        respect_robots: obey robots.txt (only switch off for your own servers).
    """

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    max_retry_after: float = 60.0
    respect_robots: bool = True


class FetchError(Exception):
    """A URL could not be fetched. ``reason`` is short and stable (``HTTP 404``, ``timeout``,
    ``robots.txt disallows``, ``too large``); ``detail`` says more."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason + (f": {detail}" if detail else ""))
        self.reason, self.detail = reason, detail


@dataclass(slots=True)
class Fetched:
    """A fetched body: final ``url`` (after redirects), ``status``, ``content_type`` (lower case, no
    parameters), ``charset`` (from the header) or ``None``, ``data``, ``fetched_at`` (ISO 8601, UTC)."""

    url: str
    status: int
    content_type: str
    charset: str | None
    data: bytes
    fetched_at: str
    headers: dict[str, str] = field(default_factory=dict)


class PoliteClient:
    """An HTTP client that obeys robots.txt, rate-limits per host, retries, and caps sizes.

    Args:
        config: the settings (:class:`HttpConfig`).
        transport: an httpx transport (tests use ``httpx.MockTransport`` or a local server).
        clock, sleep: time source and sleep function (seconds); injectable so that the rate limit can
            be checked without waiting.
    """

    def __init__(self, config: HttpConfig | None = None, *, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.config = config or HttpConfig()
        self._clock, self._sleep = clock, sleep
        self._next_ok: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchError] = {}
        self._client = httpx.Client(
            headers={"User-Agent": self.config.user_agent, "Accept": "text/html,application/xhtml+xml,"
                     "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.5"},
            timeout=httpx.Timeout(self.config.read_timeout, connect=self.config.connect_timeout),
            follow_redirects=True, max_redirects=self.config.max_redirects, transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- politeness ------------------------------------------------------------------------------

    def _host(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    def _wait_turn(self, host: str, delay: float) -> None:
        now = self._clock()
        wait = self._next_ok.get(host, now) - now
        if wait > 0:
            self._sleep(wait)
        self._next_ok[host] = max(now, self._next_ok.get(host, now)) + delay

    def _robots_for(self, host: str) -> urllib.robotparser.RobotFileParser | FetchError:
        """The parsed robots.txt of ``host``, or the FetchError that stands for it.

        Conventions (RFC 9309, section 2.3.1): a robots.txt answering 4xx allows everything; one
        answering 5xx disallows everything (``robots.txt unavailable (HTTP 503): ...``); one that cannot
        be reached at all (connection refused, DNS, timeout) means the host is unreachable, and the
        error says so (``connection refused``), not "disallows".
        """
        if host in self._robots:
            return self._robots[host]
        rp = urllib.robotparser.RobotFileParser()
        try:
            resp = self._request(host + "/robots.txt", delay=self.config.delay, check_robots=False, retries=1)
            status, text = resp.status, resp.data.decode("utf-8", "replace")
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4"):
                status, text = 404, ""
            elif exc.reason.startswith("HTTP "):
                err = FetchError(f"robots.txt unavailable ({exc.reason}): treated as disallowing every page (RFC 9309)",
                                 exc.detail)
                self._robots[host] = err
                return err
            else:  # the host cannot be reached: that is the error of every URL on it
                self._robots[host] = exc
                return exc
        if 400 <= status < 500:
            rp.allow_all = True
        else:
            rp.parse(text.splitlines())
        self._robots[host] = rp
        return rp

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets our user agent fetch ``url`` (always when robots are not respected).

        Raises:
            FetchError: robots.txt could not be read (the host is unreachable, or it answered 5xx).
        """
        if not self.config.respect_robots:
            return True
        rp = self._robots_for(self._host(url))
        if isinstance(rp, FetchError):
            raise rp
        return rp.can_fetch(self.config.user_agent, url)

    def _delay_for(self, host: str) -> float:
        rp = self._robots.get(host)
        crawl = rp.crawl_delay(self.config.user_agent) if isinstance(rp, urllib.robotparser.RobotFileParser) else None
        return max(self.config.delay, min(float(crawl or 0), self.config.max_retry_after))

    # -- fetching --------------------------------------------------------------------------------

    def fetch(self, url: str) -> Fetched:
        """GET ``url`` politely.

        Raises:
            FetchError: robots.txt disallows it, the server answers non-2xx after retries, a timeout or
                connection error persists, or the body exceeds the size cap.
        """
        if not self.allowed(url):
            raise FetchError("robots.txt disallows", url)
        host = self._host(url)
        return self._request(url, delay=self._delay_for(host), check_robots=True, retries=self.config.retries)

    def _request(self, url: str, *, delay: float, check_robots: bool, retries: int) -> Fetched:
        host = self._host(url)
        last: FetchError | None = None
        for attempt in range(retries + 1):
            self._wait_turn(host, delay)
            try:
                return self._get_once(url)
            except FetchError as exc:
                last = exc
                retry_after = getattr(exc, "retry_after", None)
                if not getattr(exc, "retryable", False) or attempt == retries:
                    raise
                pause = retry_after if retry_after is not None else self.config.backoff * (2 ** attempt)
                self._sleep(min(pause, self.config.max_retry_after))
        assert last is not None
        raise last

    def _get_once(self, url: str) -> Fetched:
        cap = self.config.max_bytes
        try:
            with self._client.stream("GET", url) as r:
                if r.status_code >= 300:
                    err = FetchError(f"HTTP {r.status_code}", f"{url} ({r.reason_phrase})")
                    err.retryable = r.status_code in _RETRY_STATUS  # type: ignore[attr-defined]
                    ra = r.headers.get("Retry-After")
                    err.retry_after = float(ra) if ra and ra.strip().isdigit() else None  # type: ignore[attr-defined]
                    raise err
                declared = r.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > cap:
                    raise FetchError("too large", str(DocumentTooLarge(int(declared), cap)))
                chunks, total = [], 0
                for chunk in r.iter_bytes():
                    total += len(chunk)
                    if total > cap:
                        raise FetchError("too large", str(DocumentTooLarge(cap + 1, cap)))
                    chunks.append(chunk)
                ctype = r.headers.get("Content-Type", "")
                return Fetched(
                    url=str(r.url), status=r.status_code, content_type=ctype.split(";")[0].strip().lower(),
                    charset=r.charset_encoding, data=b"".join(chunks),
                    fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    headers={k.lower(): v for k, v in r.headers.items()},
                )
        except httpx.TimeoutException as exc:
            err = FetchError("timeout", f"{url}: {type(exc).__name__}")
            err.retryable = True  # type: ignore[attr-defined]
            raise err from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError("too many redirects", url) from exc
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            err = FetchError(_transport_reason(exc), f"{url}: {exc!r}"[:300])
            err.retryable = isinstance(exc, httpx.TransportError)  # type: ignore[attr-defined]
            raise err from exc


def _transport_reason(exc: Exception) -> str:
    """A short reason for a transport failure: ``connection refused``, ``DNS lookup failed`` (the host
    name does not resolve), ``connection reset``, ``invalid URL``, else ``connection failed``."""
    msg = str(exc).lower()
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "invalid URL"
    if "refused" in msg:
        return "connection refused"
    if any(k in msg for k in ("name or service not known", "name resolution", "nodename nor servname",
                              "no address associated", "getaddrinfo", "name does not resolve")):
        return "DNS lookup failed"
    if "reset" in msg:
        return "connection reset"
    return "connection failed"


# ---------------------------------------------------------------------------------------------
# URLs -> Documents


#: A feed entry whose own content is shorter than this (words) is a summary, not an article: the same
#: threshold as extraction's ``eventwire.extract.FEED_MIN_WORDS``.
FEED_SUMMARY_WORDS = 100


def _is_feed(f: Fetched) -> bool:
    if any(t in f.content_type for t in _HTML_TYPES):
        return False
    if any(t in f.content_type for t in _FEED_TYPES):
        return True
    head = f.data[:600].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"jsonfeed.org" in head


def read_url(url: str, client: PoliteClient, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | Problem]:
    """Documents from one URL: the page, or every entry's page when the URL is a feed.

    Yields:
        Documents of kind ``url`` (an HTML page; hints ``url``, ``charset``, ``fetched_at``, plus the
        feed entry's ``title``, ``published``, ``authors`` when it came from a feed) or ``feed`` (the
        entry's own content when its page could not be fetched), and Problems for what failed.
    """
    from eventwire.ingest.feeds import NotAFeed, entry_document, parse_feed

    try:
        f = client.fetch(url)
    except FetchError as exc:
        yield Problem(url, "read", "error", f"cannot fetch URL: {exc.reason}", exc.detail)
        return
    if len(f.data) > max_bytes:
        yield Problem(url, "read", "error", "file too large", str(DocumentTooLarge(len(f.data), max_bytes)))
        return
    if not f.data.strip():
        yield Problem(url, "read", "skipped", "empty response", f"HTTP {f.status}, 0 bytes")
        return
    if not _is_feed(f):
        if f.content_type and not any(t in f.content_type for t in _HTML_TYPES) and not f.content_type.startswith("text/"):
            yield Problem(url, "read", "skipped", f"unsupported content type '{f.content_type}'", f.url)
            return
        yield _page_document(url, f, {})
        return
    try:
        feed = parse_feed(f.data)
    except NotAFeed as exc:
        yield Problem(url, "read", "skipped", "not a feed", str(exc))
        return
    if not feed.entries:
        yield Problem(url, "read", "skipped", "feed has no entries", f"{feed.kind} feed {feed.title!r}")
        return
    for i, entry in enumerate(feed.entries, start=1):
        hints = {k: v for k, v in (("title", entry.title), ("published", entry.published),
                                   ("authors", entry.authors or None), ("language", feed.language)) if v}
        if entry.url and is_url(entry.url):
            try:
                page = client.fetch(entry.url)
            except FetchError as exc:
                fallback = entry_document(url, feed, entry, i)
                if isinstance(fallback, Document):
                    n = len((fallback.text or "").split())
                    if n < FEED_SUMMARY_WORDS:  # only a summary: say why the page is missing, nothing else to do
                        yield Problem(url, "read", "error", f"feed entry page not fetched: {exc.reason}",
                                      f"{entry.url}: {exc.detail}; the feed itself gives only {n} words for this entry",
                                      member=f"entry {i}", doc_id=fallback.doc_id)
                        continue
                    fallback.warnings.append(f"entry page not fetched ({exc.reason}); used the feed's content")
                yield fallback
                continue
            yield _page_document(entry.url, page, {**hints, "feed": url}, member=f"entry {i}")
        else:
            yield entry_document(url, feed, entry, i)


def _page_document(src: str, f: Fetched, extra: dict, member: str | None = None) -> Document:
    hints = {"url": f.url, "fetched_at": f.fetched_at, **({"charset": f.charset} if f.charset else {}), **extra}
    return Document(doc_id=content_id(f.data), source=src, member=member, kind="url", data=f.data, hints=hints,
                    size=len(f.data))
