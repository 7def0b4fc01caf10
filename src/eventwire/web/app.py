"""``eventwire serve``: a FastAPI app with a JSON API and HTML pages over one eventwire database.

Pages (server-rendered HTML, Jinja2 with autoescaping; charts, map and network drawn by our own
``static/app.js`` from the JSON API): dashboard ``/``, events ``/events`` (coded events, or real-world
events with ``unit=aggregated``), event ``/events/{id}``, article ``/articles/{id}``, stories
``/stories`` and ``/stories/{id}``, map ``/map``, actor network ``/network``, search ``/search``,
reviews ``/reviews``, API reference ``/api``. With the corpus view (docs/corpus.md) the dashboard, map
and network count real-world (aggregated) events by default (``unit=coded`` counts coded events). The
JSON API lives under ``/api/...``; its OpenAPI document is ``/openapi.json`` (no Swagger UI: it would
load scripts from a CDN).

Security model (docs/web.md):

* Read-only unless a write token is configured: the database is then opened ``read_only`` and every
  write endpoint answers 403. With a token, ``POST /api/events/{id}/reviews`` needs the header
  ``X-Eventwire-Token`` (compared in constant time); a custom header cannot be sent cross-site
  without CORS, which the app never enables, so no CSRF.
* Only the configured hosts are accepted in the ``Host`` header (blocks DNS rebinding).
* Every response carries a strict Content-Security-Policy (``'self'`` only, no inline script or
  style), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and frame denial.
* Article text is untrusted: templates autoescape, highlights are built by :mod:`.render` from
  escaped text, CSV cells that a spreadsheet would run as formulas are prefixed with ``'``.
* Request values only reach SQL as bound parameters (:mod:`.queries`); page sizes are capped.
"""
from __future__ import annotations

import hmac
import io
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from eventwire import __version__
from eventwire.store import reviews as review_store
from eventwire.web import render
from eventwire.web.queries import (MAX_PAGE, QUAD_NAMES, Corpus, EventFilter, FilterError, Queries, Search,
                                   check_day_bound, detect_corpus)

HERE = Path(__file__).parent
STATIC = HERE / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
#: Largest request body accepted (a review is a few hundred bytes); larger ones get 413.
MAX_BODY_BYTES = 64 * 1024
TOKEN_HEADER = "X-Eventwire-Token"
CSV_COLUMNS = ["event_id", "day", "date", "article_id", "article_title", "article_outlet", "sources",
               "source_names", "targets", "target_names", "trigger", "cameo_code", "cameo_root", "plover_type",
               "plover_mode", "quad_class", "goldstein", "modality", "confidence", "attribution_text",
               "location_text", "location_geonameid", "location_country", "location_lat", "location_lon",
               "review_verdict", "sentence", "story_id", "article_duplicate_kind"]
