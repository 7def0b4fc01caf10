"""PLOVER JSON records of aggregated events, and a validator written from the PLOVER manual.

Source of the rules: PLOVER manual, draft 0.8 (``../shared/data/codebooks/PLOVER_MANUAL.pdf``):
chapter 6 (table 6.1 the event record, 6.2 entities, 6.3 text information, 6.5 citations, 6.6
locations), chapter 5 (table 5.1 the international non-state codes, table 5.2 the sector codes and the
notes under it), chapter 2 (table 2.1 the general contexts) and the modes of each event type
(``eventwire/data/codebooks/plover.json``); the CAMEO -> PLOVER map (``CAMEO2PLOVER-2021.txt``, shipped
as ``cameo.tsv``) gives each CAMEO code's type, mode and context. The PDF draws underscores as rules:
the field names are ``has_event``, ``event_loc``, ``quad_code``, ... (as in the PLOVER repository).

How eventwire's CAMEO-style actor codes become PLOVER entities (:func:`entity`):

* ``code`` is the actor's ISO 3166-1 alpha-3 country (Kosovo ``KOS``, as the manual has it), or one of
  the seven international non-state codes of table 5.1: CAMEO ``IGOUNO...`` -> ``UNO``, ``IGOEEC...``
  (the European Union) -> ``EUR``, any other ``IGO...`` -> ``IGO``, ``NGO...``/``IMG...``/``MNC...`` ->
  themselves. An actor without a country (``MIL``, "the West") gets no ``code``: the manual gives
  regional constructs none, and a sector alone says nothing of the country.
* ``sector``: the 3-letter parts of the code after the country that are sector codes of table 5.2, at
  most two (3 or 6 letters), with the manual's renames of CAMEO codes (notes 3 and 4): ``INS`` and
  ``SEP`` -> ``REB``, CAMEO's media ``MED`` -> ``JRN``, CAMEO's health ``HLH`` -> ``MED``. Known-group
  parts (``TAL`` in ``AFGINSTAL``) are not sectors; non-state actors (IGO, UN, EU, NGO, ...) get no
  sector (their CAMEO parts name agencies and regions, not table 5.2's sectors).
* ``identifier_id``/``identifier_text`` (Wikidata QID, canonical name) identify the entity: they are
  left out when they are only its country's ("Kenya's foreign minister", ``KENGOV``, carries Kenya's).
* ``actor_code`` (an extra field, as the manual allows) keeps eventwire's full code.

Mode and context come from the CAMEO code's line of the map. A mapped mode that is not one of the event
type's modes in the manual is left out (the map's ``085 RETREAT ease``: "'ease' is no longer a mode";
``1712 ASSAULT seize``), and one that is a context name (``175 ASSAULT pro_autocracy``) is given as a
context.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from eventwire import __version__

#: Table 5.1: the international non-state entities that take the place of a country code.
NON_STATE_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})
#: Table 5.2: sector codes (frequently and less frequently used).
SECTORS = frozenset("""COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK
AGR BUS CRM CVL EDU ELI JRN LAB MED REF OPP PRE REL SOC""".split())
#: CAMEO sector codes renamed by PLOVER (table 5.2, notes 3 and 4).
CAMEO_SECTOR_RENAMES = {"INS": "REB", "SEP": "REB", "MED": "JRN", "HLH": "MED"}
#: ISO3 codes eventwire uses where PLOVER has its own (chapter 5.1: Kosovo is ``KOS``).
COUNTRY_RENAMES = {"XKX": "KOS"}
#: Table 2.1: general contexts (names with underscores, as the CAMEO -> PLOVER map writes them).
CONTEXTS = frozenset("""military intelligence executive legislative election political_institutions
pro_democracy pro_autocracy economic legal reparations human_rights rights_freedoms repression
human_security gender lgbt religion_ethnicity inequality diplomatic territory peacekeeping health asylum
migration disasters natural_resource environment technology terrorism cbrn cyber misinformation crime
corruption illegal_drugs trafficking""".split())
#: Contexts the CAMEO -> PLOVER map of the same draft uses that table 2.1 does not list (the manual
#: expects the list to grow): accepted by :func:`validate`.
MAP_CONTEXTS = frozenset({"democracy", "humanitarian"})

#: Table 6.1: the fields of an event record; the required ones.
RECORD_FIELDS = frozenset({"id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event",
                           "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
                           "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment"})
REQUIRED_FIELDS = ("id", "date", "actor", "event")
#: Table 6.2 (entity), 6.3 (text information), 6.5 (citation), 6.6 (location).
ENTITY_FIELDS = frozenset({"code", "sector", "entity_text", "identifier_id", "identifier_text", "religion",
                           "ethnicity", "office", "gender", "age"})
TEXT_INFO_FIELDS = frozenset({"sequence", "start", "end", "text_story"})
CITE_INFO_FIELDS = frozenset({"corpus", "citation", "url", "title", "language", "publication", "license",
                              "copyright", "coder", "codebook", "version"})
LOCATION_FIELDS = frozenset({"extracted_place", "resolved_place", "geonameid", "lat", "lon", "city", "district",
                             "province", "country", "country_code", "feature_class", "feature_code", "resolution"})
#: Named fields eventwire adds to records and entities (the manual invites extra fields).
EXTRA_FIELDS = frozenset({"cameo_code", "goldstein", "modality", "num_mentions", "num_sources", "num_articles",
                          "num_copies", "confidence", "story_ids", "first_seen", "last_seen", "agg_event_ids",
                          "date_basis"})
EXTRA_ENTITY_FIELDS = frozenset({"actor_code"})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: ISO 8601 dates of reduced precision (a month, a year): eventwire's month- or year-granular dates.
_REDUCED_DATE = re.compile(r"\d{4}(?:-(0[1-9]|1[0-2]))?")
_YEAR_OR_MONTH = re.compile(r"^\d{4}(?:-\d{2})?$")


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes (pycountry) with PLOVER's renames applied."""
    import pycountry

    return frozenset(COUNTRY_RENAMES.get(c.alpha_3, c.alpha_3) for c in pycountry.countries) | {"KOS"}


