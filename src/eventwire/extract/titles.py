"""Titles: strip outlet suffixes (``" – RT DE"``, ``" | Reuters"``, ``" - BBC News"``) and choose the
article's title among the page's candidates.

Suffixes. A trailing segment after a separator is taken to be the outlet's name (or a section name
added by the site) when it matches the outlet registry, the page's own site name or its domain, when
another title candidate of the same page is exactly the part before it (``og:title`` = ``<h1>`` +
``" | Sport"``), or when it follows a ``|`` and is short (at most 5 words), since pipes in page titles
almost always separate the site name. East Asian sites use full-width separators without spaces
(``…：朝日新聞デジタル``, ``…｜日刊ゲンダイDIGITAL``, ``…-정치ㅣ한국일보``); those count too.

Choice (:func:`choose_title`). Candidates are tried in this order, the first usable one wins:
JSON-LD ``headline`` of the article object, ``og:title``, the first ``<h1>``, ``twitter:title``,
``itemprop="headline"``, ``<title>``. The order is the publishers' own: the JSON-LD headline and
``og:title`` are written for machines and carry the article's headline, while the ``<h1>`` may be a
logo or a login box and ``<title>`` carries the site decoration. A candidate is unusable when it is
empty, is the site's name, or (for ``<h1>``) shares no word with any other candidate.
"""
from __future__ import annotations

import re

from eventwire.extract.outlets import Registry, default_registry

_SEP = re.compile(r"\s+(?:[|–—·»*•]|-|::|//)\s+|\s*[｜ㅣ]\s*|\s*：\s*(?=\S+$)")
#: Candidate sources in order of trust (see the module docstring).
TITLE_ORDER = ("ld", "og", "h1", "twitter", "itemprop", "title")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _norm(s: str) -> str:
    return re.sub(r"[^\w]+", "", s.casefold())


def split_title(title: str | None, *, sitename: str | None = None, domain: str | None = None,
                registry: Registry | None = None, shorter: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """Split ``title`` into (clean title, outlet name found in the suffix or ``None``).

    Args:
        title: the raw title (page ``<title>``, first line of a text file).
        sitename: the page's declared site name (``og:site_name``), if any.
        domain: the page's domain (``de.rt.com``), if any.
        registry: the outlet registry (default: the packaged one).
        shorter: other title candidates of the same page; a segment is a suffix when removing it
            leaves exactly one of them.

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
        if entry or site_like or head in others or (sep in ("|", "｜", "ㅣ") and short) or (sep == "*" and short) or (
                sep == "：" and len(tail) <= 20):
            clean = head
            outlet = outlet or (entry.name if entry else tail)
            continue
        # one more level: "Title - Section | Site" where only the outer part is known
        break
    return clean, outlet


def _words(s: str) -> set[str]:
    if _CJK.search(s):
        return set(_CJK.findall(s))
    return {w for w in re.findall(r"\w+", s.casefold()) if len(w) > 2}


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
    for src, text in raw.items():
        others = tuple(s for s in shorter if s != text and len(s) < len(text))
        t, outlet = split_title(text, sitename=sitename, domain=domain, registry=registry, shorter=others)
        if t:
            cleaned[src] = (t, outlet)
    site = _norm(sitename or "")
    suffix_outlet = next((o for _, o in cleaned.values() if o), None)
    for src in TITLE_ORDER:
        if src not in cleaned:
            continue
        t, _ = cleaned[src]
        if site and _norm(t) == site:
            continue
        if src == "h1" and len(cleaned) > 1:
            w = _words(t)
            if not any(w & _words(o) for s, (o, _) in cleaned.items() if s != "h1"):
                continue  # a logo, a login box, a section name
        return t, src, suffix_outlet
    return None, None, None