#: Columns of the aggregated (real-world) events CSV: the ``aggregated_events`` columns researchers use.
AGG_CSV_COLUMNS = ["agg_event_id", "global_event_id", "day", "date", "date_basis", "source_code", "source_name",
                   "source_country", "target_code", "target_name", "target_country", "cameo_code", "cameo_root",
                   "plover_type", "plover_mode", "quad_class", "goldstein", "modality", "location_text",
                   "location_geonameid", "location_country", "location_lat", "location_lon", "num_mentions",
                   "num_sources", "num_articles", "num_copies", "first_seen", "last_seen", "is_root", "confidence",
                   "story_ids", "source_url"]


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413, whether the client declares
    the length (``Content-Length``, refused before reading) or streams it (counted while read)."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        too_big = f"request body too large (at most {self.max_bytes:,} bytes)"
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await JSONResponse({"detail": too_big if length.isdigit() else "bad Content-Length"},
                               status_code=413 if length.isdigit() else 400)(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> dict:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:  # FastAPI passes an HTTPException raised while reading the body on
                    raise StarletteHTTPException(413, too_big)
            return msg

        await self.app(scope, limited_receive, send)


@dataclass
class AppState:
    """What the app holds: the connection, the optional tables found, the search index, the token."""

    db_path: str
    con: duckdb.DuckDBPyConnection
    corpus: Corpus
    write_token: str | None
    search: Search = field(default_factory=Search)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def writable(self) -> bool:
        return self.write_token is not None


def open_database(db_path: str | Path, writable: bool) -> duckdb.DuckDBPyConnection:
    """Open the database: read-only, or read-write after applying pending migrations (``reviews``).

    Raises:
        FileNotFoundError: no database at ``db_path``.
        duckdb.IOException: the file is locked by another process (e.g. a running ``eventwire run``).
    """
    p = Path(db_path)
    if str(db_path) != ":memory:" and not p.exists():
        raise FileNotFoundError(f"no database at {p} (create one with: eventwire run FILES --db {p})")
    if writable:
        from eventwire.store.db import Store

        return Store(p).con
    return duckdb.connect(str(p), read_only=True)


# -- request models ------------------------------------------------------------------------------


class ReviewBody(BaseModel):
    """A review of one event. For ``fixed``, unset fields keep the coder's value."""

    verdict: str = Field(..., description="correct, wrong or fixed", examples=["fixed"])
    reviewer: str = Field(..., min_length=1, max_length=80, description="who reviews")
    cameo_code: str | None = Field(None, max_length=4, description="CAMEO 1.1b3 code, 2-4 digits")
    plover_type: str | None = Field(None, max_length=40)
    plover_mode: str | None = Field(None, max_length=40)
    quad_class: int | None = Field(None, ge=1, le=4)
    modality: str | None = Field(None, max_length=20)
    sources: list[str] | None = Field(None, max_length=20, description="source actor codes, e.g. ['USAGOV']")
    targets: list[str] | None = Field(None, max_length=20, description="target actor codes")
    note: str | None = Field(None, max_length=2000)


class MissedBody(BaseModel):
    """An event the coder missed, added from its article: the sentence, its trigger words, the actor
    codes and the event codes (PLOVER type and mode default to the CAMEO code's)."""

    reviewer: str = Field(..., min_length=1, max_length=80, description="who adds it")
    sent_idx: int = Field(..., ge=0, le=100_000, description="index of the sentence in the article")
    trigger: str | None = Field(None, max_length=200, description="the words that express the event")
    cameo_code: str = Field(..., min_length=2, max_length=4, description="CAMEO 1.1b3 code, 2-4 digits")
    plover_type: str | None = Field(None, max_length=40)
    plover_mode: str | None = Field(None, max_length=40)
    quad_class: int | None = Field(None, ge=1, le=4)
    modality: str | None = Field(None, max_length=20)
    sources: list[str] = Field(..., min_length=1, max_length=20, description="source actor codes, e.g. ['USAGOV']")
    targets: list[str] = Field([], max_length=20, description="target actor codes")
    note: str | None = Field(None, max_length=2000)


# -- helpers -------------------------------------------------------------------------------------


def _filter_dep(actor: str | None = Query(None, max_length=200, description="actor code/name/text substring"),
                source: str | None = Query(None, max_length=40, description="source actor code prefix"),
                target: str | None = Query(None, max_length=40, description="target actor code prefix"),
                country: str | None = Query(None, max_length=3, description="ISO3 of an actor or the location"),
                cameo: str | None = Query(None, max_length=4, description="CAMEO code prefix"),
                plover: str | None = Query(None, max_length=40, description="PLOVER event type"),
                quad: str | None = Query(None, max_length=1, description="QuadClass 1-4"),
                modality: str | None = Query(None, max_length=20),
                date_from: str | None = Query(None, max_length=10, description="first day, YYYY-MM-DD"),
                date_to: str | None = Query(None, max_length=10, description="last day, YYYY-MM-DD"),
                place: str | None = Query(None, max_length=200, description="location text or GeoNames id"),
                article: str | None = Query(None, max_length=64, description="article id"),
                review: str | None = Query(None, max_length=12,
                                           description="unreviewed, reviewed, correct, wrong or fixed"),
                story: str | None = Query(None, max_length=64, description="story id (corpus view)"),
                outlet: str | None = Query(None, max_length=200, description="outlet name (exact, any case)"),
                ) -> EventFilter:
    f = EventFilter(actor=actor, source=source, target=target, country=country, cameo=cameo, plover=plover,
                    modality=modality, date_from=date_from, date_to=date_to, place=place, article=article,
                    review=review, story=story, outlet=outlet).clean()
    q = (quad or "").strip()
    if q:
        if q not in "1234":
            raise HTTPException(422, "quad must be 1, 2, 3 or 4")
        f.quad = int(q)
    for name in ("date_from", "date_to"):
        v = getattr(f, name)
        if v and not check_day_bound(v):
            raise HTTPException(422, f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD (a real month and day)")
    if f.cameo and not f.cameo.isdigit():
        raise HTTPException(422, "cameo must be digits (a CAMEO code prefix)")
    if f.review and f.review not in ("unreviewed", "reviewed", *review_store.VERDICTS):
        raise HTTPException(422, "review must be unreviewed, reviewed, correct, wrong or fixed")
    return f


def _arrow_csv_stream(reader: Any, close: Any) -> Iterator[str]:
    """CSV text of an Arrow batch reader (:meth:`Queries.csv_batches`), one chunk per batch, every
    cell a spreadsheet would run as a formula quoted (:func:`eventwire.csvsafe.guard_batch`); written
    by Arrow's CSV writer, as ``eventwire export --format csv`` is. ``close()`` runs at the end."""
    import pyarrow.csv as pacsv

    from eventwire.csvsafe import guard_batch

    try:
        first = True
        for batch in reader:
            buf = io.BytesIO()
            pacsv.write_csv(guard_batch(batch), buf, pacsv.WriteOptions(include_header=first, quoting_style="needed"))
            first = False
            yield buf.getvalue().decode("utf-8")
        if first:  # no rows: the header alone
            yield ",".join(reader.schema.names) + "\n"
    finally:
        close()


def create_app(db_path: str | Path, write_token: str | None = None,
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """Build the app over the database at ``db_path``.

    Args:
        db_path: an eventwire DuckDB file (must exist).
        write_token: enables reviews (database opened read-write, migrated); ``None``: read-only.
        allowed_hosts: accepted ``Host`` header values (default: loopback names only).

    Raises:
        FileNotFoundError, duckdb.IOException: see :func:`open_database`.
        ValueError: a write token shorter than 16 characters.
    """
    if write_token is not None and len(write_token) < 16:
        raise ValueError("the write token must be at least 16 characters")
    con = open_database(db_path, writable=write_token is not None)
    state = AppState(db_path=str(db_path), con=con, corpus=detect_corpus(con), write_token=write_token)

    app = FastAPI(
        title="eventwire API",
        version=__version__,
        description="Read coded political events, articles and their evidence from an eventwire database; "
                    "review events (when the server was started with a write token). All list endpoints "
                    f"are paged and capped at {MAX_PAGE} rows.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.ew = state
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)  # innermost: its 413 gets the security headers
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True))
    env.globals.update(QUAD_NAMES=QUAD_NAMES, version=__version__)
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")})
    env.filters["fmt"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    env.filters["codes"] = lambda actors: ", ".join(
        (a.get("code") or a.get("text") or "?") for a in (actors or [])) or "?"
    env.filters["actors"] = lambda xs: ", ".join(str(x) for x in (xs or []) if x) or "—"
    env.filters["ts"] = lambda t: t.strftime("%Y-%m-%d %H:%M") if hasattr(t, "strftime") else (t or "")
    env.filters["mention_html"] = render.mention_html

    def cursor() -> Iterator[Queries]:
        cur = state.con.cursor()
        try:
            yield Queries(cur, state.corpus)
        finally:
            cur.close()

    def page(request: Request, name: str, nav: str, **ctx: Any) -> HTMLResponse:
        base = {"request": request, "nav": nav, "writable": state.writable, "db_name": Path(state.db_path).name,
                "corpus": state.corpus}
        return HTMLResponse(env.get_template(name).render(**base, **ctx))

    def require_write(token: str | None) -> None:
        if state.write_token is None:
            raise HTTPException(403, "this server is read-only: start it with `eventwire serve --write` or "
                                     "EVENTWIRE_WRITE_TOKEN to review events")
        if not token or not hmac.compare_digest(token.encode(), state.write_token.encode()):
            raise HTTPException(401, f"missing or wrong write token (header {TOKEN_HEADER})")

    def unit_dep(unit: str | None = Query(
            None, pattern="^(aggregated|coded)$",
            description="what to count: aggregated (real-world events of the corpus view; the default when "
                        "present) or coded (rows of events, copies included)")) -> str:
        if unit is None:
            return state.corpus.default_unit()
        if unit == "aggregated" and not state.corpus.aggregated:
            raise HTTPException(422, "this database has no corpus view (aggregated events): "
                                     "run `eventwire corpus update`, or use unit=coded")
        return unit

    # ------------------------------------------------------------------ JSON API

    @app.get("/api/meta", tags=["meta"], summary="Server mode, schema version and optional tables present")
    def api_meta(q: Queries = Depends(cursor)) -> dict[str, Any]:
        ver = q.cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return {"version": __version__, "writable": state.writable, "schema_version": int(ver[0]) if ver else None,
                "mentions": state.corpus.has_mentions, "aggregated": state.corpus.aggregated,
                "stories": state.corpus.stories, "default_unit": state.corpus.default_unit(),
                "corpus_note": state.corpus.note, "reviews": state.corpus.has_reviews,
                "search": state.search.method, "max_page": MAX_PAGE}

    @app.get("/api/stats", tags=["stats"], summary="Row counts of the main tables, coded and real-world events")
    def api_stats(q: Queries = Depends(cursor)) -> dict[str, int]:
        return q.counts()

    @app.get("/api/stats/daily", tags=["stats"], summary="Events per day by QuadClass (filterable)")
    def api_daily(f: EventFilter = Depends(_filter_dep), unit: str = Depends(unit_dep),
                  q: Queries = Depends(cursor)) -> list[dict[str, Any]]:
        return q.daily(f, unit)

    @app.get("/api/stats/breakdown", tags=["stats"], summary="Event counts by modality, PLOVER type, CAMEO root, QuadClass or location country")
    def api_breakdown(by: str = Query(..., pattern="^(modality|plover_type|cameo_root|quad_class|location_country)$"),
                      limit: int = Query(25, ge=1, le=MAX_PAGE), f: EventFilter = Depends(_filter_dep),
                      unit: str = Depends(unit_dep), q: Queries = Depends(cursor)) -> list[dict[str, Any]]:
        return q.breakdown(by, f, limit, unit)

    @app.get("/api/actor-pairs", tags=["stats"], summary="Top source -> target actor pairs with counts by QuadClass")
    def api_pairs(limit: int = Query(20, ge=1, le=MAX_PAGE), f: EventFilter = Depends(_filter_dep),
                  unit: str = Depends(unit_dep), q: Queries = Depends(cursor)) -> list[dict[str, Any]]:
        return q.actor_pairs(f, limit, unit)

    @app.get("/api/network", tags=["stats"], summary="Actor network: nodes and source -> target edges by QuadClass")
    def api_network(limit: int = Query(150, ge=1, le=1000), f: EventFilter = Depends(_filter_dep),
                    unit: str = Depends(unit_dep), q: Queries = Depends(cursor)) -> dict[str, Any]:
        return q.network(f, limit, unit)

    @app.get("/api/map", tags=["stats"], summary="Event locations (points) and counts by location country")
    def api_map(f: EventFilter = Depends(_filter_dep), unit: str = Depends(unit_dep),
                q: Queries = Depends(cursor)) -> dict[str, Any]:
        return q.map_points(f, unit)

    @app.get("/api/facets", tags=["events"], summary="Values present for the filter choices")
    def api_facets(q: Queries = Depends(cursor)) -> dict[str, list[Any]]:
        return q.facets()

    @app.get("/api/events", tags=["events"], summary="Coded events matching the filters, one page")
    def api_events(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=10_000_000),
                   sort: str = Query("day", pattern="^(day|day_asc|goldstein|confidence|cameo)$"),
                   f: EventFilter = Depends(_filter_dep), q: Queries = Depends(cursor)) -> dict[str, Any]:
        return {"total": q.count_events(f), "limit": limit, "offset": offset, "filters": f.active(),
                "events": q.list_events(f, limit, offset, sort)}

    @app.get("/api/events.csv", tags=["events"], summary="Every coded event matching the filters, as CSV (streamed)",
             response_class=StreamingResponse)
    def api_events_csv(f: EventFilter = Depends(_filter_dep)) -> StreamingResponse:
        f.where(state.corpus, "coded")  # a filter this database cannot apply fails here, not mid-stream
        cur = state.con.cursor()
        q = Queries(cur, state.corpus)
        return StreamingResponse(_arrow_csv_stream(q.csv_batches(f, CSV_COLUMNS), cur.close),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    def parquet_response(sql: str, params: list[Any], filename: str) -> Response:
        """The rows of ``sql`` as a Parquet file (zstd), written batch by batch to a temporary file
        that is removed once sent."""
        import os
        import tempfile

        import pyarrow.parquet as pq
        from starlette.background import BackgroundTask
        from starlette.responses import FileResponse

        fd, path = tempfile.mkstemp(prefix="eventwire-", suffix=".parquet")
        os.close(fd)
        cur = state.con.cursor()
        try:
            reader = cur.execute(sql, params).fetch_record_batch(10_000)
            with pq.ParquetWriter(path, reader.schema, compression="zstd") as w:
                for batch in reader:
                    w.write_batch(batch)
        except BaseException:
            os.unlink(path)
            raise
        finally:
            cur.close()
        return FileResponse(path, media_type="application/vnd.apache.parquet", filename=filename,
                            background=BackgroundTask(os.unlink, path))

    @app.get("/api/events.parquet", tags=["events"], summary="Every coded event matching the filters, as Parquet")
    def api_events_parquet(f: EventFilter = Depends(_filter_dep)) -> Response:
        cur = state.con.cursor()
        try:
            sql, p = Queries(cur, state.corpus)._filtered(f)
        finally:
            cur.close()
        return parquet_response(f"SELECT * EXCLUDE (actor_haystack) FROM ({sql}) ORDER BY day DESC NULLS LAST, event_id",
                                p, "events.parquet")

    @app.get("/api/events/{event_id}", tags=["events"],
             summary="One coded event with its real-world (aggregated) events, their mentions, and its reviews")
    def api_event(event_id: str, q: Queries = Depends(cursor)) -> dict[str, Any]:
        ev = q.event(event_id[:64])
        if ev is None:
            raise HTTPException(404, "no such event")
        return {"event": ev, "aggregated": q.aggregates_of_event(ev["event_id"]), "mentions": q.mentions(ev),
                "same_sentence": q.sentence_events(ev),
                "reviews": review_store.reviews_for_event(q.cur, ev["event_id"])}

    @app.get("/api/aggregated-events", tags=["aggregated events"],
             summary="Real-world events (corpus view: one per date, actors, code, place, modality), one page")
    def api_aggregated(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=10_000_000),
                       sort: str = Query("day", pattern="^(day|day_asc|goldstein|confidence|cameo|reports)$"),
                       f: EventFilter = Depends(_filter_dep), q: Queries = Depends(cursor)) -> dict[str, Any]:
        need_corpus()
        return {"total": q.count_events(f, "aggregated"), "limit": limit, "offset": offset, "filters": f.active(),
                "events": q.list_aggregated(f, limit, offset, sort)}

    @app.get("/api/aggregated-events.csv", tags=["aggregated events"], response_class=StreamingResponse,
             summary="Every real-world event matching the filters, as CSV (streamed)")
    def api_aggregated_csv(f: EventFilter = Depends(_filter_dep)) -> StreamingResponse:
        need_corpus()
        f.where(state.corpus, "aggregated")  # fails here, not mid-stream
        cur = state.con.cursor()
        q = Queries(cur, state.corpus)
        return StreamingResponse(_arrow_csv_stream(q.csv_batches(f, AGG_CSV_COLUMNS, "aggregated"), cur.close),
                                 media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="real-world-events.csv"'})

    @app.get("/api/aggregated-events.parquet", tags=["aggregated events"],
             summary="Every real-world event matching the filters, as Parquet (the aggregated_events columns)")
    def api_aggregated_parquet(f: EventFilter = Depends(_filter_dep)) -> Response:
        need_corpus()
        cur = state.con.cursor()
        try:
            sql, p = Queries(cur, state.corpus)._filtered(f, unit="aggregated")
        finally:
            cur.close()
        return parquet_response(f"SELECT * EXCLUDE (actor_haystack, source_label, target_label) FROM ({sql}) "
                                "ORDER BY day DESC NULLS LAST, agg_event_id", p, "real-world-events.parquet")

    @app.get("/api/aggregated-events.plover.jsonl", tags=["aggregated events"], response_class=StreamingResponse,
             summary="Every real-world event matching the filters as PLOVER JSON records (as `eventwire export "
                     "--format plover`; without a modality filter only asserted and historical events)")
    def api_aggregated_plover(f: EventFilter = Depends(_filter_dep)) -> StreamingResponse:
        import json as _json

        from eventwire.store import plover
        from eventwire.store.export import HAPPENED, _json_default

        need_corpus()
        cur = state.con.cursor()
        sql, p = Queries(cur, state.corpus)._filtered(f, unit="aggregated")
        inner = f"SELECT * EXCLUDE (actor_haystack, day, source_label, target_label) FROM ({sql})"
        if not f.modality:  # PLOVER has no modality field: what happened only, as the command line does
            inner += f" WHERE modality IN ({', '.join('?' for _ in HAPPENED)})"
            p = p + list(HAPPENED)
        queries = plover.records_sql(inner, p)

        def lines() -> Iterator[str]:
            try:
                for q, qp in queries:
                    for batch in cur.execute(q, qp).fetch_record_batch(2_000):
                        for e in batch.to_pylist():
                            rec, _ = plover.record(e)
                            if rec is not None:
                                yield _json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n"
            finally:
                cur.close()

        return StreamingResponse(lines(), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="real-world-events.plover.jsonl"'})

    @app.get("/api/aggregated-events/{agg_event_id}", tags=["aggregated events"],
             summary="One real-world event with every mention (article, sentence, offsets, confidence, copy marks)")
    def api_aggregated_event(agg_event_id: str, q: Queries = Depends(cursor)) -> dict[str, Any]:
        need_corpus()
        g = q.aggregated_event(agg_event_id[:64])
        if g is None:
            raise HTTPException(404, "no such aggregated event")
        return {"event": g, "mentions": q.agg_mentions([g["agg_event_id"]])}

    @app.get("/api/stories", tags=["stories"], summary="Stories of the corpus view (label, first seen, articles, languages), one page")
    def api_stories(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=10_000_000),
                    sort: str = Query("recent", pattern="^(recent|oldest|articles|events)$"),
                    q_: str | None = Query(None, alias="q", max_length=200, description="label substring"),
                    q: Queries = Depends(cursor)) -> dict[str, Any]:
        need_corpus(stories=True)
        text = (q_ or "").strip() or None
        return {"total": q.count_stories(text), "limit": limit, "offset": offset,
                "stories": q.list_stories(limit, offset, sort, text)}

    @app.get("/api/stories/{story_id}", tags=["stories"],
             summary="One story: its member articles (originals and their copies) and its real-world events")
    def api_story(story_id: str, q: Queries = Depends(cursor)) -> dict[str, Any]:
        need_corpus(stories=True)
        st = q.story(story_id[:64])
        if st is None:
            raise HTTPException(404, "no such story")
        return st

    def need_corpus(stories: bool = False) -> None:
        if not state.corpus.aggregated or (stories and not state.corpus.stories):
            raise HTTPException(404, "this database has no corpus view (aggregated events, stories): "
                                     "run `eventwire corpus update`")

    @app.post("/api/events/{event_id}/reviews", tags=["reviews"], status_code=201,
              summary="Review an event: correct, wrong, or fixed with corrected codes/actors (needs the write token)")
    def api_review(event_id: str, body: ReviewBody, q: Queries = Depends(cursor),
                   x_eventwire_token: str | None = Header(None, alias=TOKEN_HEADER)) -> dict[str, Any]:
        require_write(x_eventwire_token)
        ev = q.cur.execute("SELECT * FROM events WHERE event_id = ?", [event_id[:64]])
        names = [d[0] for d in ev.description]
        row = ev.fetchone()
        if row is None:
            raise HTTPException(404, "no such event")
        inp = review_store.ReviewInput(**body.model_dump())
        inp.sources = [s.strip().upper() for s in inp.sources if s.strip()] if inp.sources is not None else None
        inp.targets = [s.strip().upper() for s in inp.targets if s.strip()] if inp.targets is not None else None
        try:
            with state.lock:
                stored = review_store.add_review(q.cur, dict(zip(names, row)), inp)
        except review_store.ReviewError as exc:
            raise HTTPException(422, str(exc)) from exc
        return stored

    @app.post("/api/articles/{article_id}/missed-events", tags=["reviews"], status_code=201,
              summary="Add an event the coder missed, from its article (a review of kind 'missed'; needs the write token)")
    def api_missed(article_id: str, body: MissedBody, q: Queries = Depends(cursor),
                   x_eventwire_token: str | None = Header(None, alias=TOKEN_HEADER)) -> dict[str, Any]:
        require_write(x_eventwire_token)
        art = q.cur.execute("SELECT article_id, body FROM articles WHERE article_id = ?", [article_id[:64]]).fetchone()
        if art is None:
            raise HTTPException(404, "no such article")
        sent = q.cur.execute("SELECT idx, char_start, char_end FROM sentences WHERE article_id = ? AND idx = ?",
                             [art[0], body.sent_idx]).fetchone()
        if sent is None:
            raise HTTPException(422, f"sent_idx: the article has no sentence {body.sent_idx}")
        codes = lambda xs: [x.strip().upper() for x in xs if x.strip()]  # noqa: E731
        inp = review_store.ReviewInput(
            verdict=review_store.MISSED, reviewer=body.reviewer, cameo_code=body.cameo_code.strip(),
            plover_type=(body.plover_type or "").strip().upper() or None, plover_mode=(body.plover_mode or "").strip() or None,
            quad_class=body.quad_class, modality=body.modality or None, sources=codes(body.sources),
            targets=codes(body.targets), note=body.note)
        try:
            with state.lock:
                return review_store.add_missed(q.cur, {"article_id": art[0], "body": art[1]}, tuple(sent), inp,
                                               trigger=body.trigger)
        except review_store.ReviewError as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.get("/api/reviews", tags=["reviews"], summary="Latest review of each reviewed event, as gold records")
    def api_reviews(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0),
                    q: Queries = Depends(cursor)) -> dict[str, Any]:
        recs = [review_store.gold_record(r) for r in review_store.latest_reviews(q.cur)]
        return {"total": len(recs), "limit": limit, "offset": offset, "reviews": recs[::-1][offset:offset + limit]}

    @app.get("/api/reviews.jsonl", tags=["reviews"], response_class=StreamingResponse,
             summary="Gold JSONL of every reviewed event (what `eventwire eval reviews` reads)")
    def api_reviews_jsonl() -> StreamingResponse:
        def lines() -> Iterator[str]:
            cur = state.con.cursor()
            try:
                yield from review_store.export_gold(cur)
            finally:
                cur.close()

        return StreamingResponse(lines(), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="reviews-gold.jsonl"'})

    @app.get("/api/articles/{article_id}", tags=["articles"],
             summary="One article with every annotation and its story / copy status")
    def api_article(article_id: str, q: Queries = Depends(cursor)) -> dict[str, Any]:
        art = q.article(article_id[:64])
        if art is None:
            raise HTTPException(404, "no such article")
        return art

    @app.get("/api/search", tags=["articles"], summary="Full-text search over article titles and bodies (BM25)")
    def api_search(q_: str = Query(..., alias="q", min_length=1, max_length=200),
                   limit: int = Query(20, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=100_000),
                   q: Queries = Depends(cursor)) -> dict[str, Any]:
        with state.lock:
            return state.search.search(q.cur, q_, limit, offset)

    # ------------------------------------------------------------------ pages

    def story_label(q: Queries, f: EventFilter) -> str | None:
        if not f.story or not state.corpus.stories:
            return None
        r = q.cur.execute("SELECT label FROM stories WHERE story_id = ?", [f.story]).fetchone()
        return (r[0] or f.story) if r else None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request, f: EventFilter = Depends(_filter_dep), unit: str = Depends(unit_dep),
                  q: Queries = Depends(cursor)):
        return page(request, "dashboard.html", "dashboard", counts=q.counts(), f=f, unit=unit,
                    pairs=q.actor_pairs(f, 15, unit), modalities=q.breakdown("modality", f, unit=unit),
                    plover=q.breakdown("plover_type", f, 12, unit),
                    countries=q.breakdown("location_country", f, 12, unit), query={**f.active(), "unit": unit},
                    story_label=story_label(q, f), period=q.article_period())

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, page_no: int = Query(1, alias="page", ge=1, le=1_000_000),
                    per_page: int = Query(50, ge=1, le=MAX_PAGE),
                    sort: str = Query("day", pattern="^(day|day_asc|goldstein|confidence|cameo|reports)$"),
                    unit: str | None = Query(None, pattern="^(aggregated|coded)$"),
                    f: EventFilter = Depends(_filter_dep), q: Queries = Depends(cursor)):
        unit = unit or "coded"  # the table lists coded events unless asked for real-world ones
        if unit == "aggregated" and not state.corpus.aggregated:
            raise HTTPException(422, "this database has no corpus view (aggregated events): "
                                     "run `eventwire corpus update`")
        if unit == "coded" and sort == "reports":
            sort = "day"
        total = q.count_events(f, unit)
        other = None  # the other tab's count
        if state.corpus.aggregated:
            other = q.count_events(f, "coded" if unit == "aggregated" else "aggregated")
        pages = max(1, math.ceil(total / per_page))
        offset = (page_no - 1) * per_page
        if unit == "aggregated":
            rows = q.list_aggregated(f, per_page, offset, sort)
        else:
            rows = q.list_events(f, per_page, offset, sort)
        return page(request, "events.html", "events", f=f, rows=rows, total=total, other_total=other, page_no=page_no,
                    pages=pages, per_page=per_page, sort=sort, facets=q.facets(), unit=unit,
                    query={**f.active(), "sort": sort, "per_page": per_page, "unit": unit},
                    story_label=story_label(q, f))

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str, q: Queries = Depends(cursor)):
        ev = q.event(event_id[:64])
        if ev is None:
            raise HTTPException(404, "no such event")
        aggs = q.aggregates_of_event(ev["event_id"])
        mentions = q.mentions(ev)
        by_agg: dict[str, list[dict[str, Any]]] = {}
        for m in mentions:
            by_agg.setdefault(m.get("agg_event_id") or "", []).append(m)
        return page(request, "event.html", "events", e=ev, evidence=render.evidence_html(ev),
                    aggs=aggs, mentions=mentions, by_agg=by_agg, same=q.sentence_events(ev),
                    reviews=review_store.reviews_for_event(q.cur, ev["event_id"]),
                    label=render.event_label(ev), modalities=review_store.MODALITIES)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, q: Queries = Depends(cursor)):
        art = q.article(article_id[:64])
        if art is None:
            raise HTTPException(404, "no such article")
        body_html = render.highlight(art["body"], render.article_spans(art))
        missed = review_store.missed_for_article(q.cur, art["article_id"])
        sentences = [(s["idx"], art["body"][s["char_start"]:s["char_end"]]) for s in art["sentences"]]
        return page(request, "article.html", "", a=art, body_html=body_html, missed=missed, sentences=sentences,
                    modalities=review_store.MODALITIES)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, page_no: int = Query(1, alias="page", ge=1, le=1_000_000),
                     per_page: int = Query(50, ge=1, le=MAX_PAGE),
                     sort: str = Query("recent", pattern="^(recent|oldest|articles|events)$"),
                     q_: str = Query("", alias="q", max_length=200), q: Queries = Depends(cursor)):
        text = q_.strip() or None
        total = q.count_stories(text)
        rows = q.list_stories(per_page, (page_no - 1) * per_page, sort, text)
        return page(request, "stories.html", "stories", rows=rows, total=total, page_no=page_no,
                    pages=max(1, math.ceil(total / per_page)), per_page=per_page, sort=sort, q=q_,
                    query={"q": text, "sort": sort, "per_page": per_page})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, q: Queries = Depends(cursor)):
        st = q.story(story_id[:64])
        if st is None:
            raise HTTPException(404, "no such story" if state.corpus.stories else
                                "this database has no stories (corpus view): run `eventwire corpus update`")
        return page(request, "story.html", "stories", s=st)

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request, f: EventFilter = Depends(_filter_dep), unit: str = Depends(unit_dep),
                 q: Queries = Depends(cursor)):
        return page(request, "map.html", "map", f=f, facets=q.facets(), unit=unit,
                    query={**f.active(), "unit": unit}, story_label=story_label(q, f))

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request, f: EventFilter = Depends(_filter_dep), unit: str = Depends(unit_dep),
                     q: Queries = Depends(cursor)):
        return page(request, "network.html", "network", f=f, facets=q.facets(), unit=unit,
                    query={**f.active(), "unit": unit}, pairs=q.actor_pairs(f, 40, unit), story_label=story_label(q, f))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q_: str = Query("", alias="q", max_length=200),
                    page_no: int = Query(1, alias="page", ge=1, le=5000), q: Queries = Depends(cursor)):
        res = None
        if q_.strip():
            with state.lock:
                res = state.search.search(q.cur, q_, 20, (page_no - 1) * 20)
        pages = max(1, math.ceil((res or {}).get("total", 0) / 20))
        return page(request, "search.html", "search", q=q_, res=res, page_no=page_no, pages=pages)

    @app.get("/reviews", response_class=HTMLResponse, include_in_schema=False)
    def reviews_page(request: Request, q: Queries = Depends(cursor)):
        recs = [review_store.gold_record(r) for r in review_store.latest_reviews(q.cur)][::-1][:MAX_PAGE]
        return page(request, "reviews.html", "reviews", recs=recs)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request):
        spec = app.openapi()
        ops = []
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                params = [(p["name"], p.get("in"), p.get("required", False), p.get("description", ""))
                          for p in op.get("parameters", [])]
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                            "params": params, "tag": (op.get("tags") or [""])[0]})
        return page(request, "api.html", "api", ops=ops, token_header=TOKEN_HEADER)

    @app.exception_handler(FilterError)
    async def filter_error(request: Request, exc: FilterError) -> Response:
        return await http_error(request, StarletteHTTPException(422, str(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.method != "GET":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return HTMLResponse(env.get_template("error.html").render(
            request=request, nav="", writable=state.writable, db_name=Path(state.db_path).name,
            corpus=state.corpus, status=exc.status_code, detail=exc.detail), status_code=exc.status_code)

    return app