def _country_qid(iso3: str) -> str | None:
    """The Wikidata QID eventwire's country dictionary gives ``iso3``."""
    from eventwire.actors.dictionary import countries

    c = countries().get(iso3)
    return c.qid if c else None


def _country_name(iso3: str) -> str | None:
    """The canonical name eventwire's country dictionary gives ``iso3``."""
    from eventwire.actors.dictionary import countries

    c = countries().get(iso3)
    return c.name if c else None


def entity_codes() -> frozenset[str]:
    """Every valid top-level entity ``code``: countries (ISO3, ``KOS``) and table 5.1's non-state codes."""
    return _country_codes() | NON_STATE_CODES


@lru_cache(maxsize=1)
def _types() -> dict[str, dict]:
    from eventwire.events.codebook import codebook

    return codebook().plover


def _split(code: str) -> list[str]:
    return [code[i:i + 3] for i in range(0, len(code) - len(code) % 3, 3)]


def _top_and_sectors(code: str | None, country: str | None, sector: str | None) -> tuple[str | None, list[str]]:
    """(PLOVER top-level code, PLOVER sectors) of a CAMEO-style actor code (module docstring)."""
    countries = _country_codes()
    parts = _split(code) if code else []
    country = COUNTRY_RENAMES.get(country or "", country) or None
    if parts and parts[0] in ("IGO", "NGO", "IMG", "MNC"):
        if parts[0] == "IGO":
            top = {"UNO": "UNO", "EEC": "EUR"}.get(parts[1] if len(parts) > 1 else "", "IGO")
        else:
            top = parts[0]
        return top, []
    if country in countries:
        top, rest = country, parts[1:] if parts and COUNTRY_RENAMES.get(parts[0], parts[0]) == country else parts
    elif parts and COUNTRY_RENAMES.get(parts[0], parts[0]) in countries:
        top, rest = COUNTRY_RENAMES.get(parts[0], parts[0]), parts[1:]
    else:
        top, rest = None, parts
    sectors: list[str] = []
    for p in rest or ([sector] if sector else []):
        s = CAMEO_SECTOR_RENAMES.get(p, p)
        if s in SECTORS and s not in sectors:
            sectors.append(s)
    return top, sectors[:2]


