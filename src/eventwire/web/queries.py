"""Read queries behind the web app's pages and JSON API.

Every value from a request reaches DuckDB as a bound parameter (``?``); the only SQL assembled from
pieces is chosen from fixed strings in this module (filter clauses, sort orders, table names checked
against ``information_schema``). Page sizes are capped by the callers (:data:`MAX_PAGE`).

Two counting units (:data:`UNITS`):

* ``aggregated``: *real-world events*, the rows of the corpus view's ``aggregated_events`` (one per
  date, source actor, target actor, CAMEO code, location and modality across all articles; copies of
  an article count once; docs/corpus.md). The default when the corpus view is present.
* ``coded``: the rows of ``events``, one per event the coder found in a sentence of an article,
  copies included. The only unit of a database without the corpus view.

The corpus tables (``event_mentions``, ``aggregated_events``, ``stories``, ``article_corpus``) are used
when they exist with the expected columns and hold the view (see :func:`detect_corpus`); otherwise an
event's own evidence sentence is its single mention and there are no stories.

An event's *day* (for the daily chart, the date filters and sorting) is its own date when that is
known to the day, else its article's publication day (GDELT's convention for undated events). An
aggregated event's day is its date when known to the day (its own, or its article's publication day:
``date_basis``). Neither ever falls back to the day an article was stored: an event whose text and
article give no day has no day (it is counted as undated, not drawn on a made-up day).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

#: Largest page of rows any list endpoint returns.
MAX_PAGE = 200
#: Above this many articles, full-text search falls back to ILIKE instead of building an index.
FTS_MAX_ARTICLES = 300_000

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

_DAY_RE = r"^\d{4}-\d{2}-\d{2}"

#: Counting units: real-world (aggregated) events, or coded events (rows of ``events``).
UNITS = ("aggregated", "coded")

EVENTS_BASE = f"""
SELECT e.*, a.title AS article_title, a.outlet AS article_outlet, a.published AS article_published,
       CASE WHEN regexp_matches(coalesce(e.date, ''), '{_DAY_RE}') THEN left(e.date, 10)
            WHEN regexp_matches(coalesce(a.published, ''), '{_DAY_RE}') THEN left(a.published, 10)
       END AS day,
       list_transform(e.sources, x -> coalesce(x.code, x.name, x.text)) AS source_labels,
       list_transform(e.targets, x -> coalesce(x.code, x.name, x.text)) AS target_labels,
       /*HAYSTACK*/ AS actor_haystack
       /*REVIEW_COL*/
       /*CORPUS_COLS*/
FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
/*CORPUS_JOIN*/
"""
CORPUS_COLS = """, c.story_id AS story_id, coalesce(c.is_duplicate, false) AS article_is_duplicate,
       c.duplicate_kind AS article_duplicate_kind, c.duplicate_of AS article_duplicate_of"""
NO_CORPUS_COLS = """, CAST(NULL AS VARCHAR) AS story_id, false AS article_is_duplicate,
       CAST(NULL AS VARCHAR) AS article_duplicate_kind, CAST(NULL AS VARCHAR) AS article_duplicate_of"""
CORPUS_JOIN = "LEFT JOIN article_corpus c ON c.article_id = e.article_id"

#: Real-world events: the corpus view's aggregated events with their day and actor labels.
AGG_BASE = f"""
SELECT g.*,
       CASE WHEN regexp_matches(coalesce(g.date, ''), '{_DAY_RE}') THEN left(g.date, 10) END AS day,
       coalesce(g.source_code, g.source_name) AS source_label,
       coalesce(g.target_code, g.target_name) AS target_label,
       /*HAYSTACK*/ AS actor_haystack
