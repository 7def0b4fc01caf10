"""Title clean-up: strip outlet suffixes (``" – RT DE"``, ``" | Reuters"``, ``" - BBC News"``).

A trailing segment after a separator is taken to be the outlet's name when it matches the outlet
registry, the page's own site name, or its domain; a segment after ``|`` is also stripped when it is
short (at most 5 words), since pipes in page titles almost always separate the site name.
"""
from __future__ import annotations

import re

from eventwire.extract.outlets import Registry, default_registry

_SEP = re.compile(r"\s+(?:[|–—·»]|-|::|//)\s+")


def _norm(s: str) -> str:
    return re.sub(r"[^\w]+", "", s.casefold())


def split_title(title: str | None, *, sitename: str | None = None, domain: str | None = None,
                registry: Registry | None = None) -> tuple[str | None, str | None]:
    """Split ``title`` into (clean title, outlet name found in the suffix or ``None``).

    Args:
        title: the raw title (page ``<title>``, first line of a text file).
        sitename: the page's declared site name (``og:site_name``), if any.
        domain: the page's domain (``de.rt.com``), if any.
        registry: the outlet registry (default: the packaged one).

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
        known.add(_norm(domain.split(".")[-2] if domain.count(".") >= 1 else domain))
    for _ in range(3):  # "Title | Section | Site"
        parts = list(_SEP.finditer(clean))
        if not parts:
            break
        m = parts[-1]
        head, tail = clean[: m.start()].strip(), clean[m.end():].strip()
        if not head or not tail:
            break
        entry = reg.by_name(tail)
        sep = m.group(0).strip()
        short = len(tail.split()) <= 5
        if entry or _norm(tail) in known or (sitename and _norm(tail) in _norm(sitename)) or (sep == "|" and short):
            clean = head
            outlet = outlet or (entry.name if entry else tail)
            continue
        break
    return clean, outlet
