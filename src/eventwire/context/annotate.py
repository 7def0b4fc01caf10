"""The event context annotator (``event_context``): where and when each coded event happens.

Runs after the event coder (annotator ``events``) and fills, for every :class:`~eventwire.records.Event` in
``article.events``:

* ``location_*`` from ``article.places`` (annotator ``places``). Only places with role ``event_location`` (the
  object of a locative preposition: "held *in Doha*") count; places used as actors ("*Washington*
  said"), demonyms and places inside the event's own actor mentions never do. In order:

  1. such a place in the event's sentence, preferring one attached to the trigger, then a place below
     country level ("in Mali's *Gao* region"), then the nearest;
  2. the nearest such place within :data:`WINDOW` sentences in the same paragraph (a resolved place
     first; the following sentence wins a tie: "... wants to meet ... The meeting will be held in Doha");
  3. only when the text names no place for the event: the article's dateline place ("NAIROBI -",
     ``article.dateline_place``), when it resolves. A dateline says where a story was filed, not
     where its events happened, so it is a fallback and marked as one.

  ``location_rule`` says which (``sentence``, ``context``, ``dateline``), or ``none``. A place inside
  an actor mention is skipped ("*Afghan* allies"), unless a locative preposition puts it there ("an
  army base *in* Gao").

* ``date``/``date_granularity`` from ``article.times`` (annotator ``times``), skipping durations:

  1. an expression in the event's sentence, preferring one attached to the trigger, then the nearest;
  2. else the nearest resolved expression within :data:`WINDOW` sentences in the same paragraph;
  3. else nothing: ``date`` stays ``None``. The text gives no date for the event, and the article's
     publication date is not the event's (the corpus view and the exports fall back to it, marked
     ``date_basis = 'published'``; :mod:`eventwire.corpus.aggregate`).

  Interval values (weekends, seasons, decades, ranges) give their first day as ``date`` with the
  interval's granularity (``2021-10-09`` / ``weekend``); other values are copied as they are
  (``2021-09`` / ``month``, ``2021-W39`` / ``week``).

* ``modality = "historical"`` when the date comes from the event's own sentence and ends more than
  :data:`HISTORICAL_DAYS` days before the publication date ("the US invasion in 2001" in a 2021
  article), unless the coder already set ``negation``/``negated``/``hypothetical``. A year is our
  threshold: news reports the recent past ("last month", "in March") as news, while what lies more
  than a year back is background.
"""
from __future__ import annotations

import bisect
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from eventwire.nlp.annotators import annotator
from eventwire.records import Article, Event, Place, TimeExpr
from eventwire.temporal.annotate import anchor_date, tense
from eventwire.dates import last_day

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Sentences searched on either side of the event's sentence (same paragraph only).
WINDOW = 2
#: An event dated (in its own sentence) more than this many days before publication is historical.
HISTORICAL_DAYS = 365
_KEEP_MODALITY = {"negation", "negated", "hypothetical"}


def _paragraph_of(body: str, sentences) -> list[int]:
    breaks = [m.start() for m in re.finditer(r"\n\s*\n", body)]
    return [bisect.bisect_right(breaks, s.start) for s in sentences]


def _attached(doc: "Doc", start: int, end: int, trig_start: int, trig_end: int) -> bool:
    """Does the phrase at [start, end) hang (through prepositions, appositions) off the trigger?"""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    t = span.root
    for _ in range(6):
        if trig_start <= t.idx < trig_end:
            return True
        if t.head is t:
            return False
        t = t.head
    return trig_start <= t.idx < trig_end


def _end_of(te: TimeExpr) -> date | None:
    return last_day(te.range_end or te.value)


#: A locative preposition inside an actor mention: what follows it is where the actor is
#: ("an army base *in* Mali's Gao region"), not who the actor is ("Afghan allies").
_LOC_IN_ACTOR = re.compile(r"\b(?:in|at|near|outside|inside|around|across|through|throughout|within|along)\b", re.I)


def _in_actor(ev: Event, p: Place, body: str) -> bool:
    """Is ``p`` part of one of the event's actor mentions (and not a place named after a locative
    preposition inside it)?"""
    return any(a.start <= p.start < a.end and not _LOC_IN_ACTOR.search(body[a.start:p.start])
               for a in ev.sources + ev.targets)


@annotator("event_context", requires=("events", "places", "times", "sentences"),
           assigns=("events.location_text", "events.location_geonameid", "events.location_country",
                    "events.location_lat", "events.location_lon", "events.date", "events.date_granularity",
                    "events.location_rule", "events.modality"))
def annotate_event_context(article: Article, doc: "Doc") -> None:
    """Fill location, date and the historical flag of ``article.events`` (see module docstring)."""
    if not article.events:
        return
    sents = article.sentences
    starts = [s.start for s in sents]
    para = _paragraph_of(article.body, sents)

    def sidx(ch: int) -> int:
        return max(0, bisect.bisect_right(starts, ch) - 1)

    places = [(sidx(p.start), p) for p in article.places if p.role == "event_location"]
    times = [(sidx(t.start), t) for t in article.times if t.value and t.granularity != "duration"]
    pub = anchor_date(article)
    dateline = _dateline_place(article)
    for ev in article.events:
        si = ev.sent_idx if 0 <= ev.sent_idx < len(sents) else sidx(ev.sentence_start)
        _locate(ev, si, places, para, doc, dateline, article.body)
        own = _date(ev, si, times, para, doc, pub)
        if own is not None and pub is not None and ev.modality not in _KEEP_MODALITY:
            end = _end_of(own)
            if end is not None and (pub - end).days > HISTORICAL_DAYS:
                ev.modality = "historical"