FROM aggregated_events g
"""
AGG_HAYSTACK = """lower(concat_ws('|', g.source_code, g.source_name, g.source_country,
                                g.target_code, g.target_name, g.target_country))"""
#: The coded event and trigger of a mention (joined on an aggregated event's ``best_mention_id``).
BEST_MENTION = "(SELECT mention_id, event_id AS best_event_id, trigger AS best_trigger FROM event_mentions)"
#: The latest verdict of each reviewed coded event.
LATEST_VERDICTS = "SELECT event_id, arg_max(verdict, reviewed_at) AS verdict FROM reviews GROUP BY event_id"

#: Text searched by the ``actor`` filter; computed only when that filter is set (it costs time).
HAYSTACK = """lower(array_to_string(list_transform(list_concat(e.sources, e.targets),
             x -> concat_ws('|', x.code, x.name, x.text, x.country)), ' '))"""

REVIEW_COL = """, (SELECT r.verdict FROM reviews r WHERE r.event_id = e.event_id
                  ORDER BY r.reviewed_at DESC LIMIT 1) AS review_verdict"""
NO_REVIEW_COL = ", CAST(NULL AS VARCHAR) AS review_verdict"

SORTS = {
    "day": "day DESC NULLS LAST, event_id",
    "day_asc": "day ASC NULLS LAST, event_id",
    "goldstein": "goldstein ASC NULLS LAST, event_id",
    "confidence": "confidence DESC NULLS LAST, event_id",
    "cameo": "cameo_code ASC NULLS LAST, event_id",
}
#: Sort orders of aggregated events (``reports``: most independent reports first).
AGG_SORTS = {
    "day": "day DESC NULLS LAST, agg_event_id",
    "day_asc": "day ASC NULLS LAST, agg_event_id",
    "goldstein": "goldstein ASC NULLS LAST, agg_event_id",
    "confidence": "confidence DESC NULLS LAST, agg_event_id",
    "cameo": "cameo_code ASC NULLS LAST, agg_event_id",
    "reports": "num_articles DESC, num_sources DESC, num_copies DESC, num_mentions DESC, day DESC NULLS LAST, agg_event_id",
}
#: Sort orders of the stories list.
STORY_SORTS = {
    "recent": "first_seen DESC NULLS LAST, story_id",
    "oldest": "first_seen ASC NULLS LAST, story_id",
    "articles": "n_articles DESC, first_seen DESC NULLS LAST, story_id",
    "events": "n_events DESC, first_seen DESC NULLS LAST, story_id",
}
#: At most this many mentions of one aggregated event are listed (the count is always complete).
MAX_MENTIONS = 500


class FilterError(ValueError):
    """A filter that this database cannot apply (e.g. a story filter without the corpus view)."""


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def last_day(bound: str) -> str:
    """The last day an inclusive upper bound covers: ``2024`` -> ``2024-12-31``, ``2024-02`` ->
    ``2024-02-29``, a full day as it is. ``day`` is always a full ``YYYY-MM-DD``, and compared as a
    string ``2024-05-10 <= 2024`` is false, so ``date_to=2024`` left out the whole of 2024.

    Raises:
        ValueError: a month outside 1-12 (the app checks bounds first: :func:`check_day_bound`).
    """
    import calendar

    if len(bound) == 4:
        return f"{bound}-12-31"
    if len(bound) == 7:
        return f"{bound}-{calendar.monthrange(int(bound[:4]), int(bound[5:7]))[1]:02d}"
    return bound


def check_day_bound(bound: str) -> bool:
    """Whether ``bound`` is a real ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``2025-99-99`` is not)."""
    import datetime as dt

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", bound):
        return False
    try:
        dt.date.fromisoformat(bound if len(bound) == 10 else (bound + "-01-01")[:10])
    except ValueError:
        return False
    return True


@dataclass(slots=True)
class EventFilter:
    """Filters of the events table, map, network and charts (all optional, combined with AND).

    The same filters apply to coded events and to aggregated (real-world) events; where they differ
    the aggregated meaning is given in brackets.

    Attributes:
        actor: substring (case-insensitive) of any source or target actor's code, name, text or country
            [code, name or country of the source or target].
        source, target: actor code prefix of a source / target actor (``USA`` matches ``USAGOV``).
        country: ISO 3166-1 alpha-3 of an actor or of the event location.
        cameo: CAMEO code prefix (``04`` root, ``042`` base, ``0421`` full).
        plover: PLOVER event type (exact, case-insensitive).
        quad: QuadClass 1-4.
        modality: ``asserted``, ``future``, ``intent``, ``negation``, ``hypothetical``, ``historical``.
        date_from, date_to: inclusive ISO day bounds on the event's day.
        place: substring of the location text, or a GeoNames id.
        article: one article's id [aggregated events with a mention in that article].
        review: ``unreviewed``, ``reviewed``, ``correct``, ``wrong`` or ``fixed`` (latest review)
            [of any of its mentions' coded events; ``unreviewed``: of none].
        story: a story id of the corpus view: events of the story's articles [events whose
            ``story_ids`` contain it].
        outlet: an outlet's name (exact, case-insensitive): events of its articles [events with a
            mention in one of its articles].
    """

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: str | None = None
    cameo: str | None = None
    plover: str | None = None
    quad: int | None = None
    modality: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    place: str | None = None
    article: str | None = None
    review: str | None = None
    story: str | None = None
    outlet: str | None = None

    def clean(self) -> "EventFilter":
        """Strip values and drop empty ones (a form sends empty strings for unset fields)."""
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, str):
                v = v.strip()[:200]
                setattr(self, f.name, v or None)
        return self

    def active(self) -> dict[str, Any]:
        """The set filters as a dict (for links and CSV download)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def where(self, corpus: "Corpus", unit: str = "coded") -> tuple[str, list[Any]]:
        """The WHERE clause and its parameters, over :data:`EVENTS_BASE` columns (``unit="coded"``)
        or :data:`AGG_BASE` columns (``unit="aggregated"``).

        Raises:
            FilterError: ``story`` without the corpus view, or ``aggregated`` without it.
        """
        agg = unit == "aggregated"
        if agg and not corpus.aggregated:
            raise FilterError("this database has no corpus view (aggregated events): run `eventwire corpus update`")
        c: list[str] = []
        p: list[Any] = []
        if self.actor:
            c.append("actor_haystack LIKE ?")
            p.append(f"%{_like_escape(self.actor.lower())}%")
        for value, side in ((self.source, "source"), (self.target, "target")):
            if not value:
                continue
            if agg:  # side is one of two fixed words
                c.append(f"starts_with(upper(coalesce({side}_code, '')), ?)")
            else:
                c.append(f"len(list_filter({side}s, x -> starts_with(upper(coalesce(x.code, '')), ?))) > 0")
            p.append(value.upper())
        if self.country:
            if agg:
                c.append("(source_country = ? OR target_country = ? OR location_country = ?)")
                p += [self.country.upper()] * 3
            else:
                c.append("(list_contains(list_transform(list_concat(sources, targets), x -> x.country), ?)"
                         " OR location_country = ?)")
                p += [self.country.upper(), self.country.upper()]
        if self.cameo:
            c.append("starts_with(coalesce(cameo_code, ''), ?)")
            p.append(self.cameo)
        if self.plover:
            c.append("upper(plover_type) = ?")
            p.append(self.plover.upper())
        if self.quad is not None:
            c.append("quad_class = ?")
            p.append(int(self.quad))
        if self.modality:
            c.append("modality = ?")
            p.append(self.modality)
        if self.date_from:
            c.append("day >= ?")
            p.append(self.date_from)
        if self.date_to:
            c.append("day <= ?")
            p.append(last_day(self.date_to))
        if self.place:
            if self.place.isdigit():
                c.append("location_geonameid = ?")
                p.append(int(self.place))
            else:
                c.append("lower(coalesce(location_text, '')) LIKE ?")
                p.append(f"%{_like_escape(self.place.lower())}%")
        if self.article:
            if agg:
                c.append("agg_event_id IN (SELECT agg_event_id FROM event_mentions WHERE article_id = ?)")
            else:
                c.append("article_id = ?")
            p.append(self.article)
        if self.review:
            if agg:
                reviewed = ("agg_event_id IN (SELECT m.agg_event_id FROM event_mentions m "
                            f"JOIN ({LATEST_VERDICTS}) r ON r.event_id = m.event_id")
                if not corpus.has_reviews:
                    c.append("true" if self.review == "unreviewed" else "false")
                elif self.review == "unreviewed":
                    c.append(f"NOT {reviewed})")
                elif self.review == "reviewed":
                    c.append(f"{reviewed})")
                else:
                    c.append(f"{reviewed} WHERE r.verdict = ?)")
                    p.append(self.review)
            elif self.review == "unreviewed":
                c.append("review_verdict IS NULL")
            elif self.review == "reviewed":
                c.append("review_verdict IS NOT NULL")
            else:
                c.append("review_verdict = ?")
                p.append(self.review)
        if self.outlet:
            if agg:
                c.append("agg_event_id IN (SELECT m.agg_event_id FROM event_mentions m JOIN articles a "
                         "ON a.article_id = m.article_id WHERE lower(a.outlet) = ?)")
            else:
                c.append("lower(article_outlet) = ?")
            p.append(self.outlet.lower())
        if self.story:
            if not corpus.stories:
                raise FilterError("this database has no stories (corpus view): run `eventwire corpus update`")
            c.append("list_contains(story_ids, ?)" if agg else "story_id = ?")
            p.append(self.story)
        return (" WHERE " + " AND ".join(c)) if c else "", p


def _like_escape(s: str) -> str:
    """Escape LIKE wildcards so user text matches literally (used with the default escape ``\\``)."""
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(slots=True)
class Corpus:
    """Which optional tables the database has (checked once, at start, in ``information_schema``).

    Attributes:
        tables: every table name.
        columns: the columns of every table, in order.
        aggregated: the corpus view is usable: ``event_mentions``, ``aggregated_events`` and
            ``article_corpus`` exist with the columns the pages read, and the view holds articles (or
            the database has none). Real-world events are counted only then.
        stories: ``stories`` and ``article_corpus`` are usable too (stories page, story filter).
        note: why the corpus view is not used, when it is not (shown on the dashboard).
        article_extra: columns of ``articles`` beyond schema v1.
    """

    tables: set[str] = field(default_factory=set)
    columns: dict[str, list[str]] = field(default_factory=dict)
    aggregated: bool = False
    stories: bool = False
    note: str | None = None
    article_extra: list[str] = field(default_factory=list)

    @property
    def has_reviews(self) -> bool:
        return "reviews" in self.tables

    @property
    def has_mentions(self) -> bool:
        """Mentions of aggregated events are listed (else an event's evidence is its only mention)."""
        return self.aggregated

    def default_unit(self) -> str:
        """``aggregated`` when the corpus view is usable, else ``coded``."""
        return "aggregated" if self.aggregated else "coded"


