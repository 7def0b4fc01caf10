"""The DuckDB schema, as an ordered list of migrations.

The database records its schema version in ``meta`` (key ``schema_version``). Opening a database
applies every migration above its version, in order, each in one transaction; a database newer than
this program is refused. To change the schema, append a migration: never edit one that has shipped.

Offsets are ``char_start``/``char_end`` (half-open, into ``articles.body``): ``end`` is an SQL keyword.

This module owns the stored schema: the tables' definitions (:data:`MIGRATIONS`), their groups
(:data:`ANNOTATION_TABLES`, :data:`CORPUS_TABLES`) and their column types as Arrow schemas
(:func:`table_schemas`), which the writers (:mod:`eventwire.store.db`, :mod:`eventwire.store.sql`,
the corpus view, the Dask parts) use instead of listing types of their own.
"""
from __future__ import annotations

from functools import lru_cache

import duckdb
import pyarrow as pa

ACTOR_STRUCT = (
    "STRUCT(text VARCHAR, char_start INTEGER, char_end INTEGER, name VARCHAR, code VARCHAR, "
    "country VARCHAR, sector VARCHAR, qid VARCHAR)"
)

#: (version, statements). Version N's statements bring a version N-1 database to version N.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, status VARCHAR,
            command VARCHAR, inputs VARCHAR[], version VARCHAR, workers INTEGER,
            documents INTEGER, articles INTEGER, skipped INTEGER, failed INTEGER, already_done INTEGER,
            entities INTEGER, events INTEGER, quotes INTEGER, elapsed_s DOUBLE)""",
        """CREATE TABLE documents (
            doc_id VARCHAR PRIMARY KEY, source VARCHAR, member VARCHAR, kind VARCHAR, size_bytes BIGINT,
            status VARCHAR, reason VARCHAR, run_id VARCHAR, processed_at TIMESTAMPTZ)""",
        """CREATE TABLE articles (
            article_id VARCHAR PRIMARY KEY, doc_id VARCHAR, source VARCHAR, url VARCHAR,
            canonical_url VARCHAR, title VARCHAR, body VARCHAR, published VARCHAR, modified VARCHAR,
            page_date VARCHAR, outlet VARCHAR, outlet_domain VARCHAR, authors VARCHAR[], language VARCHAR,
            translated_from VARCHAR, boilerplate VARCHAR[], cited_sources VARCHAR[], wire VARCHAR,
            dateline_place VARCHAR, extractor VARCHAR, warnings VARCHAR[], word_count INTEGER,
            run_id VARCHAR)""",
        """CREATE TABLE sentences (
            article_id VARCHAR, idx INTEGER, char_start INTEGER, char_end INTEGER)""",
        """CREATE TABLE entities (
            entity_id VARCHAR, article_id VARCHAR, char_start INTEGER, char_end INTEGER, text VARCHAR,
            label VARCHAR, sent_idx INTEGER, country VARCHAR, actor_code VARCHAR, source VARCHAR)""",
        """CREATE TABLE places (
            place_id VARCHAR, article_id VARCHAR, char_start INTEGER, char_end INTEGER, text VARCHAR,
            geonameid BIGINT, name VARCHAR, country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE,
            feature_class VARCHAR, feature_code VARCHAR, role VARCHAR, confidence DOUBLE, rule VARCHAR)""",
        """CREATE TABLE times (
            time_id VARCHAR, article_id VARCHAR, char_start INTEGER, char_end INTEGER, text VARCHAR,
            value VARCHAR, granularity VARCHAR, range_start VARCHAR, range_end VARCHAR, anchor VARCHAR,
            rule VARCHAR)""",
        """CREATE TABLE quotes (
            quote_id VARCHAR, article_id VARCHAR, char_start INTEGER, char_end INTEGER, text VARCHAR,
            kind VARCHAR, speaker_text VARCHAR, speaker_start INTEGER, speaker_end INTEGER,
            speaker_code VARCHAR, speaker_country VARCHAR, cue VARCHAR, cue_start INTEGER,
            cue_end INTEGER, via VARCHAR)""",
        """CREATE TABLE amounts (
            amount_id VARCHAR, article_id VARCHAR, char_start INTEGER, char_end INTEGER, text VARCHAR,
            value DOUBLE, unit VARCHAR, counted VARCHAR, approximate BOOLEAN)""",
        f"""CREATE TABLE events (
            event_id VARCHAR, article_id VARCHAR, sent_idx INTEGER, sentence_start INTEGER,
            sentence_end INTEGER, sentence VARCHAR, trigger VARCHAR, trigger_start INTEGER,
            trigger_end INTEGER, sources {ACTOR_STRUCT}[], targets {ACTOR_STRUCT}[],
            source_code VARCHAR, target_code VARCHAR, cameo_code VARCHAR, cameo_base VARCHAR,
            cameo_root VARCHAR, plover_type VARCHAR, plover_mode VARCHAR, quad_class INTEGER,
            goldstein DOUBLE, modality VARCHAR, confidence DOUBLE, coder VARCHAR, decided_by VARCHAR,
            attribution_text VARCHAR, attribution_code VARCHAR, location_text VARCHAR,
            location_geonameid BIGINT, location_country VARCHAR, location_lat DOUBLE,
            location_lon DOUBLE, date VARCHAR, date_granularity VARCHAR)""",
        """CREATE TABLE errors (
            error_id VARCHAR PRIMARY KEY, run_id VARCHAR, source VARCHAR, member VARCHAR, doc_id VARCHAR,
            stage VARCHAR, severity VARCHAR, reason VARCHAR, detail VARCHAR, recorded_at TIMESTAMPTZ)""",
    ]),
    # Reviews of coded events from the web app (eventwire serve): who judged which event when, the
    # verdict (correct / wrong / fixed), the gold codes and actor codes (NULL for 'wrong'), and a JSON
    # snapshot of the coder's event at review time, so the gold survives a re-run that changes ids.
    (2, [
        """CREATE TABLE reviews (
            review_id VARCHAR PRIMARY KEY, event_id VARCHAR, article_id VARCHAR, sent_idx INTEGER,
            sentence_start INTEGER, sentence_end INTEGER, trigger_start INTEGER, trigger_end INTEGER,
            verdict VARCHAR, cameo_code VARCHAR, plover_type VARCHAR, plover_mode VARCHAR,
            quad_class INTEGER, modality VARCHAR, sources VARCHAR[], targets VARCHAR[],
            original VARCHAR, note VARCHAR, reviewer VARCHAR, reviewed_at TIMESTAMPTZ)""",
    ]),
    # knowledge layer: how each quote and its speaker were found
    (3, [
        "ALTER TABLE quotes ADD COLUMN rule VARCHAR",
    ]),
    # 4: the corpus view (eventwire.corpus, docs/corpus.md): per-article signatures, duplicates and
    # story membership, LSH buckets and anchors for incremental matching, stories, and events
    # aggregated across articles with their mentions (GDELT 2.0 events/mentions).
    (4, [
        """CREATE TABLE article_corpus (
            article_id VARCHAR PRIMARY KEY, article_run_id VARCHAR, language VARCHAR,
            translated_from VARCHAR, seen_at TIMESTAMP, seen_basis VARCHAR, outlet_key VARCHAR,
            body_hash VARCHAR, body_chars INTEGER, n_shingles INTEGER, minhash BLOB, lead_minhash BLOB,
            n_anchors INTEGER, dup_group VARCHAR, is_duplicate BOOLEAN, duplicate_of VARCHAR,
            duplicate_kind VARCHAR, duplicate_score DOUBLE, story_id VARCHAR, story_score DOUBLE,
            updated_at TIMESTAMPTZ)""",
        "CREATE TABLE minhash_bands (article_id VARCHAR, band SMALLINT, bucket BIGINT)",
        """CREATE TABLE article_anchors (
            article_id VARCHAR, anchor VARCHAR, rank SMALLINT, seen_at TIMESTAMP, language VARCHAR)""",
        "CREATE TABLE anchor_df (anchor VARCHAR PRIMARY KEY, df INTEGER)",
        """CREATE TABLE duplicate_pairs (
            article_id VARCHAR, other_id VARCHAR, kind VARCHAR, jaccard DOUBLE, containment DOUBLE,
            anchor_overlap DOUBLE, order_tau DOUBLE, found_at TIMESTAMPTZ)""",
        """CREATE TABLE stories (
            story_id VARCHAR PRIMARY KEY, label VARCHAR, label_article_id VARCHAR, first_seen TIMESTAMP,
            last_seen TIMESTAMP, n_articles INTEGER, n_unique INTEGER, n_duplicates INTEGER,
            languages VARCHAR[], outlets VARCHAR[], n_events INTEGER, updated_at TIMESTAMPTZ)""",
        """CREATE TABLE event_mentions (
            mention_id VARCHAR, agg_event_id VARCHAR, event_id VARCHAR, article_id VARCHAR,
            sent_idx INTEGER, sentence_start INTEGER, sentence_end INTEGER, trigger VARCHAR,
            trigger_start INTEGER, trigger_end INTEGER, source_start INTEGER, source_end INTEGER,
            target_start INTEGER, target_end INTEGER, source_text VARCHAR, target_text VARCHAR,
            confidence DOUBLE, modality VARCHAR, in_lead BOOLEAN, seen_at TIMESTAMP,
            date VARCHAR, date_basis VARCHAR, source_key VARCHAR, target_key VARCHAR, code_key VARCHAR,
            location_key VARCHAR, source_code VARCHAR, source_name VARCHAR, source_country VARCHAR,
            source_sector VARCHAR, source_qid VARCHAR, target_code VARCHAR, target_name VARCHAR,
            target_country VARCHAR, target_sector VARCHAR, target_qid VARCHAR, cameo_code VARCHAR,
            cameo_base VARCHAR, cameo_root VARCHAR, plover_type VARCHAR, plover_mode VARCHAR,
            quad_class INTEGER, goldstein DOUBLE, location_text VARCHAR, location_geonameid BIGINT,
            location_country VARCHAR, location_admin1 VARCHAR, location_feature_code VARCHAR,
            location_lat DOUBLE, location_lon DOUBLE, attribution_text VARCHAR, coder VARCHAR)""",
        """CREATE TABLE aggregated_events (
            agg_event_id VARCHAR PRIMARY KEY, global_event_id BIGINT, date VARCHAR, date_start DATE,
            date_end DATE, date_basis VARCHAR, modality VARCHAR, source_key VARCHAR, target_key VARCHAR,
            code_key VARCHAR, location_key VARCHAR, source_code VARCHAR, source_name VARCHAR,
            source_country VARCHAR, source_sector VARCHAR, source_qid VARCHAR, target_code VARCHAR,
            target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR, target_qid VARCHAR,
            cameo_code VARCHAR, cameo_base VARCHAR, cameo_root VARCHAR, plover_type VARCHAR,
            plover_mode VARCHAR, quad_class INTEGER, goldstein DOUBLE, location_text VARCHAR,
            location_geonameid BIGINT, location_country VARCHAR, location_admin1 VARCHAR,
            location_feature_code VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
            num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER, num_copies INTEGER,
            first_seen TIMESTAMP, last_seen TIMESTAMP, is_root BOOLEAN, confidence DOUBLE,
            best_mention_id VARCHAR, first_article_id VARCHAR, source_url VARCHAR,
            story_ids VARCHAR[], added_at TIMESTAMPTZ, updated_at TIMESTAMPTZ)""",
    ]),
    # Dask runs (eventwire run --cluster dask): one row per input shard merged (or failed), so that a
    # rerun processes only the shards not done yet. See eventwire.scale.dask_runner.
    (5, [
        """CREATE TABLE IF NOT EXISTS shards (
            shard_id VARCHAR PRIMARY KEY, paths VARCHAR[], files INTEGER, size_bytes BIGINT,
            status VARCHAR, reason VARCHAR, documents INTEGER, articles INTEGER, worker VARCHAR,
            elapsed_s DOUBLE, run_id VARCHAR, finished_at TIMESTAMPTZ)""",
    ]),
    # 6: no invented event dates. Earlier versions gave an event with neither a date of its own nor a
    # publication date the day its article was stored (date_basis 'stored'); that day is not when
    # the event happened. Such rows become undated (date NULL, date_basis 'none'), and an empty
    # date is NULL. Their agg_event_id keeps the old key until `eventwire corpus rebuild`.
    (6, [
        "UPDATE event_mentions SET date = NULL, date_basis = 'none' WHERE date_basis = 'stored' OR date = ''",
        """UPDATE aggregated_events SET date = NULL, date_start = NULL, date_end = NULL, date_basis = 'none'
           WHERE date_basis = 'stored' OR date = ''""",
    ]),
    # 7: how an event's place was chosen (sentence / context / dateline / none; eventwire.context):
    # a dateline is where a story was filed, so an event located by it says so. NULL for older rows.
    (7, [
        "ALTER TABLE events ADD COLUMN location_rule VARCHAR",
    ]),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]

#: Annotation tables: (table, Article attribute, id column). Rows carry ``article_id``.
ANNOTATION_TABLES = [
    ("sentences", "sentences", None),
    ("entities", "entities", "entity_id"),
    ("places", "places", "place_id"),
    ("times", "times", "time_id"),
    ("quotes", "quotes", "quote_id"),
    ("amounts", "amounts", "amount_id"),
    ("events", "events", "event_id"),
]

#: The corpus view's tables (migration 4; :mod:`eventwire.corpus`), emptied by a corpus rebuild.
CORPUS_TABLES = ["article_corpus", "minhash_bands", "article_anchors", "anchor_df", "duplicate_pairs",
                 "stories", "event_mentions", "aggregated_events"]


@lru_cache(maxsize=1)
def table_schemas() -> dict[str, pa.Schema]:
    """Table name -> the Arrow schema of its columns (names, order and types as stored), read once from
    an in-memory DuckDB database built by :data:`MIGRATIONS`: the migrations are the only list of
    column types.

    Raises:
        duckdb.Error: a migration statement fails (a programming error).
    """
    con = duckdb.connect(":memory:")
    try:
        for _, statements in MIGRATIONS:
            for sql in statements:
                con.execute(sql)
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
        return {t: con.execute(f'SELECT * FROM "{t}" LIMIT 0').fetch_arrow_table().schema for t in names}
    finally:
        con.close()
