"""Feeds -> Documents: RSS, Atom (through feedparser) and JSON Feed (read by us), one document per entry.

An entry becomes a :class:`~eventwire.records.Document` of kind ``feed`` whose text is the entry's
content (``content:encoded``, Atom ``content``, JSON Feed ``content_html``/``content_text``), or its
summary when it has no content, converted from HTML to paragraphs. The entry's metadata become hints:
``url`` (its link), ``title``, ``published`` (``published``/``updated``, ``date_published``),
``authors`` and ``language`` (the feed's). Many feeds carry only a summary: such entries are short
and extraction reports them as ``no_article`` ("feed entry has only a summary"); ``eventwire run``
on a feed *URL* fetches each entry's page instead (:mod:`eventwire.ingest.http`).

File suffixes: ``.rss``, ``.atom``, ``.rdf``, ``.xml`` (an XML file that is not a feed is skipped with
that reason) and ``.json`` (a JSON file that is not a JSON Feed is skipped with that reason). JSON Feed:
https://www.jsonfeed.org/version/1.1/.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.ids import content_id
from eventwire.ingest.decode import BinaryContent, decode_bytes
from eventwire.ingest.base import read_whole, register
from eventwire.records import Document, Problem

_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "section",
               "article", "figcaption", "dd", "dt"}


@dataclass(slots=True)
class FeedEntry:
    """One feed entry, format-independent.

    Attributes:
        id: the entry's id (or its link); url: its link; title; published: the date string as given;
        authors: names; content: the entry's HTML or text (``content_is_html`` says which);
        summary_only: ``True`` when ``content`` is the summary because the entry has no content.
    """

    id: str | None
    url: str | None
    title: str | None
    published: str | None
    authors: list[str] = field(default_factory=list)
    content: str = ""
    content_is_html: bool = True
    summary_only: bool = False


@dataclass(slots=True)
class Feed:
    """A parsed feed: its ``kind`` (``rss``, ``atom``, ``jsonfeed``), title, link, language, entries."""

    kind: str
    title: str | None
    link: str | None
    language: str | None
    entries: list[FeedEntry]


class NotAFeed(ValueError):
    """The bytes are not an RSS/Atom feed or a JSON Feed."""


def html_to_text(html: str) -> str:
    """Turn an HTML fragment (a feed entry's content) into paragraphs separated by blank lines.

    Block elements (``p``, ``div``, ``li``, headings, ``blockquote`` ...) and ``<br>`` end a
    paragraph; scripts, styles and images are dropped; whitespace inside a paragraph is collapsed.
    """
    import lxml.html
    from lxml import etree

    if not html.strip():
        return ""
    if "<" not in html:
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", html) if p.strip())
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for bad in root.xpath(".//script | .//style | .//noscript | .//iframe"):
        bad.drop_tree()
    parts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        t = " ".join("".join(buf).split())
        if t:
            parts.append(t)
        buf.clear()

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        elif el.text and tag not in ("img",):
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return "\n\n".join(parts)


def _first(*values) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def parse_feed(data: bytes) -> Feed:
    """Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes.

    Raises:
        NotAFeed: neither feedparser nor the JSON Feed reader recognises the bytes as a feed.
    """
    head = data[:2000].lstrip()
    if head.startswith(b"{") or head.startswith(b"\xef\xbb\xbf{"):
        return _parse_jsonfeed(data)
    import warnings

    import feedparser

    with warnings.catch_warnings():
        # feedparser warns about its own updated->published fallback on every access; not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        return _parse_xml_feed(feedparser.parse(data))


def _parse_xml_feed(d) -> Feed:
    if not d.version:
        why = f": {d.bozo_exception}" if d.get("bozo") and d.get("bozo_exception") else ""
        raise NotAFeed(f"not an RSS or Atom feed{why}"[:200])
    kind = "atom" if d.version.startswith("atom") else "rss"
    entries = []
    for e in d.entries:
        content = ""
        is_html = True
        summary_only = False
        if e.get("content"):
            c = e["content"][0]
            content = c.get("value") or ""
            is_html = "html" in (c.get("type") or "text/html")
        if not content.strip():
            content = e.get("summary") or e.get("description") or ""
            summary_only = True
        authors = [a.get("name") for a in e.get("authors", []) if isinstance(a, dict) and a.get("name")]
        if not authors and e.get("author"):
            authors = [e["author"]]
        entries.append(FeedEntry(
            id=_first(e.get("id"), e.get("link")), url=_first(e.get("link")), title=_first(e.get("title")),
            published=_first(e.get("published"), e.get("updated"), e.get("created")), authors=authors,
            content=content, content_is_html=is_html, summary_only=summary_only,
        ))
    f = d.feed
    return Feed(kind, _first(f.get("title")), _first(f.get("link")), _first(f.get("language")), entries)


def _parse_jsonfeed(data: bytes) -> Feed:
    try:
        obj = json.loads(decode_bytes(data).text)
    except (json.JSONDecodeError, BinaryContent) as exc:
        raise NotAFeed(f"not a JSON Feed: invalid JSON ({exc})"[:200]) from exc
    except RecursionError as exc:  # nested deeper than the decoder takes
        raise NotAFeed("not a JSON Feed: invalid JSON (nested too deeply)") from exc
    if not isinstance(obj, dict) or not str(obj.get("version", "")).startswith("https://jsonfeed.org/version/") \
            or not isinstance(obj.get("items"), list):
        keys = ", ".join(sorted(obj)[:8]) if isinstance(obj, dict) else type(obj).__name__
        raise NotAFeed(f"not a JSON Feed (no jsonfeed.org 'version' and 'items'; found: {keys})"[:200])
    entries = []
    feed_authors = _jf_authors(obj)
    for it in obj["items"]:
        if not isinstance(it, dict):
            continue
        html, text = it.get("content_html"), it.get("content_text")
        summary_only = False
        if isinstance(html, str) and html.strip():
            content, is_html = html, True
        elif isinstance(text, str) and text.strip():
            content, is_html = text, False
        else:
            content, is_html, summary_only = str(it.get("summary") or ""), False, True
        entries.append(FeedEntry(
            id=_first(str(it.get("id") or ""), it.get("url")), url=_first(it.get("url"), it.get("external_url")),
            title=_first(it.get("title")), published=_first(it.get("date_published"), it.get("date_modified")),
            authors=_jf_authors(it) or feed_authors, content=content, content_is_html=is_html,
            summary_only=summary_only,
        ))
    return Feed("jsonfeed", _first(obj.get("title")), _first(obj.get("home_page_url")), _first(obj.get("language")), entries)


def _jf_authors(obj: dict) -> list[str]:
    out = []
    for a in (obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])):
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip():
            out.append(a["name"].strip())
    return out


def entry_document(src: str, feed: Feed, entry: FeedEntry, index: int) -> Document | Problem:
    """One feed entry as a Document (plain text, hints from the entry), or a Problem when it is empty."""
    member = f"entry {index}" + (f" ({entry.id})" if entry.id else "")
    text = html_to_text(entry.content) if entry.content_is_html else entry.content.strip()
    raw = json.dumps([entry.id, entry.url, entry.title, entry.published, entry.content], ensure_ascii=False).encode()
    doc_id = content_id(raw)
    if not text.strip():
        return Problem(src, "read", "skipped", "empty feed entry", "no content and no summary",
                       member=member, doc_id=doc_id)
    hints: dict = {k: v for k, v in (("url", entry.url), ("title", entry.title), ("published", entry.published),
                                     ("language", feed.language)) if v}
    if entry.authors:
        hints["authors"] = entry.authors
    if entry.summary_only:
        hints["summary_only"] = True
    return Document(doc_id=doc_id, source=src, member=member, kind="feed", text=text, hints=hints, size=len(raw))


def iter_feed(src: str, data: bytes) -> Iterator[Document | Problem]:
    """Documents for every entry of the feed in ``data``; a Problem when it is not a feed or has none."""
    try:
        feed = parse_feed(data)
    except NotAFeed as exc:
        yield Problem(src, "read", "skipped", "not a feed", str(exc), doc_id=content_id(data))
        return
    if not feed.entries:
        yield Problem(src, "read", "skipped", "feed has no entries", f"{feed.kind} feed {feed.title!r}",
                      doc_id=content_id(data))
        return
    for i, entry in enumerate(feed.entries, start=1):
        yield entry_document(src, feed, entry, i)


@register(".rss", ".atom", ".rdf", ".xml", ".json", ".rss.gz", ".atom.gz", ".xml.gz", ".json.gz")
def read_feed_file(path: Path, max_bytes: int) -> Iterator[Document | Problem]:
    """One document per entry of an RSS/Atom/JSON Feed file (see the module docstring)."""
    data = read_whole(path, max_bytes)
    if isinstance(data, Problem):
        yield data
        return
    yield from iter_feed(str(path), data)