V1_ARTICLE_COLUMNS = {
    "article_id", "doc_id", "source", "url", "canonical_url", "title", "body", "published", "modified",
    "page_date", "outlet", "outlet_domain", "authors", "language", "translated_from", "boilerplate",
    "cited_sources", "wire", "dateline_place", "extractor", "warnings", "word_count", "run_id"}
#: Columns of the corpus tables (schema migration 4, docs/corpus.md) that the pages read.
CORPUS_NEEDS = {
    "event_mentions": {"mention_id", "agg_event_id", "event_id", "article_id", "sentence_start", "sentence_end",
                       "trigger", "trigger_start", "trigger_end", "source_start", "source_end", "target_start",
                       "target_end", "confidence", "seen_at"},
    "aggregated_events": {"agg_event_id", "date", "first_seen", "last_seen", "num_mentions", "num_sources",
                          "num_articles", "num_copies", "source_code", "source_name", "target_code",
                          "target_name", "cameo_code", "plover_type", "quad_class", "modality", "location_text",
                          "location_lat", "story_ids", "best_mention_id"},
    "article_corpus": {"article_id", "story_id", "is_duplicate", "duplicate_of", "duplicate_kind", "dup_group",
                       "seen_at"},
}
STORY_NEEDS = {"story_id", "label", "first_seen", "last_seen", "n_articles", "n_unique", "languages"}


