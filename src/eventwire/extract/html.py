"""Web pages -> article fields: trafilatura for the body, our metadata layer for everything else.

trafilatura does the content extraction (with fallbacks to script-embedded HTML and JSON-LD
``articleBody`` for client-rendered pages). The page's own metadata (:mod:`eventwire.extract.metadata`:
JSON-LD, meta tags, visible markup) gives the title (:func:`~eventwire.extract.titles.choose_title`),
all authors (:func:`~eventwire.extract.authors.choose_authors`), publication and modification times
with time of day and UTC offset, language, canonical URL and site name; trafilatura's values are the
fallback. Boilerplate lines that survive extraction are removed, and pages that hold no article are
refused with a reason (:mod:`eventwire.extract.noarticle`). Huge pages are slimmed first
(:func:`bounded_html`) so that extraction time stays bounded; pages nested deeper than libxml2 parses
(:data:`LIBXML_MAX_DEPTH`) are flattened (:func:`unnest_html`) so their text is not lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from functools import lru_cache

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.settings import use_config

from eventwire.dates import date_line
from eventwire.extract.boilerplate import split_boilerplate
from eventwire.extract.embedded import embedded_article_html
from eventwire.extract.outlets import default_registry, domain_of
from eventwire.extract.authors import choose_authors
from eventwire.extract.metadata import last_parse_too_deep, parse_tree, read_page_metadata
from eventwire.extract.noarticle import MIN_ARTICLE_WORDS, article_warnings, no_article_reason, word_count
from eventwire.extract.titles import choose_title

#: Word counts (:func:`word_count`): whitespace tokens; in Chinese, Japanese and Korean script two
#: characters count as one. ``MIN_ARTICLE_WORDS`` (from :mod:`eventwire.extract.noarticle`) is the
#: shortest body kept as an article.
__all__ = ["extract_html", "HtmlFields", "NoArticle", "MIN_ARTICLE_WORDS", "word_count", "split_authors"]
#: trafilatura's ``max_tree_size``: pages with more elements than this are refused by trafilatura,
#: which keeps pathological markup (deep nesting, 10 MB pages) in bounded time.
MAX_TREE_SIZE = 500_000


#: Pages larger than this (characters) lose their scripts, styles, SVG and inline ``data:`` URIs
#: before content extraction (they hold no article text and dominate large pages).
STRIP_ABOVE_CHARS = 1_000_000
#: After stripping, pages are cut to this many characters before content extraction, so that a
#: pathological page (megabytes of text) finishes in bounded time; the cut is recorded as a warning.
MAX_HTML_CHARS = 2_000_000
_HEAVY = re.compile(r"<(script|style|svg|noscript)\b[^>]*>.*?</\1\s*>|data:[\w/+.-]+;base64,[A-Za-z0-9+/=]{200,}",
                    re.S | re.I)


def bounded_html(html: str) -> tuple[str, str | None]:
    """``html`` made cheap to extract from: heavy non-text parts removed from pages over
    :data:`STRIP_ABOVE_CHARS`, then cut at :data:`MAX_HTML_CHARS`. Returns (html, warning or ``None``)."""
    if len(html) <= STRIP_ABOVE_CHARS:
        return html, None
    slim = _HEAVY.sub(" ", html)
    if len(slim) <= MAX_HTML_CHARS:
        return slim, None
    return slim[:MAX_HTML_CHARS], (f"page of {len(html):,} characters ({len(slim):,} without scripts and styles): "
                                   f"content extracted from the first {MAX_HTML_CHARS:,}")


#: libxml2's HTML parser (lxml, and so trafilatura) stops at this nesting depth and drops everything
#: nested deeper (``Excessive depth in document: 256``; its ``XML_PARSE_HUGE`` option only moves the
#: limit to 2048). Source: libxml2 2.14 ``parserInternals``/``HTMLparser``, observed with lxml 6.
LIBXML_MAX_DEPTH = 256
#: Pages that hit :data:`LIBXML_MAX_DEPTH` are re-written with every element nested deeper than this
#: flattened into its ancestor at this level (:func:`unnest_html`), leaving room for the wrappers
#: trafilatura adds.
MAX_NESTING = 200
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split())
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TAG_TOKEN = re.compile(r"<!--.*?-->|<(script|style|textarea|template)\b[^>]*>.*?</\1\s*>"
                        r"|<(/?)([a-zA-Z][\w:.-]*)\b[^>]*?(/?)>", re.S | re.I)


def unnest_html(html: str, max_depth: int | None = None) -> str:
    """``html`` with the elements nested deeper than ``max_depth`` (default :data:`MAX_NESTING`) removed and their text kept: a removed
    block element (``div``, ``p``, ``li``, ...) becomes one ``<br>`` (consecutive ones collapse), an
    inline one (``span``, ``a``, ...) nothing; scripts, styles and comments below that level are dropped.

    Depth is counted from the tags (void elements and self-closed tags do not nest), so unclosed
    ``<p>``/``<li>`` can make it flatten earlier than needed, never later. One pass over the tags: time
    linear in the page size. Used only on pages that hit :data:`LIBXML_MAX_DEPTH`.
    """
    max_depth = MAX_NESTING if max_depth is None else max_depth
    out: list[str] = []
    depth = pos = 0
    last_br = False
    for m in _TAG_TOKEN.finditer(html):
        text = html[pos:m.start()]
        if text:
            out.append(text)
            last_br = last_br and not text.strip()
        pos = m.end()
        closing, name, self_closed = m.group(2), m.group(3), m.group(4)
        if name is None:  # comment, script, style, textarea, template: kept only above the cap
            if depth < max_depth:
                out.append(m.group(0))
            continue
        name = name.lower()
        if name in _VOID_TAGS or (self_closed and not closing):
            out.append(m.group(0))
            continue
        deep = depth >= max_depth if not closing else depth > max_depth
        depth = max(depth - 1, 0) if closing else depth + 1
        if not deep:
            out.append(m.group(0))
            last_br = False
        elif name in _BLOCK_TAGS and not last_br:
            out.append("<br>")
            last_br = True
    out.append(html[pos:])
    return "".join(out)


class NoArticle(ValueError):
    """The input holds no article (no main text found, or too short to be one).

    Attributes:
        reason: a short, stable reason (groups well in summaries); detail: specifics (counts, sizes).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason + (f" ({detail})" if detail else ""))
        self.reason, self.detail = reason, detail


