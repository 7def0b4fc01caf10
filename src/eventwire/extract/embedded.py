"""Article text that a page carries in scripts rather than in its markup.

Client-rendered news sites (Next.js and similar) ship the article as HTML inside JavaScript string
literals (``self.__next_f.push([1, "...\\u003cp\\u003e..."])``), sometimes JSON-encoded twice. When
trafilatura finds no main text in the markup (it already reads JSON-LD ``articleBody`` itself),
:func:`embedded_article_html` returns the largest HTML fragment with paragraphs found in a script string.
"""
from __future__ import annotations

import json
import re

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_JS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_PARA = ("<p", "\\u003cp", "\\u003Cp")
#: Scripts longer than this (characters) are not searched, to keep pathological pages bounded.
MAX_SCRIPT_CHARS = 5_000_000


def _decode(literal: str) -> str | None:
    try:
        value = json.loads(literal)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _best_fragment(text: str, depth: int = 0) -> str:
    """The longest string literal in ``text`` holding paragraph markup, unescaped (up to 3 levels)."""
    best = ""
    for m in _JS_STRING.finditer(text):
        raw = m.group(0)
        if not any(p in raw for p in _PARA):
            continue
        value = _decode(raw)
        if value is None:
            continue
        inner = _best_fragment(value, depth + 1) if depth < 2 and '"' in value else ""
        cand = inner or (value if "<p" in value else "")  # the innermost literal is the cleanest
        if len(cand) > len(best):
            best = cand
    return best


def embedded_article_html(html: str) -> str | None:
    """The largest HTML fragment with ``<p>`` paragraphs found inside a script's string literals, or ``None``."""
    best = ""
    for m in _SCRIPT.finditer(html):
        attrs, body = m.group(1), m.group(2)
        if "ld+json" in attrs or len(body) > MAX_SCRIPT_CHARS or not any(p in body for p in _PARA):
            continue
        frag = _best_fragment(body)
        if len(frag) > len(best):
            best = frag
    return best or None