def entity(code: str | None, country: str | None = None, sector: str | None = None, name: str | None = None,
           qid: str | None = None, text: str | None = None) -> dict[str, Any] | None:
    """A PLOVER entity object (manual table 6.2) for one actor, or ``None`` when nothing is known.

    Args:
        code: eventwire's CAMEO-style actor code (``USAGOV``, ``IGOUNO``, ``AFGINSTAL``), or ``None``.
        country: its ISO3 country; sector: its primary sector code (CAMEO); name: canonical name;
        qid: Wikidata id; text: the actor's words in the article.

    Returns:
        ``{"code", "sector", "entity_text", "identifier_id", "identifier_text", "actor_code"}``, with
        only the keys that have a value (rules in the module docstring).
    """
    if not code and not name and not text:
        return None
    top, sectors = _top_and_sectors(code, country, sector)
    if code and country and len(code) > 3 and ((qid and _country_qid(country) == qid)
                                               or (name and not qid and name == _country_name(country))):
        # "Kenya's foreign minister" (KENGOV) carries Kenya's name and QID: they identify the country,
        # not this entity, so they are not given as its identifier (table 6.2, note 1)
        qid, name = None, None
    ent: dict[str, Any] = {}
    if top:
        ent["code"] = top
    if sectors:
        ent["sector"] = "".join(sectors)
    if text or name:
        ent["entity_text"] = text or name
    if qid:
        ent["identifier_id"] = qid
    if name:
        ent["identifier_text"] = name
    if code:
        ent["actor_code"] = code
    return ent


def mode_and_context(plover_type: str, cameo_code: str | None, stored_mode: str | None = None
                     ) -> tuple[list[str], list[str]]:
    """The ``mode`` and ``context`` lists of an event of ``plover_type`` coded ``cameo_code``.

    The mode is the stored one (a reviewer's or the coder's), else the map's for the CAMEO code (its
    base's when the code has no line); it is kept only when it is one of the type's modes in the manual,
    and a mapped "mode" that is a context name becomes a context. The contexts are the map's for the
    CAMEO code (``163`` -> ``diplomatic``, ``173`` -> ``legal``).
    """
    from eventwire.events.codebook import codebook

    info = None
    if cameo_code:
        try:
            info = codebook().get(cameo_code)
        except KeyError:
            info = None
    contexts = [c for c in (info.plover_context if info else ()) if c]
    modes: list[str] = []
    type_modes = _types().get(plover_type, {}).get("modes", [])
    for m in (stored_mode or (info.plover_mode if info and info.plover_type == plover_type else None),):
        if not m:
            continue
        if m in type_modes:
            modes.append(m)
        elif m in CONTEXTS and m not in contexts:
            contexts.append(m)
    return modes, contexts


#: Columns of ``aggregated_events`` a PLOVER record is made of (besides the target's, collected per recipient).
_COLUMNS = [
    "agg_event_id", "global_event_id", "source_code", "source_name", "source_country", "source_sector",
    "source_qid", "plover_type", "plover_mode", "quad_class", "location_text", "location_geonameid", "location_lat",
    "location_lon", "location_country", "location_feature_code", "cameo_code", "goldstein", "modality",
    "confidence", "date", "date_basis",
]
_TARGET_COLUMNS = ["agg_event_id", "target_code", "target_name", "target_country", "target_sector", "target_qid",
                   "num_mentions", "num_sources", "num_articles", "num_copies"]

