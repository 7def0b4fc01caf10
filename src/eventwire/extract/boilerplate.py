"""Boilerplate lines inside article bodies: related links, newsletter and share prompts, photo credits.

A body line (paragraph) is boilerplate when it *starts* with one of the cues below (case-insensitive)
and is short (at most :data:`MAX_WORDS` words): related-link teasers are one headline long, while an
article paragraph that happens to begin with "Read more" is not. Cues are in English, German, French
and Spanish, collected by the project from how news sites label these lines.
"""
from __future__ import annotations

import re

#: Longest line (in words) that can be taken for a boilerplate line.
MAX_WORDS = 40

_CUES = [
    # related links (en)
    r"see also", r"read more", r"read also", r"also read", r"related(?: articles?| stories| coverage| content| news)?\s*:",
    r"more on this (?:topic|story)", r"more from", r"recommended(?: for you| reading)?\s*:?",
    r"you (?:may|might) also (?:like|be interested in)", r"don'?t miss\s*:?", r"further reading", r"more:",
    r"watch\s*:", r"listen\s*:", r"trending\s*:", r"top stories\s*:", r"editor'?s picks?",
    # newsletter, share, follow, ads (en)
    r"sign up (?:for|to)", r"subscribe (?:to|now|here|for)", r"share (?:this|on)\b", r"follow us on",
    r"click here", r"advertisement\s*$", r"sponsored content", r"get our .{0,40}newsletter", r"join our .{0,40}channel",
    # credits (en)
    r"photo(?:graph)?\s*(?:credit)?\s*:", r"image\s*(?:credit)?\s*:", r"picture\s*:", r"\(?photo by\b",
    r"©", r"\(c\)\s", r"copyright\s+(?:©|\(c\)|\d{4})", r"all rights reserved",
    # de
    r"mehr zum thema", r"lesen sie (?:auch|mehr|hier)", r"siehe auch", r"auch interessant", r"weiterlesen",
    r"das könnte sie auch interessieren", r"empfohlener inhalt", r"foto\s*:", r"bild\s*:", r"anzeige\b",
    r"abonnieren sie", r"folgen sie uns", r"teilen sie",
    # fr
    r"[àa] lire aussi", r"lire aussi", r"voir aussi", r"sur le même sujet", r"abonnez-vous", r"publicité\b",
    r"photo\s+:", r"suivez-nous", r"partager\b",
    # es
    r"lee también", r"lea también", r"leer más", r"ver también", r"te puede interesar", r"suscr[íi]bete",
    r"publicidad\b", r"más información\s*:", r"síguenos",
]
_CUE_RE = re.compile(r"^\s*(?:[►▶»>•*\-–—]\s*)?(?:" + "|".join(_CUES) + r")", re.I)


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is a boilerplate line (a cue at its start, at most :data:`MAX_WORDS` words)."""
    s = line.strip()
    if not s:
        return False
    if len(s.split()) > MAX_WORDS:
        return False
    return bool(_CUE_RE.match(s))


def split_boilerplate(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Separate boilerplate paragraphs from article paragraphs.

    Returns:
        (kept paragraphs, removed lines verbatim with trailing whitespace stripped), both in order.
    """
    kept: list[str] = []
    removed: list[str] = []
    for p in paragraphs:
        if is_boilerplate(p):
            removed.append(p.strip())
        else:
            kept.append(p)
    return kept, removed
