"""The time-expression annotator (``times``): date and time expressions -> :class:`~eventwire.records.TimeExpr`.

Detection: spaCy ``DATE``/``TIME`` entities, plus our patterns for what the small model misses
(weekdays, "this weekend", "last month", month names with days or years, "in 2001", numeric dates,
"N days ago"); overlapping spans are merged. Each span is resolved by
:func:`eventwire.temporal.resolve.resolve` against the anchor: the article's publication date
(``published``), else its ``modified`` date; with neither, only expressions that carry their own year
are resolved. The clause's tense (:func:`tense`) makes weekdays and year-less months resolve forwards in
the future tense; a day and month without a year goes to the nearest such date unless the tense says
past or future.

Spans keep what is written ("the end of August", "Thursday"); a preposition in front is used for
resolution only.
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from eventwire import lexicon
from eventwire.nlp.annotators import annotator
from eventwire.records import Article, TimeExpr
from eventwire.temporal.resolve import resolve

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMW = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a couple of|a)"
#: Our detection patterns (case-sensitive where capitals matter: "May" only as a month with a day/year).
PATTERNS = [re.compile(p) for p in (
    rf"\b(?:(?:last|next|this|this coming|early|late)\s+)?{_WD}(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"(?i)\b(?:(?:this|last|next|the|over the)\s+)weekend\b",
    r"(?i)\b(?:(?:earlier|later|early|late)\s+)?(?:this|last|next|this past|this coming)\s+(?:week|month|year)\b",
    r"(?i)\b(?:yesterday|today|tomorrow|tonight)\b",
    r"\b(?:this|last) (?:morning|afternoon|evening|night)\b|(?<=\bin )the (?:morning|afternoon|evening)\b",
    rf"\b(?:(?:early|mid|late)[\s-]+|the (?:end|beginning|start|middle) of\s+)?{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:[,.]?\s+\d{{4}})?(?<!May)\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?\b",
    rf"\bMay\s+(?:\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{4}})\b",
    r"\b(?:in|since|until|by|before|after|from|during|of) (?P<x>(?:(?:early|late|mid)[\s-])?(?:1[5-9]\d\d|20\d\d))\b(?!\s*(?:%|percent|people|km|kilometres|miles))",
    r"\b(?:the\s+)?(?:early\s+|late\s+|mid-)?(?:1[5-9]|20)\d0s\b",
    r"\b(?:1[5-9]\d\d|20\d\d)\s*(?:to|and|through|until|-|–)\s*(?P<x>1[5-9]\d\d|20\d\d)\b",
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{4}-\d{2}-\d{2}\b",
    rf"(?i)\b{_NUMW}\s+(?:days?|weeks?|months?|years?|decades?)\s+ago\b",
)]
_FUTURE_AUX = lexicon.words("tense_future_words")
_FUTURE_HEADS = lexicon.words("tense_future_heads")
#: Governors of a to-infinitive that put it after the time of speaking when they are not in the past tense
#: ("is due to meet", "plans to visit", "intends to sign", "is set to", "aims to", "wants to"): the
#: planned, scheduled or wished event lies ahead (a bare weekday resolves forwards).
_FUTURE_GOVERNORS = _FUTURE_HEADS | {"intend", "aim", "prepare", "hope", "want", "seek", "wish", "promise",
                                     "pledge", "vow", "threaten", "agree", "decide", "ready", "poised", "likely",
                                     "unlikely", "eager", "willing", "expected", "scheduled", "planned"}


def anchor_date(article: Article) -> date | None:
    """The date relative expressions are resolved against: ``published``, else ``modified`` (ISO)."""
    for v in (article.published, article.modified):
        if v and re.match(r"\d{4}-\d{2}-\d{2}", v):
            try:
                return date.fromisoformat(v[:10])
            except ValueError:
                continue
    return None


def _past(v: "Token") -> bool:
    """A past-tense verb, or a verb with a past-tense auxiliary ("was scheduled", "had planned")."""
    return v.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in v.children)


def tense(doc: "Doc", start: int, end: int) -> str | None:
    """Tense of the clause governing the character span [start, end): ``future`` or ``past`` or ``None``.

    ``future``: an auxiliary will/shall/would or "going to" on the clause's verb or the verbs governing it
    through ``xcomp`` (up to three steps: "is expected to be held"), "is to be held", or a present-tense
    governor of planning, scheduling or wishing (:data:`_FUTURE_GOVERNORS`: "Serbia is due to meet Kosovo
    on Friday", "plans to visit on Monday", "is set to sign"); ``past``: a past-tense verb or auxiliary on
    the clause's verb ("met on Friday"; "was scheduled to meet on Friday" is past too: the plan is told
    in the past); ``None``: present, or no verb found.

    Source: the English tense and modal system as described in the Cambridge Grammar of the English
    Language (ch. 3-4, "futurity"); the list of governors is ours.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    t = span.root
    for _ in range(5):
        if t.pos_ in ("VERB", "AUX"):
            break
        if t.head is t:
            return None
        t = t.head
    if t.pos_ not in ("VERB", "AUX"):
        return None
    if t.dep_ == "acl" and t.tag_ in ("VBN", "VBD") and t.lemma_ in _FUTURE_HEADS and not any(
            c.dep_ == "nsubj" for c in t.children):
        return "future"  # "the meeting planned for Friday", "talks scheduled for Monday"
    v = t
    for _ in range(4):
        kids = list(v.children)
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _FUTURE_AUX for c in kids):
            return "future"
        if v.lemma_ in _FUTURE_HEADS and any(c.dep_ in ("auxpass", "aux") and c.tag_ != "VBD" for c in kids):
            return "future"
        if v.lower_ == "going" and any(c.lower_ == "to" for c in kids):
            return "future"
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in kids) and v.head.lemma_ == "be" and v.head is not v \
                and v.dep_ in ("xcomp", "ccomp") and v.head.tag_ != "VBD":
            return "future"  # "the referendum is to be held on ..."
        h = v.head
        if v.dep_ != "xcomp" or h is v:
            break
        # "is due to meet": the to-infinitive's governor (and the copula above an adjective governor)
        gov_past = _past(h) or (h.pos_ == "ADJ" and h.head is not h and _past(h.head))
        if (h.lemma_.lower() in _FUTURE_GOVERNORS or h.lower_ in _FUTURE_GOVERNORS) and not gov_past:
            return "future"
        if gov_past and h.lemma_.lower() in _FUTURE_GOVERNORS | {"be"}:
            return "past"  # "was scheduled to meet on Friday": a plan told in the past
        v = h if h.pos_ in ("VERB", "AUX") else (h.head if h.head is not h else h)
    if _past(t):
        return "past"
    return None


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


