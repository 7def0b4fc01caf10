"""Event aggregation: the coded events of all articles merged into one event per happening, with a
mentions table, as GDELT 2.0 keeps events and mentions.

**Mentions.** Every row of ``events`` (one coded event in one sentence of one article) becomes one
mention per (source actor, target actor) pair: an event with several recipients ("met envoys of the
EU, Norway and the US") gives one mention per recipient, as GDELT and PLOVER records have one actor
and one recipient per dyad (PLOVER manual, table 6.1 note 3). An event without a target gives one
mention with an empty target.

**Aggregation key.** Mentions with the same key are one aggregated event (``aggregated_events``):

* ``date``: the event's date at its granularity, cut to the day (``2021-10-09T13:24`` ->
  ``2021-10-09``; ``2021-10`` stays month-granular; ``date_basis = 'event'``); without an event
  date, the article's publication day (``date_basis = 'published'``, GDELT's convention); without
  either, NULL (``date_basis = 'none'``). A date is never invented: the day a run happened is not
  the day an event happened, so an undated event stays undated (and is counted as such);
* ``source_key``, ``target_key``: the actor code (``USAGOV``), or ``~`` + the folded name when the
  actor has no code, or empty;
* ``code_key``: the CAMEO code, or ``plover:<TYPE>`` when only a PLOVER type was coded;
* ``location_key``: ``gn:<GeoNames id>``, else ``cc:<ISO3 country>``, else empty;
* ``modality``: events of different modality **never** merge. An ``asserted`` event (it happened)
  and a ``future``/``intent``/``negation``/``hypothetical`` one (it is planned, wished, denied or
  conditional) are different facts: "the US will meet the Taliban" and "the US met the Taliban" are
  two aggregated events, so counts of what happened are not inflated by plans and denials.
  ``historical`` events (reported as past background) are kept apart too. Exports in the GDELT and
  PLOVER formats, which have no modality field, include only ``asserted`` and ``historical`` events
  unless asked otherwise (:mod:`eventwire.store.export`).

**Counts** (GDELT 2.0 names): copies do not inflate them. Mentions are counted per duplicate group
(an article and its copies): a group contributes the largest number of mentions found in any one of
its articles, once.

* ``num_mentions``: sum over groups of that number (GDELT NumMentions);
* ``num_articles``: number of duplicate groups with a mention (GDELT NumArticles);
* ``num_sources``: number of distinct outlets of those groups' originals (GDELT NumSources);
* ``num_copies``: number of articles with a mention, copies included (ours);
* ``first_seen``, ``last_seen``: earliest and latest ``seen_at`` of the mentioning articles.

The descriptive fields (names, PLOVER type, Goldstein, location) come from the best mention: in an
original article rather than a copy, highest confidence, then earliest.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from eventwire.corpus.text import fold
from eventwire.ids import stable_id

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


#: The values of ``date_basis`` (``event_mentions``, ``aggregated_events``).
DATE_BASES = ("event", "published", "none")


def date_key(event_date: str | None, published: str | None) -> tuple[str | None, str]:
    """The aggregation date of a mention and its basis (one of :data:`DATE_BASES`).

    Args:
        event_date: the event's own date (ISO, any granularity: ``2021-10-09``, ``2021-10``,
            ``2021``, ``2021-W39``; a time is cut to the day), or ``None``.
        published: the article's publication date (ISO), or ``None``.

    Returns:
        ``(date, "event")``, else ``(publication day, "published")``, else ``(None, "none")``: never
        a date that neither the event nor its article gives.
    """
    if event_date and (d := _norm_date(event_date)):
        return d, "event"
    if published and (m := _DAY.match(published)):
        return m.group(0), "published"
    return None, "none"


def _norm_date(value: str) -> str | None:
    value = value.strip()
    if m := _DAY.match(value):
        return m.group(0)
    if _MONTH.match(value) or _YEAR.match(value) or _WEEK.match(value):
        return value
    return None


def date_range(value: str | None) -> tuple[date | None, date | None]:
    """First and last day of an ISO date at day, ISO-week, month or year granularity; (None, None)
    for anything else."""
    if not value:
        return None, None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
        if m := _WEEK.match(value):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
    except ValueError:
        return None, None
    return None, None


def actor_key(actor: dict[str, Any] | None) -> str:
    """Aggregation key of an actor struct: its code, else ``~`` + folded name (or text), else ``""``."""
    if not actor:
        return ""
    if actor.get("code"):
        return str(actor["code"])
    name = actor.get("name") or actor.get("text") or ""
    name = " ".join(fold(name).split())
    return "~" + name if name else ""


def code_key(cameo_code: str | None, plover_type: str | None) -> str:
    """Aggregation key of the event type: the CAMEO code, else ``plover:<TYPE>``, else ``""``."""
    if cameo_code:
        return cameo_code
    if plover_type:
        return "plover:" + plover_type.upper()
    return ""


def location_key(geonameid: int | None, country: str | None) -> str:
    """Aggregation key of the event location: ``gn:<id>``, else ``cc:<ISO3>``, else ``""``."""
    if geonameid is not None:
        return f"gn:{int(geonameid)}"
    if country:
        return f"cc:{country}"
    return ""


def agg_event_id(date_k: str, source_k: str, target_k: str, code_k: str, loc_k: str, modality: str) -> str:
    """Stable id of an aggregated event from its key."""
    return stable_id("agg", date_k, source_k, target_k, code_k, loc_k, modality)


def global_event_id(agg_id: str) -> int:
    """A positive 60-bit integer id (GDELT's GlobalEventID is an integer) from the aggregated event id."""
    return int(agg_id[:15], 16)


def mention_rows(event: dict[str, Any], article: dict[str, Any], places: dict[int, tuple[str | None, str | None]]
                 ) -> list[dict[str, Any]]:
    """The ``event_mentions`` rows of one ``events`` row.

    Args:
        event: an ``events`` row as a dict (``sources``/``targets`` lists of actor structs with
            ``char_start``/``char_end``).
        article: ``published``, ``seen_at`` (datetime), ``lead_end`` (offset of the end of the first
            paragraph) of the event's article (``stored_at`` is not used: it is no event date).
        places: GeoNames id -> (admin1, feature code) from the article's ``places`` rows.

    Returns:
        One row per distinct (source key, target key) pair.
    """
    d_key, basis = date_key(event.get("date"), article.get("published"))
    c_key = code_key(event.get("cameo_code"), event.get("plover_type"))
    l_key = location_key(event.get("location_geonameid"), event.get("location_country"))
    modality = event.get("modality") or "asserted"
    admin1, fcode = places.get(event.get("location_geonameid"), (None, None)) if event.get("location_geonameid") is not None else (None, None)
    sources = event.get("sources") or [None]
    targets = event.get("targets") or [None]
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for s in sources:
        for t in targets:
            sk, tk = actor_key(s), actor_key(t)
            if (sk, tk) in seen:
                continue
            seen.add((sk, tk))
            aid = agg_event_id(d_key or "", sk, tk, c_key, l_key, modality)
            s, t = s or {}, t or {}
            rows.append({
                "mention_id": stable_id("mention", event["event_id"], sk, tk),
                "agg_event_id": aid,
                "event_id": event["event_id"],
                "article_id": event["article_id"],
                "sent_idx": event.get("sent_idx"),
                "sentence_start": event.get("sentence_start"),
                "sentence_end": event.get("sentence_end"),
                "trigger": event.get("trigger"),
                "trigger_start": event.get("trigger_start"),
                "trigger_end": event.get("trigger_end"),
                "source_start": s.get("char_start"), "source_end": s.get("char_end"),
                "target_start": t.get("char_start"), "target_end": t.get("char_end"),
                "source_text": s.get("text"), "target_text": t.get("text"),
                "confidence": event.get("confidence"),
                "modality": modality,
                "in_lead": (event.get("sentence_start") is not None
                            and event["sentence_start"] < article.get("lead_end", 0)),
                "seen_at": article.get("seen_at"),
                "date": d_key, "date_basis": basis,
                "source_key": sk, "target_key": tk, "code_key": c_key, "location_key": l_key,
                "source_code": s.get("code"), "source_name": s.get("name") or s.get("text"),
                "source_country": s.get("country"), "source_sector": s.get("sector"), "source_qid": s.get("qid"),
                "target_code": t.get("code"), "target_name": t.get("name") or t.get("text"),
                "target_country": t.get("country"), "target_sector": t.get("sector"), "target_qid": t.get("qid"),
                "cameo_code": event.get("cameo_code"), "cameo_base": event.get("cameo_base"),
                "cameo_root": event.get("cameo_root"), "plover_type": event.get("plover_type"),
                "plover_mode": event.get("plover_mode"), "quad_class": event.get("quad_class"),
                "goldstein": event.get("goldstein"),
                "location_text": event.get("location_text"),
                "location_geonameid": event.get("location_geonameid"),
                "location_country": event.get("location_country"),
                "location_admin1": admin1, "location_feature_code": fcode,
                "location_lat": event.get("location_lat"), "location_lon": event.get("location_lon"),
                "attribution_text": event.get("attribution_text"),
                "coder": event.get("coder"),
            })
    return rows


#: Columns of ``aggregated_events`` copied from the best mention.
BEST_COLUMNS = [
    "source_code", "source_name", "source_country", "source_sector", "source_qid",
    "target_code", "target_name", "target_country", "target_sector", "target_qid",
    "cameo_code", "cameo_base", "cameo_root", "plover_type", "plover_mode", "quad_class", "goldstein",
    "location_text", "location_geonameid", "location_country", "location_admin1", "location_feature_code",
    "location_lat", "location_lon",
]

#: SQL computing the aggregated rows from the registered tables ``_ew_m`` (the mentions of the events
#: to aggregate), ``_ew_ac`` (``article_corpus`` rows of their articles and of their groups'
#: originals) and ``_ew_urls`` (``articles`` URLs of those articles).
AGGREGATE_SQL = f"""
WITH m AS (
    SELECT em.*, ac.dup_group, ac.is_duplicate, ac.story_id
    FROM _ew_m em JOIN _ew_ac ac USING (article_id)
),
per_article AS (
    SELECT agg_event_id, dup_group, article_id, count(*) AS n FROM m GROUP BY ALL
),
per_group AS (
    SELECT p.agg_event_id, p.dup_group, max(p.n) AS n,
           any_value(coalesce(orig.outlet_key, 'group:' || p.dup_group)) AS outlet
    FROM per_article p
    LEFT JOIN (SELECT DISTINCT article_id, outlet_key FROM _ew_ac) orig ON orig.article_id = p.dup_group
    GROUP BY p.agg_event_id, p.dup_group
),
counts AS (
    SELECT agg_event_id, sum(n)::INTEGER AS num_mentions, count(*)::INTEGER AS num_articles,
           count(DISTINCT outlet)::INTEGER AS num_sources
    FROM per_group GROUP BY agg_event_id
),
spans AS (
    SELECT agg_event_id, count(DISTINCT article_id)::INTEGER AS num_copies, min(seen_at) AS first_seen,
           max(seen_at) AS last_seen, bool_or(in_lead) AS is_root, max(confidence) AS confidence,
           arg_min(article_id, (seen_at, article_id)) AS first_article_id,
           list(DISTINCT story_id ORDER BY story_id) FILTER (WHERE story_id IS NOT NULL) AS story_ids,
           any_value(date) AS date, any_value(date_basis) AS date_basis, any_value(modality) AS modality,
           any_value(source_key) AS source_key, any_value(target_key) AS target_key,
           any_value(code_key) AS code_key, any_value(location_key) AS location_key
    FROM m GROUP BY agg_event_id
),
best AS (
    SELECT DISTINCT ON (agg_event_id) agg_event_id, mention_id AS best_mention_id,
           {", ".join(BEST_COLUMNS)}
    FROM m ORDER BY agg_event_id, is_duplicate, confidence DESC NULLS LAST, seen_at, mention_id
)
SELECT s.agg_event_id, s.date, s.date_basis, s.modality, s.source_key, s.target_key, s.code_key,
       s.location_key, {", ".join("b." + c for c in BEST_COLUMNS)},
       c.num_mentions, c.num_sources, c.num_articles, s.num_copies, s.first_seen, s.last_seen,
       s.is_root, s.confidence, b.best_mention_id, s.first_article_id,
       coalesce(u.url, u.canonical_url, u.source) AS source_url, s.story_ids
FROM spans s JOIN counts c USING (agg_event_id) JOIN best b USING (agg_event_id)
LEFT JOIN _ew_urls u ON u.article_id = s.first_article_id
"""
