"""Read queries behind the web app's pages and JSON API.

Every value from a request reaches DuckDB as a bound parameter (``?``); the only SQL assembled from
pieces is chosen from fixed strings in this module (filter clauses, sort orders, table names checked
against ``information_schema``). Page sizes are capped by the callers (:data:`MAX_PAGE`).

Corpus tables (issue 6: ``mentions``, ``stories``, aggregated events) are used when they exist and
have the expected columns (see :class:`Corpus`); otherwise an event's own evidence sentence is its
single mention.

An event's *day* (for the daily chart, the date filters and sorting) is its own date when that is
known to the day, else its article's publication day (GDELT's convention for undated events).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

#: Largest page of rows any list endpoint returns.
MAX_PAGE = 200
#: Above this many articles, full-text search falls back to ILIKE instead of building an index.
FTS_MAX_ARTICLES = 300_000

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

_DAY_RE = r"^\d{4}-\d{2}-\d{2}"

EVENTS_BASE = f"""
SELECT e.*, a.title AS article_title, a.outlet AS article_outlet, a.published AS article_published,
       CASE WHEN regexp_matches(coalesce(e.date, ''), '{_DAY_RE}') THEN left(e.date, 10)
            WHEN regexp_matches(coalesce(a.published, ''), '{_DAY_RE}') THEN left(a.published, 10)
       END AS day,
       list_transform(e.sources, x -> coalesce(x.code, x.name, x.text)) AS source_labels,
       list_transform(e.targets, x -> coalesce(x.code, x.name, x.text)) AS target_labels,
       /*HAYSTACK*/ AS actor_haystack
       /*REVIEW_COL*/
FROM events e LEFT JOIN articles a ON a.article_id = e.article_id
"""

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


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@dataclass(slots=True)
class EventFilter:
    """Filters of the events table, map, network and charts (all optional, combined with AND).

    Attributes:
        actor: substring (case-insensitive) of any source or target actor's code, name, text or country.
        source, target: actor code prefix of a source / target actor (``USA`` matches ``USAGOV``).
        country: ISO 3166-1 alpha-3 of an actor or of the event location.
        cameo: CAMEO code prefix (``04`` root, ``042`` base, ``0421`` full).
        plover: PLOVER event type (exact, case-insensitive).
        quad: QuadClass 1-4.
        modality: ``asserted``, ``future``, ``intent``, ``negation``, ``hypothetical``, ``historical``.
        date_from, date_to: inclusive ISO day bounds on the event's day.
        place: substring of the location text, or a GeoNames id.
        article: one article's id.
        review: ``unreviewed``, ``reviewed``, ``correct``, ``wrong`` or ``fixed`` (latest review).
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

    def where(self, has_reviews: bool) -> tuple[str, list[Any]]:
        """The WHERE clause (over :data:`EVENTS_BASE` columns) and its parameters."""
        c: list[str] = []
        p: list[Any] = []
        if self.actor:
            c.append("actor_haystack LIKE ?")
            p.append(f"%{_like_escape(self.actor.lower())}%")
        if self.source:
            c.append("len(list_filter(sources, x -> starts_with(upper(coalesce(x.code, '')), ?))) > 0")
            p.append(self.source.upper())
        if self.target:
            c.append("len(list_filter(targets, x -> starts_with(upper(coalesce(x.code, '')), ?))) > 0")
            p.append(self.target.upper())
        if self.country:
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
            p.append(self.date_to)
        if self.place:
            if self.place.isdigit():
                c.append("location_geonameid = ?")
                p.append(int(self.place))
            else:
                c.append("lower(coalesce(location_text, '')) LIKE ?")
                p.append(f"%{_like_escape(self.place.lower())}%")
        if self.article:
            c.append("article_id = ?")
            p.append(self.article)
        if self.review:
            if self.review == "unreviewed":
                c.append("review_verdict IS NULL")
            elif self.review == "reviewed":
                c.append("review_verdict IS NOT NULL")
            else:
                c.append("review_verdict = ?")
                p.append(self.review)
        return (" WHERE " + " AND ".join(c)) if c else "", p


def _like_escape(s: str) -> str:
    """Escape LIKE wildcards so user text matches literally (used with the default escape ``\\``)."""
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(slots=True)
class Corpus:
    """Which optional tables the database has (checked once in ``information_schema``).

    Attributes:
        tables: every table name.
        mention_key: the column of ``mentions`` that groups the mentions of one aggregated event
            (``global_event_id`` GDELT-style, or ``agg_event_id``/``aggregate_id``), when ``mentions``
            exists with an ``event_id`` column linking a mention to its coded event.
        article_extra: columns of ``articles`` beyond schema v1 (e.g. ``story_id``, ``is_duplicate``).
    """

    tables: set[str] = field(default_factory=set)
    columns: dict[str, list[str]] = field(default_factory=dict)
    mention_key: str | None = None
    article_extra: list[str] = field(default_factory=list)

    @property
    def has_reviews(self) -> bool:
        return "reviews" in self.tables

    @property
    def has_mentions(self) -> bool:
        return self.mention_key is not None


