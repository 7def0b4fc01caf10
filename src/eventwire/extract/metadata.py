"""Page metadata that trafilatura leaves out or flattens: our layer on top of its body extraction.

Read from the markup the publisher wrote for machines and for readers, in this order of trust:

1. **JSON-LD** (``<script type="application/ld+json">``, schema.org): the article object
   (``NewsArticle``, ``Article``, ``BlogPosting``, ``ReportageNewsArticle``, ... also inside ``@graph``
   and ``mainEntity``): ``headline``, ``author`` (every ``Person``/``Organization`` name),
   ``datePublished``/``dateModified`` (with time of day and UTC offset), ``inLanguage``, ``publisher``,
   ``url``/``mainEntityOfPage``;
2. **meta tags**: Open Graph (``og:title``, ``og:site_name``, ``og:url``, ``og:locale``,
   ``article:published_time``, ``article:modified_time``, ``article:author``), Twitter cards, Dublin
   Core, and the common ad-hoc names (``author``, ``pubdate``, ``publish-date``, ``parsely-pub-date``,
   ``sailthru.date``, ...);
3. **visible markup**: the ``<h1>``, ``<time datetime>`` / ``itemprop="datePublished"``, bylines marked
   ``rel="author"`` or ``itemprop="author"``, ``<html lang>``, ``<link rel="canonical">``.

:func:`read_page_metadata` returns every candidate it found (``PageMetadata.titles`` etc.), so that
callers can combine them with trafilatura's output; :mod:`eventwire.extract.html` makes the choice.
Sources: schema.org (https://schema.org/NewsArticle), the Open Graph protocol (https://ogp.me), and
the meta names used by news sites as catalogued in trafilatura's and htmldate's metadata modules.
"""
from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from eventwire.dates import ParsedDate, parse_date

#: schema.org types that describe the article itself (a page may also hold WebSite, Organization,
#: BreadcrumbList, VideoObject ... objects, whose ``headline``/``name`` is not the article's).
ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "socialmediaposting", "scholarlyarticle", "techarticle", "report", "satiricalarticle", "medicalscholarlyarticle",
}
#: Secondary types: used only when no article-type object exists.
PAGE_TYPES = {"webpage", "itempage", "collectionpage", "videoobject", "creativework", "blog"}

#: meta names/properties giving the publication time, in order of trust.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "parsely-pub-date",
    "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "dc.date.created", "date", "article.published", "article_date_original", "cxenseparse:recs:publishtime",
    "originalpublicationdate", "og:pubdate", "published_time", "bt:pubdate", "citation_publication_date",
    "last-modified-date", "release_date",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified", "lastmod",
    "last-modified", "dcterms.modified", "dc.date.modified", "article.updated", "updated_time",
)
AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
               "dc.creator", "dcterms.creator", "byl", "citation_author", "twitter:creator:name")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")
_URLISH = re.compile(r"^(?:https?://|www\.)|^[\w.-]+\.(?:com|org|net|de|uk|fr|it|es|at|ch)/", re.I)


@dataclass(slots=True)
class PageMetadata:
    """Metadata candidates read from one page.

    Attributes:
        titles: source -> title text, sources ``ld`` (JSON-LD headline), ``og``, ``twitter``, ``h1``,
            ``title`` (``<title>``), ``itemprop`` (``itemprop="headline"``); texts are unescaped and
            whitespace-normalised, site suffixes still on.
        ld_authors, meta_authors, byline_authors: author names from JSON-LD (persons first, then
            organisations, kept apart in ``ld_org_authors``), from meta tags, from visible bylines.
        published, modified: best publication / modification time (ISO 8601, granularity kept, offset
            when given) and where it came from (``published_source``).
        published_candidates: every (source, ISO) pair found, in order of trust (``<time>`` elements
            in sidebars, ``aside``, ``nav`` and ``footer`` are not candidates).
        url_date: the publication day the page's URL path gives (:func:`url_date`), which overrides a
            candidate more than a day away from it.
        language: BCP 47 primary subtag (``de``) declared by the page; canonical_url: absolute URL;
        site_name: ``og:site_name`` or the JSON-LD publisher's name.
    """

    titles: dict[str, str] = field(default_factory=dict)
    ld_authors: list[str] = field(default_factory=list)
    ld_org_authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)
    byline_authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_source: str | None = None
    published_candidates: list[tuple[str, str]] = field(default_factory=list)
    modified: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    ld_body: str | None = None
    ld_types: set[str] = field(default_factory=set)
    og_type: str | None = None
    accessible_for_free: bool | None = None
    link_density: float = 0.0
    url_date: str | None = None