@dataclass(slots=True)
class HtmlFields:
    """Fields read from a page (all optional except ``body``).

    ``title_source`` and ``published_source`` say where the title and the publication time came from
    (``ld``, ``og``, ``h1``, ``meta:article:published_time``, ``trafilatura``, ...).
    """

    body: str
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    published: str | None = None
    modified: str | None = None
    outlet: str | None = None
    outlet_domain: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    boilerplate: list[str] = field(default_factory=list)
    extractor: str = "trafilatura"
    title_source: str | None = None
    published_source: str | None = None
    warnings: list[str] = field(default_factory=list)


def split_authors(author: str | None) -> list[str]:
    """trafilatura joins authors with ``"; "``; split them and drop empties and duplicates."""
    if not author:
        return []
    out: list[str] = []
    for part in re.split(r"\s*;\s*", author):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


@lru_cache(maxsize=1)
def _config():
    """trafilatura's settings with eventwire's tree-size cap (``MAX_TREE_SIZE``)."""
    cfg = use_config()
    cfg.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
    return cfg


def _trafilatura(html: str, url: str | None):
    """trafilatura's ``bare_extraction`` with metadata and tables, without comments or images. Tables
    are the article's (results, figures, schedules): their rows are kept (:func:`table_rows`)."""
    res = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        config=_config(),
    )
    if res is not None and res.text:
        res.text = table_rows(res.text)
    return res


_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")


def table_rows(text: str) -> str:
    """trafilatura's text with its table rows as plain lines: the ``|---|---|`` rule under a header row
    dropped, a row ``| 1 | Ilse Varga | 412 |`` written ``1 | Ilse Varga | 412`` (cells in order, empty
    cells dropped); other lines unchanged."""
    out = []
    for line in text.split("\n"):
        if _TABLE_RULE.match(line):
            continue
        s = line.strip()
        if s.startswith("|") and s.count("|") >= 2:
            cells = [c.strip() for c in s.strip("|").split("|")]
            line = " | ".join(c for c in cells if c)
            if not line:
                continue
        out.append(line)
    return "\n".join(out)


