"""Bring the corpus view up to date with the articles in the database, incrementally.

:func:`update_corpus` finds the articles the corpus view has not seen (or whose rows were replaced by
``eventwire run --reprocess``) and, chunk by chunk, each chunk in one transaction:

1. computes their features (word-shingle MinHash signatures, LSH buckets, anchors) and stores them;
2. finds their copies among *all* stored articles through the persisted indexes (equal body hashes,
   shared LSH buckets, shared rare anchors within a time window), verifies each candidate with the
   rules of :mod:`eventwire.corpus.dedup`, and regroups only the duplicate groups they touch;
3. puts each new article in a story (:mod:`eventwire.corpus.stories`);
4. turns their coded events into mentions and re-aggregates only the aggregated events whose
   mentions, duplicate groups or stories changed (:mod:`eventwire.corpus.aggregate`);
5. refreshes the stories it touched.

Old articles are never re-read except the few that are candidate copies of a new one, so the cost of
an update follows the number of new articles (plus a few column scans; ``bench/corpus_bench.py``
measures it). ``rebuild=True`` empties the corpus tables and processes every article again.

An interrupted update loses only the chunk in flight; the next update carries on.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.corpus import aggregate, dedup, signatures, stories
from eventwire.corpus.text import anchors, body_hash, fold, seen_at, shingles, words
from eventwire.ids import stable_id
from eventwire.stopping import reraise_if_stopping
from eventwire.store.schema import CORPUS_TABLES, table_schemas
# the SQL helpers on the raw connection (eventwire.store.sql), under the names this module's queries use
from eventwire.store.sql import (dicts as _dicts, execute as _exec, fetch as _fetch, fetch_arrow as _fetch_arrow,
                                 fetchone as _fetchone, insert_rows as _insert)

#: Articles per chunk (per transaction).
DEFAULT_CHUNK = 500
#: Rarest anchors of a new article used to look up candidates (story partners, translations).
QUERY_ANCHORS = 24
#: Anchors kept per article: the first this many, in order of first occurrence. A list page ("case
#: 10000, case 10001, ...") has tens of thousands; their rank is stored as ``article_anchors.rank``
#: (SMALLINT, at most 32,767), and one such article used to make every corpus update fail. The first
#: 2,000 anchors are far more than any news article has (a 2,000-word article has a few hundred), so
#: the rules of :mod:`eventwire.corpus.dedup` and :mod:`eventwire.corpus.stories` see every anchor of
#: a real article; the rest of a list page's numbers add nothing to them.
#:
#: The other narrow integer columns of the corpus view were audited with this one: ``minhash_bands.band``
#: (SMALLINT) holds a band number below ``2 * signatures.BANDS``; every count and offset is INTEGER
#: (documents are capped at ``--max-bytes``, 20 MB, far below 2**31) or BIGINT.
MAX_ANCHORS = 2_000


@dataclass
class CorpusStats:
    """What one corpus update did (printed by ``eventwire corpus update`` and after ``eventwire run``)."""

    articles: int = 0          # articles added to the corpus view
    failed: int = 0            # articles that could not be added (see ``failures``); the next update retries them
    retracted: int = 0         # articles whose corpus rows were dropped (reprocessed or deleted)
    duplicates: int = 0        # new articles found to be copies (is_duplicate after the update)
    pairs: dict[str, int] = field(default_factory=dict)  # verified duplicate pairs by kind
    new_stories: int = 0       # stories started
    joined_stories: int = 0    # new articles that joined an existing story
    merged_stories: int = 0    # stories merged into another
    mentions: int = 0          # event mentions added
    aggregated: int = 0        # aggregated events written (new or updated)
    elapsed_s: float = 0.0
    #: the articles that could not be added: ``{"article_id", "reason", "detail"}`` each
    failures: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict."""
        d = dict(self.__dict__)
        d["pairs"] = dict(self.pairs)
        d["failures"] = list(self.failures)
        return d

    def add(self, other: "CorpusStats") -> None:
        """Add the counters of ``other`` (a chunk's update, counted apart until it is committed)."""
        for k, v in other.__dict__.items():
            if k == "pairs":
                for kind, n in v.items():
                    self.pairs[kind] = self.pairs.get(kind, 0) + n
            elif k == "failures":
                self.failures.extend(v)
            elif k != "elapsed_s":
                setattr(self, k, getattr(self, k) + v)


@dataclass(slots=True)
class _Art:
    """A new article's features, kept in memory for one chunk."""

    article_id: str
    run_id: str | None
    title: str | None
    language: str | None
    translated_from: str | None
    published: str | None
    stored_at: datetime | None
    seen_at: datetime
    seen_basis: str
    outlet_key: str | None
    body_chars: int
    lead_end: int
    body_hash: str
    shingles: set[bytes]
    sig: Any
    lead_sig: Any
    anchors: dict[str, int]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def outlet_key(outlet_domain: str | None, outlet: str | None) -> str | None:
    """The key an outlet is counted by (GDELT NumSources): its domain, else its folded name."""
    if outlet_domain:
        d = outlet_domain.lower().strip()
        return d[4:] if d.startswith("www.") else d
    if outlet:
        return " ".join(fold(outlet).split())
    return None