def clean_text(s: object) -> str | None:
    """Unescape HTML entities (twice, for double-escaped JSON-LD), drop soft hyphens and zero-width
    characters, collapse whitespace; ``None`` for empty or non-string input."""
    if not isinstance(s, str):
        return None
    t = html_lib.unescape(html_lib.unescape(s)) if "&" in s else s
    t = _ZERO_WIDTH.sub("", t)
    t = " ".join(t.split())
    return t or None


# ---------------------------------------------------------------------------------------------
# JSON-LD


def _load_json(raw: str) -> object | None:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    if not raw:
        return None
    try:
        return json.loads(raw, strict=False)
    except (json.JSONDecodeError, RecursionError):
        # a common publisher error: several objects back to back, or a trailing comma
        try:
            return json.loads("[" + re.sub(r"}\s*{", "},{", re.sub(r",\s*([}\]])", r"\1", raw)) + "]", strict=False)
        except (json.JSONDecodeError, RecursionError):
            return None


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower().rsplit("/", 1)[-1]}
    if isinstance(t, list):
        return {x.lower().rsplit("/", 1)[-1] for x in t if isinstance(x, str)}
    return set()


#: JSON-LD keys whose objects describe other things than the page's article (live-blog updates,
#: comments, cited works, the people and organisations involved).
_SKIP_KEYS = {"author", "publisher", "creator", "image", "logo", "liveBlogUpdate", "comment", "review",
              "citation", "isPartOf", "about", "mentions", "associatedMedia", "video", "sourceOrganization",
              "copyrightHolder", "contributor", "editor", "itemReviewed", "breadcrumb", "potentialAction"}


def _walk(obj: object, out: list[tuple[int, dict]], depth: int = 0) -> None:
    """Collect (depth, object) for every dict holding an ``@type`` (through lists, ``@graph``,
    ``mainEntity``...), skipping objects about other things (:data:`_SKIP_KEYS`)."""
    if depth > 12:
        return
    if isinstance(obj, list):
        for x in obj[:200]:
            _walk(x, out, depth)
    elif isinstance(obj, dict):
        if "@type" in obj:
            out.append((depth, obj))
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and k not in _SKIP_KEYS:
                _walk(v, out, depth + 1)


def _names(value: object, persons: list[str], orgs: list[str], depth: int = 0) -> None:
    """Author names from a JSON-LD ``author`` value (string, object, or list of them)."""
    if depth > 4 or value is None:
        return
    if isinstance(value, list):
        for v in value[:50]:
            _names(v, persons, orgs, depth + 1)
        return
    if isinstance(value, str):
        name = clean_text(value)
        if name and not _URLISH.match(name):
            persons.append(name)
        return
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, dict):
            name = name.get("@value") or name.get("name")
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName') or ''} {value.get('familyName') or ''}"
        name = clean_text(name)
        if not name or _URLISH.match(name):
            return
        if _types(value) & {"organization", "newsmediaorganization", "corporation", "organisation"}:
            orgs.append(name)
        else:
            persons.append(name)


def _first_str(value: object) -> str | None:
    if isinstance(value, list):
        for v in value:
            s = _first_str(v)
            if s:
                return s
        return None
    if isinstance(value, dict):
        return _first_str(value.get("@id") or value.get("url") or value.get("name"))
    return value if isinstance(value, str) else None


def _article_object(objs: list[tuple[int, dict]]) -> dict | None:
    """The page's article among the JSON-LD objects: an article-type object (else a page-type one with
    a headline or date), preferring the shallowest, then one with a headline and a date, then one with a
    body, then the first."""
    arts = [(d, i, o) for i, (d, o) in enumerate(objs) if _types(o) & ARTICLE_TYPES]
    if not arts:
        arts = [(d, i, o) for i, (d, o) in enumerate(objs)
                if _types(o) & PAGE_TYPES and (o.get("headline") or o.get("datePublished"))]
    if not arts:
        return None
    arts.sort(key=lambda x: (x[0], not (x[2].get("headline") and x[2].get("datePublished")),
                             not x[2].get("articleBody"), x[1]))
    return arts[0][2]


