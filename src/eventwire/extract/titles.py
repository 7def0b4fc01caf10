"""Titles: strip outlet suffixes (``" – RT DE"``, ``" | Reuters"``, ``" - BBC News"``) and choose the
article's title among the page's candidates.

Suffixes. A trailing segment after a separator is taken to be the outlet's name (or a section name
added by the site) when it matches the outlet registry, the page's own site name or its domain, when
another title candidate of the same page is exactly the part before it (``og:title`` = ``<h1>`` +
``" | Sport"``) or exactly the segment itself (a site-banner ``<h1>`` repeated after the
``<title>``'s headline), or when it follows a ``|`` and is short (at most 5 words), since pipes in page titles
almost always separate the site name. East Asian sites use full-width separators without spaces
(``…：朝日新聞デジタル``, ``…｜日刊ゲンダイDIGITAL``, ``…-정치ㅣ한국일보``); those count too.

Choice (:func:`choose_title`). Candidates are tried in this order, the first usable one wins:
JSON-LD ``headline`` of the article object, ``og:title``, the first ``<h1>``, ``twitter:title``,
``itemprop="headline"``, ``<title>``. The order is the publishers' own: the JSON-LD headline and
``og:title`` are written for machines and carry the article's headline, while the ``<h1>`` may be a
logo or a login box and ``<title>`` carries the site decoration. A candidate is unusable when it is
empty, is the site's name, is the site suffix stripped from another candidate (a site-banner
``<h1>`` that no machine-written candidate repeats: ``<title>`` "Shared Harbour Schedules — tidewater
docs" with ``<h1>`` "tidewater docs"), or
(for ``<h1>``) shares no word with any other candidate. A machine-written headline (JSON-LD,
``og:title``) also loses when it names the site, the page's visible ``<h1>`` and its ``<title>``
agree on another headline that does not, and fewer than half of its words are in that one (a
generic headline: "Rivopedia list article" beside "List of bridges over the Arlen river"). Both
rules were written from the reported cases; on the fundus pages, where a JSON-LD headline unlike
the ``<h1>`` is nearly always the expected one, they must change nothing (``docs/extraction.md``).

Kickers. Many sites (German ones above all) put a short topic line, the kicker (*Dachzeile*,
*overline*), before the headline in some of their title fields and not in others:
``"Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig"`` in JSON-LD and ``<title>``,
``"Judy Lybke, ganz und gar nicht eigenartig"`` in ``og:title``. When the chosen title is another
candidate with such a prefix (``Kicker: ``, ``Kicker - ``, ``Kicker | ``, ``Kicker / ``; at most
:data:`KICKER_MAX_WORDS` words and fewer than the rest), or when two candidates end in the same
headline after different kickers, the headline without the kicker is taken (:func:`strip_kicker`).
Measured on the 258 fundus pages (``docs/extraction.md``): the rule changes 6 titles, 5 of them to
the expected title (the sixth expects the kicker kept).
"""
from __future__ import annotations

import re

from eventwire.extract.outlets import Registry, default_registry

_SEP = re.compile(r"\s+(?:[|–—·»*•]|-|::|//)\s+|\s*[｜ㅣ]\s*|\s*：\s*(?=\S+$)")
#: Candidate sources in order of trust (see the module docstring).
TITLE_ORDER = ("ld", "og", "h1", "twitter", "itemprop", "title")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
#: Candidates read from the visible page rather than from fields written for machines.
_VISIBLE = {"h1", "itemprop"}
#: Separators after a kicker: a colon (``"Kicker: "``, French ``"Kicker : "``) or a spaced dash, pipe
#: or slash.
_KICKER_SEP = re.compile(r"\s?:\s+|\s+[-–—|/]\s+")
#: Longest kicker, in words (a longer prefix is a clause of the headline, e.g. a quoted statement).
KICKER_MAX_WORDS = 6
#: Korean and Chinese sites append a section name with a bare hyphen before the site name
#: (``…커졌다-정치ㅣ한국일보``): stripped once a site suffix has been found.
_CJK_SECTION = re.compile(r"(?<=\S)-[\u3400-\u9fff\uac00-\ud7af]{1,4}$")