def _pick(ev: Event, si: int, items: list, para: list[int], doc: "Doc", resolved,
          broad=lambda x: False) -> tuple[object | None, bool]:
    """The item for an event: in its sentence (attached to the trigger first, then not ``broad``, then
    nearest), else the nearest in the window. Returns (item, from_own_sentence)."""
    own = [x for s, x in items if s == si]
    if own:
        att = [x for x in own if _attached(doc, x.start, x.end, ev.trigger_start, ev.trigger_end)]
        pool = att or own
        pool.sort(key=lambda x: (not resolved(x), broad(x), abs(x.start - ev.trigger_start)))
        return pool[0], True
    if not para:
        return None, False
    near = [(abs(s - si), 0 if s > si else 1, x) for s, x in items
            if s != si and abs(s - si) <= WINDOW and s < len(para) and si < len(para) and para[s] == para[si]]
    near.sort(key=lambda t: (not resolved(t[2]), t[0], t[1]))
    return (near[0][2], False) if near else (None, False)


def _dateline_place(article: Article) -> Place | None:
    """The article's dateline as a place: its ``dateline`` place in the body when resolved, else
    ``article.dateline_place`` resolved against the gazetteer with the article's countries as
    context (the dateline is not part of the body: :func:`eventwire.extract.extract`); ``None`` when
    there is none or it does not resolve."""
    p = next((p for p in article.places if p.role == "dateline" and p.geonameid is not None), None)
    if p is not None or not article.dateline_place:
        return p
    from eventwire.geo.gazcache import get_gazetteer
    from eventwire.geo.resolve import choose

    gaz = get_gazetteer()
    name, _, region = article.dateline_place.partition(",")  # "MANILA, Philippines"
    countries = {x.country for x in article.places if x.country}
    if region.strip():
        countries.update(c.record.country for c in gaz.lookup(region.strip())[:1] if c.record.country)
    ch = choose(gaz.lookup(name.strip()), countries)
    r = ch.record
    if r is None:
        return None
    return Place(0, 0, article.dateline_place, geonameid=r.geonameid, name=r.name, country=r.country,
                 admin1=r.admin1, lat=r.lat, lon=r.lon, feature_class=r.feature_class,
                 feature_code=r.feature_code, role="dateline", confidence=ch.confidence, rule=f"dateline: {ch.rule}")


def _broad(p: Place) -> bool:
    """A country or continent: a place in the same phrase below it is the more precise location."""
    return (p.feature_code or "").startswith("PCL") or p.feature_code == "CONT"


def _locate(ev: Event, si: int, places: list[tuple[int, Place]], para: list[int], doc: "Doc",
            dateline: Place | None, body: str) -> None:
    cands = [(s, p) for s, p in places if not _in_actor(ev, p, body)]
    p, own = _pick(ev, si, cands, para, doc, lambda x: x.geonameid is not None or x.lat is not None, _broad)
    rule = "sentence" if own else "context"
    if p is None:
        p, rule = dateline, "dateline"
    if p is None:
        ev.location_rule = "none"
        return
    ev.location_rule = rule
    ev.location_text = p.text
    ev.location_geonameid = p.geonameid
    ev.location_country = p.country
    ev.location_lat = p.lat
    ev.location_lon = p.lon


def _date(ev: Event, si: int, times: list[tuple[int, TimeExpr]], para: list[int], doc: "Doc",
          pub: date | None) -> TimeExpr | None:
    """Set the event's date; return the expression when it came from the event's own sentence."""
    te, own = _pick(ev, si, times, para, doc, lambda x: True)
    if te is None:
        return None  # undated: the publication date is no event date (module docstring)
    assert isinstance(te, TimeExpr)
    if te.value and "/" in te.value and te.range_start:
        ev.date = te.range_start
    else:
        ev.date = te.value
    ev.date_granularity = te.granularity
    if own and pub is not None:
        ev.date = _tense_aware_weekday(ev, te, pub, tense(doc, te.start, te.end)) or ev.date
    return te if own else None


#: A bare weekday, the only expression whose direction (last or next such day) the text leaves open.
_BARE_WEEKDAY = re.compile(r"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                           r"(?:\s+(?:morning|afternoon|evening|night))?", re.I)


def _tense_aware_weekday(ev: Event, te: TimeExpr, pub: date, clause_tense: str | None = None) -> str | None:
    """The event's date when a bare weekday in its own sentence was resolved in the wrong direction for
    the event, else ``None``.

    The time annotator resolves "on Friday" from its clause's tense; the coder's modality knows more
    (a planned, scheduled or wished event: "Serbia is due to meet Kosovo on Friday" is the coming
    Friday; an asserted or historical event has happened: the last Friday). So a ``future``/``intent``
    event dated by a bare weekday before publication moves a week forward, and an ``asserted`` or
    ``historical`` one dated after publication moves a week back. A plan told in the past tense ("was
    scheduled to meet on Friday", ``clause_tense="past"``) keeps the past day. Other expressions ("last
    Friday", "March 1") say their direction and are kept.
    """
    if te.granularity != "day" or not te.value or not _BARE_WEEKDAY.fullmatch(te.text.strip()):
        return None
    try:
        d = date.fromisoformat(te.value[:10])
    except ValueError:
        return None
    if ev.modality in ("future", "intent") and d < pub and clause_tense != "past":
        return (d + timedelta(days=7)).isoformat()
    if ev.modality in ("asserted", "historical") and d > pub:
        return (d - timedelta(days=7)).isoformat()
    return None