# ---------------------------------------------------------------------------------------------
# dates


def _parse_when(value: str | None) -> ParsedDate | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 80:
        return None
    # epoch seconds / milliseconds (parsely, cXense)
    if re.fullmatch(r"\d{10}(?:\d{3})?", value):
        from datetime import datetime, timezone

        from eventwire.dates import to_iso

        secs = int(value[:10])
        return to_iso(datetime.fromtimestamp(secs, tz=timezone.utc), "time")
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s*\w+)?", value)
    if m:
        value = f"{m.group(1)}T{m.group(2)}{m.group(3) or ''}"
    return parse_date(value)


# ---------------------------------------------------------------------------------------------
# the page


def _meta_map(tree) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if not key or content is None:
            continue
        out.setdefault(key.strip().lower(), []).append(content)
    return out


def _text(el) -> str:
    try:
        return el.text_content()
    except (ValueError, etree.XPathError):
        return ""


def parse_tree(html: str):
    """Parse ``html`` with lxml (``None`` when it cannot be parsed).

    The encoding declaration is removed first (lxml refuses ``str`` input that declares one)."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


#: lxml's HTML parser, told the input is UTF-8 (we encode the decoded page back to UTF-8).
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, recover=True)


def last_parse_too_deep() -> bool:
    """Whether the last :func:`parse_tree` call hit libxml2's nesting limit (256 elements deep for the
    HTML parser; libxml2 then drops everything nested deeper, so the tree lacks that text)."""
    return any(e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message for e in _PARSER.error_log)


def read_page_metadata(html: str, url: str | None = None, tree=None) -> PageMetadata:
    """Read every metadata candidate from a page (see the module docstring for sources and order).

    Args:
        html: the decoded page; url: where it came from (to resolve a relative canonical URL).
        tree: an lxml tree of ``html`` if the caller already has one.

    Returns:
        :class:`PageMetadata` (fields ``None``/empty when the page does not give them). Never raises on
        malformed markup or JSON-LD: what cannot be read is left out.
    """
    md = PageMetadata()
    if tree is None:
        tree = parse_tree(html)
    if tree is None:
        return md
    meta = _meta_map(tree)

    def m(*keys: str) -> str | None:
        for k in keys:
            for v in meta.get(k, ()):
                t = clean_text(v)
                if t:
                    return t
        return None

    # JSON-LD
    objs: list[tuple[int, dict]] = []
    for s in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        if s.text and len(s.text) < 2_000_000:
            data = _load_json(s.text)
            if data is not None:
                _walk(data, objs)
    art = _article_object(objs)
    md.ld_types = {t for _, o in objs for t in _types(o)}
    pub_cands: list[tuple[str, str]] = []
    if art is not None:
        if (h := clean_text(art.get("headline") if isinstance(art.get("headline"), str) else _first_str(art.get("headline")))):
            md.titles["ld"] = h
        elif _types(art) & ARTICLE_TYPES and (h := clean_text(art.get("name"))):
            md.titles["ld"] = h
        persons: list[str] = []
        orgs: list[str] = []
        _names(art.get("author"), persons, orgs)
        if not persons and not orgs:
            _names(art.get("creator"), persons, orgs)
        md.ld_authors, md.ld_org_authors = _dedupe(persons), _dedupe(orgs)
        for key in ("datePublished", "dateCreated", "uploadDate"):
            p = _parse_when(_first_str(art.get(key)))
            if p:
                pub_cands.append((f"ld:{key}", p.iso))
                break
        if (p := _parse_when(_first_str(art.get("dateModified")))):
            md.modified = p.iso
        lang = _first_str(art.get("inLanguage"))
        if lang:
            md.language = lang
        pubr = art.get("publisher")
        pubr_name = clean_text(pubr.get("name")) if isinstance(pubr, dict) else clean_text(_first_str(pubr))
        md.publisher = pubr_name
        canon = art.get("url") or art.get("mainEntityOfPage")
        if isinstance(canon, str) and canon.startswith("http"):
            md.canonical_url = canon
        elif isinstance(canon, dict) and isinstance(canon.get("@id"), str) and canon["@id"].startswith("http"):
            md.canonical_url = canon["@id"]
        free = art.get("isAccessibleForFree")
        if isinstance(free, str):
            free = {"false": False, "true": True}.get(free.strip().lower())
        md.accessible_for_free = free if isinstance(free, bool) else None
        body = art.get("articleBody")
        if isinstance(body, str) and body.strip():
            md.ld_body = body
    # meta tags
    for key, name in (("og", "og:title"), ("twitter", "twitter:title")):
        if (t := m(name)):
            md.titles[key] = t
    for key in PUBLISHED_META:
        if key == "date" and pub_cands:
            continue
        for v in meta.get(key, ()):
            if (p := _parse_when(v)):
                pub_cands.append((f"meta:{key}", p.iso))
                break
    for el in tree.xpath('//*[@itemprop="datePublished"]')[:3]:
        v = el.get("datetime") or el.get("content") or _text(el)
        if (p := _parse_when(v)):
            pub_cands.append(("itemprop", p.iso))
            break
    # a <time> of the article, not of a sidebar list of other posts ("Older posts ... 11 April 2009")
    for el in tree.xpath("//time[@datetime][not(ancestor::aside or ancestor::nav or ancestor::footer)]")[:5]:
        if _in_sidebar(el):
            continue
        if (p := _parse_when(el.get("datetime"))):
            pub_cands.append(("time", p.iso))
            break
    md.url_date = url_date(url or md.canonical_url)
    md.published_candidates = pub_cands
    md.published, md.published_source = _choose_published(pub_cands, md.url_date)
    if md.modified is None:
        for key in MODIFIED_META:
            if (p := _parse_when(m(key))):
                md.modified = p.iso
                break
    # authors from meta tags and visible bylines
    authors: list[str] = []
    for key in AUTHOR_META:
        for v in meta.get(key, ()):
            t = clean_text(v)
            if t and not _URLISH.match(t) and not t.startswith("@"):
                authors.append(t)
        if authors:
            break
    md.meta_authors = _dedupe(authors)
    byl = []
    # the first few byline elements only: later ones are often teasers of other articles
    for el in tree.xpath('//*[@rel="author"] | //*[@itemprop="author"]//*[@itemprop="name"] | //*[@itemprop="author" and not(.//*[@itemprop="name"])]')[:4]:
        t = clean_text(el.get("content") or _text(el))
        if t and len(t) <= 80:
            byl.append(t)
    md.byline_authors = _dedupe(byl)
    # visible headline and <title>
    h1s = [clean_text(_text(h)) for h in tree.iter("h1")]
    h1s = [h for h in h1s if h]
    if h1s:
        md.titles["h1"] = h1s[0]
    for el in tree.xpath('//*[@itemprop="headline"]')[:1]:
        if (t := clean_text(el.get("content") or _text(el))):
            md.titles["itemprop"] = t
    tt = tree.find(".//title")
    if tt is not None and (t := clean_text(_text(tt))):
        md.titles["title"] = t
    # language, canonical URL, site name
    if not md.language:
        md.language = tree.get("lang") or tree.get("xml:lang") or m("content-language", "og:locale", "dc.language", "language")
    if md.language:
        md.language = md.language.replace("_", "-").split("-")[0].strip().lower() or None
    canon_el = tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    canon = canon_el[0].strip() if canon_el else m("og:url")
    if canon:
        md.canonical_url = urljoin(url or "", canon) if not canon.startswith("http") else canon
    md.og_type = m("og:type")
    md.link_density = _link_density(tree)
    md.site_name = m("og:site_name", "application-name", "al:android:app_name", "al:ios:app_name") or md.publisher
    return md


def _link_density(tree) -> float:
    """Share of the ``<body>`` text (in characters) that sits inside links: near 1 on index pages,
    below 0.3 on articles."""
    body = tree.find(".//body")
    if body is None:
        return 0.0
    total = len(" ".join(_text(body).split()))
    if not total:
        return 0.0
    linked = sum(len(" ".join(_text(a).split())) for a in body.iter("a"))
    return min(1.0, linked / total)


_SIDEBAR = re.compile(r"sidebar|side-bar|related|recent|popular|widget|teaser|more-(?:posts|stories|articles)|"
                      r"read-?next|recommend", re.I)


def _in_sidebar(el) -> bool:
    """Is ``el`` inside an element whose class or id names a sidebar, a related or recent list?"""
    for a in el.iterancestors():
        if a.tag in ("article", "main", "body"):
            return False
        if _SIDEBAR.search(f"{a.get('class') or ''} {a.get('id') or ''}"):
            return True
    return False


#: A date in a URL path: ``/2019/10/22/``, ``/2019-10-22-``, ``/20191022/`` (years 1990-2099).
_URL_DATE = re.compile(r"/((?:19|20)\d\d)([/-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def url_date(url: str | None) -> str | None:
    """The publication day a URL path gives (``https://x.org/2019/10/22/kettle`` -> ``"2019-10-22"``),
    else ``None``. Only full dates count (a year and month alone name an archive)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.split("?")[0].split("#")[0], flags=re.I)
    m = _URL_DATE.search(path)
    if not m:
        return None
    from datetime import date

    try:
        return date(int(m[1]), int(m[3]), int(m[4])).isoformat()
    except ValueError:
        return None