def extract_html(html: str, url: str | None = None) -> HtmlFields:
    """Extract the article from a page: body through trafilatura, metadata through our layer.

    Args:
        html: the decoded page.
        url: where the page came from (helps trafilatura and gives the outlet domain).

    Returns:
        :class:`HtmlFields`. Metadata comes from :mod:`eventwire.extract.metadata` (JSON-LD, meta tags,
        visible markup), with trafilatura's values as the fallback; the title is chosen by
        :func:`~eventwire.extract.titles.choose_title`, the authors by
        :func:`~eventwire.extract.authors.choose_authors`.

    When the markup holds too little text, the article is looked for in script strings
    (:mod:`eventwire.extract.embedded`); ``extractor`` says which source won.

    Raises:
        NoArticle: no main text, fewer than :data:`MIN_ARTICLE_WORDS` words, or a page that says it is
            an error page, a paywall stub or an index (:func:`no_article_reason`).
    """
    slim, cut_warning = bounded_html(html)
    warnings = [cut_warning] if cut_warning else []
    tree = parse_tree(slim)
    still_deep = False
    if last_parse_too_deep():  # libxml2 dropped what is nested deeper than 256 elements: flatten, reparse
        slim = unnest_html(slim)
        tree = parse_tree(slim)
        still_deep = last_parse_too_deep()
        warnings.append(f"markup nested deeper than {LIBXML_MAX_DEPTH} levels: elements below level "
                        f"{MAX_NESTING} flattened")  # (the text is kept; only the deep structure goes)
    md = read_page_metadata(slim, url, tree=tree)
    if len(slim) < len(html) and not md.titles.get("ld"):
        md_full = read_page_metadata(html[:MAX_HTML_CHARS], url)  # JSON-LD lives in scripts
        md.titles.update({k: v for k, v in md_full.titles.items() if k == "ld"})
        md.ld_authors = md.ld_authors or md_full.ld_authors
        md.ld_org_authors = md.ld_org_authors or md_full.ld_org_authors
        if md_full.published_source and md_full.published_source.startswith("ld"):
            md.published, md.published_source = md_full.published, md_full.published_source
        md.modified = md.modified or md_full.modified
        md.ld_types |= md_full.ld_types
    res = _trafilatura(slim, url)
    if res is None:  # no main text in the markup; metadata may still be there
        res = extract_metadata(slim, default_url=url)
    text = (res.text or "").strip()
    extractor = "trafilatura"
    if word_count(text) < MIN_ARTICLE_WORDS:
        # client-rendered pages: the article is in a script (Next.js data) or only in JSON-LD
        fragment = embedded_article_html(html)
        inner = _trafilatura(f"<html><body><article>{fragment}</article></body></html>", url) if fragment else None
        if inner is not None and word_count(inner.text or "") > word_count(text):
            text, extractor = inner.text.strip(), "trafilatura+script"
        if md.ld_body and word_count(md.ld_body) > max(word_count(text), MIN_ARTICLE_WORDS):
            text, extractor = md.ld_body.strip(), "json-ld"
    n_words = word_count(text)
    page_url = url or md.canonical_url or res.url
    domain = domain_of(page_url)
    reason = no_article_reason(tree, md, text, n_words)
    if reason and still_deep:
        raise NoArticle(f"markup nested deeper than {LIBXML_MAX_DEPTH} levels", f"{reason[0]} after flattening")
    if reason:
        raise NoArticle(*reason)
    warnings += article_warnings(md, text, n_words)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    sitename = md.site_name or res.sitename
    reg = default_registry()
    entry = reg.by_domain(domain) or reg.by_name(sitename)
    candidates = dict(md.titles)
    if res.title:
        candidates.setdefault("title", res.title)
    title, title_source, suffix_outlet = choose_title(candidates, sitename=sitename, domain=domain, registry=reg)
    if title and paragraphs and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the <h1> repeated as the first paragraph
    kept, removed = split_boilerplate(paragraphs)
    entry = entry or reg.by_name(suffix_outlet)
    outlet = entry.name if entry else (sitename or suffix_outlet)
    site_names = [sitename, md.publisher, domain, outlet, *(entry.aliases if entry else ())]
    authors = choose_authors(md, res.author, site_names=site_names, registry=reg)
    published, published_source = md.published, md.published_source
    if published is None:
        # a date line at the top of the article's own text ("Posted on 22 October 2019") speaks for the
        # article; htmldate's guess below may come from a sidebar
        for p in kept[:3]:
            if len(p) <= 60 and (d := date_line(p)) is not None:
                published, published_source = d.iso, "text"
                break
    if published is None and res.date and not res.date.endswith("-01-01"):
        # htmldate's fallback turns a bare year (a copyright line) into January 1st: not a date
        published, published_source = res.date, "trafilatura"
    language = md.language or (res.language or None)
    return HtmlFields(
        body="\n\n".join(kept),
        title=title,
        url=page_url,
        canonical_url=md.canonical_url,
        published=published,
        modified=md.modified,
        outlet=outlet,
        outlet_domain=domain,
        site_name=sitename,
        authors=authors,
        language=language,
        boilerplate=removed,
        extractor=extractor,
        title_source=title_source,
        published_source=published_source,
        warnings=warnings,
    )