def detect_corpus(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Inspect ``information_schema`` (and the size of the view) for the optional tables the pages use."""
    cols: dict[str, list[str]] = {}
    for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        cols.setdefault(t, []).append(c)
    corpus = Corpus(tables=set(cols), columns=cols)
    corpus.article_extra = [c for c in cols.get("articles", []) if c not in V1_ARTICLE_COLUMNS]
    missing = [t for t, need in CORPUS_NEEDS.items() if not need <= set(cols.get(t, []))]
    if missing:
        corpus.note = (f"no corpus view in this database ({', '.join(missing)} missing or from another "
                       "version): counting coded events, copies of an article included")
        return corpus
    in_view = con.execute("SELECT count(*) FROM article_corpus").fetchone()[0]
    if in_view == 0 and con.execute("SELECT count(*) FROM articles").fetchone()[0] > 0:
        corpus.note = ("the corpus view is empty (stored with `eventwire run --no-corpus`?): counting coded "
                       "events, copies of an article included; run `eventwire corpus update` to aggregate them")
        return corpus
    corpus.aggregated = True
    corpus.stories = STORY_NEEDS <= set(cols.get("stories", []))
    return corpus


class Queries:
    """The read queries, over one DuckDB cursor (one per request; cursors are cheap).

    Args:
        cur: a cursor of the app's connection.
        corpus: the optional tables found at start (:func:`detect_corpus`).
    """

    def __init__(self, cur: duckdb.DuckDBPyConnection, corpus: Corpus):
        self.cur = cur
        self.corpus = corpus

    # -- coded events ---------------------------------------------------------------------------

    def _base(self, actor: bool = False, review: bool = True) -> str:
        review_col = REVIEW_COL if self.corpus.has_reviews and review else NO_REVIEW_COL
        with_corpus = self.corpus.aggregated
        return (EVENTS_BASE.replace("/*REVIEW_COL*/", review_col)
                .replace("/*HAYSTACK*/", HAYSTACK if actor else "CAST(NULL AS VARCHAR)")
                .replace("/*CORPUS_COLS*/", CORPUS_COLS if with_corpus else NO_CORPUS_COLS)
                .replace("/*CORPUS_JOIN*/", CORPUS_JOIN if with_corpus else ""))

    def _filtered(self, f: EventFilter, rows: bool = True, unit: str = "coded") -> tuple[str, list[Any]]:
        """The filtered query of ``unit``; for coded events ``rows=False`` (aggregates) skips the
        review column unless filtered on.

        Raises:
            FilterError: see :meth:`EventFilter.where`.
        """
        where, params = f.where(self.corpus, unit)
        if unit == "aggregated":
            base = AGG_BASE.replace("/*HAYSTACK*/", AGG_HAYSTACK if f.actor else "CAST(NULL AS VARCHAR)")
        else:
            base = self._base(actor=bool(f.actor), review=rows or bool(f.review))
        return f"WITH ev AS ({base}) SELECT * FROM ev{where}", params

    def count_events(self, f: EventFilter, unit: str = "coded") -> int:
        """Number of events of ``unit`` matching ``f``."""
        sql, p = self._filtered(f, rows=False, unit=unit)
        return self.cur.execute(f"SELECT count(*) FROM ({sql})", p).fetchone()[0]

    def list_events(self, f: EventFilter, limit: int = 50, offset: int = 0, sort: str = "day") -> list[dict[str, Any]]:
        """One page of coded events matching ``f`` (``limit`` capped at :data:`MAX_PAGE`)."""
        sql, p = self._filtered(f, rows=False)  # verdicts are added for the page's rows only
        order = SORTS.get(sort, SORTS["day"])
        rows = _rows(self.cur.execute(
            f"SELECT * EXCLUDE (actor_haystack) FROM ({sql}) ORDER BY {order} LIMIT ? OFFSET ?",
            p + [min(max(limit, 1), MAX_PAGE), max(offset, 0)]))
        self._add_verdicts(rows)
        return rows

    def _add_verdicts(self, rows: list[dict[str, Any]]) -> None:
        """Set ``review_verdict`` (the latest review's verdict) on event rows."""
        if not self.corpus.has_reviews or not rows:
            return
        latest = dict(self.cur.execute(
            "SELECT event_id, arg_max(verdict, reviewed_at) FROM reviews WHERE event_id IN (SELECT unnest(?)) GROUP BY 1",
            [[r["event_id"] for r in rows]]).fetchall())
        for r in rows:
            r["review_verdict"] = latest.get(r["event_id"])

    def iter_events(self, f: EventFilter, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every coded event matching ``f`` in day order, fetched in batches (for CSV download)."""
        sql, p = self._filtered(f)
        yield from self._iter(f"SELECT * EXCLUDE (actor_haystack) FROM ({sql}) ORDER BY {SORTS['day']}", p, batch)

    def csv_batches(self, f: EventFilter, columns: list[str], unit: str = "coded",
                    batch: int = 1000) -> "pa.RecordBatchReader":
        """Every event of ``unit`` matching ``f`` in day order, as Arrow batches of exactly ``columns``
        (for the CSV downloads): actor lists become ``;``-joined codes (``sources``, ``targets``: code,
        else text) or names (``source_names``, ``target_names``: name, else text), ``story_ids`` a
        ``;``-joined list, timestamps text. Built by DuckDB, so no Python object per row or cell."""
        sql, p = self._filtered(f, unit=unit)
        order = AGG_SORTS["day"] if unit == "aggregated" else SORTS["day"]

        def actors(col: str, key: str) -> str:
            return (f"array_to_string(list_transform({col}, x -> coalesce(nullif(x.{key}, ''), nullif(x.text, ''), '')), "
                    "';')")

        special = {"sources": actors("sources", "code"), "targets": actors("targets", "code"),
                   "source_names": actors("sources", "name"), "target_names": actors("targets", "name"),
                   "story_ids": "array_to_string(story_ids, ';')", "first_seen": "CAST(first_seen AS VARCHAR)",
                   "last_seen": "CAST(last_seen AS VARCHAR)"}
        cols = ", ".join(f'{special.get(c, chr(34) + c + chr(34))} AS "{c}"' for c in columns)  # fixed names
        return self.cur.execute(f"SELECT {cols} FROM ({sql}) ORDER BY {order}", p).fetch_record_batch(batch)

    def _iter(self, sql: str, params: list[Any], batch: int) -> Iterator[dict[str, Any]]:
        cur = self.cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield dict(zip(names, r))

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its article's title/outlet/published, its day and its article's corpus
        marks (``story_id``, ``article_is_duplicate``...), or ``None``."""
        rows = _rows(self.cur.execute(
            f"WITH ev AS ({self._base()}) SELECT * EXCLUDE (actor_haystack) FROM ev WHERE event_id = ?", [event_id]))
        return rows[0] if rows else None

    # -- aggregated (real-world) events ---------------------------------------------------------

    def list_aggregated(self, f: EventFilter, limit: int = 50, offset: int = 0, sort: str = "day"
                        ) -> list[dict[str, Any]]:
        """One page of aggregated events matching ``f``, each with ``best_event_id`` and
        ``best_trigger`` (the coded event and trigger of its best mention: the evidence to open).

        Raises:
            FilterError: no corpus view.
        """
        sql, p = self._filtered(f, unit="aggregated")
        order = AGG_SORTS.get(sort, AGG_SORTS["day"])
        return _rows(self.cur.execute(
            f"""SELECT g.* EXCLUDE (actor_haystack), bm.best_event_id, bm.best_trigger
                FROM (SELECT * FROM ({sql}) ORDER BY {order} LIMIT ? OFFSET ?) g
                LEFT JOIN {BEST_MENTION} bm ON bm.mention_id = g.best_mention_id
                ORDER BY {order}""", p + [min(max(limit, 1), MAX_PAGE), max(offset, 0)]))

    def iter_aggregated(self, f: EventFilter, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every aggregated event matching ``f`` in day order, fetched in batches (for CSV download)."""
        sql, p = self._filtered(f, unit="aggregated")
        yield from self._iter(f"SELECT * EXCLUDE (actor_haystack) FROM ({sql}) ORDER BY {AGG_SORTS['day']}", p, batch)

    def aggregated_event(self, agg_event_id: str) -> dict[str, Any] | None:
        """One aggregated event (with ``day``, ``best_event_id``), or ``None`` (also without the corpus view)."""
        if not self.corpus.aggregated:
            return None
        rows = _rows(self.cur.execute(
            f"""WITH ev AS ({AGG_BASE.replace('/*HAYSTACK*/', 'NULL')})
                SELECT ev.* EXCLUDE (actor_haystack), bm.best_event_id, bm.best_trigger
                FROM ev LEFT JOIN {BEST_MENTION} bm ON bm.mention_id = ev.best_mention_id
                WHERE ev.agg_event_id = ?""", [agg_event_id]))
        self._add_story_labels(rows)
        return rows[0] if rows else None

    def aggregates_of_event(self, event_id: str) -> list[dict[str, Any]]:
        """The aggregated events a coded event belongs to: one per distinct (source, target) actor
        pair of the event (GDELT dyads), each with ``stories`` (``[{"story_id", "label"}]``). Empty
        without the corpus view."""
        if not self.corpus.aggregated:
            return []
        rows = _rows(self.cur.execute(
            f"""WITH ev AS ({AGG_BASE.replace('/*HAYSTACK*/', 'NULL')})
                SELECT * EXCLUDE (actor_haystack) FROM ev
                WHERE agg_event_id IN (SELECT agg_event_id FROM event_mentions WHERE event_id = ?)
                ORDER BY num_articles DESC, source_label NULLS LAST, target_label NULLS LAST, agg_event_id""",
            [event_id]))
        self._add_story_labels(rows)
        return rows

    def _add_story_labels(self, rows: list[dict[str, Any]]) -> None:
        """Set ``stories`` (``[{"story_id", "label"}]``) from each row's ``story_ids``."""
        ids = sorted({sid for r in rows for sid in (r.get("story_ids") or [])})
        labels = dict(self.cur.execute("SELECT story_id, label FROM stories WHERE story_id IN (SELECT unnest(?))",
                                       [ids]).fetchall()) if ids and self.corpus.stories else {}
        for r in rows:
            r["stories"] = [{"story_id": sid, "label": labels.get(sid)} for sid in (r.get("story_ids") or [])]

    def agg_mentions(self, agg_ids: list[str], limit: int = MAX_MENTIONS) -> list[dict[str, Any]]:
        """The mentions of aggregated events, each with its evidence sentence, article (title, outlet,
        publication time, language) and the article's corpus marks (``is_duplicate``,
        ``duplicate_kind``, ``duplicate_of`` with the original's title and outlet, ``dup_group``,
        ``story_id``), plus ``report`` (1, 2, ...: the number of its duplicate group, an independent
        report, within the aggregated event, in order of time) and ``group_size`` (mentioning articles of
        that group). Ordered by aggregated event, report (original first, then its copies), time; at
        most ``limit`` per aggregated event."""
        if not agg_ids or not self.corpus.aggregated:
            return []
        rows = _rows(self.cur.execute("""
            SELECT m.mention_id, m.agg_event_id, m.event_id, m.article_id, m.sent_idx, m.sentence_start,
                   m.sentence_end, m.trigger, m.trigger_start, m.trigger_end, m.source_start, m.source_end,
                   m.target_start, m.target_end, m.source_text, m.target_text, m.source_code, m.target_code,
                   m.confidence, m.modality, m.in_lead, m.seen_at,
                   coalesce(e.sentence, substr(a.body, m.sentence_start + 1, m.sentence_end - m.sentence_start))
                       AS sentence,
                   a.title AS article_title, a.outlet AS article_outlet, a.published AS article_published,
                   a.language AS article_language,
                   coalesce(c.is_duplicate, false) AS is_duplicate, c.duplicate_kind, c.duplicate_of,
                   c.duplicate_score, coalesce(c.dup_group, m.article_id) AS dup_group, c.story_id,
                   o.title AS original_title, o.outlet AS original_outlet
            FROM event_mentions m
            LEFT JOIN events e ON e.event_id = m.event_id
            LEFT JOIN articles a ON a.article_id = m.article_id
            LEFT JOIN article_corpus c ON c.article_id = m.article_id
            LEFT JOIN articles o ON o.article_id = c.duplicate_of
            WHERE m.agg_event_id IN (SELECT unnest(?))
            QUALIFY row_number() OVER (PARTITION BY m.agg_event_id
                                       ORDER BY m.seen_at NULLS LAST, m.article_id, m.trigger_start) <= ?
            ORDER BY m.agg_event_id, m.seen_at NULLS LAST, m.article_id, m.trigger_start""", [list(agg_ids), limit]))
        # number the reports (duplicate groups) of each aggregated event in order of their first mention
        report: dict[tuple[str, str], int] = {}
        size: dict[tuple[str, str], set[str]] = {}
        per_agg: dict[str, int] = {}
        for r in rows:  # rows come in time order
            k = (r["agg_event_id"], r["dup_group"])
            if k not in report:
                per_agg[k[0]] = report[k] = per_agg.get(k[0], 0) + 1
            size.setdefault(k, set()).add(r["article_id"])
        for r in rows:
            k = (r["agg_event_id"], r["dup_group"])
            r["report"], r["group_size"] = report[k], len(size[k])
        order = {a: i for i, a in enumerate(dict.fromkeys(r["agg_event_id"] for r in rows))}
        return sorted(rows, key=lambda r: (order[r["agg_event_id"]], r["report"], bool(r["is_duplicate"])))

    def mentions(self, ev: dict[str, Any]) -> list[dict[str, Any]]:
        """Every mention of the real-world event(s) the coded event ``ev`` stands for.

        With the corpus view: the mentions of its aggregated events (:meth:`agg_mentions`), with
        ``is_self`` set on ``ev``'s own. Without: ``ev``'s own evidence as its single mention.
        """
        if self.corpus.aggregated:
            ids = [r[0] for r in self.cur.execute(
                "SELECT DISTINCT agg_event_id FROM event_mentions WHERE event_id = ?", [ev["event_id"]]).fetchall()]
            rows = self.agg_mentions(ids)
            if rows:
                for r in rows:
                    r["is_self"] = r["event_id"] == ev["event_id"]
                return rows
        return [{"event_id": ev["event_id"], "article_id": ev["article_id"], "article_title": ev.get("article_title"),
                 "article_outlet": ev.get("article_outlet"), "article_published": ev.get("article_published"),
                 "sentence": ev.get("sentence"), "sent_idx": ev.get("sent_idx"),
                 "sentence_start": ev.get("sentence_start"), "sentence_end": ev.get("sentence_end"),
                 "char_start": ev.get("sentence_start"), "char_end": ev.get("sentence_end"),
                 "confidence": ev.get("confidence"), "is_self": True}]

    def sentence_events(self, ev: dict[str, Any]) -> list[dict[str, Any]]:
        """Other events coded from the same sentence."""
        return _rows(self.cur.execute(
            "SELECT event_id, trigger, cameo_code, plover_type, quad_class, modality, "
            "list_transform(sources, x -> coalesce(x.code, x.text)) AS source_labels, "
            "list_transform(targets, x -> coalesce(x.code, x.text)) AS target_labels "
            "FROM events WHERE article_id = ? AND sent_idx = ? AND event_id <> ? ORDER BY trigger_start",
            [ev["article_id"], ev["sent_idx"], ev["event_id"]]))

    # -- aggregates -----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (missing tables count 0), coded events by modality and
        location; with the corpus view also real-world events (``aggregated_events``,
        ``aggregated_asserted``, ``aggregated_located``), ``originals``, ``copies`` and
        ``articles_pending`` (articles not in the view yet)."""
        out: dict[str, int] = {}
        for t in ("documents", "articles", "sentences", "entities", "places", "times", "quotes", "amounts",
                  "events", "errors", "reviews", "event_mentions", "aggregated_events", "stories"):
            if t in self.corpus.tables:  # t is from the fixed list above
                out[t] = self.cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        out["events_asserted"] = self.cur.execute(
            "SELECT count(*) FROM events WHERE modality = 'asserted'").fetchone()[0]
        out["outlets"] = self.cur.execute(
            "SELECT count(DISTINCT outlet) FROM articles WHERE outlet IS NOT NULL").fetchone()[0]
        out["events_located"] = self.cur.execute(
            "SELECT count(*) FROM events WHERE location_lat IS NOT NULL").fetchone()[0]
        out["events_undated"] = self.cur.execute(  # no date of their own (the text gives none)
            "SELECT count(*) FROM events WHERE date IS NULL").fetchone()[0]
        if self.corpus.aggregated:
            a, loc = self.cur.execute(
                "SELECT count(*) FILTER (WHERE modality = 'asserted'), count(*) FILTER (WHERE location_lat IS NOT NULL) "
                "FROM aggregated_events").fetchone()
            out["aggregated_asserted"], out["aggregated_located"] = a, loc
            out["aggregated_undated"], out["aggregated_no_day"] = self.cur.execute(
                # undated: neither an event date nor a publication day; no day: undated, or a month,
                # week or year (not drawn on the daily chart, never put on a made-up day)
                f"SELECT count(*) FILTER (WHERE date IS NULL), "
                f"count(*) FILTER (WHERE NOT regexp_matches(coalesce(date, ''), '{_DAY_RE}')) "
                f"FROM aggregated_events").fetchone()
            n, copies = self.cur.execute(
                "SELECT count(*), count(*) FILTER (WHERE is_duplicate) FROM article_corpus").fetchone()
            out["originals"], out["copies"] = n - copies, copies
            out["articles_pending"] = self.cur.execute(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM article_corpus c WHERE c.article_id = a.article_id)").fetchone()[0]
        return out

    def breakdown(self, column: str, f: EventFilter, limit: int = 25, unit: str = "coded") -> list[dict[str, Any]]:
        """Event counts of ``unit`` by one of ``modality``, ``plover_type``, ``cameo_root``,
        ``quad_class``, ``location_country``: ``[{"value", "n"}]``, largest first.

        Raises:
            ValueError: another column.
        """
        if column not in ("modality", "plover_type", "cameo_root", "quad_class", "location_country"):
            raise ValueError(f"no breakdown by {column!r}")
        sql, p = self._filtered(f, rows=False, unit=unit)
        return _rows(self.cur.execute(
            f"SELECT {column} AS value, count(*) AS n FROM ({sql}) GROUP BY ALL ORDER BY n DESC, value LIMIT ?",
            p + [limit]))

    def daily(self, f: EventFilter, unit: str = "coded") -> list[dict[str, Any]]:
        """Events of ``unit`` per day by QuadClass: ``[{"day", "q1", "q2", "q3", "q4", "q0" (no
        QuadClass), "total"}]``."""
        sql, p = self._filtered(f, rows=False, unit=unit)
        return _rows(self.cur.execute(f"""
            SELECT day,
                   count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2,
                   count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4,
                   count(*) FILTER (WHERE quad_class IS NULL OR quad_class NOT IN (1, 2, 3, 4)) AS q0,
                   count(*) AS total
            FROM ({sql}) WHERE day IS NOT NULL GROUP BY day ORDER BY day""", p))

    def actor_pairs(self, f: EventFilter, limit: int = 20, unit: str = "coded") -> list[dict[str, Any]]:
        """Top (source, target) actor pairs with counts by QuadClass and mean Goldstein: ``[{"source",
        "target", "source_name", "target_name", "n", "q1".."q4", "goldstein"}]``. Actors are labelled
        by code, else name (else text). Coded events count once per source x target of each event;
        an aggregated event is one pair already."""
        sql, p = self._filtered(f, rows=False, unit=unit)
        lim = min(limit, MAX_PAGE * 5)
        if unit == "aggregated":
            return _rows(self.cur.execute(f"""
                SELECT source_label AS source, target_label AS target,
                       any_value(source_name) AS source_name, any_value(target_name) AS target_name,
                       count(*) AS n,
                       count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2,
                       count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4,
                       round(avg(goldstein), 2) AS goldstein
                FROM ({sql}) WHERE source_label IS NOT NULL AND target_label IS NOT NULL
                GROUP BY 1, 2 ORDER BY n DESC, source, target LIMIT ?""", p + [lim]))
        return _rows(self.cur.execute(f"""
            WITH f AS ({sql}),
            s AS (SELECT event_id, quad_class, goldstein, unnest(sources) AS a FROM f),
            t AS (SELECT event_id, unnest(targets) AS a FROM f)
            SELECT coalesce(s.a.code, s.a.name, s.a.text) AS source,
                   coalesce(t.a.code, t.a.name, t.a.text) AS target,
                   any_value(s.a.name) AS source_name, any_value(t.a.name) AS target_name,
                   count(DISTINCT s.event_id) AS n,
                   count(DISTINCT s.event_id) FILTER (WHERE s.quad_class = 1) AS q1,
                   count(DISTINCT s.event_id) FILTER (WHERE s.quad_class = 2) AS q2,
                   count(DISTINCT s.event_id) FILTER (WHERE s.quad_class = 3) AS q3,
                   count(DISTINCT s.event_id) FILTER (WHERE s.quad_class = 4) AS q4,
                   round(avg(s.goldstein), 2) AS goldstein
            FROM s JOIN t ON s.event_id = t.event_id
            GROUP BY 1, 2 ORDER BY n DESC, source, target LIMIT ?""", p + [lim]))

    def network(self, f: EventFilter, limit: int = 150, unit: str = "coded") -> dict[str, Any]:
        """Who acts on whom: ``{"nodes": [{"id", "name", "out", "in"}], "edges": [{"source", "target",
        "n", "q1".."q4", "goldstein"}]}`` for the ``limit`` most frequent pairs."""
        edges = self.actor_pairs(f, limit, unit)
        nodes: dict[str, dict[str, Any]] = {}
        for e in edges:
            for side, name, key in (("source", "source_name", "out"), ("target", "target_name", "in")):
                n = nodes.setdefault(e[side], {"id": e[side], "name": e[name] or e[side], "out": 0, "in": 0})
                n[key] += e["n"]
        return {"nodes": list(nodes.values()), "edges": edges}

    def map_points(self, f: EventFilter, unit: str = "coded") -> dict[str, Any]:
        """Event locations: ``{"points": [{"lat", "lon", "place", "geonameid", "country", "n",
        "q1".."q4"}], "countries": [{"country", "n"}]}`` (countries from the event location)."""
        sql, p = self._filtered(f, rows=False, unit=unit)
        points = _rows(self.cur.execute(f"""
            SELECT round(location_lat, 4) AS lat, round(location_lon, 4) AS lon,
                   any_value(location_text) AS place, any_value(location_geonameid) AS geonameid,
                   any_value(location_country) AS country, count(*) AS n,
                   count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2,
                   count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4
            FROM ({sql}) WHERE location_lat IS NOT NULL AND location_lon IS NOT NULL
            GROUP BY 1, 2 ORDER BY n DESC LIMIT 5000""", p))
        countries = _rows(self.cur.execute(
            f"SELECT location_country AS country, count(*) AS n FROM ({sql}) "
            "WHERE location_country IS NOT NULL GROUP BY 1 ORDER BY n DESC", p))
        return {"points": points, "countries": countries}

    def article_period(self) -> tuple[str | None, str | None]:
        """First and last publication day (``YYYY-MM-DD``) of the articles that have one."""
        lo, hi = self.cur.execute(
            f"SELECT min(left(published, 10)), max(left(published, 10)) FROM articles "
            f"WHERE regexp_matches(coalesce(published, ''), '{_DAY_RE}')").fetchone()
        return lo, hi

    def facets(self) -> dict[str, list[Any]]:
        """Values present in the data, for the filter form's choices."""
        def col(sql: str) -> list[Any]:
            return [r[0] for r in self.cur.execute(sql).fetchall()]

        return {
            "modality": col("SELECT DISTINCT modality FROM events WHERE modality IS NOT NULL ORDER BY 1"),
            "plover_type": col("SELECT DISTINCT plover_type FROM events WHERE plover_type IS NOT NULL ORDER BY 1"),
            "quad_class": col("SELECT DISTINCT quad_class FROM events WHERE quad_class IS NOT NULL ORDER BY 1"),
            "cameo_root": col("SELECT DISTINCT cameo_root FROM events WHERE cameo_root IS NOT NULL ORDER BY 1"),
            "outlet": col("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY lower(outlet) LIMIT 500"),
        }

    # -- stories --------------------------------------------------------------------------------

    def count_stories(self, q: str | None = None) -> int:
        """Number of stories (whose label contains ``q``, case-insensitive, when given)."""
        if not self.corpus.stories:
            return 0
        where, p = self._story_where(q)
        return self.cur.execute(f"SELECT count(*) FROM stories{where}", p).fetchone()[0]

    @staticmethod
    def _story_where(q: str | None) -> tuple[str, list[Any]]:
        if not q:
            return "", []
        return " WHERE lower(coalesce(label, '')) LIKE ?", [f"%{_like_escape(q.lower())}%"]

    def list_stories(self, limit: int = 50, offset: int = 0, sort: str = "recent", q: str | None = None
                     ) -> list[dict[str, Any]]:
        """One page of stories: ``story_id, label, label_article_id, first_seen, last_seen,
        n_articles, n_unique, n_duplicates, languages, outlets, n_events`` (``limit`` capped at
        :data:`MAX_PAGE`). Empty without the corpus view."""
        if not self.corpus.stories:
            return []
        where, p = self._story_where(q)
        order = STORY_SORTS.get(sort, STORY_SORTS["recent"])
        return _rows(self.cur.execute(
            f"SELECT * EXCLUDE (updated_at) FROM stories{where} ORDER BY {order} LIMIT ? OFFSET ?",
            p + [min(max(limit, 1), MAX_PAGE), max(offset, 0)]))

    def story(self, story_id: str, events_limit: int = MAX_PAGE) -> dict[str, Any] | None:
        """A story with its member articles and its events, or ``None``.

        Returns:
            The ``stories`` row plus ``articles`` (every member: ``article_id, title, outlet,
            outlet_domain, published, language, translated_from, word_count, seen_at, is_duplicate,
            duplicate_of, duplicate_kind, duplicate_score, dup_group, story_score, n_events``, by time),
            ``reports`` (the members grouped by duplicate group: ``[{"original": row, "copies": [rows]}]``,
            in order of the original's time; a copy whose original is outside the story gets a group of
            its own), ``events`` (its aggregated events, most reported first, at most ``events_limit``)
            and ``n_agg_events`` (all of them).
        """
        if not self.corpus.stories:
            return None
        rows = _rows(self.cur.execute("SELECT * EXCLUDE (updated_at) FROM stories WHERE story_id = ?", [story_id]))
        if not rows:
            return None
        st = rows[0]
        st["articles"] = _rows(self.cur.execute("""
            SELECT c.article_id, a.title, a.outlet, a.outlet_domain, a.published, coalesce(c.language, a.language)
                   AS language, a.translated_from, a.word_count, c.seen_at, coalesce(c.is_duplicate, false)
                   AS is_duplicate, c.duplicate_of, c.duplicate_kind, c.duplicate_score,
                   coalesce(c.dup_group, c.article_id) AS dup_group, c.story_score,
                   (SELECT count(*) FROM events e WHERE e.article_id = c.article_id) AS n_events
            FROM article_corpus c JOIN articles a ON a.article_id = c.article_id
            WHERE c.story_id = ? ORDER BY c.seen_at NULLS LAST, c.article_id""", [story_id]))
        groups: dict[str, dict[str, Any]] = {}
        for a in st["articles"]:
            g = groups.setdefault(a["dup_group"], {"original": None, "copies": []})
            if a["is_duplicate"]:
                g["copies"].append(a)
            else:
                g["original"] = a
        st["reports"] = list(groups.values())
        where, p = EventFilter(story=story_id).where(self.corpus, "aggregated")
        base = AGG_BASE.replace("/*HAYSTACK*/", "NULL")
        st["n_agg_events"] = self.cur.execute(f"WITH ev AS ({base}) SELECT count(*) FROM ev{where}", p).fetchone()[0]
        st["events"] = self.list_aggregated(EventFilter(story=story_id), events_limit, 0, "reports")
        return st

    # -- articles -------------------------------------------------------------------------------

    def article(self, article_id: str) -> dict[str, Any] | None:
        """An article with every annotation: ``sentences``, ``entities``, ``places``, ``times``,
        ``quotes``, ``amounts``, ``events`` (lists of row dicts, by offset), or ``None``."""
        rows = _rows(self.cur.execute("SELECT * FROM articles WHERE article_id = ?", [article_id]))
        if not rows:
            return None
        art = rows[0]
        for t in ("sentences", "entities", "places", "times", "quotes", "amounts", "events"):
            order = "idx" if t == "sentences" else ("sentence_start, trigger_start" if t == "events" else "char_start")
            art[t] = _rows(self.cur.execute(f'SELECT * FROM "{t}" WHERE article_id = ? ORDER BY {order}',
                                            [article_id])) if t in self.corpus.tables else []
        art["place_groups"] = place_groups(art["places"])
        art["extra"] = {c: art.get(c) for c in self.corpus.article_extra}
        doc = self.cur.execute("SELECT source, member, kind, size_bytes FROM documents WHERE doc_id = ?",
                               [art["doc_id"]]).fetchone()
        art["document"] = dict(zip(("source", "member", "kind", "size_bytes"), doc)) if doc else None
        if self.corpus.has_reviews:
            art["reviews"] = {r[0]: r[1] for r in self.cur.execute(
                "SELECT event_id, arg_max(verdict, reviewed_at) FROM reviews WHERE article_id = ? GROUP BY 1",
                [article_id]).fetchall()}
        else:
            art["reviews"] = {}
        art["corpus"] = self.article_corpus(article_id)
        return art

    def article_corpus(self, article_id: str) -> dict[str, Any] | None:
        """An article's place in the corpus view, or ``None`` (no view, or not in it yet).

        Returns:
            ``story_id``, ``is_duplicate``, ``duplicate_of``, ``duplicate_kind``, ``duplicate_score``,
            ``dup_group``, ``story_score``, ``seen_at``, ``seen_basis``, ``language``; ``story``
            (``label``, ``first_seen``, ``n_articles``, ``n_unique``, ``n_duplicates``, ``languages``) or
            ``None``; ``original`` (``article_id, title, outlet, published, language`` of the article it
            copies) or ``None``; ``copies`` (the articles copying it, with ``duplicate_kind`` and
            ``duplicate_score``); ``pairs`` (the verified copy pairs it is in, with their scores:
            ``other_id, other_title, kind, jaccard, containment, anchor_overlap, order_tau``).
        """
        if not self.corpus.aggregated:
            return None
        rows = _rows(self.cur.execute(
            "SELECT story_id, coalesce(is_duplicate, false) AS is_duplicate, duplicate_of, duplicate_kind, "
            "duplicate_score, dup_group, story_score, seen_at, seen_basis, language "
            "FROM article_corpus WHERE article_id = ?", [article_id]))
        if not rows:
            return None
        c = rows[0]
        c["story"] = None
        if self.corpus.stories and c["story_id"]:
            st = _rows(self.cur.execute(
                "SELECT story_id, label, first_seen, last_seen, n_articles, n_unique, n_duplicates, languages "
                "FROM stories WHERE story_id = ?", [c["story_id"]]))
            c["story"] = st[0] if st else None
        c["original"] = None
        if c["duplicate_of"]:
            o = _rows(self.cur.execute("SELECT article_id, title, outlet, published, language FROM articles "
                                       "WHERE article_id = ?", [c["duplicate_of"]]))
            c["original"] = o[0] if o else {"article_id": c["duplicate_of"]}
        c["copies"] = _rows(self.cur.execute("""
            SELECT c.article_id, a.title, a.outlet, a.published, coalesce(c.language, a.language) AS language,
                   c.duplicate_kind, c.duplicate_score
            FROM article_corpus c JOIN articles a ON a.article_id = c.article_id
            WHERE c.duplicate_of = ? AND c.article_id <> ? ORDER BY c.seen_at NULLS LAST, c.article_id
            LIMIT ?""", [article_id, article_id, MAX_PAGE]))
        c["pairs"] = []
        if "duplicate_pairs" in self.corpus.tables:
            c["pairs"] = _rows(self.cur.execute("""
                SELECT CASE WHEN p.article_id = ? THEN p.other_id ELSE p.article_id END AS other_id,
                       a.title AS other_title, a.outlet AS other_outlet, p.kind, p.jaccard, p.containment,
                       p.anchor_overlap, p.order_tau
                FROM duplicate_pairs p
                LEFT JOIN articles a ON a.article_id = CASE WHEN p.article_id = ? THEN p.other_id ELSE p.article_id END
                WHERE p.article_id = ? OR p.other_id = ? ORDER BY p.kind, other_id LIMIT ?""",
                [article_id] * 4 + [MAX_PAGE]))
        return c


def place_groups(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An article's place mentions grouped by resolved place (GeoNames id, else name, else text):
    ``[{"name", "geonameid", "country", "n", "texts": [as written], "roles": [...]}]``, most
    mentioned first (then in order of first mention)."""
    groups: dict[Any, dict[str, Any]] = {}
    for p in places:
        if p.get("geonameid") is not None:
            key: Any = ("gn", p["geonameid"])
        elif p.get("name"):
            key = ("name", p["name"])
        else:
            key = ("text", p.get("text"))
        g = groups.setdefault(key, {"name": p.get("name"), "geonameid": p.get("geonameid"),
                                    "country": p.get("country"), "n": 0, "texts": [], "roles": []})
        g["n"] += 1
        for k, v in (("texts", p.get("text")), ("roles", p.get("role"))):
            if v and v not in g[k]:
                g[k].append(v)
    return sorted(groups.values(), key=lambda g: -g["n"])


# -- full-text search -------------------------------------------------------------------------------

_FTS_PATH: str | None = None


def fts_extension_path() -> str | None:
    """Path of the DuckDB ``fts`` extension shipped by the PyPI package ``duckdb-ext-fts``, or ``None``.

    ``INSTALL fts`` would download it; the package puts it under ``duckdb_ext/extensions/<version>/<platform>/``.
    """
    global _FTS_PATH
    if _FTS_PATH is None:
        try:
            import duckdb_ext  # namespace package of duckdb-ext-fts
        except ImportError:
            return None
        want = f"v{duckdb.__version__}"
        for base in getattr(duckdb_ext, "__path__", []):
            found = sorted(Path(base).glob(f"extensions/{want}/*/fts.duckdb_extension"))
            if found:
                _FTS_PATH = str(found[0])
                break
    return _FTS_PATH


class Search:
    """Full-text search over article titles and bodies.

    BM25 ranking with DuckDB's ``fts`` extension (Porter stemmer, English stop words) on an in-memory
    copy of ``article_id, title, body``, built at the first search and rebuilt when the article count
    changes; the user's database file is never written. Without the extension, or above
    :data:`FTS_MAX_ARTICLES` articles, a case-insensitive substring match (ILIKE) over title and body.
    """

    def __init__(self) -> None:
        self._mem: duckdb.DuckDBPyConnection | None = None
        self._n = -1
        self.method = "fts" if fts_extension_path() else "ilike"

    def _ensure_index(self, cur: duckdb.DuckDBPyConnection) -> bool:
        n = cur.execute("SELECT count(*) FROM articles").fetchone()[0]
        if n > FTS_MAX_ARTICLES or not fts_extension_path():
            self.method = "ilike"
            return False
        if self._mem is not None and n == self._n:
            return True
        mem = duckdb.connect(":memory:")
        ext = str(fts_extension_path()).replace("'", "''")  # a file path found on disk, never request input
        mem.execute(f"LOAD '{ext}'")
        docs = cur.execute("SELECT article_id, coalesce(title, '') AS title, body FROM articles").fetch_arrow_table()
        mem.register("docs_arrow", docs)
        mem.execute("CREATE TABLE docs AS SELECT * FROM docs_arrow")
        mem.unregister("docs_arrow")
        mem.execute("PRAGMA create_fts_index('docs', 'article_id', 'title', 'body', overwrite=1)")
        if self._mem is not None:
            self._mem.close()
        self._mem, self._n, self.method = mem, n, "fts"
        return True

    def search(self, cur: duckdb.DuckDBPyConnection, q: str, limit: int = 20, offset: int = 0) -> dict[str, Any]:
        """Articles matching ``q``: ``{"method": "fts"|"ilike", "total", "results": [{"article_id",
        "score", "title", "outlet", "published", "title_html", "snippet_html"}]}``; ``snippet_html`` is
        escaped text around the first match, ``title_html`` the escaped title, query words in ``<mark>``."""
        q = q.strip()[:200]
        limit = min(max(limit, 1), MAX_PAGE)
        if not q:
            return {"method": self.method, "total": 0, "results": []}
        if self._ensure_index(cur):
            assert self._mem is not None
            m = self._mem.cursor()
            scored = m.execute("""
                SELECT article_id, score FROM (
                    SELECT article_id, fts_main_docs.match_bm25(article_id, ?) AS score FROM docs)
                WHERE score IS NOT NULL ORDER BY score DESC, article_id""", [q]).fetchall()
            total = len(scored)
            page = scored[offset:offset + limit]
        else:
            like = f"%{_like_escape(q.lower())}%"
            total = cur.execute("SELECT count(*) FROM articles WHERE lower(coalesce(title, '')) LIKE ? "
                                "OR lower(body) LIKE ?", [like, like]).fetchone()[0]
            page = [(r[0], None) for r in cur.execute(
                "SELECT article_id FROM articles WHERE lower(coalesce(title, '')) LIKE ? OR lower(body) LIKE ? "
                "ORDER BY published DESC NULLS LAST, article_id LIMIT ? OFFSET ?",
                [like, like, limit, offset]).fetchall()]
        ids = [a for a, _ in page]
        meta = {r["article_id"]: r for r in _rows(cur.execute(
            "SELECT article_id, title, outlet, published, body FROM articles WHERE article_id IN (SELECT unnest(?))",
            [ids]))}
        words = query_words(q)
        results = []
        for aid, score in page:
            r = meta.get(aid)
            if not r:
                continue
            results.append({"article_id": aid, "score": round(score, 4) if score is not None else None,
                            "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                            "title_html": mark_html(r["title"] or aid, words),
                            "snippet_html": snippet_html(r["body"], words)})
        return {"method": self.method, "total": total, "results": results}


def query_words(q: str) -> list[str]:
    """The words of a search query (letters and digits, 2+ characters), lower-cased."""
    return [w for w in re.findall(r"\w+", q.lower()) if len(w) >= 2][:20]


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)


def mark_html(text: str, words: list[str]) -> str:
    """``text`` escaped, with words starting with any of ``words`` wrapped in ``<mark>``."""
    if not words:
        return html.escape(text)
    out, pos = [], 0
    for m in _word_pattern(words).finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append("<mark>" + html.escape(m.group(0)) + "</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def snippet_html(body: str, words: list[str], width: int = 240) -> str:
    """Escaped text around the first occurrence of any of ``words`` (prefix match, so stems match
    inflections), with every occurrence wrapped in ``<mark>``. Safe to insert as HTML."""
    if not words:
        return html.escape(body[:width])
    m = _word_pattern(words).search(body)
    start = max(0, (m.start() if m else 0) - width // 3)
    chunk = body[start:start + width]
    return ("…" if start > 0 else "") + mark_html(chunk, words) + ("…" if start + width < len(body) else "")