def _choose_published(cands: list[tuple[str, str]], url_day: str | None = None) -> tuple[str | None, str | None]:
    """The most trusted candidate; when it lacks a time of day or a UTC offset, a later candidate on
    the same day that has them refines it; a year- or month-only value is refined by a full date
    within it; a UTC time is replaced by the same instant in the page's own (non-zero) offset, whose
    day is the publisher's.

    The URL's date (``url_day``) is evidence too: written once when the article is first published, it
    outlives later edits of the page's date fields. When the chosen candidate's day is more than one
    day away from it (one day allows for time zones), the URL's day wins, refined by a candidate on that
    day; without any candidate the URL's day is the publication date."""
    if url_day:
        from datetime import date

        def far(v: str) -> bool:
            try:
                return abs((date.fromisoformat(v[:10]) - date.fromisoformat(url_day)).days) > 1
            except ValueError:
                return False

        if not cands:
            return url_day, "url"
        if far(cands[0][1]):
            same = [(s, v) for s, v in cands if v[:10] == url_day]
            cands = same or [("url", url_day)]
    if not cands:
        return None, None
    src, best = cands[0]
    for s2, v2 in cands[1:]:
        if len(best) < 10 and v2.startswith(best) and len(v2) > len(best):
            src, best = s2, v2  # a year or month refined by a full date within it ("2019" -> "2019-10-22")
            continue
        if _same_instant_local(best, v2):
            src, best = s2, v2  # the same moment in UTC and in the page's own zone: the local day counts
            continue
        if v2[:10] != best[:10]:
            continue
        if len(best) <= 10 and len(v2) > 10:
            src, best = s2, v2
        elif _has_offset(v2) and not _has_offset(best) and v2[:16] == best[:16]:
            src, best = s2, v2
    return best, src


def _same_instant_local(utc_value: str, other: str) -> bool:
    """Is ``utc_value`` a UTC time (``Z``/``+00:00``) and ``other`` the same instant (within a minute)
    written with a non-zero UTC offset? (``2019-10-22T23:30Z`` and ``2019-10-23T01:30+02:00``: the
    publisher's own day is the 23rd.)"""
    from datetime import datetime

    if not (_has_offset(utc_value) and _has_offset(other)):
        return False
    if not re.search(r"(?:Z|[+-]00:00)$", utc_value) or re.search(r"(?:Z|[+-]00:00)$", other):
        return False
    try:
        a = datetime.fromisoformat(utc_value.replace("Z", "+00:00"))
        b = datetime.fromisoformat(other.replace("Z", "+00:00"))
    except ValueError:
        return False
    return abs((a - b).total_seconds()) <= 60


def _has_offset(iso: str) -> bool:
    return bool(re.search(r"(?:Z|[+-]\d{2}:\d{2})$", iso)) and len(iso) > 10


def _dedupe(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        k = n.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out