#: An export's aggregated events (``{inner}``) with their best mention's and first article's fields.
_ROWS = """
    SELECT e.*, CAST(e.date_start AS VARCHAR) AS date_start_s, CAST(e.date_end AS VARCHAR) AS date_end_s,
           coalesce(m.event_id, e.agg_event_id) AS g_event, m.trigger AS m_trigger, m.sent_idx AS m_sent_idx,
           m.trigger_start AS m_trigger_start, m.trigger_end AS m_trigger_end, m.source_text AS m_source_text,
           m.target_text AS m_target_text, m.target_start AS m_target_start, a.url AS a_url, a.title AS a_title,
           a.language AS a_language, a.outlet AS a_outlet
    FROM ({inner}) e
    LEFT JOIN event_mentions m ON m.mention_id = e.best_mention_id
    LEFT JOIN articles a ON a.article_id = e.first_article_id"""
#: Coded events with more than one target: only their aggregated events can share a record.
_COMPOUND = "SELECT event_id FROM events WHERE len(targets) > 1"

#: Records of several aggregated events: those whose best mentions are the same coded event with the
#: same source, code, date, place and modality (a compound recipient: "met envoys of the EU, Norway and
#: the US") are one record with a list of recipients.
_GROUPED = """
SELECT {scalars},
       arg_min(date_start_s, agg_event_id) AS date_start, arg_min(date_end_s, agg_event_id) AS date_end,
       arg_min(m_trigger, agg_event_id) AS m_trigger, arg_min(m_sent_idx, agg_event_id) AS m_sent_idx,
       arg_min(m_trigger_start, agg_event_id) AS m_trigger_start,
       arg_min(m_trigger_end, agg_event_id) AS m_trigger_end,
       arg_min(m_source_text, agg_event_id) AS m_source_text,
       arg_min(a_url, agg_event_id) AS a_url, arg_min(a_title, agg_event_id) AS a_title,
       arg_min(a_language, agg_event_id) AS a_language, arg_min(a_outlet, agg_event_id) AS a_outlet,
       list({{{targets}, 'm_target_text': m_target_text}}
            ORDER BY m_target_start NULLS LAST, agg_event_id) AS recipients,
       list_sort(list_distinct(flatten(list(coalesce(story_ids, []::VARCHAR[]))))) AS story_ids,
       strftime(min(first_seen), '%Y-%m-%dT%H:%M:%S') AS first_seen,
       strftime(max(last_seen), '%Y-%m-%dT%H:%M:%S') AS last_seen,
       strftime(timezone('UTC', max(updated_at)), '%Y-%m-%d') AS coded_date,
       strftime(timezone('UTC', max(updated_at)), '%H:%M:%SZ') AS coded_time,
       min(date_start) AS sort_date
FROM ({rows}) x {where}
GROUP BY g_event, source_key, code_key, date, modality, location_key"""
#: The same columns for the aggregated events that are a record alone (no grouping: it streams).
_SINGLE = """
SELECT {scalars}, date_start_s AS date_start, date_end_s AS date_end, m_trigger, m_sent_idx, m_trigger_start,
       m_trigger_end, m_source_text, a_url, a_title, a_language, a_outlet,
       [{{{targets}, 'm_target_text': m_target_text}}] AS recipients,
       list_sort(coalesce(story_ids, []::VARCHAR[])) AS story_ids,
       strftime(first_seen, '%Y-%m-%dT%H:%M:%S') AS first_seen, strftime(last_seen, '%Y-%m-%dT%H:%M:%S') AS last_seen,
       strftime(timezone('UTC', updated_at), '%Y-%m-%d') AS coded_date,
       strftime(timezone('UTC', updated_at), '%H:%M:%SZ') AS coded_time, date_start AS sort_date
FROM ({rows}) x {where}"""