def _norm(s: str) -> str:
    return re.sub(r"[^\w]+", "", s.casefold())


def split_title(title: str | None, *, sitename: str | None = None, domain: str | None = None,
                registry: Registry | None = None, shorter: tuple[str, ...] = (),
                banners: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """Split ``title`` into (clean title, outlet name found in the suffix or ``None``).

    Args:
        title: the raw title (page ``<title>``, first line of a text file).
        sitename: the page's declared site name (``og:site_name``), if any.
        domain: the page's domain (``de.rt.com``), if any.
        registry: the outlet registry (default: the packaged one).
        shorter: other title candidates of the same page; a segment is a suffix when removing it
            leaves exactly one of them.
        banners: site banners of the same page (an ``<h1>`` that no machine-written candidate
            repeats); a segment equal to one of them is a suffix.

    Returns:
        The title without trailing outlet segments (whitespace-normalised) and the canonical outlet name
        when the stripped segment named a registry outlet, else the segment's text, else ``None``.
    """
    if not title:
        return title, None
    reg = registry or default_registry()
    clean = re.sub(r"\s+", " ", title).strip()
    outlet: str | None = None
    known = {_norm(x) for x in (sitename, domain) if x}
    if domain:
        parts = domain.split(".")
        known.add(_norm(parts[-2] if len(parts) >= 2 else domain))
        known.add(_norm(".".join(parts[-2:])))
    others = {re.sub(r"\s+", " ", s).strip() for s in shorter if s}
    banners = tuple(re.sub(r"\s+", " ", b).strip() for b in banners if b)
    for _ in range(3):  # "Title | Section | Site"
        if clean in others:
            break
        parts = list(_SEP.finditer(clean))
        if not parts:
            break
        m = parts[-1]
        head, tail = clean[: m.start()].strip(), clean[m.end():].strip()
        if not head or not tail:
            break
        sep = m.group(0).strip()
        if sep == "：" and not _CJK.search(head):
            break
        entry = reg.by_name(tail)
        short = len(tail.split()) <= 5
        ntail = _norm(tail)
        site_like = bool(ntail) and (ntail in known or any(k and (k in ntail or ntail in k) for k in known if len(k) >= 4))
        if entry or site_like or head in others or tail in banners or (sep in ("|", "｜", "ㅣ") and short) or (
                sep == "*" and short) or (sep == "：" and len(tail) <= 20):
            clean = head
            outlet = outlet or (entry.name if entry else tail)
            continue
        # one more level: "Title - Section | Site" where only the outer part is known
        break
    if outlet and _CJK.search(clean) and (m := _CJK_SECTION.search(clean)) and _CJK.search(clean[: m.start()]):
        clean = clean[: m.start()]  # "…-정치ㅣ한국일보": the section before the site name
    return clean, outlet


def _words(s: str) -> set[str]:
    if _CJK.search(s):
        return set(_CJK.findall(s))
    return {w for w in re.findall(r"\w+", s.casefold()) if len(w) > 2}


def _balanced(s: str) -> bool:
    """No quotation left open in ``s`` (a kicker never ends inside a quotation)."""
    if s.count('"') % 2 or s.count("„") > s.count("“") or s.count("«") != s.count("»"):
        return False
    if s.count("‘") > s.count("’"):
        return False
    return not (s.startswith("'") and s.count("'") % 2)


def _kicker_tails(title: str) -> list[tuple[str, str]]:
    """(kicker, headline) pairs left after removing a leading kicker from ``title``, shortest kicker
    first (empty when ``title`` has no kicker-like prefix; see the module docstring)."""
    out = []
    for m in _KICKER_SEP.finditer(title):
        head, tail = title[: m.start()].strip(), title[m.end():].strip()
        n_head = len(head.split())
        if not head or n_head > KICKER_MAX_WORDS:
            break
        if _balanced(head) and len(_words(tail)) >= 2 and n_head < len(tail.split()):
            out.append((head, tail))
    return out


def strip_kicker(title: str, others: list[str], visible: list[str] = ()) -> str:
    """``title`` without its leading kicker when another title candidate of the page confirms it.

    Args:
        title: the chosen title (suffixes already stripped).
        others: the page's other machine-written title candidates (JSON-LD, ``og:title``,
            ``twitter:title``, ``<title>``; suffixes stripped).
        visible: the page's visible headlines (``<h1>``, ``itemprop="headline"``). Sites often set the
            kicker in its own element outside the ``<h1>``, so an ``<h1>`` without the kicker does not
            show that the kicker is not part of the title; an ``<h1>`` with a different kicker does.

    Returns:
        ``T`` when ``title`` is ``K + sep + T`` and ``T`` is one of ``others``, or when a candidate of
        ``others`` or ``visible`` is ``K2 + sep + T`` with a kicker ``K2`` sharing no word with ``K``;
        else ``title`` unchanged. Kickers have at most :data:`KICKER_MAX_WORDS` words, are shorter
        than ``T`` and leave no quotation open.
    """
    tails = _kicker_tails(title)
    if not tails:
        return title
    for _, tail in tails:
        if tail in others:
            return tail
    for o in (*others, *visible):
        if o == title:
            continue
        for k2, tail2 in _kicker_tails(o):
            for k, tail in tails:
                if tail == tail2 and not (_words(k) & _words(k2)):
                    return tail
    return title


def choose_title(candidates: dict[str, str], *, sitename: str | None = None, domain: str | None = None,
                 registry: Registry | None = None) -> tuple[str | None, str | None, str | None]:
    """Choose the article title among a page's title candidates.

    Args:
        candidates: source -> raw text, sources as in :data:`TITLE_ORDER` (others are ignored).
        sitename, domain, registry: as for :func:`split_title`.

    Returns:
        (title, source it came from, outlet named in a stripped suffix), ``(None, None, None)`` when no
        candidate is usable.
    """
    raw = {k: v for k, v in candidates.items() if v and v.strip()}
    shorter = tuple(raw.values())
    cleaned: dict[str, tuple[str, str | None]] = {}
    stripped: set[str] = set()  # suffix segments taken off candidates: site names, sections
    # an <h1> that no machine-written candidate repeats may be the site's banner ("tidewater docs")
    h1 = raw.get("h1")
    machine = {_norm(v) for k, v in raw.items() if k not in _VISIBLE}
    banners = (h1,) if h1 and _norm(h1) not in machine else ()
    for src, text in raw.items():
        others = tuple(s for s in shorter if s != text and len(s) < len(text))
        t, outlet = split_title(text, sitename=sitename, domain=domain, registry=registry, shorter=others,
                                banners=banners if src != "h1" else ())
        if t:
            cleaned[src] = (t, outlet)
            full = re.sub(r"\s+", " ", text).strip()
            if full != t and full.startswith(t):
                stripped.add(_norm(_SEP.sub(" ", full[len(t):]).strip()))
    site = _norm(sitename or "")
    suffix_outlet = next((o for _, o in cleaned.values() if o), None)
    agreed = None  # a headline the visible <h1> and the <title> agree on
    if "h1" in cleaned and "title" in cleaned and _norm(cleaned["h1"][0]) == _norm(cleaned["title"][0]):
        agreed = cleaned["h1"][0]
    for src in TITLE_ORDER:
        if src not in cleaned:
            continue
        t, _ = cleaned[src]
        if site and _norm(t) == site:
            continue
        if _norm(t) in stripped and len(cleaned) > 1:
            continue  # the site name another candidate carries as its suffix (a site-banner <h1>)
        if agreed is not None and src in ("ld", "og") and _norm(t) != _norm(agreed) and site and site in {
                _norm(x) for x in t.split()} and site not in {_norm(x) for x in agreed.split()}:
            w = _words(t)
            if w and len(w & _words(agreed)) < len(w) / 2:
                continue  # a generic machine headline naming the site beside the page's agreed one
        if src == "h1" and len(cleaned) > 1:
            w = _words(t)
            if not any(w & _words(o) for s, (o, _) in cleaned.items() if s != "h1"):
                continue  # a logo, a login box, a section name
        others = [o for s, (o, _) in cleaned.items() if s != src and s not in _VISIBLE]
        visible = [o for s, (o, _) in cleaned.items() if s != src and s in _VISIBLE]
        return strip_kicker(t, others, visible), src, suffix_outlet
    return None, None, None