#: A paragraph of at least this many words is the lead; shorter ones before it (datelines, bylines, a
#: republisher's header) are skipped over.
LEAD_MIN_WORDS = 15


def lead_end(body: str) -> int:
    """Offset of the end of the lead paragraph: the first paragraph of at least
    :data:`LEAD_MIN_WORDS` words (GDELT's IsRootEvent marks events of the lead paragraph)."""
    pos = 0
    for para in body.split("\n\n"):
        pos += len(para)
        if len(para.split()) >= LEAD_MIN_WORDS:
            return pos
        pos += 2
    return len(body)


def features(row: dict[str, Any], with_signatures: bool = True, with_anchors: bool = True) -> _Art:
    """Compute an article's features from its ``articles`` row (plus ``processed_at``); the MinHash
    signatures only when ``with_signatures`` (a stored candidate needs its shingles and anchors only);
    the anchors only when ``with_anchors`` (else ``{}``: a stored candidate's anchors are read from
    ``article_anchors``)."""
    body = row["body"] or ""
    toks = words(body)
    sh = shingles(toks)
    lead = shingles(toks[: signatures.LEAD_WORDS])
    s_at, basis = seen_at(row.get("published"), row.get("processed_at"))
    return _Art(
        article_id=row["article_id"], run_id=row.get("run_id"), title=row.get("title"),
        language=row.get("language"), translated_from=row.get("translated_from"),
        published=row.get("published"), stored_at=row.get("processed_at"), seen_at=s_at, seen_basis=basis,
        outlet_key=outlet_key(row.get("outlet_domain"), row.get("outlet")), body_chars=len(body),
        lead_end=lead_end(body), body_hash=body_hash(toks), shingles=set(sh),
        sig=signatures.minhash(sh) if with_signatures else None,
        lead_sig=signatures.minhash(lead) if with_signatures else None,
        anchors=dict(anchors(body)[:MAX_ANCHORS]) if with_anchors else {})


# -- the update ----------------------------------------------------------------------------------

