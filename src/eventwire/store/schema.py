"""The DuckDB schema, as an ordered list of migrations.

The database records its schema version in ``meta`` (key ``schema_version``). Opening a database
applies every migration above its version, in order, each in one transaction; a database newer than
this program is refused. To change the schema, append a migration: never edit one that has shipped.

Offsets are ``char_start``/``char_end`` (half-open, into ``articles.body``): ``end`` is an SQL keyword.
"""
from __future__ import annotations

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
    # Dask runs (eventwire run --cluster dask): one row per input shard merged (or failed), so that a
    # rerun processes only the shards not done yet. See eventwire.scale.dask_runner.
    (2, [
        """CREATE TABLE IF NOT EXISTS shards (
            shard_id VARCHAR PRIMARY KEY, paths VARCHAR[], files INTEGER, size_bytes BIGINT,
            status VARCHAR, reason VARCHAR, documents INTEGER, articles INTEGER, worker VARCHAR,
            elapsed_s DOUBLE, run_id VARCHAR, finished_at TIMESTAMPTZ)""",
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