_RANGE_SEP = re.compile(r"\s+(?:-|–|—|to|through|thru|until|till|and)\s+|\s*[-–—]\s*(?=[A-Z])|,\s+")


def _parts(body: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sub-expressions of a span that did not resolve as a whole: the sides of a range ("November 20
    to December 11") or our patterns inside it ("the end of the day Saturday" -> "Saturday")."""
    text = body[s:e]
    cuts = [(s, e)]
    seps = list(_RANGE_SEP.finditer(text))
    if seps:
        cuts, pos = [], 0
        for m in seps:
            cuts.append((s + pos, s + m.start()))
            pos = m.end()
        cuts.append((s + pos, e))
        return [(a, b) for a, b in cuts if b > a]
    found = []
    for pat in PATTERNS:
        for m in pat.finditer(text):
            a, b = m.span("x") if "x" in pat.groupindex else m.span()
            found.append((s + a, s + b))
    found.sort()
    out: list[tuple[int, int]] = []
    for a, b in found:
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@annotator("times", assigns=("times",))
def annotate_times(article: Article, doc: "Doc") -> None:
    """Find and resolve the date/time expressions of ``article`` into ``article.times``.

    A span that does not resolve as a whole is split into the sides of a range or the patterns inside
    it when those resolve (the sides of "January 23 - March 9 2014" share the year written on the
    right); otherwise it is kept unresolved (``value=None``).
    """
    anchor = anchor_date(article)
    body = article.body
    times = []

    def res(s: int, e: int, year: str | None = None):
        text = body[s:e]
        pre = body[max(0, s - 12):s].split()
        lead = pre[-1].lower() if pre else ""
        q = f"{lead} {text}" if lead in ("in", "on", "at", "since", "during") else text
        if year and not re.search(r"\b\d{4}\b", text):
            q = f"{q} {year}"
        tns = tense(doc, s, e)
        return resolve(q, anchor, future=tns == "future", past=tns == "past")

    for s, e in find_spans(body, doc):
        r = res(s, e)
        if r.value is None and r.granularity != "duration":
            parts = _parts(body, s, e)
            years = [m.group() for a, b in parts for m in [re.search(r"\b\d{4}\b", body[a:b])] if m]
            year = years[-1] if years else None
            sub = [(a, b, res(a, b, year)) for a, b in parts if (a, b) != (s, e)]
            sub = [(a, b, x) for a, b, x in sub if x.value is not None]
            if sub:
                for a, b, x in sub:
                    times.append(TimeExpr(a, b, body[a:b], x.value, x.granularity, x.range_start, x.range_end,
                                          anchor.isoformat() if anchor else None, x.rule + " (part of a longer span)"))
                continue
        times.append(TimeExpr(s, e, body[s:e], r.value, r.granularity, r.range_start, r.range_end,
                              anchor.isoformat() if anchor else None, r.rule))
    article.times = times