def records_sql(inner: str, params: list[Any], sort: bool = False) -> list[tuple[str, list[Any]]]:
    """The queries (SQL and parameters, run one after the other) giving one row per PLOVER record for
    the aggregated events of ``inner`` (with its ``params``): first the aggregated events of coded events
    with at most one target, as they stream; then those of coded events with several targets, grouped
    into compound records (so memory follows their number, not the export's). With ``sort``, one query:
    everything grouped and ordered by date."""
    targets = ", ".join(f"'{c}': {c}" for c in _TARGET_COLUMNS)
    rows = _ROWS.format(inner=inner)
    grouped_scalars = ", ".join(
        f"arg_min({c}, agg_event_id) AS {c}" if c != "agg_event_id" else "min(agg_event_id) AS agg_event_id"
        for c in _COLUMNS)
    if sort:
        sql = _GROUPED.format(scalars=grouped_scalars, targets=targets, rows=rows, where="")
        return [(sql + " ORDER BY sort_date, global_event_id", list(params))]
    compound = f"g_event IN ({_COMPOUND})"
    return [(_SINGLE.format(scalars=", ".join(_COLUMNS), targets=targets, rows=rows, where=f"WHERE NOT ({compound})"),
             list(params)),
            (_GROUPED.format(scalars=grouped_scalars, targets=targets, rows=rows, where=f"WHERE {compound}"),
             list(params))]


