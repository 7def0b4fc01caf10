"""The time-expression annotator (order 300): date and time expressions -> :class:`~eventwire.records.TimeExpr`.

Detection: spaCy ``DATE``/``TIME`` entities, plus our patterns for what the small model misses
(weekdays, "this weekend", "last month", month names with days or years, "in 2001", numeric dates,
"N days ago"); overlapping spans are merged. Each span is resolved by
:func:`eventwire.temporal.resolve.resolve` against the anchor: the article's publication date
(``published``), else its ``modified`` date; with neither, only expressions that carry their own year
are resolved. The clause's tense (``will``/``shall``/``would``/"going to", or "scheduled/planned/due
to") makes weekdays and year-less months resolve forwards.

Spans keep what is written ("the end of August", "Thursday"); a preposition in front is used for
resolution only.
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from eventwire.nlp.pipeline import register_annotator
from eventwire.records import Article, TimeExpr
from eventwire.temporal.resolve import resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMW = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a couple of|a)"
#: Our detection patterns (case-sensitive where capitals matter: "May" only as a month with a day/year).
PATTERNS = [re.compile(p) for p in (
    rf"\b(?:(?:last|next|this|this coming|early|late)\s+)?{_WD}(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:(?:this|last|next|the|over the)\s+)weekend\b",
    r"\b(?:(?:earlier|later|early|late)\s+)?(?:this|last|next)\s+(?:week|month|year)\b",
    r"\b(?:yesterday|today|tomorrow|tonight)\b",
    r"\b(?:this|last) (?:morning|afternoon|evening|night)\b|(?<=\bin )the (?:morning|afternoon|evening)\b",
    rf"\b(?:(?:early|mid|late)[\s-]+|the (?:end|beginning|start|middle) of\s+)?{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:[,.]?\s+\d{{4}})?(?<!May)\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?\b",
    rf"\bMay\s+(?:\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{4}})\b",
    r"\b(?:in|since|until|by|before|after|from|during|of) (?P<x>(?:(?:early|late|mid)[\s-])?(?:1[5-9]\d\d|20\d\d))\b(?!\s*(?:%|percent|people|km|kilometres|miles))",
    r"\b(?:the\s+)?(?:early\s+|late\s+|mid-)?(?:1[5-9]|20)\d0s\b",
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{4}-\d{2}-\d{2}\b",
    rf"\b{_NUMW}\s+(?:days?|weeks?|months?|years?|decades?)\s+ago\b",
)]
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "going"}
_FUTURE_HEADS = {"schedule", "plan", "due", "expect", "set"}


def anchor_date(article: Article) -> date | None:
    """The date relative expressions are resolved against: ``published``, else ``modified`` (ISO)."""
    for v in (article.published, article.modified):
        if v and re.match(r"\d{4}-\d{2}-\d{2}", v):
            try:
                return date.fromisoformat(v[:10])
            except ValueError:
                continue
    return None


def _future(doc: "Doc", start: int, end: int) -> bool:
    """Is the clause governing the character span [start, end) in the future tense?"""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    t = span.root
    for _ in range(5):
        if t.pos_ in ("VERB", "AUX"):
            break
        if t.head is t:
            return False
        t = t.head
    for v in (t, t.head):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _FUTURE_AUX for c in v.children):
            return True
        if v.lemma_ in _FUTURE_HEADS and any(c.dep_ in ("auxpass", "aux") for c in v.children):
            return True
        if v.lower_ == "going" and any(c.lower_ == "to" for c in v.children):
            return True
    return False


def find_spans(body: str, doc: "Doc") -> list[tuple[int, int]]:
    """Character spans of date/time expressions: spaCy ``DATE``/``TIME`` entities and our patterns,
    overlapping ones merged, sorted."""
    spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    text = doc.text
    for pat in PATTERNS:
        spans.extend(m.span("x") if "x" in pat.groupindex else m.span() for m in pat.finditer(text))
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out = []
    for s, e in merged:
        while s < e and body[s] in " ,(":
            s += 1
        while e > s and body[e - 1] in " ,.;:)":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


@register_annotator("times", order=300)
def annotate_times(article: Article, doc: "Doc") -> None:
    """Find and resolve the date/time expressions of ``article`` into ``article.times``."""
    anchor = anchor_date(article)
    body = article.body
    times = []
    for s, e in find_spans(body, doc):
        text = body[s:e]
        pre = body[max(0, s - 12):s].split()
        lead = pre[-1].lower() if pre else ""
        r = resolve(f"{lead} {text}" if lead in ("in", "on", "at", "since", "during") else text, anchor,
                    future=_future(doc, s, e))
        times.append(TimeExpr(s, e, text, r.value, r.granularity, r.range_start, r.range_end,
                              anchor.isoformat() if anchor else None, r.rule))
    article.times = times