def pending_articles(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(new article ids in publication order, stale ids) of the corpus view.

    Stale: in ``article_corpus`` but deleted from ``articles`` or rewritten by a later run.
    """
    stale = [r[0] for r in con.execute(
        "SELECT c.article_id FROM article_corpus c LEFT JOIN articles a USING (article_id) "
        "WHERE a.article_id IS NULL OR a.run_id IS DISTINCT FROM c.article_run_id").fetchall()]
    new = con.execute(
        "SELECT a.article_id FROM articles a ANTI JOIN article_corpus c USING (article_id) "
        "ORDER BY a.published NULLS LAST, a.article_id").fetch_arrow_table()
    ids = new.column(0).to_pylist() if new.num_rows else []
    return ids, stale


def update_corpus(con: duckdb.DuckDBPyConnection, *, rebuild: bool = False, chunk_size: int = DEFAULT_CHUNK,
                  log: Callable[[str], None] | None = None) -> CorpusStats:
    """Update duplicates, stories and aggregated events for the articles not yet in the corpus view.

    Args:
        con: a writable connection to an eventwire database (schema version 2 or later).
        rebuild: empty the corpus tables first and process every article.
        chunk_size: articles per chunk (one transaction each).
        log: called with progress messages.

    A chunk that fails is rolled back and its articles are added one by one, each in its own
    transaction, so that one article that cannot be added (a value a column refuses, a bug met by
    one text) never keeps the others out of the view: it is left out, listed in
    ``CorpusStats.failures`` (``failed`` counts it), and retried by the next update.

    Returns:
        The update's :class:`CorpusStats`.

    Raises:
        duckdb.Error: the database cannot be written (the retraction of replaced articles failed,
            or an error that is not one article's); earlier chunks are kept.
        KeyboardInterrupt: the chunk in flight is rolled back, earlier chunks are kept.
    """
    t0 = time.perf_counter()
    st = CorpusStats()
    con.execute("SET enable_progress_bar = false")  # it would print over the caller's output
    if rebuild:
        _transaction(con, lambda: [con.execute(f'DELETE FROM "{t}"') for t in CORPUS_TABLES])
    new_ids, stale = pending_articles(con)
    if stale:
        _transaction(con, lambda: _retract(con, stale, st))
        new_ids, _ = pending_articles(con)
    for i in range(0, len(new_ids), chunk_size):
        _add_chunk_each(con, new_ids[i:i + chunk_size], st)
        if log:
            log(f"corpus: {min(i + chunk_size, len(new_ids)):,}/{len(new_ids):,} articles")
    st.elapsed_s = time.perf_counter() - t0
    return st


def _add_chunk_each(con: duckdb.DuckDBPyConnection, chunk: list[str], st: CorpusStats) -> None:
    """Add ``chunk`` in one transaction; if it fails, add its articles one by one (each failure listed
    in ``st.failures``). Counters are added to ``st`` only for what was committed."""
    import traceback

    def attempt(ids: list[str]) -> BaseException | None:
        part = CorpusStats()
        try:
            _transaction(con, lambda: _add_chunk(con, ids, part))
        except (duckdb.InterruptException, MemoryError):
            raise
        except Exception as exc:  # returned to the caller, which retries or records it
            reraise_if_stopping(exc)  # DuckDB's "Query interrupted" is a stop, not a poison article
            return exc
        st.add(part)
        return None

    if attempt(chunk) is None:
        return
    for aid in chunk:  # some article cannot be added: find it, article by article
        exc = attempt([aid])
        if exc is not None:  # left out, listed, and retried by the next update
            st.failed += 1
            st.failures.append({"article_id": aid, "reason": f"{type(exc).__name__}: {exc}"[:300],
                                "detail": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__,
                                                                             limit=5))[-4000:]})


def _transaction(con: duckdb.DuckDBPyConnection, fn: Callable[[], Any]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        fn()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# -- adding a chunk ------------------------------------------------------------------------------

def _load(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[_Art]:
    rows = _dicts(con, """
        SELECT a.article_id, a.run_id, a.title, a.body, a.language, a.translated_from, a.published,
               a.outlet, a.outlet_domain, d.processed_at
        FROM articles a LEFT JOIN documents d USING (doc_id)
        WHERE a.article_id IN (SELECT unnest(?))""", ids)
    arts = [features(r) for r in rows]
    arts.sort(key=lambda a: (a.seen_at, a.article_id))
    return arts


def _add_chunk(con: duckdb.DuckDBPyConnection, ids: list[str], st: CorpusStats) -> None:
    arts = _load(con, ids)
    if not arts:
        return
    now = _now()
    by_id = {a.article_id: a for a in arts}
    _store_features(con, arts, now)
    n_docs = con.execute("SELECT count(*) FROM article_corpus").fetchone()[0]
    weights = _weights(con, {x for a in arts for x in a.anchors}, n_docs)

    edges = _find_duplicates(con, arts, by_id, weights, n_docs, now, st)
    changed: set[str] = set()
    if edges:
        groups = {r[0] for r in _fetch(
            con, "SELECT DISTINCT dup_group FROM article_corpus WHERE article_id IN (SELECT unnest(?))",
            {x for e in edges for x in e})}
        changed |= _regroup(con, groups, now)
    touched_stories = _assign_stories(con, arts, weights, n_docs, now, st, changed)
    st.articles += len(arts)
    st.duplicates += _fetchone(con, "SELECT count(*) FROM article_corpus WHERE is_duplicate AND article_id IN (SELECT unnest(?))", ids)[0]

    keys = _add_mentions(con, arts, st)
    old_changed = [x for x in changed if x not in by_id]
    if old_changed:
        keys |= {r[0] for r in _fetch(con, "SELECT DISTINCT agg_event_id FROM event_mentions WHERE article_id IN (SELECT unnest(?))", old_changed)}
        touched_stories |= {r[0] for r in _fetch(con, "SELECT DISTINCT story_id FROM article_corpus WHERE article_id IN (SELECT unnest(?)) "
            "AND story_id IS NOT NULL", old_changed)}
    _reaggregate(con, keys, now, st)
    _refresh_stories(con, touched_stories, now)


def _store_features(con: duckdb.DuckDBPyConnection, arts: list[_Art], now: datetime) -> None:
    _insert(con, "article_corpus", [{
        "article_id": a.article_id, "article_run_id": a.run_id, "language": a.language,
        "translated_from": a.translated_from, "seen_at": a.seen_at, "seen_basis": a.seen_basis,
        "outlet_key": a.outlet_key, "body_hash": a.body_hash, "body_chars": a.body_chars,
        "n_shingles": len(a.shingles), "minhash": signatures.to_blob(a.sig),
        "lead_minhash": signatures.to_blob(a.lead_sig), "n_anchors": len(a.anchors),
        "dup_group": a.article_id, "is_duplicate": False, "duplicate_of": None, "duplicate_kind": None,
        "duplicate_score": None, "story_id": None, "story_score": None, "updated_at": now,
    } for a in arts])
    bands = []
    for a in arts:
        for band, bucket in signatures.band_buckets(a.sig) + signatures.band_buckets(
                a.lead_sig, signatures.LEAD_BAND_OFFSET):
            bands.append({"article_id": a.article_id, "band": band, "bucket": bucket})
    _insert(con, "minhash_bands", bands)
    anc = [{"article_id": a.article_id, "anchor": x, "rank": r, "seen_at": a.seen_at, "language": a.language}
           for a in arts for x, r in a.anchors.items()]
    _insert(con, "article_anchors", anc)
    counts: dict[str, int] = {}
    for a in arts:
        for x in a.anchors:
            counts[x] = counts.get(x, 0) + 1
    _bump_df(con, counts)


def _bump_df(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
    """Add ``counts`` (anchor -> articles) to ``anchor_df`` (negative counts subtract)."""
    if not counts:
        return
    con.register("_ew_df", pa.table({"anchor": list(counts), "n": list(counts.values())}))
    try:
        con.execute("INSERT INTO anchor_df SELECT anchor, n FROM _ew_df ON CONFLICT (anchor) "
                    "DO UPDATE SET df = anchor_df.df + EXCLUDED.df")
        con.execute("DELETE FROM anchor_df WHERE df <= 0")
    finally:
        con.unregister("_ew_df")


def _weights(con: duckdb.DuckDBPyConnection, anchor_set: Iterable[str], n_docs: int) -> dict[str, float]:
    """anchor -> IDF weight (:func:`eventwire.corpus.dedup.idf`) from ``anchor_df``."""
    xs = list(anchor_set)
    if not xs:
        return {}
    rows = _fetch(con, "SELECT anchor, df FROM anchor_df WHERE anchor IN (SELECT unnest(?))", xs)
    df = dict(rows)
    return {x: dedup.idf(df.get(x, 0), n_docs) for x in xs}


def _query_anchors(a: _Art, weights: dict[str, float]) -> list[str]:
    """The rarest :data:`QUERY_ANCHORS` anchors of an article (highest IDF, then first occurrence)."""
    return sorted(a.anchors, key=lambda x: (-weights.get(x, 1.0), a.anchors[x]))[:QUERY_ANCHORS]


def _window(arts: list[_Art], days: int) -> tuple[str, str]:
    """The chunk's time span widened by ``days`` on both sides, as SQL timestamp literals (our own
    datetimes). A constant range lets DuckDB skip whole row groups of ``article_anchors`` by their
    min/max ``seen_at`` (zone maps): anchors are stored in the order articles arrive, which for a news
    stream follows publication time, so an update reads only the recent part of the table."""
    lo = min(a.seen_at for a in arts) - timedelta(days=days)
    hi = max(a.seen_at for a in arts) + timedelta(days=days)
    return lo.strftime("%Y-%m-%d %H:%M:%S"), hi.strftime("%Y-%m-%d %H:%M:%S")


def _order(a_seen: datetime, a_id: str, b_seen: datetime, b_id: str) -> bool:
    """True when article a comes after article b (the later one is the copy)."""
    return (a_seen, a_id) > (b_seen, b_id)


def _find_duplicates(con, arts: list[_Art], by_id: dict[str, _Art], weights: dict[str, float], n_docs: int,
                     now: datetime, st: CorpusStats) -> list[tuple[str, str]]:
    """Find and verify the copies of the chunk's articles; store them in ``duplicate_pairs``.

    Returns the verified pairs ``(later article, earlier article)``.
    """
    ids = [a.article_id for a in arts]
    cand: dict[tuple[str, str], str] = {}  # (new id, other id) -> how it was found

    # exact: equal body hashes
    for nid, oid in _fetch(con, """
            SELECT n.article_id, o.article_id FROM article_corpus n JOIN article_corpus o USING (body_hash)
            WHERE n.article_id IN (SELECT unnest(?)) AND o.article_id <> n.article_id AND n.n_shingles > 0""", ids):
        cand[(nid, oid)] = "exact"
    # near: a shared LSH bucket (full or lead signature); one scan of the bucket column
    nb = [(a.article_id, bucket) for a in arts
          for _, bucket in signatures.band_buckets(a.sig) + signatures.band_buckets(a.lead_sig, signatures.LEAD_BAND_OFFSET)]
    if nb:
        con.register("_ew_nb", pa.table({"article_id": [x for x, _ in nb], "bucket": [y for _, y in nb]},
                                        schema=pa.schema([("article_id", pa.string()), ("bucket", pa.int64())])))
        try:
            for nid, oid in con.execute("""
                    SELECT DISTINCT n.article_id, o.article_id FROM _ew_nb n JOIN minhash_bands o USING (bucket)
                    WHERE o.article_id <> n.article_id""").fetchall():
                cand.setdefault((nid, oid), "lsh")
        finally:
            con.unregister("_ew_nb")
    # translation: rare anchors shared with an article in another language, published close in time
    q = [{"article_id": a.article_id, "anchor": x, "seen_at": a.seen_at, "language": a.language}
         for a in arts if a.language for x in _query_anchors(a, weights)]
    if q:
        con.register("_ew_q", pa.Table.from_pylist(q, schema=pa.schema([
            ("article_id", pa.string()), ("anchor", pa.string()), ("seen_at", pa.timestamp("us")),
            ("language", pa.string())])))
        try:
            lo, hi = _window(arts, dedup.TRANSLATION_DAYS)
            rows = con.execute(f"""
                SELECT q.article_id, o.article_id, count(*) AS shared
                FROM _ew_q q JOIN article_anchors o ON o.anchor = q.anchor
                WHERE o.article_id <> q.article_id AND o.language IS NOT NULL AND o.language <> q.language
                  AND o.seen_at BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'
                  AND o.seen_at BETWEEN q.seen_at - INTERVAL {dedup.TRANSLATION_DAYS} DAY
                                    AND q.seen_at + INTERVAL {dedup.TRANSLATION_DAYS} DAY
                GROUP BY q.article_id, o.article_id HAVING count(*) >= {max(2, dedup.MIN_SHARED_ANCHORS // 2)}
                QUALIFY row_number() OVER (PARTITION BY q.article_id ORDER BY count(*) DESC, o.article_id) <= 20
                """).fetchall()
        finally:
            con.unregister("_ew_q")
        for nid, oid, _ in rows:
            cand.setdefault((nid, oid), "anchors")

    # each unordered pair once
    pairs: dict[tuple[str, str], str] = {}
    for (x, y), how in cand.items():
        key = (x, y) if x < y else (y, x)
        if key not in pairs or how == "exact":
            pairs[key] = how
    if not pairs:
        return []
    others = {i for p in pairs for i in p if i not in by_id}
    other_arts = _load_others(con, others)
    all_arts = {**other_arts, **by_id}
    if others:
        weights.update(_weights(con, {x for o in other_arts.values() for x in o.anchors} - set(weights), n_docs))

    out: list[tuple[str, str]] = []
    rows = []
    for (x, y), how in sorted(pairs.items()):
        a, b = all_arts.get(x), all_arts.get(y)
        if a is None or b is None:
            continue
        if how == "exact" or (a.body_hash == b.body_hash):
            m: dedup.Match | None = dedup.Match("exact", jaccard=1.0, containment=1.0)
        elif how == "lsh":
            m = dedup.verify_near(a.shingles, b.shingles)
        else:
            m = None
        if m is None and a.language and b.language and a.language != b.language \
                and abs((a.seen_at - b.seen_at).total_seconds()) <= dedup.TRANSLATION_DAYS * 86400:
            m = dedup.verify_translation(a.anchors, b.anchors, a.body_chars, b.body_chars, weights)
        if m is None:
            continue
        later, earlier = (a, b) if _order(a.seen_at, a.article_id, b.seen_at, b.article_id) else (b, a)
        out.append((later.article_id, earlier.article_id))
        rows.append({"article_id": later.article_id, "other_id": earlier.article_id, "kind": m.kind,
                     "jaccard": m.jaccard, "containment": m.containment, "anchor_overlap": m.anchor_overlap,
                     "order_tau": m.order_tau, "found_at": now})
        st.pairs[m.kind] = st.pairs.get(m.kind, 0) + 1
    _insert(con, "duplicate_pairs", rows)
    return out


def _load_others(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, _Art]:
    """Features of stored candidate articles (re-read: their body for the shingles, their anchors)."""
    if not ids:
        return {}
    rows = _dicts(con, """
        SELECT a.article_id, a.run_id, a.title, a.body, a.language, a.translated_from, a.published,
               a.outlet, a.outlet_domain, d.processed_at
        FROM articles a LEFT JOIN documents d USING (doc_id)
        WHERE a.article_id IN (SELECT unnest(?))""", list(ids))
    out = {}
    for r in rows:
        art = features(r, with_signatures=False, with_anchors=False)
        out[art.article_id] = art
    # anchors as stored when the article joined the view (the same list `features` computes, in rank
    # order): recomputing them from every candidate's body grew with the corpus
    for aid, anc, rank in _fetch(con, "SELECT article_id, anchor, rank FROM article_anchors "
                                       "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, rank", list(ids)):
        if aid in out:
            out[aid].anchors[anc] = rank
    # seen_at as stored (a rebuild recomputes it the same way; keep the stored value authoritative)
    for aid, s in _fetch(con, "SELECT article_id, seen_at FROM article_corpus WHERE article_id IN (SELECT unnest(?))", list(ids)):
        if aid in out and s is not None:
            out[aid].seen_at = s
    return out


def _regroup(con: duckdb.DuckDBPyConnection, groups: set[str], now: datetime) -> set[str]:
    """Recompute the duplicate groups ``groups`` from the stored pairs: components, their original
    and each member's duplicate fields. Returns the articles whose group or status changed."""
    members = _dicts(con, """
        SELECT article_id, dup_group, is_duplicate, duplicate_of, language, translated_from, seen_at,
               body_hash, n_shingles FROM article_corpus WHERE dup_group IN (SELECT unnest(?))""", list(groups))
    if not members:
        return set()
    ids = [m["article_id"] for m in members]
    edges = _dicts(con, """
        SELECT article_id, other_id, kind, jaccard, containment, anchor_overlap FROM duplicate_pairs
        WHERE article_id IN (SELECT unnest(?)) OR other_id IN (SELECT unnest(?))""", ids, ids)
    info = {m["article_id"]: m for m in members}
    uf = dedup.UnionFind(ids)
    score: dict[tuple[str, str], float] = {}
    for e in edges:
        if e["article_id"] in info and e["other_id"] in info:
            uf.union(e["article_id"], e["other_id"])
            s = dedup.Match(e["kind"], e["jaccard"], e["containment"], e["anchor_overlap"]).score
            score[(e["article_id"], e["other_id"])] = score[(e["other_id"], e["article_id"])] = s
    # each article's best edge score, built once (scanning all edges per member was quadratic)
    best_score: dict[str, float] = {}
    for (p, _q), v in score.items():
        if p not in best_score or v > best_score[p]:
            best_score[p] = v
    changed: set[str] = set()
    upd = []
    for comp in uf.groups().values():
        orig = min(comp, key=lambda x: (info[x]["translated_from"] is not None, info[x]["seen_at"],
                                        -(info[x]["n_shingles"] or 0), x))
        o = info[orig]
        for x in comp:
            m = info[x]
            dup = x != orig
            if not dup:
                kind, sc = None, None
            else:
                if m["body_hash"] == o["body_hash"]:
                    kind = "exact"
                elif m["language"] and o["language"] and m["language"] != o["language"]:
                    kind = "translation"
                else:
                    kind = "near"
                sc = score.get((x, orig))
                if sc is None:
                    sc = best_score.get(x)
            if m["dup_group"] != orig or bool(m["is_duplicate"]) != dup:
                changed.add(x)
            upd.append({"article_id": x, "dup_group": orig, "is_duplicate": dup, "duplicate_of": orig if dup else None,
                        "duplicate_kind": kind, "duplicate_score": sc, "updated_at": now})
    con.register("_ew_upd", pa.Table.from_pylist(upd, schema=pa.schema([
        ("article_id", pa.string()), ("dup_group", pa.string()), ("is_duplicate", pa.bool_()),
        ("duplicate_of", pa.string()), ("duplicate_kind", pa.string()), ("duplicate_score", pa.float64()),
        ("updated_at", pa.timestamp("us", tz="UTC"))])))
    try:
        con.execute("""UPDATE article_corpus SET dup_group = u.dup_group, is_duplicate = u.is_duplicate,
                       duplicate_of = u.duplicate_of, duplicate_kind = u.duplicate_kind,
                       duplicate_score = u.duplicate_score, updated_at = u.updated_at
                       FROM _ew_upd u WHERE article_corpus.article_id = u.article_id""")
    finally:
        con.unregister("_ew_upd")
    return changed


def _assign_stories(con, arts: list[_Art], weights: dict[str, float], n_docs: int, now: datetime,
                    st: CorpusStats, changed: set[str]) -> set[str]:
    """Give every new article a story (through its copies, else through its anchors). Returns the
    stories touched. Articles moved by a story merge are added to ``changed``."""
    ids = [a.article_id for a in arts]
    state = {r["article_id"]: r for r in _dicts(con, """
        SELECT c.article_id, c.dup_group, c.story_id FROM article_corpus c
        WHERE c.dup_group IN (SELECT dup_group FROM article_corpus WHERE article_id IN (SELECT unnest(?)))""", ids)}
    group_of = {k: v["dup_group"] for k, v in state.items()}
    story_of = {k: v["story_id"] for k, v in state.items()}
    first_seen = {r[0]: r[1] for r in _fetch(
        con, "SELECT story_id, first_seen FROM stories WHERE story_id IN (SELECT unnest(?))",
        {s for s in story_of.values() if s})}

    # story candidates by rare anchors, within the time window
    q = [{"article_id": a.article_id, "anchor": x, "seen_at": a.seen_at} for a in arts for x in _query_anchors(a, weights)]
    cands: dict[str, list[str]] = {}
    if q:
        con.register("_ew_q", pa.Table.from_pylist(q, schema=pa.schema([
            ("article_id", pa.string()), ("anchor", pa.string()), ("seen_at", pa.timestamp("us"))])))
        try:
            lo, hi = _window(arts, stories.STORY_DAYS)
            for nid, oid, _ in con.execute(f"""
                    SELECT q.article_id, o.article_id, count(*) AS shared
                    FROM _ew_q q JOIN article_anchors o ON o.anchor = q.anchor
                    WHERE o.article_id <> q.article_id
                      AND o.seen_at BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'
                      AND o.seen_at BETWEEN q.seen_at - INTERVAL {stories.STORY_DAYS} DAY
                                        AND q.seen_at + INTERVAL {stories.STORY_DAYS} DAY
                    GROUP BY q.article_id, o.article_id HAVING count(*) >= {stories.MIN_SHARED}
                    QUALIFY row_number() OVER (PARTITION BY q.article_id ORDER BY count(*) DESC, o.article_id)
                            <= {stories.MAX_CANDIDATES}""").fetchall():
                cands.setdefault(nid, []).append(oid)
        finally:
            con.unregister("_ew_q")
    by_id = {a.article_id: a for a in arts}
    other_ids = {o for os_ in cands.values() for o in os_ if o not in by_id}
    other_anchors: dict[str, dict[str, int]] = {}
    other_story: dict[str, str | None] = {}
    if other_ids:
        for aid, anc, rank in _fetch(
                con, "SELECT article_id, anchor, rank FROM article_anchors WHERE article_id IN (SELECT unnest(?))",
                other_ids):
            other_anchors.setdefault(aid, {})[anc] = rank
        for aid, sid in _fetch(
                con, "SELECT article_id, story_id FROM article_corpus WHERE article_id IN (SELECT unnest(?))",
                other_ids):
            other_story[aid] = sid
        missing = {x for o in other_anchors.values() for x in o} - set(weights)
        weights.update(_weights(con, missing, n_docs))
        more = {r[0]: r[1] for r in _fetch(
            con, "SELECT story_id, first_seen FROM stories WHERE story_id IN (SELECT unnest(?))",
            [s for s in other_story.values() if s])}
        first_seen.update(more)

    touched: set[str] = set()
    assign: dict[str, tuple[str, float | None]] = {}
    merges: dict[str, str] = {}  # story -> story it was merged into

    def resolve(s: str | None) -> str | None:
        while s in merges:
            s = merges[s]
        return s

    # duplicate group -> its members, built once: scanning every (article, group) pair per article
    # grew with the square of the chunk size
    members: dict[str, list[str]] = {}
    for x, gx in group_of.items():
        members.setdefault(gx, []).append(x)

    for a in arts:
        g = group_of.get(a.article_id, a.article_id)
        group_stories = {resolve(story_of.get(x)) for x in members.get(g, ()) if x != a.article_id}
        group_stories.discard(None)
        if group_stories:
            target = min(group_stories, key=lambda s: (first_seen.get(s) or a.seen_at, s))
            for s in group_stories - {target}:
                merges[s] = target
                st.merged_stories += 1
            story, score = target, 1.0
            st.joined_stories += 1
        else:
            best, best_sim = None, 0.0
            for o in cands.get(a.article_id, []):
                if o in by_id:
                    s = resolve(story_of.get(o))
                    oa = by_id[o].anchors
                else:
                    s = resolve(other_story.get(o))
                    oa = other_anchors.get(o, {})
                if s is None:
                    continue
                start = first_seen.get(s)
                if start is not None and abs(a.seen_at - start) > timedelta(days=stories.MAX_STORY_DAYS):
                    continue  # a story does not chain on for ever: past its span, a new story starts
                sim = stories.anchor_cosine(a.anchors, oa, weights)
                if sim > best_sim or (sim == best_sim and best is not None and s < best):
                    best, best_sim = s, sim
            if best is not None and best_sim >= stories.STORY_COSINE:
                story, score = best, round(best_sim, 4)
                st.joined_stories += 1
            else:
                story, score = stable_id("story", a.article_id), None
                first_seen[story] = a.seen_at
                st.new_stories += 1
        story_of[a.article_id] = story
        assign[a.article_id] = (story, score)
        touched.add(story)

    rows = [{"article_id": k, "story_id": resolve(v[0]), "story_score": v[1]} for k, v in assign.items()]
    con.register("_ew_st", pa.Table.from_pylist(rows, schema=pa.schema([
        ("article_id", pa.string()), ("story_id", pa.string()), ("story_score", pa.float64())])))
    try:
        con.execute("UPDATE article_corpus SET story_id = s.story_id, story_score = s.story_score "
                    "FROM _ew_st s WHERE article_corpus.article_id = s.article_id")
    finally:
        con.unregister("_ew_st")
    if merges:
        final = {s: resolve(s) for s in merges}
        moved = [r[0] for r in _fetch(
            con, "SELECT article_id FROM article_corpus WHERE story_id IN (SELECT unnest(?))", list(final))]
        changed.update(moved)
        for s, t in final.items():
            con.execute("UPDATE article_corpus SET story_id = ? WHERE story_id = ?", [t, s])
        _exec(con, "DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", list(final))
        touched -= set(final)
        touched |= set(final.values())
    return {resolve(s) for s in touched}


def _add_mentions(con: duckdb.DuckDBPyConnection, arts: list[_Art], st: CorpusStats) -> set[str]:
    """Insert the mentions of the chunk's events; returns their aggregated-event ids."""
    ids = [a.article_id for a in arts]
    ev = _fetch_arrow(con, "SELECT * FROM events WHERE article_id IN (SELECT unnest(?))", ids).to_pylist()
    if not ev:
        return set()
    places: dict[str, dict[int, tuple[str | None, str | None]]] = {}
    for aid, gid, admin1, fcode in _fetch(
            con, "SELECT article_id, geonameid, admin1, feature_code FROM places WHERE geonameid IS NOT NULL "
            "AND article_id IN (SELECT unnest(?))", ids):
        places.setdefault(aid, {}).setdefault(gid, (admin1, fcode))
    by_id = {a.article_id: a for a in arts}
    rows: list[dict[str, Any]] = []
    for e in ev:
        a = by_id[e["article_id"]]
        rows.extend(aggregate.mention_rows(
            e, {"published": a.published, "stored_at": a.stored_at, "seen_at": a.seen_at, "lead_end": a.lead_end},
            places.get(a.article_id, {})))
    _insert(con, "event_mentions", rows)
    st.mentions += len(rows)
    return {r["agg_event_id"] for r in rows}


def _reaggregate(con: duckdb.DuckDBPyConnection, keys: set[str], now: datetime, st: CorpusStats) -> None:
    """Recompute the aggregated events ``keys`` from their mentions (delete those left without one).

    The mentions of ``keys`` are read once (a scan of ``event_mentions``); the corpus rows of their
    articles and of their groups' originals, and the first articles' URLs, are looked up by primary
    key; :data:`eventwire.corpus.aggregate.AGGREGATE_SQL` then runs over these small tables.
    """
    if not keys:
        return
    con.register("_ew_keys", pa.table({"agg_event_id": sorted(keys)}))
    try:
        mentions = con.execute("SELECT * FROM event_mentions WHERE agg_event_id IN (SELECT agg_event_id FROM _ew_keys)"
                               ).fetch_arrow_table()
        added = dict(con.execute("SELECT agg_event_id, added_at FROM aggregated_events "
                                 "WHERE agg_event_id IN (SELECT agg_event_id FROM _ew_keys)").fetchall())
    finally:
        con.unregister("_ew_keys")
    _exec(con, "DELETE FROM aggregated_events WHERE agg_event_id IN (SELECT unnest(?))", sorted(keys))
    fresh: list[dict[str, Any]] = []
    if mentions.num_rows:
        art_ids = set(mentions.column("article_id").to_pylist())
        corpus = _fetch_arrow(con, "SELECT article_id, dup_group, is_duplicate, story_id, outlet_key "
                                   "FROM article_corpus WHERE article_id IN (SELECT unnest(?))", art_ids)
        originals = set(corpus.column("dup_group").to_pylist()) - art_ids
        if originals:
            corpus = pa.concat_tables([corpus, _fetch_arrow(
                con, "SELECT article_id, dup_group, is_duplicate, story_id, outlet_key "
                     "FROM article_corpus WHERE article_id IN (SELECT unnest(?))", originals)])
        urls = _fetch_arrow(con, "SELECT article_id, url, canonical_url, source FROM articles "
                                 "WHERE article_id IN (SELECT unnest(?))", art_ids)
        for name, table in (("_ew_m", mentions), ("_ew_ac", corpus), ("_ew_urls", urls)):
            con.register(name, table)
        try:
            fresh = con.execute(aggregate.AGGREGATE_SQL).fetch_arrow_table().to_pylist()
        finally:
            for name in ("_ew_m", "_ew_ac", "_ew_urls"):
                con.unregister(name)
    for r in fresh:
        r["global_event_id"] = aggregate.global_event_id(r["agg_event_id"])
        r["date_start"], r["date_end"] = aggregate.date_range(r["date"])
        r["added_at"] = added.get(r["agg_event_id"]) or now
        r["updated_at"] = now
    if fresh:
        cols = table_schemas()["aggregated_events"].names
        _insert(con, "aggregated_events", [{c: r.get(c) for c in cols} for r in fresh])
    st.aggregated += len(fresh)


def _refresh_stories(con: duckdb.DuckDBPyConnection, story_ids: set[str], now: datetime) -> None:
    """Recompute the ``stories`` rows of ``story_ids`` from their members (delete empty ones)."""
    story_ids = {s for s in story_ids if s}
    if not story_ids:
        return
    sids = sorted(story_ids)
    members = _dicts(con, """
        SELECT story_id, article_id, is_duplicate, seen_at, language, outlet_key FROM article_corpus
        WHERE story_id IN (SELECT unnest(?))""", sids)
    ids = [m["article_id"] for m in members]
    titles = dict(_fetch(con, "SELECT article_id, title FROM articles WHERE article_id IN (SELECT unnest(?))", ids))
    story_of = {m["article_id"]: m["story_id"] for m in members}
    events: dict[str, set[str]] = {}
    for aid, key in _fetch(con, "SELECT article_id, agg_event_id FROM event_mentions WHERE article_id IN (SELECT unnest(?))",
                           ids):
        events.setdefault(story_of[aid], set()).add(key)
    n_events = {k: len(v) for k, v in events.items()}
    by_story: dict[str, list[dict[str, Any]]] = {}
    for m in members:
        m["title"] = titles.get(m["article_id"])
        by_story.setdefault(m["story_id"], []).append(m)
    _exec(con, "DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", sids)
    rows = []
    for sid, ms in by_story.items():
        lab = min(ms, key=lambda m: (bool(m["is_duplicate"]), m["language"] != "en", not m["title"],
                                     m["seen_at"], m["article_id"]))
        rows.append({
            "story_id": sid, "label": lab["title"], "label_article_id": lab["article_id"],
            "first_seen": min(m["seen_at"] for m in ms), "last_seen": max(m["seen_at"] for m in ms),
            "n_articles": len(ms), "n_unique": sum(1 for m in ms if not m["is_duplicate"]),
            "n_duplicates": sum(1 for m in ms if m["is_duplicate"]),
            "languages": sorted({m["language"] for m in ms if m["language"]}),
            "outlets": sorted({m["outlet_key"] for m in ms if m["outlet_key"]}),
            "n_events": int(n_events.get(sid, 0)), "updated_at": now})
    _insert(con, "stories", rows)


# -- retracting articles -------------------------------------------------------------------------

def _retract(con: duckdb.DuckDBPyConnection, ids: list[str], st: CorpusStats) -> None:
    """Remove articles from the corpus view (their rows were replaced or deleted): their features,
    pairs and mentions; regroup their duplicate groups; re-aggregate their events; refresh stories."""
    now = _now()
    keys = {r[0] for r in _fetch(con, "SELECT DISTINCT agg_event_id FROM event_mentions WHERE article_id IN (SELECT unnest(?))", ids)}
    groups = {r[0] for r in _fetch(con, "SELECT DISTINCT dup_group FROM article_corpus WHERE article_id IN (SELECT unnest(?))", ids)}
    story_ids = {r[0] for r in _fetch(con, "SELECT DISTINCT story_id FROM article_corpus WHERE article_id IN (SELECT unnest(?)) AND story_id IS NOT NULL", ids)}
    counts: dict[str, int] = {}
    for (x,) in _fetch(con, "SELECT anchor FROM article_anchors WHERE article_id IN (SELECT unnest(?))", ids):
        counts[x] = counts.get(x, 0) - 1
    _bump_df(con, counts)
    for table in ("event_mentions", "minhash_bands", "article_anchors"):
        _exec(con, f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", ids)
    _exec(con, "DELETE FROM duplicate_pairs WHERE article_id IN (SELECT unnest(?)) OR other_id IN (SELECT unnest(?))", ids, ids)
    _exec(con, "DELETE FROM article_corpus WHERE article_id IN (SELECT unnest(?))", ids)
    changed = _regroup(con, groups, now)
    if changed:
        keys |= {r[0] for r in _fetch(con, "SELECT DISTINCT agg_event_id FROM event_mentions WHERE article_id IN (SELECT unnest(?))", list(changed))}
    _reaggregate(con, keys, now, st)
    _refresh_stories(con, story_ids, now)
    st.retracted += len(ids)