V1_ARTICLE_COLUMNS = {
    "article_id", "doc_id", "source", "url", "canonical_url", "title", "body", "published", "modified",
    "page_date", "outlet", "outlet_domain", "authors", "language", "translated_from", "boilerplate",
    "cited_sources", "wire", "dateline_place", "extractor", "warnings", "word_count", "run_id"}
MENTION_KEYS = ("global_event_id", "agg_event_id", "aggregate_id", "event_group_id")


def detect_corpus(con: duckdb.DuckDBPyConnection) -> Corpus:
    """Inspect ``information_schema`` for the optional tables and columns the pages can use."""
    cols: dict[str, list[str]] = {}
    for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        cols.setdefault(t, []).append(c)
    corpus = Corpus(tables=set(cols), columns=cols)
    m = cols.get("mentions", [])
    if "event_id" in m:
        corpus.mention_key = next((k for k in MENTION_KEYS if k in m), None)
    corpus.article_extra = [c for c in cols.get("articles", []) if c not in V1_ARTICLE_COLUMNS]
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

    # -- events ---------------------------------------------------------------------------------

    def _base(self, actor: bool = False, review: bool = True) -> str:
        review_col = REVIEW_COL if self.corpus.has_reviews and review else NO_REVIEW_COL
        return (EVENTS_BASE.replace("/*REVIEW_COL*/", review_col)
                .replace("/*HAYSTACK*/", HAYSTACK if actor else "CAST(NULL AS VARCHAR)"))

    def _filtered(self, f: EventFilter, rows: bool = True) -> tuple[str, list[Any]]:
        """The filtered events query; ``rows=False`` (aggregates) skips the review column unless filtered on."""
        where, params = f.where(self.corpus.has_reviews)
        base = self._base(actor=bool(f.actor), review=rows or bool(f.review))
        return f"WITH ev AS ({base}) SELECT * FROM ev{where}", params

    def count_events(self, f: EventFilter) -> int:
        """Number of events matching ``f``."""
        sql, p = self._filtered(f, rows=False)
        return self.cur.execute(f"SELECT count(*) FROM ({sql})", p).fetchone()[0]

    def list_events(self, f: EventFilter, limit: int = 50, offset: int = 0, sort: str = "day") -> list[dict[str, Any]]:
        """One page of events matching ``f`` (``limit`` capped at :data:`MAX_PAGE`)."""
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
        """Every event matching ``f`` in day order, fetched in batches (for CSV download)."""
        sql, p = self._filtered(f)
        cur = self.cur.execute(f"SELECT * EXCLUDE (actor_haystack) FROM ({sql}) ORDER BY {SORTS['day']}", p)
        names = [d[0] for d in cur.description]
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield dict(zip(names, r))

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its article's title/outlet/published and its day, or ``None``."""
        rows = _rows(self.cur.execute(
            f"WITH ev AS ({self._base()}) SELECT * EXCLUDE (actor_haystack) FROM ev WHERE event_id = ?", [event_id]))
        return rows[0] if rows else None

    def mentions(self, ev: dict[str, Any]) -> list[dict[str, Any]]:
        """Every mention of the real-world event ``ev`` stands for.

        With a corpus ``mentions`` table: the mentions sharing ``ev``'s aggregated-event key, each with
        its article and evidence sentence. Without: ``ev``'s own evidence as its single mention.
        """
        if self.corpus.has_mentions:
            key = self.corpus.mention_key  # a column name from MENTION_KEYS, never user input
            mcols = self.corpus.columns["mentions"]
            rows = _rows(self.cur.execute(
                f"""SELECT m.*, a.title AS article_title, a.outlet AS article_outlet,
                           a.published AS article_published
                    FROM mentions m LEFT JOIN articles a ON a.article_id = m.article_id
                    WHERE m."{key}" IN (SELECT "{key}" FROM mentions WHERE event_id = ?)
                    ORDER BY a.published NULLS LAST, m.article_id""", [ev["event_id"]]))
            if rows:
                for r in rows:
                    r["is_self"] = r.get("event_id") == ev["event_id"]
                    if "sentence" not in mcols and r.get("event_id"):
                        s = self.cur.execute("SELECT sentence FROM events WHERE event_id = ?",
                                             [r["event_id"]]).fetchone()
                        r["sentence"] = s[0] if s else None
                return rows
        return [{"event_id": ev["event_id"], "article_id": ev["article_id"], "article_title": ev.get("article_title"),
                 "article_outlet": ev.get("article_outlet"), "article_published": ev.get("article_published"),
                 "sentence": ev.get("sentence"), "sent_idx": ev.get("sent_idx"),
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
        """Row counts of the main tables (missing tables count 0), events by modality included."""
        out: dict[str, int] = {}
        for t in ("documents", "articles", "sentences", "entities", "places", "times", "quotes", "amounts",
                  "events", "errors", "reviews", "mentions", "stories"):
            if t in self.corpus.tables:  # t is from the fixed list above
                out[t] = self.cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        out["events_asserted"] = self.cur.execute(
            "SELECT count(*) FROM events WHERE modality = 'asserted'").fetchone()[0]
        out["outlets"] = self.cur.execute(
            "SELECT count(DISTINCT outlet) FROM articles WHERE outlet IS NOT NULL").fetchone()[0]
        out["events_located"] = self.cur.execute(
            "SELECT count(*) FROM events WHERE location_lat IS NOT NULL").fetchone()[0]
        return out

    def breakdown(self, column: str, f: EventFilter, limit: int = 25) -> list[dict[str, Any]]:
        """Event counts by one of ``modality``, ``plover_type``, ``cameo_root``, ``quad_class``."""
        if column not in ("modality", "plover_type", "cameo_root", "quad_class", "location_country"):
            raise ValueError(f"no breakdown by {column!r}")
        sql, p = self._filtered(f, rows=False)
        return _rows(self.cur.execute(
            f"SELECT {column} AS value, count(*) AS n FROM ({sql}) GROUP BY ALL ORDER BY n DESC, value LIMIT ?",
            p + [limit]))

    def daily(self, f: EventFilter) -> list[dict[str, Any]]:
        """Events per day by QuadClass: ``[{"day", "q1", "q2", "q3", "q4", "q0" (no QuadClass), "total"}]``."""
        sql, p = self._filtered(f, rows=False)
        return _rows(self.cur.execute(f"""
            SELECT day,
                   count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2,
                   count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4,
                   count(*) FILTER (WHERE quad_class IS NULL OR quad_class NOT IN (1, 2, 3, 4)) AS q0,
                   count(*) AS total
            FROM ({sql}) WHERE day IS NOT NULL GROUP BY day ORDER BY day""", p))

    def actor_pairs(self, f: EventFilter, limit: int = 20) -> list[dict[str, Any]]:
        """Top (source, target) actor pairs: one pair per source x target of each event, with counts by
        QuadClass and mean Goldstein. Actors are labelled by code, else name, else text."""
        sql, p = self._filtered(f, rows=False)
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
            GROUP BY 1, 2 ORDER BY n DESC, source, target LIMIT ?""", p + [min(limit, MAX_PAGE * 5)]))

    def network(self, f: EventFilter, limit: int = 150) -> dict[str, Any]:
        """Who acts on whom: ``{"nodes": [{"id", "name", "out", "in"}], "edges": [{"source", "target",
        "n", "q1".."q4", "goldstein"}]}`` for the ``limit`` most frequent pairs."""
        edges = self.actor_pairs(f, limit)
        nodes: dict[str, dict[str, Any]] = {}
        for e in edges:
            for side, name, key in (("source", "source_name", "out"), ("target", "target_name", "in")):
                n = nodes.setdefault(e[side], {"id": e[side], "name": e[name] or e[side], "out": 0, "in": 0})
                n[key] += e["n"]
        return {"nodes": list(nodes.values()), "edges": edges}

    def map_points(self, f: EventFilter) -> dict[str, Any]:
        """Event locations: ``{"points": [{"lat", "lon", "place", "geonameid", "country", "n",
        "q1".."q4"}], "countries": [{"country", "n"}]}`` (countries from the event location)."""
        sql, p = self._filtered(f, rows=False)
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

    def facets(self) -> dict[str, list[Any]]:
        """Values present in the data, for the filter form's choices."""
        def col(sql: str) -> list[Any]:
            return [r[0] for r in self.cur.execute(sql).fetchall()]

        return {
            "modality": col("SELECT DISTINCT modality FROM events WHERE modality IS NOT NULL ORDER BY 1"),
            "plover_type": col("SELECT DISTINCT plover_type FROM events WHERE plover_type IS NOT NULL ORDER BY 1"),
            "quad_class": col("SELECT DISTINCT quad_class FROM events WHERE quad_class IS NOT NULL ORDER BY 1"),
            "cameo_root": col("SELECT DISTINCT cameo_root FROM events WHERE cameo_root IS NOT NULL ORDER BY 1"),
        }

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
        return art


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