def plover_date(value: str | None, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """PLOVER ``date`` and ``enddate`` of an aggregated event at the granularity its source gives.

    Args:
        value: ``aggregated_events.date`` (``2021-10-09``, ``2021-10``, ``2021``, ``2021-W40`` or None).
        start, end: its first and last day (ISO), as ``date_start``/``date_end``.

    Returns:
        ``(date, enddate)``: a day as ``YYYY-MM-DD``; a month or a year as it is (``2021-10``,
        ``2021``: never widened to an invented first day); another period (a week) as its first
        day with ``enddate`` its last; ``(None, None)`` for an undated event.
    """
    if value and _YEAR_OR_MONTH.match(value):
        return value, None
    if start:
        return start, end if end and end != start else None
    return None, None


def record(e: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """One PLOVER JSON record (manual chapter 6, table 6.1) from a row of :func:`records_sql`.

    ``e`` holds the ``aggregated_events`` columns of :data:`_COLUMNS` (of the record's first aggregated
    event), ``date_start``/``date_end`` as ISO date strings, ``recipients`` (one dict per recipient with
    the target columns, its counts and ``m_target_text``), ``first_seen``/``last_seen`` (ISO),
    ``coded_date``/``coded_time`` (UTC), the best mention's ``m_*`` and the first article's ``a_*``
    fields. A dict without ``recipients`` but with ``target_*`` and count columns is taken as one
    aggregated event.

    Dates (:func:`plover_date`): the event's own date, else its article's publication day, at the
    granularity given (a month stays ``2021-10``), or ``null`` for an undated event; the extra field
    ``date_basis`` says which (``event``/``published``/``none``). The manual asks for a YYYY-MM-DD
    ``date`` in every record: eventwire prefers an empty or coarse date to an invented day, and
    :func:`validate` with ``dates="eventwire"`` accepts these two departures.

    Returns:
        ``(record, "")``, or ``(None, reason)`` when a required field has no value: no PLOVER type
        (``event``) or no actor.
    """
    if not e.get("plover_type"):
        return None, "no PLOVER type (the event field is required)"
    date_value, enddate = plover_date(e.get("date"), e.get("date_start"), e.get("date_end"))
    actor = entity(e.get("source_code"), e.get("source_country"), e.get("source_sector"), e.get("source_name"),
                   e.get("source_qid"), e.get("m_source_text"))
    if actor is None:
        return None, "no actor (the actor field is required)"
    dyads = e.get("recipients")
    if dyads is None:
        dyads = [{k: e.get(k) for k in _TARGET_COLUMNS} | {"m_target_text": e.get("m_target_text")}]
    rec: dict[str, Any] = {"id": f"eventwire-{e['agg_event_id']}", "has_event": True, "date": date_value}
    if enddate:
        rec["enddate"] = enddate
    # the date's basis (an extra field): the event's own date, or its article's publication date
    # (PLOVER's date is required; the event itself is undated), or none (date null)
    rec["date_basis"] = e.get("date_basis") or ("none" if date_value is None else "event")
    rec["actor"] = [actor]
    recipients = [r for r in (entity(d.get("target_code"), d.get("target_country"), d.get("target_sector"),
                                     d.get("target_name"), d.get("target_qid"), d.get("m_target_text"))
                              for d in dyads) if r is not None]
    if recipients:
        rec["recipient"] = recipients
    rec["event"] = [e["plover_type"]]
    modes, contexts = mode_and_context(e["plover_type"], e.get("cameo_code"), e.get("plover_mode"))
    if modes:
        rec["mode"] = modes
    if contexts:
        rec["context"] = contexts
    if e.get("quad_class") is not None:
        rec["quad_code"] = e["quad_class"]
    if e.get("location_text") or e.get("location_geonameid") is not None:
        loc: dict[str, Any] = {"extracted_place": e.get("location_text")}
        for k_out, k_in in (("geonameid", "location_geonameid"), ("lat", "location_lat"), ("lon", "location_lon"),
                            ("country_code", "location_country"), ("feature_code", "location_feature_code")):
            if e.get(k_in) is not None:
                loc[k_out] = e[k_in]
        if "country_code" in loc:
            loc["country_code"] = COUNTRY_RENAMES.get(loc["country_code"], loc["country_code"])
        rec["event_loc"] = loc
    if e.get("m_trigger"):
        rec["event_text"] = [e["m_trigger"]]
        rec["text_info"] = {"sequence": e.get("m_sent_idx"), "start": e.get("m_trigger_start"),
                            "end": e.get("m_trigger_end")}
    rec["cite_info"] = {k: v for k, v in {
        "url": e.get("a_url"), "title": e.get("a_title"), "language": e.get("a_language"),
        "publication": e.get("a_outlet"), "coder": f"eventwire {__version__}",
        "codebook": "CAMEO 1.1b3; PLOVER (CAMEO2PLOVER 2021)"}.items() if v is not None}
    rec["coder"] = f"eventwire {__version__}"
    if e.get("coded_date"):
        rec["coded_date"] = e["coded_date"]
        rec["coded_time"] = e["coded_time"]
    # extra named fields (the manual invites them): CAMEO coding, modality, counts and provenance
    for k in ("cameo_code", "goldstein", "modality", "confidence"):
        if e.get(k) is not None:
            rec[k] = e[k]
    for k in ("num_mentions", "num_sources", "num_articles", "num_copies"):
        vals = [d[k] for d in dyads if d.get(k) is not None]
        if vals:  # a compound recipient: the largest of its pairs' counts
            rec[k] = max(vals)
    for k in ("story_ids", "first_seen", "last_seen"):
        if e.get(k) is not None:
            rec[k] = e[k]
    if len(dyads) > 1:
        rec["agg_event_ids"] = [d["agg_event_id"] for d in dyads]
    return rec, ""


# -- validation -----------------------------------------------------------------------------------

def _is_date(v: Any) -> bool:
    if not isinstance(v, str) or not _DATE.fullmatch(v):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _is_time(d: Any, t: Any) -> bool:
    """Manual note 2: date + 'T' + time is an ISO 8601 datetime."""
    if not isinstance(t, str):
        return False
    try:
        datetime.fromisoformat(f"{d}T{t.replace('Z', '+00:00')}")
    except ValueError:
        return False
    return True


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate_entity(ent: Any, where: str = "actor") -> list[str]:
    """Problems of one entity object (manual table 6.2; codes of tables 5.1 and 5.2); ``[]`` when valid."""
    if not isinstance(ent, dict):
        return [f"{where}: not an object"]
    out = [f"{where}: unknown field {k!r}" for k in ent if k not in ENTITY_FIELDS | EXTRA_ENTITY_FIELDS]
    if not any(ent.get(k) for k in ("code", "sector", "entity_text", "identifier_id", "identifier_text")):
        out.append(f"{where}: no code, sector, text or identifier")
    if "code" in ent and ent["code"] not in entity_codes():
        out.append(f"{where}: code {ent['code']!r} is not an ISO3 country or a table 5.1 code")
    if "sector" in ent:
        s = ent["sector"]
        if not isinstance(s, str) or len(s) not in (3, 6) or any(p not in SECTORS for p in _split(s)):
            out.append(f"{where}: sector {s!r} is not one or two table 5.2 codes")
    if "age" in ent and not _is_int(ent["age"]):
        out.append(f"{where}: age {ent['age']!r} is not an integer")
    for k in ("entity_text", "identifier_id", "identifier_text"):
        if k in ent and not isinstance(ent[k], str):
            out.append(f"{where}: {k} is not text")
    return out


def validate(rec: Any, extra_fields: frozenset[str] = EXTRA_FIELDS, dates: str = "manual") -> list[str]:
    """Problems of one PLOVER event record against the manual's chapter 6; ``[]`` when valid.

    ``dates="manual"`` holds ``date``/``enddate`` to the manual's YYYY-MM-DD; ``dates="eventwire"``
    also accepts what eventwire writes instead of inventing a day (:func:`record`): a month or a year
    (``2021-10``, ``2021``: ISO 8601 of reduced precision) and a ``null`` date with ``date_basis``
    ``none``.

    Checked: the required fields (``id``, ``date``, ``actor``, ``event``: table 6.1) are present and
    non-empty; no field outside table 6.1 and ``extra_fields``; ``date``/``enddate``/``coded_date`` are
    YYYY-MM-DD dates, ``enddate`` not before ``date``; ``time``/``endtime``/``coded_time`` make ISO
    datetimes with their date (note 2); ``actor``/``recipient`` are lists of valid entities
    (:func:`validate_entity`); ``event`` lists PLOVER types; every ``mode`` is a mode of one of the
    record's types; every ``context`` is in table 2.1 (or the map's own: :data:`MAP_CONTEXTS`);
    ``quad_code`` is 1-4; ``event_loc``, ``text_info`` and ``cite_info`` hold only their tables' fields,
    with numbers where numbers are meant, coordinates in range and a two-letter citation language.
    """
    if not isinstance(rec, dict):
        return ["record: not an object"]
    out: list[str] = [f"missing required field {k!r}" for k in REQUIRED_FIELDS if k not in rec]
    out += [f"unknown field {k!r}" for k in rec if k not in RECORD_FIELDS | extra_fields]
    if "id" in rec and not (isinstance(rec["id"], str) and rec["id"]):
        out.append("id: not a non-empty text")
    if "has_event" in rec and not isinstance(rec["has_event"], bool):
        out.append("has_event: not true/false")
    if dates not in ("manual", "eventwire"):
        raise ValueError(f"dates must be 'manual' or 'eventwire', not {dates!r}")
    for k in ("date", "enddate", "coded_date"):
        if k not in rec or _is_date(rec[k]):
            continue
        if dates == "eventwire" and k != "coded_date" and (
                (isinstance(rec[k], str) and _REDUCED_DATE.fullmatch(rec[k]))
                or (k == "date" and rec[k] is None and rec.get("date_basis") == "none")):
            continue
        out.append(f"{k}: {rec[k]!r} is not a YYYY-MM-DD date")
    if _is_date(rec.get("date")) and _is_date(rec.get("enddate")) and rec["enddate"] < rec["date"]:
        out.append("enddate: before date")
    for k, d in (("time", "date"), ("endtime", "enddate"), ("coded_time", "coded_date")):
        if k in rec and not _is_time(rec.get(d) or "2000-01-01", rec[k]):
            out.append(f"{k}: {rec[k]!r} does not make an ISO 8601 datetime with {d}")
    for k in ("actor", "recipient"):
        if k not in rec:
            continue
        if not isinstance(rec[k], list) or (k == "actor" and not rec[k]):
            out.append(f"{k}: not a {'non-empty ' if k == 'actor' else ''}list of entity objects")
            continue
        for i, ent in enumerate(rec[k]):
            out += validate_entity(ent, f"{k}[{i}]")
    types = _types()
    events = rec.get("event")
    if "event" in rec:
        if not isinstance(events, list) or not events:
            out.append("event: not a non-empty list")
            events = []
        out += [f"event: {t!r} is not a PLOVER type" for t in events if t not in types]
    if "mode" in rec:
        if not isinstance(rec["mode"], list):
            out.append("mode: not a list")
        else:
            allowed = {m for t in (events or []) if t in types for m in types[t].get("modes", [])}
            out += [f"mode: {m!r} is not a mode of {'/'.join(events or [])}" for m in rec["mode"] if m not in allowed]
    if "context" in rec:
        if not isinstance(rec["context"], list):
            out.append("context: not a list")
        else:
            out += [f"context: {c!r} is not a table 2.1 context" for c in rec["context"]
                    if c not in CONTEXTS | MAP_CONTEXTS]
    if "quad_code" in rec and rec["quad_code"] not in (1, 2, 3, 4):
        out.append(f"quad_code: {rec['quad_code']!r} is not 1, 2, 3 or 4")
    if "event_scale" in rec and not _is_num(rec["event_scale"]):
        out.append("event_scale: not a number")
    if "event_text" in rec and not (isinstance(rec["event_text"], list)
                                    and all(isinstance(t, str) for t in rec["event_text"])):
        out.append("event_text: not a list of texts")
    for k, fields in (("event_loc", LOCATION_FIELDS), ("text_info", TEXT_INFO_FIELDS), ("cite_info", CITE_INFO_FIELDS)):
        if k not in rec:
            continue
        if not isinstance(rec[k], dict):
            out.append(f"{k}: not an object")
            continue
        out += [f"{k}: unknown field {f!r}" for f in rec[k] if f not in fields]
    loc = rec.get("event_loc") if isinstance(rec.get("event_loc"), dict) else {}
    if "geonameid" in loc and not _is_int(loc["geonameid"]):
        out.append("event_loc.geonameid: not an integer")
    for k, bound in (("lat", 90), ("lon", 180)):
        if k in loc and not (_is_num(loc[k]) and -bound <= loc[k] <= bound):
            out.append(f"event_loc.{k}: {loc[k]!r} is not in [-{bound}, {bound}]")
    if "country_code" in loc and loc["country_code"] not in entity_codes():
        out.append(f"event_loc.country_code: {loc['country_code']!r} is not a 3-character ISO code")
    if "resolution" in loc and loc["resolution"] not in (1, 2, 3, 4, 5):
        out.append("event_loc.resolution: not 1-5")
    info = rec.get("text_info") if isinstance(rec.get("text_info"), dict) else {}
    for k in ("sequence", "start", "end"):
        if k in info and not _is_int(info[k]):
            out.append(f"text_info.{k}: not an integer")
    if _is_int(info.get("start")) and _is_int(info.get("end")) and info["end"] < info["start"]:
        out.append("text_info: end before start")
    cite = rec.get("cite_info") if isinstance(rec.get("cite_info"), dict) else {}
    if "language" in cite and not (isinstance(cite["language"], str) and re.fullmatch(r"[a-z]{2}", cite["language"])):
        out.append(f"cite_info.language: {cite['language']!r} is not an ISO 639-1 two-letter code")
    return out
