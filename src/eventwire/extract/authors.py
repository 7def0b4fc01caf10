"""Authors: every author of an article, from the page's JSON-LD, meta tags and bylines.

Sources, in order (the first that yields a person's name wins): JSON-LD ``author`` persons of the
article object, meta tags (``author``, ``article:author``, ``parsely-author``, ...), visible bylines
(``rel="author"``, ``itemprop="author"``), then trafilatura's author string. When no source names a
person, organisation authors are kept (``BBC News``, ``ORF.at``): for a news reader they are the
credit line. News agencies credited next to persons (``Paula Steiger, SDA``) are kept as authors too,
since a wire credit is provenance; other organisations (the publisher itself, its parent company)
are dropped when a person is named.

Each source value is split into names on ``,`` ``;`` ``/`` ``&`` and the conjunctions *and, und, et,
y, e, og, och, en, i*; prefixes (*By, Von, Par, Por, Door, Av, Text:, Autor:*), parenthesised
initials (``Elena Oberholzer (obe)``), e-mail addresses, URLs (a profile link in
``<link rel="author">``), photo credits and long descriptions are removed, and author-widget link
labels ("View my complete profile", "More posts by ...") are no names.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from eventwire.extract.metadata import PageMetadata
from eventwire.extract.outlets import Registry, default_registry

_PREFIX = re.compile(
    r"^(?:(?:written|reported|text|story|words|reporting|analysis|opinion|commentary)\s+)?"
    r"(?:by|von|vom|par|por|door|av|di|de|från|af|text|texte|autor(?:in)?|author|redaktion:|bearbeitet von)\s*:?\s+",
    re.I)
_SPLIT = re.compile(r"\s*(?:[,;/&|]|\s(?:and|und|et|y|e|og|och|en|i|ve|и)\s)\s*", re.I)
_PAREN = re.compile(r"\s*\([^)]{0,40}\)\s*")
_EMAIL = re.compile(r"\S+@\S+")
#: A profile URL (``<link rel="author" content="https://...">``) names no one as printed.
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
#: Link labels of author widgets, not names ("View my complete profile", "More posts by", "About me").
_UI_LABEL = re.compile(
    r"^(?:(?:view|see|visit|read)\b.{0,30}\b(?:profile|posts|articles|stories|bio)|(?:more|all|other) (?:posts|articles|"
    r"stories|columns) (?:by|from)\b.*|about (?:me|the author|us)|contact(?: me| the author)?|author profile|"
    r"(?:my )?profile|follow(?: me)?)$", re.I)
_CREDIT = re.compile(r"\b(?:image|photo|foto|bild|picture|getty|shutterstock|istock|imago|©|\(c\))\b|©", re.I)
#: Job titles printed after a name (Korean 기자 "reporter", 특파원 "correspondent"; en/de/fr/es roles).
_ROLE = re.compile(r"\s+(?:기자|특파원|記者|correspondent|reporter|staff writer|redakteur(?:in)?|journaliste|"
                   r"corresponsal|redactor[a]?)$", re.I)
_DOMAINISH = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)
#: Longest author name kept, in words (longer strings are descriptions, not names).
MAX_NAME_WORDS = 5


def split_names(value: str) -> list[str]:
    """Split one author string into names, cleaned (see the module docstring).

    ``"By Jane Doe and John Roe"`` -> ``["Jane Doe", "John Roe"]``;
    ``"Elena Oberholzer (obe)"`` -> ``["Elena Oberholzer"]``.
    """
    s = _URL.sub(" ", value)
    s = _EMAIL.sub(" ", s)
    if _UI_LABEL.match(" ".join(s.split())):
        return []
    s = _PAREN.sub(" ", s)
    s = " ".join(s.split())
    s = _PREFIX.sub("", s)
    out: list[str] = []
    for part in _SPLIT.split(s):
        p = _PREFIX.sub("", part.strip(" .:-–—·•"))
        p = p.strip(" .:-–—·•")
        p = _ROLE.sub("", p).strip()
        if not p or _CREDIT.search(p) or p.isdigit() or p.startswith("@"):
            continue
        if " " not in p and "-" in p and p == p.lower():
            continue  # a URL slug ("chuck-ross"), not a name as printed
        if len(p.split()) > MAX_NAME_WORDS:
            continue
        if not re.search(r"[^\W\d_]", p):
            continue
        out.append(p)
    return out


def _key(s: str) -> str:
    return re.sub(r"[^\w]+", "", s.casefold())


def _is_org_like(name: str, site_keys: set[str], registry: Registry) -> bool:
    k = _key(name)
    if not k:
        return True
    if _DOMAINISH.match(name):
        return True
    if any(sk and (sk == k or (len(sk) >= 4 and (sk in k or k in sk))) for sk in site_keys):
        return True
    entry = registry.by_name(name)
    return entry is not None and not entry.is_agency


def _clean_list(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        for n in split_names(v):
            k = _key(n)
            if k and k not in seen:
                seen.add(k)
                out.append(n)
    return out


def choose_authors(md: PageMetadata, trafilatura_author: str | None = None, *, site_names: Iterable[str] = (),
                   registry: Registry | None = None) -> list[str]:
    """All authors of the page's article, in page order (see the module docstring for the rules).

    Args:
        md: the page's metadata candidates.
        trafilatura_author: trafilatura's ``author`` field (names joined by ``"; "``), the last resort.
        site_names: the outlet's names and domain (site name, registry name, domain) to tell the
            publisher apart from its authors.
        registry: the outlet registry (agencies are recognised through it).

    Returns:
        Names, de-duplicated (case-insensitively); empty when the page names no author.
    """
    reg = registry or default_registry()
    site_keys = {_key(s) for s in site_names if s}
    site_keys |= {_key(s.split(".")[0]) for s in site_names if s and _DOMAINISH.match(s)}
    sources = [md.ld_authors, md.meta_authors, md.byline_authors,
               [a for a in (trafilatura_author or "").split(";") if a.strip()]]
    orgs_seen: list[str] = []
    for src in sources:
        names = _clean_list(src)
        persons = [n for n in names if not _is_org_like(n, site_keys, reg)]
        orgs_seen.extend(n for n in names if n not in persons)
        if persons:
            agencies = [o for o in _clean_list(md.ld_org_authors)
                        if (e := reg.by_name(o)) is not None and e.is_agency and _key(o) not in {_key(p) for p in persons}]
            return persons + agencies
    orgs = _clean_list(md.ld_org_authors) or _clean_list(orgs_seen)
    return orgs[:3]
